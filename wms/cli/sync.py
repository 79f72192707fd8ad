"""`wms sync run|reconcile|status`: the stock-sync worker and its checks."""

from __future__ import annotations

import json
import logging
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click
import sqlalchemy as sa
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from wms.cli.common import domain_errors, settings
from wms.db.models import OutboxMessage
from wms.db.session import Database, open_database
from wms.domain.returns import Marketplace
from wms.services.crypto import SecretBox

MARKETPLACES = click.Choice([m.value for m in Marketplace if m is not Marketplace.OTHER])


@contextmanager
def opened() -> Iterator[Database]:
    """The configured database, closed again afterwards (no pooled connection left behind)."""
    db = open_database(settings())
    try:
        yield db
    finally:
        db.dispose()


@contextmanager
def progress_bar() -> Iterator[Progress]:
    """A rich progress display on stderr (silent when stderr is not a terminal)."""
    console = Console(stderr=True)
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, disable=not console.is_terminal) as bar:
        yield bar


@click.group("sync")
def sync_group() -> None:
    """Marketplace stock sync and merchant webhooks."""


@sync_group.command("run")
@click.option("--once", is_flag=True, help="Deliver what is due now, then exit.")
@click.option("--worker-id", help="Heartbeat name (default sync:<host>:<pid>).")
def run_cmd(once: bool, worker_id: str | None) -> None:
    """Run the sync worker until SIGTERM/Ctrl-C (or, with --once, until nothing is due)."""
    from wms.jobs.sync_worker import SyncWorker
    from wms.services.sync.outbox import pending_stock_rows

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    cfg = settings()
    db = open_database(cfg)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    worker = SyncWorker(db, cfg, SecretBox(cfg), name=worker_id)
    click.echo(f"{worker.name}: delivering (database {db.dialect})", err=True)
    try:
        if once:
            with db.reading() as session:
                total = pending_stock_rows(session)
            with progress_bar() as bar:
                task = bar.add_task("stock changes", total=total or None)
                totals = worker.run(
                    stop, once=True, on_round=lambda s: bar.advance(task, s.done + s.superseded)
                )
        else:
            totals = worker.run(stop)
    finally:
        worker.close()
        db.dispose()
    click.echo(json.dumps(dict(totals), sort_keys=True))


@sync_group.command("reconcile")
@click.option("--marketplace", type=MARKETPLACES, help="Only this marketplace.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@domain_errors
def reconcile_cmd(marketplace: str | None, as_json: bool) -> None:
    """Read stock back from Wildberries and Ozon and report offers that differ from the WMS."""
    from wms.services.sync.reconcile import reconcile

    cfg = settings()
    db = open_database(cfg)
    try:
        with progress_bar() as bar:
            task = bar.add_task("accounts", total=None)
            checks = reconcile(
                db,
                cfg,
                SecretBox(cfg),
                marketplace=Marketplace(marketplace) if marketplace else None,
                progress=lambda _name: bar.advance(task),
            )
    finally:
        db.dispose()
    if as_json:
        click.echo(json.dumps([c.as_dict() for c in checks], ensure_ascii=False, indent=2))
        return
    for check in checks:
        state = f"error: {check.error}" if check.error else f"{len(check.drift)} drifting"
        click.echo(
            f"{check.merchant} {check.account} ({check.marketplace}): {check.checked} offers, "
            f"{check.in_flight} in flight, {state}"
        )
        for drift in check.drift[:50]:
            click.echo(
                f"  {drift.sku} {drift.channel} {drift.offer}: WMS {drift.wms}, "
                f"marketplace {drift.marketplace}"
            )


@sync_group.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def status_cmd(as_json: bool) -> None:
    """Outbox rows by topic and status, and the workers' heartbeats."""
    from wms.db.models import JobHeartbeat

    cfg = settings()
    db = open_database(cfg)
    try:
        with db.reading() as session:
            counts = session.execute(
                sa.select(OutboxMessage.topic, OutboxMessage.status, sa.func.count())
                .group_by(OutboxMessage.topic, OutboxMessage.status)
                .order_by(OutboxMessage.topic, OutboxMessage.status)
            ).all()
            beats = session.execute(sa.select(JobHeartbeat).order_by(JobHeartbeat.name)).scalars()
            data: dict[str, Any] = {
                "outbox": [{"topic": t, "status": s.value, "rows": n} for t, s, n in counts],
                "workers": [
                    {"name": b.name, "beat_at": b.beat_at.isoformat(), "info": b.info}
                    for b in beats
                ],
            }
    finally:
        db.dispose()
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for row in data["outbox"]:
        click.echo(f"{row['topic']:<32} {row['status']:<8} {row['rows']}")
    for beat in data["workers"]:
        click.echo(f"worker {beat['name']}: last beat {beat['beat_at']}")
    sys.stdout.flush()
