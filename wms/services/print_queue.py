"""The print queue's database side: printer leases, the next job, and what became of each job.

Every step is its own short transaction; no database lock lives across printer I/O. A worker
feeds a printer only while it holds the printer's lease, and every write about a job checks
that it still does (a worker that was presumed dead must not record over its successor).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import cast

import sqlalchemy as sa

from labels.zebra import PrinterState, PrinterStatus
from wms.db.models import Printer, PrintJob
from wms.domain.printing import InFlight, JobAction, JobState, next_job_state
from wms.services.uow import UnitOfWork

_PRINTERS = cast(sa.Table, Printer.__table__)
_JOBS = cast(sa.Table, PrintJob.__table__)
OPEN = (JobState.QUEUED.value, JobState.SENDING.value)


@dataclass(frozen=True)
class NextJob:
    """The oldest unprinted job of a printer."""

    id: int
    state: JobState
    title: str
    payload: bytes
    odometer_before: int | None


@dataclass(frozen=True)
class Lane:
    """A printer this worker holds: where it is and how it takes jobs."""

    printer_id: int
    name: str
    uri: str


def printers_with_work(uow: UnitOfWork) -> list[int]:
    """Printers that have queued or in-flight jobs."""
    stmt = sa.select(_JOBS.c.printer_id).where(_JOBS.c.state.in_(OPEN)).distinct()
    return [int(pid) for pid in uow.session.execute(stmt).scalars()]


def take_lease(uow: UnitOfWork, printer_id: int, worker: str, seconds: float) -> Lane | None:
    """Lease a free (or expired) printer to this worker; None when another worker holds it."""
    now = uow.now()
    stmt = (
        sa.update(_PRINTERS)
        .where(
            _PRINTERS.c.id == printer_id,
            sa.or_(
                _PRINTERS.c.lease_owner.is_(None),
                _PRINTERS.c.lease_owner == worker,
                _PRINTERS.c.lease_until < now,
            ),
        )
        .values(lease_owner=worker, lease_until=now + timedelta(seconds=seconds))
        .returning(_PRINTERS.c.id, _PRINTERS.c.name, _PRINTERS.c.uri)
    )
    row = uow.session.execute(stmt).one_or_none()
    return Lane(int(row.id), str(row.name), str(row.uri)) if row else None


def renew_lease(uow: UnitOfWork, printer_id: int, worker: str, seconds: float) -> bool:
    """Extend the lease; False when this worker no longer holds it."""
    stmt = (
        sa.update(_PRINTERS)
        .where(_PRINTERS.c.id == printer_id, _PRINTERS.c.lease_owner == worker)
        .values(lease_until=uow.now() + timedelta(seconds=seconds))
    )
    return uow.session.execute(stmt).rowcount == 1  # type: ignore[attr-defined, no-any-return]


def release_lease(uow: UnitOfWork, printer_id: int, worker: str) -> None:
    """Give the printer back (its queue is empty, or the worker stops)."""
    uow.session.execute(
        sa.update(_PRINTERS)
        .where(_PRINTERS.c.id == printer_id, _PRINTERS.c.lease_owner == worker)
        .values(lease_owner=None, lease_until=None)
    )


def next_job(uow: UnitOfWork, printer_id: int) -> NextJob | None:
    """The printer's oldest unprinted job (queue order = id order)."""
    row = uow.session.execute(
        sa.select(
            _JOBS.c.id, _JOBS.c.state, _JOBS.c.title, _JOBS.c.payload, _JOBS.c.odometer_before
        )
        .where(_JOBS.c.printer_id == printer_id, _JOBS.c.state.in_(OPEN))
        .order_by(_JOBS.c.id)
        .limit(1)
    ).one_or_none()
    if row is None:
        return None
    return NextJob(
        int(row.id), JobState(row.state), row.title, bytes(row.payload), row.odometer_before
    )


def record_status(
    uow: UnitOfWork, printer_id: int, status: PrinterStatus, odometer: int | None
) -> None:
    """Store the printer's latest reading for the floor page."""
    values: dict[str, object] = {
        "state": status.state.value,
        "state_detail": status.detail[:200],
        "checked_at": uow.now(),
    }
    if odometer is not None:
        values["odometer"] = odometer
    if status.state is PrinterState.OFFLINE:  # unreachable: worth the "last error" column
        values["last_error"] = status.detail[:2000]
        values["last_error_at"] = uow.now()
    uow.session.execute(sa.update(_PRINTERS).where(_PRINTERS.c.id == printer_id).values(values))


def _held(printer_id: int, worker: str) -> sa.ColumnElement[bool]:
    """This worker still holds the printer's lease (checked inside each job update)."""
    return sa.exists().where(_PRINTERS.c.id == printer_id, _PRINTERS.c.lease_owner == worker)


def _move(
    uow: UnitOfWork,
    printer_id: int,
    worker: str,
    job: NextJob,
    action: JobAction,
    **values: object,
) -> bool:
    """Apply `action` to the job if it is still in the state we read and we hold the printer."""
    target = next_job_state(job.state, action)
    result = uow.session.execute(
        sa.update(_JOBS)
        .where(_JOBS.c.id == job.id, _JOBS.c.state == job.state.value, _held(printer_id, worker))
        .values(state=target.value, **values)
    )
    return result.rowcount == 1  # type: ignore[attr-defined, no-any-return]


def mark_sending(
    uow: UnitOfWork, printer_id: int, worker: str, job: NextJob, odometer: int | None
) -> bool:
    """Record that the bytes are about to leave (with the odometer), before they do."""
    return _move(
        uow,
        printer_id,
        worker,
        job,
        JobAction.SEND,
        odometer_before=odometer,
        sent_at=uow.now(),
        attempts=_JOBS.c.attempts + 1,
    )


def mark_printed(uow: UnitOfWork, printer_id: int, worker: str, job: NextJob) -> bool:
    """The printer took the job."""
    sending = NextJob(job.id, JobState.SENDING, job.title, job.payload, job.odometer_before)
    return _move(uow, printer_id, worker, sending, JobAction.CONFIRM, printed_at=uow.now())


def mark_send_failed(
    uow: UnitOfWork, printer_id: int, worker: str, job: NextJob, error: str
) -> bool:
    """The bytes did not get through: back in the queue, error shown on the floor page."""
    sending = NextJob(job.id, JobState.SENDING, job.title, job.payload, job.odometer_before)
    moved = _move(uow, printer_id, worker, sending, JobAction.SEND_FAILED, last_error=error)
    _printer_error(uow, printer_id, error)
    return moved


def resolve_in_flight(
    uow: UnitOfWork, printer_id: int, worker: str, job: NextJob, outcome: InFlight
) -> bool:
    """Settle a job a dead worker left in `sending`, as the odometer says."""
    if outcome is InFlight.PRINTED:
        return _move(uow, printer_id, worker, job, JobAction.CONFIRM, printed_at=uow.now())
    if outcome is InFlight.NOT_PRINTED:
        return _move(uow, printer_id, worker, job, JobAction.NOT_PRINTED)
    return _move(uow, printer_id, worker, job, JobAction.RESEND, possible_duplicate=True)


def _printer_error(uow: UnitOfWork, printer_id: int, error: str) -> None:
    uow.session.execute(
        sa.update(_PRINTERS)
        .where(_PRINTERS.c.id == printer_id)
        .values(last_error=error[:2000], last_error_at=uow.now())
    )
