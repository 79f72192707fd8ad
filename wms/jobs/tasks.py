"""The built-in jobs: each calls a service function and says what it did (a small dict).

A job that fails part of its work raises `JobFailed` with what it did, so it is retried with
backoff while the page shows both the error and the partial result.
"""

from __future__ import annotations

from typing import Any

from wms.jobs.base import JobContext, JobFailed
from wms.services.uow import execute


def returns_import(ctx: JobContext) -> dict[str, Any]:
    """Every active account's returns (an account that fails does not stop the others)."""
    from wms.services.returns_import import import_returns

    reports = import_returns(ctx.db, ctx.settings, ctx.box)
    result = {r.account: {"seen": r.seen, "created": r.created} for r in reports}
    errors = [f"{r.account}: {e}" for r in reports for e in r.errors]
    if errors:
        raise JobFailed("; ".join(errors), result)
    return result


def reconcile(ctx: JobContext) -> dict[str, Any]:
    """Read back Wildberries and Ozon stock and keep the drift for the Sync page."""
    from wms.services.sync import checks
    from wms.services.sync.reconcile import reconcile as read_back

    found = read_back(ctx.db, ctx.settings, ctx.box)
    drifting = execute(ctx.db, checks.record, found)
    result = {"accounts": len(found), "offers": sum(c.checked for c in found), "drift": drifting}
    errors = [f"{c.account}: {c.error}" for c in found if c.error]
    if errors:
        raise JobFailed("; ".join(errors), result)
    return result


def default_decisions(ctx: JobContext) -> dict[str, Any]:
    """Apply overdue default decisions, 500 units per transaction until none is left."""
    from wms.services.workflow import apply_default_decisions

    decided: list[str] = []
    while True:
        batch = execute(ctx.db, apply_default_decisions, 500)
        decided += batch
        if len(batch) < 500:
            break
    return {"decided": len(decided), "lpns": decided[:20]}


def kpi_rollup(ctx: JobContext) -> dict[str, Any]:
    """Roll up the closed days that changed (all of them on the first run)."""
    from wms.services import kpi_rollup as rollup

    report = rollup.refresh(ctx.db, ctx.state)
    return report.as_dict()


def retention(ctx: JobContext) -> dict[str, Any]:
    """Trim in batches until nothing old is left."""
    from wms.services import retention as keep

    cursor = int(ctx.state.get("scan_cursor", 0))
    totals: dict[str, int] = {}
    while True:
        trimmed = execute(ctx.db, keep.trim, ctx.settings.retention, cursor)
        cursor = trimmed.scan_cursor
        for key in (
            "scan_answers",
            "closed_exceptions",
            "delivered_outbox",
            "job_runs",
            "printed_jobs",
        ):
            totals[key] = totals.get(key, 0) + getattr(trimmed, key)
        if not trimmed.more:
            break
    ctx.state["scan_cursor"] = cursor
    return totals


def clips_purge(ctx: JobContext) -> dict[str, Any]:
    """Delete clips past `[clips] retention_days`: rows first, then their files."""
    from pathlib import Path

    from wms.services.clips import purge

    clips = ctx.settings.clips
    done = purge(ctx.db, Path(clips.dir), clips.retention_days)
    return {"clips": done.rows, "bytes": done.bytes}


def kaspi_feed_watchdog(ctx: JobContext) -> dict[str, Any]:
    """Raise or clear the stale-feed alarms."""
    from wms.services.watchdog import watch_kaspi_feeds

    watch = execute(ctx.db, watch_kaspi_feeds, ctx.settings.jobs.kaspi_feed_stale_hours)
    return {
        "accounts": watch.watched,
        "raised": watch.raised,
        "cleared": watch.cleared,
        "open": watch.open,
    }


def storage_snapshot(ctx: JobContext) -> dict[str, Any]:
    """Bill the night's storage: one event per unit and per occupied bin, by zone."""
    from wms.domain import kpi
    from wms.services import billing

    day = kpi.local_date(ctx.slot or ctx.now)
    events = execute(ctx.db, billing.snapshot_storage, day)
    return {"day": day.isoformat(), "events": events}


def billing_run(ctx: JobContext) -> dict[str, Any]:
    """Draft (or recalculate) every merchant's invoice for the month that just ended."""
    from wms.domain import kpi
    from wms.domain.billing import Period
    from wms.services import invoicing
    from wms.services.uow import SYSTEM

    period = Period.of(kpi.local_date(ctx.slot or ctx.now)).previous()
    results = execute(ctx.db, invoicing.run, SYSTEM, period)
    return {
        "period": str(period),
        "drafts": sum(1 for r in results if r.recalculated),
        "final": sum(1 for r in results if not r.recalculated),
        "total": str(sum((r.total for r in results if r.recalculated), start=0)),
    }
