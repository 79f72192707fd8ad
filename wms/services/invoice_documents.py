"""The invoice as documents: a PDF to send (reportlab, DejaVu Sans for Cyrillic and Kazakh) and
an XLSX with every billable event behind each line (openpyxl, streamed in write-only mode)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa
from openpyxl import Workbook
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from sqlalchemy.orm import Session

from labels.pdf import FONT_PATHS
from wms.db.models import BillableEvent, Invoice, InvoiceLine, Merchant
from wms.domain.billing import RateLine, find_rate
from wms.domain.invoices import DocumentKind, invoice_term
from wms.domain.texts.billing import DOCUMENT_WORDS, SERVICE_NAMES

LANGS = ("ru", "en", "kk")
FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"


def word(key: str, lang: str) -> str:
    """A word of the invoice document in one language."""
    return DOCUMENT_WORDS[key][LANGS.index(lang)]


def service_name(service: str, lang: str) -> str:
    """A service's name in one language."""
    return SERVICE_NAMES[service][LANGS.index(lang)]


@dataclass(frozen=True)
class Heading:
    """What the top of the document says."""

    title: str
    number: str
    merchant: str
    period: str
    state: str
    issued: str
    credit_of: str | None


def heading(session: Session, invoice: Invoice, lang: str) -> Heading:
    """Title, number, merchant and period of an invoice or credit note."""
    merchant = session.get(Merchant, invoice.merchant_id)
    assert merchant is not None
    credit_of = None
    if invoice.credit_of_id is not None:
        original = session.get(Invoice, invoice.credit_of_id)
        credit_of = original.number if original is not None else None
    return Heading(
        title=word(invoice.kind.value, lang),
        number=invoice.number or f"{word('draft', lang)} #{invoice.id}",
        merchant=f"{merchant.name} ({merchant.code})",
        period=invoice.period,
        state=invoice_term(invoice.state)[lang],
        issued=invoice.issued_at.date().isoformat() if invoice.issued_at else "",
        credit_of=credit_of,
    )


def money_text(value: Decimal) -> str:
    """An amount as invoices print it: 1 234 567,89."""
    return _money(value)


def _money(value: Decimal) -> str:
    # Thin-space thousands like Kazakh and Russian invoices: 1 234 567,89
    whole, _, cents = f"{value:,.2f}".partition(".")
    return whole.replace(",", "\u00a0") + "," + cents


def _num(value: Decimal) -> str:
    return f"{value.normalize():f}"


def line_cells(line: InvoiceLine, lang: str) -> list[str]:
    """One line as the PDF shows it."""
    if line.percent is not None:
        price = f"{_num(line.percent)} % × {_money(line.base_amount)}"
    elif line.first_qty and line.price_first != line.price_additional:
        first, rest = _money(line.price_first), _money(line.price_additional)
        price = f"{_num(line.first_qty)} × {first}; {rest}"
    else:
        price = _money(line.price_first)
    return [
        str(line.position),
        service_name(line.service.value, lang),
        line.qualifier or "—",
        _num(line.quantity),
        price,
        _money(line.net),
        f"{_num(line.vat_percent)} %",
        _money(line.vat),
        _money(line.gross),
    ]


