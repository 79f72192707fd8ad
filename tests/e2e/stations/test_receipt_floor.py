"""Receipt as operators live it (issue 10): a pty scanner, a TCP Zebra, the real server."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.e2e.stations.rig import StationRig
from tests.e2e.stations.site import WmsServer

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_a_receipt_shift_says_what_happened_and_what_to_do(
    rig: Callable[..., StationRig], server: WmsServer
) -> None:
    site = server.site
    kettle, scarf = site.ean("ALT-KT-02"), site.ean("KKT-SC-01")
    receipt = rig("receipt")
    receipt.ok("OP-0001")

    # An unknown order code opens an empty unannounced return; the next order cancels it.
    number = receipt.ok("7700055501")["context"]["return_order"]["number"]
    opened = receipt.ok("512345680")
    assert receipt.view.last.prompt.startswith(f"Пустой возврат {number} (7700055501)")
    assert "Чайник электрический Samovar 1.7 л 0/1" in receipt.view.last.prompt
    assert opened["context"]["expected"] == [
        {
            "sku": "ALT-KT-02",
            "name": "Чайник электрический Samovar 1.7 л",
            "expected": 1,
            "scanned": 0,
        }
    ]
    state = server.query("SELECT state FROM return_orders WHERE number = ?", (number,))
    assert state == [("cancelled",)]

    # A unit scanned by mistake: CMD:UNDO names the label to peel off.
    lpn = receipt.ok(kettle)["context"]["unit"]["lpn"]
    receipt.ok("CMD:UNDO")
    assert f"снимите с товара этикетку {lpn}" in receipt.view.last.prompt
    receipt.ok(kettle)
    assert "Всё по заявке принято" in receipt.view.last.prompt
    receipt.ok("CMD:CLOSE")
    assert "Сканируйте код заказа" in receipt.view.last.prompt

    # The same order again: when, where, by whom; nothing opened.
    orders = server.query("SELECT count(*) FROM return_orders")
    again = receipt.scan("512345680")
    assert again["result"] == "error"
    shown = receipt.view.last.prompt
    for said in ("уже принят", "receipt-1", "Айгуль Сапарова"):
        assert said in shown, shown
    assert server.query("SELECT count(*) FROM return_orders") == orders

    # Another merchant's product in a blind return is named as such.
    receipt.ok("CMD:BLIND")
    receipt.ok(kettle)
    refused = receipt.scan(scarf)
    assert refused["result"] == "error"
    assert "Көктем Киім" in receipt.view.last.prompt


def test_inspection_and_putaway_say_what_to_do_next(
    rig: Callable[..., StationRig], server: WmsServer
) -> None:
    receipt = rig("receipt")
    receipt.ok("OP-0001")
    receipt.ok("512345680")
    lpn = receipt.ok(server.site.ean("ALT-KT-02"))["context"]["unit"]["lpn"]
    receipt.ok("CMD:CLOSE")

    inspection = rig("inspection")
    inspection.ok("OP-0002")
    started = inspection.ok(lpn)
    shown = inspection.view.last.prompt
    assert "CMD:NOT-WORKING" in shown
    assert "Предлагается: годен, новый — CMD:GRADE-RESELLABLE" in shown
    assert "CMD:GRADE-REPAIR" in started["context"]["commands"]
    inspection.ok("CMD:GRADE-RESELLABLE")
    assert "Отнесите в зону «основной склад»" in inspection.view.last.prompt

    putaway = rig("putaway")
    putaway.ok("OP-0003")
    putaway.ok(lpn)
    # The demo's opening stock of the kettle lies in BIN-M-01-01.
    assert "Предлагается ячейка BIN-M-01-01" in putaway.view.last.prompt
    putaway.ok("BIN-M-01-01")
    assert putaway.view.last.prompt.startswith(f"{lpn} размещён в ячейку BIN-M-01-01")
    putaway.ok(lpn)
    assert putaway.view.last.prompt.startswith(f"{lpn} сейчас в ячейке BIN-M-01-01")
    putaway.ok("BIN-M-02-01")
    assert "теперь в ячейке BIN-M-02-01" in putaway.view.last.prompt
