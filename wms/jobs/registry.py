"""The scheduled jobs the worker runs: one entry each (name, function, default schedule).

Adding a job: write the work as a plain service function with its own CLI command, wrap it in
a `(JobContext) -> dict | None` function in `wms/jobs/tasks.py` (the dict is shown on the Jobs
page), and add one `Job(...)` line below with its default schedule. Sites override schedules in
`[jobs.schedule]` of config.toml and add their own jobs with `[jobs] modules`.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping

from wms.domain.kpi import WAREHOUSE_TZ
from wms.domain.schedules import Schedule, ScheduleError, parse
from wms.jobs import tasks
from wms.jobs.base import Job, JobContext, JobFailed
from wms.settings import Settings, SettingsError

__all__ = ["JOBS", "Job", "JobContext", "JobFailed", "all_jobs", "schedules"]


JOBS: tuple[Job, ...] = (
    Job(
        "returns_import",
        tasks.returns_import,
        "every 15m",
        "Import returns and cancellations the marketplaces announce, account by account",
    ),
    Job(
        "reconcile",
        tasks.reconcile,
        "every 1h",
        "Read stock back from Wildberries and Ozon and record the drift per offer",
    ),
    Job(
        "default_decisions",
        tasks.default_decisions,
        "every 5m",
        "Apply merchants' default decisions to units whose decision SLA has passed",
    ),
    Job(
        "kpi_rollup",
        tasks.kpi_rollup,
        "every 10m",
        "Roll up closed days for the KPI and reasons pages (changed days again)",
    ),
    Job(
        "retention",
        tasks.retention,
        "15 3 * * *",
        "Trim old scan answers, resolved floor exceptions, delivered outbox rows, job runs",
    ),
    Job(
        "clips_purge",
        tasks.clips_purge,
        "45 3 * * *",
        "Delete video clips older than [clips] retention_days (held ones stay)",
    ),
    Job(
        "kaspi_feed_watchdog",
        tasks.kaspi_feed_watchdog,
        "every 5m",
        "Alarm (dashboard + merchant webhook) when Kaspi stops fetching a price list",
    ),
    Job(
        "storage_snapshot",
        tasks.storage_snapshot,
        "55 23 * * *",
        "Bill the day's storage: each unit and each occupied bin, by zone (once per day)",
    ),
    Job(
        "billing_run",
        tasks.billing_run,
        "30 2 1 * *",
        "Draft every merchant's invoice for the month that ended (finalising stays manual)",
    ),
)


def all_jobs(settings: Settings) -> dict[str, Job]:
    """The built-in jobs plus those of `[jobs] modules`, by name."""
    jobs = {job.name: job for job in JOBS}
    for module_name in settings.jobs.modules:
        try:
            extra = importlib.import_module(module_name).JOBS
        except (ImportError, AttributeError) as exc:
            raise SettingsError(f"jobs.modules: cannot load {module_name}.JOBS: {exc}") from exc
        for job in extra:
            if job.name in jobs:
                raise SettingsError(f"jobs.modules: {module_name} defines {job.name} again")
            jobs[job.name] = job
    return jobs


def schedules(settings: Settings, jobs: Mapping[str, Job]) -> dict[str, Schedule]:
    """Each job's schedule: `[jobs.schedule]` if set there, else its default."""
    unknown = sorted(set(settings.jobs.schedule) - set(jobs))
    if unknown:
        raise SettingsError(f"jobs.schedule: no such job: {', '.join(unknown)}")
    out = {}
    for name, job in jobs.items():
        text = settings.jobs.schedule.get(name, job.schedule)
        try:
            out[name] = parse(text, WAREHOUSE_TZ)
        except ScheduleError as exc:
            raise SettingsError(f"jobs.schedule.{name}: {exc}") from None
    return out
