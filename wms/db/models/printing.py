"""Server printers and their print job queues (issue 15)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from wms.db.base import Base, CreatedAt, enum_type, utcnow
from wms.domain.printing import JobState


class Printer(CreatedAt, Base):
    """A label printer the server prints on: raw ZPL over TCP, or a CUPS queue."""

    __tablename__ = "printers"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Upper case, printed on the printer label as `PRN-<name>`.
    name: Mapped[str] = mapped_column(sa.String(30), unique=True)
    uri: Mapped[str] = mapped_column(sa.String(200))
    dpi: Mapped[int] = mapped_column(default=203)
    label_width_mm: Mapped[int] = mapped_column(default=58)
    label_height_mm: Mapped[int] = mapped_column(default=40)
    #: Last reading (`labels.zebra.PrinterState` values, or "unknown" before the first).
    state: Mapped[str] = mapped_column(sa.String(20), default="unknown")
    state_detail: Mapped[str | None] = mapped_column(sa.String(200))
    checked_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    last_error_at: Mapped[datetime | None]
    #: The `~HQOD` non-resettable print meter at the last reading (None: printer does not say).
    odometer: Mapped[int | None]
    #: The worker feeding this printer and until when (one worker per printer at a time).
    lease_owner: Mapped[str | None] = mapped_column(sa.String(100))
    lease_until: Mapped[datetime | None]


class PrintJob(Base):
    """One rendered label in a printer's queue; printed in id order."""

    __tablename__ = "print_jobs"

    id: Mapped[int] = mapped_column(
        sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True
    )
    printer_id: Mapped[int] = mapped_column(sa.ForeignKey("printers.id", ondelete="CASCADE"))
    state: Mapped[JobState] = mapped_column(
        enum_type(JobState, "print_job_state"), default=JobState.QUEUED
    )
    #: e.g. "unit LPN0000000123"
    title: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(32))
    lpn: Mapped[str | None] = mapped_column(sa.String(32))
    #: Exactly the bytes sent (`labels.zebra.zpl_payload` at the printer's dpi, or a PDF).
    payload: Mapped[bytes] = mapped_column(sa.LargeBinary)
    station_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stations.id"))
    requested_by: Mapped[str | None] = mapped_column(sa.String(100))
    reprint: Mapped[bool] = mapped_column(default=False)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    #: Resent after a worker died mid-send and the printer's odometer could not tell.
    possible_duplicate: Mapped[bool] = mapped_column(default=False)
    #: The odometer read just before the bytes left (to resolve a job left in `sending`).
    odometer_before: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    printed_at: Mapped[datetime | None]

    __table_args__ = (sa.Index("ix_print_jobs_printer_state_id", "printer_id", "state", "id"),)
