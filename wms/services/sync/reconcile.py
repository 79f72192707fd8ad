"""`wms sync reconcile`: read stock back from Wildberries and Ozon and report drift.

Drift is an offer whose marketplace quantity differs from the WMS's available quantity (capped
the way the adapter caps it) while no push for it is in flight. Offers of keys with pending
stock rows are reported as in flight, not as drift: the worker is about to set them (parked
rows are not pending, so what they failed to set shows as drift). Kaspi cannot be read back:
its channel is the feed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy.orm import Session

from wms.adapters.marketplaces.base import MarketplaceError, OfferKey, StockChannel, capped
from wms.adapters.marketplaces.factory import stock_limits
from wms.adapters.marketplaces.throttle import TokenBucket
from wms.db.models import (
    MarketplaceAccount,
    Merchant,
    Offer,
    OutboxMessage,
    OutboxStatus,
    Product,
    StockTotal,
)
from wms.db.session import Database
from wms.domain import stock as stock_rules
from wms.domain.returns import Marketplace
from wms.services.accounts_marketplace import adapter_for, enabled, endpoint_for
from wms.services.crypto import SecretBox
from wms.services.offers import offer_stock
from wms.services.sync.outbox import STOCK_TOPIC, stock_key
from wms.services.sync.plan import PUSH_MARKETPLACES
from wms.settings import Settings


@dataclass(frozen=True)
class Drift:
    """One offer whose marketplace quantity is not the WMS's."""

    offer_id: int
    sku: str
    channel: str
    offer: str
    wms: int
    marketplace: int
    pushed: int | None


@dataclass
class AccountCheck:
    """The read-back of one account."""

    account_id: int
    account: str
    merchant: str
    marketplace: str
    checked: int = 0
    in_flight: int = 0
    drift: list[Drift] = field(default_factory=list)
    error: str | None = None
    #: offer id → (marketplace quantity, WMS quantity as capped, in flight): every line read.
    seen: dict[int, tuple[int, int, bool]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "account_id": self.account_id,
            "account": self.account,
            "merchant": self.merchant,
            "marketplace": self.marketplace,
            "checked": self.checked,
            "in_flight": self.in_flight,
            "drift": [d.__dict__ for d in self.drift],
            "error": self.error,
        }


@dataclass(frozen=True)
class _Line:
    offer_id: int
    sku: str
    channel: str
    key: OfferKey
    wms: int
    in_flight: bool
    pushed: int | None


def reconcile(
    db: Database,
    settings: Settings,
    box: SecretBox,
    *,
    marketplace: Marketplace | None = None,
    client: httpx.Client | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[AccountCheck]:
    """Compare every active WB/Ozon account's stock with the WMS."""
    with db.reading() as session:
        accounts = _accounts(session, settings, marketplace)
        lines = {account.id: _lines(session, account.id) for account, _code in accounts}
    checks = []
    for account, code in accounts:
        check = AccountCheck(account.id, account.name, code, account.marketplace.value)
        checks.append(check)
        if progress is not None:
            progress(account.name)
        try:
            _check(account, lines[account.id], settings, box, client, check)
        except MarketplaceError as exc:
            check.error = f"{exc.code}: {exc.message}".strip(": ")
    return checks


def _check(
    account: MarketplaceAccount,
    lines: list[_Line],
    settings: Settings,
    box: SecretBox,
    client: httpx.Client | None,
    check: AccountCheck,
) -> None:
    limits = stock_limits(account.marketplace, endpoint_for(account, settings).time_scale)
    assert limits is not None
    # Reads share the marketplace's limit with the worker's pushes: stay well below it.
    throttle = TokenBucket(limits.rate_per_second * 0.5, 1)
    adapter = adapter_for(account, settings, box, throttle=throttle, client=client)
    try:
        assert isinstance(adapter, StockChannel)
        found = adapter.read_stock([line.key for line in lines]) if lines else {}
    finally:
        adapter.close()
    for line in lines:
        check.checked += 1
        there = found.get(line.key, 0)
        expected = capped(line.wms, limits)
        check.seen[line.offer_id] = (there, expected, line.in_flight)
        if line.in_flight:
            check.in_flight += 1
        elif there != expected:
            check.drift.append(
                Drift(
                    line.offer_id,
                    line.sku,
                    line.channel,
                    str(line.key),
                    expected,
                    there,
                    line.pushed,
                )
            )


def _accounts(
    session: Session, settings: Settings, marketplace: Marketplace | None
) -> list[tuple[MarketplaceAccount, str]]:
    stmt = (
        sa.select(MarketplaceAccount, Merchant.code)
        .join(Merchant, Merchant.id == MarketplaceAccount.merchant_id)
        .where(
            MarketplaceAccount.active,
            MarketplaceAccount.marketplace.in_(sorted(PUSH_MARKETPLACES)),
        )
        .order_by(MarketplaceAccount.id)
    )
    if marketplace is not None:
        stmt = stmt.where(MarketplaceAccount.marketplace == marketplace)
    rows = session.execute(stmt).all()
    return [(a, code) for a, code in rows if enabled(settings, a.marketplace)]


def _lines(session: Session, account_id: int) -> list[_Line]:
    rows = session.execute(
        sa.select(
            Offer.id,
            Offer.merchant_id,
            Offer.product_id,
            Offer.channel,
            Offer.marketplace_sku,
            Offer.warehouse_ref,
            Offer.pushed_quantity,
            Product.sku,
            StockTotal.on_hand,
            StockTotal.reserved,
        )
        .join(Product, Product.id == Offer.product_id)
        .outerjoin(StockTotal, offer_stock())
        .where(Offer.account_id == account_id, Offer.active)
        .order_by(Offer.id)
    ).all()
    pending = set(
        session.execute(
            sa.select(OutboxMessage.key).where(
                OutboxMessage.topic == STOCK_TOPIC, OutboxMessage.status == OutboxStatus.PENDING
            )
        ).scalars()
    )
    out = []
    for oid, mid, pid, channel, msku, wh, pushed_qty, sku, on_hand, reserved in rows:
        out.append(
            _Line(
                oid,
                sku,
                channel.value,
                OfferKey(msku, wh),
                stock_rules.available(on_hand or 0, reserved or 0),
                stock_key(mid, pid, channel) in pending,
                pushed_qty,
            )
        )
    return out
