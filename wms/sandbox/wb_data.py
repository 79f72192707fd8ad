"""Wildberries sandbox data: accounts, warehouses, claims, WB error bodies, the demo seed."""

from __future__ import annotations

import math
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Response

from wms.sandbox.core import RateBucket, json_response

DEFAULT_TOKEN = "wb-sandbox-token"  # noqa: S105 - a public demo token
PROBLEM_JSON = "application/problem+json"
MSK = timedelta(hours=3)  # claim timestamps are written in UTC+3 without an offset
MEDIA = "//photos.wbbasket.ru/claims"  # [I] WB serves claim media protocol-relative
CARGO_CODES = {1: "MGT", 2: "SGT", 3: "KGTPlus"}


@dataclass
class Warehouse:
    """A seller warehouse; `processing_until` (sandbox seconds) blocks stock updates."""

    id: int
    name: str
    cargo_type: int = 1
    delivery_type: int = 1
    processing_until: float = -1.0


@dataclass
class Account:
    """One seller: token, warehouses, sizes (chrtId → cargo type), stocks, claims, buckets."""

    token: str
    name: str
    stocks_bucket: RateBucket
    claims_bucket: RateBucket
    banned: bool = False
    open_catalog: bool = False  # accept any chrtId (no NotFound)
    legacy_conflicts: bool = False  # 409 data names items by `sku` only, like the spec examples
    categories: frozenset[str] = frozenset({"marketplace", "returns"})  # token scopes
    warehouses: dict[int, Warehouse] = field(default_factory=dict)
    sizes: dict[int, int] = field(default_factory=dict)
    stocks: dict[tuple[int, int], int] = field(default_factory=dict)
    claims: list[dict[str, Any]] = field(default_factory=list)

    def seed(self, spec: Mapping[str, Any], counts: dict[str, int]) -> None:
        """Add warehouses, sizes, stocks and claims from a seed entry."""
        self.banned = bool(spec.get("banned", self.banned))
        self.open_catalog = bool(spec.get("open_catalog", self.open_catalog))
        self.legacy_conflicts = bool(spec.get("legacy_conflicts", self.legacy_conflicts))
        if "categories" in spec:
            self.categories = frozenset(str(c) for c in spec["categories"])
        for wh in spec.get("warehouses", []):
            self.warehouses[int(wh["id"])] = Warehouse(
                int(wh["id"]),
                str(wh.get("name", wh["id"])),
                int(wh.get("cargoType", 1)),
                int(wh.get("deliveryType", 1)),
            )
            counts["warehouses"] += 1
        for size in spec.get("sizes", []):
            self.sizes[int(size["chrtId"])] = int(size.get("cargoType", 1))
            counts["sizes"] += 1
        for row in spec.get("stocks", []):
            self.stocks[(int(row["warehouseId"]), int(row["chrtId"]))] = int(row["amount"])
            counts["stocks"] += 1
        for claim in spec.get("claims", []):
            self.claims.append(make_claim(claim))
            counts["claims"] += 1

    def view(self) -> dict[str, Any]:
        """Stock per warehouse (chrtId → amount) as JSON-ready data."""
        warehouses: dict[str, dict[str, int]] = {str(w): {} for w in self.warehouses}
        for (wh, chrt), amount in sorted(self.stocks.items()):
            warehouses.setdefault(str(wh), {})[str(chrt)] = amount
        return {"warehouses": warehouses, "banned": self.banned}


def default_seed() -> dict[str, Any]:
    """One seller, one FBS warehouse, 20 small sizes and one bulky one, a few claims."""
    sizes = [{"chrtId": 10_000_001 + i, "cargoType": 1} for i in range(20)]
    sizes.append({"chrtId": 20_000_001, "cargoType": 2})
    claims = [
        {"nm_id": 196_320_101, "user_comment": "Брак: не включается", "age_hours": 5},
        {"nm_id": 196_320_102, "user_comment": "Не соответствует описанию", "age_hours": 30},
        {
            "nm_id": 196_320_103,
            "status": 0,
            "status_ex": 0,
            "age_hours": 2,
            "user_comment": "Пришёл с царапиной на корпусе",
            "photos": [f"{MEDIA}/196320103/1.webp", f"{MEDIA}/196320103/2.webp"],
            "video_paths": [f"{MEDIA}/196320103/1.mp4"],
            "actions": OPEN_ACTIONS,
        },
        {"nm_id": 196_320_104, "is_archive": True, "age_hours": 200},
    ]
    account = {
        "token": DEFAULT_TOKEN,
        "name": "Demo seller",
        "warehouses": [{"id": 658_434, "name": "Алматы FBS", "cargoType": 1}],
        "sizes": sizes,
        "claims": claims,
    }
    return {"accounts": [account]}


