"""`wms sync run`: deliver outbox rows — stock totals to Wildberries and Ozon, merchant webhooks.

One round: claim due rows (and beat the heartbeat) → plan the newest total of every claimed key
per offer → push per account on its own thread (token bucket per account, a lease per offer) and
send webhooks → settle every row: done, retried with backoff and jitter, parked with its reason,
or released untouched while its account is paused or its offer busy or cooling down.
"""

from __future__ import annotations

import logging
import os
import random
import secrets
import socket
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

import httpx
import sqlalchemy as sa

from wms.db.base import utcnow
from wms.db.models import MarketplaceAccount, OutboxStatus
from wms.db.session import Database
from wms.jobs.lanes import AccountLane, Outcome, Status, WebhookLane, fingerprint
from wms.services import webhooks
from wms.services.crypto import SecretBox
from wms.services.sync import outbox
from wms.services.sync.outbox import ClaimedRow, Settlement
from wms.services.sync.plan import BUSY_RECHECK, KeyPlan, Plan, build_plan
from wms.services.uow import UnitOfWork, execute
from wms.settings import Settings

log = logging.getLogger(__name__)
MAX_THREADS = 8


@dataclass
class RoundStats:
    """What one round did."""

    claimed: int = 0
    pushed: int = 0
    confirmed: int = 0
    failed: int = 0
    done: int = 0
    superseded: int = 0
    parked: int = 0
    retried: int = 0
    released: int = 0
    webhooks: int = 0

    @property
    def idle(self) -> bool:
        """Nothing was due."""
        return self.claimed == 0


