"""Ozon sandbox: `/v2/products/stocks` (≤ 100 pairs, 80/min, one update per pair per 30 s,
per-item errors inside HTTP 200), warehouse stock read-back and `/v1/returns/list`.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, request

from wms.sandbox import ozon_data
from wms.sandbox.core import RateBucket, Sandbox, SandboxOptions, json_response
from wms.sandbox.openapi import OpenApiContract
from wms.sandbox.ozon_data import OzonAccount, Product, retry_header, rpc_error
from wms.sandbox.ozon_rfbs import RfbsRoutes
from wms.sandbox.server import SandboxHandle, start_server

STOCKS_PER_MINUTE, STOCKS_BURST = 80, 10  # Ozon publishes no burst; 10 is our assumption
MAX_PAIRS = 100
PAIR_COOLDOWN = 30.0  # sandbox seconds between two updates of one pair
MAX_STOCK = 1_000_000
MAX_RETURNS_PAGE = 500
MAX_STOCKS_PAGE = 1000


class OzonSandbox(Sandbox):
    """The Ozon emulator."""

    name = "ozon"

    def __init__(self, options: SandboxOptions | None = None) -> None:
        self.accounts: dict[tuple[str, str], OzonAccount] = {}
        self.contract = OpenApiContract.for_ozon()
        super().__init__(options)

    # -- state --------------------------------------------------------------------------------

    def clear_state(self) -> None:
        """Forget every account."""
        self.accounts = {}

    def apply_seed(self, seed: Mapping[str, Any]) -> dict[str, Any]:
        """Add or extend accounts (by Client-Id + Api-Key)."""
        counts = {"accounts": 0, "warehouses": 0, "products": 0, "stocks": 0, "returns": 0}
        for spec in seed.get("accounts", []):
            key = (str(spec["client_id"]), str(spec["api_key"]))
            if key not in self.accounts:
                bucket = RateBucket(self.clock, STOCKS_PER_MINUTE, STOCKS_BURST)
                self.accounts[key] = OzonAccount(*key, str(spec.get("name", key[0])), bucket)
            self.accounts[key].seed(spec, counts)
            counts["accounts"] += 1
        return counts

    def default_seed(self) -> dict[str, Any]:
        """The demo seller of `ozon_data.default_seed`."""
        return ozon_data.default_seed()

    def stock_view(self) -> dict[str, Any]:
        """Free stock per account and warehouse."""
        return {"accounts": {a.name: a.view() for a in self.accounts.values()}}

    # -- routes -------------------------------------------------------------------------------

    def add_routes(self, app: Flask) -> None:
        """Stocks, stock read-back, returns."""
        app.add_url_rule("/v2/products/stocks", view_func=self._set_stocks, methods=["POST"])
        app.add_url_rule(
            "/v1/product/info/warehouse/stocks", view_func=self._read_stocks, methods=["POST"]
        )
        app.add_url_rule("/v1/returns/list", view_func=self._returns, methods=["POST"])
        RfbsRoutes(self._admit, self, self.contract).register(app)

    def _set_stocks(self) -> Response:
        account = self._admit(limited=True)
        if isinstance(account, Response):
            return account
        body = request.get_json(silent=True)
        rows = body.get("stocks") if isinstance(body, dict) else None
        if not isinstance(rows, list) or not 1 <= len(rows) <= MAX_PAIRS:
            return self._invalid(
                "invalid ProductsStocksRequest.Stocks: value must contain between 1 and 100 items"
            )
        for index, row in enumerate(rows):
            problem = _row_problem(row)
            if problem:
                return self._invalid(
                    f"invalid ProductsStocksRequest.Stocks[{index}]: embedded message failed "
                    f"validation | caused by: {problem}"
                )
        with self.lock:
            result = [self._apply(account, row) for row in rows]
        self.note(items=len(rows), updated=sum(r["updated"] for r in result))
        return json_response({"result": result})

    def _apply(self, account: OzonAccount, row: Mapping[str, Any]) -> dict[str, Any]:
        """Apply one pair; return its result item with Ozon's per-item error codes."""
        warehouse, stock = int(row["warehouse_id"]), int(row["stock"])
        product = account.find(row.get("offer_id"), row.get("product_id"))
        offer_id = product.offer_id if product else str(row.get("offer_id") or "")
        answer: dict[str, Any] = {
            "warehouse_id": warehouse,
            "product_id": product.product_id if product else int(row.get("product_id") or 0),
            "offer_id": offer_id,
            "updated": False,
            "errors": [],
        }
        failure = self._pair_failure(account, product, warehouse, stock)
        if failure:
            answer["errors"] = [{"code": failure[0], "message": failure[1]}]
            self.stats.bump(f"item_{failure[0]}")
            return answer
        pair = (offer_id, warehouse)
        account.stocks[pair] = stock
        account.updated_at[pair] = self.clock.now()
        account.updated_wall[pair] = datetime.now(UTC).isoformat()
        self.history.record(f"{account.name}/{warehouse}/{offer_id}", stock)
        answer["updated"] = True
        return answer

    def _pair_failure(
        self, account: OzonAccount, product: Product | None, warehouse: int, stock: int
    ) -> tuple[str, str] | None:
        if product is None:
            return "NOT_FOUND", "Product not found"
        if warehouse not in account.warehouses:
            return "WAREHOUSE_NOT_FOUND", "Warehouse not found"
        if stock >= MAX_STOCK:
            return "STOCK_TOO_BIG", "Stock must be less than 1000000"
        if product.state != "price_sent":
            return "INVALID_STATE", f"Product is in state {product.state}, not price_sent"
        pair = (product.offer_id, warehouse)
        # An unchanged value changes nothing, so it does not use up the pair's update window.
        if account.stocks.get(pair) == stock:
            return "SKU_STOCK_NOT_CHANGE", "Stock was not changed"
        last = account.updated_at.get(pair)
        if last is not None and self.clock.now() - last < PAIR_COOLDOWN:
            return "TOO_MANY_REQUESTS", "Too many requests for one product and warehouse"
        return None

    def _read_stocks(self) -> Response:
        account = self._admit()
        if isinstance(account, Response):
            return account
        body = request.get_json(silent=True) or {}
        try:
            warehouse, limit = int(body["warehouse_id"]), int(body.get("limit", 100))
            offset = _decode_cursor(str(body.get("cursor") or ""))
        except (KeyError, TypeError, ValueError):
            return self._invalid("invalid request: warehouse_id, limit and cursor")
        if not 1 <= limit <= MAX_STOCKS_PAGE:
            return self._invalid(f"invalid request: limit must be 1..{MAX_STOCKS_PAGE}")
        with self.lock:
            rows = [
                self._stock_row(account, o, w, s)
                for (o, w), s in sorted(account.stocks.items())
                if w == warehouse
            ]
        page, more = rows[offset : offset + limit], offset + limit < len(rows)
        cursor = _encode_cursor(offset + limit) if more else ""
        return json_response({"stocks": page, "has_next": more, "cursor": cursor})

    def _stock_row(
        self, account: OzonAccount, offer: str, warehouse: int, free: int
    ) -> dict[str, Any]:
        product = account.products.get(offer)
        reserved = product.reserved.get(warehouse, 0) if product else 0
        return {
            "sku": product.sku if product else 0,
            "product_id": product.product_id if product else 0,
            "offer_id": offer,
            "warehouse_id": warehouse,
            "present": free + reserved,
            "reserved": reserved,
            "free_stock": free,
            "updated_at": account.updated_wall.get((offer, warehouse), ""),
        }

    def _returns(self) -> Response:
        account = self._admit()
        if isinstance(account, Response):
            return account
        body = request.get_json(silent=True)
        if not isinstance(body, dict) or not isinstance(body.get("limit"), int):
            return self._invalid("invalid GetReturnsListRequest.Limit: value is required")
        limit, last_id = body["limit"], int(body.get("last_id") or 0)
        if not 1 <= limit <= MAX_RETURNS_PAGE:
            return self._invalid(
                f"invalid GetReturnsListRequest.Limit: must be 1..{MAX_RETURNS_PAGE}"
            )
        flt = body.get("filter") or {}
        with self.lock:
            found = [r for r in account.returns if r["id"] > last_id and _matches(r, flt)]
        page = found[:limit]
        self.note(returned=len(page))
        return json_response({"returns": page, "has_next": len(found) > limit})

    # -- checks -------------------------------------------------------------------------------

    def _admit(self, *, limited: bool = False) -> OzonAccount | Response:
        key = (request.headers.get("Client-Id", ""), request.headers.get("Api-Key", ""))
        account = self.accounts.get(key)
        if account is None:
            return rpc_error(
                403, 7, "Api-key is deactivated, use another one or generate a new one"
            )
        if limited:
            wait = account.bucket.take()
            if wait is not None:
                return self.rate_limited(wait)
        return account

    def _invalid(self, message: str) -> Response:
        self.stats.bump("validation_rejects")
        self.note(invalid=message)
        return rpc_error(400, 3, message)

    def rate_limited(self, wait_real: float) -> Response:
        """Ozon's 429 rpcStatus body with a Retry-After in real seconds."""
        response = rpc_error(429, 8, "You have reached request rate limit per second")
        response.headers["Retry-After"] = retry_header(wait_real)
        return response

    def error_response(self, status: int, title: str, detail: str = "") -> Response:
        """rpcStatus for injected 5xx."""
        return rpc_error(status, 13, f"{title}: {detail}" if detail else title)


