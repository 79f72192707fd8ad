"""Ozon sandbox, rFBS return requests and arbitration (reference §5.3).

`/v2/returns/rfbs/list`, `/v2/returns/rfbs/get`, `/v1/returns/rfbs/action/set` and
`/v2/posting/fbs/arbitration`, each body checked against Ozon's own spec (`openapi.py`), then
against the request's own rules: the action must be one of its `available_actions`, ids -1 and
-10 need a rejection reason of its own list and a comment, id 1020 a compensation amount.

Action ids other than -1, -10 and 1020 and the states they lead to are our reading of the
cabinet [I]; Ozon documents only that the ids come from `available_actions`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from flask import Flask, Response, request

from wms.sandbox.core import json_response
from wms.sandbox.openapi import OpenApiContract
from wms.sandbox.ozon_data import OzonAccount, rpc_error

ACTIONS = {
    1: "Одобрить заявку",
    1020: "Предложить частичную компенсацию",
    -1: "Отклонить заявку",
    2: "Вернуть деньги покупателю",
    -10: "Отклонить после получения товара",
}
REJECTION_REASONS = [
    {"id": 1, "name": "Товар без недостатков", "hint": "", "is_comment_required": True},
    {"id": 2, "name": "Нарушена комплектность", "hint": "", "is_comment_required": True},
    {"id": 3, "name": "Следы использования", "hint": "", "is_comment_required": True},
]
# state → (group_state, state_name, available action ids)
STATES: dict[str, tuple[str, str, tuple[int, ...]]] = {
    "New": ("New", "Новая заявка", (1, 1020, -1)),
    "Delivering": ("Delivering", "Покупатель отправляет товар", ()),
    "Checkout": ("Checkout", "Товар у продавца, ждёт решения", (2, -10)),
    "CompensationOffered": ("Approved", "Продавец выплатил компенсацию", ()),
    "MoneyReturned": ("Approved", "Деньги возвращены", ()),
    "Rejected": ("Rejected", "Заявка отклонена", ()),
    "Arbitration": ("Arbitration", "Спор", ()),
}
AFTER = {1: "Delivering", 1020: "CompensationOffered", -1: "Rejected", 2: "MoneyReturned"}
AFTER[-10] = "Rejected"


def view(record: Mapping[str, Any], *, full: bool) -> dict[str, Any]:
    """The request as `/v2/returns/rfbs/get` (full) or a `/list` item shows it."""
    group, name, actions = STATES[record["state_key"]]
    state = {"state": record["state_key"], "state_name": name, "group_state": group}
    out = {k: record[k] for k in ("return_id", "return_number", "posting_number", "order_number")}
    out.update(
        client_name=record["client_name"],
        created_at=record["created_at"],
        product=record["product"],
        state=state,
    )
    if full:
        out.update(
            comment=record["comment"],
            client_photo=record["client_photo"],
            return_reason=record["return_reason"],
            warehouse_id=record["warehouse_id"],
            available_actions=[{"id": i, "name": ACTIONS[i]} for i in actions],
            rejection_reason=REJECTION_REASONS if any(i < 0 for i in actions) else [],
            rejection_comment=record.get("rejection_comment", ""),
        )
    return out


def action_problem(record: Mapping[str, Any], body: Mapping[str, Any]) -> str | None:
    """Why Ozon refuses this action on this request (None: it takes it)."""
    action = body.get("id")
    allowed = STATES[record["state_key"]][2]
    if action not in allowed:
        return f"action {action} is not available for return {record['return_id']}: {allowed}"
    if action in (-1, -10):
        reasons = {r["id"] for r in REJECTION_REASONS}
        if body.get("rejection_reason_id") not in reasons:
            return "rejection_reason_id is required and must be one of rejection_reason"
        if not str(body.get("comment") or "").strip():
            return "comment is required for a rejection"
    amount = body.get("compensation_amount")
    if action == 1020:
        if amount is None or Decimal(str(amount)) <= 0:
            return "compensation_amount is required for action 1020"
        if Decimal(str(amount)) > Decimal(record["product"]["price"]):
            return "compensation_amount is more than the product's price"
    return None


def apply_action(record: dict[str, Any], body: Mapping[str, Any]) -> None:
    """Move the request on and keep the answer for inspection."""
    record["state_key"] = AFTER[int(body["id"])]
    if int(body["id"]) < 0:
        record["rejection_comment"] = str(body.get("comment") or "")
    record["answers"].append({k: body[k] for k in sorted(body)})


class RfbsRoutes:
    """The routes, bound to the Ozon sandbox's accounts, lock, contract and counters."""

    def __init__(
        self,
        admit: Callable[[], OzonAccount | Response],
        sandbox: Any,
        contract: OpenApiContract,
    ) -> None:
        self.admit = admit
        self.sandbox = sandbox
        self.contract = contract

    def register(self, app: Flask) -> None:
        """Add the four marketplace routes and a control view."""
        app.add_url_rule("/v2/returns/rfbs/list", view_func=self.list_, methods=["POST"])
        app.add_url_rule("/v2/returns/rfbs/get", view_func=self.get, methods=["POST"])
        app.add_url_rule("/v1/returns/rfbs/action/set", view_func=self.act, methods=["POST"])
        app.add_url_rule("/v2/posting/fbs/arbitration", view_func=self.arbitrate, methods=["POST"])
        app.add_url_rule("/_sandbox/rfbs/<int:return_id>", view_func=self.inspect, methods=["GET"])

    def list_(self) -> Response:
        checked = self._checked("/v2/returns/rfbs/list")
        if isinstance(checked, Response):
            return checked
        account, body = checked
        limit, last_id = int(body["limit"]), int(body.get("last_id") or 0)
        if not 1 <= limit <= 1000:
            return self._invalid("limit must be 1..1000")
        groups = set((body.get("filter") or {}).get("group_state") or ["All"])
        with self.sandbox.lock:
            found = [
                view(r, full=False)
                for rid, r in sorted(account.rfbs.items())
                if rid > last_id and ("All" in groups or STATES[r["state_key"]][0] in groups)
            ]
        return json_response({"returns": found[:limit]})

    def get(self) -> Response:
        checked = self._checked("/v2/returns/rfbs/get")
        if isinstance(checked, Response):
            return checked
        account, body = checked
        with self.sandbox.lock:
            record = account.rfbs.get(int(body["return_id"]))
            if record is None:
                return rpc_error(404, 5, f"return {body['return_id']} not found")
            return json_response({"returns": view(record, full=True)})

    def act(self) -> Response:
        checked = self._checked("/v1/returns/rfbs/action/set", required=("return_id", "id"))
        if isinstance(checked, Response):
            return checked
        account, body = checked
        with self.sandbox.lock:
            record = account.rfbs.get(int(body["return_id"]))
            if record is None:
                return rpc_error(404, 5, f"return {body['return_id']} not found")
            problem = action_problem(record, body)
            if problem:
                return self._invalid(problem)
            apply_action(record, body)
            self.sandbox.stats.bump("rfbs_actions_applied")
        self.sandbox.note(return_id=body["return_id"], action=body["id"])
        return json_response({})

    def arbitrate(self) -> Response:
        checked = self._checked("/v2/posting/fbs/arbitration")
        if isinstance(checked, Response):
            return checked
        account, body = checked
        numbers = [str(n) for n in body["posting_number"]]
        with self.sandbox.lock:
            unknown = [n for n in numbers if account.postings.get(n) != "lost"]
            if not numbers or unknown:
                return self._invalid(f"no dispute can be opened for {unknown or numbers}")
            for number in numbers:
                account.postings[number] = "arbitration"
            self.sandbox.stats.bump("arbitrations_opened", len(numbers))
        return json_response({"result": True})

    def inspect(self, return_id: int) -> Response:
        with self.sandbox.lock:
            for account in self.sandbox.accounts.values():
                if return_id in account.rfbs:
                    record = account.rfbs[return_id]
                    return json_response({**view(record, full=True), "answers": record["answers"]})
        return json_response({"error": f"no return {return_id}"}, 404)

    def _checked(
        self, path: str, required: tuple[str, ...] = ()
    ) -> tuple[OzonAccount, dict[str, Any]] | Response:
        account = self.admit()
        if isinstance(account, Response):
            return account
        body = request.get_json(silent=True)
        operation = self.contract.operation("post", path)
        problems = self.contract.body_errors(operation, body)
        if isinstance(body, dict):
            declared = set((operation.body_schema or {}).get("properties") or {})
            problems += [f"body/{name}: not declared" for name in sorted(set(body) - declared)]
            problems += [f"body/{name}: value is required" for name in required if name not in body]
        if problems or not isinstance(body, dict):
            return self._invalid("; ".join(problems) or "the body must be a JSON object")
        return account, body

    def _invalid(self, message: str) -> Response:
        self.sandbox.stats.bump("validation_rejects")
        self.sandbox.note(invalid=message)
        return rpc_error(400, 3, message)
