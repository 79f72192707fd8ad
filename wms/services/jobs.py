"""Scheduled jobs in the database: the lease that makes a period's run happen once, outcomes.

Every worker reads the `jobs` rows, and for a job that looks due tries a conditional UPDATE
that takes the lease only if nobody holds it (or its holder's lease expired) and the period is
still not done. The database decides who wins, on SQLite and PostgreSQL alike; no lock is held
while the job runs. The holder renews its lease while it works; whatever it records at the end
is fenced by `lease_owner`, so a worker that lost its lease (paused, cut off) cannot mark a
period done twice. Jobs therefore run at least once and complete once per period: their work
must be idempotent (every job here is).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from wms.db.models import JobRun, JobState
from wms.db.session import dialect_insert
from wms.domain.errors import NotFound
from wms.domain.schedules import Schedule
from wms.services.uow import Actor, UnitOfWork

SCHEDULE, RETRY, MANUAL = "schedule", "retry", "manual"
RUNNING, OK, FAILED, LOST = "running", "ok", "failed", "lost"
MAX_ERROR = 2000


@dataclass(frozen=True)
class Claim:
    """A lease taken on a job: run it for `slot` (None: a manual run outside the schedule)."""

    name: str
    slot: datetime | None
    trigger: str
    attempt: int
    run_id: int
    state: dict[str, Any]


def ensure(uow: UnitOfWork, names: dict[str, Schedule]) -> None:
    """Create missing job rows. A cron job's first run is its next cron time; an interval job
    runs at once."""
    now = uow.now()
    insert = dialect_insert(uow.session)
    for name, schedule in names.items():
        done = schedule.slot(now) if schedule.cron else None
        stmt = insert(JobState).values(
            name=name, done_slot=done, last_result={}, state={}, updated_at=now
        )
        uow.session.execute(stmt.on_conflict_do_nothing(index_elements=["name"]))


def states(session: Session) -> dict[str, JobState]:
    """Every job row by name."""
    return {j.name: j for j in session.execute(sa.select(JobState)).scalars()}


def is_due(row: JobState, slot: datetime | None, now: datetime) -> str | None:
    """The trigger under which a job may start now (None: not due, or someone holds it)."""
    if row.lease_until is not None and row.lease_until >= now:
        return None
    if row.requested_at is not None:
        return MANUAL
    if slot is None or (row.done_slot is not None and row.done_slot >= slot):
        return None
    if row.retry_at is not None and row.retry_at > now:
        return None
    return RETRY if row.attempts else SCHEDULE


def claim(
    uow: UnitOfWork,
    name: str,
    slot: datetime | None,
    trigger: str,
    owner: str,
    lease_seconds: float,
) -> Claim | None:
    """Take the job's lease if it is still free and due; record the run. None: someone else won."""
    now = uow.now()
    free = sa.or_(JobState.lease_until.is_(None), JobState.lease_until < now)
    if trigger == MANUAL:
        due = JobState.requested_at.is_not(None)
        slot = None
    else:
        assert slot is not None
        due = sa.and_(
            sa.or_(JobState.done_slot.is_(None), JobState.done_slot < slot),
            sa.or_(JobState.retry_at.is_(None), JobState.retry_at <= now),
        )
    taken = uow.session.execute(
        sa.update(JobState)
        .where(JobState.name == name, free, due)
        .values(
            lease_owner=owner,
            lease_until=now + timedelta(seconds=lease_seconds),
            running_slot=slot,
            running_trigger=trigger,
            last_started_at=now,
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        return None
    row = uow.session.execute(
        sa.select(JobState.attempts, JobState.state).where(JobState.name == name)
    ).one()
    # Whatever still shows as running belonged to a worker whose lease expired.
    uow.session.execute(
        sa.update(JobRun)
        .where(JobRun.job == name, JobRun.status == RUNNING)
        .values(status=LOST, finished_at=now, error="its worker stopped renewing the lease")
        .execution_options(synchronize_session=False)
    )
    attempt = 1 if trigger == MANUAL else int(row.attempts) + 1
    run = JobRun(
        job=name,
        slot=slot,
        trigger=trigger,
        worker=owner,
        attempt=attempt,
        started_at=now,
        status=RUNNING,
        result={},
    )
    uow.session.add(run)
    uow.session.flush()
    return Claim(name, slot, trigger, attempt, run.id, dict(row.state or {}))


def renew(uow: UnitOfWork, name: str, owner: str, lease_seconds: float) -> bool:
    """Extend a lease this worker holds; False when it was lost to another worker."""
    now = uow.now()
    done = uow.session.execute(
        sa.update(JobState)
        .where(JobState.name == name, JobState.lease_owner == owner)
        .values(lease_until=now + timedelta(seconds=lease_seconds))
        .execution_options(synchronize_session=False)
    )
    return done.rowcount == 1


@dataclass(frozen=True)
class Outcome:
    """How a run ended."""

    ok: bool
    duration_ms: int
    result: dict[str, Any]
    error: str | None = None
    state: dict[str, Any] | None = None


def finish(
    uow: UnitOfWork, claim: Claim, owner: str, outcome: Outcome, retry_in: float | None
) -> bool:
    """Record the end of a run and free the lease; False when the lease had been taken over."""
    now = uow.now()
    values: dict[str, Any] = {
        "lease_owner": None,
        "lease_until": None,
        "running_slot": None,
        "running_trigger": None,
        "last_finished_at": now,
        "last_duration_ms": outcome.duration_ms,
        "last_status": OK if outcome.ok else FAILED,
        "last_error": None if outcome.ok else (outcome.error or "")[:MAX_ERROR],
        "last_result": outcome.result,
        "updated_at": now,
    }
    if outcome.ok:
        values.update(runs=JobState.runs + 1, attempts=0, retry_at=None, last_ok_at=now)
        if claim.slot is not None:
            values["done_slot"] = claim.slot
        if outcome.state is not None:
            values["state"] = outcome.state
    else:
        values["failures"] = JobState.failures + 1
        values["runs"] = JobState.runs + 1
        if claim.trigger != MANUAL:
            values["attempts"] = JobState.attempts + 1
            values["retry_at"] = now + timedelta(seconds=retry_in or 0)
    if claim.trigger == MANUAL:
        values["requested_at"] = None
        values["requested_by"] = None
    updated = uow.session.execute(
        sa.update(JobState)
        .where(JobState.name == claim.name, JobState.lease_owner == owner)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    kept = updated.rowcount == 1
    status = (OK if outcome.ok else FAILED) if kept else LOST
    error = outcome.error if kept else "finished after its lease had been taken over"
    uow.session.execute(
        sa.update(JobRun)
        .where(JobRun.id == claim.run_id)
        .values(
            status=status,
            finished_at=now,
            error=(error or None) and error[:MAX_ERROR],
            result=outcome.result,
        )
        .execution_options(synchronize_session=False)
    )
    return kept


def request_run(uow: UnitOfWork, name: str, actor: Actor) -> JobState:
    """Ask the workers to run a job once, now ("run now" on the Jobs page)."""
    row = uow.session.get(JobState, name)
    if row is None:
        raise NotFound("job.not_found", job=name)
    if row.requested_at is None:
        row.requested_at = uow.now()
        row.requested_by = actor.name
    uow.audit("job", 0, "run_requested", actor, job=name)
    return row


def recent_runs(session: Session, name: str | None = None, limit: int = 50) -> list[JobRun]:
    """The latest runs, newest first (of one job, or of all)."""
    stmt = sa.select(JobRun).order_by(JobRun.started_at.desc(), JobRun.id.desc()).limit(limit)
    if name is not None:
        stmt = stmt.where(JobRun.job == name)
    return list(session.execute(stmt).scalars())
