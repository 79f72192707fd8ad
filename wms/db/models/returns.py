"""Return orders and their lines, units (one LPN each), inspections and photos."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wms.db.base import Base, CreatedAt, enum_type, utcnow
from wms.domain.grading import Condition, Disposition, Grade, GradeChoice
from wms.domain.orders import ReturnOrderState
from wms.domain.returns import Marketplace, ReturnReason, ReturnType
from wms.domain.stock import Channel
from wms.domain.units import UnitState

if TYPE_CHECKING:
    from wms.db.models.catalog import Product
    from wms.db.models.merchants import Merchant
    from wms.db.models.warehouse import Bin


class ReturnOrder(CreatedAt, Base):
    """One returned parcel / marketplace order being returned."""

    __tablename__ = "return_orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Our own number, printed on the slip (`RO-0000123`).
    number: Mapped[str] = mapped_column(sa.String(20), unique=True)
    #: Unknown until the first product is scanned for a blind return.
    merchant_id: Mapped[int | None] = mapped_column(sa.ForeignKey("merchants.id"))
    marketplace: Mapped[Marketplace] = mapped_column(enum_type(Marketplace, "marketplace"))
    #: The marketplace's order / return code, scanned at the dock.
    order_code: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    #: The marketplace's id of the return (claim id, Ozon return id) for idempotent import.
    external_id: Mapped[str | None] = mapped_column(sa.String(100))
    return_type: Mapped[ReturnType] = mapped_column(enum_type(ReturnType, "return_type"))
    reason: Mapped[ReturnReason] = mapped_column(enum_type(ReturnReason, "return_reason"))
    state: Mapped[ReturnOrderState] = mapped_column(
        enum_type(ReturnOrderState, "return_order_state")
    )
    announced: Mapped[bool] = mapped_column(default=False)
    #: Buyer reference from the marketplace (repeat non-pickups, seed 000).
    customer_ref: Mapped[str | None] = mapped_column(sa.String(100))
    #: Value of the goods (frozen while they travel back) and what the way back cost.
    order_value: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    reverse_logistics_cost: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    ordered_at: Mapped[datetime | None]
    expected_at: Mapped[datetime | None]
    receiving_started_at: Mapped[datetime | None]
    received_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    #: Where it was received.
    station_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stations.id"))
    #: Flags set at close: missing / extra lines.
    flags: Mapped[dict[str, Any]] = mapped_column(default=dict)
    notes: Mapped[str | None] = mapped_column(sa.Text)

    #: Many-to-one, loaded with the order by the scan path (see services.units.lock_order).
    merchant: Mapped[Merchant | None] = relationship(lazy="select", viewonly=True)

    __table_args__ = (
        sa.UniqueConstraint("marketplace", "external_id"),
        sa.Index("ix_return_orders_merchant_state", "merchant_id", "state"),
        sa.Index("ix_return_orders_state_created", "state", "created_at"),
    )


class ReturnLine(Base):
    """What a return order announced (or what was found extra at receipt)."""

    __tablename__ = "return_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    return_order_id: Mapped[int] = mapped_column(
        sa.ForeignKey("return_orders.id", ondelete="CASCADE"), index=True
    )
    product_id: Mapped[int | None] = mapped_column(sa.ForeignKey("products.id"))
    #: The marketplace's SKU as announced (kept when it maps to no product).
    marketplace_sku: Mapped[str | None] = mapped_column(sa.String(100))
    expected_qty: Mapped[int] = mapped_column(default=0)
    received_qty: Mapped[int] = mapped_column(default=0)
    price: Mapped[Decimal] = mapped_column(default=Decimal("0"))

    #: Loaded with the lines by the receipt scan path (services.receiving.order_lines).
    product: Mapped[Product | None] = relationship(lazy="select", viewonly=True)

    __table_args__ = (
        sa.CheckConstraint("expected_qty >= 0 AND received_qty >= 0", name="qty_non_negative"),
    )


class Unit(CreatedAt, Base):
    """One physical returned item with its LPN label."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    lpn: Mapped[str] = mapped_column(sa.String(20), unique=True)
    merchant_id: Mapped[int] = mapped_column(sa.ForeignKey("merchants.id"))
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("products.id"), index=True)
    return_order_id: Mapped[int] = mapped_column(sa.ForeignKey("return_orders.id"), index=True)
    return_line_id: Mapped[int | None] = mapped_column(sa.ForeignKey("return_lines.id"))
    state: Mapped[UnitState] = mapped_column(enum_type(UnitState, "unit_state"))
    grade: Mapped[Grade | None] = mapped_column(enum_type(Grade, "grade"))
    condition: Mapped[Condition | None] = mapped_column(enum_type(Condition, "condition"))
    channel: Mapped[Channel | None] = mapped_column(enum_type(Channel, "channel"))
    disposition: Mapped[Disposition | None] = mapped_column(enum_type(Disposition, "disposition"))
    #: Problems ticked at inspection (list of Check values).
    checks: Mapped[list[Any]] = mapped_column(default=list)
    #: The marking code exactly as scanned (GS separators and crypto tail kept).
    marking_code: Mapped[str | None] = mapped_column(sa.Text)
    #: КИ = 01 + GTIN + 21 + serial, for documents.
    marking_ki: Mapped[str | None] = mapped_column(sa.String(100))
    #: Same as marking_ki while the unit is in the warehouse, NULL once it left: unique, so
    #: one marking code cannot be in the warehouse twice.
    marking_active_ki: Mapped[str | None] = mapped_column(sa.String(100), unique=True)
    needs_remarking: Mapped[bool] = mapped_column(default=False)
    bin_id: Mapped[int | None] = mapped_column(sa.ForeignKey("bins.id"), index=True)
    value: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    graded_at: Mapped[datetime | None]
    putaway_at: Mapped[datetime | None]
    #: Version of the stock total the putaway produced; the sync worker sets `reintegrated_at`
    #: once a marketplace confirmed a quantity of that version or newer (reintegration speed).
    putaway_version: Mapped[int | None]
    reintegrated_at: Mapped[datetime | None]
    #: When the unit reached a terminal state (processing time ends).
    terminal_at: Mapped[datetime | None]
    #: When the current state was entered (age in the backlog, SLA).
    state_since: Mapped[datetime] = mapped_column(default=utcnow)
    decision_due_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    # The aggregate a scan works on, loaded in one statement by services.units.lock_unit;
    # assign the relationship (not the id column) so the loaded object never goes stale.
    product: Mapped[Product] = relationship(lazy="select", viewonly=True)
    merchant: Mapped[Merchant] = relationship(lazy="select", viewonly=True)
    order: Mapped[ReturnOrder] = relationship(lazy="select", viewonly=True)
    bin: Mapped[Bin | None] = relationship(lazy="select", viewonly=True)

    __table_args__ = (
        sa.Index("ix_units_state_since", "state", "state_since"),
        sa.Index("ix_units_merchant_state", "merchant_id", "state"),
        sa.Index("ix_units_received_at", "received_at"),
    )


