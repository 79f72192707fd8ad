"""Kaspi.kz: the orders API (JSON:API) for returns and cancellations, and the XML price list.

Kaspi has no stock API: stock reaches Kaspi through the price list it pulls from us (see
`kaspi_feed`, re-exported here). Returns are found by polling `/v2/orders` by status in
creation-date windows of at most 14 days.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from wms.adapters.marketplaces.base import (
    AccountError,
    Limits,
    PermanentError,
    ReturnLine,
    ReturnNotice,
    Throttle,
    TransientError,
)
from wms.adapters.marketplaces.http import HttpApi, json_body, retry_after, with_retries
from wms.adapters.marketplaces.kaspi_feed import (
    FeedAvailability,
    FeedOffer,
    FeedStats,
    iter_feed,
    write_feed,
)
from wms.adapters.marketplaces.reasons import classify_reason
from wms.domain.returns import Marketplace, ReturnReason, ReturnType, default_reason

log = logging.getLogger(__name__)

BASE_URL = "https://kaspi.kz/shop/api"
JSON_API = "application/vnd.api+json"
WINDOW = timedelta(days=14)  # the creationDate filter may span at most 14 days
PAGE_SIZE = 100
CANCELLING = "CANCELLING"
RETURN_STATUSES = (CANCELLING, "KASPI_DELIVERY_RETURN_REQUESTED", "RETURNED")
ARRIVED_BACKWARD = "ARRIVED_BACKWARD"  # «Возвращенный товар прибыл на склад» (reference §5.1)
ARRIVAL_FROM = frozenset({CANCELLING, "KASPI_DELIVERY_RETURN_REQUESTED"})
LOOKBACK = timedelta(days=90)  # how far back an order is looked up by code when its date is unknown
# Kaspi publishes no request limits [I]: stay at one write a second per shop.
WRITE_LIMITS = Limits(max_batch=1, requests_per_minute=60, burst=5)
# Cancellation reasons seen in client code [T]; the attribute name is our assumption [I].
NOT_PICKED_UP_REASONS = frozenset({"BUYER_NOT_REACHABLE", "BUYER_DID_NOT_PICK_UP"})


@dataclass(frozen=True)
class KaspiCredentials:
    """The API token from the seller cabinet (Настройки → Токен API)."""

    token: str = field(repr=False)


class KaspiAdapter:
    """Poll Kaspi orders for returns and cancellations; count completed orders."""

    marketplace = Marketplace.KASPI

    def __init__(
        self,
        credentials: KaspiCredentials,
        *,
        base_url: str = BASE_URL,
        timeout: float = 30.0,
        page_size: int = PAGE_SIZE,
        throttle: Throttle | None = None,
        client: httpx.Client | None = None,
    ) -> None:
        if not 1 <= page_size <= PAGE_SIZE:
            raise ValueError(f"page_size must be 1..{PAGE_SIZE}")
        self._page_size = page_size
        self._products: dict[str, tuple[str, str | None]] = {}  # master product → SKU, name
        self._api = HttpApi(
            base_url,
            {"X-Auth-Token": credentials.token},
            timeout=timeout,
            throttle=throttle,
            client=client,
            extra_headers={"Content-Type": JSON_API, "Accept": JSON_API},
        )

    def list_returns(self, since: datetime, until: datetime) -> Iterator[ReturnNotice]:
        """Orders created in [since, until) that are being cancelled in delivery or returned."""
        for status in RETURN_STATUSES:
            for order in self.iter_orders(status, since, until):
                yield self.order_notice(order)

    def iter_orders(
        self, status: str, since: datetime, until: datetime
    ) -> Iterator[dict[str, Any]]:
        """Every order with `status` created in [since, until), window by window, page by page."""
        for start, end in windows(since, until):
            page = 0
            while True:
                payload = self._orders_page(status, start, end, page, self._page_size)
                yield from payload.get("data") or []
                page += 1
                if page >= int((payload.get("meta") or {}).get("pageCount", 0)):
                    break

    def count_orders(self, status: str, since: datetime, until: datetime) -> int:
        """How many orders with `status` were created in [since, until) (meta.totalCount)."""
        total = 0
        for start, end in windows(since, until):
            meta = self._orders_page(status, start, end, 0, 1).get("meta") or {}
            total += int(meta.get("totalCount", 0))
        return total

    def count_completed_orders(self, *, now: datetime | None = None, days: int = 30) -> int:
        """Completed orders created in the last `days` days (the quality-returns denominator)."""
        until = now or datetime.now(UTC)
        return self.count_orders("COMPLETED", until - timedelta(days=days), until)

    def order_notice(self, order: dict[str, Any]) -> ReturnNotice:
        """Map an order in a return status to a return notice, reading its entries."""
        attrs = order.get("attributes") or {}
        status = str(attrs.get("status", ""))
        return_type, reason, text = _type_and_reason(attrs)
        customer = attrs.get("customer") or {}
        user = ((order.get("relationships") or {}).get("user") or {}).get("data") or {}
        return ReturnNotice(
            marketplace=Marketplace.KASPI,
            external_id=str(order["id"]),
            order_code=str(attrs.get("code") or order["id"]),
            return_type=return_type,
            reason=reason,
            reason_text=text,
            lines=self.order_lines(str(order["id"])),
            status=status,
            ready_for_pickup=status == CANCELLING and bool(attrs.get("returnedToWarehouse")),
            ordered_at=_from_ms(attrs.get("creationDate")),
            customer_id=str(customer.get("id") or user.get("id") or "") or None,
            extra={
                "state": str(attrs.get("state", "")),
                "pickupPointId": str(attrs.get("pickupPointId", "")),
                "returnedToWarehouse": str(bool(attrs.get("returnedToWarehouse"))).lower(),
            },
        )

    def order_lines(self, order_id: str) -> tuple[ReturnLine, ...]:
        """The entries of an order as lines of merchant SKU and quantity."""
        payload = with_retries(lambda: self._get(f"/v2/orders/{order_id}/entries"))
        lines = []
        for entry in payload.get("data") or []:
            attrs = entry.get("attributes") or {}
            product = ((entry.get("relationships") or {}).get("product") or {}).get("data") or {}
            product_id = str(product.get("id", "")) or None
            offer = attrs.get("offer") or {}
            # Real payloads carry offer.code (our SKU) [T]; the documented path is
            # entry → masterproduct → merchantProduct.code [V], one more call per product.
            if offer.get("code"):
                sku, name = str(offer["code"]), offer.get("name")
            else:
                sku, name = self._merchant_product(product_id)
            lines.append(
                ReturnLine(sku, int(attrs.get("quantity", 1)), name, marketplace_item_id=product_id)
            )
        return tuple(lines)

    def mark_arrived_backward(self, order_id: str, code: str, ordered_at: datetime | None) -> str:
        """Tell Kaspi the returned goods reached our warehouse (`ARRIVED_BACKWARD`).

        Returns "applied", "already" (an earlier attempt got through: the order reads
        ARRIVED_BACKWARD) or "skipped:<status>" (the order is in no status that takes it).
        Refusals are read back before they count as failures, so a retry never errs.
        """
        body = {
            "data": {
                "type": "orders",
                "id": order_id,
                "attributes": {"code": code, "status": ARRIVED_BACKWARD},
            }
        }
        response = self._api.send("POST", "/v2/orders", json=body)
        if response.status_code < 300:
            return "applied"
        if response.status_code in (400, 409, 422):
            order = self.find_order(code, ordered_at)
            status = str(((order or {}).get("attributes") or {}).get("status", ""))
            if status == ARRIVED_BACKWARD:
                return "already"
            if order is not None and status not in ARRIVAL_FROM:
                return f"skipped:{status}"
        _raise_for_status(response)
        raise PermanentError(f"http_{response.status_code}", "unexpected answer")

    def find_order(self, code: str, ordered_at: datetime | None = None) -> dict[str, Any] | None:
        """The order with this code (looked up around its creation date when known)."""
        now = datetime.now(UTC)
        if ordered_at is not None:
            since, until = ordered_at - timedelta(days=1), min(ordered_at + timedelta(days=1), now)
        else:
            since, until = now - LOOKBACK, now
        for start, end in reversed(list(windows(since, until))):
            params = {
                "page[number]": 0,
                "page[size]": 1,
                "filter[orders][code]": code,
                "filter[orders][creationDate][$ge]": _to_ms(start),
                "filter[orders][creationDate][$le]": _to_ms(end) - 1,
            }
            found = with_retries(lambda p=params: self._get("/v2/orders", p)).get("data") or []
            if found:
                return dict(found[0])
        return None

    def close(self) -> None:
        """Close the HTTP connections."""
        self._api.close()

    def _merchant_product(self, product_id: str | None) -> tuple[str, str | None]:
        """Our SKU and its name for a Kaspi master product (cached per adapter)."""
        if not product_id:
            raise PermanentError("no_product", "order entry names no product")
        if product_id not in self._products:
            path = f"/v2/masterproducts/{product_id}/merchantProduct"
            data = with_retries(lambda: self._get(path)).get("data") or {}
            attrs = data.get("attributes") or {}
            self._products[product_id] = (str(attrs.get("code", "")), attrs.get("name"))
        return self._products[product_id]

    def _orders_page(
        self, status: str, start: datetime, end: datetime, page: int, size: int
    ) -> dict[str, Any]:
        params = {
            "page[number]": page,
            "page[size]": size,
            "filter[orders][status]": status,
            "filter[orders][creationDate][$ge]": _to_ms(start),
            # Windows are half-open; the filter is inclusive, so stop 1 ms before the next one.
            "filter[orders][creationDate][$le]": _to_ms(end) - 1,
        }
        return with_retries(lambda: self._get("/v2/orders", params))

    def _get(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        response = self._api.send("GET", path, params=params)
        _raise_for_status(response)
        payload = json_body(response)
        if not isinstance(payload, dict):
            raise TransientError("bad_body", f"{path}: answer is not a JSON object")
        return payload


def windows(
    since: datetime, until: datetime, size: timedelta = WINDOW
) -> Iterator[tuple[datetime, datetime]]:
    """Split [since, until) into consecutive half-open windows no longer than `size`."""
    if since.tzinfo is None or until.tzinfo is None:
        raise ValueError("use timezone-aware datetimes")
    start = since
    while start < until:
        end = min(start + size, until)
        yield start, end
        start = end


def _type_and_reason(attrs: dict[str, Any]) -> tuple[ReturnType, ReturnReason, str | None]:
    status = attrs.get("status")
    if status == CANCELLING:
        code = str(attrs.get("cancellationReason") or "") or None
        if code in NOT_PICKED_UP_REASONS:
            return ReturnType.NOT_PICKED_UP, ReturnReason.NOT_PICKED_UP, code
        return ReturnType.CANCELLED_IN_DELIVERY, ReturnReason.CANCELLED, code
    # Customer returns: the orders API carries no reason [I]; inspection records the real one.
    text = str(attrs.get("returnReason") or "") or None
    kind = ReturnType.CUSTOMER_RETURN
    return kind, classify_reason(text, default=default_reason(kind)), text


def _raise_for_status(response: httpx.Response) -> None:
    """Turn a non-2xx JSON:API answer into the matching error."""
    status = response.status_code
    if status < 300:
        return
    body = json_body(response)
    errors = body.get("errors") if isinstance(body, dict) else None
    first = errors[0] if isinstance(errors, list) and errors and isinstance(errors[0], dict) else {}
    message = str(first.get("detail") or first.get("title") or "")
    if status in (401, 403):
        raise AccountError(f"http_{status}", message, status)
    if status == 429 or status >= 500:
        wait = retry_after(response)
        raise TransientError(f"http_{status}", message, status, retry_after=wait)
    raise PermanentError(f"http_{status}", message, status)


def _to_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _from_ms(value: Any) -> datetime | None:
    if value in (None, ""):
        return None
    return datetime.fromtimestamp(int(value) / 1000, tz=UTC)


__all__ = [
    "FeedAvailability",
    "FeedOffer",
    "FeedStats",
    "KaspiAdapter",
    "KaspiCredentials",
    "iter_feed",
    "windows",
    "write_feed",
]
