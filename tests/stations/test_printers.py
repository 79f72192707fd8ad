"""Printers over real transports: a fake Zebra on TCP, a pty, a directory, a fake `lp`."""

from __future__ import annotations

import os
import stat
import sys
import threading
import time
from pathlib import Path

import pytest

from stations.printers import PrinterState, PrinterStatus, PrintQueue, open_printer
from stations.printers.base import PrinterError, parse_host_status
from stations.printers.cups import CupsPrinter
from stations.printers.directory import DirectoryPrinter
from stations.printers.serial import SerialZplPrinter
from stations.printers.tcp import TcpZplPrinter
from stations.settings import PrinterSection
from tests.stations.fakes import FakeZebra, ZebraState, host_status_answer
from tests.stations.ptys import Pty
from tests.support import free_port

LABEL = b"^XA^CI28^FO16,10^FDLPN0000000201^FS^XZ"


@pytest.fixture
def zebra() -> FakeZebra:
    fake = FakeZebra()
    yield fake
    fake.close()


def test_host_status_flags_are_read_from_the_documented_positions() -> None:
    assert parse_host_status(host_status_answer(ZebraState(labels_remaining=7))) == PrinterStatus(
        PrinterState.OK, "ready", 7
    )
    cases = {
        PrinterState.PAPER_OUT: ZebraState(paper_out=True, paused=True),
        PrinterState.HEAD_OPEN: ZebraState(head_open=True, paper_out=True),
        PrinterState.RIBBON_OUT: ZebraState(ribbon_out=True),
        PrinterState.PAUSED: ZebraState(paused=True),
    }
    for state, fake in cases.items():
        assert parse_host_status(host_status_answer(fake)).state is state
    with pytest.raises(ValueError, match="incomplete"):
        parse_host_status(host_status_answer(ZebraState())[:40])


def test_tcp_status_ok_paper_out_silent_and_unreachable(zebra: FakeZebra) -> None:
    printer = TcpZplPrinter("127.0.0.1", zebra.port, timeout=0.3)
    assert printer.status().state is PrinterState.OK
    zebra.state.paper_out = True
    assert printer.status().state is PrinterState.PAPER_OUT
    zebra.state.silent = True
    silent = printer.status()
    assert silent.state is PrinterState.NOT_READY
    assert "~HS" in silent.detail
    nobody = TcpZplPrinter("127.0.0.1", free_port(), timeout=0.3)
    assert nobody.status().state is PrinterState.OFFLINE
    with pytest.raises(PrinterError):
        nobody.print(LABEL)


def test_paper_out_keeps_the_job_tells_the_operator_and_prints_when_ready(
    zebra: FakeZebra,
) -> None:
    zebra.state.paper_out = True
    told: list[tuple[PrinterState, int]] = []
    printer = open_printer(zebra.url, PrinterSection(status_timeout_seconds=0.5))
    queue = PrintQueue(
        printer, retry_seconds=0.05, on_status=lambda s, n: told.append((s.state, n))
    )
    queue.submit_payload("unit LPN0000000201", LABEL)
    queue.start()
    try:
        time.sleep(0.3)
        assert zebra.jobs == []
        assert queue.pending == 1
        assert (PrinterState.PAPER_OUT, 1) in told
        asked = zebra.status_queries
        assert asked >= 2  # it keeps asking
        zebra.state.paper_out = False
        assert zebra.wait_jobs(1) == [LABEL]
        assert queue.wait_idle(2.0)
    finally:
        queue.stop()
    assert told[-1][0] is PrinterState.OK


def test_a_backlog_prints_back_to_back_not_one_job_per_retry(zebra: FakeZebra) -> None:
    queue = PrintQueue(TcpZplPrinter("127.0.0.1", zebra.port, timeout=0.5), retry_seconds=30)
    for n in range(5):
        queue.submit_payload(f"label {n}", LABEL)
    queue.start()
    try:
        assert queue.wait_idle(5.0)  # a retry pause between jobs would take minutes
    finally:
        queue.stop()
    assert zebra.wait_jobs(5) == [LABEL] * 5


def test_silent_printer_is_not_ready_and_nothing_is_sent(zebra: FakeZebra) -> None:
    zebra.state.silent = True
    queue = PrintQueue(TcpZplPrinter("127.0.0.1", zebra.port, timeout=0.2))
    queue.submit_payload("x", LABEL)
    assert queue.work_once() is False
    assert queue.status.state is PrinterState.NOT_READY
    zebra.state.silent = False
    assert queue.work_once() is True
    assert zebra.wait_jobs(1) == [LABEL]


def test_reprint_sends_the_last_label_again(zebra: FakeZebra) -> None:
    queue = PrintQueue(TcpZplPrinter("127.0.0.1", zebra.port, timeout=0.5))
    assert queue.reprint_last() is False
    queue.submit_payload("first", b"^XA^FDONE^FS^XZ")
    queue.submit_payload("second", LABEL)
    while not queue.work_once():
        pass
    assert queue.reprint_last() is True
    assert queue.work_once() is True
    assert zebra.wait_jobs(3) == [b"^XA^FDONE^FS^XZ", LABEL, LABEL]


