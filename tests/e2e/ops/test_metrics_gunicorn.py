"""Under gunicorn with several worker processes, /metrics adds up every process's counters
(prometheus_client multiprocess mode, as the systemd unit in docs/operations.md sets it up)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.support import free_port

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def backend() -> str:
    return "sqlite"


def _count(text: str) -> float:
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            labels = sample.labels
            if (
                sample.name == "wms_http_requests_total"
                and labels.get("area") == "ops"
                and labels.get("status") == "200"
            ):
                return sample.value
    return 0.0


def test_metrics_add_up_every_gunicorn_worker(settings: Any, tmp_path: Path) -> None:
    port = free_port()
    folder = tmp_path / "metrics"
    folder.mkdir()
    env = {
        **os.environ,
        "WMS_DATABASE__URL": settings.database.url,
        "WMS_SERVER__SECRET_KEY": settings.server.secret_key,
        "PROMETHEUS_MULTIPROC_DIR": str(folder),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "3", "--threads", "2"]
        + ["--bind", f"127.0.0.1:{port}", "wms:create_app()"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "gunicorn.log").open("wb"),
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90  # a loaded CI machine boots slowly
        while True:
            try:
                httpx.get(f"{url}/healthz", timeout=5)
                break
            except httpx.TransportError:
                assert server.poll() is None, (tmp_path / "gunicorn.log").read_text()[-2000:]
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        before = _count(httpx.get(f"{url}/metrics").text)
        pids = set()
        for _ in range(40):  # new connections: the requests spread over the workers
            with httpx.Client() as client:
                client.get(f"{url}/healthz")
        for file in folder.glob("counter_*.db"):
            pids.add(file.stem.split("_")[-1])
        assert len(pids) >= 2, "the requests did not reach several workers"
        scrapes = [_count(httpx.get(f"{url}/metrics").text) for _ in range(6)]
        # every scrape, whichever worker answers it, counts all 40 requests (and earlier scrapes)
        for i, value in enumerate(scrapes):
            assert value >= before + 41 + i, scrapes
        assert scrapes == sorted(scrapes)
    finally:
        server.send_signal(signal.SIGQUIT)  # quick shutdown
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