def make_claim(spec: Mapping[str, Any]) -> dict[str, Any]:
    """A full claim record from a partial seed (`age_hours` sets `dt` relative to now)."""
    if spec.get("dt"):
        dt = str(spec["dt"])
    else:
        moment = datetime.now(UTC) + MSK - timedelta(hours=float(spec.get("age_hours", 1)))
        dt = moment.replace(tzinfo=None).isoformat()
    nm_id = int(spec.get("nm_id", 196_320_101))
    return {
        "id": str(spec.get("id") or uuid.uuid4()),
        "claim_type": int(spec.get("claim_type", 1)),
        "status": int(spec.get("status", 2)),
        "status_ex": int(spec.get("status_ex", 10)),
        "nm_id": nm_id,
        "user_comment": str(spec.get("user_comment", "")),
        "wb_comment": spec.get("wb_comment"),
        "dt": dt,
        "imt_name": spec.get("imt_name", f"Товар {nm_id}"),
        "order_dt": spec.get("order_dt", dt),
        "dt_update": spec.get("dt_update", dt),
        "photos": list(spec.get("photos", [])),
        "video_paths": list(spec.get("video_paths", [])),
        "actions": list(spec.get("actions", [])),
        "price": spec.get("price", 1000),
        "currency_code": str(spec.get("currency_code", "643")),
        "srid": str(spec.get("srid") or f"v5o_{uuid.uuid4().int % 10**19}.0.0"),
        "origin_id_info": spec.get("origin_id_info"),
        "delivery_dt": spec.get("delivery_dt", dt),
        "is_archive": bool(spec.get("is_archive", False)),
    }


# What an answer does to a claim [I from the action descriptions, reference §5.2]:
# (status, status_ex) after it.
ANSWER_EFFECTS = {
    "approve1": (2, 8),  # approved, the defect is checked at WB
    "approve2": (2, 10),  # approved, the item travels back to the seller
    "autorefund1": (2, 5),  # refund, the item stays with the buyer
    "approvecc1": (2, 10),
    "confirmreturngoodcc1": (2, 10),
    "reject1": (1, 1),
    "reject2": (1, 1),
    "reject3": (1, 1),
    "rejectcustom": (1, 1),
}
OPEN_ACTIONS = ["approve1", "approve2", "autorefund1", "reject1", "reject2", "rejectcustom"]


def answer_problem(claim: Mapping[str, Any], body: Mapping[str, Any]) -> str | None:
    """Why WB refuses this answer to this claim (None: it takes it)."""
    action = body["action"]
    if claim["is_archive"] or not claim["actions"]:
        return f"claim {claim['id']} cannot be worked on (no actions)"
    if action not in claim["actions"]:
        return f"action {action!r} is not one of the claim's actions {claim['actions']}"
    if action == "rejectcustom" and not body.get("comment"):
        return "comment is required for rejectcustom"
    if body.get("comment") and action not in ("rejectcustom", "approvecc1"):
        return f"comment is not applicable to {action!r}"
    return None


def apply_answer(claim: dict[str, Any], body: Mapping[str, Any]) -> None:
    """Record the answer: new status, no more actions, the answer kept for inspection."""
    claim["status"], claim["status_ex"] = ANSWER_EFFECTS.get(body["action"], (2, 10))
    claim["actions"] = []
    claim["dt_update"] = (datetime.now(UTC) + MSK).replace(tzinfo=None).isoformat()
    if body["action"] == "rejectcustom":
        claim["wb_comment"] = None
    claim.setdefault("answers", []).append(
        {"action": body["action"], "comment": body.get("comment")}
    )


def claim_time(claim: Mapping[str, Any]) -> datetime:
    """When the claim was filed, in UTC."""
    return datetime.fromisoformat(claim["dt"]).replace(tzinfo=UTC) - MSK


def public_claim(claim: Mapping[str, Any]) -> dict[str, Any]:
    """The claim as the API shows it (without the sandbox's archive flag)."""
    return {key: value for key, value in claim.items() if key not in ("is_archive", "answers")}


def error(status: int, code: str, message: str) -> Response:
    """WB's `Error` object: {"code", "message"}."""
    return json_response({"code": code, "message": message}, status)


def problem(status: int, title: str, detail: str) -> Response:
    """WB's problem+json (401, 429, 5xx)."""
    texts = {401: "Unauthorized", 429: "Too Many Requests", 500: "Internal Server Error"}
    body = {
        "title": title,
        "detail": detail,
        "code": f"sandbox-{uuid.uuid4().hex[:12]}",
        "requestId": request_id(),
        "origin": "s2s-api-auth-catalog",
        "status": status,
        "statusText": texts.get(status, "Error"),
        "timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    return json_response(body, status, PROBLEM_JSON)


def request_id() -> str:
    """A fresh request id."""
    return uuid.uuid4().hex


def seconds_header(value: float) -> str:
    """Whole seconds like WB when at least one, else milliseconds (time-scaled sandboxes)."""
    return str(math.ceil(value)) if value >= 1 else f"{max(value, 0.001):.3f}"
