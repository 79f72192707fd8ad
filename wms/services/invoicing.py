"""Invoice runs per merchant and month; finalising with gapless numbers; payment; credit notes."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from wms.db.base import table_of
from wms.db.models import BillableEvent, Invoice, InvoiceLine, Merchant
from wms.domain.billing import Event, Line, Period, RateLine, Service, price
from wms.domain.errors import InvalidInput, NotFound
from wms.domain.invoices import (
    FROZEN_INVOICE_STATES,
    DocumentKind,
    InvoiceAction,
    InvoiceState,
    counter_name,
    format_invoice_number,
    next_invoice_state,
)
from wms.services import sequences
from wms.services.billing import load_card
from wms.services.uow import Actor, UnitOfWork

_EVENTS = table_of(BillableEvent)
_OPEN = (InvoiceState.DRAFT, InvoiceState.FINAL, InvoiceState.PAID)


@dataclass(frozen=True)
class RunResult:
    """What a run did for one merchant."""

    merchant: str
    invoice_id: int
    state: InvoiceState
    total: Decimal
    events: int
    unpriced: int
    recalculated: bool


def run(
    uow: UnitOfWork, actor: Actor, period: Period, merchant: Merchant | None = None
) -> list[RunResult]:
    """Create or recalculate the draft invoice of each merchant for the period."""
    session = uow.session
    merchants = (
        [merchant]
        if merchant is not None
        else list(
            session.scalars(sa.select(Merchant).where(Merchant.active).order_by(Merchant.code))
        )
    )
    card = load_card(session)
    return [_run_one(uow, actor, period, m, card) for m in merchants]


def _current(session: Session, merchant_id: int, period: Period) -> Invoice | None:
    return session.scalars(
        sa.select(Invoice)
        .where(
            Invoice.merchant_id == merchant_id,
            Invoice.period == str(period),
            Invoice.kind == DocumentKind.INVOICE,
            Invoice.state.in_(_OPEN),
        )
        .with_for_update()
    ).first()


def _run_one(
    uow: UnitOfWork, actor: Actor, period: Period, merchant: Merchant, card: list[RateLine]
) -> RunResult:
    session = uow.session
    # The merchant row serialises runs of one merchant (two workers never make two drafts).
    session.execute(sa.select(Merchant.id).where(Merchant.id == merchant.id).with_for_update())
    invoice = _current(session, merchant.id, period)
    if invoice is not None and invoice.state in FROZEN_INVOICE_STATES:
        return _result(merchant, invoice, recalculated=False, unpriced=0)
    if invoice is None:
        invoice = Invoice(
            kind=DocumentKind.INVOICE,
            merchant_id=merchant.id,
            period=str(period),
            state=InvoiceState.DRAFT,
        )
        session.add(invoice)
        session.flush()
    else:
        next_invoice_state(invoice.state, InvoiceAction.RECALCULATE)
    # Late events of earlier months (their invoice already final) land on this one.
    session.execute(
        _EVENTS.update()
        .where(
            _EVENTS.c.merchant_id == merchant.id,
            _EVENTS.c.invoice_id.is_(None),
            _EVENTS.c.day <= period.last_day,
        )
        .values(invoice_id=invoice.id)
    )
    priced = price(card, merchant.code, _aggregates(session, invoice.id))
    _replace_lines(session, invoice, priced.lines)
    invoice.net, invoice.vat, invoice.total = priced.net, priced.vat, priced.total
    invoice.calculated_at = uow.now()
    uow.audit("invoice", invoice.id, "recalculate", actor, total=str(invoice.total))
    unpriced = sum(e.count for e in priced.unpriced)
    return _result(merchant, invoice, recalculated=True, unpriced=unpriced)


def _aggregates(session: Session, invoice_id: int) -> list[Event]:
    """The invoice's events summed per service, qualifier and day (one rate line per group)."""
    e = _EVENTS.c
    rows = session.execute(
        sa.select(
            e.service,
            e.qualifier,
            e.day,
            sa.func.sum(e.quantity),
            sa.func.sum(e.amount),
            sa.func.count(),
        )
        .where(e.invoice_id == invoice_id)
        .group_by(e.service, e.qualifier, e.day)
        .order_by(e.day)
    )
    return [
        Event(f"{s}:{q}:{d}", Service(s), d, Decimal(qty), q, Decimal(amount), int(n))
        for s, q, d, qty, amount, n in rows
    ]


def _replace_lines(session: Session, invoice: Invoice, lines: list[Line]) -> None:
    invoice.lines.clear()
    session.flush()
    for position, line in enumerate(lines, start=1):
        rate = line.rate
        invoice.lines.append(
            InvoiceLine(
                position=position,
                service=line.service,
                qualifier=line.qualifier,
                rate_id=rate.id,
                merchant_rate=rate.merchant is not None,
                valid_from=rate.valid_from,
                valid_to=rate.valid_to,
                quantity=line.quantity,
                events=line.events,
                first_qty=rate.first_qty,
                price_first=rate.price_first,
                price_additional=rate.additional,
                min_charge=rate.min_charge,
                max_charge=rate.max_charge,
                percent=rate.percent,
                base_amount=line.amount,
                net=line.net,
                vat_percent=rate.vat_percent,
                vat=line.vat,
                gross=line.gross,
            )
        )
    session.flush()


