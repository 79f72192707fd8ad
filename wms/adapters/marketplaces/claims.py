"""Buyer claims on the marketplaces: read them, answer them (reference §5.2, §5.3).

`ClaimChannel` is what the claims import and the worker's answer lane need; Wildberries
(`WildberriesClaims`, returns-api) implements it here, Ozon (`OzonClaims`, rFBS return requests)
in `ozon_claims`. An answer returns "applied", or "already" when the marketplace refused it
because the claim no longer offers that action (an earlier attempt whose answer was lost got
through, or someone answered in the cabinet): a retried answer is never sent twice.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol, runtime_checkable

import httpx

from wms.adapters.marketplaces.base import Limits, PermanentError, Throttle, TransientError
from wms.adapters.marketplaces.http import HttpApi, json_body, with_retries
from wms.adapters.marketplaces.wildberries import (
    CLAIM_GOODS_TO_SELLER,
    CLAIMS_LIMITS,
    RETURNS_URL,
    _msk,
    _raise_for_status,
)
from wms.domain.claim_exchange import ClaimAction, ClaimAnswer, ExternalClaim, wb_verdict
from wms.domain.returns import Marketplace

APPLIED, ALREADY = "applied", "already"
WB_PAGE = 200  # `limit` ≤ 200


@runtime_checkable
class ClaimChannel(Protocol):
    """A marketplace's buyer claims: list, read one, answer."""

    @property
    def marketplace(self) -> Marketplace:
        """Which marketplace."""
        ...

    @property
    def limits(self) -> Limits:
        """The published limits of the claim methods."""
        ...

    def list_claims(self, *, archived: bool = False) -> Iterator[ExternalClaim]:
        """Every claim the marketplace still shows (open, or archived)."""
        ...

    def get_claim(self, external_id: str) -> ExternalClaim | None:
        """One claim by id (None when the marketplace no longer shows it)."""
        ...

    def answer(self, answer: ClaimAnswer) -> str:
        """Send an answer; "applied" or "already" (see the module docstring)."""
        ...

    def close(self) -> None:
        """Release the HTTP connections."""
        ...


class WildberriesClaims:
    """`GET /api/v1/claims` and `PATCH /api/v1/claim` on returns-api (20/min, burst 10)."""

    marketplace = Marketplace.WILDBERRIES

    def __init__(
        self,
        token: str,
        *,
        base_url: str = RETURNS_URL,
        timeout: float = 30.0,
        limits: Limits = CLAIMS_LIMITS,
        throttle: Throttle | None = None,
        client: httpx.Client | None = None,
        page_size: int = WB_PAGE,
    ) -> None:
        if not 1 <= page_size <= WB_PAGE:
            raise ValueError(f"page_size must be 1..{WB_PAGE}")
        self._limits = limits
        self._page_size = page_size
        self._api = HttpApi(
            base_url, {"Authorization": token}, timeout=timeout, throttle=throttle, client=client
        )

    @property
    def limits(self) -> Limits:
        """20 requests a minute, burst 10 (shared by the list and the answer)."""
        return self._limits

    def list_claims(self, *, archived: bool = False) -> Iterator[ExternalClaim]:
        """Every claim of the last 14 days in one archive state, paging by offset."""
        offset = 0
        while True:
            page = with_retries(lambda o=offset: self._page(archived, o))  # type: ignore[misc]
            claims = [c for c in page.get("claims") or [] if isinstance(c, dict)]
            for claim in claims:
                yield wb_claim(claim, archived=archived)
            offset += len(claims)
            if not claims or offset >= int(page.get("total", 0)):
                return

    def get_claim(self, external_id: str) -> ExternalClaim | None:
        """The claim with this id, open or archived."""
        for archived in (False, True):
            params = {"is_archive": _flag(archived), "id": external_id}
            page = with_retries(lambda p=params: self._get(p))  # type: ignore[misc]
            for claim in page.get("claims") or []:
                if isinstance(claim, dict) and str(claim.get("id")) == external_id:
                    return wb_claim(claim, archived=archived)
        return None

    def answer(self, answer: ClaimAnswer) -> str:
        """PATCH the claim; a 400 is read back before it counts as a refusal."""
        body: dict[str, Any] = {"id": answer.external_id, "action": answer.action}
        if answer.comment:
            body["comment"] = answer.comment
        response = self._api.send("PATCH", "/api/v1/claim", json=body)
        if response.status_code < 300:
            return APPLIED
        if response.status_code == 400:
            claim = self.get_claim(answer.external_id)
            # WB empties `actions` once a claim is answered: an open claim refused us for real.
            if claim is not None and not claim.answerable:
                return ALREADY
        _raise_for_status(response)
        raise PermanentError(f"http_{response.status_code}", "unexpected answer")

    def close(self) -> None:
        """Close the HTTP connections."""
        self._api.close()

    def _page(self, archived: bool, offset: int) -> dict[str, Any]:
        params = {"is_archive": _flag(archived), "limit": self._page_size, "offset": offset}
        return self._get(params)

    def _get(self, params: dict[str, Any]) -> dict[str, Any]:
        response = self._api.send("GET", "/api/v1/claims", params=params)
        _raise_for_status(response)
        payload = json_body(response)
        if not isinstance(payload, dict):
            raise TransientError("bad_body", "claims answer is not a JSON object")
        return payload


def wb_claim(claim: dict[str, Any], *, archived: bool) -> ExternalClaim:
    """One `claims[]` item of `GET /api/v1/claims` as an external claim."""
    status, status_ex = _int_or_none(claim.get("status")), _int_or_none(claim.get("status_ex"))
    return ExternalClaim(
        marketplace=Marketplace.WILDBERRIES,
        external_id=str(claim["id"]),
        order_code=str(claim.get("srid") or claim["id"]),
        sku=str(claim.get("nm_id", "")),
        status=f"status={status},status_ex={status_ex}",
        verdict=wb_verdict(status, status_ex),
        actions=tuple(ClaimAction(str(a)) for a in claim.get("actions") or []),
        product_name=claim.get("imt_name") or None,
        buyer_comment=claim.get("user_comment") or None,
        marketplace_comment=claim.get("wb_comment") or None,
        photos=tuple(str(p) for p in claim.get("photos") or []),
        videos=tuple(str(v) for v in claim.get("video_paths") or []),
        price=decimal_or_none(claim.get("price")),
        currency=str(claim.get("currency_code") or ""),
        created_at=_msk(claim.get("dt")),
        updated_at=_msk(claim.get("dt_update")),
        archived=archived,
        goods_to_seller=status_ex in CLAIM_GOODS_TO_SELLER,
        extra={"claim_type": str(claim.get("claim_type", "")), "status_ex": str(status_ex)},
    )


def decimal_or_none(value: Any) -> Decimal | None:
    """An exact amount from a JSON number or string (None when absent or malformed)."""
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _flag(value: bool) -> str:
    return "true" if value else "false"
