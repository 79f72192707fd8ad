"""Scheduled jobs (their lease and last outcome, every run), alarms, reconcile results."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from wms.db.base import Base, utcnow


class JobState(Base):
    """One scheduled job: which period it last completed, who holds it now, how it went."""

    __tablename__ = "jobs"

    name: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    #: Start of the last period the job completed; the next scheduled run is for a later one.
    done_slot: Mapped[datetime | None]
    #: The worker running the job and until when (renewed while it runs; expired = taken over).
    lease_owner: Mapped[str | None] = mapped_column(sa.String(100))
    lease_until: Mapped[datetime | None]
    running_slot: Mapped[datetime | None]
    running_trigger: Mapped[str | None] = mapped_column(sa.String(16))
    #: Consecutive failures and when the next retry may start (exponential backoff).
    attempts: Mapped[int] = mapped_column(default=0)
    retry_at: Mapped[datetime | None]
    #: "Run now" from the dashboard: the next free worker runs it once.
    requested_at: Mapped[datetime | None]
    requested_by: Mapped[str | None] = mapped_column(sa.String(100))
    last_started_at: Mapped[datetime | None]
    last_finished_at: Mapped[datetime | None]
    last_status: Mapped[str | None] = mapped_column(sa.String(16))
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    last_duration_ms: Mapped[int | None]
    last_result: Mapped[dict[str, Any]] = mapped_column(default=dict)
    last_ok_at: Mapped[datetime | None]
    #: Totals since the job first ran (Prometheus counters read them).
    runs: Mapped[int] = mapped_column(default=0)
    failures: Mapped[int] = mapped_column(default=0)
    #: The job's own memory between runs (cursors, watermarks).
    state: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class JobRun(Base):
    """One run of a job, whoever ran it: running, ok, failed, or lost (its worker died)."""

    __tablename__ = "job_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(sa.String(100))
    slot: Mapped[datetime | None]
    #: schedule | retry | manual
    trigger: Mapped[str] = mapped_column(sa.String(16))
    worker: Mapped[str] = mapped_column(sa.String(100))
    attempt: Mapped[int] = mapped_column(default=1)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(sa.String(16))
    error: Mapped[str | None] = mapped_column(sa.Text)
    result: Mapped[dict[str, Any]] = mapped_column(default=dict)

    __table_args__ = (
        sa.Index("ix_job_runs_job_started", "job", "started_at"),
        sa.Index("ix_job_runs_started_at", "started_at"),
    )


class Alarm(Base):
    """Something that needs a person and is not on the floor (a Kaspi feed gone quiet)."""

    __tablename__ = "alarms"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: e.g. "kaspi_feed_stale"
    kind: Mapped[str] = mapped_column(sa.String(40))
    #: What it is about, e.g. "account:12"; at most one open alarm per kind and subject.
    subject: Mapped[str] = mapped_column(sa.String(100))
    merchant_id: Mapped[int | None] = mapped_column(sa.ForeignKey("merchants.id"))
    message: Mapped[str] = mapped_column(sa.Text)
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    raised_at: Mapped[datetime] = mapped_column(default=utcnow)
    cleared_at: Mapped[datetime | None]

    __table_args__ = (sa.Index("ix_alarms_kind_subject", "kind", "subject", "cleared_at"),)


class AccountCheck(Base):
    """The last read-back of a marketplace account's stock (reconcile)."""

    __tablename__ = "account_checks"

    account_id: Mapped[int] = mapped_column(
        sa.ForeignKey("marketplace_accounts.id", ondelete="CASCADE"), primary_key=True
    )
    checked_at: Mapped[datetime]
    checked: Mapped[int] = mapped_column(default=0)
    in_flight: Mapped[int] = mapped_column(default=0)
    drifting: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(sa.Text)


class OfferCheck(Base):
    """What the marketplace said it holds for an offer at the last reconcile."""

    __tablename__ = "offer_checks"

    offer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("offers.id", ondelete="CASCADE"), primary_key=True
    )
    checked_at: Mapped[datetime]
    marketplace_quantity: Mapped[int]
    wms_quantity: Mapped[int]
    in_flight: Mapped[bool] = mapped_column(default=False)
