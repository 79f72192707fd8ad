"""Claim deadlines: remind merchants (webhook through the outbox) before and after a due date.

A claim is due when the marketplace's answer window closes (`answer_due_at`) or, for a draft,
when our own time to file it ends (`due_at`). Reminders repeat every `REPEAT` while the claim
stays due, so no claim is forgotten; settled, closed and cancelled claims are never reminded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa

from wms.db.models import Claim
from wms.services.claims_views import due_column, next_due
from wms.services.uow import SYSTEM, UnitOfWork

REMIND_BEFORE = timedelta(hours=24)
REPEAT = timedelta(hours=12)
TOPIC = "merchant.claim_due"
BATCH = 500


@dataclass
class Reminders:
    """What one run did."""

    reminded: list[str] = field(default_factory=list)
    overdue: int = 0


def _due_soon(now: datetime) -> sa.ColumnElement[bool]:
    return sa.and_(
        due_column() <= now + REMIND_BEFORE,
        sa.or_(Claim.reminded_at.is_(None), Claim.reminded_at <= now - REPEAT),
    )


def remind(uow: UnitOfWork, limit: int = BATCH) -> Reminders:
    """Queue a reminder for every claim due within a day (or overdue) not reminded lately."""
    now = uow.now()
    claims = (
        uow.session.execute(sa.select(Claim).where(_due_soon(now)).order_by(Claim.id).limit(limit))
        .scalars()
        .all()
    )
    out = Reminders()
    for claim in claims:
        due = next_due(claim)
        if due is None:
            continue
        overdue = due < now
        out.overdue += overdue
        uow.outbox(
            TOPIC,
            f"webhook:claim_due:{claim.id}:{now.timestamp()}",
            {
                "merchant_id": claim.merchant_id,
                "claim": claim.number,
                "state": claim.state.value,
                "marketplace": claim.marketplace.value if claim.marketplace else None,
                "external_id": claim.external_id,
                "due_at": due.isoformat(),
                "overdue": overdue,
                "claimed_tiyn": claim.claimed_tiyn,
            },
        )
        claim.reminded_at = now
        uow.audit("claim", claim.id, "reminded", SYSTEM, due_at=due.isoformat(), overdue=overdue)
        out.reminded.append(claim.number)
    return out


def overdue_claims(session: sa.orm.Session, now: datetime, limit: int = 20) -> list[Claim]:
    """Claims past their deadline, the longest overdue first (the floor page lists them)."""
    due = due_column()
    stmt = sa.select(Claim).where(due < now).order_by(due, Claim.id).limit(limit)
    return list(session.execute(stmt).scalars())
