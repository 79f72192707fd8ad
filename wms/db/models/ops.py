"""Audit trail, transactional outbox, floor exceptions, counters and reserved LPN blocks."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from wms.db.base import Base, CreatedAt, enum_type, utcnow


class AuditEvent(CreatedAt, Base):
    """Who did what to which object, with the state before and after."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(sa.String(40))
    entity_id: Mapped[int]
    action: Mapped[str] = mapped_column(sa.String(60))
    from_state: Mapped[str | None] = mapped_column(sa.String(40))
    to_state: Mapped[str | None] = mapped_column(sa.String(40))
    operator_id: Mapped[int | None] = mapped_column(sa.ForeignKey("operators.id"))
    station_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stations.id"))
    #: Human-readable actor: operator name, dashboard login, integration client, "system".
    actor: Mapped[str] = mapped_column(sa.String(100))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)

    __table_args__ = (
        sa.Index("ix_audit_events_entity", "entity", "entity_id"),
        sa.Index("ix_audit_events_created_at", "created_at"),
    )


class OutboxStatus(StrEnum):
    """Delivery state of an outbox row."""

    PENDING = "pending"
    DONE = "done"
    PARKED = "parked"


class OutboxMessage(CreatedAt, Base):
    """A side effect to run after commit (stock push, webhook), written in the same transaction."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: e.g. "stock.changed", "merchant.receipt_closed".
    topic: Mapped[str] = mapped_column(sa.String(60))
    #: Coalescing key: rows with the same key supersede each other (newest wins).
    key: Mapped[str] = mapped_column(sa.String(200))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[OutboxStatus] = mapped_column(
        enum_type(OutboxStatus, "outbox_status"), default=OutboxStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    available_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(sa.String(100))
    claimed_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    processed_at: Mapped[datetime | None]

    __table_args__ = (
        sa.Index("ix_outbox_status_available", "status", "available_at"),
        sa.Index("ix_outbox_key", "key"),
    )


class ExceptionStatus(StrEnum):
    """Whether a floor exception still needs someone."""

    OPEN = "open"
    RESOLVED = "resolved"


class FloorException(CreatedAt, Base):
    """Something on the floor a supervisor must look at: failed replay, unknown code, bad lines."""

    __tablename__ = "floor_exceptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: replay_failed, unknown_barcode, missing_line, extra_line, marking_duplicate, …
    kind: Mapped[str] = mapped_column(sa.String(40))
    status: Mapped[ExceptionStatus] = mapped_column(
        enum_type(ExceptionStatus, "exception_status"), default=ExceptionStatus.OPEN
    )
    station_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stations.id"))
    merchant_id: Mapped[int | None] = mapped_column(sa.ForeignKey("merchants.id"))
    return_order_id: Mapped[int | None] = mapped_column(sa.ForeignKey("return_orders.id"))
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"))
    code: Mapped[str | None] = mapped_column(sa.Text)
    message: Mapped[str] = mapped_column(sa.Text)
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[str | None] = mapped_column(sa.String(100))
    resolution: Mapped[str | None] = mapped_column(sa.Text)

    __table_args__ = (sa.Index("ix_floor_exceptions_status", "status", "created_at"),)


class Counter(Base):
    """A named counter (LPN numbers, return order numbers), advanced under a row lock."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    value: Mapped[int] = mapped_column(sa.BigInteger, default=0)


class LpnBlock(CreatedAt, Base):
    """A block of LPN numbers reserved by a station for offline receipt."""

    __tablename__ = "lpn_blocks"

    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(sa.ForeignKey("stations.id"), index=True)
    first_number: Mapped[int] = mapped_column(sa.BigInteger)
    last_number: Mapped[int] = mapped_column(sa.BigInteger)


class JobHeartbeat(Base):
    """Last sign of life of a background worker (the dashboard warns when it goes stale)."""

    __tablename__ = "job_heartbeats"

    name: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    beat_at: Mapped[datetime] = mapped_column(default=utcnow)
    info: Mapped[dict[str, Any]] = mapped_column(default=dict)


class FeedFetch(CreatedAt, Base):
    """One fetch of a merchant's Kaspi price-list feed: when Kaspi last saw which quantities."""

    __tablename__ = "feed_fetches"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("marketplace_accounts.id"))
    remote_addr: Mapped[str | None] = mapped_column(sa.String(64))
    user_agent: Mapped[str | None] = mapped_column(sa.String(200))
    offers: Mapped[int] = mapped_column(default=0)
    bytes: Mapped[int] = mapped_column(default=0)
    status: Mapped[int] = mapped_column(default=200)

    __table_args__ = (sa.Index("ix_feed_fetches_account_created", "account_id", "created_at"),)
