"""Health of the marketplace sync: outbox lag, parked errors, Kaspi feed fetches, worker beats."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from wms.db.models import (
    AccountCheck,
    FeedFetch,
    JobHeartbeat,
    MarketplaceAccount,
    Merchant,
    Offer,
    OfferCheck,
    OutboxMessage,
    Product,
    StockTotal,
    SyncAccount,
)
from wms.db.models import OutboxStatus as Status
from wms.domain import kpi
from wms.domain import stock as stock_rules
from wms.domain.onsale import OnSale, verdict
from wms.domain.returns import Marketplace
from wms.services.offers import offer_stock


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


@dataclass(frozen=True)
class AccountStatus:
    """One marketplace account: pushes, pauses, the last read-back or feed fetch."""

    id: int
    merchant: str
    marketplace: str
    name: str
    active: bool
    offers: int
    on_sale: int
    waiting: int
    last_push_at: datetime | None
    paused_until: datetime | None
    pause_reason: str | None
    checked_at: datetime | None
    drifting: int | None
    check_error: str | None


def _pending_key() -> Any:
    key = (
        sa.literal("stock:")
        + sa.cast(Offer.merchant_id, sa.String)
        + sa.literal(":")
        + sa.cast(Offer.product_id, sa.String)
        + sa.literal(":")
        + sa.cast(Offer.channel, sa.String)
    )
    return sa.exists().where(OutboxMessage.key == key, OutboxMessage.status == Status.PENDING)


def accounts(session: Session, merchant_id: int | None = None) -> list[AccountStatus]:
    """Every account with its offers on sale, changes waiting, pause and last check."""
    counts = (
        sa.select(
            Offer.account_id.label("account_id"),
            sa.func.count().label("offers"),
            sa.func.sum(sa.case((Offer.pushed_quantity > 0, 1), else_=0)).label("on_sale"),
            sa.func.sum(sa.case((_pending_key(), 1), else_=0)).label("waiting"),
        )
        .where(Offer.active)
        .group_by(Offer.account_id)
        .subquery()
    )
    stmt = (
        sa.select(MarketplaceAccount, Merchant.code, counts, SyncAccount, AccountCheck)
        .join(Merchant, Merchant.id == MarketplaceAccount.merchant_id)
        .outerjoin(counts, counts.c.account_id == MarketplaceAccount.id)
        .outerjoin(SyncAccount, SyncAccount.account_id == MarketplaceAccount.id)
        .outerjoin(AccountCheck, AccountCheck.account_id == MarketplaceAccount.id)
        .order_by(Merchant.code, MarketplaceAccount.marketplace, MarketplaceAccount.name)
    )
    if merchant_id is not None:
        stmt = stmt.where(MarketplaceAccount.merchant_id == merchant_id)
    out = []
    for acc, code, _aid, offers, on_sale, waiting, state, check in session.execute(stmt).all():
        out.append(
            AccountStatus(
                acc.id,
                code,
                acc.marketplace.value,
                acc.name,
                acc.active,
                int(offers or 0),
                int(on_sale or 0),
                int(waiting or 0),
                state.last_push_at if state else None,
                state.paused_until if state else None,
                state.pause_reason if state else None,
                check.checked_at if check else None,
                check.drifting if check else None,
                check.error if check else None,
            )
        )
    return out


@dataclass(frozen=True)
class OfferStatus:
    """One offer: what the WMS holds, what the marketplace was told and said, the answer."""

    id: int
    merchant: str
    sku: str
    account: str
    marketplace: str
    channel: str
    marketplace_sku: str
    available: int
    pushed_quantity: int | None
    pushed_at: datetime | None
    confirmed_at: datetime | None
    read_back: int | None
    checked_at: datetime | None
    verdict: OnSale


PROBLEMS = (OnSale.WAITING, OnSale.NOT_CONFIRMED, OnSale.DRIFT)


def offers(
    session: Session,
    *,
    merchant_id: int | None = None,
    account_id: int | None = None,
    sku: str | None = None,
    cursor: int | None = None,
    limit: int = 100,
) -> tuple[list[OfferStatus], int | None]:
    """Offers by id (keyset pages), each with its on-sale answer."""
    stmt = (
        sa.select(
            Offer,
            Merchant.code,
            Product.sku,
            MarketplaceAccount.name,
            MarketplaceAccount.marketplace,
            StockTotal.on_hand,
            StockTotal.reserved,
            OfferCheck,
            _pending_key(),
        )
        .join(Merchant, Merchant.id == Offer.merchant_id)
        .join(Product, Product.id == Offer.product_id)
        .join(MarketplaceAccount, MarketplaceAccount.id == Offer.account_id)
        .outerjoin(StockTotal, offer_stock())
        .outerjoin(OfferCheck, OfferCheck.offer_id == Offer.id)
        .order_by(Offer.id)
        .limit(limit + 1)
    )
    for value, column in ((merchant_id, Offer.merchant_id), (account_id, Offer.account_id)):
        if value is not None:
            stmt = stmt.where(column == value)
    if sku:
        stmt = stmt.where(Product.sku == sku)
    if cursor is not None:
        stmt = stmt.where(Offer.id > cursor)
    rows = session.execute(stmt).all()
    out = []
    for offer, code, product_sku, account, market, on_hand, reserved, check, pending in rows[
        :limit
    ]:
        available = stock_rules.available(on_hand or 0, reserved or 0)
        expected = check.wms_quantity if check else available
        out.append(
            OfferStatus(
                offer.id,
                code,
                product_sku,
                account,
                market.value,
                offer.channel.value,
                offer.marketplace_sku,
                available,
                offer.pushed_quantity,
                offer.pushed_at,
                offer.confirmed_at,
                check.marketplace_quantity if check else None,
                check.checked_at if check else None,
                verdict(
                    active=offer.active,
                    pending=bool(pending),
                    confirmed_quantity=offer.pushed_quantity if offer.confirmed_at else None,
                    read_back=check.marketplace_quantity if check else None,
                    expected=expected,
                ),
            )
        )
    return out, (out[-1].id if len(rows) > limit else None)
