"""A putaway scanned through the API reaches the Wildberries sandbox within seconds, through the
real worker process (`wms sync run`), on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from tests.e2e.sync.worker import start_sync_worker, stop, sync_env
from tests.integration.test_scan_flows import HEADPHONES, inspect, putaway, receive
from tests.marketplaces.conftest import Control
from wms.db.models import JobHeartbeat, Unit
from wms.sandbox import wildberries as wb_sandbox
from wms.sandbox.server import SandboxHandle
from wms.services.sync.demo import sandbox_seeds

pytestmark = pytest.mark.e2e
CHRT_HEADPHONES_MAIN = "31000000"  # the demo's WB offer of ALT-HP-01, main channel
DEADLINE = 15.0  # seconds; the putaway normally arrives in well under one


@pytest.fixture
def wb() -> Iterator[SandboxHandle]:
    with wb_sandbox.start_in_thread(strict_contract=True, seed={"accounts": []}) as handle:
        yield handle


@pytest.fixture
def worker(
    settings: Any, wb: SandboxHandle, demo: dict[str, Any], database: Any
) -> Iterator[subprocess.Popen[str]]:
    """`wms sync run` as its own process, pointed at the test database and the sandbox."""
    with database.reading() as s:
        Control(wb).seed(sandbox_seeds(s, settings, "http://127.0.0.1:9")["wildberries"])
    process = start_sync_worker(sync_env(settings, wildberries=wb.url), "--worker-id", "e2e-worker")
    yield process
    stop(process)


def _amount(wb: SandboxHandle) -> int | None:
    stock = Control(wb).stock()["accounts"].get("ALTYN wildberries", {})
    return stock.get("warehouses", {}).get("658434", {}).get(CHRT_HEADPHONES_MAIN)


def _wait_for(wb: SandboxHandle, amount: int, process: subprocess.Popen[str]) -> float:
    started = time.monotonic()
    while time.monotonic() - started < DEADLINE:
        if _amount(wb) == amount:
            return time.monotonic() - started
        assert process.poll() is None, process.communicate()[1][-2000:]
        time.sleep(0.02)
    raise AssertionError(f"Wildberries still shows {_amount(wb)}, not {amount}, after {DEADLINE} s")


def test_a_putaway_reaches_wildberries_within_seconds(
    station: Any, database: Any, wb: SandboxHandle, worker: subprocess.Popen[str]
) -> None:
    _wait_for(wb, 5, worker)  # the demo's opening stock went out first
    (lpn,) = receive(station("receipt"), "512345678", HEADPHONES)
    inspect(station("inspection"), lpn, [], "GRADE-RESELLABLE")
    putaway(station("putaway"), lpn, "BIN-M-01-02")
    latency = _wait_for(wb, 6, worker)
    assert latency < DEADLINE
    worker.send_signal(signal.SIGTERM)
    out, err = worker.communicate(timeout=30)
    assert worker.returncode == 0, err[-2000:]
    totals = json.loads(out.strip().splitlines()[-1])
    assert totals["confirmed"] >= 13, totals  # 12 opening-stock offers, then the putaway
    with database.reading() as s:
        unit = s.execute(sa.select(Unit).where(Unit.lpn == lpn)).scalar_one()
        beat = s.execute(sa.select(JobHeartbeat)).scalar_one()
    assert unit.reintegrated_at is not None
    assert beat.name == "e2e-worker"
    assert beat.info["totals"]["confirmed"] >= 13
