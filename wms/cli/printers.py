"""`wms printer add|list|remove|assign|label`: the server's printers and who prints where."""

from __future__ import annotations

import click

from wms.cli.admin import CLI_ACTOR
from wms.cli.common import database, domain_errors
from wms.services import printers
from wms.services.uow import UnitOfWork, execute


@click.group("printer")
def printer_group() -> None:
    """Label printers the server prints on (raw ZPL over TCP, or CUPS)."""


@printer_group.command("add")
@click.argument("name")
@click.option("--uri", required=True, help="tcp://HOST[:PORT] (ZPL, port 9100) or cups://QUEUE")
@click.option("--dpi", default=203, type=click.Choice([203, 300, 600]), show_default=True)
@click.option("--label", default="58x40", show_default=True, help="label size WIDTHxHEIGHT, mm")
@domain_errors
def printer_add(name: str, uri: str, dpi: int, label: str) -> None:
    """Register printer NAME (letters, digits, dashes; its label reads PRN-NAME)."""
    printer = execute(database(), printers.add_printer, CLI_ACTOR, name, uri, dpi=dpi, label=label)
    click.echo(f"printer {printer.name} {printer.uri} {printer.dpi} dpi, code PRN-{printer.name}")


@printer_group.command("list")
def printer_list() -> None:
    """Printers with their state, queue length and last error."""
    with database().reading() as session:
        rows = printers.list_printers(session)
    if not rows:
        click.echo("no printers (add one: wms printer add NAME --uri tcp://HOST:9100)")
    for row in rows:
        line = (
            f"{row.name:<12} {row.uri:<28} {row.dpi} dpi {row.label:<7} {row.state:<10}"
            f" queued {row.queued}"
        )
        if row.possible_duplicates:
            line += f" possible duplicates {row.possible_duplicates}"
        if row.last_error:
            line += f"  last error: {row.last_error}"
        click.echo(line)


def _remove(uow: UnitOfWork, name: str) -> None:
    printers.remove_printer(uow, CLI_ACTOR, printers.printer_by_name(uow.session, name))


@printer_group.command("remove")
@click.argument("name")
@domain_errors
def printer_remove(name: str) -> None:
    """Remove a printer whose queue is empty; its stations print locally again."""
    execute(database(), _remove, name)
    click.echo(f"printer {name.upper()} removed")
