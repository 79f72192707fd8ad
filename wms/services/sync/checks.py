"""Keep what the last reconcile found, per account and offer (the Sync page shows it)."""

from __future__ import annotations

import sqlalchemy as sa

from wms.db.models import AccountCheck, OfferCheck
from wms.db.session import dialect_insert
from wms.services.sync.reconcile import AccountCheck as Check
from wms.services.uow import UnitOfWork


def record(uow: UnitOfWork, checks: list[Check]) -> int:
    """Store each account's read-back (an account that failed keeps its last offer figures)."""
    now = uow.now()
    session = uow.session
    insert = dialect_insert(session)
    drifting = 0
    for check in checks:
        drifting += len(check.drift)
        values = {
            "checked_at": now,
            "checked": check.checked,
            "in_flight": check.in_flight,
            "drifting": len(check.drift),
            "error": check.error,
        }
        stmt = insert(AccountCheck).values(account_id=check.account_id, **values)
        session.execute(stmt.on_conflict_do_update(index_elements=["account_id"], set_=values))
        if check.error is not None:
            continue
        rows = [
            {
                "offer_id": offer_id,
                "checked_at": now,
                "marketplace_quantity": there,
                "wms_quantity": wms,
                "in_flight": in_flight,
            }
            for offer_id, (there, wms, in_flight) in check.seen.items()
        ]
        if rows:
            session.execute(sa.delete(OfferCheck).where(OfferCheck.offer_id.in_(check.seen)))
            session.execute(sa.insert(OfferCheck), rows)
    return drifting
