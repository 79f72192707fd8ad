"""`wms sync run`: deliver outbox rows — stock totals to Wildberries and Ozon, merchant webhooks.

A round: claim due rows (and beat the heartbeat) → plan the newest total of every claimed key
per offer → push per account on its own thread (token bucket per account, a lease per offer)
and send webhooks → settle every row (`settling`). Rounds overlap: while the accounts push
round k, the worker settles round k−1 and claims and plans round k+1, so the marketplaces'
rate limits, not the database, set the pace. An account's pushes stay strictly sequential
(round k+1 starts pushing only when round k has finished), and the lease check at push time
drops anything another round already delivered.
"""

from __future__ import annotations

import logging
import os
import random
import secrets
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from functools import partial
from typing import Any

import httpx
import sqlalchemy as sa

from wms.db.base import utcnow
from wms.db.models import MarketplaceAccount
from wms.db.session import Database
from wms.jobs import settling
from wms.jobs.lanes import AccountLane, Outcome, WebhookLane, fingerprint
from wms.jobs.settling import RoundStats
from wms.jobs.writes import Result as WriteResult
from wms.jobs.writes import WriteLane
from wms.services import marketplace_writes, webhooks
from wms.services.crypto import SecretBox
from wms.services.sync import leases, outbox
from wms.services.sync.outbox import ClaimedRow, Settlement
from wms.services.sync.plan import Plan, build_plan
from wms.services.uow import UnitOfWork, execute
from wms.settings import Settings

log = logging.getLogger(__name__)
MAX_THREADS = 8
FIRST_ROUND = 1000  # rows claimed after an idle round

__all__ = ["RoundStats", "SyncWorker", "default_name"]


def default_name() -> str:
    """`sync:<host>:<pid>`, the heartbeat name of this process's worker."""
    return f"sync:{socket.gethostname()}:{os.getpid()}"


@dataclass
class _Round:
    """Claimed rows, their plan, and the pushes and webhooks running for them."""

    rows: list[ClaimedRow]
    plan: Plan | None = None
    pushes: list[Future[list[Outcome]]] = field(default_factory=list)
    hooks: Future[list[tuple[ClaimedRow, webhooks.Result]]] | None = None
    writes: Future[list[tuple[ClaimedRow, WriteResult]]] | None = None


