"""The sync round's third lane: writes to marketplaces (`marketplace_writes.TOPICS`).

Rows are grouped by seller account; each account sends in order through its own token bucket
(the marketplace's published limits, scaled for sandboxes), accounts run side by side. A write
is idempotent at the adapter (a refusal is read back: "already" counts as done), so a row whose
answer was lost is simply sent again. Nothing here touches the database while a request is on
the wire.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

import httpx
import sqlalchemy as sa

from wms.adapters.marketplaces.base import (
    AccountError,
    Limits,
    MarketplaceError,
    PermanentError,
    TransientError,
)
from wms.adapters.marketplaces.claims import ClaimChannel
from wms.adapters.marketplaces.factory import CLAIM_LIMITS
from wms.adapters.marketplaces.kaspi import WRITE_LIMITS as KASPI_WRITE_LIMITS
from wms.adapters.marketplaces.kaspi import KaspiAdapter, KaspiCredentials
from wms.adapters.marketplaces.throttle import TokenBucket
from wms.db.models import MarketplaceAccount
from wms.db.session import Database
from wms.domain.claim_exchange import ClaimAnswer
from wms.domain.returns import Marketplace
from wms.services.accounts_marketplace import (
    claim_channel_for,
    credentials_of,
    enabled,
    endpoint_for,
)
from wms.services.crypto import SecretBox
from wms.services.marketplace_writes import CLAIM_ANSWER, KASPI_ARRIVED
from wms.services.sync.outbox import ClaimedRow
from wms.settings import Settings

log = logging.getLogger(__name__)

WRITE_LIMITS: dict[Marketplace, Limits] = {Marketplace.KASPI: KASPI_WRITE_LIMITS, **CLAIM_LIMITS}


DISABLED_RECHECK = 600.0  # seconds before a row of a switched-off marketplace is looked at again


class Outcome(StrEnum):
    """What became of one write."""

    DONE = "done"
    RETRY = "retry"
    PARK = "park"
    WAIT = "wait"  # not attempted: released untouched (after `retry_after` if given)


@dataclass(frozen=True)
class Result:
    """One row's outcome, with what to show and when to try again."""

    outcome: Outcome
    note: str = ""
    retry_after: float | None = None


@dataclass
class _Account:
    """An account's clients and token bucket, kept across rounds."""

    fingerprint: tuple[Any, ...]
    bucket: TokenBucket
    kaspi: KaspiAdapter | None = None
    claims: ClaimChannel | None = None

    def close(self) -> None:
        for client in (self.kaspi, self.claims):
            if client is not None:
                client.close()


