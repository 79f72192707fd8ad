"""The worker's scheduler: every tick, start the jobs that are due and whose lease it wins.

Jobs run on a small thread pool, so a slow or failing job never holds up the others; the main
loop keeps ticking, renews the leases of the jobs running here, and beats a heartbeat. The lease
and outcome rules live in `wms.services.jobs`.
"""

from __future__ import annotations

import logging
import os
import random
import secrets
import socket
import threading
import time
import traceback
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from wms import metrics
from wms.db.base import utcnow
from wms.db.models import JobState
from wms.db.session import Database
from wms.domain.errors import Conflict, NotFound
from wms.domain.schedules import Schedule
from wms.jobs import registry
from wms.jobs.base import Job, JobContext, JobFailed
from wms.services import jobs as store
from wms.services.crypto import SecretBox
from wms.services.sync import outbox
from wms.services.uow import UnitOfWork, execute
from wms.settings import Settings

log = logging.getLogger(__name__)
BEAT_SECONDS = 10.0


def default_name() -> str:
    """`worker:<host>:<pid>`, this process's heartbeat name."""
    return f"worker:{socket.gethostname()}:{os.getpid()}"


@dataclass
class _Running:
    claim: store.Claim
    future: Future[store.Outcome]
    renewed: float = field(default_factory=time.monotonic)


