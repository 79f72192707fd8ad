"""`wms returns import`: announce the returns marketplaces report (and Kaspi's order counts)."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, datetime

import click

from wms.cli.common import settings
from wms.cli.sync import MARKETPLACES, progress_bar
from wms.db.session import open_database
from wms.domain.returns import Marketplace
from wms.services.crypto import SecretBox


@click.group("returns")
def returns_group() -> None:
    """Returns announced by the marketplaces."""


@returns_group.command("import")
@click.option("--marketplace", type=MARKETPLACES, help="Only this marketplace.")
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Read from this day (UTC); default: where the last import stopped, or 14 days back.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def import_cmd(marketplace: str | None, since: datetime | None, as_json: bool) -> None:
    """Create expected return orders for returns and cancellations (idempotent)."""
    from wms.services.returns_import import import_returns

    cfg = settings()
    db = open_database(cfg)
    try:
        with progress_bar() as bar:
            task = bar.add_task("returns", total=None)
            reports = import_returns(
                db,
                cfg,
                SecretBox(cfg),
                marketplace=Marketplace(marketplace) if marketplace else None,
                since=since.replace(tzinfo=UTC) if since else None,
                progress=lambda _account, n: bar.advance(task, n),
            )
    finally:
        db.dispose()
    if as_json:
        click.echo(
            json.dumps([asdict(r) for r in reports], default=str, ensure_ascii=False, indent=2)
        )
    else:
        for r in reports:
            counted = f", order counts for {r.count_days} days" if r.count_days else ""
            click.echo(
                f"{r.account} ({r.marketplace}): {r.seen} seen, {r.created} new, "
                f"{r.existing} known{counted}"
            )
            for error in r.errors:
                click.echo(f"  error: {error}")
    if any(r.errors for r in reports):
        raise SystemExit(1)
