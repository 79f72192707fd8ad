"""Dashboard tables (completed-order counts, failed logins) and the read indexes its pages need.

The indexes on other tables are declared here, next to the queries that need them, so that the
models of those tables stay as their owners wrote them and `wms db check` still sees no drift.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from wms.db.base import Base, enum_type, utcnow
from wms.db.models.ops import AuditEvent
from wms.db.models.returns import ReturnOrder, Unit
from wms.db.models.stock import StockLedgerEntry
from wms.domain.returns import Marketplace


class MerchantOrderCount(Base):
    """Completed marketplace orders of a merchant on one day (denominator of quality returns)."""

    __tablename__ = "merchant_order_counts"

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(sa.ForeignKey("merchants.id"))
    marketplace: Mapped[Marketplace] = mapped_column(enum_type(Marketplace, "marketplace"))
    #: The day in the warehouse's time zone.
    day: Mapped[date] = mapped_column(sa.Date)
    completed_orders: Mapped[int] = mapped_column(default=0)
    #: Who reported it last (sync job, import, simulation) and when.
    source: Mapped[str] = mapped_column(sa.String(40), default="import")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        sa.UniqueConstraint("merchant_id", "marketplace", "day"),
        sa.CheckConstraint("completed_orders >= 0", name="completed_non_negative"),
    )


class LoginAttempt(Base):
    """A failed dashboard login, kept briefly to limit guessing per login name."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(sa.String(100))
    failed_at: Mapped[datetime] = mapped_column(default=utcnow)
    remote_addr: Mapped[str | None] = mapped_column(sa.String(64))

    __table_args__ = (sa.Index("ix_login_attempts_login_failed_at", "login", "failed_at"),)


# Read indexes for a million units (see bench/README.md, "Dashboard").
# Processing time: units that reached a terminal state in the period.
sa.Index("ix_units_terminal_at", Unit.terminal_at)
# Reintegration speed: units put away in the period.
sa.Index("ix_units_putaway_at", Unit.putaway_at)
# Decisions page: units awaiting decision by due time.
sa.Index("ix_units_state_decision_due", Unit.state, Unit.decision_due_at)
# Costs, reasons and losses over a period.
sa.Index("ix_return_orders_received_at", ReturnOrder.received_at)
sa.Index("ix_return_orders_created_at", ReturnOrder.created_at)
sa.Index("ix_return_orders_type_created", ReturnOrder.return_type, ReturnOrder.created_at)
# Processing time per stage: a period's unit transitions (without the return orders' events).
sa.Index("ix_audit_events_entity_created", AuditEvent.entity, AuditEvent.created_at)
# The unit page shows the stock ledger rows of the unit.
sa.Index("ix_stock_ledger_unit_id", StockLedgerEntry.unit_id)
