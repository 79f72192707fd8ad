"""What `/metrics` reads from the database: a few small aggregate queries, no merchant data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from wms.db.base import utcnow
from wms.db.models import (
    Alarm,
    JobHeartbeat,
    JobState,
    MarketplaceAccount,
    Offer,
    OutboxMessage,
    OutboxStatus,
    Station,
    StationRole,
)
from wms.domain import kpi
from wms.services.sync.outbox import STOCK_TOPIC

WEBHOOK = "webhook"


@dataclass(frozen=True)
class Lane:
    """Outbox rows waiting for one marketplace (or the merchants' webhooks)."""

    marketplace: str
    pending: int
    oldest: datetime | None
    parked: int


@dataclass
class Snapshot:
    """The state `/metrics` reports."""

    now: datetime
    outbox: list[Lane] = field(default_factory=list)
    stations_online: dict[str, int] = field(default_factory=dict)
    jobs: list[JobState] = field(default_factory=list)
    alarms: dict[str, int] = field(default_factory=dict)
    heartbeats: dict[str, datetime] = field(default_factory=dict)


def outbox_lanes(session: Session) -> list[Lane]:
    """Pending and parked rows per marketplace: a stock row counts for every marketplace that
    lists an active offer of its SKU and channel; webhook rows form their own lane."""
    waiting = OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.PARKED])
    pending = sa.case((OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.id))
    pending_at = sa.case((OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.created_at))
    parked = sa.case((OutboxMessage.status == OutboxStatus.PARKED, OutboxMessage.id))
    stock = session.execute(
        sa.select(
            MarketplaceAccount.marketplace,
            sa.func.count(sa.distinct(pending)),
            sa.func.min(pending_at),
            sa.func.count(sa.distinct(parked)),
        )
        .select_from(OutboxMessage)
        .join(
            Offer,
            sa.and_(
                Offer.merchant_id == OutboxMessage.payload["merchant_id"].as_integer(),
                Offer.product_id == OutboxMessage.payload["product_id"].as_integer(),
                Offer.channel == OutboxMessage.payload["channel"].as_string(),
                Offer.active,
            ),
        )
        .join(MarketplaceAccount, MarketplaceAccount.id == Offer.account_id)
        .where(waiting, OutboxMessage.topic == STOCK_TOPIC)
        .group_by(MarketplaceAccount.marketplace)
    ).all()
    lanes = {m.value: Lane(m.value, int(n), oldest, int(p)) for m, n, oldest, p in stock}
    hooks = session.execute(
        sa.select(sa.func.count(pending), sa.func.min(pending_at), sa.func.count(parked)).where(
            waiting, OutboxMessage.topic != STOCK_TOPIC
        )
    ).one()
    lanes[WEBHOOK] = Lane(WEBHOOK, int(hooks[0]), hooks[1], int(hooks[2]))
    for name in ("kaspi", "wildberries", "ozon"):
        lanes.setdefault(name, Lane(name, 0, None, 0))
    return [lanes[k] for k in sorted(lanes)]


def snapshot(session: Session, now: datetime | None = None) -> Snapshot:
    """Everything `/metrics` reads, in one read-only session."""
    now = now or utcnow()
    out = Snapshot(now)
    out.outbox = outbox_lanes(session)
    online = dict(
        session.execute(
            sa.select(Station.role, sa.func.count())
            .where(Station.active, Station.last_seen_at > now - kpi.STATION_OFFLINE_AFTER)
            .group_by(Station.role)
        ).all()
    )
    out.stations_online = {r.value: int(online.get(r, 0)) for r in StationRole}
    out.jobs = list(session.execute(sa.select(JobState).order_by(JobState.name)).scalars())
    out.alarms = {
        kind: int(n)
        for kind, n in session.execute(
            sa.select(Alarm.kind, sa.func.count())
            .where(Alarm.cleared_at.is_(None))
            .group_by(Alarm.kind)
        ).all()
    }
    for name, at in session.execute(sa.select(JobHeartbeat.name, JobHeartbeat.beat_at)).all():
        kind = name.split(":", 1)[0]
        if kind not in out.heartbeats or at > out.heartbeats[kind]:
            out.heartbeats[kind] = at
    return out
