"""`wms`: the server's command line (lazy subcommands: a broken part cannot block the rest)."""

from __future__ import annotations

import importlib
import os
from typing import Any

import click

# name -> (module, attribute, help)
SUBCOMMANDS: dict[str, tuple[str, str, str]] = {
    "db": ("wms.cli.db", "db_group", "Database migrations: upgrade, downgrade, check."),
    "serve": ("wms.cli.serve", "serve_cmd", "Run the development server."),
    "demo": ("wms.cli.demo", "demo_cmd", "Create demo data (idempotent)."),
    "station": ("wms.cli.admin", "station_group", "Register scanning stations."),
    "operator": ("wms.cli.admin", "operator_group", "Register operators and their badges."),
    "user": ("wms.cli.admin", "user_group", "Create dashboard logins."),
    "integration": ("wms.cli.admin", "integration_group", "Register integration clients."),
    "merchant": ("wms.cli.catalog", "merchant_group", "Register merchants."),
    "product": ("wms.cli.catalog", "product_group", "Add products with barcodes."),
    "bin": ("wms.cli.catalog", "bin_group", "Create bins in zones."),
    "decisions": ("wms.cli.catalog", "decisions_group", "Apply default decisions after their SLA."),
    "printer": ("wms.cli.printers", "printer_group", "Label printers the server prints on."),
    "labels": ("wms.cli.labels", "labels_group", "Render labels and the command sheet."),
    "sandbox": ("wms.cli.sandbox", "sandbox_cmd", "Run a marketplace sandbox."),
    "sync": ("wms.cli.sync", "sync_group", "Stock sync worker, reconciliation, status."),
    "worker": ("wms.cli.jobs", "worker_cmd", "Run the stock sync and every scheduled job."),
    "jobs": ("wms.cli.jobs", "jobs_group", "Scheduled jobs: list, run one now."),
    "account": ("wms.cli.accounts", "account_group", "Marketplace accounts, feed URL, webhooks."),
    "offers": ("wms.cli.offers", "offers_group", "Import and list marketplace offers."),
    "returns": ("wms.cli.returns", "returns_group", "Import returns announced by marketplaces."),
    "clips": ("wms.cli.clips", "clips_group", "Video clips of opened parcels: list, purge."),
    "billing": (
        "wms.cli.billing",
        "billing_group",
        "3PL billing: rate cards, invoice runs, invoices.",
    ),
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported only when used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(SUBCOMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        spec = SUBCOMMANDS.get(cmd_name)
        if spec is None:
            return None
        module, attr, _help = spec
        try:
            command = getattr(importlib.import_module(module), attr)
        except (ImportError, AttributeError) as exc:
            raise click.ClickException(f"'{cmd_name}' is not available: {exc}") from exc
        assert isinstance(command, click.Command)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, spec[2]) for name, spec in sorted(SUBCOMMANDS.items())]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup)
@click.option(
    "--config",
    type=click.Path(dir_okay=False),
    envvar="WMS_CONFIG",
    help="TOML configuration file (default: $WMS_CONFIG).",
)
@click.pass_context
def cli(ctx: click.Context, config: str | None) -> None:
    """Returns WMS: warehouse software for marketplace returns."""
    if config:
        os.environ["WMS_CONFIG"] = config
    ctx.ensure_object(dict)


def main() -> Any:
    """Console entry point."""
    return cli(obj={})
