"""`wms demo [--json]`: demo data for a first run."""

from __future__ import annotations

import json

import click

from wms.cli.common import database, domain_errors, settings
from wms.services import demo
from wms.services.uow import execute


@click.command("demo")
@click.option("--json", "as_json", is_flag=True, help="print everything made as JSON")
@click.option(
    "--simulate",
    "simulate_days",
    type=click.IntRange(1, 400),
    metavar="DAYS",
    help="also write DAYS days of returns history through the services (once per database)",
)
@domain_errors
def demo_cmd(as_json: bool, simulate_days: int | None) -> None:
    """Create demo merchants, SKUs, bins, operators, stations and logins (idempotent)."""
    cfg = settings()
    report = execute(database(), demo.seed, cfg)
    if simulate_days:
        from wms.services.simulate import simulate

        result = simulate(database(), cfg, simulate_days)
        click.echo("simulated: " + ", ".join(f"{k} {v}" for k, v in result.items()), err=as_json)
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
