"""Marketplace accounts: credentials encrypted at rest, the secret Kaspi feed URL, adapters."""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Mapping
from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy.orm import Session

from wms.adapters.marketplaces.base import AccountError, MarketplaceAdapter, Throttle
from wms.adapters.marketplaces.claims import ClaimChannel
from wms.adapters.marketplaces.factory import (
    Endpoint,
    credential_problems,
    make_adapter,
    make_claim_channel,
)
from wms.db.models import MarketplaceAccount, Merchant
from wms.domain.errors import Conflict, InvalidInput, NotFound
from wms.domain.returns import Marketplace
from wms.services.crypto import SecretBox
from wms.services.uow import Actor, UnitOfWork
from wms.settings import MarketplaceEndpoint, Settings

FEED_PATH = "/feeds/kaspi/{token}.xml"
NAME_PATTERN = re.compile(r"^[\w .\-]{1,100}$")
#: Non-secret settings an account of each marketplace needs.
REQUIRED_SETTINGS: dict[Marketplace, tuple[str, ...]] = {Marketplace.KASPI: ("merchant_id",)}


class PlainInputError(InvalidInput):
    """Bad admin input (accounts, offers), with a plain message (admin tooling, English only)."""

    def __init__(self, message: str) -> None:
        self.text = message
        super().__init__("account.invalid")

    def render(self, language: str) -> str:
        """The message, whatever the language."""
        return self.text

    def prompt(self) -> dict[str, str]:
        """The message in every language slot."""
        return dict.fromkeys(("ru", "en", "kk"), self.text)


def hash_feed_token(token: str) -> str:
    """SHA-256 of a feed token (only the hash is stored)."""
    return hashlib.sha256(token.encode()).hexdigest()


def feed_url(public_url: str, token: str) -> str:
    """The URL Kaspi pulls the price list from."""
    return public_url.rstrip("/") + FEED_PATH.format(token=token)


def create_account(
    uow: UnitOfWork,
    actor: Actor,
    box: SecretBox,
    merchant_code: str,
    marketplace: Marketplace,
    name: str,
    credentials: Mapping[str, Any],
    settings: Mapping[str, Any] | None = None,
) -> MarketplaceAccount:
    """Register a merchant's account on a marketplace; credentials are encrypted before storing."""
    session = uow.session
    merchant = session.execute(
        sa.select(Merchant).where(Merchant.code == merchant_code)
    ).scalar_one_or_none()
    if merchant is None or not actor.may_access(merchant.id):
        raise NotFound("merchant.not_found", merchant=merchant_code)
    _check_account(marketplace, name, credentials, settings or {})
    taken = session.execute(
        sa.select(MarketplaceAccount.id).where(
            MarketplaceAccount.merchant_id == merchant.id,
            MarketplaceAccount.marketplace == marketplace,
            MarketplaceAccount.name == name,
        )
    ).first()
    if taken:
        raise Conflict("account.exists", what="marketplace account", value=name)
    account = MarketplaceAccount(
        merchant_id=merchant.id,
        marketplace=marketplace,
        name=name,
        credentials_enc=box.encrypt_json({k: str(v) for k, v in credentials.items()}),
        settings=dict(settings or {}),
        created_at=uow.now(),
    )
    session.add(account)
    session.flush()
    uow.audit("marketplace_account", account.id, "create", actor, marketplace=marketplace.value)
    return account


def _check_account(
    marketplace: Marketplace,
    name: str,
    credentials: Mapping[str, Any],
    settings: Mapping[str, Any],
) -> None:
    if not NAME_PATTERN.match(name):
        raise PlainInputError(f"account name {name!r}: 1-100 letters, digits, ' ', '.', '-'")
    problems = credential_problems(marketplace, credentials)
    missing = [key for key in REQUIRED_SETTINGS.get(marketplace, ()) if not settings.get(key)]
    problems += [f"setting '{key}' is required" for key in missing]
    if problems:
        raise PlainInputError(f"{marketplace.value} account: " + "; ".join(problems))


def find_account(session: Session, ref: str) -> MarketplaceAccount:
    """An account by id, or by `MERCHANT:NAME` (unique across that merchant's marketplaces)."""
    if ref.isdigit():
        account = session.get(MarketplaceAccount, int(ref))
        if account is None:
            raise PlainInputError(f"no marketplace account with id {ref}")
        return account
    merchant_code, _, name = ref.partition(":")
    found = list(
        session.execute(
            sa.select(MarketplaceAccount)
            .join(Merchant, Merchant.id == MarketplaceAccount.merchant_id)
            .where(Merchant.code == merchant_code, MarketplaceAccount.name == name)
        ).scalars()
    )
    if len(found) != 1:
        what = "no" if not found else "more than one"
        raise PlainInputError(f"{what} marketplace account {ref!r}; use the id or MERCHANT:NAME")
    return found[0]


