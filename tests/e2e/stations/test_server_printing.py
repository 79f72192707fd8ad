"""Server printing end to end: `wms serve`, `wms worker` and a fake Zebra on a TCP socket.

The browser station in Chromium scans a printer label, then a receipt of 10 units: 10 unit labels
arrive in order at the printer's socket. Paper out: jobs wait and the floor page says so; paper
back: each label prints once. A worker SIGKILLed while a label is in flight: after a restart no
label is lost, only that one prints twice, and it is flagged on the floor page.
"""

from __future__ import annotations

import re
import signal
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.stations.site import WmsServer, executable, server_env
from tests.e2e.stations.test_browser_station import browser_page, scan  # noqa: F401
from tests.stations.fakes import FakeZebra

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PRINTER = "ZEBRA-E2E"
WAIT = 30.0
LPN_IN_JOB = re.compile(rb"\^FD(LPN[0-9]{10})\^FS")  # the caption under the bars


def wait_for(condition: Callable[[], Any], timeout: float = WAIT, what: str = "") -> Any:
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        time.sleep(0.05)
    return result


def lpns(jobs: list[bytes]) -> list[str]:
    """The LPN of each unit label the printer received, in arrival order."""
    out = []
    for job in jobs:
        found = LPN_IN_JOB.search(job)
        assert found, job[:200]
        out.append(found.group(1).decode())
    return out


class Worker:
    """`wms worker` (print service only) as a process that can be SIGKILLed and restarted."""

    def __init__(self, server: WmsServer, directory: Path) -> None:
        self.server = server
        self.log_path = directory / "worker.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> Worker:
        env = server_env(
            self.server.db_path,
            self.server.site.secret_key,
            WMS_PRINTING__POLL_SECONDS="0.1",
            WMS_PRINTING__LEASE_SECONDS="2",
            WMS_PRINTING__RETRY_SECONDS="0.2",
            WMS_PRINTING__STATUS_TIMEOUT_SECONDS="0.5",
        )
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [executable("wms"), "worker", "--no-sync", "--no-jobs"],
                env=env, cwd=self.server.directory, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        return self

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-3000:]


@pytest.fixture
def zebra() -> Iterator[FakeZebra]:
    printer = FakeZebra()
    yield printer
    printer.close()


