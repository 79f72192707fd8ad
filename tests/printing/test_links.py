"""The server's printer links: raw TCP (`~HS`, `~HQOD`) against the fake Zebra, CUPS via `lp`."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from labels.zebra import PrinterState, odometer_complete, parse_odometer
from tests.stations.fakes import FakeZebra, odometer_answer
from tests.support import free_port
from wms.adapters.printers import CupsLink, SendFailed, TcpLink, link_for
from wms.domain.printing import PrinterSetupError


@pytest.fixture
def zebra() -> Iterator[FakeZebra]:
    printer = FakeZebra()
    yield printer
    printer.close()


def test_tcp_link_reads_status_and_odometer_and_sends(zebra: FakeZebra) -> None:
    link = TcpLink("127.0.0.1", zebra.port, timeout=0.5)
    assert link.status().state is PrinterState.OK
    assert link.odometer() is None  # this printer ignores ~HQOD
    zebra.state.answers_odometer = True
    assert link.odometer() == 0
    link.send(b"^XA^FDone^FS^XZ")
    assert zebra.wait_jobs(1) == [b"^XA^FDone^FS^XZ"]
    assert link.odometer() == 1  # 40 mm of label: one inch on the meter
    zebra.state.head_open = True
    assert link.status().state is PrinterState.HEAD_OPEN
    zebra.state.silent = True
    assert link.status().state is PrinterState.NOT_READY
    nobody = TcpLink("127.0.0.1", free_port(), timeout=0.5)
    assert nobody.status().state is PrinterState.OFFLINE
    assert nobody.odometer() is None
    with pytest.raises(SendFailed):
        nobody.send(b"^XA^XZ")


def test_odometer_answer_parsing() -> None:
    answer = odometer_answer(8234)
    assert odometer_complete(answer)
    assert not odometer_complete(answer[:10])
    assert parse_odometer(answer) == 8234
    assert parse_odometer(b"\x02garbage\x03") is None


@pytest.fixture
def cups_tools(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`lp` and `lpstat` stand-ins on PATH: lp stores the job, lpstat says what STATE holds."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (tmp_path / "state").write_text("printer Office is idle.  enabled since now\n")
    scripts = {
        "lp": f'#!/bin/sh\n[ -f {tmp_path}/fail ] && {{ echo "lp: No such queue" >&2; exit 1; }}\n'
        f'cat > {tmp_path}/job-$$\necho "request id is $2-1"\n',
        "lpstat": f"#!/bin/sh\ncat {tmp_path}/state\n",
    }
    for name, text in scripts.items():
        path = bin_dir / name
        path.write_text(text)
        path.chmod(path.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return tmp_path


def test_cups_link_prints_through_lp_and_reads_a_disabled_queue(cups_tools: Path) -> None:
    link = link_for("cups://Office")
    assert isinstance(link, CupsLink)
    assert link.status().state is PrinterState.OK
    assert link.odometer() is None
    link.send(b"%PDF-1.4 label")
    assert [p.read_bytes() for p in cups_tools.glob("job-*")] == [b"%PDF-1.4 label"]
    (cups_tools / "state").write_text("printer Office disabled since now -\n\tPaused\n")
    assert link.status().state is PrinterState.PAUSED
    (cups_tools / "fail").touch()
    with pytest.raises(SendFailed, match="No such queue"):
        link.send(b"%PDF")


def test_link_for_refuses_unknown_addresses() -> None:
    assert isinstance(link_for("tcp://127.0.0.1:9100"), TcpLink)
    with pytest.raises(PrinterSetupError):
        link_for("serial:///dev/ttyUSB0")
