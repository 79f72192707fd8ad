"""`wms labels`: render a label layout to ZPL or PDF, print the command sheet."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import pydantic

from labels import layouts
from labels.spec import LabelSpec, LabelSpecError

LAYOUTS: dict[str, Callable[..., LabelSpec]] = {
    "unit": layouts.unit_label,
    "return_slip": layouts.return_slip,
    "bin": layouts.bin_label,
    "resale_sticker": layouts.resale_sticker,
    "badge": layouts.badge,
    "station_login": layouts.station_login,
    "printer": layouts.printer_label,
}

# Headings of the command sheet, keyed by `wms.domain.commands.CommandGroup` values.
GROUP_TITLES = {
    "general": "Общие · General · Жалпы",
    "receipt": "Приёмка · Receipt · Қабылдау",
    "checklist": "Осмотр · Inspection · Тексеру",
    "grade": "Оценка · Grade · Бағалау",
    "repair_repack": "Ремонт и переупаковка · Repair and repack · Жөндеу және қайта қаптау",
    "reason": "Причина возврата · Return reason · Қайтару себебі",
    "type": "Тип возврата · Return type · Қайтару түрі",
}


@click.group("labels")
def labels_group() -> None:
    """Render labels and the command sheet."""


@labels_group.command("render")
@click.argument("layout", type=click.Choice(sorted(LAYOUTS)))
@click.option("--format", "fmt", type=click.Choice(["zpl", "pdf"]), required=True)
@click.option("--dpi", type=click.Choice(["203", "300", "600"]), default="203", show_default=True)
@click.option(
    "--data",
    default="{}",
    help="JSON object with the layout's fields (keyword arguments of labels.layouts), or @FILE.",
)
@click.option("--station", help="station_login: the station whose current login code to print.")
@click.option("-o", "--output", default="-", show_default=True, help="File to write; - = stdout.")
def render(layout: str, fmt: str, dpi: str, data: str, station: str | None, output: str) -> None:
    """Render LAYOUT (unit, return_slip, bin, resale_sticker, badge, station_login) from --data."""
    fields = load_data(data)
    if layout == "station_login":
        fields = _station_login_fields(station)
    spec = build_spec(layout, fields)
    try:
        if fmt == "zpl":
            from labels.zpl import render_zpl

            payload = render_zpl(spec, int(dpi)).encode("utf-8")
        else:
            from labels.pdf import render_pdf

            payload = render_pdf(spec)
    except LabelSpecError as exc:
        raise click.BadParameter(str(exc), param_hint="--data") from None
    write(output, payload)


@labels_group.command("command-sheet")
@click.option("-o", "--output", default="-", show_default=True, help="PDF file; - = stdout.")
def command_sheet(output: str) -> None:
    """The A4 PDF with every station command barcode (CMD:…) and its ru/en/kk captions."""
    from labels.pdf import render_command_sheet
    from labels.sheet import SheetEntry
    from wms.domain.commands import COMMANDS

    entries = [
        SheetEntry(c.barcode, c.ru, c.en, c.kk, GROUP_TITLES.get(c.group, str(c.group)))
        for c in COMMANDS
    ]
    write(output, render_command_sheet(entries))


def _station_login_fields(name: str | None) -> dict[str, Any]:
    """The station's name, role and current login code, read from the database."""
    if not name:
        raise click.UsageError("station_login needs --station NAME")
    from wms.cli.common import database, settings
    from wms.domain.errors import DomainError
    from wms.services import station_login
    from wms.services.uow import execute

    secret = settings().server.secret_key

    def read(uow: Any) -> dict[str, Any]:
        found = station_login.station_named(uow, name)
        code = station_login.current_code(found, secret)
        return {"station": found.name, "login_code": code}

    try:
        fields: dict[str, Any] = execute(database(), read)
    except DomainError as exc:
        raise click.ClickException(str(exc)) from exc
    return fields


def load_data(data: str) -> dict[str, Any]:
    """Parse --data: inline JSON or `@path` to a JSON file; it must be an object."""
    text = data
    if data.startswith("@"):
        try:
            text = Path(data[1:]).read_text(encoding="utf-8")
        except OSError as exc:
            message = f"cannot read {data[1:]}: {exc.strerror}"
            raise click.BadParameter(message, param_hint="--data") from None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise click.BadParameter(f"not JSON: {exc}", param_hint="--data") from None
    if not isinstance(value, dict):
        raise click.BadParameter("must be a JSON object of field names", param_hint="--data")
    return value


def build_spec(layout: str, fields: dict[str, Any]) -> LabelSpec:
    """Call the layout builder, turning missing, unknown or mistyped fields into a usage error."""
    builder = pydantic.validate_call(LAYOUTS[layout])
    try:
        return builder(**fields)
    except pydantic.ValidationError as exc:
        problems = "; ".join(_problem(error) for error in exc.errors())
        raise click.BadParameter(f"{layout}: {problems}", param_hint="--data") from None
    except LabelSpecError as exc:
        raise click.BadParameter(str(exc), param_hint="--data") from None


def _problem(error: Any) -> str:
    where = ".".join(str(part) for part in error["loc"]) or "fields"
    return f"{where}: {error['msg']}"


def write(output: str, payload: bytes) -> None:
    """Write the rendered bytes to a file or to stdout, only after rendering succeeded."""
    if output == "-":
        click.echo(payload, nl=False)  # bytes go to the binary stdout
        return
    Path(output).write_bytes(payload)
