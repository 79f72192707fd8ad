"""Build the adapter of a marketplace account from its (decrypted) credentials."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from wms.adapters.marketplaces.base import AccountError, Limits, MarketplaceAdapter, Throttle
from wms.adapters.marketplaces.claims import ClaimChannel, WildberriesClaims
from wms.adapters.marketplaces.kaspi import KaspiAdapter, KaspiCredentials
from wms.adapters.marketplaces.ozon import LIMITS as OZON_LIMITS
from wms.adapters.marketplaces.ozon import OzonAdapter, OzonCredentials
from wms.adapters.marketplaces.ozon_claims import CLAIMS_LIMITS as OZON_CLAIMS_LIMITS
from wms.adapters.marketplaces.ozon_claims import OzonClaims
from wms.adapters.marketplaces.wildberries import CLAIMS_LIMITS as WB_CLAIMS_LIMITS
from wms.adapters.marketplaces.wildberries import LIMITS as WB_LIMITS
from wms.adapters.marketplaces.wildberries import WildberriesAdapter, WildberriesCredentials
from wms.domain.returns import Marketplace

#: The credential fields each marketplace needs (stored encrypted, never logged).
CREDENTIAL_FIELDS: dict[Marketplace, tuple[str, ...]] = {
    Marketplace.KASPI: ("token",),
    Marketplace.WILDBERRIES: ("token",),
    Marketplace.OZON: ("client_id", "api_key"),
}
STOCK_LIMITS: dict[Marketplace, Limits] = {
    Marketplace.WILDBERRIES: WB_LIMITS,
    Marketplace.OZON: OZON_LIMITS,
}

#: The limits of the buyer-claim methods (list and answer share them).
CLAIM_LIMITS: dict[Marketplace, Limits] = {
    Marketplace.WILDBERRIES: WB_CLAIMS_LIMITS,
    Marketplace.OZON: OZON_CLAIMS_LIMITS,
}


@dataclass(frozen=True)
class Endpoint:
    """Where a marketplace answers and how fast its clock runs (sandboxes run faster)."""

    base_url: str
    time_scale: float = 1.0
    timeout: float = 30.0


def credential_problems(marketplace: Marketplace, credentials: Mapping[str, object]) -> list[str]:
    """What is missing or malformed in a credentials object (empty when usable)."""
    fields = CREDENTIAL_FIELDS.get(marketplace)
    if fields is None:
        return [f"{marketplace.value} has no API"]
    problems = [f"'{name}' is required" for name in fields if not str(credentials.get(name) or "")]
    extra = sorted(set(credentials) - set(fields))
    if extra:
        problems.append("unknown fields: " + ", ".join(extra))
    return problems


def stock_limits(marketplace: Marketplace, time_scale: float = 1.0) -> Limits | None:
    """The stock-push limits of a marketplace, scaled for a sandbox clock (None: no push API)."""
    limits = STOCK_LIMITS.get(marketplace)
    return limits.scaled(time_scale) if limits is not None else None


def make_adapter(
    marketplace: Marketplace,
    credentials: Mapping[str, str],
    endpoint: Endpoint,
    *,
    throttle: Throttle | None = None,
    client: httpx.Client | None = None,
) -> MarketplaceAdapter:
    """The adapter for one seller account (AccountError when the credentials are unusable)."""
    problems = credential_problems(marketplace, credentials)
    if problems:
        raise AccountError("bad_credentials", "; ".join(problems))
    common: dict[str, Any] = {
        "base_url": endpoint.base_url,
        "timeout": endpoint.timeout,
        "client": client,
    }
    if marketplace is Marketplace.KASPI:
        return KaspiAdapter(KaspiCredentials(credentials["token"]), throttle=throttle, **common)
    limits = stock_limits(marketplace, endpoint.time_scale)
    assert limits is not None
    if marketplace is Marketplace.WILDBERRIES:
        return WildberriesAdapter(
            WildberriesCredentials(credentials["token"]), limits=limits, throttle=throttle, **common
        )
    return OzonAdapter(
        OzonCredentials(credentials["client_id"], credentials["api_key"]),
        limits=limits,
        throttle=throttle,
        **common,
    )


def claim_limits(marketplace: Marketplace, time_scale: float = 1.0) -> Limits | None:
    """The claim methods' limits, scaled for a sandbox clock (None: no claims API)."""
    limits = CLAIM_LIMITS.get(marketplace)
    return limits.scaled(time_scale) if limits is not None else None


def make_claim_channel(
    marketplace: Marketplace,
    credentials: Mapping[str, str],
    endpoint: Endpoint,
    *,
    throttle: Throttle | None = None,
    client: httpx.Client | None = None,
) -> ClaimChannel:
    """The buyer-claims client of one seller account (AccountError when it has none)."""
    problems = credential_problems(marketplace, credentials)
    if problems:
        raise AccountError("bad_credentials", "; ".join(problems))
    limits = claim_limits(marketplace, endpoint.time_scale)
    if limits is None:
        raise AccountError("no_claims_api", f"{marketplace.value} has no claims API")
    common: dict[str, Any] = {
        "base_url": endpoint.base_url,
        "timeout": endpoint.timeout,
        "limits": limits,
        "throttle": throttle,
        "client": client,
    }
    if marketplace is Marketplace.WILDBERRIES:
        return WildberriesClaims(credentials["token"], **common)
    return OzonClaims(credentials["client_id"], credentials["api_key"], **common)
