"""Ozon rFBS return requests (list, get, `/v1/returns/rfbs/action/set`), arbitration of postings
lost in transit, and compensation read from `/v1/returns/list` visual statuses (reference §5.3).

The obsolete `/v2/returns/rfbs/verify|reject|compensate|...` methods are not used.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import httpx

from wms.adapters.marketplaces.base import Limits, PermanentError, Throttle, TransientError
from wms.adapters.marketplaces.claims import ALREADY, APPLIED, decimal_or_none
from wms.adapters.marketplaces.http import HttpApi, json_body, with_retries
from wms.adapters.marketplaces.ozon import BASE_URL, _parse_time, _raise_for_status
from wms.domain.claim_exchange import (
    ClaimAction,
    ClaimAnswer,
    ClaimVerdict,
    ExternalClaim,
    RejectionReason,
)
from wms.domain.returns import Marketplace

# Ozon publishes no per-method limit for these [I]; stay well under its 50 requests/s per seller.
CLAIMS_LIMITS = Limits(max_batch=100, requests_per_minute=60, burst=10)
OPEN_GROUPS = ("New", "Delivering", "Checkout", "Arbitration")
CLOSED_GROUPS = ("Approved", "Rejected")
PAGE = 100
POSTINGS_PER_CALL = 50  # `/v1/returns/list` takes at most 50 posting numbers
# `/v1/returns/list` visual statuses that mean money comes (or came) back to the seller.
COMPENSATION_STATUSES = frozenset(
    {
        "CompensationOffered",
        "OfferedPartialCompensation",
        "WaitingCompensation",
        "ReturnCompensated",
    }
)
COMPENSATED = "ReturnCompensated"
COMPENSATION_LOST = frozenset({"CompensationRejectedBySla", "CompensationRejectedBySeller"})


@dataclass(frozen=True)
class ReturnStatus:
    """A `/v1/returns/list` item's visual status, for tracking compensation."""

    return_id: str
    posting_number: str
    visual_status: str
    changed_at: datetime | None
    compensated: bool  # ReturnCompensated, or a `cancelled_with_compensation_moment`: Ozon paid
    compensated_at: datetime | None = None
    price: Decimal | None = None  # the product's price: what a full compensation is worth


class OzonClaims:
    """rFBS return requests of one seller account."""

    marketplace = Marketplace.OZON

    def __init__(
        self,
        client_id: str,
        api_key: str,
        *,
        base_url: str = BASE_URL,
        timeout: float = 30.0,
        limits: Limits = CLAIMS_LIMITS,
        throttle: Throttle | None = None,
        client: httpx.Client | None = None,
    ) -> None:
        self._limits = limits
        self._api = HttpApi(
            base_url,
            {"Client-Id": client_id, "Api-Key": api_key},
            timeout=timeout,
            throttle=throttle,
            client=client,
        )

    @property
    def limits(self) -> Limits:
        """Our assumed limits (Ozon publishes none for these methods)."""
        return self._limits

    def list_claims(self, *, archived: bool = False) -> Iterator[ExternalClaim]:
        """Open (or closed) return requests, each read in full with `/v2/returns/rfbs/get`."""
        groups = list(CLOSED_GROUPS if archived else OPEN_GROUPS)
        last_id = 0
        while True:
            body = {"filter": {"group_state": groups}, "last_id": last_id, "limit": PAGE}
            page = with_retries(lambda b=body: self._post("/v2/returns/rfbs/list", b))  # type: ignore[misc]
            items = [r for r in page.get("returns") or [] if isinstance(r, dict)]
            for item in items:
                claim = self.get_claim(str(item["return_id"]))
                if claim is not None:
                    yield claim
            if len(items) < PAGE:
                return
            last_id = int(items[-1]["return_id"])

    def get_claim(self, external_id: str) -> ExternalClaim | None:
        """One return request with its actions, rejection reasons and photos."""
        body = {"return_id": int(external_id)}
        try:
            page = with_retries(lambda: self._post("/v2/returns/rfbs/get", body))
        except PermanentError as exc:
            if exc.http_status == 404:
                return None
            raise
        item = page.get("returns")
        return rfbs_claim(item) if isinstance(item, dict) else None

    def answer(self, answer: ClaimAnswer) -> str:
        """`/v1/returns/rfbs/action/set`; a refusal is read back before it counts as one."""
        body: dict[str, Any] = {"return_id": int(answer.external_id), "id": int(answer.action)}
        if answer.comment:
            body["comment"] = answer.comment
        if answer.rejection_reason_id is not None:
            body["rejection_reason_id"] = int(answer.rejection_reason_id)
        if answer.compensation_amount is not None:
            body["compensation_amount"] = _money(answer.compensation_amount)
        if answer.return_for_back_way is not None:
            body["return_for_back_way"] = _money(answer.return_for_back_way)
        response = self._api.send("POST", "/v1/returns/rfbs/action/set", json=body)
        if response.status_code < 300:
            return APPLIED
        if 400 <= response.status_code < 500 and response.status_code not in (401, 403, 429):
            claim = self.get_claim(answer.external_id)
            if claim is not None and not claim.allows(answer.action):
                return ALREADY
        _raise_for_status(response)
        raise PermanentError(f"http_{response.status_code}", "unexpected answer")

    def open_arbitration(self, posting_numbers: Sequence[str]) -> bool:
        """`/v2/posting/fbs/arbitration`: dispute postings handed over but never scanned."""
        body = {"posting_number": list(posting_numbers)}
        return bool(self._post("/v2/posting/fbs/arbitration", body).get("result"))

    def return_statuses(self, posting_numbers: Sequence[str]) -> list[ReturnStatus]:
        """The `/v1/returns/list` visual status of the returns of these postings."""
        found: list[ReturnStatus] = []
        numbers = list(dict.fromkeys(posting_numbers))
        for start in range(0, len(numbers), POSTINGS_PER_CALL):
            part = numbers[start : start + POSTINGS_PER_CALL]
            body = {"filter": {"posting_numbers": part}, "limit": 500, "last_id": 0}
            page = with_retries(lambda b=body: self._post("/v1/returns/list", b))  # type: ignore[misc]
            for item in page.get("returns") or []:
                found.append(return_status(item))
        return found

    def close(self) -> None:
        """Close the HTTP connections."""
        self._api.close()

    def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = self._api.send("POST", path, json=body)
        _raise_for_status(response)
        payload = json_body(response)
        if not isinstance(payload, dict):
            raise TransientError("bad_body", f"{path}: answer is not a JSON object")
        return payload


