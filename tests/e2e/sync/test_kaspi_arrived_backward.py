"""A Kaspi return received at the receipt station → the Kaspi sandbox's order reads
ARRIVED_BACKWARD, through the real worker process (`wms sync run`), on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from tests.e2e.sync.worker import start_sync_worker, stop, sync_env
from tests.integration.test_scan_flows import CASE, HEADPHONES, receive
from tests.marketplaces.conftest import Control
from wms.db.models import OutboxMessage, OutboxStatus
from wms.sandbox import kaspi as kaspi_sandbox
from wms.sandbox.server import SandboxHandle
from wms.services.sync.demo import sandbox_seeds

pytestmark = pytest.mark.e2e
DEADLINE = 20.0


@pytest.fixture
def kaspi() -> Iterator[SandboxHandle]:
    with kaspi_sandbox.start_in_thread(seed={"merchants": []}, poll_interval=0) as handle:
        yield handle


@pytest.fixture
def worker(
    settings: Any, kaspi: SandboxHandle, demo: dict[str, Any], database: Any
) -> Iterator[subprocess.Popen[str]]:
    """`wms sync run` as its own process, pointed at the test database and the Kaspi sandbox."""
    with database.reading() as s:
        Control(kaspi).seed(sandbox_seeds(s, settings, "http://127.0.0.1:9")["kaspi"])
    process = start_sync_worker(sync_env(settings, kaspi=kaspi.url))
    yield process
    stop(process)


def _order(kaspi: SandboxHandle, code: str) -> dict[str, Any]:
    answer = httpx.get(f"{kaspi.url}/_sandbox/orders/{code}", timeout=5)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def _wait_for(kaspi: SandboxHandle, code: str, process: subprocess.Popen[str]) -> dict[str, Any]:
    started = time.monotonic()
    while time.monotonic() - started < DEADLINE:
        order = _order(kaspi, code)
        if order["status"] == "ARRIVED_BACKWARD":
            return order
        assert process.poll() is None, process.communicate()[1][-2000:]
        time.sleep(0.05)
    raise AssertionError(f"Kaspi order {code} still reads {_order(kaspi, code)}")


def test_a_kaspi_return_received_at_a_station_reads_arrived_backward(
    station: Any, database: Any, kaspi: SandboxHandle, worker: subprocess.Popen[str]
) -> None:
    before = _order(kaspi, "512345678")
    assert before["status"] == "KASPI_DELIVERY_RETURN_REQUESTED"
    assert _order(kaspi, "512345680")["status"] == "CANCELLING"
    receive(station("receipt"), "512345678", HEADPHONES, CASE, CASE)
    order = _wait_for(kaspi, "512345678", worker)
    assert order["writes"] == ["ARRIVED_BACKWARD"]  # sent once
    assert _order(kaspi, "512345680")["status"] == "CANCELLING"  # not received: untouched
    worker.send_signal(signal.SIGTERM)
    out, err = worker.communicate(timeout=30)
    assert worker.returncode == 0, err[-2000:]
    totals = json.loads(out.strip().splitlines()[-1])
    assert totals["written"] == 1, totals
    with database.reading() as s:
        rows = s.execute(
            sa.select(OutboxMessage.status, OutboxMessage.payload).where(
                OutboxMessage.topic == "kaspi.arrived_backward"
            )
        ).all()
    assert [(status, payload["code"]) for status, payload in rows] == [
        (OutboxStatus.DONE, "512345678")
    ]
    assert _order(kaspi, "512345678")["writes"] == ["ARRIVED_BACKWARD"]