class SyncWorker:
    """Runs rounds until stopped; safe to run many at once (PostgreSQL) or one (SQLite)."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        box: SecretBox,
        *,
        name: str | None = None,
        client: httpx.Client | None = None,
        rng: random.Random | None = None,
    ) -> None:
        sync = settings.sync
        if sync.lease_seconds <= sync.http_timeout_seconds + 1:
            raise ValueError("sync.lease_seconds must exceed sync.http_timeout_seconds + 1")
        self.db, self.settings, self.box = db, settings, box
        self.name = name or default_name()
        # Claims and leases carry an owner unique to this object: two workers started with the
        # same name must still never hold one offer at once.
        self.owner = f"{self.name}/{secrets.token_hex(4)}"
        self._lock = threading.Lock()
        self._busy = False
        self._limit = FIRST_ROUND
        self._own_client = client is None
        self.client = client or httpx.Client(timeout=sync.http_timeout_seconds)
        self.rng = rng or random.Random()
        self.lanes: dict[int, AccountLane] = {}
        self.webhook_lane = WebhookLane(settings, box, self.client)
        self.write_lane = WriteLane(settings, box, self.client)
        self.pool = ThreadPoolExecutor(MAX_THREADS, thread_name_prefix="sync")
        self.totals: Counter[str] = Counter()
        self.rounds = 0
        self.last_error: str | None = None
        self.started_at = utcnow()

    # -- the loop -----------------------------------------------------------------------------

    def run(
        self,
        stop: threading.Event,
        *,
        once: bool = False,
        on_round: Callable[[RoundStats], None] | None = None,
    ) -> Counter[str]:
        """Run rounds until `stop` is set (or, with `once`, until nothing is due)."""
        poll = self.settings.sync.poll_interval_seconds
        with self._lock:
            running: _Round | None = None
            while True:
                upcoming = None if stop.is_set() else self._safely(self._prepare)
                if running is not None:
                    self._wait(running)  # the accounts are free for the next round
                if upcoming is not None:
                    self._launch(upcoming)
                if running is not None:
                    stats = self._safely(partial(self._settle, running))
                    if stats is not None and on_round is not None:
                        on_round(stats)
                running = upcoming
                if running is None:
                    if stop.is_set() or once:
                        break
                    stop.wait(poll)
            self._last_beat()
        return self.totals

    def run_round(self) -> RoundStats:
        """Claim, push and settle one round, start to end (tests, tools)."""
        with self._lock:
            upcoming = self._prepare()
            if upcoming is None:
                return RoundStats()
            self._launch(upcoming)
            self._wait(upcoming)
            return self._settle(upcoming)

    def close(self) -> None:
        """Stop the threads and close the HTTP client."""
        self.pool.shutdown(wait=True)
        for lane in self.lanes.values():
            lane.close()
        self.write_lane.close()
        if self._own_client:
            self.client.close()

    def _safely(self, step: Callable[[], Any]) -> Any:
        """Run a step; a failure (the database went away, a bug) is logged, not fatal."""
        try:
            return step()
        except Exception as exc:
            log.exception("sync step failed")
            self.last_error = f"{type(exc).__name__}: {exc}"[:500]
            time.sleep(self.settings.sync.poll_interval_seconds)
            return None

    # -- steps --------------------------------------------------------------------------------

    def _prepare(self) -> _Round | None:
        # After a quiet spell, start small so the first push leaves at once, then double the
        # round while the previous one is being pushed (its plan is ready when the accounts are).
        self._limit = (
            min(self._limit * 2, self.settings.sync.batch_size)
            if self._busy
            else (min(FIRST_ROUND, self.settings.sync.batch_size))
        )
        rows = execute(self.db, self._claim, self._limit)
        self.rounds += 1
        self._busy = bool(rows)
        if not rows:
            return None
        upcoming = _Round(rows)
        stock = [r for r in rows if r.is_stock]
        if stock:
            with self.db.reading() as session:
                upcoming.plan = build_plan(session, stock, utcnow(), self.owner, self.settings)
                self._refresh_lanes(session, list(upcoming.plan.by_account))
        return upcoming

    def _claim(self, uow: UnitOfWork, limit: int) -> list[ClaimedRow]:
        paused = leases.paused_accounts(uow.session, uow.now())
        outbox.beat(uow, self.name, {**self.info(), "paused_accounts": paused})
        return outbox.claim(uow, self.owner, limit, self.settings.sync.lease_seconds)

    def _launch(self, upcoming: _Round) -> None:
        sync = self.settings.sync
        # The round's claim on its rows must outlast its pushes.
        deadline = time.monotonic() + sync.lease_seconds - sync.http_timeout_seconds - 1
        if upcoming.plan is not None:
            upcoming.pushes = [
                self.pool.submit(self.lanes[account].push, self.db, self.owner, items, deadline)
                for account, items in upcoming.plan.by_account.items()
            ]
        hooks = [r for r in upcoming.rows if not r.is_stock and not r.is_write]
        if hooks:
            upcoming.hooks = self.pool.submit(self.webhook_lane.deliver, self.db, hooks, utcnow)
        writes = [r for r in upcoming.rows if r.is_write]
        if writes:
            upcoming.writes = self.pool.submit(self.write_lane.deliver, self.db, writes, deadline)

    def _wait(self, running: _Round) -> None:
        for job in running.pushes:
            job.exception()
        if running.hooks is not None:
            running.hooks.exception()
        if running.writes is not None:
            running.writes.exception()

    def _settle(self, done: _Round) -> RoundStats:
        stats = RoundStats(claimed=len(done.rows))
        now, max_attempts = utcnow(), self.settings.sync.max_attempts
        outcomes = [o for job in done.pushes for o in job.result()]
        settlements: list[Settlement] = []
        delivered: dict[str, int] = {}
        if done.plan is not None:
            stock = [r for r in done.rows if r.is_stock]
            settlements, delivered = settling.stock(
                done.plan, stock, outcomes, now, max_attempts, self._backoff
            )
        if done.hooks is not None:
            results = done.hooks.result()
            settlements += settling.hooks(results, now, max_attempts, self._backoff, stats)
        if done.writes is not None:
            written = done.writes.result()
            settlements += settling.writes(written, now, max_attempts, self._backoff, stats)
        outbox.settle_in_parts(self.db, self.owner, settlements)
        if done.writes is not None:
            answered = settling.delivered_answers(done.writes.result())
            if answered:
                execute(self.db, marketplace_writes.record_delivered, answered)
        stats.superseded = execute(self.db, outbox.mark_superseded, delivered)
        settling.count(settlements, outcomes, stats)
        self._count(stats)
        return stats

    def _count(self, stats: RoundStats) -> None:
        self.totals.update({k: v for k, v in asdict(stats).items() if v})

    def _backoff(self, row: ClaimedRow) -> float:
        sync = self.settings.sync
        return outbox.backoff(
            row.attempts + 1, sync.retry_base_seconds, sync.retry_max_seconds, self.rng
        )

    def _refresh_lanes(self, session: Any, account_ids: list[int]) -> None:
        if not account_ids:
            return
        accounts = session.execute(
            sa.select(MarketplaceAccount).where(MarketplaceAccount.id.in_(account_ids))
        ).scalars()
        for account in accounts:
            lane = self.lanes.get(account.id)
            if lane is None or lane.fingerprint != fingerprint(account):
                if lane is not None:
                    lane.close()
                self.lanes[account.id] = AccountLane(account, self.settings, self.box, self.client)

    # -- heartbeat ----------------------------------------------------------------------------

    def info(self) -> dict[str, Any]:
        """What the heartbeat tells the dashboard."""
        unusable = {
            str(lane.account_id): lane.label
            for lane in self.lanes.values()
            if lane.build_error is not None
        }
        return {
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "started_at": self.started_at.isoformat(),
            "rounds": self.rounds,
            "totals": dict(self.totals),
            "last_error": self.last_error,
            "unusable_accounts": unusable,
        }

    def _last_beat(self) -> None:
        """A final heartbeat, so the dashboard shows the last round's figures."""
        try:
            execute(self.db, outbox.beat, self.name, {**self.info(), "stopped": True})
        except Exception:
            log.exception("could not write the final heartbeat")
