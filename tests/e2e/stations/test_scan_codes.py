"""What scanners really send, through a pty to the real server: keyboard layouts, GS1 marking
codes with GS separators, double reads, EAN repeats and line noise (DESIGN 3.4 and 4.2)."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from stations.journal import EventStatus
from tests.e2e.stations.rig import StationRig, wait_for
from tests.e2e.stations.site import WmsServer
from wms.domain.keyboard_layouts import type_through

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

MakeRig = Callable[..., StationRig]
GS = "\x1d"
CRYPTO = "YXiyCTcmfQIzHpdlRJRsSb3ZDeAb4WB4XW/b9BtqNhQ="


def marking_code(gtin14: str, serial: str) -> str:
    """A Честный ЗНАК / ISMET DataMatrix as the scanner sends it: GS before each variable AI."""
    return f"01{gtin14}21{serial}{GS}91EE06{GS}92{CRYPTO}"


def server_codes(server: WmsServer) -> list[str]:
    """Codes of every scan the server applied, in order (raw, as the station sent them)."""
    return [code for (code,) in server.query("SELECT code FROM scan_events ORDER BY id")]


def test_russian_and_kazakh_layouts_are_repaired_and_the_operator_is_told(
    rig: MakeRig, server: WmsServer
) -> None:
    receipt = rig("receipt")
    badge = type_through("OP-0001", "ru")
    assert badge == "ЩЗ-0001"
    hello = receipt.ok(badge)
    assert hello["context"]["operator"]["badge"] == "OP-0001"
    # The server's warning, shown in the station's language: switch the scanner to USB-COM.
    assert any("USB-COM" in w for w in receipt.view.last.warnings), receipt.view.last.warnings
    receipt.ok("512345678")
    lpn = receipt.ok(server.site.ean("ALT-HP-01"))["context"]["unit"]["lpn"]
    receipt.ok(type_through("CMD:CLOSE", "ru"))

    inspection = rig("inspection")
    inspection.ok(type_through("OP-0002", "kk"))
    typed = type_through(lpn, "kk")  # the Kazakh digit row types letters too
    assert not any(c.isdigit() for c in typed)
    started = inspection.ok(typed)
    assert started["context"]["unit"]["lpn"] == lpn
    assert any("USB-COM" in w for w in inspection.view.last.warnings)
    # The journal and the server keep what was typed; only the meaning was repaired.
    assert inspection.station.journal.entries()[-1].code == typed
    assert server_codes(server)[-1] == typed
    repaired = server.query("SELECT kind FROM scan_events WHERE code = ?", (typed,))
    assert repaired == [("lpn",)]


def test_marking_codes_double_reads_ean_repeats_and_noise(rig: MakeRig, server: WmsServer) -> None:
    receipt = rig("receipt")
    sneakers, scarf = server.site.ean("KKT-SN-42"), server.site.ean("KKT-SC-01")
    receipt.ok("OP-0001")
    receipt.ok("512345679")  # KOKTEM: one pair of (marked) sneakers announced
    asked = receipt.scan(sneakers)
    assert asked["result"] == "action_required"
    assert "DataMatrix" in asked["prompt"]["en"]

    # A GS1 DataMatrix with its AIM prefix and GS separators, byte for byte over the wire.
    code = marking_code("0" + sneakers, "k3LInNbH_oG0Q")
    unit = receipt.ok(code, aim="]d2")
    lpn = unit["context"]["unit"]["lpn"]
    entry = receipt.station.journal.entries()[-1]
    assert (entry.code, entry.symbology) == (code, "]d2")
    stored = server.query("SELECT marking_code, marking_ki FROM units WHERE lpn = ?", (lpn,))
    assert stored == [(code, f"010{sneakers}21k3LInNbH_oG0Q")]

    # The scanner reads the same DataMatrix twice: one unit. Three reads of an EAN: three scans
    # sent (never dropped as repeats); the scarf was not announced, so the server asks before
    # each one becomes a unit (issue 10), and CMD:CONFIRM takes the one that is really there.
    before = receipt.journal_size
    receipt.send(f"]d2{code}\r\n".encode())
    receipt.send(f"{scarf}\r\n{scarf}\r\n{scarf}\r\n".encode())
    scarves = receipt.wait_settled(before, 3)
    assert [e.code for e in scarves] == [scarf] * 3
    assert all(e.status is EventStatus.SENT for e in scarves)
    for entry in scarves:
        assert entry.response is not None
        assert entry.response["result"] == "action_required"
        assert entry.response["print"] == []
    confirmed = receipt.ok("CMD:CONFIRM")
    assert confirmed["context"]["unit"]["sku"] == "KKT-SC-01"
    assert len(receipt.printed(2)) == 2  # the sneakers and the confirmed scarf, nothing more

    # Line noise: control bytes, an unterminated burst, an overlong frame. None reaches the server.
    before = receipt.journal_size
    receipt.send(b"\x00\x13\xff\xfe\x07\x1b[2J\r\n")
    receipt.send(b"48700200")  # half a frame, then silence longer than the frame gap
    time.sleep(0.3)
    receipt.send(b"A" * 600 + b"\r\n")
    # Printable garbage is a scan: the server says it does not know it, and tells the supervisor.
    refused = receipt.scan("%%garbage%%")
    assert refused["result"] == "error"
    assert refused["sound"] == "error"
    assert receipt.view.last.result == "error"
    assert [e.code for e in receipt.station.journal.entries() if e.seq > before] == ["%%garbage%%"]
    closed = receipt.ok("CMD:CLOSE")
    assert closed["context"]["code"]["kind"] == "command"
    assert server_codes(server) == [
        "OP-0001", "512345679", sneakers, code, scarf, scarf, scarf, "CMD:CONFIRM", "%%garbage%%",
        "CMD:CLOSE",
    ]  # fmt: skip
    kinds = server.query("SELECT kind FROM floor_exceptions ORDER BY id")
    assert ("unknown_barcode",) in kinds
    wait_for(lambda: len(receipt.zebra.jobs) == 3)  # + the slip
