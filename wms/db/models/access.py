"""Who may do what: stations, operators, dashboard users, integration clients; scan log."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from wms.db.base import Base, CreatedAt, enum_type, utcnow
from wms.domain.station_session import StationRole


class UserRole(StrEnum):
    """Dashboard roles."""

    SUPERVISOR = "supervisor"
    ADMIN = "admin"
    MERCHANT = "merchant"


class Station(CreatedAt, Base):
    """A registered scanning place; authenticates with a token stored as a SHA-256 hash."""

    __tablename__ = "stations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100), unique=True)
    role: Mapped[StationRole] = mapped_column(enum_type(StationRole, "station_role"))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    language: Mapped[str] = mapped_column(sa.String(2), default="ru")
    active: Mapped[bool] = mapped_column(default=True)
    #: Part of the handheld login barcode; bumping it revokes the printed code and its sessions.
    login_epoch: Mapped[int] = mapped_column(default=0, server_default="0")
    last_seen_at: Mapped[datetime | None]
    #: Reported by the station's heartbeat.
    queued_scans: Mapped[int] = mapped_column(default=0)
    scanner_status: Mapped[str | None] = mapped_column(sa.String(40))
    printer_status: Mapped[str | None] = mapped_column(sa.String(40))
    #: The server printer this station's labels go to; None = the station prints itself.
    printer_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("printers.id", ondelete="SET NULL")
    )


class StationSession(Base):
    """Server-side session of a station: logged-in operator and the current work item."""

    __tablename__ = "station_sessions"

    station_id: Mapped[int] = mapped_column(sa.ForeignKey("stations.id"), primary_key=True)
    operator_id: Mapped[int | None] = mapped_column(sa.ForeignKey("operators.id"))
    step: Mapped[str] = mapped_column(sa.String(40), default="idle")
    return_order_id: Mapped[int | None] = mapped_column(sa.ForeignKey("return_orders.id"))
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"))
    #: Step data: ticked checks, pending product, last printed labels.
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Operator(CreatedAt, Base):
    """A person on the floor who logs in at stations with a badge."""

    __tablename__ = "operators"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    badge: Mapped[str] = mapped_column(sa.String(30), unique=True)
    language: Mapped[str | None] = mapped_column(sa.String(2))
    active: Mapped[bool] = mapped_column(default=True)


class User(CreatedAt, Base):
    """A dashboard login; merchants are scoped to one merchant."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(sa.String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[UserRole] = mapped_column(enum_type(UserRole, "user_role"))
    merchant_id: Mapped[int | None] = mapped_column(sa.ForeignKey("merchants.id"))
    language: Mapped[str | None] = mapped_column(sa.String(2))
    active: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None]

    __table_args__ = (
        sa.CheckConstraint(
            "(role = 'merchant') = (merchant_id IS NOT NULL)", name="merchant_scope"
        ),
    )


class UserSession(CreatedAt, Base):
    """A dashboard login in one browser: the cookie carries a random id, the table its SHA-256.

    Deleting the row ends the session at once (logout, password change, user disabled); the
    cookie holds nothing derived from the password.
    """

    __tablename__ = "user_sessions"

    id_hash: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)


class IntegrationClient(CreatedAt, Base):
    """A system that announces returns and books stock through the API (token hashed)."""

    __tablename__ = "integration_clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100), unique=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    #: When set, the client may only touch this merchant's data.
    merchant_id: Mapped[int | None] = mapped_column(sa.ForeignKey("merchants.id"))
    active: Mapped[bool] = mapped_column(default=True)


class ScanEvent(Base):
    """Every scan a station sent, with the response given (idempotency by event id)."""

    __tablename__ = "scan_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(sa.ForeignKey("stations.id"))
    event_id: Mapped[str] = mapped_column(sa.String(64))
    code: Mapped[str] = mapped_column(sa.Text)
    symbology: Mapped[str | None] = mapped_column(sa.String(8))
    kind: Mapped[str] = mapped_column(sa.String(20))
    scanned_at: Mapped[datetime]
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    operator_id: Mapped[int | None] = mapped_column(sa.ForeignKey("operators.id"))
    offline: Mapped[bool] = mapped_column(default=False)
    result: Mapped[str] = mapped_column(sa.String(20))
    response: Mapped[dict[str, Any]] = mapped_column(default=dict)

    __table_args__ = (
        sa.UniqueConstraint("station_id", "event_id"),
        sa.Index("ix_scan_events_received_at", "received_at"),
    )


class IdempotencyRecord(CreatedAt, Base):
    """Stored response of an integration call made with an `Idempotency-Key` header."""

    __tablename__ = "idempotency_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    client: Mapped[str] = mapped_column(sa.String(100))
    key: Mapped[str] = mapped_column(sa.String(100))
    request_hash: Mapped[str] = mapped_column(sa.String(64))
    status_code: Mapped[int]
    response: Mapped[dict[str, Any]] = mapped_column(default=dict)

    __table_args__ = (sa.UniqueConstraint("client", "key"),)
