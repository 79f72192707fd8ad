"""The server dies (SIGKILL) in the middle of a 50-unit receipt; `wms-station run` keeps going."""

from __future__ import annotations

import re
import signal
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from stations.journal import EventStatus
from tests.e2e.stations.proxy import AnswerLosingProxy
from tests.e2e.stations.rig import StationRig, labels_of, wait_for
from tests.e2e.stations.site import ROOT, WmsServer, executable, server_env
from tests.stations.fakes import FakeZebra
from tests.stations.ptys import Pty, open_pty, point_link

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

UNITS = 50
CRYPTO = "YXiyCTcmfQIzHpdlRJRsSb3ZDeAb4WB4XW/b9BtqNhQ="
KILL_AFTER = 25


class StationProcess:
    """`wms-station run` as operators start it, its screen going to a log file."""

    def __init__(
        self, directory: Path, url: str, server: WmsServer, scanner: Path, printer: str
    ) -> None:
        self.journal = directory / "journal.sqlite"
        self.out = directory / "station.out"
        env = server_env(
            server.db_path,
            server.site.secret_key,
            WMS_STATION__TOKEN=server.site.token("receipt"),
            WMS_STATION__HEARTBEAT_SECONDS="0.3",
            WMS_STATION__REQUEST_TIMEOUT_SECONDS="2",
            WMS_PRINTER__RETRY_SECONDS="0.2",
            WMS_SCANNER__FRAME_GAP_MS="100",
        )
        command = [
            executable("wms-station"), "run", "--server", url, "--role", "receipt",
            "--scanner", str(scanner), "--printer", printer, "--journal", str(self.journal),
        ]  # fmt: skip
        with self.out.open("w") as out:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, text=True
            )

    def output(self) -> str:
        return self.out.read_text(errors="replace")

    def journal_rows(self, sql: str) -> list[Any]:
        with sqlite3.connect(f"file:{self.journal}?mode=ro", uri=True, timeout=10) as db:
            return db.execute(sql).fetchall()

    def backlog(self) -> int:
        return int(self.journal_rows("SELECT count(*) FROM events WHERE status = 'pending'")[0][0])

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


@pytest.fixture
def pty_scanner(tmp_path: Path) -> Iterator[tuple[Pty, Path]]:
    pty = open_pty()
    link = tmp_path / "scanner"
    point_link(link, pty.path)
    yield pty, link
    pty.unplug()


