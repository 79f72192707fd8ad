"""Decide what one round pushes: the newest total of every claimed key, fanned out to offers.

The value pushed for a key is the stock total as it is now (its version is the newest known),
not the value a claimed row carried, so coalescing happens by construction: any number of rows
of one key cost one push per offer, and a row is never sent after a newer one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from wms.adapters.marketplaces.base import Limits, OfferKey
from wms.adapters.marketplaces.factory import stock_limits
from wms.db.models import MarketplaceAccount, Offer, StockTotal, SyncAccount
from wms.domain import stock as stock_rules
from wms.domain.returns import Marketplace
from wms.domain.stock import Channel
from wms.services.accounts_marketplace import enabled, endpoint_settings
from wms.services.sync.outbox import ClaimedRow, chunks, stock_key
from wms.settings import Settings

PUSH_MARKETPLACES = frozenset({Marketplace.WILDBERRIES, Marketplace.OZON})
BUSY_RECHECK = timedelta(seconds=1)  # an offer leased by another worker: look again soon
COOLDOWN_MARGIN = 1.05  # stay a little past the marketplace's per-item interval
_CHANNELS = frozenset(c.value for c in Channel)


@dataclass(frozen=True)
class PushItem:
    """One offer to set to the key's current available quantity."""

    offer_id: int
    account_id: int
    key: str
    offer_key: OfferKey
    quantity: int
    version: int


@dataclass
class KeyPlan:
    """A stock key: its current total and what must happen for it to be delivered."""

    key: str
    version: int
    quantity: int
    items: list[PushItem] = field(default_factory=list)
    wait_until: datetime | None = None
    wait_note: str | None = None

    def wait(self, until: datetime, note: str | None = None) -> None:
        """Some offer cannot be pushed before `until`; the key comes back at the earliest."""
        if self.wait_until is None or until < self.wait_until:
            self.wait_until = until
        self.wait_note = note or self.wait_note


@dataclass
class Plan:
    """The round's work: per key, and per account the items to push."""

    keys: dict[str, KeyPlan]
    by_account: dict[int, list[PushItem]]


@dataclass(frozen=True)
class _Total:
    on_hand: int
    reserved: int
    version: int


def build_plan(
    session: Session, rows: Iterable[ClaimedRow], now: datetime, worker: str, settings: Settings
) -> Plan:
    """Read totals and offers of the claimed stock keys and sort offers into push or wait."""
    wanted = {_triple(row) for row in rows if row.is_stock}
    totals = _totals(session, wanted)
    paused = _paused(session, now)
    plan = Plan({}, defaultdict(list))
    for merchant_id, product_id, channel in sorted(wanted):
        key = stock_key(merchant_id, product_id, channel)
        total = totals.get((merchant_id, product_id, channel), _Total(0, 0, 0))
        qty = stock_rules.available(total.on_hand, total.reserved)
        plan.keys[key] = KeyPlan(key, total.version, qty)
    for offer in _offers(session, wanted):
        key_plan = plan.keys[stock_key(offer.merchant_id, offer.product_id, offer.channel)]
        marketplace = offer.marketplace
        if not offer.account_active or marketplace not in PUSH_MARKETPLACES:
            continue  # Kaspi reads the feed; inactive accounts are not synced
        if not enabled(settings, marketplace):
            continue
        if offer.pushed_version is not None and offer.pushed_version >= key_plan.version:
            continue  # already holds this version or a newer one
        hold = _hold(offer, marketplace, now, worker, settings, paused)
        if hold is not None:
            key_plan.wait(*hold)
            continue
        item = PushItem(
            offer.id,
            offer.account_id,
            key_plan.key,
            OfferKey(offer.marketplace_sku, offer.warehouse_ref),
            key_plan.quantity,
            key_plan.version,
        )
        key_plan.items.append(item)
        plan.by_account[offer.account_id].append(item)
    return plan


