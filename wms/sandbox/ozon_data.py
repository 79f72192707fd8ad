"""Ozon sandbox data: accounts, products, return records, rpcStatus bodies, the demo seed."""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Response

from wms.sandbox.core import RateBucket, json_response

DEFAULT_CLIENT_ID = "100500"
DEFAULT_API_KEY = "ozon-sandbox-key"  # a public demo key
DEFAULT_WAREHOUSE = 22_142_605_386_000
RETURN_IDS = itertools.count(1_000_001)
# visual.status.sys_name → (id, display name)
STATUSES = {
    "MovingToSeller": (1, "Едет к продавцу"),
    "ArrivedAtReturnPlace": (2, "Ждёт продавца в пункте выдачи"),
    "ReceivedBySeller": (3, "Получен продавцом"),
    "Utilizing": (4, "Утилизируется"),
    "Cancelled": (5, "Отменён"),
}


@dataclass
class Product:
    """A product card: ids, readiness for stock updates, units reserved per warehouse."""

    offer_id: str
    product_id: int
    sku: int
    state: str = "price_sent"
    reserved: dict[int, int] = field(default_factory=dict)


@dataclass
class OzonAccount:
    """One seller (Client-Id + Api-Key): warehouses, products, stocks, returns, bucket."""

    client_id: str
    api_key: str
    name: str
    bucket: RateBucket
    warehouses: set[int] = field(default_factory=set)
    products: dict[str, Product] = field(default_factory=dict)
    stocks: dict[tuple[str, int], int] = field(default_factory=dict)  # free stock we were told
    updated_at: dict[tuple[str, int], float] = field(default_factory=dict)  # sandbox seconds
    updated_wall: dict[tuple[str, int], str] = field(default_factory=dict)
    returns: list[dict[str, Any]] = field(default_factory=list)
    rfbs: dict[int, dict[str, Any]] = field(default_factory=dict)  # rFBS return requests
    postings: dict[str, str] = field(default_factory=dict)  # posting → "lost" / "arbitration"

    def seed(self, spec: Mapping[str, Any], counts: dict[str, int]) -> None:
        """Add warehouses, products, stocks and returns from a seed entry."""
        self.warehouses.update(int(w) for w in spec.get("warehouses", []))
        counts["warehouses"] += len(spec.get("warehouses", []))
        for row in spec.get("products", []):
            reserved = {int(w): int(n) for w, n in (row.get("reserved") or {}).items()}
            product_id = int(row.get("product_id", 100_000 + len(self.products)))
            self.products[str(row["offer_id"])] = Product(
                str(row["offer_id"]),
                product_id,
                int(row.get("sku", product_id + 1_000_000)),
                str(row.get("state", "price_sent")),
                reserved,
            )
            counts["products"] += 1
        for row in spec.get("stocks", []):
            self.stocks[(str(row["offer_id"]), int(row["warehouse_id"]))] = int(row["stock"])
            counts["stocks"] += 1
        for row in spec.get("returns", []):
            self.returns.append(make_return(row, self._next_return_id()))
            counts["returns"] += 1
        self.returns.sort(key=lambda r: r["id"])
        for row in spec.get("rfbs", []):
            return_id = int(row.get("return_id") or 90_000_000 + len(self.rfbs) + 1)
            self.rfbs[return_id] = make_rfbs(row, return_id)
            counts["rfbs"] = counts.get("rfbs", 0) + 1
        for number in spec.get("lost_postings", []):
            self.postings[str(number)] = "lost"

    def find(self, offer_id: Any, product_id: Any) -> Product | None:
        """The product named by offer_id (which wins) or product_id."""
        if offer_id:
            return self.products.get(str(offer_id))
        if product_id:
            return next((p for p in self.products.values() if p.product_id == product_id), None)
        return None

    def view(self) -> dict[str, Any]:
        """Free stock per warehouse (offer_id → stock) as JSON-ready data."""
        warehouses: dict[str, dict[str, int]] = {str(w): {} for w in sorted(self.warehouses)}
        for (offer, wh), stock in sorted(self.stocks.items()):
            warehouses.setdefault(str(wh), {})[offer] = stock
        return {"client_id": self.client_id, "warehouses": warehouses}

    def _next_return_id(self) -> int:
        # Ozon's return ids are global: two sellers never share one (imports key on them).
        return next(RETURN_IDS)