@pytest.fixture
def worker(server: WmsServer, tmp_path: Path, zebra: FakeZebra) -> Iterator[Worker]:
    """The printer registered with `wms printer add`, and a running print worker."""
    done = subprocess.run(
        [executable("wms"), "printer", "add", PRINTER, "--uri", zebra.url],
        env=server_env(server.db_path, server.site.secret_key),
        cwd=server.directory, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    running = Worker(server, tmp_path).start()
    yield running
    running.stop()


def job_rows(server: WmsServer) -> list[tuple[str, str, int, int]]:
    """(lpn, state, attempts, possible_duplicate) of every print job, in queue order."""
    return server.query(
        "SELECT lpn, state, attempts, possible_duplicate FROM print_jobs ORDER BY id"
    )


def login_supervisor(page: Any, server: WmsServer) -> None:
    page.goto(f"{server.url}/login")
    page.fill("input[name=login]", "supervisor")
    page.fill("input[name=password]", "supervisor-demo")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/(kpis|floor|)$"))


def printer_row(page: Any, server: WmsServer) -> str:
    page.goto(f"{server.url}/floor")
    return str(page.locator(f"#printer-{PRINTER}").inner_text())


@pytest.mark.browser
def test_a_browser_station_prints_a_receipt_on_a_network_printer_through_paper_out(
    browser_page: Any,  # noqa: F811
    server: WmsServer,
    worker: Worker,
    zebra: FakeZebra,
) -> None:
    page = browser_page
    page.goto(f"{server.url}/station")
    page.fill("#token", server.site.token("receipt"))
    page.click("button[type=submit]")
    page.wait_for_url(f"{server.url}/station")
    assert "ZEBRA-E2E" in scan(page, f"PRN-{PRINTER}")
    assert page.locator("#printer").text_content() == PRINTER
    scan(page, "OP-0001")
    scan(page, "CMD:BLIND")
    ean = server.site.ean("ALT-HP-01")
    scanned = [scan(page, ean).split(":")[0] for _ in range(10)]
    assert all(lpn.startswith("LPN") for lpn in scanned)
    assert page.locator("#labels a").count() == 0  # no PDF to print on the handheld
    assert "ZEBRA-E2E" in page.locator("#warnings").inner_text()

    received = zebra.wait_jobs(10, timeout=WAIT)
    assert lpns(received) == scanned, worker.log()
    wait_for(lambda: {r[1] for r in job_rows(server)} == {"printed"}, what="jobs printed")

    # Paper out: the next labels wait, the floor page shows why.
    zebra.state.paper_out = True
    more = [scan(page, ean).split(":")[0] for _ in range(3)]
    login_page = page.context.new_page()
    login_supervisor(login_page, server)

    def paper_out_shown() -> str | None:
        text = printer_row(login_page, server)
        return text if "нет бумаги" in text else None

    row = wait_for(paper_out_shown, what="paper out on the floor page")
    assert re.search(r"\b3\b", row), row
    time.sleep(1.0)  # the worker keeps checking; nothing goes out
    assert len(zebra.jobs) == 10
    zebra.state.paper_out = False
    received = zebra.wait_jobs(13, timeout=WAIT)
    wait_for(lambda: {r[1] for r in job_rows(server)} == {"printed"}, what="all printed")
    time.sleep(0.5)
    assert lpns(zebra.jobs) == scanned + more  # each label exactly once, in order
    assert "готов" in printer_row(login_page, server)


def scan_api(server: WmsServer, code: str) -> dict[str, Any]:
    """One scan through the station API (what `wms-station` sends)."""
    body = {
        "event_id": str(uuid.uuid4()),
        "code": code,
        "symbology": None,
        "scanned_at": datetime.now(UTC).isoformat(),
    }
    token = server.site.token("receipt")
    answer = httpx.post(
        f"{server.url}/api/v1/scan",
        json=body,
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def test_a_worker_killed_mid_queue_loses_no_label_and_flags_the_one_in_flight(
    server: WmsServer, worker: Worker, zebra: FakeZebra
) -> None:
    # The 4th label reaches the printer, which keeps the connection open a while: the worker
    # is killed exactly while that job is in flight (sent, not yet recorded as printed).
    zebra.hold_job, zebra.hold_seconds = 4, 3.0
    scan_api(server, f"PRN-{PRINTER}")
    scan_api(server, "OP-0001")
    scan_api(server, "CMD:BLIND")
    ean = server.site.ean("ALT-HP-01")
    queued = [scan_api(server, ean)["context"]["printer"] for _ in range(10)]
    assert queued == [{"name": PRINTER, "queued": 1}] * 10
    expected = [lpn for lpn, *_ in job_rows(server)]

    zebra.wait_jobs(4, timeout=WAIT)
    wait_for(lambda: [r[1] for r in job_rows(server)][3] == "sending", what="job 4 in flight")
    worker.kill()
    assert [r[1] for r in job_rows(server)][3] == "sending"
    time.sleep(zebra.hold_seconds)
    assert len(zebra.jobs) == 4  # nobody sends while the worker is down

    worker.start()  # takes over once the dead worker's printer lease has run out
    zebra.wait_jobs(11, timeout=WAIT)
    wait_for(lambda: {r[1] for r in job_rows(server)} == {"printed"}, what="all printed")
    time.sleep(0.5)
    arrived = lpns(zebra.jobs)
    assert sorted(set(arrived)) == sorted(expected)  # no label lost
    assert arrived == expected[:4] + expected[3:]  # only the in-flight one twice, order kept
    rows = job_rows(server)
    assert [bool(flag) for *_x, flag in rows] == [i == 3 for i in range(10)]
    assert rows[3][2] == 2  # sent twice
    with httpx.Client(base_url=server.url, timeout=10) as client:
        page = client.get("/login").text
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        assert token
        client.post(
            "/login",
            data={
                "csrf_token": token.group(1),
                "login": "supervisor",
                "password": "supervisor-demo",
            },
        )
        floor = client.get("/floor/live").text
    assert expected[3] in floor
    assert 'class="duplicate"' in floor