def _hold(
    offer: sa.Row[Any],
    marketplace: Marketplace,
    now: datetime,
    worker: str,
    settings: Settings,
    paused: dict[int, tuple[datetime, str]],
) -> tuple[datetime, str | None] | None:
    """Why this offer must wait, and until when (None: push it now)."""
    if offer.account_id in paused:
        until, reason = paused[offer.account_id]
        return until, f"account {offer.account_id} paused: {reason}"
    if offer.lease_until is not None and offer.lease_until > now and offer.lease_owner != worker:
        return min(offer.lease_until, now + BUSY_RECHECK), None
    limits = _limits(settings, marketplace)
    if limits and limits.min_item_interval and offer.pushed_at is not None:
        ready = offer.pushed_at + timedelta(seconds=limits.min_item_interval * COOLDOWN_MARGIN)
        if ready > now:
            return ready, None
    return None


def _limits(settings: Settings, marketplace: Marketplace) -> Limits | None:
    configured = endpoint_settings(settings, marketplace)
    return _scaled_limits(marketplace, configured.time_scale if configured else 1.0)


@lru_cache(maxsize=16)
def _scaled_limits(marketplace: Marketplace, time_scale: float) -> Limits | None:
    return stock_limits(marketplace, time_scale)


def _triple(row: ClaimedRow) -> tuple[int, int, Channel]:
    payload = row.payload
    channel = payload["channel"]
    # Channel is a StrEnum: "main" and Channel.MAIN are equal and hash alike, so valid payload
    # strings need no conversion (the hot path of a 10 000-row round).
    if channel not in _CHANNELS:
        raise ValueError(f"outbox row {row.id}: unknown channel {channel!r}")
    return int(payload["merchant_id"]), int(payload["product_id"]), channel


def _totals(
    session: Session, wanted: set[tuple[int, int, Channel]]
) -> dict[tuple[int, int, Channel], _Total]:
    merchants = sorted({m for m, _p, _c in wanted})
    products = sorted({p for _m, p, _c in wanted})
    found = {}
    for part in chunks(products):
        rows = session.execute(
            sa.select(
                StockTotal.merchant_id,
                StockTotal.product_id,
                StockTotal.channel,
                StockTotal.on_hand,
                StockTotal.reserved,
                StockTotal.version,
            ).where(StockTotal.merchant_id.in_(merchants), StockTotal.product_id.in_(part))
        ).all()
        for m, p, c, on_hand, reserved, version in rows:
            if (m, p, c) in wanted:
                found[(m, p, c)] = _Total(on_hand, reserved, version)
    return found


def _offers(session: Session, wanted: set[tuple[int, int, Channel]]) -> list[sa.Row[Any]]:
    """Active offers of the wanted keys, as plain rows (no ORM objects: rounds can be large)."""
    products = sorted({p for _m, p, _c in wanted})
    columns = (
        Offer.id,
        Offer.account_id,
        Offer.merchant_id,
        Offer.product_id,
        Offer.channel,
        Offer.marketplace_sku,
        Offer.warehouse_ref,
        Offer.pushed_version,
        Offer.pushed_at,
        Offer.lease_owner,
        Offer.lease_until,
        MarketplaceAccount.marketplace,
        MarketplaceAccount.active.label("account_active"),
    )
    out = []
    for part in chunks(products):
        rows = session.execute(
            sa.select(*columns)
            .join(MarketplaceAccount, MarketplaceAccount.id == Offer.account_id)
            .where(Offer.active, Offer.product_id.in_(part))
            .order_by(Offer.id)
        ).all()
        out += [
            cast("sa.Row[Any]", row)
            for row in rows
            if (row.merchant_id, row.product_id, row.channel) in wanted
        ]
    return out


def _paused(session: Session, now: datetime) -> dict[int, tuple[datetime, str]]:
    rows = session.execute(
        sa.select(SyncAccount.account_id, SyncAccount.paused_until, SyncAccount.pause_reason).where(
            SyncAccount.paused_until > now
        )
    ).all()
    return {
        account_id: (until, reason or "") for account_id, until, reason in rows if until is not None
    }
