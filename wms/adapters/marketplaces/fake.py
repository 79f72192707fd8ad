"""An in-memory stock channel for unit tests of the worker and the returns import (no sockets)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from wms.adapters.marketplaces.base import (
    ItemResult,
    Limits,
    OfferKey,
    ReturnNotice,
    StockUpdate,
    capped,
    chunked,
    ensure_unique,
)
from wms.domain.returns import Marketplace

FAKE_LIMITS = Limits(max_batch=100, requests_per_minute=6000, burst=100)


@dataclass
class FakeMarketplace:
    """Records every push; `script` sets the outcome of the next push per key."""

    marketplace: Marketplace = Marketplace.OTHER
    limits: Limits = FAKE_LIMITS
    stock: dict[OfferKey, int] = field(default_factory=dict)
    returns: list[ReturnNotice] = field(default_factory=list)
    pushes: list[list[StockUpdate]] = field(default_factory=list)
    script: dict[OfferKey, list[ItemResult]] = field(default_factory=dict)
    closed: bool = False

    def push_stock(self, items: Sequence[StockUpdate]) -> list[ItemResult]:
        """Apply the updates (batched like a real adapter) unless a scripted result says no."""
        ensure_unique(items)
        results: list[ItemResult] = []
        for batch in chunked(items, self.limits.max_batch):
            self.pushes.append(list(batch))
            results.extend(self._apply(item) for item in batch)
        return results

    def read_stock(self, keys: Sequence[OfferKey]) -> dict[OfferKey, int]:
        """What the fake holds (unknown keys read 0)."""
        return {key: self.stock.get(key, 0) for key in keys}

    def list_returns(self, since: datetime, until: datetime) -> Iterator[ReturnNotice]:
        """The seeded notices whose return date falls in [since, until)."""
        for notice in self.returns:
            if notice.returned_at is None or since <= notice.returned_at < until:
                yield notice

    def close(self) -> None:
        """Remember that the caller closed it."""
        self.closed = True

    def _apply(self, item: StockUpdate) -> ItemResult:
        queued = self.script.get(item.key)
        if queued:
            result = queued.pop(0)
            if not result.is_ok:
                return result
        sent = capped(item.quantity, self.limits)
        self.stock[item.key] = sent
        return ItemResult.ok(item.key, sent_quantity=sent)
