"""`wms worker` (stock sync + scheduled jobs) and `wms jobs list|run`."""

from __future__ import annotations

import json
import signal

import click

from wms.cli.common import domain_errors, settings
from wms.cli.sync import opened


@click.command("worker")
@click.option("--name", help="Heartbeat name (default <host>:<pid>).")
@click.option("--no-sync", is_flag=True, help="Run only the scheduled jobs.")
@click.option("--no-jobs", is_flag=True, help="Do not run the scheduled jobs.")
@click.option("--no-printing", is_flag=True, help="Do not feed the server printers.")
def worker_cmd(name: str | None, no_sync: bool, no_jobs: bool, no_printing: bool) -> None:
    """Run the stock sync, every scheduled job and the print queues until SIGTERM/Ctrl-C."""
    from wms import logs
    from wms.jobs.worker import Worker
    from wms.services.crypto import SecretBox

    cfg = settings()
    logs.configure(cfg.metrics.json_logs)
    with opened() as db:
        worker = Worker(
            db,
            cfg,
            SecretBox(cfg),
            name=name,
            sync=not no_sync,
            jobs=not no_jobs,
            printing=not no_printing,
        )
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: worker.stopping.set())
        wanted = (("stock sync", not no_sync), ("jobs", not no_jobs), ("printing", not no_printing))
        parts = [p for p, on in wanted if on]
        click.echo(f"worker running: {', '.join(parts)} (database {db.dialect})", err=True)
        worker.start()
        try:
            worker.wait()
        finally:
            worker.stop()
    click.echo("worker stopped", err=True)


@click.group("jobs")
def jobs_group() -> None:
    """Scheduled jobs: list them, run one now."""


@jobs_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def list_cmd(as_json: bool) -> None:
    """Every job: schedule, last run, result, duration, next run."""
    from wms.db.base import utcnow
    from wms.jobs import overview, registry

    cfg = settings()
    jobs = registry.all_jobs(cfg)
    schedules = registry.schedules(cfg, jobs)
    with opened() as db, db.reading() as session:
        found = overview.lines(session, jobs, schedules, utcnow())
    if as_json:
        click.echo(json.dumps([j.as_dict() for j in found], ensure_ascii=False, indent=2))
        return
    for j in found:
        last = j.last_finished_at.strftime("%Y-%m-%d %H:%M:%S") if j.last_finished_at else "—"
        nxt = j.next_run_at.strftime("%Y-%m-%d %H:%M:%S") if j.next_run_at else "—"
        took = f"{j.duration_ms} ms" if j.duration_ms is not None else "—"
        click.echo(
            f"{j.name:<22} {j.schedule:<12} {j.status:<10} last {last}  {took:>9}  next {nxt}"
        )
        if j.status == "failed" and j.error:
            click.echo(f"    error (attempt {j.attempts}): {j.error}")


@jobs_group.command("run")
@click.argument("name")
@domain_errors
def run_cmd(name: str) -> None:
    """Run one job here and now (not counted as its scheduled run); exit 1 if it fails."""
    from wms import logs
    from wms.jobs.scheduler import Scheduler
    from wms.services.crypto import SecretBox

    cfg = settings()
    logs.configure(cfg.metrics.json_logs)
    with opened() as db:
        scheduler = Scheduler(db, cfg, SecretBox(cfg), name="cli")
        try:
            outcome = scheduler.run_now(name)
        finally:
            scheduler.close()
    click.echo(json.dumps(outcome.result, ensure_ascii=False, default=str))
    if not outcome.ok:
        raise click.ClickException(f"{name} failed: {outcome.error}")
