"""Invoice PDF and XLSX: text extracts from the PDF, and the workbook matches it line by line."""

from __future__ import annotations

import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl

from tests.integration.billing.test_invoice_runs import _at
from wms.db.models import Invoice
from wms.domain.billing import Service
from wms.services import billing, catalog, invoicing
from wms.services.invoice_documents import line_cells, service_name
from wms.services.uow import SYSTEM, UnitOfWork, execute

CARD = """merchant,service,qualifier,valid_from,first_qty,price_first,price_additional,min_charge,max_charge,percent
,receipt_unit,,2026-01-01,3,200,150.50,,,
,storage_unit_day,stock_main,2026-01-01,,12.25,,1000,,
,disposal,,2026-01-01,,900,,,,
"""


def _setup(uow: UnitOfWork) -> int:
    import csv
    import io

    merchant = catalog.create_merchant(uow, SYSTEM, "ARDAK", "ТОО «Ардақ Сауда»")
    reader = csv.DictReader(io.StringIO(CARD))
    billing.import_rates(uow, SYSTEM, list(reader), list(reader.fieldnames or []))
    for n in range(5):
        billing.record(
            uow, merchant.id, Service.RECEIPT_UNIT, f"r{n}", ref=f"LPN{n:010d}", at=_at(n + 1)
        )
    for day in range(1, 11):
        billing.record(
            uow,
            merchant.id,
            Service.STORAGE_UNIT_DAY,
            f"s{day}",
            qualifier="stock_main",
            at=_at(day),
        )
    billing.record(uow, merchant.id, Service.PHOTO, "p1", at=_at(2))  # no rate: listed, not charged
    return merchant.id


def test_pdf_and_xlsx_agree(database: Any, tmp_path: Path) -> None:
    from wms.domain.billing import Period

    execute(database, _setup)
    (result,) = [
        r
        for r in execute(database, invoicing.run, SYSTEM, Period(2026, 1))
        if r.merchant == "ARDAK"
    ]
    invoice_id = result.invoice_id
    execute(
        database,
        lambda uow: invoicing.finalise(uow, SYSTEM, invoicing.get(uow.session, invoice_id)),
    )
    from wms.services import invoice_documents as documents

    pdf, xlsx = tmp_path / "inv.pdf", tmp_path / "inv.xlsx"
    with database.reading() as session:
        invoice = session.get(Invoice, invoice_id)
        pdf.write_bytes(documents.render_pdf(session, invoice, "ru"))
        with xlsx.open("wb") as handle:
            documents.write_xlsx(session, invoice, handle, "ru")
        expected_lines = [line_cells(line, "ru") for line in invoice.lines]
        total = invoice.total
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout.replace("\u00a0", " ")  # pdftotext gives the no-break spaces back as spaces
    assert "Счёт на оплату INV-0000001" in text
    assert "ТОО «Ардақ Сауда» (ARDAK)" in text  # Cyrillic and Kazakh letters survive
    assert "Период: 2026-01" in text
    for cells in expected_lines:
        for cell in cells[1:]:
            assert cell.replace("\u00a0", " ") in text, cell
    # 3 × 200 + 2 × 150,50 = 901,00; storage 10 × 12,25 = 122,50 → minimum 1 000,00; VAT 12 %.
    assert "901,00" in text
    assert "1 000,00" in text
    assert f"{total:,.2f}".replace(",", " ").replace(".", ",") + " тенге" in text
    assert total == (Decimal("901.00") + Decimal("1000.00")) * Decimal("1.12")

    book = openpyxl.load_workbook(xlsx, read_only=True)
    lines_sheet, events_sheet = book.worksheets
    rows = list(lines_sheet.iter_rows(values_only=True))
    assert rows[0][1] == "INV-0000001"
    header_at = next(i for i, r in enumerate(rows) if r and r[0] == "#")
    lines = [r for r in rows[header_at + 1 :] if r and isinstance(r[0], int)]
    assert len(lines) == len(expected_lines) == 2
    for row, cells in zip(lines, expected_lines, strict=True):
        assert row[1] == cells[1] == service_name(row[2], "ru")
        assert Decimal(str(row[11])).quantize(Decimal("0.01")) == Decimal(
            cells[5].replace("\u00a0", "").replace(",", ".")
        )
    totals = {r[0]: r[1] for r in rows if r and r[0] in ("Сумма без НДС", "НДС", "Итого к оплате")}
    assert Decimal(str(totals["Итого к оплате"])).quantize(Decimal("0.01")) == total
    events = list(events_sheet.iter_rows(values_only=True))[1:]
    assert len(events) == 16
    per_line: dict[Any, int] = {}
    for position, *_rest in events:
        per_line[position] = per_line.get(position, 0) + 1
    assert per_line == {1: 5, 2: 10, None: 1}  # the photo had no rate
    with database.reading() as session:
        assert [ln.events for ln in session.get(Invoice, invoice_id).lines] == [5, 10]