def _fonts() -> None:
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    path = next((p for p in FONT_PATHS if p.is_file()), FONT_PATHS[-1])
    pdfmetrics.registerFont(TTFont(FONT, str(path)))
    bold = Path(str(path).replace("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(bold if bold.is_file() else path)))


def render_pdf(session: Session, invoice: Invoice, lang: str = "ru") -> bytes:
    """The invoice (or credit note) as an A4 landscape PDF with text that extracts."""
    _fonts()
    head = heading(session, invoice, lang)
    body = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=12)
    title = ParagraphStyle("title", fontName=FONT_BOLD, fontSize=15, leading=19)
    story: list[Any] = [Paragraph(f"{head.title} {head.number}", title), Spacer(0, 3 * mm)]
    facts = [
        (word("merchant", lang), head.merchant),
        (word("period", lang), head.period),
        ("", head.state + (f" · {head.issued}" if head.issued else "")),
    ]
    if head.credit_of:
        facts.append(("→", head.credit_of))
    story += [Paragraph(f"{k}: {v}" if k else v, body) for k, v in facts]
    story.append(Spacer(0, 5 * mm))
    header = ["#", *(word(k, lang) for k in ("service", "qualifier", "quantity"))]
    header += [word(k, lang) for k in ("price", "net")] + [
        "%",
        word("vat", lang),
        word("gross", lang),
    ]
    rows = [header] + [line_cells(line, lang) for line in invoice.lines]
    widths = [10, 62, 30, 18, 45, 28, 14, 24, 30]  # mm, 261 of the 267 between the margins
    table = Table(rows, repeatRows=1, colWidths=[w * mm for w in widths])
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, 8.5),
                ("FONT", (0, 0), (-1, 0), FONT_BOLD, 8.5),
                ("ALIGN", (3, 0), (-1, -1), "RIGHT"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f2f2f2")]),
            ]
        )
    )
    story += [table, Spacer(0, 5 * mm)]
    totals = Table(
        [
            [word("net", lang), _money(invoice.net)],
            [word("vat", lang), _money(invoice.vat)],
            [word("total", lang), f"{_money(invoice.total)} {word('currency', lang)}"],
        ],
        hAlign="RIGHT",
    )
    totals.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, 10),
                ("FONT", (0, 2), (-1, 2), FONT_BOLD, 11),
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
            ]
        )
    )
    story.append(totals)
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=landscape(A4),
        title=f"{head.title} {head.number}",
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
    )
    doc.build(story)
    return out.getvalue()


def _frozen_card(invoice: Invoice, merchant_code: str) -> list[tuple[RateLine, InvoiceLine]]:
    # The lines' frozen rates, as a card: which line an event was priced on (see decisions.md).
    return [
        (
            RateLine(
                service=line.service,
                valid_from=line.valid_from,
                valid_to=line.valid_to,
                merchant=merchant_code if line.merchant_rate else None,
                qualifier=line.qualifier,
            ),
            line,
        )
        for line in invoice.lines
    ]


def events_by_line(session: Session, invoice: Invoice) -> Iterator[tuple[int | None, Any]]:
    """Every event billed on the invoice with the position of its line (None: no rate)."""
    merchant = session.get(Merchant, invoice.merchant_id)
    assert merchant is not None
    pairs = _frozen_card(invoice, merchant.code)
    card = [rate for rate, _ in pairs]
    positions = {id(rate): line.position for rate, line in pairs}
    if invoice.kind is DocumentKind.CREDIT_NOTE:
        return
    rows = session.execute(
        sa.select(BillableEvent)
        .where(BillableEvent.invoice_id == invoice.id)
        .order_by(BillableEvent.day, BillableEvent.id)
        .execution_options(yield_per=5000)
    ).scalars()
    for event in rows:
        rate = find_rate(card, merchant.code, event.service, event.qualifier, event.day)
        yield (positions[id(rate)] if rate is not None else None), event


def write_xlsx(session: Session, invoice: Invoice, target: IO[bytes], lang: str = "ru") -> None:
    """The invoice's lines and, on a second sheet, every event behind each line."""
    head = heading(session, invoice, lang)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(word(invoice.kind.value, lang)[:31])
    sheet.append([head.title, head.number])
    sheet.append([word("merchant", lang), head.merchant])
    sheet.append([word("period", lang), head.period])
    sheet.append([head.state, head.issued])
    sheet.append([])
    sheet.append(
        ["#", word("service", lang), "service", word("qualifier", lang), word("quantity", lang)]
        + ["events", "first_qty", "price_first", "price_additional", "percent", "base_amount"]
        + [word("net", lang), "vat_percent", word("vat", lang), word("gross", lang)]
    )
    for ln in invoice.lines:
        sheet.append(
            [ln.position, service_name(ln.service.value, lang), ln.service.value, ln.qualifier]
            + [ln.quantity, ln.events, ln.first_qty, ln.price_first, ln.price_additional]
            + [ln.percent, ln.base_amount, ln.net, ln.vat_percent, ln.vat, ln.gross]
        )
    sheet.append([])
    for key, value in (("net", invoice.net), ("vat", invoice.vat), ("total", invoice.total)):
        sheet.append([word(key, lang), value])
    events = book.create_sheet(word("events", lang)[:31])
    events.append(["line", "key", "service", "qualifier", "day", "quantity", "amount", "ref"])
    for position, e in events_by_line(session, invoice):
        events.append(
            [position, e.key, e.service.value, e.qualifier, e.day, e.quantity, e.amount, e.ref]
        )
    book.save(target)
