"""Ozon Seller API: FBS stocks (`/v2/products/stocks`) and returns (`/v1/returns/list`)."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Any

import httpx

from wms.adapters.marketplaces.base import (
    AccountError,
    ItemResult,
    Limits,
    OfferKey,
    PermanentError,
    ReturnLine,
    ReturnNotice,
    StockUpdate,
    Throttle,
    TransientError,
    all_results,
    capped,
    chunked,
    ensure_unique,
)
from wms.adapters.marketplaces.http import HttpApi, json_body, retry_after, with_retries
from wms.adapters.marketplaces.reasons import classify_reason
from wms.domain.returns import Marketplace, ReturnReason, ReturnType, default_reason

log = logging.getLogger(__name__)

BASE_URL = "https://api-seller.ozon.ru"
# ≤ 100 pairs, 80 requests/min per account, one update per pair per 30 s. Ozon publishes no
# burst; 10 is our assumption (the sandbox enforces the same), stocks must stay < 1 000 000.
LIMITS = Limits(
    max_batch=100,
    requests_per_minute=80,
    burst=10,
    min_item_interval=30.0,
    max_quantity=999_999,
)
RETURNS_PAGE = 500
STOCKS_PAGE = 1000
SUCCESS_CODES = frozenset({"SKU_STOCK_NOT_CHANGE", "SKU_STOCK_NOT_CHANGED"})
TRANSIENT_CODES = frozenset({"TOO_MANY_REQUESTS"})
READY_FOR_PICKUP = frozenset({"ArrivedAtReturnPlace"})


@dataclass(frozen=True)
class OzonCredentials:
    """A seller's Client-Id and Api-Key."""

    client_id: str
    api_key: str = field(repr=False)


class OzonAdapter:
    """Push and read FBS stocks; import FBS returns as return notices."""

    marketplace = Marketplace.OZON

    def __init__(
        self,
        credentials: OzonCredentials,
        *,
        base_url: str = BASE_URL,
        timeout: float = 30.0,
        limits: Limits = LIMITS,
        throttle: Throttle | None = None,
        client: httpx.Client | None = None,
        return_schema: str | None = "FBS",
    ) -> None:
        self._limits = limits
        self._return_schema = return_schema
        self._api = HttpApi(
            base_url,
            {"Client-Id": credentials.client_id, "Api-Key": credentials.api_key},
            timeout=timeout,
            throttle=throttle,
            client=client,
        )

    @property
    def limits(self) -> Limits:
        """The stock-method limits this adapter was built for."""
        return self._limits

    # -- stock push ---------------------------------------------------------------------------

    def push_stock(self, items: Sequence[StockUpdate]) -> list[ItemResult]:
        """POST ≤ 100 pairs per request and read every per-item result (HTTP stays 200)."""
        ensure_unique(items)
        results: dict[OfferKey, ItemResult] = {}
        valid: list[StockUpdate] = []
        for item in items:
            if _int(item.key.warehouse_id) is None or not item.key.offer_id:
                results[item.key] = ItemResult.permanent(
                    item.key, "invalid_key", "offer_id must be set and warehouse_id an integer"
                )
            else:
                valid.append(item)
        for chunk in chunked(valid, self._limits.max_batch):
            results.update(self._post_chunk(chunk))
        return [results[item.key] for item in items]

    def _post_chunk(self, chunk: Sequence[StockUpdate]) -> dict[OfferKey, ItemResult]:
        sent = {item.key: capped(item.quantity, self._limits) for item in chunk}
        body = {
            "stocks": [
                {
                    "offer_id": item.key.offer_id,
                    "stock": sent[item.key],
                    "warehouse_id": int(item.key.warehouse_id),
                }
                for item in chunk
            ]
        }
        try:
            response = self._api.send("POST", "/v2/products/stocks", json=body)
            _raise_for_status(response)
        except (TransientError, PermanentError) as exc:
            return all_results(chunk, exc)
        payload = json_body(response) or {}
        answered = {
            (str(r.get("offer_id", "")), _int(str(r.get("warehouse_id", "")))): r
            for r in payload.get("result") or []
            if isinstance(r, dict)
        }
        return {
            key: self._item_result(key, answered.get((key.offer_id, _int(key.warehouse_id))), qty)
            for key, qty in sent.items()
        }

    def _item_result(self, key: OfferKey, answer: dict[str, Any] | None, sent: int) -> ItemResult:
        if answer is None:
            return ItemResult.transient(key, "missing_result", "Ozon did not answer for this pair")
        errors = [e for e in answer.get("errors") or [] if isinstance(e, dict)]
        if not errors:
            if answer.get("updated", True):
                return ItemResult.ok(key, sent_quantity=sent)
            return ItemResult.transient(key, "not_updated", "updated=false without an error")
        codes = [str(e.get("code", "")) for e in errors]
        message = "; ".join(str(e.get("message", "")) for e in errors)
        if all(code in SUCCESS_CODES for code in codes):
            return ItemResult.ok(key, sent_quantity=sent, code=codes[0])
        if all(code in TRANSIENT_CODES | SUCCESS_CODES for code in codes):
            # One update per pair per 30 s: try again once the pair's window has passed.
            return ItemResult.transient(
                key, "TOO_MANY_REQUESTS", message, retry_after=self._limits.min_item_interval
            )
        failing = next(code for code in codes if code not in TRANSIENT_CODES | SUCCESS_CODES)
        return ItemResult.permanent(key, failing, message)

    # -- stock read-back ----------------------------------------------------------------------

    def read_stock(self, keys: Sequence[OfferKey]) -> dict[OfferKey, int]:
        """Free stock per pair from `/v1/product/info/warehouse/stocks` (missing pairs read 0)."""
        wanted: dict[int, set[str]] = defaultdict(set)
        for key in keys:
            warehouse = _int(key.warehouse_id)
            if warehouse is None:
                raise ValueError(f"{key}: warehouse_id must be an integer")
            wanted[warehouse].add(key.offer_id)
        found = {key: 0 for key in keys}
        for warehouse, offers in wanted.items():
            for row in self._warehouse_stocks(warehouse):
                offer = str(row.get("offer_id", ""))
                if offer in offers:
                    found[OfferKey(offer, str(warehouse))] = int(row.get("free_stock", 0))
        return found

    def _warehouse_stocks(self, warehouse: int) -> Iterator[dict[str, Any]]:
        cursor = ""
        while True:
            body = {"warehouse_id": warehouse, "limit": STOCKS_PAGE, "cursor": cursor}
            page = with_retries(partial(self._post, "/v1/product/info/warehouse/stocks", body))
            yield from page.get("stocks") or []
            cursor = str(page.get("cursor") or "")
            if not page.get("has_next") or not cursor:
                return

    # -- returns ------------------------------------------------------------------------------

    def list_returns(self, since: datetime, until: datetime) -> Iterator[ReturnNotice]:
        """Returns whose status changed in [since, until), paging with `last_id`."""
        window = {"time_from": _rfc3339(since), "time_to": _rfc3339(until)}
        flt: dict[str, Any] = {"visual_status_change_moment": window}
        if self._return_schema:
            flt["return_schema"] = self._return_schema
        last_id = 0
        while True:
            body = {"filter": flt, "limit": RETURNS_PAGE, "last_id": last_id}
            page = with_retries(partial(self._post, "/v1/returns/list", body))
            returns = [r for r in page.get("returns") or [] if isinstance(r, dict)]
            for item in returns:
                yield return_notice(item)
            if not returns or not page.get("has_next"):
                return
            last_id = int(returns[-1]["id"])

    def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = self._api.send("POST", path, json=body)
        _raise_for_status(response)
        payload = json_body(response)
        if not isinstance(payload, dict):
            raise TransientError("bad_body", f"{path}: answer is not a JSON object")
        return payload

    def close(self) -> None:
        """Close the HTTP connections."""
        self._api.close()


