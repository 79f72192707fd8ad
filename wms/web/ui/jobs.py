"""The Jobs page: every scheduled job, its last run and next run, "run now" for supervisors."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for

from wms.db.base import utcnow
from wms.domain import kpi
from wms.jobs import overview, registry
from wms.services import jobs as store
from wms.services.watchdog import open_alarms
from wms.web.auth import current, protect
from wms.web.context import run, wms
from wms.web.ui import STAFF, bp
from wms.web.ui.forms import EmptyForm
from wms.web.ui.i18n import _
from wms.web.ui.queries import sync


def _registered() -> tuple[dict[str, Any], dict[str, Any]]:
    settings = wms().settings
    jobs = registry.all_jobs(settings)
    return jobs, registry.schedules(settings, jobs)


@bp.route("/jobs")
@protect(STAFF)
def jobs_page() -> Any:
    """Scheduled jobs: schedule, last run, result, duration, next run; workers; alarms."""
    now = utcnow()
    jobs, schedules = _registered()
    with wms().db.reading() as db:
        found = overview.lines(db, jobs, schedules, now)
        runs = store.recent_runs(db, limit=30)
        beats = sync.heartbeats(db, now)
        alarms = open_alarms(db)
    workers = [b for b in beats if b.name.startswith("worker:")]
    return render_template(
        "ui/jobs.html",
        jobs=found,
        runs=runs,
        workers=workers,
        alive=any(not b.stale for b in workers),
        alarms=alarms,
        now=now,
        form=EmptyForm(),
        stale_after=kpi.WORKER_STALE_AFTER,
    )


@bp.route("/jobs/<name>/run", methods=["POST"])
@protect(STAFF)
def run_job(name: str) -> Any:
    """Ask the workers to run a job once, now."""
    jobs, _schedules = _registered()
    if name not in jobs:
        abort(404)
    form = EmptyForm()
    if form.validate_on_submit():
        run(store.request_run, name, current().actor)
        flash(str(_("%(job)s will start within seconds on a running worker.", job=name)), "ok")
    return redirect(url_for("ui.jobs_page"), 303)
