"""Per-offer leases, the record of confirmed pushes, reintegration times and account pauses.

Only the holder of an offer's lease pushes it, and it records a push only while it still holds
the lease, with a version that may only grow: that makes "never an older value after a newer
one" hold with any number of workers. The lease is taken and released in short transactions of
their own; no database lock lives across an HTTP call.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from wms.db.models import Offer, SyncAccount, Unit
from wms.db.session import dialect_insert
from wms.services.sync.outbox import chunks
from wms.services.sync.plan import PushItem
from wms.services.uow import UnitOfWork

_OFFERS = cast(sa.Table, Offer.__table__)
_UNITS = cast(sa.Table, Unit.__table__)
MAX_PAUSE = timedelta(minutes=30)
HOLD_PREFIX = "hold:"  # a lease nobody owns: an answer we never got may still arrive


@dataclass(frozen=True)
class Confirmed:
    """A push the marketplace took."""

    item: PushItem
    sent_quantity: int


def lease(uow: UnitOfWork, worker: str, offer_ids: Sequence[int], seconds: float) -> dict[int, int]:
    """Lease free offers to this worker; returns {offer id: pushed version (-1 when none)}."""
    now = uow.now()
    got: dict[int, int] = {}
    for part in chunks(offer_ids):
        stmt = (
            sa.update(_OFFERS)
            .where(
                _OFFERS.c.id.in_(part),
                # Free or run out; never re-entered, not even by its own holder.
                sa.or_(_OFFERS.c.lease_until.is_(None), _OFFERS.c.lease_until < now),
            )
            .values(lease_owner=worker, lease_until=now + timedelta(seconds=seconds))
            .returning(_OFFERS.c.id, _OFFERS.c.pushed_version)
        )
        got.update({oid: -1 if v is None else v for oid, v in uow.session.execute(stmt).all()})
    return got


def record(
    uow: UnitOfWork,
    worker: str,
    confirmed: Sequence[Confirmed],
    release: Iterable[int] = (),
    hold: Iterable[int] = (),
    hold_seconds: float = 0.0,
    account_id: int | None = None,
) -> int:
    """Store confirmed pushes, free or hold the other leases; returns units reintegrated.

    With `account_id`, a confirmed push also ends that account's pause.
    """
    now = uow.now()
    session = uow.session
    if confirmed:
        stmt = (
            sa.update(_OFFERS)
            .where(
                _OFFERS.c.id == sa.bindparam("offer_id"),
                _OFFERS.c.lease_owner == worker,
                sa.or_(
                    _OFFERS.c.pushed_version.is_(None),
                    _OFFERS.c.pushed_version < sa.bindparam("version"),
                ),
            )
            .values(
                pushed_quantity=sa.bindparam("quantity"),
                pushed_version=sa.bindparam("version"),
                pushed_at=now,
                confirmed_at=now,
                lease_owner=None,
                lease_until=None,
            )
        )
        params = [
            {"offer_id": c.item.offer_id, "version": c.item.version, "quantity": c.sent_quantity}
            for c in confirmed
        ]
        updated = _rowcount(session.execute(stmt, params))
        if updated != len(params):  # some offer was ahead already: free its lease all the same
            _free(uow, worker, [c.item.offer_id for c in confirmed], None, None)
    _free(uow, worker, list(release), None, None)
    hold_ids = list(hold)
    if hold_ids:
        _free(uow, worker, hold_ids, HOLD_PREFIX + worker, now + timedelta(seconds=hold_seconds))
    if confirmed and account_id is not None:
        account_ok(uow, [account_id])
    return reintegrate(uow, {c.item.key for c in confirmed}, now)


def record_and_lease(
    uow: UnitOfWork,
    worker: str,
    confirmed: Sequence[Confirmed],
    release: Iterable[int],
    hold: Iterable[int],
    hold_seconds: float,
    account_id: int | None,
    next_ids: Sequence[int],
    seconds: float,
) -> dict[int, int]:
    """`record` one batch and `lease` the next in one transaction; returns the new leases."""
    record(uow, worker, confirmed, release, hold, hold_seconds, account_id)
    return lease(uow, worker, next_ids, seconds) if next_ids else {}


def _free(
    uow: UnitOfWork, worker: str, ids: list[int], owner: str | None, until: datetime | None
) -> None:
    for part in chunks(ids):
        uow.session.execute(
            sa.update(_OFFERS)
            .where(_OFFERS.c.id.in_(part), _OFFERS.c.lease_owner == worker)
            .values(lease_owner=owner, lease_until=until)
        )


def reintegrate(uow: UnitOfWork, keys: Iterable[str], now: datetime) -> int:
    """Units back on sale: a marketplace now holds a version at least as new as their putaway."""
    products = sorted({int(key.split(":")[2]) for key in keys})
    offers = _OFFERS.alias("o")
    confirmed = (
        sa.select(sa.func.max(offers.c.pushed_version))
        .where(
            offers.c.merchant_id == _UNITS.c.merchant_id,
            offers.c.product_id == _UNITS.c.product_id,
            offers.c.channel == _UNITS.c.channel,
        )
        .scalar_subquery()
    )
    count = 0
    for part in chunks(products):
        result = uow.session.execute(
            sa.update(_UNITS)
            .where(
                _UNITS.c.reintegrated_at.is_(None),
                _UNITS.c.putaway_version.is_not(None),
                _UNITS.c.product_id.in_(part),
                _UNITS.c.putaway_version <= confirmed,
            )
            .values(reintegrated_at=now)
        )
        count += _rowcount(result)
    return count


def reintegrate_served(
    uow: UnitOfWork, account_id: int, merchant_id: int, served_from: datetime, now: datetime
) -> int:
    """Units put away before a Kaspi feed fetch started, listed in that feed: back on sale."""
    offers = _OFFERS.alias("o")
    listed = (
        sa.select(sa.literal(1))
        .where(
            offers.c.account_id == account_id,
            offers.c.active,
            offers.c.product_id == _UNITS.c.product_id,
            offers.c.channel == _UNITS.c.channel,
        )
        .exists()
    )
    result = uow.session.execute(
        sa.update(_UNITS)
        .where(
            _UNITS.c.merchant_id == merchant_id,
            _UNITS.c.reintegrated_at.is_(None),
            _UNITS.c.putaway_version.is_not(None),
            _UNITS.c.putaway_at <= served_from,
            listed,
        )
        .values(reintegrated_at=now)
    )
    return _rowcount(result)


def pause_account(uow: UnitOfWork, account_id: int, reason: str, base_seconds: float) -> datetime:
    """Stop pushing to an account for a while (each pause in a row lasts twice as long)."""
    state = _state(uow, account_id)
    state.pauses += 1
    wait = min(timedelta(seconds=base_seconds * 2 ** (state.pauses - 1)), MAX_PAUSE)
    state.paused_until = uow.now() + wait
    state.pause_reason = reason[:1000]
    state.updated_at = uow.now()
    return state.paused_until


def account_ok(uow: UnitOfWork, account_ids: Iterable[int]) -> None:
    """The marketplace took pushes of these accounts: end any pause (one statement each)."""
    now = uow.now()
    insert = dialect_insert(uow.session)
    values = {
        "pauses": 0,
        "paused_until": None,
        "pause_reason": None,
        "last_push_at": now,
        "updated_at": now,
    }
    for account_id in account_ids:
        uow.session.execute(
            insert(SyncAccount)
            .values(account_id=account_id, **values)
            .on_conflict_do_update(index_elements=["account_id"], set_=values)
        )


def paused_accounts(session: Session, now: datetime) -> dict[str, dict[str, str]]:
    """Accounts paused right now, for the heartbeat: {account id: {until, reason}}."""
    rows = session.execute(
        sa.select(SyncAccount.account_id, SyncAccount.paused_until, SyncAccount.pause_reason).where(
            SyncAccount.paused_until > now
        )
    ).all()
    return {
        str(account): {"until": until.isoformat(), "reason": reason or ""}
        for account, until, reason in rows
        if until is not None
    }


def _state(uow: UnitOfWork, account_id: int) -> SyncAccount:
    """The account's sync row, created if missing and locked (two workers may both want it)."""
    insert = dialect_insert(uow.session)
    uow.session.execute(
        insert(SyncAccount)
        .values(account_id=account_id, pauses=0, updated_at=uow.now())
        .on_conflict_do_nothing(index_elements=["account_id"])
    )
    state = uow.session.get(SyncAccount, account_id, with_for_update=True, populate_existing=True)
    assert state is not None
    return state


def _rowcount(result: Any) -> int:
    """Rows an UPDATE changed (a CursorResult's rowcount)."""
    return int(getattr(result, "rowcount", 0) or 0)