def rotate_feed_token(uow: UnitOfWork, actor: Actor, ref: str) -> tuple[MarketplaceAccount, str]:
    """Give a Kaspi account a new secret feed token (the old URL stops working)."""
    account = find_account(uow.session, ref)
    if account.marketplace is not Marketplace.KASPI:
        raise PlainInputError("only Kaspi accounts have a price-list feed")
    token = secrets.token_urlsafe(32)
    set_feed_token(uow, account, token)
    uow.audit("marketplace_account", account.id, "rotate_feed_token", actor)
    return account, token


def set_feed_token(uow: UnitOfWork, account: MarketplaceAccount, token: str) -> None:
    """Store the hash of a feed token."""
    account.feed_token_hash = hash_feed_token(token)
    uow.session.flush()


def account_by_feed_token(session: Session, token: str) -> MarketplaceAccount | None:
    """The active Kaspi account whose feed token this is."""
    if not token or len(token) > 200:
        return None
    account = session.execute(
        sa.select(MarketplaceAccount).where(
            MarketplaceAccount.feed_token_hash == hash_feed_token(token)
        )
    ).scalar_one_or_none()
    if account is None or not account.active or account.marketplace is not Marketplace.KASPI:
        return None
    return account


def credentials_of(account: MarketplaceAccount, box: SecretBox) -> dict[str, str]:
    """The decrypted credentials of an account (ValueError when they cannot be read)."""
    if not account.credentials_enc:
        raise ValueError(f"account {account.id} has no credentials")
    return {k: str(v) for k, v in box.decrypt_json(account.credentials_enc).items()}


def endpoint_settings(settings: Settings, marketplace: Marketplace) -> MarketplaceEndpoint | None:
    """The configured endpoint of a marketplace (None for marketplaces without an API)."""
    endpoints = settings.marketplaces
    return {
        Marketplace.KASPI: endpoints.kaspi,
        Marketplace.WILDBERRIES: endpoints.wildberries,
        Marketplace.OZON: endpoints.ozon,
    }.get(marketplace)


def endpoint_for(account: MarketplaceAccount, settings: Settings) -> Endpoint:
    """Where this account's marketplace answers; an account may override the base URL."""
    configured = endpoint_settings(settings, account.marketplace)
    base_url = str((account.settings or {}).get("base_url") or (configured and configured.base_url))
    return Endpoint(
        base_url=base_url,
        time_scale=configured.time_scale if configured else 1.0,
        timeout=settings.sync.http_timeout_seconds,
    )


def enabled(settings: Settings, marketplace: Marketplace) -> bool:
    """Whether the WMS talks to this marketplace at all."""
    configured = endpoint_settings(settings, marketplace)
    return bool(configured and configured.enabled and configured.base_url)


def adapter_for(
    account: MarketplaceAccount,
    settings: Settings,
    box: SecretBox,
    *,
    throttle: Throttle | None = None,
    client: httpx.Client | None = None,
) -> MarketplaceAdapter:
    """The adapter of an account (AccountError when its credentials cannot be used)."""
    try:
        creds = credentials_of(account, box)
    except ValueError as exc:
        raise AccountError("credentials_unreadable", str(exc)) from exc
    return make_adapter(
        account.marketplace,
        creds,
        endpoint_for(account, settings),
        throttle=throttle,
        client=client,
    )


def claim_channel_for(
    account: MarketplaceAccount,
    settings: Settings,
    box: SecretBox,
    *,
    throttle: Throttle | None = None,
    client: httpx.Client | None = None,
) -> ClaimChannel:
    """The buyer-claims client of a WB or Ozon account (AccountError when unusable)."""
    try:
        creds = credentials_of(account, box)
    except ValueError as exc:
        raise AccountError("credentials_unreadable", str(exc)) from exc
    endpoint = endpoint_for(account, settings)
    return make_claim_channel(
        account.marketplace, creds, endpoint, throttle=throttle, client=client
    )


def describe(account: MarketplaceAccount, merchant_code: str) -> dict[str, Any]:
    """An account as JSON-ready data, without secrets."""
    return {
        "id": account.id,
        "merchant": merchant_code,
        "marketplace": account.marketplace.value,
        "name": account.name,
        "settings": json.loads(json.dumps(account.settings or {})),
        "active": account.active,
        "has_feed": bool(account.feed_token_hash),
    }


def list_accounts(session: Session) -> list[dict[str, Any]]:
    """Every marketplace account with its merchant."""
    rows = session.execute(
        sa.select(MarketplaceAccount, Merchant.code)
        .join(Merchant, Merchant.id == MarketplaceAccount.merchant_id)
        .order_by(Merchant.code, MarketplaceAccount.marketplace, MarketplaceAccount.name)
    ).all()
    return [describe(account, code) for account, code in rows]
