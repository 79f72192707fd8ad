"""A full return through every station role: real server, pty scanners, TCP Zebra printers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.e2e.stations.rig import Label, StationRig
from tests.e2e.stations.site import WmsServer

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

MakeRig = Callable[..., StationRig]


def assert_printed_as_asked(label: Label, spec: dict[str, Any]) -> None:
    """The printed ZPL carries what the server's LabelSpec asked for."""
    fields = spec["fields"]
    assert label.kind == spec["kind"]
    if "lpn" in fields:
        assert label.lpn == fields["lpn"]
    for key in ("grade", "next_zone", "sku"):
        if fields.get(key):
            assert shown(fields[key], label.texts), (key, label.texts)


def shown(value: str, texts: list[str]) -> bool:
    """Whether a field is on the label, whole or shortened with an ellipsis to fit."""
    for text in texts:
        if value in text:
            return True
        head = text.removeprefix("→ ").removesuffix("…")
        if text.endswith("…") and len(head) >= 3 and value.startswith(head):
            return True
    return False


def scan_printing(station: StationRig, code: str, kinds: list[str]) -> list[Label]:
    """A scan whose answer asks for labels of these kinds; they reach the printer intact."""
    jobs_before = len(station.zebra.jobs)
    answer = station.ok(code)
    assert [spec["kind"] for spec in answer["print"]] == kinds, answer["prompt"]["en"]
    labels = station.printed(jobs_before + len(kinds))[jobs_before:]
    for label, spec in zip(labels, answer["print"], strict=True):
        assert_printed_as_asked(label, spec)
    return labels


def test_a_return_goes_through_every_station_and_every_grade(
    rig: MakeRig, server: WmsServer
) -> None:
    site = server.site
    headphones, case = site.ean("ALT-HP-01"), site.ean("ALT-PC-03")
    before = server.stock("ALT-HP-01", "ALTYN")

    # Receipt: badge, the announced Kaspi order (one headphone, two cases), four units (each an
    # LPN label), close (slip). Headphones over the announced one are confirmed one by one.
    receipt = rig("receipt")
    assert receipt.ok("OP-0001")["context"]["operator"]["badge"] == "OP-0001"
    opened = receipt.ok("512345678")
    assert opened["context"]["return_order"]["order_code"] == "512345678"
    assert [(x["sku"], x["scanned"], x["expected"]) for x in opened["context"]["expected"]] == [
        ("ALT-HP-01", 0, 1),
        ("ALT-PC-03", 0, 2),
    ]
    units = [scan_printing(receipt, headphones, ["unit"])[0]]
    for _ in range(2):
        jobs = len(receipt.zebra.jobs)
        over = receipt.ok(headphones)
        assert over["result"] == "action_required"
        assert over["print"] == []
        assert receipt.view.last.prompt.startswith("Сверх заявленного количества")
        assert len(receipt.zebra.jobs) == jobs  # no silent extra label
        units += scan_printing(receipt, "CMD:CONFIRM", ["unit"])
    units += scan_printing(receipt, case, ["unit"])
    lpns = [label.lpn for label in units]
    assert len(set(lpns)) == 4
    (slip,) = scan_printing(receipt, "CMD:CLOSE", ["return_slip"])
    assert slip.barcodes == ["512345678"]
    assert all(any(lpn in text for text in slip.texts) for lpn in lpns), slip.texts
    assert receipt.view.last.result == "ok"
    new, used, broken, wrong = lpns

    # Inspection: one grade per unit, each printing the updated unit label.
    inspection = rig("inspection")
    inspection.ok("OP-0002")
    for lpn, checks, grade in (
        (new, [], "GRADE-RESELLABLE"),
        (used, ["USED"], "GRADE-RESELLABLE-USED"),
        (broken, ["NOT-WORKING"], "GRADE-REPAIR"),
        (wrong, ["WRONG-ITEM"], "GRADE-NON-RETURNABLE"),
    ):
        assert inspection.ok(lpn)["context"]["unit"]["lpn"] == lpn
        for check in checks:
            inspection.ok(f"CMD:{check}")
        (label,) = scan_printing(inspection, f"CMD:{grade}", ["unit"])
        assert label.lpn == lpn

    # Repair, then repack: a new unit label, and a resale sticker for the resale channel.
    repair = rig("repair")
    repair.ok("OP-0003")
    repair.ok(broken)
    assert scan_printing(repair, "CMD:REPAIR-DONE", ["unit"])[0].lpn == broken
    repack = rig("repack")
    repack.ok("OP-0003")
    for lpn in (used, broken):
        repack.ok(lpn)
        unit, sticker = scan_printing(repack, "CMD:REPACKED", ["unit", "resale_sticker"])
        assert unit.lpn == sticker.lpn == lpn
        assert "Ресейл −7 %" in sticker.texts  # ALTYN's resale discount

    # Putaway: the bin of the right zone; nothing to print.
    putaway = rig("putaway")
    putaway.ok("OP-0003")
    for lpn, bin_code in ((new, "BIN-M-01-02"), (used, "BIN-S-01-01"), (broken, "BIN-S-01-02")):
        assert putaway.ok(lpn)["result"] == "action_required"
        assert putaway.ok(bin_code)["result"] == "ok"
    assert putaway.zebra.jobs == []

    after = server.stock("ALT-HP-01", "ALTYN")
    assert after.get("main", 0) == before.get("main", 0) + 1
    assert after.get("resale", 0) == before.get("resale", 0) + 2
    states = {lpn: server.unit(lpn)["unit"] for lpn in lpns}
    assert [(states[x]["state"], states[x]["channel"]) for x in (new, used, broken)] == [
        ("in_stock", "main"),
        ("in_stock", "resale"),
        ("in_stock", "resale"),
    ]
    assert states[wrong]["state"] == "awaiting_decision"
    # Every station worked online, in order, with nothing left queued.
    for station in (receipt, inspection, repair, repack, putaway):
        assert station.station.journal.backlog() == 0
        assert station.zebra.status_queries >= 1  # ~HS before printing
