"""Invoice runs on SQLite and PostgreSQL: drafts recalculate, replays bill once, finals freeze."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa

from wms.db.models import BillableEvent, Invoice, Merchant, RateCardLine
from wms.domain.billing import Period, Service
from wms.domain.billing_rates import COLUMNS, RatesRefused
from wms.domain.errors import IllegalTransition, InvalidInput
from wms.domain.invoices import InvoiceState
from wms.services import billing, catalog, invoicing
from wms.services.uow import SYSTEM, UnitOfWork, execute

D = Decimal
JAN = Period(2026, 1)
CARD = """merchant,service,qualifier,valid_from,valid_to,first_qty,price_first,price_additional,min_charge,max_charge,percent,vat_percent
,receipt_unit,,2026-01-01,,,100,,,,,12
ACME,receipt_unit,,2026-01-01,2026-01-15,2,200,150,,,,12
ACME,receipt_unit,,2026-01-16,,,120,,,,,12
,storage_unit_day,stock_main,2026-01-01,,,10,,500,,,12
"""


def _rows(text: str) -> tuple[list[dict[str, str | None]], list[str]]:
    reader = csv.DictReader(io.StringIO(text))
    return list(reader), list(reader.fieldnames or [])


def _at(day: int, month: int = 1) -> datetime:
    return datetime(2026, month, day, 6, 0, tzinfo=UTC)  # 11:00 in Almaty, same day


@pytest.fixture
def acme(database) -> int:
    def setup(uow: UnitOfWork) -> int:
        merchant = catalog.create_merchant(uow, SYSTEM, "ACME", "Acme")
        catalog.create_merchant(uow, SYSTEM, "BETA", "Beta")
        billing.import_rates(uow, SYSTEM, *_rows(CARD))
        return merchant.id

    return execute(database, setup)


def _record(database, merchant_id: int, key: str, service: Service, day: int, **kw) -> None:
    execute(database, billing.record, merchant_id, service, key, at=_at(day), **kw)


def _run(database, period: Period = JAN) -> dict[str, invoicing.RunResult]:
    results = execute(database, invoicing.run, SYSTEM, period)
    return {r.merchant: r for r in results}


def test_run_prices_by_version_and_tier_and_reruns_change_nothing(database, acme: int) -> None:
    for day in (3, 4, 5, 20, 21):
        _record(database, acme, f"receipt:{day}", Service.RECEIPT_UNIT, day)
    _record(database, acme, "receipt:3", Service.RECEIPT_UNIT, 3)  # the same work again
    _record(database, acme, "store:1", Service.STORAGE_UNIT_DAY, 7, qualifier="stock_main")
    first = _run(database)
    # 2 × 200 + 1 × 150 (tier) + 2 × 120 (new version) + storage minimum 500, then 12 % VAT.
    net = D(400 + 150 + 240 + 500)
    assert first["ACME"].total == net + net * D("0.12")
    assert first["ACME"].events == 6
    assert first["BETA"].total == 0
    assert first["BETA"].events == 0
    again = _run(database)
    assert again["ACME"].invoice_id == first["ACME"].invoice_id
    assert again["ACME"].total == first["ACME"].total
    with database.reading() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(BillableEvent)) == 6
        invoice = session.get(Invoice, first["ACME"].invoice_id)
        assert [ln.net for ln in invoice.lines] == [D(550), D(240), D(500)]


def test_finalised_invoices_never_change_and_late_events_go_to_the_next(database, acme) -> None:
    _record(database, acme, "a", Service.RECEIPT_UNIT, 20)
    invoice_id = _run(database)["ACME"].invoice_id

    def finalise(uow: UnitOfWork) -> str | None:
        return invoicing.finalise(uow, SYSTEM, invoicing.get(uow.session, invoice_id)).number

    assert execute(database, finalise) == "INV-0000001"
    _record(database, acme, "late", Service.RECEIPT_UNIT, 25)  # arrives after finalising
    rerun = _run(database)["ACME"]
    assert (rerun.state, rerun.total, rerun.recalculated) == (
        InvoiceState.FINAL,
        D("134.40"),
        False,
    )
    with pytest.raises(IllegalTransition):
        execute(database, finalise)
    february = _run(database, Period(2026, 2))["ACME"]
    assert february.events == 1
    assert february.total == D("134.40")
    # Another merchant's first final invoice takes the next number: no gaps, no repeats.
    beta_id = _run(database)["BETA"].invoice_id
    number = execute(
        database,
        lambda uow: invoicing.finalise(uow, SYSTEM, invoicing.get(uow.session, beta_id)).number,
    )
    assert number == "INV-0000002"


def test_credit_notes_and_cancel(database, acme: int) -> None:
    _record(database, acme, "a", Service.RECEIPT_UNIT, 20)
    _record(database, acme, "s", Service.STORAGE_UNIT_DAY, 20, qualifier="stock_main")
    invoice_id = _run(database)["ACME"].invoice_id

    def act(uow: UnitOfWork, what: str) -> object:
        invoice = invoicing.get(uow.session, invoice_id)
        if what == "finalise":
            return invoicing.finalise(uow, SYSTEM, invoice).number
        if what == "credit1":
            return invoicing.credit(uow, SYSTEM, invoice, "damaged by us", [1]).total
        return invoicing.cancel(uow, SYSTEM, invoice, "wrong merchant")

    execute(database, act, "finalise")
    assert execute(database, act, "credit1") == D("-134.40")
    with pytest.raises(InvalidInput):  # line 1 already credited: only 560 left, full is 694.40
        execute(database, act, "cancel")
    with database.reading() as session:
        invoice = session.get(Invoice, invoice_id)
        assert invoice.state is InvoiceState.FINAL
        assert invoice.total == D("694.40")
        notes = session.scalars(sa.select(Invoice).where(Invoice.credit_of_id == invoice_id)).all()
        assert [n.number for n in notes] == ["CN-0000001"]


def test_cancelled_draft_frees_its_events(database, acme: int) -> None:
    _record(database, acme, "a", Service.RECEIPT_UNIT, 20)
    first = _run(database)["ACME"].invoice_id
    execute(
        database,
        lambda uow: invoicing.cancel(uow, SYSTEM, invoicing.get(uow.session, first)),
    )
    second = _run(database)["ACME"]
    assert second.invoice_id != first
    assert second.events == 1


def test_bad_rate_card_changes_nothing(database, acme: int) -> None:
    bad = (
        ",".join(COLUMNS)
        + "\nACME,receipt_unit,,2026-01-10,,,1,,,,,\n,repack,,2026-01-01,,,-1,,,,,\n"
    )
    with pytest.raises(RatesRefused) as err:
        execute(database, billing.import_rates, SYSTEM, *_rows(bad))
    assert [p[1]["line"] for p in err.value.problems] == [2, 3]
    with database.reading() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(RateCardLine)) == 4
        assert session.scalar(sa.select(Merchant.id).where(Merchant.code == "ACME")) == acme


def test_period_day_is_warehouse_local(database, acme: int) -> None:
    # 20:00 UTC on 31 January is already 1 February in Almaty.
    execute(
        database,
        billing.record,
        acme,
        Service.RECEIPT_UNIT,
        "edge",
        at=datetime(2026, 1, 31, 20, 0, tzinfo=UTC),
    )
    with database.reading() as session:
        assert session.scalar(sa.select(BillableEvent.day)) == date(2026, 2, 1)
    assert _run(database)["ACME"].events == 0