def test_a_server_killed_mid_receipt_loses_nothing_and_duplicates_nothing(
    server: WmsServer, tmp_path: Path, pty_scanner: tuple[Pty, Path]
) -> None:
    pty, link = pty_scanner
    zebra = FakeZebra()
    proxy = AnswerLosingProxy(server.port)
    station = StationProcess(tmp_path, proxy.url, server, link, zebra.url)
    ean = server.site.ean("ALT-KT-02")
    try:
        wait_for(lambda: "scanner=ok printer=ok" in station.output(), timeout=20)
        for code in ("OP-0001", "CMD:BLIND"):
            pty.send(f"{code}\r\n".encode())
            time.sleep(0.3)
        for i in range(UNITS):
            if i + 1 == KILL_AFTER:
                # The worst moment: the server has committed this unit but dies before answering.
                proxy.lose_next_scan_answer()
            pty.send(f"{ean}\r\n".encode())
            if i + 1 == KILL_AFTER:
                assert proxy.answer_lost.wait(20)
                server.kill()
            time.sleep(0.05)
        wait_for(lambda: "OFFLINE" in station.output())
        wait_for(lambda: unit_labels(zebra) >= UNITS, timeout=30)
        server.start()  # same database, same port
        wait_for(lambda: station.backlog() == 0, timeout=60)
        pty.send(b"CMD:CLOSE\r\n")
        wait_for(lambda: any("ОРДЕР".encode() in j for j in zebra.jobs))
    finally:
        code = station.stop()
        zebra.close()
        proxy.close()
    output = station.output()
    assert code == 0, output[-3000:]

    units = server.query("SELECT lpn, state FROM units")
    server_lpns = {lpn for lpn, _state in units}
    assert len(units) == UNITS, "every unit exactly once on the server"
    assert len(server_lpns) == UNITS
    assert {state for _lpn, state in units} == {"received"}
    applied = server.query("SELECT count(*) FROM scan_events WHERE kind = 'product'")[0][0]
    assert applied == UNITS

    labels = labels_of(zebra.jobs)
    printed = [label.lpn for label in labels if label.kind == "unit"]
    assert len(printed) == len(set(printed)), "no LPN printed twice"
    assert server_lpns <= set(printed), "a label for every unit"
    # The scan whose answer was lost was applied with the server's own LPN: the station printed
    # an offline label for it, learnt the truth on replay, printed the right label and reported
    # the mismatch (the supervisor sees which label to replace). No other label is wrong.
    mismatched = station.journal_rows(
        "SELECT lpn, error FROM events WHERE status = 'failed' AND reported = 1"
    )
    ((offline_lpn, error),) = mismatched
    assert error.startswith(f"lpn_mismatch: label {offline_lpn} printed offline, server has LPN")
    assert set(printed) - server_lpns == {offline_lpn}
    server_lpn = error.rsplit(" ", 1)[-1]
    assert server_lpn in server_lpns
    assert f"Замените этикетку {offline_lpn} на {server_lpn} (напечатана)" in station.output()
    reports = server.query("SELECT code, message FROM floor_exceptions")
    assert reports == [(server.site.ean("ALT-KT-02"), "lpn_mismatch")]
    (slip,) = [label for label in labels if label.kind == "return_slip"]
    assert f"Единицы ({UNITS}):" in slip.texts
    offline = station.journal_rows("SELECT count(*) FROM events WHERE lpn IS NOT NULL")[0][0]
    assert offline >= UNITS - KILL_AFTER, "scans after the kill got reserved LPNs"
    assert "OFFLINE" in output
    statuses = re.findall(r"^\d\d:\d\d:\d\d status +(.*)$", output, re.MULTILINE)
    assert statuses[-1] == "online queued=0 scanner=ok printer=ok", statuses


def unit_labels(zebra: FakeZebra) -> int:
    return sum(1 for job in list(zebra.jobs) if b"^PW464" in job)


def test_offline_marked_goods_void_the_label_the_server_had_no_unit_for(
    rig: Callable[..., StationRig], server: WmsServer
) -> None:
    receipt = rig("receipt")
    sneakers, scarf = server.site.ean("KKT-SN-42"), server.site.ean("KKT-SC-01")
    receipt.ok("OP-0001")
    receipt.ok("512345679")
    server.kill()
    # Offline the station cannot know that sneakers need their DataMatrix first: it labels the
    # EAN scan, then the DataMatrix scan, then a scarf.
    marking = f"010{sneakers}21sN42offline\x1d91EE06\x1d92{CRYPTO}"
    told = [receipt.offline(sneakers), receipt.offline(marking, aim="]d2"), receipt.offline(scarf)]
    offline_lpns = [re.findall(r"LPN\d{10}", text)[0] for text in told]
    server.start()
    wait_for(lambda: receipt.station.journal.backlog() == 0)
    wait_for(lambda: not receipt.station.journal.unreported_failures())

    void, marked, scarf_lpn = offline_lpns
    units = dict(server.query("SELECT lpn, marking_code FROM units"))
    assert units == {marked: marking, scarf_lpn: None}
    (failed,) = receipt.station.journal.entries(EventStatus.FAILED)
    assert (failed.code, failed.lpn) == (sneakers, void)
    assert str(failed.error).startswith(f"lpn_void: label {void}")
    assert any(p.startswith(f"Снимите этикетку {void}") for _r, p, _s in receipt.view.answers())
    assert ("lpn_void",) in server.query("SELECT message FROM floor_exceptions")
    printed = [label.lpn for label in receipt.printed(3)]
    assert printed == offline_lpns  # one label per scan, none printed twice
