"""Kaspi sandbox data: merchants, orders with their return life cycle, JSON:API resources."""

from __future__ import annotations

import base64
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

DEFAULT_TOKEN = "kaspi-sandbox-token"  # noqa: S105 - a public demo token
DEFAULT_MERCHANT_ID = "30453464"
STATUSES = (
    "APPROVED_BY_BANK",
    "ACCEPTED_BY_MERCHANT",
    "COMPLETED",
    "CANCELLED",
    "CANCELLING",
    "KASPI_DELIVERY_RETURN_REQUESTED",
    "RETURNED",
    "ARRIVED_BACKWARD",
)
STATES = ("NEW", "SIGN_REQUIRED", "PICKUP", "DELIVERY", "KASPI_DELIVERY", "ARCHIVE")
# The return life cycle of DESIGN/reference 1.5: (from, to) pairs the control route accepts.
TRANSITIONS = frozenset(
    {
        ("APPROVED_BY_BANK", "ACCEPTED_BY_MERCHANT"),
        ("APPROVED_BY_BANK", "CANCELLED"),
        ("ACCEPTED_BY_MERCHANT", "COMPLETED"),
        ("ACCEPTED_BY_MERCHANT", "CANCELLED"),  # before hand-over: Kaspi restores its stock
        ("ACCEPTED_BY_MERCHANT", "CANCELLING"),  # after hand-over: travels back to us
        ("CANCELLING", "CANCELLING"),  # returnedToWarehouse false → true
        ("CANCELLING", "CANCELLED"),  # collected at the Пункт приема
        ("COMPLETED", "KASPI_DELIVERY_RETURN_REQUESTED"),
        ("KASPI_DELIVERY_RETURN_REQUESTED", "RETURNED"),
        ("KASPI_DELIVERY_RETURN_REQUESTED", "COMPLETED"),  # return refused
        ("CANCELLING", "ARRIVED_BACKWARD"),  # the merchant got the goods back (§5.1)
        ("KASPI_DELIVERY_RETURN_REQUESTED", "ARRIVED_BACKWARD"),
    }
)
# What a merchant may set through `POST /v2/orders` (the rest is Kaspi's doing) [V §1.4, §5.1].
MERCHANT_WRITES = frozenset({"ACCEPTED_BY_MERCHANT", "ARRIVED_BACKWARD"})
ARCHIVED = frozenset({"CANCELLED", "RETURNED"})
DAY_MS = 86_400_000


@dataclass
class Merchant:
    """A Kaspi shop: token, orders, the catalogue Kaspi learnt from the last feed, fetches."""

    token: str
    merchant_id: str
    name: str
    feed_url: str | None = None
    orders: dict[str, dict[str, Any]] = field(default_factory=dict)  # id → order record
    offers: dict[str, dict[str, Any]] = field(default_factory=dict)  # sku → offer state
    fetches: list[dict[str, Any]] = field(default_factory=list)
    etag: str | None = None
    last_modified: str | None = None

    def add_order(self, spec: Mapping[str, Any], now_ms: int) -> dict[str, Any]:
        """Add an order from a partial seed (`age_days` sets creationDate relative to now)."""
        code = str(spec.get("code") or 500_000_000 + len(self.orders) + 1)
        created = int(spec.get("creationDate") or now_ms - float(spec.get("age_days", 1)) * DAY_MS)
        status = str(spec.get("status", "COMPLETED"))
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        entries = [
            {
                "sku": str(e["sku"]),
                "quantity": int(e.get("quantity", 1)),
                "name": str(e.get("name", f"Товар {e['sku']}")),
                "price": int(e.get("price", 10_000)),
                "with_offer": bool(e.get("with_offer", True)),
            }
            for e in spec.get("entries") or [{"sku": "SKU-0001"}]
        ]
        order: dict[str, Any] = {
            "id": str(spec.get("id") or opaque_id("order", code)),
            "code": code,
            "status": status,
            "state": str(
                spec.get("state") or ("ARCHIVE" if status in ARCHIVED else "KASPI_DELIVERY")
            ),
            "returnedToWarehouse": bool(spec.get("returnedToWarehouse", False)),
            "creationDate": created,
            "customer_id": str(spec.get("customer_id") or opaque_id("customer", code)),
            "pickupPointId": str(spec.get("pickupPointId", "PP1")),
            "cancellationReason": spec.get("cancellationReason"),
            "entries": entries,
        }
        self.orders[order["id"]] = order
        return order

    def view(self) -> dict[str, Any]:
        """The catalogue Kaspi holds for this merchant and the last fetch."""
        on_sale = sum(1 for o in self.offers.values() if o["on_sale"])
        return {
            "merchant_id": self.merchant_id,
            "feed_url": self.feed_url,
            "offers": self.offers,
            "on_sale": on_sale,
            "removed": len(self.offers) - on_sale,
            "last_fetch": self.fetches[-1] if self.fetches else None,
            "fetch_count": len(self.fetches),
        }


