"""Billing: rate card lines, billable events, invoices and credit notes with their lines."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wms.db.base import Base, CreatedAt, enum_type, utcnow
from wms.domain.billing import Service
from wms.domain.invoices import DocumentKind, InvoiceState

Quantity = sa.Numeric(14, 3)
Percent = sa.Numeric(7, 3)
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


class RateCardLine(CreatedAt, Base):
    """One price of a rate card (merchant_id NULL: the warehouse default)."""

    __tablename__ = "billing_rates"

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int | None] = mapped_column(sa.ForeignKey("merchants.id"))
    service: Mapped[Service] = mapped_column(enum_type(Service, "billing_service"))
    #: A category (inspection) or zone (storage) the line is limited to; "" = any.
    qualifier: Mapped[str] = mapped_column(sa.String(40), default="")
    valid_from: Mapped[date] = mapped_column(sa.Date)
    valid_to: Mapped[date | None] = mapped_column(sa.Date)
    first_qty: Mapped[Decimal] = mapped_column(Quantity, default=Decimal(0))
    price_first: Mapped[Decimal] = mapped_column(default=Decimal(0))
    price_additional: Mapped[Decimal | None]
    min_charge: Mapped[Decimal | None]
    max_charge: Mapped[Decimal | None]
    percent: Mapped[Decimal | None] = mapped_column(Percent)
    vat_percent: Mapped[Decimal] = mapped_column(Percent)

    __table_args__ = (
        sa.Index("ix_billing_rates_lookup", "service", "merchant_id", "valid_from"),
        sa.CheckConstraint("price_first >= 0", name="price_first_positive"),
    )


class BillableEvent(Base):
    """A piece of billable work, written in the transaction of the work (key: idempotency)."""

    __tablename__ = "billable_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    #: Unique per piece of work (e.g. `inspect:LPN0000000012`): a replay writes nothing.
    key: Mapped[str] = mapped_column(sa.String(160), unique=True)
    merchant_id: Mapped[int] = mapped_column(sa.ForeignKey("merchants.id"))
    service: Mapped[Service] = mapped_column(enum_type(Service, "billing_service"))
    qualifier: Mapped[str] = mapped_column(sa.String(40), default="")
    #: The warehouse-local day the work was done (what the rate card's dates refer to).
    day: Mapped[date] = mapped_column(sa.Date)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    quantity: Mapped[Decimal] = mapped_column(Quantity, default=Decimal(1))
    #: Base amount of percentage services (the sum a claim recovered), else 0.
    amount: Mapped[Decimal] = mapped_column(default=Decimal(0))
    #: What the merchant recognises: an LPN, a return order number, a bin code.
    ref: Mapped[str] = mapped_column(sa.String(60), default="")
    #: The invoice (draft or final) the event is billed on; NULL until a run picks it up.
    invoice_id: Mapped[int | None] = mapped_column(sa.ForeignKey("billing_invoices.id"))

    __table_args__ = (
        sa.Index("ix_billable_events_merchant_day", "merchant_id", "day"),
        sa.Index("ix_billable_events_invoice_id", "invoice_id"),
    )


class Invoice(CreatedAt, Base):
    """An invoice for a merchant and month, or a credit note against one."""

    __tablename__ = "billing_invoices"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[DocumentKind] = mapped_column(enum_type(DocumentKind, "document_kind"))
    #: Gapless per kind, given at finalisation (`INV-0000001`, `CN-0000001`).
    number: Mapped[str | None] = mapped_column(sa.String(20), unique=True)
    merchant_id: Mapped[int] = mapped_column(sa.ForeignKey("merchants.id"))
    period: Mapped[str] = mapped_column(sa.String(7))
    state: Mapped[InvoiceState] = mapped_column(enum_type(InvoiceState, "invoice_state"))
    net: Mapped[Decimal] = mapped_column(sa.Numeric(16, 2), default=Decimal(0))
    vat: Mapped[Decimal] = mapped_column(sa.Numeric(16, 2), default=Decimal(0))
    total: Mapped[Decimal] = mapped_column(sa.Numeric(16, 2), default=Decimal(0))
    credit_of_id: Mapped[int | None] = mapped_column(sa.ForeignKey("billing_invoices.id"))
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    calculated_at: Mapped[datetime | None]
    issued_at: Mapped[datetime | None]
    paid_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]

    lines: Mapped[list[InvoiceLine]] = relationship(
        back_populates="invoice", order_by="InvoiceLine.position", cascade="all, delete-orphan"
    )

    __table_args__ = (sa.Index("ix_billing_invoices_merchant_period", "merchant_id", "period"),)


class InvoiceLine(Base):
    """A line of an invoice: a service at one rate over the period, its prices copied (frozen)."""

    __tablename__ = "billing_invoice_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(sa.ForeignKey("billing_invoices.id"), index=True)
    position: Mapped[int]
    service: Mapped[Service] = mapped_column(enum_type(Service, "billing_service"))
    qualifier: Mapped[str] = mapped_column(sa.String(40), default="")
    rate_id: Mapped[int | None] = mapped_column(sa.ForeignKey("billing_rates.id"))
    #: The rate line's owner and validity, frozen: which events stand behind the line.
    merchant_rate: Mapped[bool] = mapped_column(default=False)
    valid_from: Mapped[date] = mapped_column(sa.Date)
    valid_to: Mapped[date | None] = mapped_column(sa.Date)
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    events: Mapped[int] = mapped_column(default=0)
    first_qty: Mapped[Decimal] = mapped_column(Quantity, default=Decimal(0))
    price_first: Mapped[Decimal]
    price_additional: Mapped[Decimal]
    min_charge: Mapped[Decimal | None]
    max_charge: Mapped[Decimal | None]
    percent: Mapped[Decimal | None] = mapped_column(Percent)
    base_amount: Mapped[Decimal] = mapped_column(sa.Numeric(16, 2), default=Decimal(0))
    net: Mapped[Decimal] = mapped_column(sa.Numeric(16, 2))
    vat_percent: Mapped[Decimal] = mapped_column(Percent)
    vat: Mapped[Decimal] = mapped_column(sa.Numeric(16, 2))
    gross: Mapped[Decimal] = mapped_column(sa.Numeric(16, 2))

    invoice: Mapped[Invoice] = relationship(back_populates="lines")
