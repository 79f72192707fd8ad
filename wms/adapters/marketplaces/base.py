"""What every marketplace adapter offers the sync worker and the returns import (DESIGN 6).

Two protocols: `MarketplaceAdapter` (every adapter: returns import) and `StockChannel` (the
marketplaces with a stock API: Wildberries, Ozon). Kaspi has no stock API; its channel is the XML
price list (`kaspi_feed`) that Kaspi pulls from us.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Protocol, TypeVar, runtime_checkable

from wms.domain.returns import Marketplace, ReturnReason, ReturnType

T = TypeVar("T")


@dataclass(frozen=True, order=True)
class OfferKey:
    """Where one quantity lives on a marketplace.

    Kaspi: offer sku + storeId; Wildberries: chrtId + warehouseId; Ozon: offer_id + warehouse_id.
    Both parts are strings here; an adapter converts them to the marketplace's types.
    """

    offer_id: str
    warehouse_id: str

    def __str__(self) -> str:
        return f"{self.offer_id}@{self.warehouse_id}"


@dataclass(frozen=True)
class StockUpdate:
    """Set the ABSOLUTE available quantity of one offer in one marketplace warehouse."""

    key: OfferKey
    quantity: int

    def __post_init__(self) -> None:
        if isinstance(self.quantity, bool) or not isinstance(self.quantity, int):
            raise TypeError(f"{self.key}: quantity must be an int, not {self.quantity!r}")
        if self.quantity < 0:
            raise ValueError(f"{self.key}: quantity {self.quantity} is negative")


class ItemStatus(StrEnum):
    """How the marketplace took one stock update."""

    OK = "ok"
    TRANSIENT = "transient"  # send again later (after `retry_after` if given)
    PERMANENT = "permanent"  # sending the same value again will fail the same way: park it


@dataclass(frozen=True)
class ItemResult:
    """The outcome of one `StockUpdate`."""

    key: OfferKey
    status: ItemStatus
    code: str = ""  # the marketplace's error code, or ours: timeout, connection, http_503 ...
    reason: str = ""
    retry_after: float | None = None  # seconds
    sent_quantity: int | None = None  # what the marketplace was told (after capping)

    @classmethod
    def ok(cls, key: OfferKey, sent_quantity: int | None = None, code: str = "") -> ItemResult:
        """A success (`code` may say why it counts as one, e.g. SKU_STOCK_NOT_CHANGE)."""
        return cls(key, ItemStatus.OK, code=code, sent_quantity=sent_quantity)

    @classmethod
    def transient(
        cls, key: OfferKey, code: str, reason: str = "", retry_after: float | None = None
    ) -> ItemResult:
        """A failure worth retrying."""
        return cls(key, ItemStatus.TRANSIENT, code=code, reason=reason, retry_after=retry_after)

    @classmethod
    def permanent(cls, key: OfferKey, code: str, reason: str = "") -> ItemResult:
        """A failure that needs a person (or new data) before it can succeed."""
        return cls(key, ItemStatus.PERMANENT, code=code, reason=reason)

    @property
    def is_ok(self) -> bool:
        """Whether the marketplace now holds the quantity."""
        return self.status is ItemStatus.OK


@dataclass(frozen=True)
class Limits:
    """A marketplace's published limits for the stock methods, as data for the worker."""

    max_batch: int  # items per request
    requests_per_minute: float  # sustained rate per seller account
    burst: int  # token bucket capacity
    min_item_interval: float = 0.0  # seconds between two updates of the same key
    error_cost: int = 1  # requests one error response is charged as (WB: a 409 costs 10)
    max_quantity: int | None = None  # larger quantities are capped to this

    @property
    def rate_per_second(self) -> float:
        """Sustained requests per second."""
        return self.requests_per_minute / 60.0

    def scaled(self, factor: float) -> Limits:
        """The limits of a sandbox whose clock runs `factor` times faster."""
        if factor <= 0:
            raise ValueError("time scale must be positive")
        return replace(
            self,
            requests_per_minute=self.requests_per_minute * factor,
            min_item_interval=self.min_item_interval / factor,
        )


@dataclass(frozen=True)
class ReturnLine:
    """One returned article as the marketplace names it."""

    sku: str  # the marketplace offer key part: Kaspi merchant SKU, WB nmId, Ozon offer_id
    quantity: int
    name: str | None = None
    marketplace_item_id: str | None = None  # Kaspi product code, WB nmId, Ozon sku


