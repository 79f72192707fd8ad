"""The scheduler on a hand-moved clock, SQLite and PostgreSQL: once per period, leases,
retries with backoff, run now; the Jobs page and `wms jobs` show it."""

from __future__ import annotations

import random
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from tests.integration.dashboard.pages import csrf, logged_in
from wms.db.models import JobRun, JobState
from wms.jobs.base import Job, JobContext
from wms.jobs.scheduler import Scheduler, execute_at
from wms.services import jobs as store
from wms.services.crypto import SecretBox
from wms.services.uow import SYSTEM, execute

START = datetime(2026, 3, 20, 9, 0, 0, tzinfo=UTC)


class Clock:
    """Time the test moves."""

    def __init__(self) -> None:
        self.at = START

    def __call__(self) -> datetime:
        return self.at

    def advance(self, seconds: float) -> None:
        self.at += timedelta(seconds=seconds)


def _record(name: str) -> Any:
    def run(ctx: JobContext) -> dict[str, Any]:
        return {"slot": ctx.slot.isoformat() if ctx.slot else None}

    return run


def _broken(ctx: JobContext) -> dict[str, Any]:
    raise RuntimeError("the marketplace said no")


def _jobs(**extra: Job) -> dict[str, Job]:
    jobs = {
        "every10": Job("every10", _record("every10"), "every 10s", "quick"),
        "every30": Job("every30", _record("every30"), "every 30s", "slower"),
    }
    jobs.update(extra)
    return jobs


def _scheduler(database: Any, settings: Any, clock: Clock, jobs: dict[str, Job], name: str):
    cfg = settings.with_overrides(
        jobs={"lease_seconds": 20, "retry_base_seconds": 10, "retry_max_seconds": 300}
    )
    return Scheduler(
        database, cfg, SecretBox(cfg), name=name, jobs=jobs, clock=clock, rng=random.Random(1)
    )


def _ok_runs(database: Any) -> Counter[tuple[str, datetime | None]]:
    with database.reading() as s:
        rows = s.execute(sa.select(JobRun.job, JobRun.slot).where(JobRun.status == "ok")).all()
    return Counter((job, slot) for job, slot in rows)


def test_two_schedulers_run_each_job_once_per_period(database: Any, settings: Any) -> None:
    clock = Clock()
    a = _scheduler(database, settings, clock, _jobs(), "a")
    b = _scheduler(database, settings, clock, _jobs(), "b")
    try:
        for _ in range(24):  # two minutes in 5 s steps, both ticking in turn and at once
            ticks = [threading.Thread(target=s.tick) for s in (a, b)]
            for t in ticks:
                t.start()
            for t in ticks:
                t.join()
            a.drain()
            b.drain()
            clock.advance(5)
    finally:
        a.close()
        b.close()
    runs = _ok_runs(database)
    assert all(n == 1 for n in runs.values()), runs
    slots10 = sorted(slot for job, slot in runs if job == "every10")
    slots30 = sorted(slot for job, slot in runs if job == "every30")
    assert len(slots10) == 12
    assert len(slots30) == 4
    assert all(y - x == timedelta(seconds=10) for x, y in zip(slots10, slots10[1:], strict=False))
    with database.reading() as s:
        workers = set(s.execute(sa.select(JobRun.worker)).scalars())
    assert {w.split("/")[0] for w in workers} <= {"a", "b"}


def test_a_dead_workers_job_is_taken_over_after_its_lease(database: Any, settings: Any) -> None:
    clock = Clock()
    jobs = {"every30": Job("every30", _record("every30"), "every 30s", "slower")}
    a = _scheduler(database, settings, clock, jobs, "a")
    b = _scheduler(database, settings, clock, jobs, "b")
    execute_at(a, store.ensure, a.schedules)
    slot = a.schedules["every30"].slot(clock())
    with database.reading() as s:
        row = s.get(JobState, "every30")
        assert store.is_due(row, slot, clock()) == store.SCHEDULE
    claim = execute_at(a, store.claim, "every30", slot, store.SCHEDULE, a.owner, 20)
    assert claim is not None  # a holds the job and then stops answering
    clock.advance(10)
    assert b.tick() == []  # the lease still holds
    clock.advance(11)
    assert b.tick() == ["every30"]  # expired: b takes over
    b.drain()
    outcome = store.Outcome(True, 5, {"late": True})
    assert execute_at(a, store.finish, claim, a.owner, outcome, None) is False  # fenced
    with database.reading() as s:
        runs = s.execute(sa.select(JobRun.worker, JobRun.status).where(JobRun.slot == slot)).all()
    by_worker = {w.split("/")[0]: status for w, status in runs}
    assert by_worker == {"a": "lost", "b": "ok"}  # a's run is marked lost; b's counts
    assert _ok_runs(database)[("every30", slot)] == 1
    a.close()
    b.close()


