"""The serial scanner on real pyserial ports: a pty, loop:// and socket://."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest
import serial

from stations.scanners import open_scanner
from stations.scanners.base import Scan, ScannerState
from stations.scanners.serial import SerialScanner, SerialUrlError, parse_serial_url
from stations.settings import ScannerSection
from tests.stations.ptys import Pty, open_pty, point_link
from tests.support import free_port

MARKING = b"0104690257528523" + b"21k3LInNbH_oG0Q" + b"\x1d91EE06\x1d92YXiyDk="


def read_scans(scanner: SerialScanner, count: int, within: float = 3.0) -> list[Scan]:
    scans: list[Scan] = []
    deadline = time.monotonic() + within
    while len(scans) < count and time.monotonic() < deadline:
        if (scan := scanner.read(0.1)) is not None:
            scans.append(scan)
    return scans


def wait_state(scanner: SerialScanner, state: ScannerState, within: float = 5.0) -> None:
    deadline = time.monotonic() + within
    while scanner.state is not state and time.monotonic() < deadline:
        scanner.read(0.05)
    assert scanner.state is state


def test_serial_url_parsing() -> None:
    assert parse_serial_url("serial:///dev/ttyACM0?baudrate=115200") == (
        "/dev/ttyACM0",
        {"baudrate": 115200},
    )
    assert parse_serial_url("serial://COM3?parity=e&stopbits=2&rtscts=1") == (
        "COM3",
        {"parity": "E", "stopbits": 2, "rtscts": True},
    )
    assert parse_serial_url("loop://") == ("loop://", {})
    assert parse_serial_url("socket://127.0.0.1:7000") == ("socket://127.0.0.1:7000", {})
    assert parse_serial_url("/dev/pts/3") == ("/dev/pts/3", {})
    with pytest.raises(SerialUrlError):
        parse_serial_url("serial:///dev/ttyACM0?speed=fast")
    with pytest.raises(SerialUrlError):
        SerialScanner("serial://")


def test_pty_frames_aim_gs_noise_and_partials(pty_pair: Pty) -> None:
    scanner = SerialScanner(pty_pair.path, frame_gap_seconds=0.2)
    try:
        wait_state(scanner, ScannerState.OK)
        pty_pair.send(b"]E04601234567893\r")
        pty_pair.send(b"\n]d2" + MARKING[:20])  # CRLF split across writes, frame split too
        time.sleep(0.05)
        pty_pair.send(MARKING[20:] + b"\r\n")
        pty_pair.send(b"NO\x07ISE\r\n")  # control character: refused
        scans = read_scans(scanner, 2)
        pty_pair.send(b"4601234")  # partial, then silence longer than the gap
        assert scanner.read(0.5) is None
        pty_pair.send(b"]C0LPN0000000042\n")
        scans += read_scans(scanner, 1)
    finally:
        scanner.close()
    assert [(s.symbology, s.code) for s in scans] == [
        ("]E0", "4601234567893"),
        ("]d2", MARKING.decode()),
        ("]C0", "LPN0000000042"),
    ]
    assert scans[1].raw == b"]d2" + MARKING


def test_oversize_frame_on_a_pty_is_refused_and_reported(pty_pair: Pty) -> None:
    scanner = SerialScanner(f"serial://{pty_pair.path}?baudrate=19200", max_frame_length=32)
    try:
        wait_state(scanner, ScannerState.OK)
        pty_pair.send(b"A" * 100 + b"\r\nLPN0000000001\r\n")
        scans = read_scans(scanner, 2, within=1.0)
    finally:
        scanner.close()
    # The refused frame comes as a marked scan so the station can tell the operator.
    assert [(s.code, s.problem) for s in scans] == [
        ("A" * 32, "frame longer than 32 bytes"),
        ("LPN0000000001", None),
    ]


def test_loop_url_through_serial_for_url() -> None:
    port = serial.serial_for_url("loop://", timeout=0.05)
    scanner = SerialScanner("loop://", opener=lambda *_a, **_k: port)
    port.write(b"4601234567893\r\n4601234567893\r\n")
    scans = read_scans(scanner, 2)
    assert [s.code for s in scans] == ["4601234567893", "4601234567893"]
    scanner.close()


def test_unplug_and_replug_at_the_same_path_recovers(
    tmp_path: Path, pty_factory: list[Pty]
) -> None:
    link = tmp_path / "scanner"
    first = open_pty()
    pty_factory.append(first)
    point_link(link, first.path)
    scanner = SerialScanner(str(link))
    try:
        wait_state(scanner, ScannerState.OK)
        first.send(b"LPN0000000001\r")
        assert [s.code for s in read_scans(scanner, 1)] == ["LPN0000000001"]
        first.unplug()
        wait_state(scanner, ScannerState.DISCONNECTED)
        started = time.monotonic()
        assert scanner.read(0.3) is None  # never blocks past its timeout while unplugged
        assert time.monotonic() - started < 1.0
        second = open_pty()
        pty_factory.append(second)
        point_link(link, second.path)
        wait_state(scanner, ScannerState.OK, within=8.0)
        second.send(b"LPN0000000002\r")
        assert [s.code for s in read_scans(scanner, 1)] == ["LPN0000000002"]
    finally:
        scanner.close()


def test_socket_scanner_reconnects_after_the_peer_goes_away() -> None:
    port = free_port()
    listener = socket.create_server(("127.0.0.1", port))
    accepted: list[socket.socket] = []

    def accept_two() -> None:
        for _ in range(2):
            conn, _ = listener.accept()
            accepted.append(conn)

    threading.Thread(target=accept_two, daemon=True).start()
    scanner = SerialScanner(f"socket://127.0.0.1:{port}")
    try:
        wait_state(scanner, ScannerState.OK)
        deadline = time.monotonic() + 3
        while not accepted and time.monotonic() < deadline:
            time.sleep(0.01)
        accepted[0].sendall(b"OP-0001\r\n")
        assert [s.code for s in read_scans(scanner, 1)] == ["OP-0001"]
        accepted[0].close()
        wait_state(scanner, ScannerState.DISCONNECTED)
        wait_state(scanner, ScannerState.OK, within=8.0)
        deadline = time.monotonic() + 3
        while len(accepted) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        accepted[1].sendall(b"BIN-A-01\r\n")
        assert [s.code for s in read_scans(scanner, 1)] == ["BIN-A-01"]
    finally:
        scanner.close()
        for conn in accepted:
            conn.close()
        listener.close()


def test_open_scanner_picks_the_reader_by_url(pty_pair: Pty) -> None:
    scanner = open_scanner(pty_pair.path, ScannerSection(frame_gap_ms=150))
    assert isinstance(scanner, SerialScanner)
    assert scanner.description == pty_pair.path
    scanner.close()
