"""Kaspi-feed watchdog: an alarm (dashboard + merchant webhook) when Kaspi stops fetching.

Kaspi pulls each account's price list about hourly; if it has not for `kaspi_feed_stale_hours`,
whatever was put away since is not on sale there. One alarm per account while the silence
lasts: raised once (with the `merchant.kaspi_feed_stale` webhook), cleared by the first fetch
after it (`merchant.kaspi_feed_restored`). A new account gets the same grace from its creation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from wms.db.models import Alarm, FeedFetch, MarketplaceAccount, Merchant, Offer
from wms.domain.returns import Marketplace
from wms.services.uow import SYSTEM, UnitOfWork

KIND = "kaspi_feed_stale"


@dataclass(frozen=True)
class FeedWatch:
    """What the watchdog did."""

    watched: int
    raised: list[str]
    cleared: list[str]
    open: int


def _accounts(session: Session) -> list[tuple[MarketplaceAccount, str, datetime | None]]:
    last = (
        sa.select(sa.func.max(FeedFetch.created_at))
        .where(FeedFetch.account_id == MarketplaceAccount.id, FeedFetch.status == 200)
        .scalar_subquery()
    )
    has_offers = sa.exists().where(Offer.account_id == MarketplaceAccount.id, Offer.active)
    rows = session.execute(
        sa.select(MarketplaceAccount, Merchant.code, last)
        .join(Merchant, Merchant.id == MarketplaceAccount.merchant_id)
        .where(
            MarketplaceAccount.marketplace == Marketplace.KASPI,
            MarketplaceAccount.active,
            has_offers,
        )
        .order_by(MarketplaceAccount.id)
    ).all()
    return [(a, code, at) for a, code, at in rows]


def watch_kaspi_feeds(uow: UnitOfWork, stale_hours: float) -> FeedWatch:
    """Raise or clear the stale-feed alarm of every active Kaspi account with offers."""
    now = uow.now()
    session = uow.session
    limit = timedelta(hours=stale_hours)
    open_alarms = {
        a.subject: a
        for a in session.execute(
            sa.select(Alarm).where(Alarm.kind == KIND, Alarm.cleared_at.is_(None))
        ).scalars()
    }
    raised, cleared = [], []
    accounts = _accounts(session)
    for account, merchant, last_at in accounts:
        subject = f"account:{account.id}"
        since = last_at or account.created_at
        alarm = open_alarms.pop(subject, None)
        info: dict[str, Any] = {
            "merchant_id": account.merchant_id,
            "account": account.name,
            "last_fetch_at": last_at.isoformat() if last_at else None,
        }
        if now - since > limit and alarm is None:
            session.add(
                Alarm(
                    kind=KIND,
                    subject=subject,
                    merchant_id=account.merchant_id,
                    message=f"{merchant} {account.name}",
                    payload={**info, "stale_hours": stale_hours},
                    raised_at=now,
                )
            )
            uow.outbox("merchant.kaspi_feed_stale", f"webhook:feed:{account.id}:{now}", info)
            uow.audit("marketplace_account", account.id, "kaspi_feed_stale", SYSTEM, **info)
            raised.append(account.name)
        elif now - since <= limit and alarm is not None:
            alarm.cleared_at = now
            uow.outbox("merchant.kaspi_feed_restored", f"webhook:feed:{account.id}:{now}", info)
            cleared.append(account.name)
    for alarm in open_alarms.values():  # the account went inactive or lost its offers
        alarm.cleared_at = now
    still_open = (
        len(accounts)
        and session.execute(
            sa.select(sa.func.count()).where(Alarm.kind == KIND, Alarm.cleared_at.is_(None))
        ).scalar_one()
    )
    return FeedWatch(len(accounts), raised, cleared, int(still_open or 0))


def open_alarms(session: Session, merchant_id: int | None = None) -> list[Alarm]:
    """Alarms nobody has cleared yet, newest first (one merchant's, or all)."""
    stmt = sa.select(Alarm).where(Alarm.cleared_at.is_(None)).order_by(Alarm.raised_at.desc())
    if merchant_id is not None:
        stmt = stmt.where(Alarm.merchant_id == merchant_id)
    return list(session.execute(stmt).scalars())
