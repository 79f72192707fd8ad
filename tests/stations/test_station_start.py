"""`wms-station run` as a real process: first prompt, logs off the screen, one journal per station,
missing printer refused at start, too-long scans told (issue 10)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.stations.fake_wms import TOKEN, FakeWms
from tests.stations.ptys import Pty
from tests.stations.station_kit import wait_for

ROOT = Path(__file__).resolve().parents[2]


class StationProcess:
    """`python -m stations.cli run …` with stdout and stderr collected line by line."""

    def __init__(self, args: list[str], *, cwd: Path, token: str = TOKEN) -> None:
        env = {**os.environ, "WMS_CONFIG": "", "WMS_STATION__TOKEN": token,
               "WMS_STATION__HEARTBEAT_SECONDS": "0.3", "PYTHONPATH": str(ROOT)}  # fmt: skip
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "stations.cli", "run", *args],
            cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        self.out: list[str] = []
        self.err: list[str] = []
        for stream, lines in ((self.proc.stdout, self.out), (self.proc.stderr, self.err)):
            threading.Thread(target=_collect, args=(stream, lines), daemon=True).start()

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=20)


def _collect(stream: object, lines: list[str]) -> None:
    for line in stream:  # type: ignore[attr-defined]
        lines.append(line.rstrip("\n"))


@pytest.fixture
def wms() -> Iterator[FakeWms]:
    server = FakeWms().start()
    yield server
    server.stop()


@pytest.fixture
def labels(tmp_path: Path) -> Path:
    folder = tmp_path / "labels"
    folder.mkdir()
    return folder


def station_args(wms: FakeWms, scanner: str, labels: Path, *extra: str) -> list[str]:
    return ["--server", wms.url, "--scanner", scanner, "--printer", f"dir://{labels}", *extra]


def test_first_prompt_is_shown_before_any_scan_and_logs_stay_off_the_screen(
    tmp_path: Path, wms: FakeWms, pty_pair: Pty, labels: Path
) -> None:
    journal = tmp_path / "journal.sqlite"
    station = StationProcess(
        station_args(wms, pty_pair.path, labels, "--journal", str(journal)), cwd=tmp_path
    )
    try:
        wait_for(lambda: any("Отсканируйте свой бейдж" in line for line in station.out), 15)
        wait_for(lambda: len(wms.heartbeats) >= 1, timeout=15)
        pty_pair.send(b"OP-0001\r\n")
        wait_for(lambda: len(wms.applied) == 1)
    finally:
        assert station.stop() == 0, station.err
    assert wms.applied_codes() == ["OP-0001"]
    # The screen (stdout) has prompts and status only; stderr stays empty; logs are in the file.
    assert not any("INFO" in line or "WARNING" in line for line in station.out), station.out
    assert station.err == []
    log = journal.with_suffix(".log").read_text(encoding="utf-8")
    assert "server reachable: online" in log


def test_log_stderr_flag_sends_log_lines_to_stderr(
    tmp_path: Path, wms: FakeWms, pty_pair: Pty, labels: Path
) -> None:
    journal = tmp_path / "journal.sqlite"
    args = station_args(wms, pty_pair.path, labels, "--journal", str(journal), "--log-stderr")
    station = StationProcess(args, cwd=tmp_path)
    try:
        wait_for(lambda: any("server reachable: online" in line for line in station.err), 15)
    finally:
        assert station.stop() == 0, station.err
    assert not journal.with_suffix(".log").exists()


def test_two_stations_started_in_one_folder_get_their_own_journals(
    tmp_path: Path, pty_factory: list[Pty], labels: Path
) -> None:
    from tests.stations.ptys import open_pty

    servers = [FakeWms(token=f"token-{n}").start() for n in (1, 2)]
    ptys = [open_pty(), open_pty()]
    pty_factory.extend(ptys)
    stations = [
        StationProcess(station_args(wms, p.path, labels), cwd=tmp_path, token=wms.token)
        for wms, p in zip(servers, ptys, strict=True)
    ]
    try:
        for wms in servers:
            wait_for(lambda wms=wms: len(wms.heartbeats) >= 1, timeout=15)  # type: ignore[misc]
        for n, (wms, p) in enumerate(zip(servers, ptys, strict=True)):
            p.send(f"OP-000{n + 1}\r\n".encode())
            wait_for(lambda wms=wms: len(wms.applied) == 1)  # type: ignore[misc]
    finally:
        codes = [station.stop() for station in stations]
        for wms in servers:
            wms.stop()
    assert codes == [0, 0], [s.err for s in stations]
    assert [wms.applied_codes() for wms in servers] == [["OP-0001"], ["OP-0002"]]
    journals = sorted((tmp_path / "var").glob("station-*.sqlite"))
    assert len(journals) == 2, journals


def test_a_journal_held_by_a_running_station_is_refused_to_a_second_one(
    tmp_path: Path, wms: FakeWms, pty_factory: list[Pty], labels: Path
) -> None:
    from tests.stations.ptys import open_pty

    journal = str(tmp_path / "shared.sqlite")
    first_pty, second_pty = open_pty(), open_pty()
    pty_factory.extend([first_pty, second_pty])
    first = StationProcess(
        station_args(wms, first_pty.path, labels, "--journal", journal), cwd=tmp_path
    )
    try:
        wait_for(lambda: len(wms.heartbeats) >= 1, timeout=15)
        second = StationProcess(
            station_args(wms, second_pty.path, labels, "--journal", journal), cwd=tmp_path
        )
        assert second.proc.wait(timeout=20) != 0
        wait_for(lambda: bool(second.err))
        assert second.err == [f"Журнал {journal} уже занят другой станцией. Укажите свой --journal"]
    finally:
        assert first.stop() == 0, first.err


@pytest.mark.parametrize(
    ("printer", "language", "expected"),
    [
        ("dir://{tmp}/no-such-folder", "ru",
         "Папка принтера {tmp}/no-such-folder не существует. Создайте её или исправьте --printer"),
        ("dir://{tmp}/no-such-folder", "kk",
         "{tmp}/no-such-folder принтер қалтасы жоқ. Оны жасаңыз немесе --printer түзетіңіз"),
        ("serial://{tmp}/ttyUSB9", "en",
         "Printer device {tmp}/ttyUSB9 not found. Check the cable and --printer"),
    ],
)  # fmt: skip
def test_a_missing_printer_folder_or_device_stops_the_start_with_a_clear_message(
    tmp_path: Path, wms: FakeWms, pty_pair: Pty, printer: str, language: str, expected: str
) -> None:
    tmp = str(tmp_path)
    station = StationProcess(
        ["--server", wms.url, "--scanner", pty_pair.path, "--language", language,
         "--printer", printer.format(tmp=tmp), "--journal", f"{tmp}/journal.sqlite"],
        cwd=tmp_path,
    )  # fmt: skip
    try:
        code = station.proc.wait(timeout=20)
    finally:
        station.stop()
    wait_for(lambda: bool(station.err))
    assert code != 0
    assert station.err == [expected.format(tmp=tmp)]
    assert wms.heartbeats == []  # it never ran


def test_a_too_long_scan_is_told_on_screen_and_not_sent(
    tmp_path: Path, wms: FakeWms, pty_pair: Pty, labels: Path
) -> None:
    args = station_args(wms, pty_pair.path, labels, "--journal", str(tmp_path / "j.sqlite"))
    station = StationProcess(args, cwd=tmp_path)
    try:
        wait_for(lambda: len(wms.heartbeats) >= 1, timeout=15)
        pty_pair.send(b"OP-0001\r\n")
        wait_for(lambda: len(wms.applied) == 1)
        pty_pair.send(b"4" * 2000 + b"\r\n")
        told = "Скан слишком длинный (больше 512 символов) и не принят"
        wait_for(lambda: any(told in line for line in station.out), timeout=10)
        pty_pair.send(b"4601234567893\r\n")
        wait_for(lambda: len(wms.applied) == 2)
    finally:
        assert station.stop() == 0, station.err
    assert wms.applied_codes() == ["OP-0001", "4601234567893"]
    [line] = [line for line in station.out if told in line]
    assert line.split()[1] == "error"