def default_name() -> str:
    """`sync:<host>:<pid>`, the heartbeat name of this process's worker."""
    return f"sync:{socket.gethostname()}:{os.getpid()}"


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
        self._round_lock = threading.Lock()
        self._own_client = client is None
        self.client = client or httpx.Client(timeout=sync.http_timeout_seconds)
        self.rng = rng or random.Random()
        self.lanes: dict[int, AccountLane] = {}
        self.webhook_lane = WebhookLane(settings, box, self.client)
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
        while not stop.is_set():
            try:
                stats = self.run_round()
            except Exception as exc:  # the database went away, a bug: report and go on
                log.exception("sync round failed")
                self.last_error = f"{type(exc).__name__}: {exc}"[:500]
                stop.wait(poll)
                continue
            if on_round is not None:
                on_round(stats)
            if stats.idle:
                if once:
                    break
                stop.wait(poll)
        self._last_beat()
        return self.totals

    def _last_beat(self) -> None:
        """A final heartbeat, so the dashboard shows the last round's figures."""
        try:
            execute(self.db, outbox.beat, self.name, {**self.info(), "stopped": True})
        except Exception:
            log.exception("could not write the final heartbeat")

    def run_round(self) -> RoundStats:
        """Claim, push, settle once (one round at a time per worker object)."""
        with self._round_lock:
            return self._round()

    def _round(self) -> RoundStats:
        sync = self.settings.sync
        rows = execute(self.db, self._claim, sync.batch_size)
        stats = RoundStats(claimed=len(rows))
        self.rounds += 1
        if rows:
            deadline = time.monotonic() + sync.lease_seconds - sync.http_timeout_seconds - 1
            stock = [r for r in rows if r.is_stock]
            hooks = [r for r in rows if not r.is_stock]
            hook_job = self.pool.submit(self.webhook_lane.deliver, self.db, hooks, utcnow)
            settlements, versions = self._push_stock(stock, deadline, stats)
            settlements += self._settle_webhooks(hook_job.result(), stats)
            superseded = execute(self.db, self._finish, settlements, versions)
            stats.superseded = superseded
            _count(settlements, stats)
        self.totals.update({k: v for k, v in asdict(stats).items() if v})
        return stats

    def close(self) -> None:
        """Stop the threads and close the HTTP client."""
        self.pool.shutdown(wait=True)
        if self._own_client:
            self.client.close()

    # -- steps --------------------------------------------------------------------------------

    def _claim(self, uow: UnitOfWork, limit: int) -> list[ClaimedRow]:
        outbox.beat(uow, self.name, self.info())
        return outbox.claim(uow, self.owner, limit, self.settings.sync.lease_seconds)

    def _push_stock(
        self, rows: Sequence[ClaimedRow], deadline: float, stats: RoundStats
    ) -> tuple[list[Settlement], dict[str, int]]:
        if not rows:
            return [], {}
        now = utcnow()
        with self.db.reading() as session:
            plan = build_plan(session, rows, now, self.owner, self.settings)
            self._refresh_lanes(session, list(plan.by_account))
        jobs: list[Future[list[Outcome]]] = [
            self.pool.submit(self.lanes[account].push, self.db, self.owner, items, deadline)
            for account, items in plan.by_account.items()
        ]
        outcomes = [outcome for job in jobs for outcome in job.result()]
        stats.pushed = sum(
            o.status in (Status.OK, Status.TRANSIENT, Status.PERMANENT) for o in outcomes
        )
        stats.confirmed = sum(o.status is Status.OK for o in outcomes)
        stats.failed = sum(o.status in (Status.TRANSIENT, Status.PERMANENT) for o in outcomes)
        return self._settle_stock(plan, rows, outcomes, utcnow())

    def _refresh_lanes(self, session: Any, account_ids: list[int]) -> None:
        if not account_ids:
            return
        accounts = session.execute(
            sa.select(MarketplaceAccount).where(MarketplaceAccount.id.in_(account_ids))
        ).scalars()
        for account in accounts:
            lane = self.lanes.get(account.id)
            if lane is None or lane.fingerprint != fingerprint(account):
                self.lanes[account.id] = AccountLane(account, self.settings, self.box, self.client)

    def _settle_stock(
        self, plan: Plan, rows: Sequence[ClaimedRow], outcomes: list[Outcome], now: datetime
    ) -> tuple[list[Settlement], dict[str, int]]:
        by_key: dict[str, list[Outcome]] = defaultdict(list)
        for outcome in outcomes:
            by_key[outcome.item.key].append(outcome)
        rows_by_key: dict[str, list[ClaimedRow]] = defaultdict(list)
        for row in rows:
            rows_by_key[row.key].append(row)
        settlements: list[Settlement] = []
        delivered: dict[str, int] = {}
        for key, key_rows in rows_by_key.items():
            key_plan = plan.keys.get(key) or KeyPlan(key, 0, 0)
            # A row newer than the total we read (a lagging read) waits for the next round.
            newer = [r for r in key_rows if r.version > key_plan.version]
            settlements += [outbox.release(r, now) for r in newer]
            current = [r for r in key_rows if r.version <= key_plan.version]
            result = self._key_result(key_plan, by_key[key], current, now)
            settlements += result
            if current and all(s.status is OutboxStatus.DONE for s in result):
                delivered[key] = key_plan.version
        return settlements, delivered

    def _key_result(
        self, plan: KeyPlan, outcomes: list[Outcome], rows: list[ClaimedRow], now: datetime
    ) -> list[Settlement]:
        sync = self.settings.sync
        failed = [o for o in outcomes if o.status is Status.TRANSIENT]
        broken = [o for o in outcomes if o.status is Status.PERMANENT]
        if failed:
            error = _errors(failed + broken)
            later = max((o.retry_after or 0.0 for o in failed), default=0.0)
            return [
                outbox.retry_or_park(r, error, max(self._backoff(r), later), now, sync.max_attempts)
                for r in rows
            ]
        if broken:
            return [outbox.park(r, _errors(broken)) for r in rows]
        waits = [o.until or now + BUSY_RECHECK for o in outcomes if o.status in _WAITING]
        if plan.wait_until is not None:
            waits.append(plan.wait_until)
        if waits:
            note = next((o.error for o in outcomes if o.status is Status.PAUSED), plan.wait_note)
            return [outbox.release(r, min(waits), note) for r in rows]
        return [outbox.done(r) for r in rows]

    def _backoff(self, row: ClaimedRow) -> float:
        sync = self.settings.sync
        return outbox.backoff(
            row.attempts + 1, sync.retry_base_seconds, sync.retry_max_seconds, self.rng
        )

    def _settle_webhooks(
        self, results: list[tuple[ClaimedRow, webhooks.Result]], stats: RoundStats
    ) -> list[Settlement]:
        now, sync = utcnow(), self.settings.sync
        out = []
        for row, result in results:
            if result.outcome in (webhooks.Outcome.DELIVERED, webhooks.Outcome.NOTHING_TO_SEND):
                stats.webhooks += result.outcome is webhooks.Outcome.DELIVERED
                out.append(outbox.done(row))
            elif result.outcome is webhooks.Outcome.PERMANENT:
                out.append(outbox.park(row, result.error or "refused"))
            else:
                wait = max(self._backoff(row), result.retry_after or 0.0)
                error = result.error or "failed"
                out.append(outbox.retry_or_park(row, error, wait, now, sync.max_attempts))
        return out

    def _finish(
        self, uow: UnitOfWork, settlements: list[Settlement], delivered: dict[str, int]
    ) -> int:
        outbox.settle(uow, self.owner, settlements)
        return outbox.mark_superseded(uow, delivered)

    # -- heartbeat ----------------------------------------------------------------------------

    def info(self) -> dict[str, Any]:
        """What the heartbeat tells the dashboard."""
        paused = {
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
            "unusable_accounts": paused,
        }


_WAITING = frozenset({Status.BUSY, Status.PAUSED})


def _errors(outcomes: list[Outcome], limit: int = 3) -> str:
    texts = list(dict.fromkeys(o.error or o.status.value for o in outcomes))
    more = f" (+{len(texts) - limit} more)" if len(texts) > limit else ""
    return "; ".join(texts[:limit]) + more


def _count(settlements: list[Settlement], stats: RoundStats) -> None:
    for s in settlements:
        if s.status is OutboxStatus.DONE:
            stats.done += 1
        elif s.status is OutboxStatus.PARKED:
            stats.parked += 1
        elif s.attempts > s.row.attempts:
            stats.retried += 1
        else:
            stats.released += 1