def generate_orders(
    count: int, days: float, seed: int, skus: list[str], *, completed: int = 0
) -> list[dict[str, Any]]:
    """Synthetic order seeds over the last `days`: mostly completed, some returns.

    `completed` adds that many plain completed orders (a shop's everyday sales), so the
    quality-returns rate the WMS computes from this sandbox is realistic.
    """
    rng = random.Random(seed)
    weights = {
        "COMPLETED": 70,
        "CANCELLING": 10,
        "KASPI_DELIVERY_RETURN_REQUESTED": 8,
        "RETURNED": 7,
        "CANCELLED": 5,
    }
    specs = []
    for index in range(count):
        status = rng.choices(list(weights), weights=list(weights.values()))[0]
        lines = [
            {
                "sku": rng.choice(skus),
                "quantity": rng.randint(1, 2),
                "with_offer": rng.random() < 0.7,
            }
            for _ in range(rng.randint(1, 3))
        ]
        specs.append(
            {
                "code": str(600_000_000 + seed * 100_000 + index),
                "status": status,
                "age_days": rng.uniform(0.01, days),
                "returnedToWarehouse": status == "CANCELLING" and rng.random() < 0.5,
                "entries": _unique_lines(lines),
            }
        )
    for index in range(completed):
        specs.append(
            {
                "code": str(700_000_000 + seed * 100_000 + index),
                "status": "COMPLETED",
                "age_days": rng.uniform(0.01, days),
                "returnedToWarehouse": False,
                "entries": [{"sku": rng.choice(skus), "quantity": 1, "with_offer": True}],
            }
        )
    return specs