def test_serial_printer_on_a_pty_answers_hs_and_receives_the_job(pty_pair: Pty) -> None:
    received = bytearray()
    stop = threading.Event()

    def printer_side() -> None:
        while not stop.is_set():
            try:
                chunk = os.read(pty_pair.master, 4096)
            except OSError:
                return
            received.extend(chunk)
            if b"~HS" in chunk:
                os.write(pty_pair.master, host_status_answer(ZebraState(paused=True)))

    threading.Thread(target=printer_side, daemon=True).start()
    printer = SerialZplPrinter(f"serial://{pty_pair.path}?baudrate=19200", timeout=1.0)
    try:
        assert printer.status().state is PrinterState.PAUSED
        printer.print(LABEL)
        deadline = time.monotonic() + 2
        while LABEL not in received and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        stop.set()
        printer.close()
    assert bytes(received) == b"~HS" + LABEL


def test_serial_printer_without_status_line() -> None:
    printer = SerialZplPrinter("serial:///dev/does-not-exist?status=off&baudrate=9600")
    assert printer.url == "serial:///dev/does-not-exist?baudrate=9600"
    assert printer.status().state is PrinterState.OFFLINE
    with pytest.raises(PrinterError):
        printer.print(LABEL)


def test_directory_printer_writes_one_complete_file_per_label(tmp_path: Path) -> None:
    printer = open_printer(f"dir://{tmp_path}")
    assert isinstance(printer, DirectoryPrinter)
    assert printer.status().state is PrinterState.OK
    printer.print(LABEL)
    printer.print(b"^XA^XZ")
    files = sorted(tmp_path.iterdir())
    assert [f.suffix for f in files] == [".zpl", ".zpl"]
    assert sorted(f.read_bytes() for f in files) == sorted([LABEL, b"^XA^XZ"])
    pdf = open_printer(f"dir://{tmp_path}/pdf?format=pdf")
    assert pdf.language == "pdf"
    assert pdf.status().state is PrinterState.OFFLINE  # directory missing
    with pytest.raises(PrinterError):
        pdf.print(b"%PDF-1.4")


def fake_command(tmp_path: Path, name: str, exit_code: int = 0) -> Path:
    """A stand-in for `lp`/`lpstat` that records its arguments and standard input."""
    script = tmp_path / name
    script.write_text(
        f"#!{sys.executable}\n"
        "import sys, pathlib\n"
        f"out = pathlib.Path({str(tmp_path)!r})\n"
        f"(out / '{name}.args').write_text(' '.join(sys.argv[1:]))\n"
        f"data = sys.stdin.buffer.read() if '{name}' == 'lp' else b''\n"
        f"(out / '{name}.stdin').write_bytes(data)\n"
        "print('printer zebra1 is idle.  enabled since now')\n"
        f"sys.stderr.write('lp: boom\\n' if {exit_code} else '')\n"
        f"sys.exit({exit_code})\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


def test_cups_printer_pipes_the_pdf_to_lp(tmp_path: Path) -> None:
    lp, lpstat = fake_command(tmp_path, "lp"), fake_command(tmp_path, "lpstat")
    printer = CupsPrinter("zebra1", command=[str(lp)], status_command=[str(lpstat)])
    assert printer.status().state is PrinterState.OK
    assert (tmp_path / "lpstat.args").read_text() == "-p zebra1"
    printer.print(b"%PDF-1.4 label")
    assert (tmp_path / "lp.args").read_text() == "-d zebra1"
    assert (tmp_path / "lp.stdin").read_bytes() == b"%PDF-1.4 label"


def test_cups_failure_keeps_the_job_in_the_queue(tmp_path: Path) -> None:
    lp = fake_command(tmp_path, "lp", exit_code=1)
    printer = CupsPrinter("zebra1", command=[str(lp)], status_command=["no-such-lpstat"])
    queue = PrintQueue(printer)
    queue.submit_payload("slip", b"%PDF-1.4")
    assert queue.work_once() is False
    assert queue.pending == 1
    assert "boom" in queue.status.detail
    assert CupsPrinter("q", command=["no-such-lp"]).status().state is PrinterState.OFFLINE


def test_open_printer_urls(tmp_path: Path) -> None:
    tcp = open_printer("tcp://10.0.0.5", PrinterSection(dpi=300))
    assert isinstance(tcp, TcpZplPrinter)
    assert (tcp.host, tcp.port, tcp.dpi) == ("10.0.0.5", 9100, 300)
    cups = open_printer("cups:Office_A4")
    assert isinstance(cups, CupsPrinter)
    assert cups.queue == "Office_A4"
    assert isinstance(open_printer("serial:///dev/ttyUSB0"), SerialZplPrinter)
    for bad in ("lpt://x", "tcp://", f"dir://{tmp_path}?format=png"):
        with pytest.raises(ValueError):
            open_printer(bad)
