"""Two `wms worker` processes on one PostgreSQL database, periods of two seconds: every job
runs exactly once per period, and a job whose worker is killed mid-run is taken over by the
other once the lease expires, and completes once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from wms.db.models import JobRun, JobState
from wms.jobs.registry import JOBS

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]
ROOT = Path(__file__).resolve().parents[3]
LEASE = 1.5


@pytest.fixture
def backend() -> str:
    return "postgres"


def _env(settings: Any) -> dict[str, str]:
    env = {
        **os.environ,
        "WMS_DATABASE__URL": settings.database.url,
        "WMS_SERVER__SECRET_KEY": settings.server.secret_key,
        "WMS_JOBS__MODULES": '["tests.jobs.sample_jobs"]',
        "WMS_JOBS__TICK_SECONDS": "0.1",
        "WMS_JOBS__LEASE_SECONDS": str(LEASE),
        "WMS_TEST_SLOW_SECONDS": "3",
    }
    for job in JOBS:  # only the test jobs run here
        env[f"WMS_JOBS__SCHEDULE__{job.name.upper()}"] = "off"
    return env


@pytest.fixture
def workers(settings: Any, tmp_path: Path) -> Iterator[dict[str, subprocess.Popen[bytes]]]:
    """Workers A and B (jobs only), logging to files."""
    procs = {}
    for name in ("A", "B"):
        log = (tmp_path / f"{name}.log").open("wb")
        procs[name] = subprocess.Popen(
            [sys.executable, "-c", "from wms.cli import main; main()", "worker", "--no-sync"]
            + ["--name", name],
            cwd=ROOT,
            env=_env(settings),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    yield procs
    for proc in procs.values():
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for name, proc in procs.items():
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            pytest.fail(f"worker {name} did not stop on SIGTERM")


def _slow_holder(database: Any) -> str | None:
    with database.reading() as s:
        row = s.get(JobState, "test_slow")
        return row.lease_owner if row is not None else None


def test_two_workers_share_the_periods_and_survive_a_kill(
    database: Any, workers: dict[str, subprocess.Popen[bytes]], tmp_path: Path
) -> None:
    deadline = time.monotonic() + 15
    holder = None
    while holder is None and time.monotonic() < deadline:
        holder = _slow_holder(database)
        for name, proc in workers.items():
            assert proc.poll() is None, (tmp_path / f"{name}.log").read_text()[-2000:]
        time.sleep(0.05)
    assert holder is not None, "no worker started the slow job"
    victim = holder.split(":", 1)[1].split("/", 1)[0]  # "worker:A/ab12cd" → "A"
    time.sleep(1.0)  # in the middle of its three seconds
    workers[victim].kill()
    workers[victim].wait(timeout=10)
    survivor = "B" if victim == "A" else "A"
    # The survivor takes over after the lease (1.5 s) and needs 3 s; a few more periods pass.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with database.reading() as s:
            done = s.execute(
                sa.select(sa.func.count()).where(JobRun.job == "test_slow", JobRun.status == "ok")
            ).scalar_one()
        if done:
            break
        time.sleep(0.2)
    time.sleep(4)
    assert workers[survivor].poll() is None, (tmp_path / f"{survivor}.log").read_text()[-3000:]
    workers[survivor].send_signal(signal.SIGTERM)
    workers[survivor].wait(timeout=15)
    with database.reading() as s:
        runs = s.execute(sa.select(JobRun).order_by(JobRun.id)).scalars().all()
    ticks = Counter(r.slot for r in runs if r.job == "test_tick" and r.status == "ok")
    assert all(n == 1 for n in ticks.values()), ticks
    slots = sorted(ticks)
    assert len(slots) >= 5, slots
    assert all(b - a == timedelta(seconds=2) for a, b in zip(slots, slots[1:], strict=False))
    assert {r.worker.split("/")[0] for r in runs if r.job == "test_tick"} >= {f"worker:{survivor}"}
    slow = [r for r in runs if r.job == "test_slow"]
    assert [r.status for r in slow] == ["lost", "ok"], [(r.worker, r.status) for r in slow]
    assert slow[0].worker.startswith(f"worker:{victim}/")
    assert slow[1].worker.startswith(f"worker:{survivor}/")
    assert slow[0].slot == slow[1].slot
    # taken over only once the lease had run out
    assert (slow[1].started_at - slow[0].started_at).total_seconds() >= LEASE
    with database.reading() as s:
        row = s.get(JobState, "test_slow")
    assert row.done_slot == slow[1].slot
    assert row.lease_owner is None
