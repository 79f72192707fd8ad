"""Scanner unplugged and plugged back, printer out of paper: the station copes, nothing is lost."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.e2e.stations.rig import StationRig, wait_for
from tests.e2e.stations.site import WmsServer
from tests.stations.ptys import open_pty, point_link

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

MakeRig = Callable[..., StationRig]


def test_an_unplugged_scanner_comes_back_at_the_same_path_without_a_restart(
    rig: MakeRig, server: WmsServer
) -> None:
    receipt = rig("receipt")
    receipt.ok("OP-0001")
    receipt.send(b"51234")  # half a frame when the cable is pulled
    receipt.pty.unplug()
    wait_for(lambda: receipt.view.last.scanner == "disconnected")  # shown on the screen
    # The heartbeat tells the dashboard.
    wait_for(lambda: server.station_row("receipt-1")["scanner_status"] == "disconnected")

    receipt.pty = open_pty()  # plugged back in: a new device node behind the same name
    point_link(receipt.link, receipt.pty.path)
    wait_for(lambda: receipt.station.scanner.state.value == "ok")
    opened = receipt.ok("512345678")
    assert opened["context"]["return_order"]["order_code"] == "512345678"
    assert opened["context"]["operator"]["badge"] == "OP-0001"  # same session on the server
    unit = receipt.ok(server.site.ean("ALT-HP-01"))
    assert receipt.printed(1)[0].lpn == unit["context"]["unit"]["lpn"]
    codes = server.query("SELECT code FROM scan_events ORDER BY id")
    assert [c for (c,) in codes] == ["OP-0001", "512345678", server.site.ean("ALT-HP-01")]
    wait_for(lambda: server.station_row("receipt-1")["scanner_status"] == "ok")


def test_paper_out_is_told_nothing_is_lost_and_labels_print_when_paper_is_back(
    rig: MakeRig, server: WmsServer
) -> None:
    receipt = rig("receipt")
    receipt.ok("OP-0001")
    receipt.ok("512345678")
    receipt.zebra.state.paper_out = True
    eans = [server.site.ean("ALT-HP-01"), server.site.ean("ALT-PC-03")]
    lpns = [receipt.ok(ean)["context"]["unit"]["lpn"] for ean in eans]

    wait_for(lambda: receipt.view.last.labels_waiting == 2)
    screen = receipt.view.last
    assert screen.printer == "paper_out"
    assert screen.notice == "Принтер: нет бумаги. Этикеток ждёт: 2"
    assert any(s.notice and sound == "attention" for s, sound in receipt.view.shown)
    assert receipt.zebra.jobs == []
    # Nothing is lost: the units are on the server, the dashboard sees the printer problem.
    assert [server.unit(lpn)["unit"]["state"] for lpn in lpns] == ["received", "received"]
    wait_for(lambda: server.station_row("receipt-1")["printer_status"] == "paper_out")

    receipt.zebra.state.paper_out = False
    assert [label.lpn for label in receipt.printed(2)] == lpns
    wait_for(lambda: receipt.view.last.notice is None and receipt.view.last.labels_waiting == 0)
    wait_for(lambda: server.station_row("receipt-1")["printer_status"] == "ok")
    closed = receipt.ok("CMD:CLOSE")
    assert closed["print"][0]["kind"] == "return_slip"
    assert receipt.printed(3)[2].kind == "return_slip"