def return_notice(item: dict[str, Any]) -> ReturnNotice:
    """Map one `/v1/returns/list` item to a return notice."""
    product = item.get("product") or {}
    logistic = item.get("logistic") or {}
    visual = item.get("visual") or {}
    status = (visual.get("status") or {}).get("sys_name") or ""
    text = item.get("return_reason_name") or None
    return_type = (
        ReturnType.CANCELLED_IN_DELIVERY
        if item.get("type") == "Cancellation"
        else ReturnType.CUSTOMER_RETURN
    )
    reason = classify_reason(text, default=default_reason(return_type))
    if reason is ReturnReason.NOT_PICKED_UP:
        return_type = ReturnType.NOT_PICKED_UP
    offer_id = str(product.get("offer_id", ""))
    return ReturnNotice(
        marketplace=Marketplace.OZON,
        external_id=str(item["id"]),
        order_code=str(item.get("posting_number") or item.get("order_number") or item["id"]),
        return_type=return_type,
        reason=reason,
        reason_text=text,
        lines=(
            ReturnLine(
                offer_id,
                int(product.get("quantity") or 1),
                product.get("name"),
                marketplace_item_id=str(product.get("sku", "")) or None,
            ),
        ),
        status=status,
        ready_for_pickup=status in READY_FOR_PICKUP,
        returned_at=_parse_time(logistic.get("return_date") or visual.get("change_moment")),
        extra={"schema": str(item.get("schema", "")), "type": str(item.get("type", ""))},
    )


def _raise_for_status(response: httpx.Response) -> None:
    """Turn a non-2xx rpcStatus answer into the matching error."""
    status = response.status_code
    if status < 300:
        return
    body = json_body(response)
    body = body if isinstance(body, dict) else {}
    message = str(body.get("message", ""))
    code = f"rpc_{body['code']}" if "code" in body else f"http_{status}"
    if status in (401, 403):
        raise AccountError(code, message, status)
    if status == 429:
        raise TransientError("rate_limited", message, status, retry_after=retry_after(response))
    if status >= 500:
        raise TransientError(f"http_{status}", message, status, retry_after=retry_after(response))
    raise PermanentError(code, message, status)


def _int(value: str) -> int | None:
    try:
        return int(value)
    except ValueError:
        return None


def _rfc3339(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("use timezone-aware datetimes")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _parse_time(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
