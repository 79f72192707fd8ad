"""Kaspi sandbox: the JSON:API orders API (paging, 14-day windows, status filters, the return
life cycle with `returnedToWarehouse`) and a poller that pulls our XML price list.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, request

from wms.sandbox import kaspi_data
from wms.sandbox.core import Sandbox, SandboxOptions, json_response
from wms.sandbox.kaspi_data import Merchant
from wms.sandbox.kaspi_poller import FeedPoller
from wms.sandbox.server import SandboxHandle, start_server

JSON_API = "application/vnd.api+json"
MAX_PAGE_SIZE = 100
DEFAULT_POLL_INTERVAL = 3600.0  # sandbox seconds: Kaspi pulls the price list hourly


class KaspiSandbox(Sandbox):
    """The Kaspi emulator."""

    name = "kaspi"

    def __init__(
        self,
        options: SandboxOptions | None = None,
        *,
        feed_url: str | None = None,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
    ) -> None:
        self.merchants: dict[str, Merchant] = {}
        self.feed_url = feed_url
        super().__init__(options)
        self.poll_interval = poll_interval
        interval_real = self.clock.to_real(poll_interval) if poll_interval > 0 else None
        self.poller = FeedPoller(lambda: list(self.merchants.values()), self.lock, interval_real)

    # -- state --------------------------------------------------------------------------------

    def clear_state(self) -> None:
        """Forget every merchant."""
        self.merchants = {}

    def apply_seed(self, seed: Mapping[str, Any]) -> dict[str, Any]:
        """Add or extend merchants (by token): feed URL, known offers, orders."""
        counts = {"merchants": 0, "orders": 0, "offers": 0}
        now = kaspi_data.now_ms()
        for spec in seed.get("merchants", []):
            merchant = self._merchant_for(spec)
            counts["merchants"] += 1
            for offer in spec.get("offers", []):
                merchant.offers[str(offer["sku"])] = {
                    "model": str(offer.get("model", "")),
                    "brand": str(offer.get("brand", "")),
                    "price": offer.get("price"),
                    "city_prices": {},
                    "availabilities": {},
                    "on_sale": bool(offer.get("on_sale", True)),
                }
                counts["offers"] += 1
            orders = list(spec.get("orders", []))
            generate = spec.get("generate")
            if generate:
                skus = list(generate.get("skus") or [f"SKU-{i:04d}" for i in range(1, 31)])
                orders += kaspi_data.generate_orders(
                    int(generate["orders"]),
                    float(generate["days"]),
                    int(generate.get("seed", 1)),
                    skus,
                    completed=int(generate.get("completed", 0)),
                )
            for order in orders:
                merchant.add_order(order, now)
                counts["orders"] += 1
        return counts

    def _merchant_for(self, spec: Mapping[str, Any]) -> Merchant:
        token = str(spec["token"])
        merchant = self.merchants.get(token)
        if merchant is None:
            merchant_id = str(spec.get("merchant_id", kaspi_data.DEFAULT_MERCHANT_ID))
            merchant = Merchant(token, merchant_id, str(spec.get("name", merchant_id)))
            self.merchants[token] = merchant
        # --feed-url applies to every merchant that has none of its own.
        merchant.feed_url = spec.get("feed_url") or merchant.feed_url or self.feed_url
        return merchant

    def default_seed(self) -> dict[str, Any]:
        """The demo shop of `kaspi_data.default_seed`."""
        return kaspi_data.default_seed()

    def stock_view(self) -> dict[str, Any]:
        """What Kaspi holds per merchant after the last applied price list."""
        return {"merchants": {m.merchant_id: m.view() for m in self.merchants.values()}}

    # -- routes -------------------------------------------------------------------------------

    def add_routes(self, app: Flask) -> None:
        """Orders, entries, master products, and the poller/life-cycle controls."""
        app.add_url_rule("/v2/orders", view_func=self._orders, methods=["GET"])
        app.add_url_rule("/v2/orders", view_func=self._write_order, methods=["POST"])
        app.add_url_rule("/_sandbox/orders/<code>", view_func=self._order_view, methods=["GET"])
        app.add_url_rule("/v2/orders/<order_id>/entries", view_func=self._entries, methods=["GET"])
        app.add_url_rule(
            "/v2/masterproducts/<product>/merchantProduct",
            view_func=self._merchant_product,
            methods=["GET"],
        )
        app.add_url_rule("/_sandbox/poll", view_func=self._poll_now, methods=["POST"])
        app.add_url_rule("/_sandbox/fetches", view_func=self._fetches, methods=["GET"])
        app.add_url_rule(
            "/_sandbox/orders/<code>/status", view_func=self._set_status, methods=["POST"]
        )

    def _orders(self) -> Response:
        merchant = self._admit()
        if isinstance(merchant, Response):
            return merchant
        args = request.args
        try:
            number, size = int(args["page[number]"]), int(args["page[size]"])
            start, end = kaspi_data.parse_window(
                args.get("filter[orders][creationDate][$ge]"),
                args.get("filter[orders][creationDate][$le]"),
                kaspi_data.now_ms(),
            )
        except KeyError:
            return self._bad("page[number] and page[size] are required")
        except ValueError as exc:
            return self._bad(str(exc))
        if not 1 <= size <= MAX_PAGE_SIZE or number < 0:
            return self._bad(f"page[size] must be 1..{MAX_PAGE_SIZE}, page[number] ≥ 0")
        status, state = args.get("filter[orders][status]"), args.get("filter[orders][state]")
        if status and status not in kaspi_data.STATUSES or state and state not in kaspi_data.STATES:
            return self._bad(f"unknown status/state filter {status or state!r}")
        code = args.get("filter[orders][code]")
        with self.lock:
            found = [
                o
                for o in merchant.orders.values()
                if start <= o["creationDate"] <= end
                and status in (None, o["status"])
                and state in (None, o["state"])
                and code in (None, o["code"])
            ]
            found.sort(key=lambda o: (o["creationDate"], o["id"]))
            page = [
                kaspi_data.order_resource(o) for o in found[number * size : (number + 1) * size]
            ]
        self.note(window_days=kaspi_data.window_days(start, end), status=status, page=number)
        meta = {"pageCount": math.ceil(len(found) / size), "totalCount": len(found)}
        return _jsonapi({"data": page, "included": [], "meta": meta})

    def _write_order(self) -> Response:
        """`POST /v2/orders`: a merchant's status change, in JSON:API form."""
        merchant = self._admit()
        if isinstance(merchant, Response):
            return merchant
        body = request.get_json(silent=True)
        data = body.get("data") if isinstance(body, dict) else None
        attrs = data.get("attributes") if isinstance(data, dict) else None
        if (
            not isinstance(data, dict)
            or not isinstance(attrs, dict)
            or data.get("type") != "orders"
        ):
            return self._bad('the body must be {"data": {"type": "orders", "id", "attributes"}}')
        target = attrs.get("status")
        if target not in kaspi_data.MERCHANT_WRITES:
            return self._bad(f"status {target!r} cannot be set by a merchant")
        with self.lock:
            order = merchant.orders.get(str(data.get("id", "")))
            if order is None:
                return self.error_response(404, "Not Found", f"order {data.get('id')} not found")
            if attrs.get("code") != order["code"]:
                return self._bad(f"attributes.code {attrs.get('code')!r} is not this order's code")
            if (order["status"], target) not in kaspi_data.TRANSITIONS:
                return self._bad(f"an order in {order['status']} cannot become {target}")
            order["status"] = target
            order.setdefault("writes", []).append(target)
            self.stats.bump(f"applied_{target}")
        self.note(order=order["code"], status=target)
        return _jsonapi({"data": kaspi_data.order_resource(order)})

    def _order_view(self, code: str) -> Response:
        """An order by code with every status merchants wrote to it (tests count them)."""
        with self.lock:
            for merchant in self.merchants.values():
                for order in merchant.orders.values():
                    if order["code"] == code:
                        return json_response(
                            {
                                "id": order["id"],
                                "status": order["status"],
                                "writes": list(order.get("writes", [])),
                            }
                        )
        return json_response({"error": f"no order {code}"}, 404)

    def _entries(self, order_id: str) -> Response:
        merchant = self._admit()
        if isinstance(merchant, Response):
            return merchant
        with self.lock:
            order = merchant.orders.get(order_id)
            if order is None:
                return self.error_response(404, "Not Found", f"order {order_id} not found")
            return _jsonapi({"data": kaspi_data.entry_resources(order)})

    def _merchant_product(self, product: str) -> Response:
        merchant = self._admit()
        if isinstance(merchant, Response):
            return merchant
        sku = kaspi_data.sku_of_product(product)
        if sku is None:
            return self.error_response(404, "Not Found", f"master product {product} not found")
        data = {"type": "merchantproducts", "id": product, "attributes": {"code": sku, "name": sku}}
        return _jsonapi({"data": data})

    def _set_status(self, code: str) -> Response:
        body = request.get_json(silent=True) or {}
        target = str(body.get("status", ""))
        with self.lock:
            order = next(
                (
                    o
                    for m in self.merchants.values()
                    for o in m.orders.values()
                    if o["code"] == code
                ),
                None,
            )
            if order is None:
                return json_response({"error": f"no order {code}"}, 404)
            problem = _transition_problem(order, target, bool(body.get("returnedToWarehouse")))
            if problem:
                return json_response({"error": problem}, 409)
            order["status"] = target
            order["returnedToWarehouse"] = bool(body.get("returnedToWarehouse"))
            if target in kaspi_data.ARCHIVED:
                order["state"] = "ARCHIVE"
            return json_response({"code": code, "status": target, "state": order["state"]})

    def _poll_now(self) -> Response:
        return json_response({"fetches": self.poller.poll_once()})

    def _fetches(self) -> Response:
        with self.lock:
            return json_response({m.merchant_id: m.fetches for m in self.merchants.values()})

    # -- checks and errors --------------------------------------------------------------------

    def _admit(self) -> Merchant | Response:
        merchant = self.merchants.get(request.headers.get("X-Auth-Token", ""))
        if merchant is None:
            return self.error_response(401, "Unauthorized", "invalid or missing X-Auth-Token")
        if request.headers.get("Content-Type", "").split(";")[0].strip() != JSON_API:
            return self.error_response(415, "Unsupported Media Type", f"use {JSON_API}")
        return merchant

    def _bad(self, detail: str) -> Response:
        self.stats.bump("validation_rejects")
        self.note(invalid=detail)
        return self.error_response(400, "Bad Request", detail)

    def error_response(self, status: int, title: str, detail: str = "") -> Response:
        """JSON:API `errors` body."""
        return _jsonapi(
            {"errors": [{"status": str(status), "title": title, "detail": detail}]}, status
        )

    def rate_limited(self, wait_real: float) -> Response:
        """A 429 (Kaspi publishes no limits; used by fault injection)."""
        response = self.error_response(429, "Too Many Requests", "rate limited")
        response.headers["Retry-After"] = str(max(1, math.ceil(wait_real)))
        return response