def _unique_lines(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for line in lines:
        seen.setdefault(line["sku"], line)
    return list(seen.values())


def opaque_id(kind: str, value: str) -> str:
    """Kaspi ids are opaque base64-like strings, different from the human order code."""
    return base64.urlsafe_b64encode(f"{kind}:{value}".encode()).decode().rstrip("=")


def order_resource(order: Mapping[str, Any]) -> dict[str, Any]:
    """An order as a JSON:API resource object."""
    total = sum(e["price"] * e["quantity"] for e in order["entries"])
    archived = order["state"] == "ARCHIVE"
    attributes = {
        "code": order["code"],
        "totalPrice": total,
        "paymentMode": "PAY_WITH_CREDIT",
        "deliveryMode": "DELIVERY_PICKUP",
        "isKaspiDelivery": True,
        "state": order["state"],
        "status": order["status"],
        "creationDate": order["creationDate"],
        "approvedByBankDate": order["creationDate"] + 5_000,
        "plannedDeliveryDate": order["creationDate"] + 2 * DAY_MS,
        "preOrder": False,
        "signatureRequired": False,
        "pickupPointId": order["pickupPointId"],
        "deliveryCostForSeller": 0.0,
        "returnedToWarehouse": order["returnedToWarehouse"],
        "customer": {"id": order["customer_id"], "firstName": "Тест", "lastName": "Покупатель"},
    }
    if order.get("cancellationReason"):
        attributes["cancellationReason"] = order["cancellationReason"]
    return {
        "type": "orders",
        "id": order["id"],
        "attributes": attributes,
        "relationships": {
            "entries": {"links": {"related": f"/v2/orders/{order['id']}/entries"}},
            "user": {"data": {"type": "customers", "id": order["customer_id"]}},
        },
        "links": {"self": f"/v2/orders/{order['id']}"},
        "meta": {"archived": archived},
    }


def entry_resources(order: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The order's entries as JSON:API `orderentries` resources."""
    resources = []
    for number, entry in enumerate(order["entries"]):
        attributes: dict[str, Any] = {
            "unitType": "PIECES",
            "quantity": entry["quantity"],
            "totalPrice": entry["price"] * entry["quantity"],
            "basePrice": entry["price"],
            "entryNumber": number,
            "weight": 1.0,
            "category": {"code": "Master - Smartphones", "title": "Смартфоны"},
            "deliveryCost": 0,
            "isImeiRequired": False,
        }
        if entry["with_offer"]:  # real payloads carry offer{code,name}; not every one [T]
            attributes["offer"] = {"code": entry["sku"], "name": entry["name"]}
        resources.append(
            {
                "type": "orderentries",
                "id": opaque_id("entry", f"{order['code']}:{number}"),
                "attributes": attributes,
                "relationships": {
                    "product": {"data": {"type": "masterproducts", "id": product_id(entry["sku"])}},
                    "deliveryPointOfService": {
                        "data": {"type": "pointofservices", "id": order["pickupPointId"]}
                    },
                },
            }
        )
    return resources


def product_id(sku: str) -> str:
    """The master product id the sandbox gives a merchant SKU."""
    return opaque_id("masterproduct", sku)


def sku_of_product(product: str) -> str | None:
    """The merchant SKU behind a sandbox master product id."""
    padded = product + "=" * (-len(product) % 4)
    try:
        kind, _, sku = base64.urlsafe_b64decode(padded.encode()).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        return None
    return sku if kind == "masterproduct" else None


def now_ms() -> int:
    """Epoch milliseconds now."""
    return int(datetime.now(UTC).timestamp() * 1000)


def default_seed() -> dict[str, Any]:
    """One merchant with 120 synthetic orders over 60 days and a handful of fixed returns."""
    skus = [f"SKU-{i:04d}" for i in range(1, 31)]
    fixed = [
        {
            "code": "512345678",
            "status": "CANCELLING",
            "age_days": 2,
            "entries": [{"sku": "SKU-0001"}],
        },
        {
            "code": "512345679",
            "status": "CANCELLING",
            "returnedToWarehouse": True,
            "age_days": 5,
            "entries": [{"sku": "SKU-0002", "quantity": 2}],
        },
        {
            "code": "512345680",
            "status": "KASPI_DELIVERY_RETURN_REQUESTED",
            "age_days": 9,
            "entries": [{"sku": "SKU-0003", "with_offer": False}],
        },
    ]
    merchant = {
        "token": DEFAULT_TOKEN,
        "merchant_id": DEFAULT_MERCHANT_ID,
        "name": "Demo shop",
        "orders": fixed,
        "generate": {"orders": 120, "days": 60, "seed": 1, "skus": skus},
    }
    return {"merchants": [merchant]}


def parse_window(ge: str | None, le: str | None, now: int) -> tuple[int, int]:
    """The creationDate filter in ms; raises ValueError with Kaspi-like wording."""
    if ge is None:
        raise ValueError("filter[orders][creationDate][$ge] is required")
    start = int(ge)
    end = int(le) if le is not None else now
    if end < start:
        raise ValueError("creationDate: $le is before $ge")
    if end - start > 14 * DAY_MS:
        raise ValueError("creationDate: the period must not exceed 14 days")
    return start, end


def window_days(start: int, end: int) -> float:
    """A window's length in days (for the request log)."""
    return round((end - start) / DAY_MS, 3)
