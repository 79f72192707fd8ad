"""Health of the marketplace sync: outbox lag, parked errors, Kaspi feed fetches, worker beats."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from wms.db.models import FeedFetch, JobHeartbeat, MarketplaceAccount, Merchant, OutboxMessage
from wms.db.models import OutboxStatus as Status
from wms.domain import kpi
from wms.domain.returns import Marketplace


@dataclass(frozen=True)
class TopicLag:
    """Pending outbox rows of one topic and how old the oldest is."""

    topic: str
    pending: int
    oldest: datetime | None
    lag_seconds: float
    retrying: int


def outbox_lag(session: Session, now: datetime) -> list[TopicLag]:
    """Pending rows per topic (the sync lag is the age of the oldest)."""
    rows = session.execute(
        sa.select(
            OutboxMessage.topic,
            sa.func.count(),
            sa.func.min(OutboxMessage.created_at),
            sa.func.sum(sa.case((OutboxMessage.attempts > 0, 1), else_=0)),
        )
        .where(OutboxMessage.status == Status.PENDING)
        .group_by(OutboxMessage.topic)
        .order_by(OutboxMessage.topic)
    ).all()
    return [
        TopicLag(topic, int(n), oldest, kpi.lag_seconds(oldest, now), int(retrying or 0))
        for topic, n, oldest, retrying in rows
    ]


def parked(session: Session, limit: int = 50) -> tuple[int, list[OutboxMessage]]:
    """How many rows are parked, and the latest of them with their errors."""
    count = session.execute(
        sa.select(sa.func.count()).where(OutboxMessage.status == Status.PARKED)
    ).scalar_one()
    rows = session.execute(
        sa.select(OutboxMessage)
        .where(OutboxMessage.status == Status.PARKED)
        .order_by(OutboxMessage.available_at.desc(), OutboxMessage.id.desc())
        .limit(limit)
    ).scalars()
    return int(count), list(rows)


@dataclass(frozen=True)
class FeedStatus:
    """When Kaspi last fetched an account's price list."""

    account: str
    merchant: str
    last_at: datetime | None
    offers: int | None
    status: int | None


def kaspi_feeds(session: Session) -> list[FeedStatus]:
    """The last feed fetch of every Kaspi account (one index probe per account)."""
    last = (
        sa.select(FeedFetch.id)
        .where(FeedFetch.account_id == MarketplaceAccount.id)
        .order_by(FeedFetch.created_at.desc(), FeedFetch.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    rows = session.execute(
        sa.select(MarketplaceAccount.name, Merchant.code, last)
        .join(Merchant, Merchant.id == MarketplaceAccount.merchant_id)
        .where(MarketplaceAccount.marketplace == Marketplace.KASPI)
        .order_by(Merchant.code, MarketplaceAccount.name)
    ).all()
    out = []
    for name, code, fetch_id in rows:
        fetch = session.get(FeedFetch, fetch_id) if fetch_id else None
        out.append(
            FeedStatus(
                name,
                code,
                fetch.created_at if fetch else None,
                fetch.offers if fetch else None,
                fetch.status if fetch else None,
            )
        )
    return out


@dataclass(frozen=True)
class WorkerBeat:
    """A background worker's last heartbeat."""

    name: str
    beat_at: datetime
    stale: bool
    info: dict[str, Any]


def heartbeats(session: Session, now: datetime) -> list[WorkerBeat]:
    """Every worker that ever beat, stale ones flagged."""
    return [
        WorkerBeat(b.name, b.beat_at, kpi.worker_stale(b.beat_at, now), dict(b.info or {}))
        for b in session.execute(sa.select(JobHeartbeat).order_by(JobHeartbeat.name)).scalars()
    ]
