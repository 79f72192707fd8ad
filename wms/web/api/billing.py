"""Invoices for accounting integrations: list, one invoice with its lines, the events behind it."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field

from wms.db import queries
from wms.db.models import Invoice, Merchant
from wms.domain.billing import Period
from wms.domain.invoices import InvoiceState
from wms.domain.limits import MAX_DB_INT
from wms.services import billing_queries as q
from wms.services import invoicing
from wms.web.api import bp
from wms.web.api.routing import endpoint
from wms.web.api.schemas import Query
from wms.web.auth import INTEGRATION, USER, Access, Principal
from wms.web.context import wms

READERS = Access(frozenset({INTEGRATION, USER}))


class InvoiceQuery(Query):
    """Which invoices to list."""

    merchant: str | None = Field(default=None, max_length=40)
    period: str | None = Field(default=None, pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    state: str | None = Field(default=None, pattern=r"^(draft|final|paid|cancelled)$")
    limit: int = Field(default=100, ge=1, le=500)
    before: int | None = Field(
        default=None, ge=1, le=MAX_DB_INT, description="id of the last invoice seen"
    )


class InvoiceLineOut(BaseModel):
    """A line: one service at one rate over the period."""

    position: int
    service: str
    qualifier: str
    quantity: Decimal
    events: int
    first_qty: Decimal
    price_first: Decimal
    price_additional: Decimal
    min_charge: Decimal | None
    max_charge: Decimal | None
    percent: Decimal | None
    base_amount: Decimal
    net: Decimal
    vat_percent: Decimal
    vat: Decimal
    gross: Decimal


class InvoiceOut(BaseModel):
    """An invoice or credit note (amounts in tenge, as decimal strings)."""

    id: int
    kind: str
    number: str | None
    merchant: str
    period: str
    state: InvoiceState
    net: Decimal
    vat: Decimal
    total: Decimal
    credit_of: int | None
    issued_at: datetime | None
    paid_at: datetime | None
    lines: list[InvoiceLineOut] | None = None


class InvoiceList(BaseModel):
    """A page of invoices, newest first."""

    invoices: list[InvoiceOut]
    next_before: int | None


class EventQuery(Query):
    """A page of events (keyset on the event id)."""

    after: int | None = Field(default=None, ge=0, le=MAX_DB_INT)
    limit: int = Field(default=200, ge=1, le=1000)


class EventOut(BaseModel):
    """A billable event on the invoice."""

    id: int
    key: str
    service: str
    qualifier: str
    day: date
    quantity: Decimal
    amount: Decimal
    ref: str


class EventList(BaseModel):
    """A page of events."""

    events: list[EventOut]
    next_after: int | None


def _out(invoice: Invoice, merchant: str, *, lines: bool = False) -> InvoiceOut:
    return InvoiceOut(
        id=invoice.id,
        kind=invoice.kind.value,
        number=invoice.number,
        merchant=merchant,
        period=invoice.period,
        state=invoice.state,
        net=invoice.net,
        vat=invoice.vat,
        total=invoice.total,
        credit_of=invoice.credit_of_id,
        issued_at=invoice.issued_at,
        paid_at=invoice.paid_at,
        lines=[_line(line) for line in invoice.lines] if lines else None,
    )


def _line(line: Any) -> InvoiceLineOut:
    return InvoiceLineOut(
        position=line.position,
        service=line.service.value,
        qualifier=line.qualifier,
        quantity=line.quantity,
        events=line.events,
        first_qty=line.first_qty,
        price_first=line.price_first,
        price_additional=line.price_additional,
        min_charge=line.min_charge,
        max_charge=line.max_charge,
        percent=line.percent,
        base_amount=line.base_amount,
        net=line.net,
        vat_percent=line.vat_percent,
        vat=line.vat,
        gross=line.gross,
    )


@endpoint(
    bp,
    "/invoices",
    "GET",
    access=READERS,
    query=InvoiceQuery,
    response=InvoiceList,
    summary="Invoices and credit notes (a merchant sees only its own)",
    tag="billing",
)
def list_invoices(principal: Principal, query: InvoiceQuery) -> InvoiceList:
    """Newest first; page with `before`."""
    with wms().db.reading() as db:
        scope = principal.merchant_id
        if query.merchant:
            wanted = queries.merchant_id_by_code(db, query.merchant)
            if scope is not None and wanted != scope:
                return InvoiceList(invoices=[], next_before=None)
            scope = wanted
        period = str(Period.parse(query.period)) if query.period else None
        state = InvoiceState(query.state) if query.state else None
        f = q.InvoiceFilter(merchant_id=scope, period=period, state=state)
        rows = q.invoices(db, f, limit=query.limit, before=query.before)
        out = [_out(invoice, code) for invoice, code in rows]
    more = len(out) == query.limit
    return InvoiceList(invoices=out, next_before=out[-1].id if more and out else None)


@endpoint(
    bp,
    "/invoices/<int:invoice_id>",
    "GET",
    access=READERS,
    response=InvoiceOut,
    summary="One invoice with its lines",
    tag="billing",
)
def get_invoice(principal: Principal, invoice_id: int) -> InvoiceOut:
    """Lines carry the frozen prices they were charged at."""
    with wms().db.reading() as db:
        invoice = invoicing.get(db, invoice_id, principal.actor)
        merchant = db.get(Merchant, invoice.merchant_id)
        return _out(invoice, merchant.code if merchant else "", lines=True)


@endpoint(
    bp,
    "/invoices/<int:invoice_id>/events",
    "GET",
    access=READERS,
    query=EventQuery,
    response=EventList,
    summary="The billable events behind an invoice",
    tag="billing",
)
def invoice_events(principal: Principal, invoice_id: int, query: EventQuery) -> EventList:
    """Every event billed on the invoice, in id order; page with `after`."""
    with wms().db.reading() as db:
        invoice = invoicing.get(db, invoice_id, principal.actor)
        rows = q.events(db, invoice, after=query.after, limit=query.limit)
        out = [
            EventOut(
                id=e.id,
                key=e.key,
                service=e.service.value,
                qualifier=e.qualifier,
                day=e.day,
                quantity=e.quantity,
                amount=e.amount,
                ref=e.ref,
            )
            for e in rows
        ]
    more = len(out) == query.limit
    return EventList(events=out, next_after=out[-1].id if more and out else None)
