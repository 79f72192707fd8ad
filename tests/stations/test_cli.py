"""`wms-station` commands: test-print, install-font, scan-echo, and `run` as a real process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from stations.cli import main
from stations.printers.fonts import FONT_FILE
from tests.stations.fake_wms import TOKEN, FakeWms
from tests.stations.fakes import FakeZebra
from tests.stations.ptys import Pty
from tests.stations.station_kit import wait_for

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def zebra() -> Iterator[FakeZebra]:
    fake = FakeZebra()
    yield fake
    fake.close()


@pytest.fixture
def wms() -> Iterator[FakeWms]:
    server = FakeWms().start()
    yield server
    server.stop()


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env={"WMS_CONFIG": ""})
    return result.exit_code, result.output


def test_test_print_sends_a_label_and_reports_the_status(zebra: FakeZebra) -> None:
    code, out = invoke("test-print", "--printer", zebra.url, "--dpi", "300")
    assert code == 0, out
    assert "ok ready" in out
    assert "(zpl, 300 dpi)" in out
    [job] = zebra.wait_jobs(1)
    assert job.startswith(b"^XA")
    assert "Қазақша".encode() in job
    assert b"^FDLPN0000000000^FS" in job


def test_test_print_fails_clearly_when_the_printer_is_out_of_paper(zebra: FakeZebra) -> None:
    zebra.state.paper_out = True
    code, out = invoke("test-print", "--printer", zebra.url)
    assert code == 1
    assert "paper_out" in out
    assert "NOT printed" in out
    assert zebra.jobs == []


def test_test_print_to_a_pdf_directory(tmp_path: Path) -> None:
    code, out = invoke("test-print", "--printer", f"dir://{tmp_path}?format=pdf")
    assert code == 0, out
    [pdf] = tmp_path.glob("label-*.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")


def test_install_font_downloads_the_ttf_with_a_dy_header(zebra: FakeZebra) -> None:
    code, out = invoke("install-font", "--printer", zebra.url)
    assert code == 0, out
    data = FONT_FILE.read_bytes()
    [job] = zebra.wait_jobs(1)
    assert job == f"~DYE:DEJAVU.TTF,B,T,{len(data)},,".encode() + data


def test_bad_settings_are_usage_errors() -> None:
    code, out = invoke("test-print", "--printer", "tcp://127.0.0.1:9", "--dpi", "250")
    assert code == 2
    assert "250" in out


def test_scan_echo_shows_hex_text_aim_and_the_server_verdict(pty_pair: Pty, wms: FakeWms) -> None:
    def type_later() -> None:
        time.sleep(0.5)  # after the port is open (opening flushes the input)
        pty_pair.send(b"]C0LPN0000000001\r\n")

    threading.Thread(target=type_later, daemon=True).start()
    code, out = invoke(
        "scan-echo", "--scanner", pty_pair.path, "--server", wms.url, "--token", TOKEN,
        "--count", "1", "--timeout", "10",
    )  # fmt: skip
    assert code == 0, out
    assert "hex:    5d 43 30 4c 50 4e" in out
    assert "text:   LPN0000000001" in out
    assert "aim:    ]C0" in out
    assert "unique: True  product: False" in out
    assert "server: kind=lpn" in out


def test_run_as_a_process_scans_offline_replays_and_stops_on_sigterm(
    tmp_path: Path, wms: FakeWms, pty_pair: Pty
) -> None:
    labels = tmp_path / "labels"
    labels.mkdir()
    env = {**os.environ, "WMS_CONFIG": "", "WMS_STATION__TOKEN": TOKEN,
           "WMS_STATION__HEARTBEAT_SECONDS": "0.3"}  # fmt: skip
    proc = subprocess.Popen(
        [sys.executable, "-m", "stations.cli", "run", "--server", wms.url,
         "--scanner", pty_pair.path, "--printer", f"dir://{labels}",
         "--journal", str(tmp_path / "journal.sqlite")],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        wait_for(lambda: len(wms.heartbeats) >= 1, timeout=15)
        pty_pair.send(b"OP-0001\r\n4601234567893\r\n")
        wait_for(lambda: len(wms.applied) == 2)
        wms.stop()
        pty_pair.send(b"4601234567893\r\n")
        wait_for(lambda: len(list(labels.glob("label-*"))) == 2)
        wms.start()
        wait_for(lambda: len(wms.applied) == 3, timeout=15)
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert [b["lpn"] for b in wms.applied] == [None, None, "LPN0000000201"]
    lines = out.splitlines()
    assert any(line.endswith("ok              Сканируйте заказ") for line in lines), out
    assert any("offline" in line and "LPN0000000201" in line for line in lines), out
    assert lines[-1].endswith("status          online queued=0 scanner=ok printer=ok"), out


def test_run_without_a_token_is_a_usage_error(tmp_path: Path) -> None:
    code, out = invoke("run", "--scanner", "loop://", "--printer", f"dir://{tmp_path}")
    assert code == 2
    assert "token" in out


def test_unknown_device_urls_are_usage_errors() -> None:
    assert invoke("test-print", "--printer", "lpt://1")[0] == 2
    assert invoke("scan-echo", "--scanner", "serial://", "--count", "1")[0] == 2
