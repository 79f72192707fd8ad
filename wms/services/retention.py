"""Retention: trim what only matters for a while, in small batches (`[retention]` settings).

- Scan answers: a scan event keeps its code, kind, result and prompt for ever (evidence, the
  operator's record); after `scan_answer_days` its stored reply loses the label specs and the
  context (the bulk of it). A station replaying an event that old still gets a valid answer.
- Resolved floor exceptions after `closed_exception_days`; open ones are never touched.
- Delivered outbox rows after `delivered_outbox_days` (pending and parked ones stay).
- Job run records after `job_run_days` (the jobs table keeps the totals).
- Printed and cancelled print jobs after `printed_job_days` (their bytes are the bulk).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from wms.db.models import (
    ExceptionStatus,
    FloorException,
    JobRun,
    OutboxMessage,
    OutboxStatus,
    PrintJob,
    ScanEvent,
)
from wms.domain.printing import JobState
from wms.services.uow import UnitOfWork
from wms.settings import RetentionSettings

BATCH = 2000
SLIM_KEYS = ("result", "prompt", "sound")


@dataclass
class Trimmed:
    """How many rows one pass trimmed or deleted, and where the scan cursor stands."""

    scan_answers: int = 0
    closed_exceptions: int = 0
    delivered_outbox: int = 0
    job_runs: int = 0
    printed_jobs: int = 0
    scan_cursor: int = 0
    more: bool = False


def slim_answer(response: dict[str, Any]) -> dict[str, Any]:
    """A stored scan reply without its label specs and context (still a valid answer)."""
    slim = {k: response[k] for k in SLIM_KEYS if k in response}
    return {**slim, "print": [], "context": {}, "trimmed": True}


def trim(uow: UnitOfWork, settings: RetentionSettings, scan_cursor: int) -> Trimmed:
    """One batch of each kind; `more` says whether another pass would find more."""
    now = uow.now()
    session = uow.session
    out = Trimmed(scan_cursor=scan_cursor)
    old_scans = now - timedelta(days=settings.scan_answer_days)
    rows = session.execute(
        sa.select(ScanEvent.id, ScanEvent.response)
        .where(ScanEvent.id > scan_cursor, ScanEvent.received_at < old_scans)
        .order_by(ScanEvent.id)
        .limit(BATCH)
    ).all()
    for scan_id, response in rows:
        if response and not response.get("trimmed"):
            session.execute(
                sa.update(ScanEvent)
                .where(ScanEvent.id == scan_id)
                .values(response=slim_answer(dict(response)))
            )
            out.scan_answers += 1
        out.scan_cursor = scan_id
    out.more = len(rows) == BATCH
    out.closed_exceptions = _delete(
        uow,
        FloorException,
        FloorException.status == ExceptionStatus.RESOLVED,
        FloorException.resolved_at < now - timedelta(days=settings.closed_exception_days),
    )
    out.delivered_outbox = _delete(
        uow,
        OutboxMessage,
        OutboxMessage.status == OutboxStatus.DONE,
        OutboxMessage.processed_at < now - timedelta(days=settings.delivered_outbox_days),
    )
    out.job_runs = _delete(
        uow,
        JobRun,
        JobRun.finished_at.is_not(None),
        JobRun.started_at < now - timedelta(days=settings.job_run_days),
    )
    out.printed_jobs = _delete(
        uow,
        PrintJob,
        PrintJob.state.in_((JobState.PRINTED, JobState.CANCELLED)),
        PrintJob.created_at < now - timedelta(days=settings.printed_job_days),
    )
    deleted = (out.closed_exceptions, out.delivered_outbox, out.job_runs, out.printed_jobs)
    out.more = out.more or BATCH in deleted
    return out


def _delete(uow: UnitOfWork, model: Any, *where: Any) -> int:
    ids = list(uow.session.execute(sa.select(model.id).where(*where).limit(BATCH)).scalars())
    if ids:
        uow.session.execute(
            sa.delete(model).where(model.id.in_(ids)).execution_options(synchronize_session=False)
        )
    return len(ids)