def default_seed() -> dict[str, Any]:
    """One seller, one FBS warehouse, ten products, three returns."""
    products = [{"offer_id": f"OZ-{i:03d}", "product_id": 118_597_300 + i} for i in range(1, 11)]
    products.append({"offer_id": "OZ-DRAFT", "product_id": 118_597_399, "state": "imported"})
    returns = [
        {"offer_id": "OZ-001", "reason": "Брак", "status": "MovingToSeller", "age_hours": 3},
        {"offer_id": "OZ-002", "reason": "Не подошел размер", "status": "ArrivedAtReturnPlace"},
        {"offer_id": "OZ-003", "type": "Cancellation", "reason": "Покупатель не забрал заказ"},
    ]
    account = {
        "client_id": DEFAULT_CLIENT_ID,
        "api_key": DEFAULT_API_KEY,
        "name": "Demo seller",
        "warehouses": [DEFAULT_WAREHOUSE],
        "products": products,
        "returns": returns,
        "rfbs": [
            {
                "offer_id": "OZ-004",
                "name": "Наушники",
                "price": "15990",
                "client_photo": ["https://cdn.ozon.ru/rfbs/90000001/1.jpg"],
            }
        ],
        "lost_postings": ["30000999-0001-1"],
    }
    return {"accounts": [account]}


def make_return(spec: Mapping[str, Any], return_id: int) -> dict[str, Any]:
    """A full `/v1/returns/list` item from a partial seed (`age_hours` sets the dates)."""
    moment = datetime.now(UTC) - timedelta(hours=float(spec.get("age_hours", 1)))
    when = str(spec.get("change_moment") or moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ"))
    status = str(spec.get("status", "MovingToSeller"))
    status_id, display = STATUSES.get(status, (0, status))
    posting = str(spec.get("posting_number") or f"{30_000_000 + return_id % 10**7}-0001-1")
    offer_id = str(spec.get("offer_id", "OZ-001"))
    return {
        "id": int(spec.get("id", return_id)),
        "company_id": int(spec.get("company_id", 1)),
        "return_reason_name": str(spec.get("reason", "")),
        "type": str(spec.get("type", "ClientReturn")),
        "schema": str(spec.get("schema", "FBS")),
        "order_id": int(spec.get("order_id", return_id * 10)),
        "order_number": posting.rsplit("-", 1)[0],
        "posting_number": posting,
        "place": {"id": 1, "name": "ПВЗ Ozon", "address": "Алматы"},
        "target_place": {"id": int(spec.get("warehouse_id", DEFAULT_WAREHOUSE)), "name": "FBS"},
        "storage": {"sum": {"currency_code": "KZT", "price": 0}, "days": 0},
        "product": {
            "sku": int(spec.get("sku", 1_118_597_301)),
            "offer_id": offer_id,
            "name": str(spec.get("name", f"Товар {offer_id}")),
            "price": {"currency_code": "KZT", "price": float(spec.get("price", 9990))},
            "quantity": int(spec.get("quantity", 1)),
        },
        "logistic": {"return_date": when, "technical_return_moment": None, "barcode": ""},
        "visual": {
            "status": {"id": status_id, "display_name": display, "sys_name": status},
            "change_moment": when,
        },
        "additional_info": {"is_opened": False, "is_super_econom": False},
        "exemplars": [{"id": return_id}],
        "compensation_status": None,
    }


def rpc_error(status: int, code: int, message: str) -> Response:
    """Ozon's gRPC-style rpcStatus error body."""
    return json_response({"code": code, "message": message, "details": []}, status)


def retry_header(seconds: float) -> str:
    """Retry-After value: whole seconds when ≥ 1, else milliseconds (time-scaled sandboxes)."""
    return str(math.ceil(seconds)) if seconds >= 1 else f"{max(seconds, 0.001):.3f}"


def make_rfbs(spec: Mapping[str, Any], return_id: int) -> dict[str, Any]:
    """A full rFBS return request from a partial seed."""
    created = datetime.now(UTC) - timedelta(hours=float(spec.get("age_hours", 3)))
    posting = str(spec.get("posting_number") or f"{return_id % 10**8:08d}-0001-1")
    return {
        "return_id": return_id,
        "return_number": str(spec.get("return_number") or f"{posting}-R"),
        "posting_number": posting,
        "order_number": posting.rsplit("-", 1)[0],
        "client_name": str(spec.get("client_name", "Покупатель О.")),
        "created_at": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "comment": str(spec.get("comment", "Товар пришёл повреждённым")),
        "client_photo": list(spec.get("client_photo") or []),
        "product": {
            "name": str(spec.get("name", "Товар")),
            "offer_id": str(spec.get("offer_id", "OFFER-1")),
            "currency_code": str(spec.get("currency_code", "KZT")),
            "price": str(spec.get("price", "10000")),
            "sku": int(spec.get("sku", 1_000_001)),
        },
        "return_reason": {
            "id": int(spec.get("reason_id", 7)),
            "name": str(spec.get("reason", "Брак")),
            "is_defect": bool(spec.get("is_defect", True)),
        },
        "state_key": str(spec.get("state", "New")),
        "warehouse_id": int(spec.get("warehouse_id", 0)),
        "answers": [],
    }
