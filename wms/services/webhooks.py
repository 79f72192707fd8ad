"""Merchant webhooks: HMAC-signed JSON POSTs for `merchant.*` outbox rows.

Headers: `X-WMS-Event` (topic), `X-WMS-Delivery` (outbox id: the receiver's idempotency key,
deliveries are at least once), `X-WMS-Timestamp` (unix seconds) and
`X-WMS-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">` keyed with the merchant's
secret. Receivers should refuse timestamps older than a few minutes (replays).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

import httpx
import sqlalchemy as sa
from sqlalchemy.orm import Session

from wms.adapters.marketplaces.http import retry_after
from wms.db.models import Merchant
from wms.domain.errors import NotFound
from wms.services.accounts_marketplace import PlainInputError
from wms.services.crypto import SecretBox
from wms.services.sync.outbox import ClaimedRow
from wms.services.uow import Actor, UnitOfWork

USER_AGENT = "returns-wms-webhooks/1"
RETRY_STATUSES = frozenset({408, 429})
MAX_ERROR_BODY = 200


class Outcome(StrEnum):
    """How a delivery ended."""

    DELIVERED = "delivered"
    NOTHING_TO_SEND = "nothing_to_send"
    RETRY = "retry"
    PERMANENT = "permanent"


@dataclass(frozen=True)
class Delivery:
    """A signed request ready to send."""

    url: str
    body: bytes
    headers: dict[str, str]


@dataclass(frozen=True)
class Result:
    """The outcome of one webhook row."""

    outcome: Outcome
    error: str | None = None
    retry_after: float | None = None


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The `X-WMS-Signature` value."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(
    secret: str, timestamp: str, body: bytes, signature: str, *, now: float, tolerance: float = 300
) -> bool:
    """Check a signature and the timestamp's freshness (for receivers and tests)."""
    try:
        fresh = abs(now - float(timestamp)) <= tolerance
    except ValueError:
        return False
    return fresh and hmac.compare_digest(sign(secret, timestamp, body), signature)


def prepare(session: Session, box: SecretBox, row: ClaimedRow, now: datetime) -> Delivery | Result:
    """The signed request for a row, or the result when there is nothing to send."""
    merchant = session.get(Merchant, int(row.payload.get("merchant_id") or 0))
    if merchant is None or not merchant.webhook_url:
        return Result(Outcome.NOTHING_TO_SEND)
    if not merchant.webhook_secret_enc:
        return Result(Outcome.PERMANENT, "the merchant has a webhook URL but no secret")
    try:
        secret = box.decrypt(merchant.webhook_secret_enc)
    except ValueError as exc:
        return Result(Outcome.PERMANENT, str(exc))
    timestamp = str(int(now.timestamp()))
    document = {
        "id": row.id,
        "event": row.topic,
        "merchant": merchant.code,
        "sent_at": now.isoformat(),
        "data": row.payload,
    }
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-WMS-Event": row.topic,
        "X-WMS-Delivery": str(row.id),
        "X-WMS-Timestamp": timestamp,
        "X-WMS-Signature": sign(secret, timestamp, body),
    }
    return Delivery(merchant.webhook_url, body, headers)


def send(client: httpx.Client, delivery: Delivery, timeout: float) -> Result:
    """POST once: 2xx delivered, 4xx (but 408/429) permanent, anything else retried."""
    try:
        response = client.post(
            delivery.url, content=delivery.body, headers=delivery.headers, timeout=timeout
        )
    except httpx.TimeoutException:
        return Result(Outcome.RETRY, f"no answer within {timeout} s")
    except httpx.HTTPError as exc:
        return Result(Outcome.RETRY, f"connection failed: {type(exc).__name__}")
    status = response.status_code
    if 200 <= status < 300:
        return Result(Outcome.DELIVERED)
    text = f"HTTP {status}: {response.text[:MAX_ERROR_BODY]}".strip()
    if status in RETRY_STATUSES or status >= 500:
        return Result(Outcome.RETRY, text, retry_after(response))
    return Result(Outcome.PERMANENT, text)


def configure(
    uow: UnitOfWork, actor: Actor, box: SecretBox, merchant_code: str, url: str | None
) -> str | None:
    """Set (or clear) a merchant's webhook URL with a fresh secret; returns the secret."""
    merchant = uow.session.execute(
        sa.select(Merchant).where(Merchant.code == merchant_code)
    ).scalar_one_or_none()
    if merchant is None or not actor.may_access(merchant.id):
        raise NotFound("merchant.not_found", merchant=merchant_code)
    if url is None:
        merchant.webhook_url = None
        merchant.webhook_secret_enc = None
        uow.audit("merchant", merchant.id, "webhook_cleared", actor)
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 500:
        raise PlainInputError(f"webhook URL {url!r}: use an absolute http(s) URL")
    secret = secrets.token_hex(32)
    merchant.webhook_url = url
    merchant.webhook_secret_enc = box.encrypt(secret)
    uow.audit("merchant", merchant.id, "webhook_set", actor, url=url)
    return secret


def describe(result: Result) -> dict[str, Any]:
    """A result as JSON-ready data (worker logs)."""
    return {"outcome": result.outcome.value, "error": result.error}