@dataclass(frozen=True)
class ReturnNotice:
    """A return or cancellation announced by a marketplace before the parcel reaches us."""

    marketplace: Marketplace
    external_id: str  # stable id for idempotent import: Kaspi order id, WB claim id, Ozon return id
    order_code: str  # what the parcel label / cabinet shows: Kaspi code, WB srid, Ozon posting
    return_type: ReturnType
    reason: ReturnReason
    lines: tuple[ReturnLine, ...]
    status: str  # the marketplace's own status, for the dashboard
    reason_text: str | None = None  # the marketplace's wording of the reason
    ready_for_pickup: bool = False  # waiting at a marketplace point for us to collect
    ordered_at: datetime | None = None
    returned_at: datetime | None = None
    customer_id: str | None = None
    extra: dict[str, str] = field(default_factory=dict, compare=False)


class MarketplaceError(Exception):
    """A marketplace call failed as a whole."""

    def __init__(self, code: str, message: str = "", http_status: int | None = None) -> None:
        self.code = code
        self.message = message
        self.http_status = http_status
        super().__init__(f"{code}: {message}" if message else code)


class TransientError(MarketplaceError):
    """Worth retrying: rate limit, 5xx, timeout, dropped connection."""

    def __init__(
        self,
        code: str,
        message: str = "",
        http_status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(code, message, http_status)
        self.retry_after = retry_after


class PermanentError(MarketplaceError):
    """Retrying the same request will fail the same way."""


class AccountError(MarketplaceError):
    """The seller account cannot be used (bad token, missing rights, ban): pause the account.

    Raised instead of per-item results because no item can succeed until a person acts; the
    worker keeps the rows pending (absolute values, so resending later is safe).
    """


class Throttle(Protocol):
    """Rate limiting shared by all calls of one seller account (the worker owns it)."""

    def acquire(self, cost: float = 1.0) -> None:
        """Block until `cost` requests may be sent."""

    def penalize(self, cost: float) -> None:
        """Charge extra requests the marketplace counted (e.g. the 9 more of a WB 409)."""


@runtime_checkable
class MarketplaceAdapter(Protocol):
    """What every marketplace adapter implements."""

    @property
    def marketplace(self) -> Marketplace:
        """Which marketplace this adapter talks to."""
        ...

    def list_returns(self, since: datetime, until: datetime) -> Iterator[ReturnNotice]:
        """Yield returns and cancellations the marketplace reports for [since, until)."""
        ...

    def close(self) -> None:
        """Release the HTTP connections."""
        ...


@runtime_checkable
class StockChannel(MarketplaceAdapter, Protocol):
    """A marketplace that takes stock pushes (Wildberries, Ozon)."""

    @property
    def limits(self) -> Limits:
        """The limits the worker must respect when calling `push_stock`."""
        ...

    def push_stock(self, items: Sequence[StockUpdate]) -> list[ItemResult]:
        """Send absolute quantities; one result per item, in the order given.

        Batches larger than `limits.max_batch` are split. Raises `AccountError` when the account
        itself is refused; every other failure comes back as per-item results.
        """
        ...

    def read_stock(self, keys: Sequence[OfferKey]) -> dict[OfferKey, int]:
        """Read back what the marketplace holds, for reconciliation (unknown keys read 0)."""
        ...


def ensure_unique(items: Sequence[StockUpdate]) -> None:
    """Refuse a batch that names one key twice: the worker must coalesce first."""
    seen: set[OfferKey] = set()
    for item in items:
        if item.key in seen:
            raise ValueError(f"{item.key} appears twice in one batch; coalesce before pushing")
        seen.add(item.key)


def chunked(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """Split a sequence into slices of at most `size`."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def capped(quantity: int, limits: Limits) -> int:
    """Cap a quantity to what the marketplace accepts.

    Showing the cap is what a merchant wants when it holds more; refusing would leave the old,
    lower value on sale.
    """
    if limits.max_quantity is None:
        return quantity
    return min(quantity, limits.max_quantity)


def all_results(
    items: Iterable[StockUpdate], error: MarketplaceError
) -> dict[OfferKey, ItemResult]:
    """The same failure for every item of a request."""
    if isinstance(error, TransientError):
        return {
            i.key: ItemResult.transient(i.key, error.code, error.message, error.retry_after)
            for i in items
        }
    return {i.key: ItemResult.permanent(i.key, error.code, error.message) for i in items}