class WriteLane:
    """Send the write rows of a round, account by account."""

    def __init__(
        self, settings: Settings, box: SecretBox, client: httpx.Client, threads: int = 4
    ) -> None:
        self.settings = settings
        self.box = box
        self.client = client
        self.threads = threads
        self.accounts: dict[int, _Account] = {}
        self.sent: dict[str, int] = defaultdict(int)  # applied / already / skipped, for tests

    def deliver(
        self, db: Database, rows: Sequence[ClaimedRow], deadline: float
    ) -> list[tuple[ClaimedRow, Result]]:
        """Send every row before `deadline` (monotonic); one result per row."""
        groups: dict[int, list[ClaimedRow]] = defaultdict(list)
        results: list[tuple[ClaimedRow, Result]] = []
        with db.reading() as session:
            for row in rows:
                account = self._account_of(session, row)
                if isinstance(account, Result):
                    results.append((row, account))
                else:
                    groups[account].append(row)
            accounts = {
                a.id: a
                for a in session.execute(
                    sa.select(MarketplaceAccount).where(MarketplaceAccount.id.in_(list(groups)))
                ).scalars()
            }
            prepared = {i: self._prepare(accounts[i]) for i in groups}
        if not groups:
            return results

        def one(account_id: int) -> list[tuple[ClaimedRow, Result]]:
            state = prepared[account_id]
            if isinstance(state, Result):
                return [(row, state) for row in groups[account_id]]
            return [(row, self._send(state, row, deadline)) for row in groups[account_id]]

        with ThreadPoolExecutor(min(self.threads, len(groups)), thread_name_prefix="mpw") as pool:
            for part in pool.map(one, list(groups)):
                results += part
        return results

    def close(self) -> None:
        """Close every account's HTTP clients."""
        for state in self.accounts.values():
            state.close()
        self.accounts.clear()

    # -- steps --------------------------------------------------------------------------------

    def _account_of(self, session: Any, row: ClaimedRow) -> int | Result:
        """The account a row goes out through (a Result when there is none)."""
        if row.topic == CLAIM_ANSWER:
            return int(row.payload["account_id"])
        if row.topic == KASPI_ARRIVED:
            found = session.execute(
                sa.select(MarketplaceAccount.id)
                .where(
                    MarketplaceAccount.merchant_id == row.payload.get("merchant_id"),
                    MarketplaceAccount.marketplace == Marketplace.KASPI,
                    MarketplaceAccount.active,
                )
                .order_by(MarketplaceAccount.id)
                .limit(1)
            ).scalar_one_or_none()
            if found is None:
                return Result(Outcome.PARK, "the merchant has no active Kaspi account")
            return int(found)
        return Result(Outcome.PARK, f"unknown write topic {row.topic}")

    def _prepare(self, account: MarketplaceAccount) -> _Account | Result:
        """The account's clients, built once and rebuilt when its credentials change."""
        fingerprint = (account.credentials_enc, repr(sorted((account.settings or {}).items())))
        state = self.accounts.get(account.id)
        if state is not None and state.fingerprint == fingerprint:
            return state
        if state is not None:
            state.close()
        if not account.active:
            return Result(Outcome.PARK, f"account {account.name} is not active")
        if not enabled(self.settings, account.marketplace):
            note = f"{account.marketplace.value} is switched off in the settings"
            return Result(Outcome.WAIT, note, DISABLED_RECHECK)
        endpoint = endpoint_for(account, self.settings)
        limits = WRITE_LIMITS[account.marketplace].scaled(endpoint.time_scale)
        bucket = TokenBucket(limits.rate_per_second * self.settings.sync.rate_safety, limits.burst)
        state = _Account(fingerprint, bucket)
        try:
            if account.marketplace is Marketplace.KASPI:
                token = credentials_of(account, self.box).get("token", "")
                state.kaspi = KaspiAdapter(
                    KaspiCredentials(token),
                    base_url=endpoint.base_url,
                    timeout=endpoint.timeout,
                    throttle=bucket,
                    client=self.client,
                )
            else:
                state.claims = claim_channel_for(
                    account, self.settings, self.box, throttle=bucket, client=self.client
                )
        except (ValueError, AccountError) as exc:
            return Result(Outcome.PARK, f"credentials unusable: {exc}")
        self.accounts[account.id] = state
        return state

    def _send(self, state: _Account, row: ClaimedRow, deadline: float) -> Result:
        """One write; errors become a Result (a bug is logged and retried, never fatal)."""
        # The row's claim must outlast the request: the bucket's wait counts too.
        wait = max(-state.bucket.tokens, 0.0) / state.bucket.rate
        if time.monotonic() + wait > deadline:
            return Result(Outcome.WAIT, "waiting for the marketplace's rate limit")
        try:
            what = self._call(state, row)
        except TransientError as exc:
            if exc.code in ("TooManyRequests", "rate_limited", "http_429") and exc.retry_after:
                state.bucket.pause(exc.retry_after)
            return Result(Outcome.RETRY, _text(exc), exc.retry_after)
        except AccountError as exc:
            return Result(Outcome.RETRY, f"account refused: {_text(exc)}", 60.0)
        except PermanentError as exc:
            return Result(Outcome.PARK, _text(exc))
        except MarketplaceError as exc:
            return Result(Outcome.RETRY, _text(exc))
        except Exception as exc:  # a bug: keep the worker alive, the row retries later
            log.exception("marketplace write %s failed", row.key)
            return Result(Outcome.RETRY, f"internal: {exc!r}")
        self.sent[what.split(":")[0]] += 1
        log.info("%s %s: %s", row.topic, row.key, what)
        return Result(Outcome.DONE, what)

    def _call(self, state: _Account, row: ClaimedRow) -> str:
        payload = row.payload
        if row.topic == KASPI_ARRIVED:
            assert state.kaspi is not None
            ordered = payload.get("ordered_at")
            return state.kaspi.mark_arrived_backward(
                str(payload["order_id"]),
                str(payload["code"]),
                datetime.fromisoformat(ordered) if ordered else None,
            )
        if state.claims is None:
            raise PermanentError("wrong_account", "this account takes no claim answers")
        answer = ClaimAnswer.from_payload(payload)
        if answer.marketplace is not state.claims.marketplace:
            raise PermanentError("wrong_account", "the answer names another marketplace")
        return state.claims.answer(answer)


def _text(exc: MarketplaceError) -> str:
    status = f"HTTP {exc.http_status} " if exc.http_status else ""
    return f"{status}{exc.code}: {exc.message}".strip(": ")