def _result(
    merchant: Merchant, invoice: Invoice, *, recalculated: bool, unpriced: int
) -> RunResult:
    return RunResult(
        merchant=merchant.code,
        invoice_id=invoice.id,
        state=invoice.state,
        total=invoice.total,
        events=sum(line.events for line in invoice.lines),
        unpriced=unpriced,
        recalculated=recalculated,
    )


def get(session: Session, invoice_id: int, actor: Actor | None = None) -> Invoice:
    """An invoice visible to the actor, or NotFound."""
    invoice = session.get(Invoice, invoice_id)
    if invoice is None or (actor is not None and not actor.may_access(invoice.merchant_id)):
        raise NotFound("invoice.not_found", invoice=invoice_id)
    return invoice


def finalise(uow: UnitOfWork, actor: Actor, invoice: Invoice) -> Invoice:
    """Freeze a draft and give it the next gapless number (taken in this transaction)."""
    invoice.state = next_invoice_state(invoice.state, InvoiceAction.FINALISE)
    number = sequences.take(uow.session, counter_name(invoice.kind))[0]
    invoice.number = format_invoice_number(invoice.kind, number)
    invoice.issued_at = uow.now()
    uow.audit("invoice", invoice.id, "finalise", actor, number=invoice.number)
    return invoice


def pay(uow: UnitOfWork, actor: Actor, invoice: Invoice) -> Invoice:
    """Record that a final invoice was paid."""
    invoice.state = next_invoice_state(invoice.state, InvoiceAction.PAY)
    invoice.paid_at = uow.now()
    uow.audit("invoice", invoice.id, "pay", actor)
    return invoice


def cancel(uow: UnitOfWork, actor: Actor, invoice: Invoice, reason: str = "") -> Invoice | None:
    """Cancel a draft (its events are billed again later) or a final one (by a full credit note)."""
    was = invoice.state
    state = next_invoice_state(was, InvoiceAction.CANCEL)
    note = None
    if was is InvoiceState.FINAL:
        note = credit(uow, actor, invoice, reason or "cancelled")
    else:
        uow.session.execute(
            _EVENTS.update().where(_EVENTS.c.invoice_id == invoice.id).values(invoice_id=None)
        )
    invoice.state = state
    invoice.cancelled_at = uow.now()
    uow.audit("invoice", invoice.id, "cancel", actor, from_state=was.value, reason=reason)
    return note


def credited(session: Session, invoice: Invoice) -> Decimal:
    """Gross already credited against an invoice (a negative sum)."""
    total = session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Invoice.total), 0)).where(
            Invoice.credit_of_id == invoice.id
        )
    )
    return Decimal(total or 0)


def credit(
    uow: UnitOfWork, actor: Actor, invoice: Invoice, reason: str, positions: list[int] | None = None
) -> Invoice:
    """Issue a final credit note negating some lines (all by default) of a final or paid invoice."""
    next_invoice_state(invoice.state, InvoiceAction.CREDIT)
    chosen = [ln for ln in invoice.lines if positions is None or ln.position in positions]
    if not chosen:
        raise InvalidInput("invoice.not_found", invoice=f"{invoice.number} {positions}")
    amount = sum((ln.gross for ln in chosen), Decimal(0))
    left = invoice.total + credited(uow.session, invoice)
    if amount > left:
        raise InvalidInput("invoice.credit_too_large", amount=amount, left=left)
    note = Invoice(
        kind=DocumentKind.CREDIT_NOTE,
        merchant_id=invoice.merchant_id,
        period=invoice.period,
        state=InvoiceState.DRAFT,
        credit_of_id=invoice.id,
        note=reason[:500],
    )
    for position, ln in enumerate(chosen, start=1):
        note.lines.append(_negated(ln, position))
    note.net = -sum((ln.net for ln in chosen), Decimal(0))
    note.vat = -sum((ln.vat for ln in chosen), Decimal(0))
    note.total = -amount
    uow.session.add(note)
    uow.session.flush()
    finalise(uow, actor, note)
    uow.audit("invoice", invoice.id, "credit", actor, credit_note=note.number, amount=str(amount))
    return note


def _negated(ln: InvoiceLine, position: int) -> InvoiceLine:
    return InvoiceLine(
        position=position,
        service=ln.service,
        qualifier=ln.qualifier,
        rate_id=ln.rate_id,
        merchant_rate=ln.merchant_rate,
        valid_from=ln.valid_from,
        valid_to=ln.valid_to,
        quantity=-ln.quantity,
        events=0,
        first_qty=ln.first_qty,
        price_first=ln.price_first,
        price_additional=ln.price_additional,
        min_charge=ln.min_charge,
        max_charge=ln.max_charge,
        percent=ln.percent,
        base_amount=-ln.base_amount,
        net=-ln.net,
        vat_percent=ln.vat_percent,
        vat=-ln.vat,
        gross=-ln.gross,
    )
