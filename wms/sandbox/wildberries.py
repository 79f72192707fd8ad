"""Wildberries sandbox: seller-warehouse stocks (PUT/POST `/api/v3/stocks/{warehouseId}`),
warehouses, and buyer claims (`/api/v1/claims`), with WB's limits and error bodies.

Every request is checked against the official OpenAPI files (`openapi.py`). By default the
check is WB's own: field names are not validated, so `{"sku": ...}` answers 204 and changes
nothing (the documented trap, counted as `noop_items`). With `strict_contract=True` the
stricter reading rejects such bodies with 400, so adapter tests double as contract tests.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask, Response, request

from wms.sandbox import wb_data
from wms.sandbox.core import RateBucket, Sandbox, SandboxOptions, json_response
from wms.sandbox.openapi import OpenApiContract
from wms.sandbox.server import SandboxHandle, start_server
from wms.sandbox.wb_data import Account, Warehouse, error, problem, seconds_header

STOCKS_PER_MINUTE, STOCKS_BURST, CONFLICT_COST = 300, 20, 10
CLAIMS_PER_MINUTE, CLAIMS_BURST = 20, 10
CLAIMS_DAYS = 14
STOCKS_PATH = "/api/v3/stocks/{warehouseId}"
BAN_MESSAGE = "Обновление остатков заблокировано в связи с баном поставщика"


class WildberriesSandbox(Sandbox):
    """The Wildberries emulator."""

    name = "wildberries"

    def __init__(
        self,
        options: SandboxOptions | None = None,
        *,
        spec_dir: str | None = None,
        strict_contract: bool = False,
    ) -> None:
        self.contract = OpenApiContract.for_wildberries(spec_dir, strict=strict_contract)
        self.accounts: dict[str, Account] = {}
        super().__init__(options)

    # -- state --------------------------------------------------------------------------------

    def clear_state(self) -> None:
        """Forget every account."""
        self.accounts = {}

    def apply_seed(self, seed: Mapping[str, Any]) -> dict[str, Any]:
        """Add or extend accounts (by token): warehouses, sizes, stocks, claims."""
        counts = {"accounts": 0, "warehouses": 0, "sizes": 0, "stocks": 0, "claims": 0}
        for spec in seed.get("accounts", []):
            token = str(spec["token"])
            if token not in self.accounts:
                self.accounts[token] = Account(
                    token,
                    str(spec.get("name", token[:8])),
                    RateBucket(self.clock, STOCKS_PER_MINUTE, STOCKS_BURST),
                    RateBucket(self.clock, CLAIMS_PER_MINUTE, CLAIMS_BURST),
                )
            self.accounts[token].seed(spec, counts)
            counts["accounts"] += 1
        return counts

    def default_seed(self) -> dict[str, Any]:
        """The demo seller of `wb_data.default_seed`."""
        return wb_data.default_seed()

    def stock_view(self) -> dict[str, Any]:
        """Stock per account and warehouse (chrtId → amount)."""
        return {"accounts": {a.name: a.view() for a in self.accounts.values()}}

    # -- routes -------------------------------------------------------------------------------

    def add_routes(self, app: Flask) -> None:
        """Stocks, warehouses, claims and the StoreIsProcessing switch."""
        stocks = "/api/v3/stocks/<warehouse>"
        app.add_url_rule(stocks, view_func=self._put_stocks, methods=["PUT"])
        app.add_url_rule(stocks, view_func=self._read_stocks, methods=["POST"])
        app.add_url_rule("/api/v3/warehouses", view_func=self._warehouses, methods=["GET"])
        app.add_url_rule("/api/v1/claims", view_func=self._claims, methods=["GET"])
        app.add_url_rule("/api/v1/claim", view_func=self._answer_claim, methods=["PATCH"])
        app.add_url_rule("/_sandbox/claims/<claim_id>", view_func=self._claim_view, methods=["GET"])
        app.add_url_rule(
            "/_sandbox/warehouses/<int:warehouse>/processing",
            view_func=self._set_processing,
            methods=["POST"],
        )

    def _put_stocks(self, warehouse: str) -> Response:
        account = self._admit()
        if isinstance(account, Response):
            return account
        if account.banned:
            return error(406, "StatusNotAcceptable", BAN_MESSAGE)
        checked = self._checked("put", warehouse, account)
        if isinstance(checked, Response):
            return checked
        wh, body, over_limit = checked
        rows = body["stocks"]
        with self.lock:
            if self.clock.now() < wh.processing_until:
                busy = {"code": "StoreIsProcessing", "message": self._message("StoreIsProcessing")}
                return self._conflict(account, [busy])
            errors = self._item_errors(account, wh, rows, over_limit)
            if errors:  # a 409 applies nothing
                return self._conflict(account, errors)
            applied = 0
            for row in rows:
                if "chrtId" not in row:  # WB does not validate names: silently ignored
                    self.stats.bump("noop_items")
                    continue
                account.stocks[(wh.id, int(row["chrtId"]))] = int(row["amount"])
                self.history.record(f"{account.name}/{wh.id}/{row['chrtId']}", int(row["amount"]))
                applied += 1
        self.note(items=len(rows), applied=applied)
        return Response(status=204)

    def _item_errors(
        self, account: Account, wh: Warehouse, rows: list[dict[str, Any]], over_limit: set[int]
    ) -> list[dict[str, Any]]:
        by_code: dict[str, list[dict[str, Any]]] = {}
        for index, row in enumerate(rows):
            if "chrtId" not in row:
                continue
            chrt = int(row["chrtId"])
            cargo = account.sizes.get(chrt)
            if index in over_limit:
                code = "UploadDataLimit"
            elif cargo is None and not account.open_catalog:
                code = "NotFound"
            elif cargo is not None and cargo != wh.cargo_type:
                code = f"CargoWarehouseRestriction{wb_data.CARGO_CODES[cargo]}"
            else:
                continue
            data: dict[str, Any] = {"sku": "", "chrtId": chrt, "amount": row.get("amount")}
            if account.legacy_conflicts:
                del data["chrtId"]
            by_code.setdefault(code, []).append(data)
        return [
            {"code": code, "message": self._message(code), "data": data}
            for code, data in by_code.items()
        ]

    def _conflict(self, account: Account, errors: list[dict[str, Any]]) -> Response:
        account.stocks_bucket.charge(CONFLICT_COST - 1)  # one 409 is counted as 10 requests
        self.note(conflict=[e["code"] for e in errors])
        return json_response(errors, 409)

    def _read_stocks(self, warehouse: str) -> Response:
        account = self._admit()
        if isinstance(account, Response):
            return account
        checked = self._checked("post", warehouse, account)
        if isinstance(checked, Response):
            return checked
        wh, body, _ = checked
        with self.lock:
            amounts = [(int(c), account.stocks.get((wh.id, int(c)), 0)) for c in body["chrtIds"]]
        # Zero stocks are left out, as the live API does.
        stocks = [{"chrtId": chrt, "amount": amount} for chrt, amount in amounts if amount > 0]
        return json_response({"stocks": stocks})

    def _warehouses(self) -> Response:
        account = self._admit()
        if isinstance(account, Response):
            return account
        now = self.clock.now()
        return json_response(
            [
                {
                    "id": w.id,
                    "name": w.name,
                    "officeId": 0,
                    "cargoType": w.cargo_type,
                    "deliveryType": w.delivery_type,
                    "isDeleting": False,
                    "isProcessing": now < w.processing_until,
                }
                for w in account.warehouses.values()
            ]
        )

    def _claims(self) -> Response:
        account = self._admit(claims=True)
        if isinstance(account, Response):
            return account
        operation = self.contract.operation("get", "/api/v1/claims")
        problems = self.contract.param_errors(operation, {}, request.args.to_dict(flat=False))
        if problems:
            self.stats.bump("contract_rejects")
            self.note(contract=problems)
            detail = "; ".join(problems)
            body = {
                "title": "Invalid query params",
                "detail": detail,
                "requestId": uuid.uuid4().hex,
            }
            return json_response(body, 400, wb_data.PROBLEM_JSON)
        args = request.args
        archived = args.get("is_archive") == "true"
        oldest = datetime.now(UTC) - timedelta(days=CLAIMS_DAYS)
        with self.lock:
            found = [
                claim
                for claim in account.claims
                if claim["is_archive"] == archived
                and wb_data.claim_time(claim) >= oldest
                and args.get("id") in (None, claim["id"])
                and args.get("nm_id") in (None, str(claim["nm_id"]))
            ]
        found.sort(key=lambda c: (c["dt"], c["id"]), reverse=True)
        offset, limit = int(args.get("offset", 0)), int(args.get("limit", 50))
        page = [wb_data.public_claim(c) for c in found[offset : offset + limit]]
        return json_response({"claims": page, "total": len(found)})

    def _answer_claim(self) -> Response:
        """`PATCH /api/v1/claim`: one of the claim's own `actions` (reference §5.2)."""
        account = self._admit(claims=True)
        if isinstance(account, Response):
            return account
        operation = self.contract.operation("patch", "/api/v1/claim")
        body = request.get_json(silent=True)
        # The schema's reading (comment optional); strictness refuses undeclared fields only.
        problems = [str(v) for v in self.contract.body_violations(operation, body, strict=False)]
        if isinstance(body, dict) and self.contract.strict:
            declared = set((operation.body_schema or {}).get("properties") or {})
            problems += [f"body/{name}: not declared" for name in sorted(set(body) - declared)]
        if problems or not isinstance(body, dict):
            return self._claim_refused(problems or ["the body must be a JSON object"])
        with self.lock:
            claim = next((c for c in account.claims if c["id"] == body["id"]), None)
            if claim is None:
                return self._claim_refused([f"claim {body['id']} not found"])
            problem_text = wb_data.answer_problem(claim, body)
            if problem_text:
                return self._claim_refused([problem_text])
            wb_data.apply_answer(claim, body)
            self.stats.bump("claims_answered")
        self.note(claim=body["id"], action=body["action"])
        return Response(status=200)

    def _claim_refused(self, problems: list[str]) -> Response:
        self.stats.bump("contract_rejects")
        self.note(contract=problems)
        body = {"title": "Validation error", "detail": "; ".join(problems)}
        body["requestId"] = wb_data.request_id()
        return json_response(body, 400, "application/json; charset=utf-8")

    def _claim_view(self, claim_id: str) -> Response:
        """A claim with every answer the sandbox applied to it (tests count them)."""
        with self.lock:
            for account in self.accounts.values():
                for claim in account.claims:
                    if claim["id"] == claim_id:
                        return json_response(claim)
        return json_response({"error": f"no claim {claim_id}"}, 404)

    def _set_processing(self, warehouse: int) -> Response:
        seconds = float((request.get_json(silent=True) or {}).get("seconds", 60))
        with self.lock:
            hits = [
                a.warehouses[warehouse] for a in self.accounts.values() if warehouse in a.warehouses
            ]
            for wh in hits:
                wh.processing_until = self.clock.now() + seconds
        if not hits:
            return json_response({"error": "unknown warehouse"}, 404)
        return json_response({"warehouse": warehouse, "sandbox_seconds": seconds})

    # -- checks -------------------------------------------------------------------------------

    def _admit(self, *, claims: bool = False) -> Account | Response:
        """Authenticate and take a token from the account's bucket."""
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        account = self.accounts.get(token)
        if account is None:
            return problem(401, "unauthorized", "token problem; token is malformed or unknown")
        # A token only works on the hosts of its categories («Маркетплейс», «Возвраты»).
        if claims and "returns" not in account.categories:
            return problem(401, "unauthorized", "token scope not allowed for this API route")
        if not claims and "marketplace" not in account.categories:
            return error(403, "AccessDenied", "")
        bucket = account.claims_bucket if claims else account.stocks_bucket
        wait = bucket.take()
        if wait is not None:
            return self._too_many(bucket, wait)
        return account

    def _checked(
        self, method: str, warehouse: str, account: Account
    ) -> tuple[Warehouse, dict[str, Any], set[int]] | Response:
        """Validate path and body against the contract; find the warehouse.

        Amounts over the schema's maximum are not a 400 on WB but a 409 UploadDataLimit; their
        indexes are handed on to the item checks.
        """
        operation = self.contract.operation(method, STOCKS_PATH)
        query = request.args.to_dict(flat=False)
        problems = self.contract.param_errors(operation, {"warehouseId": warehouse}, query)
        if problems:
            return self._rejected("IncorrectParameter", problems)
        body = request.get_json(silent=True)
        over_limit: set[int] = set()
        problems = []
        for violation in self.contract.body_violations(operation, body):
            if violation.validator == "maximum" and violation.path[-1:] == ("amount",):
                over_limit.add(int(violation.path[1]))
            else:
                problems.append(str(violation))
        if not isinstance(body, dict) or problems:
            return self._rejected("IncorrectRequestBody", problems or ["not a JSON object"])
        wh = account.warehouses.get(int(warehouse))
        if wh is None:
            return error(404, "NotFound", "")
        return wh, body, over_limit

    def _rejected(self, code: str, problems: list[str]) -> Response:
        self.stats.bump("contract_rejects")
        self.note(contract=problems)
        return error(400, code, self._message(code))

    def _message(self, code: str) -> str:
        """WB's message for an error code, read from the examples of the OpenAPI file."""
        example = self.contract.example(code)
        if isinstance(example, list) and example:
            example = example[0]
        return str(example.get("message", code)) if isinstance(example, dict) else code

    def _too_many(self, bucket: RateBucket, wait: float) -> Response:
        response = self.rate_limited(wait)
        response.headers["X-Ratelimit-Limit"] = str(int(bucket.capacity))
        response.headers["X-Ratelimit-Reset"] = seconds_header(bucket.reset_after())
        return response

    def rate_limited(self, wait_real: float) -> Response:
        """A WB 429 with `X-Ratelimit-Retry` in real seconds."""
        response = problem(429, "too many requests", f"limited by {uuid.uuid4()}")
        response.headers["X-Ratelimit-Retry"] = seconds_header(wait_real)
        return response

    def error_response(self, status: int, title: str, detail: str = "") -> Response:
        """WB-style problem+json for injected 5xx."""
        return problem(status, title, detail)


def start_in_thread(
    port: int = 0,
    *,
    spec_dir: str | None = None,
    strict_contract: bool = False,
    **options: Any,
) -> SandboxHandle:
    """Serve a Wildberries sandbox on a background thread (tests, demos)."""
    sandbox = WildberriesSandbox(
        SandboxOptions(port=port, **options), spec_dir=spec_dir, strict_contract=strict_contract
    )
    return start_server(sandbox)


if __name__ == "__main__":
    from wms.cli.sandbox import run_module

    run_module("wildberries")
