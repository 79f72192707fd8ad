"""The floor's work bills itself: events written with the scans, once, and storage day by day."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from tests.integration.test_scan_flows import CASE, HEADPHONES, inspect, putaway, receive, repack
from wms.db.models import BillableEvent, Product
from wms.domain.billing import Period, Service
from wms.domain.grading import Decision
from wms.services import billing, invoicing, workflow
from wms.services import putaway as putaway_service
from wms.services.uow import SYSTEM, execute


def _events(database: Any, **where: Any) -> list[BillableEvent]:
    with database.reading() as session:
        query = sa.select(BillableEvent).filter_by(**where).order_by(BillableEvent.id)
        rows = list(session.scalars(query))
        session.expunge_all()
        return rows


def test_scans_bill_their_work_once_even_when_replayed(station: Any, database: Any) -> None:
    first, second = receive(station("receipt"), "512345678", HEADPHONES, CASE)
    inspection = station("inspection")
    inspection.ok("OP-0002")
    inspection.ok(first)
    event_id = str(uuid.uuid4())
    graded = inspection.post("CMD:GRADE-RESELLABLE", event_id=event_id)
    # The station replays the same scan (its answer was lost on the way back).
    assert inspection.post("CMD:GRADE-RESELLABLE", event_id=event_id) == graded
    putaway(station("putaway"), first, "BIN-M-01-02")
    assert station("putaway").post("BIN-M-01-02")["result"] == "error"  # nothing left to place
    with database.reading() as session:
        category = session.scalar(sa.select(Product.category).where(Product.sku == "ALT-HP-01"))
    billed = Counter((e.service, e.ref, e.qualifier) for e in _events(database))
    assert billed == {
        (Service.RECEIPT_ORDER, billed_order(database), ""): 1,
        (Service.RECEIPT_UNIT, first, ""): 1,
        (Service.RECEIPT_UNIT, second, ""): 1,
        (Service.INSPECTION_UNIT, first, category): 1,
        (Service.PUTAWAY, first, ""): 1,
    }


def billed_order(database: Any) -> str:
    (order,) = _events(database, service=Service.RECEIPT_ORDER)
    return order.ref


def test_repack_and_decisions_bill_on_completion(station: Any, database: Any) -> None:
    kept, dropped = receive(station("receipt"), "512345678", HEADPHONES, HEADPHONES)
    inspect(station("inspection"), kept, ["USED"], "GRADE-RESELLABLE-USED")
    assert repack(station("repack"), kept) == ["unit", "resale_sticker"]
    inspect(station("inspection"), dropped, ["WRONG-ITEM"], "GRADE-NON-RETURNABLE")
    execute(database, workflow.decide, SYSTEM, dropped, Decision.DISPOSE)
    services = Counter(e.service for e in _events(database))
    assert services[Service.REPACK] == 1
    assert services[Service.LABEL] == 1
    assert services[Service.DISPOSAL] == 1
    assert services[Service.INSPECTION_UNIT] == 2


STORAGE_CARD = [
    {"merchant": "", "service": "storage_unit_day", "qualifier": "stock_main", "price_first": "10"},
    {
        "merchant": "",
        "service": "storage_unit_day",
        "qualifier": "stock_resale",
        "price_first": "8",
    },
    {"merchant": "", "service": "storage_unit_day", "qualifier": "hold", "price_first": "5"},
    {"merchant": "", "service": "storage_bin_day", "qualifier": "", "price_first": "100"},
]


def test_storage_over_a_month_with_moves_between_zones(station: Any, database: Any) -> None:
    """Unit A: main stock all month, moved to another bin on day 7. Unit B: held (awaiting a
    decision) days 1–3, decided for resale on day 4 (in process: not stored), repacked and put
    away in resale stock on day 5."""
    a, b = receive(station("receipt"), "512345678", HEADPHONES, HEADPHONES)
    inspect(station("inspection"), a, [], "GRADE-RESELLABLE")
    putaway(station("putaway"), a, "BIN-M-01-02")
    inspect(station("inspection"), b, ["WRONG-ITEM"], "GRADE-NON-RETURNABLE")
    march = [date(2026, 3, d) for d in range(1, 32)]
    expected_by_day: dict[date, set[tuple[str, str, str]]] = {}
    for day in march:
        if day.day == 4:
            execute(database, workflow.decide, SYSTEM, b, Decision.RESALE)
        if day.day == 5:
            repack(station("repack"), b)
            putaway(station("putaway"), b, "BIN-S-01-01")
        if day.day == 7:
            execute(database, putaway_service.move_unit, SYSTEM, a, "BIN-M-02-01")
        execute(database, billing.snapshot_storage, day)
        execute(database, billing.snapshot_storage, day)  # a second run of the night: no change
        expected = {("storage_unit_day", a, "stock_main")}
        expected.add(
            ("storage_bin_day", "BIN-M-01-02" if day.day < 7 else "BIN-M-02-01", "stock_main")
        )
        if day.day <= 3:
            expected.add(("storage_unit_day", b, "hold"))
        elif day.day >= 5:
            expected.add(("storage_unit_day", b, "stock_resale"))
            expected.add(("storage_bin_day", "BIN-S-01-01", "stock_resale"))
        expected_by_day[day] = expected
    stored = [e for e in _events(database) if e.service.value.startswith("storage")]
    for day in march:
        got = {(e.service.value, e.ref, e.qualifier) for e in stored if e.day == day}
        assert got == expected_by_day[day], day
    assert len(stored) == sum(len(v) for v in expected_by_day.values())

    def setup(uow: Any) -> None:
        rows = [{**r, "valid_from": "2026-01-01"} for r in STORAGE_CARD]
        billing.import_rates(
            uow, SYSTEM, rows, ["merchant", "service", "qualifier", "valid_from", "price_first"]
        )

    execute(database, setup)
    results = execute(database, invoicing.run, SYSTEM, Period(2026, 3))
    altyn = next(r for r in results if r.merchant == "ALTYN")
    # main 31 × 10, hold 3 × 5, resale 27 × 8, bins (31 + 27) × 100; 12 % VAT.
    net = Decimal(31 * 10 + 3 * 5 + 27 * 8 + 58 * 100)
    assert altyn.total == net * Decimal("1.12")
    assert altyn.events == len(stored)  # the scans of today are in a later period