def _transition_problem(order: Mapping[str, Any], target: str, to_warehouse: bool) -> str | None:
    current = order["status"]
    if (current, target) not in kaspi_data.TRANSITIONS:
        return f"{current} → {target} is not a Kaspi transition"
    if current == target == "CANCELLING" and not to_warehouse:
        return "CANCELLING → CANCELLING only marks the parcel returnedToWarehouse"
    if to_warehouse and target != "CANCELLING":
        return "returnedToWarehouse only applies to CANCELLING orders"
    if current == "CANCELLING" and target == "CANCELLED" and not order["returnedToWarehouse"]:
        return "the parcel must be back at the warehouse (returnedToWarehouse) before pickup"
    return None


def _jsonapi(data: Any, status: int = 200) -> Response:
    return json_response(data, status, JSON_API)


def start_in_thread(
    port: int = 0,
    *,
    feed_url: str | None = None,
    poll_interval: float = DEFAULT_POLL_INTERVAL,
    **options: Any,
) -> SandboxHandle:
    """Serve a Kaspi sandbox and its feed poller on background threads (tests, demos)."""
    sandbox = KaspiSandbox(
        SandboxOptions(port=port, **options), feed_url=feed_url, poll_interval=poll_interval
    )
    handle = start_server(sandbox)
    sandbox.poller.start()
    handle.background.append(sandbox.poller.stop)
    return handle


if __name__ == "__main__":
    from wms.cli.sandbox import run_module

    run_module("kaspi")
