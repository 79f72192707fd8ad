"""A Kaspi return received at the receipt station → the Kaspi sandbox's order reads
ARRIVED_BACKWARD, through the real worker process (`wms sync run`), on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from tests.integration.test_scan_flows import CASE, HEADPHONES, receive
from tests.marketplaces.conftest import Control
from wms.db.models import OutboxMessage, OutboxStatus
from wms.sandbox import kaspi as kaspi_sandbox
from wms.sandbox.server import SandboxHandle
from wms.services.sync.demo import sandbox_seeds

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[3]
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
    env = {
        **os.environ,
        "WMS_DATABASE__URL": settings.database.url,
        "WMS_SERVER__SECRET_KEY": settings.server.secret_key,
        "WMS_MARKETPLACES__KASPI__BASE_URL": kaspi.url,
        "WMS_MARKETPLACES__WILDBERRIES__ENABLED": "false",
        "WMS_MARKETPLACES__OZON__ENABLED": "false",
        "WMS_SYNC__POLL_INTERVAL_SECONDS": "0.1",
    }
    command = [sys.executable, "-c", "from wms.cli import main; main()", "sync", "run"]
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    yield process
    if process.poll() is None:
        process.kill()
        process.communicate(timeout=10)


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