class Scheduler:
    """Starts due jobs; many schedulers (one per worker process) may share one database."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        box: SecretBox,
        *,
        name: str | None = None,
        jobs: Mapping[str, Job] | None = None,
        clock: Callable[[], datetime] = utcnow,
        rng: random.Random | None = None,
    ) -> None:
        self.db, self.settings, self.box = db, settings, box
        self.jobs = dict(jobs) if jobs is not None else registry.all_jobs(settings)
        self.schedules: dict[str, Schedule] = registry.schedules(settings, self.jobs)
        self.name = name or default_name()
        # Unique per object: two schedulers started with one name still never share a lease.
        self.owner = f"{self.name}/{secrets.token_hex(3)}"
        self.clock = clock
        self.rng = rng or random.Random()
        self.pool = ThreadPoolExecutor(settings.jobs.threads, thread_name_prefix="job")
        self.running: dict[str, _Running] = {}
        self.lost: list[str] = []
        self._beat_at = 0.0
        self._ready = False
        self._last_outcome = store.Outcome(False, 0, {}, "not run")

    # -- the loop -------------------------------------------------------------------------------

    def run(self, stop: threading.Event) -> None:
        """Tick until `stop` is set, then wait for the jobs running here to finish."""
        while not stop.is_set():
            self.safe_tick()
            stop.wait(self.settings.jobs.tick_seconds)
        self.drain()

    def safe_tick(self) -> list[str]:
        """A tick whose failure (database away) is logged and retried next time."""
        try:
            return self.tick()
        except Exception:
            log.exception("scheduler tick failed")
            return []

    def tick(self) -> list[str]:
        """Reap finished jobs, renew leases, start what is due; returns the names started."""
        if not self._ready:
            execute(self.db, store.ensure, self.schedules)
            self._ready = True
        self._reap()
        self._renew()
        started = []
        now = self.clock()
        with self.db.reading() as session:
            rows = store.states(session)
        for name, job in self.jobs.items():
            row = rows.get(name)
            if row is None or name in self.running:
                continue
            slot = self.schedules[name].slot(now)
            trigger = store.is_due(row, slot, now)
            if trigger is None:
                continue
            claim = self._claim(name, slot, trigger)
            if claim is not None:
                self._start(job, claim)
                started.append(name)
        self._beat()
        return started

    def drain(self, timeout: float | None = None) -> None:
        """Wait for the jobs running here, then record their outcomes."""
        deadline = None if timeout is None else time.monotonic() + timeout
        for running in list(self.running.values()):
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                running.future.exception(timeout=left)
            except TimeoutError:
                break
        self._reap()

    def close(self) -> None:
        """Stop the pool (after `drain`)."""
        self.pool.shutdown(wait=True)

    # -- running one job ------------------------------------------------------------------------

    def run_now(self, name: str) -> store.Outcome:
        """Run a job here and now, outside its schedule (`wms jobs run`); waits for the end."""
        if name not in self.jobs:
            raise NotFound("job.not_found", job=name)
        execute(self.db, store.ensure, self.schedules)
        claim = self._claim(name, None, store.MANUAL, force=True)
        if claim is None:
            with self.db.reading() as session:
                row = store.states(session)[name]
            raise Conflict("job.running", job=name, worker=row.lease_owner or "?")
        self._start(self.jobs[name], claim)
        self.drain()
        return self._last_outcome

    def _claim(
        self, name: str, slot: datetime | None, trigger: str, *, force: bool = False
    ) -> store.Claim | None:
        lease = self.settings.jobs.lease_seconds

        def take(uow: UnitOfWork) -> store.Claim | None:
            if force:
                row = uow.session.get(JobState, name)
                if row is not None and row.requested_at is None:
                    row.requested_at = uow.now()
                    row.requested_by = "cli"
                    uow.session.flush()
            return store.claim(uow, name, slot, trigger, self.owner, lease)

        with UnitOfWork(self.db, self.clock) as uow:
            claim = take(uow)
            if claim is None:
                uow.rollback()
                return None
            uow.commit()
        log.info("job %s started (%s, attempt %d)", name, trigger, claim.attempt)
        return claim

    def _start(self, job: Job, claim: store.Claim) -> None:
        ctx = JobContext(
            db=self.db,
            settings=self.settings,
            box=self.box,
            now=self.clock(),
            slot=claim.slot,
            trigger=claim.trigger,
            worker=self.name,
            state=dict(claim.state),
        )
        future = self.pool.submit(_execute, job, ctx)
        self.running[job.name] = _Running(claim, future)

    def _reap(self) -> None:
        for name, running in list(self.running.items()):
            if not running.future.done():
                continue
            del self.running[name]
            outcome = running.future.result()
            self._last_outcome = outcome
            retry = None
            if not outcome.ok:
                jobs = self.settings.jobs
                retry = outbox.backoff(
                    running.claim.attempt, jobs.retry_base_seconds, jobs.retry_max_seconds, self.rng
                )
            metrics.job_finished(name, outcome.ok, outcome.duration_ms / 1000)
            try:
                kept = execute_at(self, store.finish, running.claim, self.owner, outcome, retry)
            except Exception:
                log.exception("could not record the end of job %s", name)
                continue
            if not kept:
                self.lost.append(name)
                log.warning("job %s finished after another worker took its lease", name)
            elif outcome.ok:
                log.info("job %s ok in %d ms: %s", name, outcome.duration_ms, outcome.result)
            else:
                log.error("job %s failed (retry in %.0f s): %s", name, retry or 0, outcome.error)

    def _renew(self) -> None:
        lease = self.settings.jobs.lease_seconds
        for name, running in self.running.items():
            if time.monotonic() - running.renewed < lease / 3:
                continue
            if execute_at(self, store.renew, name, self.owner, lease):
                running.renewed = time.monotonic()
            else:
                log.warning("job %s: lease lost to another worker", name)

    def _beat(self) -> None:
        if time.monotonic() - self._beat_at < BEAT_SECONDS:
            return
        self._beat_at = time.monotonic()
        info = {
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "kind": "jobs",
            "running": sorted(self.running),
        }
        execute_at(self, outbox.beat, self.name, info)


def execute_at(scheduler: Scheduler, fn: Callable[..., Any], *args: Any) -> Any:
    """Run a use case in its own transaction on the scheduler's clock."""
    with UnitOfWork(scheduler.db, scheduler.clock) as uow:
        result = fn(uow, *args)
        uow.commit()
        return result


def _execute(job: Job, ctx: JobContext) -> store.Outcome:
    """Run the job function; never raises (the outcome says how it went)."""
    started = time.monotonic()
    try:
        result = dict(job.run(ctx) or {})
    except JobFailed as exc:
        return store.Outcome(False, _ms(started), _jsonable(exc.result), str(exc))
    except Exception as exc:
        log.exception("job %s raised", job.name)
        where = traceback.extract_tb(exc.__traceback__)[-1]
        error = f"{type(exc).__name__}: {exc} ({os.path.basename(where.filename)}:{where.lineno})"
        return store.Outcome(False, _ms(started), {}, error)
    return store.Outcome(True, _ms(started), _jsonable(result), None, ctx.state)


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _jsonable(value: Any) -> Any:
    """Results go into a JSON column: keep plain types, stringify the rest."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
