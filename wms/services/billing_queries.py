"""Read side of billing for the pages and the API: invoices, their events, revenue."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from wms.db.models import BillableEvent, Invoice, InvoiceLine, Merchant
from wms.domain.invoices import InvoiceState


@dataclass(frozen=True)
class InvoiceFilter:
    """Which invoices to list; `merchant_id` is the caller's scope when it has one."""

    merchant_id: int | None = None
    period: str | None = None
    state: InvoiceState | None = None


def invoices(
    session: Session, f: InvoiceFilter, *, limit: int = 100, before: int | None = None
) -> list[tuple[Invoice, str]]:
    """Invoices and credit notes, newest first, with the merchant's code."""
    query = (
        sa.select(Invoice, Merchant.code)
        .join(Merchant, Merchant.id == Invoice.merchant_id)
        .order_by(Invoice.id.desc())
        .limit(limit)
    )
    if f.merchant_id is not None:
        query = query.where(Invoice.merchant_id == f.merchant_id)
    if f.period:
        query = query.where(Invoice.period == f.period)
    if f.state is not None:
        query = query.where(Invoice.state == f.state)
    if before is not None:
        query = query.where(Invoice.id < before)
    return [(invoice, code) for invoice, code in session.execute(query)]


def events(
    session: Session, invoice: Invoice, *, after: int | None = None, limit: int = 200
) -> list[BillableEvent]:
    """A page of the events billed on an invoice, in id order (keyset: `after` the last id)."""
    query = (
        sa.select(BillableEvent)
        .where(BillableEvent.invoice_id == invoice.id)
        .order_by(BillableEvent.id)
        .limit(limit)
    )
    if after is not None:
        query = query.where(BillableEvent.id > after)
    return list(session.scalars(query))


@dataclass(frozen=True)
class Revenue:
    """Net revenue of one merchant and service over a period."""

    merchant: str
    service: str
    quantity: Decimal
    net: Decimal
    gross: Decimal


def revenue(session: Session, period: str, merchant_id: int | None = None) -> list[Revenue]:
    """Invoiced revenue per merchant and service: drafts and issued invoices, less credit notes."""
    live = (InvoiceState.DRAFT, InvoiceState.FINAL, InvoiceState.PAID)
    # A final invoice cancelled later still counts: its full credit note takes it back out.
    counted = sa.or_(
        Invoice.state.in_(live),
        sa.and_(Invoice.state == InvoiceState.CANCELLED, Invoice.number.is_not(None)),
    )
    query = (
        sa.select(
            Merchant.code,
            InvoiceLine.service,
            sa.func.sum(InvoiceLine.quantity),
            sa.func.sum(InvoiceLine.net),
            sa.func.sum(InvoiceLine.gross),
        )
        .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
        .join(Merchant, Merchant.id == Invoice.merchant_id)
        .where(Invoice.period == period, counted)
        .group_by(Merchant.code, InvoiceLine.service)
        .order_by(Merchant.code, InvoiceLine.service)
    )
    if merchant_id is not None:
        query = query.where(Invoice.merchant_id == merchant_id)
    return [
        Revenue(code, service.value, Decimal(qty or 0), Decimal(net or 0), Decimal(gross or 0))
        for code, service, qty, net, gross in session.execute(query)
    ]


def periods(session: Session, merchant_id: int | None = None) -> list[str]:
    """Periods that have invoices, newest first."""
    query = sa.select(Invoice.period).distinct().order_by(Invoice.period.desc())
    if merchant_id is not None:
        query = query.where(Invoice.merchant_id == merchant_id)
    return list(session.scalars(query))