def _row_problem(row: Any) -> str | None:
    if not isinstance(row, dict):
        return "stock item must be an object"
    warehouse = row.get("warehouse_id")
    if not isinstance(warehouse, int) or isinstance(warehouse, bool) or warehouse <= 0:
        return "invalid ProductsStocksRequest_Stock.WarehouseId: value must be greater than 0"
    stock = row.get("stock")
    if not isinstance(stock, int) or isinstance(stock, bool) or stock < 0:
        return "invalid ProductsStocksRequest_Stock.Stock: value must be a non-negative integer"
    if not row.get("offer_id") and not row.get("product_id"):
        return "invalid ProductsStocksRequest_Stock: offer_id or product_id is required"
    return None


def _matches(item: Mapping[str, Any], flt: Mapping[str, Any]) -> bool:
    """Apply the supported `/v1/returns/list` filters."""
    for key, moment in (
        ("visual_status_change_moment", item["visual"]["change_moment"]),
        ("logistic_return_date", item["logistic"]["return_date"]),
    ):
        window = flt.get(key)
        if window and not _within(moment, window):
            return False
    if flt.get("return_schema") and item["schema"] != flt["return_schema"]:
        return False
    if flt.get("offer_id") and item["product"]["offer_id"] != flt["offer_id"]:
        return False
    postings = flt.get("posting_numbers")
    return not postings or item["posting_number"] in postings


def _within(moment: str | None, window: Mapping[str, str]) -> bool:
    if not moment:
        return False
    when = _parse(moment)
    start, end = window.get("time_from"), window.get("time_to")
    return (not start or when >= _parse(start)) and (not end or when < _parse(end))


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def _decode_cursor(cursor: str) -> int:
    if not cursor:
        return 0
    return int(base64.urlsafe_b64decode(cursor.encode()).decode().split(":", 1)[1])


def start_in_thread(port: int = 0, **options: Any) -> SandboxHandle:
    """Serve an Ozon sandbox on a background thread (tests, demos)."""
    return start_server(OzonSandbox(SandboxOptions(port=port, **options)))


if __name__ == "__main__":
    from wms.cli.sandbox import run_module

    run_module("ozon")
