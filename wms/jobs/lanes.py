"""The two kinds of work a sync round fans out to threads: an account's stock pushes and the
merchant webhooks. Each lane talks HTTP with no database lock held: it leases, sends, then
records in short transactions of its own.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

import httpx

from wms import metrics
from wms.adapters.marketplaces.base import (
    AccountError,
    ItemResult,
    ItemStatus,
    StockChannel,
    StockUpdate,
    TransientError,
    chunked,
)
from wms.adapters.marketplaces.factory import stock_limits
from wms.adapters.marketplaces.throttle import TokenBucket
from wms.db.models import MarketplaceAccount
from wms.db.session import Database
from wms.services import webhooks
from wms.services.accounts_marketplace import adapter_for, endpoint_for
from wms.services.crypto import SecretBox
from wms.services.sync import leases
from wms.services.sync.outbox import ClaimedRow
from wms.services.sync.plan import PushItem
from wms.services.uow import execute
from wms.settings import Settings

log = logging.getLogger(__name__)

RATE_LIMIT_CODES = frozenset({"TooManyRequests", "rate_limited", "http_429"})
UNKNOWN_OUTCOME = frozenset({"timeout", "connection"})  # the request may still arrive


class Status(StrEnum):
    """What became of one offer in a round."""

    OK = "ok"
    SUPERSEDED = "superseded"  # another push already delivered this version or a newer one
    TRANSIENT = "transient"
    PERMANENT = "permanent"
    BUSY = "busy"  # another worker holds the offer's lease
    PAUSED = "paused"  # the account is paused


@dataclass(frozen=True)
class Outcome:
    """One offer's fate, for settling its key's outbox rows."""

    item: PushItem
    status: Status
    error: str | None = None
    retry_after: float | None = None
    until: datetime | None = None


@dataclass
class _Record:
    """What one batch tells the database: confirmed pushes, leases to free or to hold."""

    confirmed: list[leases.Confirmed] = field(default_factory=list)
    release: list[int] = field(default_factory=list)
    hold: list[int] = field(default_factory=list)


class GuardedThrottle:
    """The account's token bucket, one token paid in advance, and a lease deadline.

    The first request of a batch uses the pre-paid token (taken before the lease, so waiting for
    the bucket never eats into the lease); a later request (a WB 409 resend) refuses to start when
    the lease could end before its answer, so a push never outlives its lease.
    """

    def __init__(self, bucket: TokenBucket) -> None:
        self.bucket = bucket
        self.prepaid = 0.0
        self.deadline: float | None = None

    def arm(self, deadline: float) -> None:
        """A new batch: one token already taken, requests must start before `deadline`."""
        self.prepaid, self.deadline = 1.0, deadline

    def disarm(self) -> None:
        """Between batches."""
        self.prepaid, self.deadline = 0.0, None

    def acquire(self, cost: float = 1.0) -> None:
        """Take `cost` tokens (pre-paid first); refuse once the deadline has passed."""
        if self.prepaid >= cost:
            self.prepaid -= cost
        else:
            self.bucket.acquire(cost)
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise TransientError("lease_expired", "the offer lease would end before an answer")

    def penalize(self, cost: float) -> None:
        """Charge extra requests to the bucket."""
        self.bucket.penalize(cost)


class AccountLane:
    """Pushes of one marketplace account: adapter, token bucket and the batch loop."""

    def __init__(
        self,
        account: MarketplaceAccount,
        settings: Settings,
        box: SecretBox,
        client: httpx.Client,
    ) -> None:
        self.account_id = account.id
        self.marketplace = account.marketplace.value
        self.label = f"{account.marketplace.value} account {account.id} ({account.name})"
        self.fingerprint = fingerprint(account)
        self.settings = settings
        self.adapter: StockChannel | None = None
        self.build_error: AccountError | None = None
        limits = stock_limits(account.marketplace, endpoint_for(account, settings).time_scale)
        if limits is None:
            raise ValueError(f"{self.label}: this marketplace takes no stock pushes")
        # Full burst, a little under the sustained rate: the marketplace counts arrivals.
        self.bucket = TokenBucket(limits.rate_per_second * settings.sync.rate_safety, limits.burst)
        self.guard = GuardedThrottle(self.bucket)
        self.leased_at = time.monotonic()
        self.confirmed_once = False
        self.recorder = ThreadPoolExecutor(1, thread_name_prefix=f"record-{account.id}")
        try:
            adapter = adapter_for(account, settings, box, throttle=self.guard, client=client)
        except AccountError as exc:
            self.build_error = exc
            return
        assert isinstance(adapter, StockChannel)
        self.adapter = adapter

    def push(
        self, db: Database, worker: str, items: Sequence[PushItem], deadline: float
    ) -> list[Outcome]:
        """Push every item in batches until `deadline` (monotonic); one outcome per item.

        One short transaction per request records a batch and leases the batch after next; it
        runs on the lane's recorder thread while the next request is on the wire, so the
        marketplace's pace, not the database, sets the speed. Items left when the round's time
        is up come back as busy: their rows are released and the next round takes them (the
        round's claim on the rows must not run out first).
        """
        if self.adapter is None:
            assert self.build_error is not None
            return self._paused(db, list(items), self.build_error)
        outcomes: list[Outcome] = []
        self.confirmed_once = False
        batches = [list(b) for b in chunked(list(items), self.adapter.limits.max_batch)]
        held = self._write(db, worker, _Record(), [i for b in batches[:2] for i in b])
        writing: Future[dict[int, int]] | None = None
        for index, batch in enumerate(batches):
            if writing is not None:
                held.update(writing.result())  # at most one write in flight
                writing = None
            if time.monotonic() > deadline:
                rest = _flatten(batches[index:])
                self._write(db, worker, _Record(release=_leased(rest, held)))
                return outcomes + [Outcome(i, Status.BUSY) for i in rest]
            try:
                sent = time.monotonic()
                got, record = self._batch(batch, held)
                outcomes_by = Counter(o.status.value for o in got)
                metrics.push_made(self.marketplace, time.monotonic() - sent, dict(outcomes_by))
            except AccountError as exc:
                rest = _flatten(batches[index:])
                self._write(db, worker, _Record(release=_leased(rest, held)))
                return outcomes + self._paused(db, rest, exc)
            except Exception as exc:  # a bug: keep the worker alive, the rows retry later
                log.exception("%s: batch failed", self.label)
                got = [Outcome(i, Status.TRANSIENT, f"internal: {exc!r}") for i in batch]
                record = _Record(release=_leased(batch, held))
            outcomes += got
            after_next = batches[index + 2] if index + 2 < len(batches) else []
            writing = self.recorder.submit(self._write, db, worker, record, after_next)
        if writing is not None:
            writing.result()
        return outcomes

    def close(self) -> None:
        """Stop the recorder thread."""
        self.recorder.shutdown(wait=True)

    def _write(
        self, db: Database, worker: str, record: _Record, following: Sequence[PushItem] = ()
    ) -> dict[int, int]:
        """Record a batch and lease the next one, in one transaction."""
        sync = self.settings.sync
        # The first confirmation of a run ends a pause of the account; later ones need not.
        clear_pause = bool(record.confirmed) and not self.confirmed_once
        self.confirmed_once = self.confirmed_once or bool(record.confirmed)
        held: dict[int, int] = execute(
            db,
            leases.record_and_lease,
            worker,
            record.confirmed,
            record.release,
            record.hold,
            # An answer we never got may still be applied late: nobody pushes those offers
            # again until a whole lease has passed, so it cannot land after a newer value.
            sync.lease_seconds,
            self.account_id if clear_pause else None,
            [i.offer_id for i in following],
            sync.lease_seconds,
        )
        self.leased_at = time.monotonic()
        return held

    def _batch(self, batch: list[PushItem], held: dict[int, int]) -> tuple[list[Outcome], _Record]:
        """Send the leased items of a batch that are still behind; no database inside."""
        assert self.adapter is not None
        sync = self.settings.sync
        send = [i for i in batch if i.offer_id in held and held[i.offer_id] < i.version]
        done = [
            Outcome(i, Status.SUPERSEDED) for i in batch if held.get(i.offer_id, -1) >= i.version
        ]
        busy = [Outcome(i, Status.BUSY) for i in batch if i.offer_id not in held]
        record = _Record(release=[o.item.offer_id for o in done])
        if not send:
            return done + busy, record
        self.bucket.acquire(1.0)
        self.guard.arm(self.leased_at + sync.lease_seconds - sync.http_timeout_seconds - 1.0)
        try:
            results = self.adapter.push_stock([StockUpdate(i.offer_key, i.quantity) for i in send])
        finally:
            self.guard.disarm()
        return done + busy + self._classify(send, results, record), record

    def _classify(
        self, send: list[PushItem], results: list[ItemResult], record: _Record
    ) -> list[Outcome]:
        outcomes: list[Outcome] = []
        for item, result in zip(send, results, strict=True):
            if result.is_ok:
                record.confirmed.append(
                    leases.Confirmed(item, result.sent_quantity or item.quantity)
                )
                outcomes.append(Outcome(item, Status.OK))
                continue
            error = f"{self.label} {item.offer_key}: {result.code} {result.reason}".strip()
            if result.status is ItemStatus.PERMANENT:
                outcomes.append(Outcome(item, Status.PERMANENT, error))
            else:
                outcomes.append(Outcome(item, Status.TRANSIENT, error, result.retry_after))
            (record.hold if result.code in UNKNOWN_OUTCOME else record.release).append(
                item.offer_id
            )
            if result.code in RATE_LIMIT_CODES and result.retry_after:
                self.bucket.pause(result.retry_after)
        return outcomes

    def _paused(self, db: Database, items: list[PushItem], exc: AccountError) -> list[Outcome]:
        status = f"HTTP {exc.http_status} " if exc.http_status else ""
        reason = f"{status}{exc.code}: {exc.message}".strip(": ")
        base = self.settings.sync.account_pause_seconds
        until = execute(db, leases.pause_account, self.account_id, reason, base)
        log.warning("%s paused until %s: %s", self.label, until.isoformat(), reason)
        note = f"{self.label} paused: {reason}"
        return [Outcome(i, Status.PAUSED, note, until=until) for i in items]


def _flatten(batches: Sequence[Sequence[PushItem]]) -> list[PushItem]:
    return [item for batch in batches for item in batch]


def _leased(items: Sequence[PushItem], held: dict[int, int]) -> list[int]:
    return [i.offer_id for i in items if i.offer_id in held]


def fingerprint(account: MarketplaceAccount) -> tuple[Any, ...]:
    """What makes a lane outdated when it changes (rotated credentials, new settings)."""
    return (account.credentials_enc, repr(sorted((account.settings or {}).items())), account.active)


class WebhookLane:
    """Deliver `merchant.*` rows, a few at a time (one slow merchant must not hold the rest)."""

    def __init__(
        self, settings: Settings, box: SecretBox, client: httpx.Client, threads: int = 4
    ) -> None:
        self.settings = settings
        self.box = box
        self.client = client
        self.threads = threads

    def deliver(
        self, db: Database, rows: Sequence[ClaimedRow], now: Callable[[], datetime]
    ) -> list[tuple[ClaimedRow, webhooks.Result]]:
        """Send every row; returns each row with its result."""
        with db.reading() as session:
            prepared = [(row, webhooks.prepare(session, self.box, row, now())) for row in rows]
        timeout = self.settings.sync.webhook_timeout_seconds

        def one(pair: tuple[ClaimedRow, webhooks.Delivery | webhooks.Result]) -> webhooks.Result:
            _row, what = pair
            if isinstance(what, webhooks.Result):
                return what
            return webhooks.send(self.client, what, timeout)

        with ThreadPoolExecutor(self.threads, thread_name_prefix="webhook") as pool:
            results = list(pool.map(one, prepared))
        return [(row, result) for (row, _), result in zip(prepared, results, strict=True)]