class Inspection(CreatedAt, Base):
    """The result of inspecting a unit: grade, checklist, who and where."""

    __tablename__ = "inspections"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    choice: Mapped[GradeChoice] = mapped_column(enum_type(GradeChoice, "grade_choice"))
    suggested: Mapped[GradeChoice] = mapped_column(enum_type(GradeChoice, "suggested_choice"))
    checks: Mapped[list[Any]] = mapped_column(default=list)
    disposition: Mapped[Disposition] = mapped_column(enum_type(Disposition, "disposition"))
    operator_id: Mapped[int | None] = mapped_column(sa.ForeignKey("operators.id"))
    station_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stations.id"))
    notes: Mapped[str | None] = mapped_column(sa.Text)


class Photo(CreatedAt, Base):
    """A photo of a unit (evidence for claims), stored on disk with a thumbnail."""

    __tablename__ = "photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    merchant_id: Mapped[int] = mapped_column(sa.ForeignKey("merchants.id"))
    path: Mapped[str] = mapped_column(sa.String(300))
    thumb_path: Mapped[str] = mapped_column(sa.String(300))
    content_type: Mapped[str] = mapped_column(sa.String(50))
    size: Mapped[int]
    width: Mapped[int]
    height: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    uploaded_by: Mapped[str] = mapped_column(sa.String(100))
