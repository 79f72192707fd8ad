"""Video of every opened parcel, end to end: `wms-station run` with ffmpeg's test picture as the
camera, the real server; the clip lands on the return order, and waits out a server outage."""

from __future__ import annotations

import hashlib
import json
import signal
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.stations.rig import wait_for
from tests.e2e.stations.site import ROOT, WmsServer, executable, server_env
from tests.stations.fakes import FakeZebra
from tests.stations.ptys import Pty, open_pty, point_link
from tests.support import CHROMIUM, need_chromium

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CAMERA = "lavfi:testsrc=size=320x240:rate=10"
ORDER = "512345678"  # announced demo return of ALTYN


class RecordingStation:
    """`wms-station run --camera lavfi:testsrc…` as a process, scanning from a pty."""

    def __init__(self, directory: Path, server: WmsServer) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.journal = directory / "journal.sqlite"
        self.clip_dir = directory / "clips"
        self.out = directory / "station.out"
        self.pty: Pty = open_pty()
        link = directory / "scanner"
        point_link(link, self.pty.path)
        self.zebra = FakeZebra()
        env = server_env(
            server.db_path,
            server.site.secret_key,
            WMS_STATION__TOKEN=server.site.token("receipt"),
            WMS_STATION__HEARTBEAT_SECONDS="0.3",
            WMS_STATION__REQUEST_TIMEOUT_SECONDS="2",
            WMS_PRINTER__RETRY_SECONDS="0.2",
            WMS_SCANNER__FRAME_GAP_MS="100",
            WMS_CAMERA__DIR=str(self.clip_dir),
        )
        command = [
            executable("wms-station"), "run", "--server", server.url, "--role", "receipt",
            "--scanner", str(link), "--printer", self.zebra.url, "--journal", str(self.journal),
            "--camera", CAMERA,
        ]  # fmt: skip
        with self.out.open("w") as out:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, text=True
            )
        wait_for(lambda: "scanner=ok printer=ok" in self.output(), timeout=20)

    def scan(self, code: str, pause: float = 0.4) -> None:
        self.pty.send(f"{code}\r\n".encode())
        time.sleep(pause)

    def output(self) -> str:
        return self.out.read_text(errors="replace")

    def rows(self, sql: str) -> list[Any]:
        with sqlite3.connect(f"file:{self.journal}?mode=ro", uri=True, timeout=10) as db:
            return db.execute(sql).fetchall()

    def clips(self) -> list[tuple[str, str, int]]:
        """(order code, status, attempts) of every clip in the journal."""
        return [tuple(r) for r in self.rows("SELECT order_code, status, attempts FROM clips")]

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.pty.unplug()
        self.zebra.close()
        return self.process.returncode


@pytest.fixture
def station(server: WmsServer, tmp_path: Path) -> Iterator[RecordingStation]:
    st = RecordingStation(tmp_path / "station", server)
    yield st
    code = st.stop()
    assert code == 0, st.output()[-3000:]


def probe_seconds(path: Path) -> float:
    done = subprocess.run(
        ["/usr/bin/ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "json",
         str(path)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return float(json.loads(done.stdout)["format"]["duration"])


def server_clips(server: WmsServer) -> list[tuple[Any, ...]]:
    return server.query(
        "SELECT c.order_code, o.order_code, c.path, c.sha256, c.size, c.duration_ms,"
        " c.operator_id FROM clips c JOIN return_orders o ON o.id = c.return_order_id"
    )


def check_stored(server: WmsServer) -> Path:
    """The one clip on the server: attached to the scanned order, intact, playable."""
    ((code, order_code, path, sha256, size, duration_ms, operator_id),) = server_clips(server)
    assert (code, order_code) == (ORDER, ORDER)
    assert operator_id is not None
    stored = server.directory / "var" / "clips" / path
    data = stored.read_bytes()
    assert (len(data), hashlib.sha256(data).hexdigest()) == (size, sha256)
    assert probe_seconds(stored) > 0
    assert duration_ms > 0
    return stored


def test_a_receipt_with_a_camera_puts_its_clip_on_the_return_order(
    server: WmsServer, station: RecordingStation
) -> None:
    ean = server.site.ean("ALT-HP-01")
    for code in ("OP-0001", ORDER, ean):
        station.scan(code)
    time.sleep(1.5)  # the parcel is being opened on camera
    station.scan("CMD:CLOSE")
    wait_for(lambda: station.clips() and station.clips()[0][1] == "sent", timeout=40)
    check_stored(server)
    # Sent clips leave the station's disk; the journal keeps the record.
    assert not list(station.clip_dir.glob("*.mp4"))
    ((order_id,),) = server.query("SELECT id FROM return_orders WHERE order_code = ?", (ORDER,))
    # The supervisor and the order's merchant play it on the order page in Chromium.
    for user, password in (("supervisor", "supervisor-demo"), ("altyn", "altyn-demo-pass")):
        assert play_in_browser(server, user, password, f"/returns/{order_id}") > 0


def play_in_browser(server: WmsServer, user: str, password: str, path: str) -> float:
    """Log in, open the page, load its video: the duration Chromium reads from the clip."""
    need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page()
            page.goto(server.url + "/login")
            page.fill("input[name=login]", user)
            page.fill("input[name=password]", password)
            page.click("button[type=submit]")
            page.wait_for_load_state("networkidle")
            page.goto(server.url + path)
            assert "Видео вскрытия" in page.content()
            page.wait_for_function(
                "() => document.querySelector('#clips video').readyState >= 1", timeout=20000
            )
            return float(page.evaluate("() => document.querySelector('#clips video').duration"))
        finally:
            browser.close()


def test_with_the_server_down_the_clip_waits_and_is_uploaded_when_it_is_back(
    server: WmsServer, station: RecordingStation
) -> None:
    ean = server.site.ean("ALT-HP-01")
    station.scan("OP-0001")
    server.kill()
    # The whole receipt happens offline: the order code, a unit (offline LPN) and the close.
    for code in (ORDER, ean):
        station.scan(code)
    time.sleep(1.5)
    station.scan("CMD:CLOSE")
    wait_for(lambda: bool(station.clips()) and station.clips()[0][1] == "pending", timeout=30)
    time.sleep(2)  # a few upload rounds while the server is away
    ((code, status, _attempts),) = station.clips()
    assert (code, status) == (ORDER, "pending")
    assert len(list(station.clip_dir.glob("*.mp4"))) == 1
    server.start()  # same database, same port
    wait_for(lambda: station.clips()[0][1] == "sent", timeout=60)
    stored = check_stored(server)
    assert probe_seconds(stored) > 1.0
    backlog = station.rows("SELECT count(*) FROM events WHERE status = 'pending'")[0][0]
    assert backlog == 0
    ((state,),) = server.query("SELECT state FROM return_orders WHERE order_code = ?", (ORDER,))
    assert state == "received"