def return_status(item: dict[str, Any]) -> ReturnStatus:
    """A `/v1/returns/list` item's compensation facts."""
    visual = item.get("visual") or {}
    name = str((visual.get("status") or {}).get("sys_name") or "")
    paid_at = _parse_time((item.get("logistic") or {}).get("cancelled_with_compensation_moment"))
    return ReturnStatus(
        return_id=str(item.get("id")),
        posting_number=str(item.get("posting_number", "")),
        visual_status=name,
        changed_at=_parse_time(visual.get("change_moment")),
        compensated=name == COMPENSATED or paid_at is not None,
        compensated_at=paid_at,
        price=decimal_or_none((item.get("product") or {}).get("price")),
    )


def rfbs_claim(item: dict[str, Any]) -> ExternalClaim:
    """A `/v2/returns/rfbs/get` `returns` object as an external claim."""
    product = item.get("product") or {}
    state = item.get("state") or {}
    group = str(state.get("group_state") or "")
    verdict = {"Approved": ClaimVerdict.APPROVED, "Rejected": ClaimVerdict.REJECTED}.get(
        group, ClaimVerdict.PENDING
    )
    reason = item.get("return_reason") or {}
    return ExternalClaim(
        marketplace=Marketplace.OZON,
        external_id=str(item["return_id"]),
        order_code=str(item.get("posting_number") or item.get("order_number") or ""),
        sku=str(product.get("offer_id", "")),
        status=str(state.get("state") or group),
        verdict=verdict,
        actions=tuple(
            ClaimAction(str(a.get("id")), str(a.get("name", "")))
            for a in item.get("available_actions") or []
        ),
        rejection_reasons=tuple(
            RejectionReason(
                str(r.get("id")),
                str(r.get("name", "")),
                str(r.get("hint", "")),
                bool(r.get("is_comment_required")),
            )
            for r in item.get("rejection_reason") or []
        ),
        product_name=product.get("name") or None,
        buyer_comment=item.get("comment") or None,
        marketplace_comment=item.get("rejection_comment") or None,
        photos=tuple(str(p) for p in item.get("client_photo") or []),
        price=decimal_or_none(product.get("price")),
        currency=str(product.get("currency_code") or ""),
        created_at=_parse_time(item.get("created_at")),
        archived=group in CLOSED_GROUPS,
        goods_to_seller=group == "Delivering",
        extra={
            "return_number": str(item.get("return_number", "")),
            "reason": str(reason.get("name", "")),
            "is_defect": str(bool(reason.get("is_defect"))).lower(),
        },
    )


def _money(amount: Decimal) -> float:
    # The schema says number/double: Ozon takes tenge/roubles with kopecks, 2 places exactly.
    return float(amount.quantize(Decimal("0.01")))