def test_a_raising_job_is_retried_with_backoff_and_others_stay_on_time(
    database: Any, settings: Any, app: Any, demo: Any
) -> None:
    clock = Clock()
    # the same name as in tests.jobs.sample_jobs, so a dashboard configured with that module
    # lists it
    jobs = _jobs(test_broken=Job("test_broken", _broken, "every 10s", "always fails"))
    s = _scheduler(database, settings, clock, jobs, "a")
    try:
        s.tick()
        s.drain()
        with database.reading() as session:
            row = session.get(JobState, "test_broken")
        assert row.last_status == "failed"
        assert "RuntimeError: the marketplace said no" in row.last_error
        assert row.attempts == 1
        first_wait = (row.retry_at - clock()).total_seconds()
        assert 5 <= first_wait <= 15  # base 10 s, ±50 % jitter
        waits = [first_wait]
        for _ in range(60):  # ten minutes in 10 s steps
            clock.advance(10)
            s.tick()
            s.drain()
            with database.reading() as session:
                row = session.get(JobState, "test_broken")
            if row.attempts > len(waits):
                waits.append((row.retry_at - clock()).total_seconds())
        # Attempts spread out: each pause roughly doubles (jitter ±50 %), never tighter than base.
        assert len(waits) >= 4
        assert waits[-1] > waits[0] * 2
        assert len(waits) < 60 // 1  # far fewer attempts than ticks
    finally:
        s.close()
    runs = _ok_runs(database)
    assert len([1 for job, _ in runs if job == "every10"]) == 61  # every period, despite it
    assert len([1 for job, _ in runs if job == "every30"]) == 21
    # The Jobs page shows the failure and the retry, the other jobs as they are.
    from wms import create_app

    site = create_app(settings.with_overrides(jobs={"modules": ["tests.jobs.sample_jobs"]}))
    try:
        page = logged_in(site, "supervisor").get("/jobs").get_data(as_text=True)
    finally:
        site.extensions["wms"].db.dispose()
    row_html = page.split('id="job-test_broken"', 1)[1].split("</tr>", 1)[0]
    assert "RuntimeError: the marketplace said no" in row_html
    assert "попытка" in row_html  # "attempt n"


def test_run_now_from_the_jobs_page(database: Any, settings: Any, app: Any, demo: Any) -> None:
    client = logged_in(app, "supervisor")
    token = csrf(client, "/jobs")
    answer = client.post("/jobs/kaspi_feed_watchdog/run", data={"csrf_token": token})
    assert answer.status_code == 404 or answer.status_code == 303
    # the page's registry is the real one; the row appears once a worker has seen the job
    clock = Clock()
    # No marketplace to call: the import and reconcile jobs have nothing to do.
    cfg = settings.with_overrides(
        marketplaces={m: {"enabled": False} for m in ("kaspi", "wildberries", "ozon")}
    )
    real = Scheduler(database, cfg, SecretBox(cfg), name="w", clock=clock)
    real.tick()  # creates the rows and runs what is due at once
    real.drain()
    answer = client.post("/jobs/kaspi_feed_watchdog/run", data={"csrf_token": token})
    assert answer.status_code == 303
    assert "запрошено" in client.get("/jobs").get_data(as_text=True)  # "requested"
    assert real.tick() == ["kaspi_feed_watchdog"]
    real.drain()
    real.close()
    with database.reading() as s:
        run = s.execute(
            sa.select(JobRun)
            .where(JobRun.job == "kaspi_feed_watchdog")
            .order_by(JobRun.id.desc())
            .limit(1)
        ).scalar_one()
        row = s.get(JobState, "kaspi_feed_watchdog")
    assert run.trigger == "manual"
    assert run.status == "ok"
    assert row.requested_at is None
    # merchants may not run jobs
    merchant = logged_in(app, "altyn")
    assert merchant.get("/jobs").status_code == 403
    denied = merchant.post("/jobs/retention/run", data={"csrf_token": csrf(merchant, "/kpis")})
    assert denied.status_code == 403


def test_request_run_of_an_unknown_job_is_refused(database: Any) -> None:
    from wms.domain.errors import NotFound

    with pytest.raises(NotFound):
        execute(database, store.request_run, "nope", SYSTEM)
