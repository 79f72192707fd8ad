"""`wms demo [--json]`: demo data for a first run."""

from __future__ import annotations

import json

import click

from wms.cli.common import database, domain_errors, settings
from wms.services import demo
from wms.services.uow import execute


@click.command("demo")
@click.option("--json", "as_json", is_flag=True, help="print everything made as JSON")
@domain_errors
def demo_cmd(as_json: bool) -> None:
    """Create demo merchants, SKUs, bins, operators, stations and logins (idempotent)."""
    cfg = settings()
    report = execute(database(), demo.seed, cfg)
    if as_json:
        click.echo(json.dumps(report.data, ensure_ascii=False, indent=2))
        return
    data = report.data
    click.echo(f"Demo data ready on {data['server']}")
    for user in data["users"]:
        click.echo(f"  login {user['login']:<12} password {user['password']}")
    for station in data["stations"]:
        click.echo(f"  station {station['name']:<13} token {station['token']}")
    click.echo("  badges: " + ", ".join(o["badge"] for o in data["operators"]))
    click.echo("Run `wms demo --json` for SKUs, barcodes and bins.")
