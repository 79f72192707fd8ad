"""Wildberries: stocks of seller warehouses (marketplace-api) and buyer claims (returns-api)."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
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
from wms.domain.returns import Marketplace, ReturnReason, ReturnType

log = logging.getLogger(__name__)

MARKETPLACE_URL = "https://marketplace-api.wildberries.ru"
RETURNS_URL = "https://returns-api.wildberries.ru"
# «Остатки на складах продавца»: 300/min, 200 ms interval, burst 20, a 409 counts as 10 requests.
LIMITS = Limits(
    max_batch=1000,
    requests_per_minute=300,
    burst=20,
    error_cost=10,
    max_quantity=100_000,
)
# Claims (returns-api): 20/min, 3 s interval, burst 10.
CLAIMS_LIMITS = Limits(max_batch=200, requests_per_minute=20, burst=10)
MSK = timezone(timedelta(hours=3))  # claim timestamps are UTC+3 without an offset
STORE_PROCESSING_RETRY = 5.0  # seconds; the spec says "retry in a few seconds"
MAX_CONFLICT_ROUNDS = 12  # enough to bisect 1000 items (2^10) with rounds to spare
CLAIM_GOODS_TO_SELLER = frozenset({10})  # status_ex 10: the item travels back to the seller
ACCOUNT_STATUSES = {401: "Unauthorized", 402: "PaymentRequired", 403: "AccessDenied"}


@dataclass(frozen=True)
class WildberriesCredentials:
    """An API token with the «Маркетплейс» and «Возвраты покупателями» categories."""

    token: str = field(repr=False)


@dataclass(frozen=True)
class _Line:
    update: StockUpdate
    chrt_id: int
    amount: int

    @property
    def key(self) -> OfferKey:
        return self.update.key


class WildberriesAdapter:
    """Push and read seller-warehouse stocks; import buyer claims as return notices."""

    marketplace = Marketplace.WILDBERRIES

    def __init__(
        self,
        credentials: WildberriesCredentials,
        *,
        base_url: str = MARKETPLACE_URL,
        returns_url: str | None = None,
        timeout: float = 30.0,
        limits: Limits = LIMITS,
        throttle: Throttle | None = None,
        claims_throttle: Throttle | None = None,
        client: httpx.Client | None = None,
    ) -> None:
        self._limits = limits
        self._api = HttpApi(
            base_url,
            {"Authorization": credentials.token},
            timeout=timeout,
            throttle=throttle,
            client=client,
        )
        self._returns_url = returns_url or base_url
        self._claims_throttle = claims_throttle

    @property
    def limits(self) -> Limits:
        """The stock-method limits this adapter was built for."""
        return self._limits

    # -- stock push ---------------------------------------------------------------------------

    def push_stock(self, items: Sequence[StockUpdate]) -> list[ItemResult]:
        """PUT absolute amounts per warehouse in batches of ≤ 1000; 409s are split and resent."""
        ensure_unique(items)
        results: dict[OfferKey, ItemResult] = {}
        by_warehouse: dict[int, list[_Line]] = defaultdict(list)
        for item in items:
            chrt_id, warehouse = _int(item.key.offer_id), _int(item.key.warehouse_id)
            if chrt_id is None or warehouse is None:
                results[item.key] = ItemResult.permanent(
                    item.key, "invalid_key", "chrtId and warehouseId must be integers"
                )
                continue
            line = _Line(item, chrt_id, capped(item.quantity, self._limits))
            by_warehouse[warehouse].append(line)
        for warehouse, lines in by_warehouse.items():
            for chunk in chunked(lines, self._limits.max_batch):
                self._put(warehouse, list(chunk), results, rounds=0)
        return [results[item.key] for item in items]

    def _put(
        self, warehouse: int, lines: list[_Line], results: dict[OfferKey, ItemResult], rounds: int
    ) -> None:
        body = {"stocks": [{"chrtId": line.chrt_id, "amount": line.amount} for line in lines]}
        try:
            response = self._api.send("PUT", f"/api/v3/stocks/{warehouse}", json=body)
            if response.status_code == 409:
                self._api.throttle.penalize(self._limits.error_cost - 1)
                self._conflict(warehouse, lines, json_body(response), results, rounds)
                return
            _raise_for_status(response)
        except (TransientError, PermanentError) as exc:
            results.update(all_results((line.update for line in lines), exc))
            return
        for line in lines:
            results[line.key] = ItemResult.ok(line.key, sent_quantity=line.amount)

    def _conflict(
        self,
        warehouse: int,
        lines: list[_Line],
        errors: Any,
        results: dict[OfferKey, ItemResult],
        rounds: int,
    ) -> None:
        """Mark the items a 409 names, then resend the rest (a 409 applies nothing)."""
        by_chrt = {line.chrt_id: line for line in lines}
        named: dict[int, tuple[str, str]] = {}
        anonymous: list[str] = []
        entries = [e for e in errors if isinstance(e, dict)] if isinstance(errors, list) else []
        for error in entries or [{"code": "Conflict"}]:
            code, message = str(error.get("code", "Conflict")), str(error.get("message", ""))
            if code == "StoreIsProcessing":
                for line in lines:
                    results[line.key] = ItemResult.transient(
                        line.key, code, message, retry_after=STORE_PROCESSING_RETRY
                    )
                return
            data = error.get("data") or []
            hits = [d["chrtId"] for d in data if isinstance(d, dict) and d.get("chrtId") in by_chrt]
            named.update({chrt: (code, message) for chrt in hits})
            if not hits:
                anonymous.append(code)
        for chrt, (code, message) in named.items():
            results[by_chrt[chrt].key] = ItemResult.permanent(by_chrt[chrt].key, code, message)
        rest = [line for line in lines if line.chrt_id not in named]
        if not rest:
            return
        if rounds >= MAX_CONFLICT_ROUNDS:
            for line in rest:
                results[line.key] = ItemResult.transient(
                    line.key, "ConflictUnresolved", "409s did not name the failing items"
                )
        elif named:
            self._put(warehouse, rest, results, rounds + 1)
        elif len(rest) == 1:
            only = rest[0]
            results[only.key] = ItemResult.permanent(only.key, ",".join(anonymous), "409")
        else:
            # The 409 does not say which items failed (old `sku` data, no data): bisect.
            half = len(rest) // 2
            self._put(warehouse, rest[:half], results, rounds + 1)
            self._put(warehouse, rest[half:], results, rounds + 1)

    # -- stock read-back ----------------------------------------------------------------------

    def read_stock(self, keys: Sequence[OfferKey]) -> dict[OfferKey, int]:
        """POST the chrtIds per warehouse; WB omits zero stocks, so missing keys read 0."""
        found: dict[OfferKey, int] = {}
        by_warehouse: dict[int, list[tuple[int, OfferKey]]] = defaultdict(list)
        for key in keys:
            chrt_id, warehouse = _int(key.offer_id), _int(key.warehouse_id)
            if chrt_id is None or warehouse is None:
                raise ValueError(f"{key}: chrtId and warehouseId must be integers")
            by_warehouse[warehouse].append((chrt_id, key))
        for warehouse, pairs in by_warehouse.items():
            for chunk in chunked(pairs, self._limits.max_batch):
                amounts = with_retries(partial(self._read, warehouse, chunk))
                found.update({key: amounts.get(chrt, 0) for chrt, key in chunk})
        return found

    def _read(self, warehouse: int, pairs: Sequence[tuple[int, OfferKey]]) -> dict[int, int]:
        body = {"chrtIds": [chrt for chrt, _ in pairs]}
        response = self._api.send("POST", f"/api/v3/stocks/{warehouse}", json=body)
        _raise_for_status(response)
        payload = json_body(response) or {}
        return {int(s["chrtId"]): int(s.get("amount", 0)) for s in payload.get("stocks") or []}

    # -- returns ------------------------------------------------------------------------------

    def list_returns(self, since: datetime, until: datetime) -> Iterator[ReturnNotice]:
        """Claims (open and archived) created in [since, until) whose goods come back to us."""
        for is_archive in (False, True):
            for claim in self.iter_claims(is_archive=is_archive):
                notice = claim_notice(claim)
                if notice is None or notice.returned_at is None:
                    continue
                if since <= notice.returned_at < until:
                    yield notice

    def iter_claims(self, *, is_archive: bool, page_size: int = 200) -> Iterator[dict[str, Any]]:
        """Every claim of one archive state, paging by offset (limit ≤ 200)."""
        offset = 0
        while True:
            page = with_retries(partial(self._claims_page, is_archive, page_size, offset))
            claims = page.get("claims") or []
            yield from claims
            offset += len(claims)
            if not claims or offset >= int(page.get("total", 0)):
                return

    def _claims_page(self, is_archive: bool, limit: int, offset: int) -> dict[str, Any]:
        params = {"is_archive": "true" if is_archive else "false", "limit": limit, "offset": offset}
        response = self._api.send(
            "GET",
            "/api/v1/claims",
            params=params,
            base_url=self._returns_url,
            throttle=self._claims_throttle,
        )
        _raise_for_status(response)
        payload = json_body(response)
        if not isinstance(payload, dict):
            raise TransientError("bad_body", "claims answer is not a JSON object")
        return payload

    def close(self) -> None:
        """Close the HTTP connections."""
        self._api.close()


def claim_notice(claim: dict[str, Any]) -> ReturnNotice | None:
    """A return notice for a claim whose goods travel back to the seller, else None."""
    if claim.get("status_ex") not in CLAIM_GOODS_TO_SELLER:
        return None
    nm_id = str(claim.get("nm_id", ""))
    comment = claim.get("user_comment") or None
    # The claims API is WB's channel for defective or mismatched goods (ordinary returns of
    # proper quality do not go through it), so an unclassified comment counts as a defect.
    reason = classify_reason(comment, default=ReturnReason.DEFECTIVE)
    return ReturnNotice(
        marketplace=Marketplace.WILDBERRIES,
        external_id=str(claim["id"]),
        order_code=str(claim.get("srid") or claim["id"]),
        return_type=ReturnType.CLAIM_RETURN,
        reason=reason,
        reason_text=comment,
        lines=(ReturnLine(nm_id, 1, claim.get("imt_name"), marketplace_item_id=nm_id),),
        status=f"status={claim.get('status')},status_ex={claim.get('status_ex')}",
        ordered_at=_msk(claim.get("order_dt")),
        returned_at=_msk(claim.get("dt")),
        extra={
            "price": str(claim.get("price", "")),
            "currency": str(claim.get("currency_code", "")),
        },
    )


def _raise_for_status(response: httpx.Response) -> None:
    """Turn a non-2xx answer into the matching error."""
    status = response.status_code
    if status < 300:
        return
    body = json_body(response)
    body = body if isinstance(body, dict) else {}
    message = str(body.get("message") or body.get("detail") or body.get("title") or "")
    if status in ACCOUNT_STATUSES:
        raise AccountError(str(body.get("code") or ACCOUNT_STATUSES[status]), message, status)
    if status == 406:
        raise AccountError(str(body.get("code", "StatusNotAcceptable")), message, status)
    if status == 429:
        wait = retry_after(response, "X-Ratelimit-Retry")
        raise TransientError("TooManyRequests", message, status, retry_after=wait)
    if status >= 500:
        raise TransientError(f"http_{status}", message, status, retry_after=retry_after(response))
    raise PermanentError(str(body.get("code") or f"http_{status}"), message, status)


def _int(value: str) -> int | None:
    try:
        return int(value)
    except ValueError:
        return None


def _msk(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=MSK)
