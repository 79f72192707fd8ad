"""What `wms jobs list` and the Jobs page show: schedule, last run, result, next run."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from wms.domain.schedules import Schedule
from wms.jobs.base import Job
from wms.services import jobs as store


@dataclass(frozen=True)
class JobLine:
    """One job as people read it."""

    name: str
    summary: str
    schedule: str
    status: str  # never_run | ok | failed | running | requested
    last_started_at: datetime | None
    last_finished_at: datetime | None
    duration_ms: int | None
    next_run_at: datetime | None
    error: str | None
    attempts: int
    running_on: str | None
    result: dict[str, Any]
    runs: int
    failures: int

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (times as ISO 8601)."""
        out = asdict(self)
        for key, value in out.items():
            if isinstance(value, datetime):
                out[key] = value.isoformat()
        return out


def next_run(schedule: Schedule, row: Any, now: datetime) -> datetime | None:
    """When the job starts next (now when due or requested; the retry time while failing)."""
    if row is None:  # never seen by a worker: interval jobs start at once, cron jobs on time
        return now if schedule.every is not None else schedule.next_slot(now)
    if row.requested_at is not None:
        return now
    if row.lease_until is not None and row.lease_until >= now:
        return None  # running
    slot = schedule.slot(now)
    if slot is not None and (row.done_slot is None or row.done_slot < slot):
        return max(now, row.retry_at) if row.retry_at is not None else now
    return schedule.next_slot(now)


def lines(
    session: Session, jobs: dict[str, Job], schedules: dict[str, Schedule], now: datetime
) -> list[JobLine]:
    """Every registered job with its state, in registry order."""
    rows = store.states(session)
    out = []
    for name, job in jobs.items():
        row = rows.get(name)
        running = row is not None and row.lease_until is not None and row.lease_until >= now
        if row is None or (row.last_status is None and not running):
            status = "requested" if row is not None and row.requested_at else "never_run"
        elif running:
            status = "running"
        elif row.requested_at is not None:
            status = "requested"
        else:
            status = row.last_status or "never_run"
        out.append(
            JobLine(
                name=name,
                summary=job.summary,
                schedule=schedules[name].text,
                status=status,
                last_started_at=row.last_started_at if row else None,
                last_finished_at=row.last_finished_at if row else None,
                duration_ms=row.last_duration_ms if row else None,
                next_run_at=next_run(schedules[name], row, now),
                error=row.last_error if row else None,
                attempts=row.attempts if row else 0,
                running_on=(row.lease_owner if running and row else None),
                result=dict(row.last_result or {}) if row else {},
                runs=row.runs if row else 0,
                failures=row.failures if row else 0,
            )
        )
    return out
