"""Stations assigned to a server printer: scans queue their labels there instead of answering them."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from tests.conftest import Station
from wms.db.models import PrintJob
from wms.db.models import Station as StationRow
from wms.services import printers
from wms.services.demo import PRODUCTS, ean13
from wms.services.uow import SYSTEM, execute

EAN = {sku: ean13(base) for _m, sku, *_x, base in PRODUCTS}
HEADPHONES, CASE = EAN["ALT-HP-01"], EAN["ALT-PC-03"]


def queued(app: Any) -> list[tuple[str, str | None, bool, int | None]]:
    with app.extensions["wms"].db.reading() as session:
        rows = session.execute(
            sa.select(PrintJob.kind, PrintJob.lpn, PrintJob.reprint, PrintJob.station_id).order_by(
                PrintJob.id
            )
        ).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def test_scanning_a_printer_label_sends_the_stations_labels_to_that_printer(
    station: Callable[[str], Station], app: Any
) -> None:
    db = app.extensions["wms"].db
    execute(db, printers.add_printer, SYSTEM, "ZEBRA-1", "tcp://127.0.0.1:9")
    receipt = station("receipt")
    refused = receipt.fail("PRN-NOPE")
    assert "NOPE" in refused["prompt"]["en"]
    chosen = receipt.ok("PRN-ZEBRA-1")  # works before the operator logs in
    assert chosen["prompt"]["ru"] == "Этикетки этой станции печатает принтер ZEBRA-1"
    receipt.ok("OP-0001")
    receipt.ok("CMD:BLIND")
    event = str(uuid.uuid4())
    first = receipt.ok(HEADPHONES, event_id=event)
    assert first["print"] == []
    assert first["context"]["printer"] == {"name": "ZEBRA-1", "queued": 1}
    assert "ZEBRA-1" in first["context"]["warnings"][-1]["ru"]
    again = receipt.ok(HEADPHONES, event_id=event)  # a retried scan: the stored answer
    assert again == first
    receipt.ok(CASE)
    reprinted = receipt.ok("CMD:REPRINT")
    assert reprinted["print"] == []
    jobs = queued(app)
    assert [(k, r) for k, _lpn, r, _s in jobs] == [("unit", False), ("unit", False), ("unit", True)]
    assert jobs[1][1] == jobs[2][1]  # the reprint is the last label again
    with db.reading() as session:
        station_id = session.execute(
            sa.select(StationRow.id).where(StationRow.printer_id.is_not(None))
        ).scalar_one()
    assert {s for *_x, s in jobs} == {station_id}


def test_a_station_without_a_printer_still_gets_its_labels(
    station: Callable[[str], Station], app: Any
) -> None:
    execute(app.extensions["wms"].db, printers.add_printer, SYSTEM, "ZEBRA-1", "tcp://h:9100")
    receipt = station("receipt")
    receipt.ok("OP-0001")
    receipt.ok("CMD:BLIND")
    (label,) = receipt.ok(HEADPHONES)["print"]
    assert label["kind"] == "unit"
    assert queued(app) == []
