"""Stock levels per bin, totals per channel, and the append-only stock ledger."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from wms.db.base import Base, CreatedAt, enum_type, utcnow
from wms.domain.stock import Channel, LedgerKind


class StockLevel(Base):
    """Quantity on hand of (merchant, product, channel) in one bin."""

    __tablename__ = "stock_levels"

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(sa.ForeignKey("merchants.id"))
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("products.id"))
    channel: Mapped[Channel] = mapped_column(enum_type(Channel, "channel"))
    bin_id: Mapped[int] = mapped_column(sa.ForeignKey("bins.id"), index=True)
    quantity: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        sa.UniqueConstraint("merchant_id", "product_id", "channel", "bin_id"),
        sa.CheckConstraint("quantity >= 0", name="quantity_non_negative"),
    )


class StockTotal(Base):
    """Sellable quantity on hand and reserved per (merchant, product, channel); drives sync."""

    __tablename__ = "stock_totals"

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(sa.ForeignKey("merchants.id"))
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("products.id"))
    channel: Mapped[Channel] = mapped_column(enum_type(Channel, "channel"))
    on_hand: Mapped[int] = mapped_column(default=0)
    reserved: Mapped[int] = mapped_column(default=0)
    #: Increases with every change; stock pushes carry it so an older value never wins.
    version: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        sa.UniqueConstraint("merchant_id", "product_id", "channel"),
        sa.CheckConstraint("on_hand >= 0", name="on_hand_non_negative"),
        sa.CheckConstraint("reserved >= 0", name="reserved_non_negative"),
        sa.CheckConstraint("reserved <= on_hand", name="reserved_within_on_hand"),
    )


class StockLedgerEntry(CreatedAt, Base):
    """One change of stock; levels and totals are the sums of these rows."""

    __tablename__ = "stock_ledger"

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(sa.ForeignKey("merchants.id"))
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("products.id"))
    channel: Mapped[Channel] = mapped_column(enum_type(Channel, "channel"))
    #: NULL for reservations, which are not tied to a bin.
    bin_id: Mapped[int | None] = mapped_column(sa.ForeignKey("bins.id"))
    kind: Mapped[LedgerKind] = mapped_column(enum_type(LedgerKind, "ledger_kind"))
    #: Change of the quantity on hand in `bin_id`.
    quantity: Mapped[int] = mapped_column(default=0)
    #: Change of the reserved quantity.
    reserved_delta: Mapped[int] = mapped_column(default=0)
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"))
    #: External reference (shipment number, count id, reservation id).
    reference: Mapped[str | None] = mapped_column(sa.String(100))
    reason: Mapped[str | None] = mapped_column(sa.String(200))
    actor: Mapped[str] = mapped_column(sa.String(100))

    __table_args__ = (
        sa.Index("ix_stock_ledger_key", "merchant_id", "product_id", "channel"),
        sa.Index("ix_stock_ledger_created_at", "created_at"),
    )
