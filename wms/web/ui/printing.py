"""Printing from the dashboard: reprints on a server printer, a station's printer, the printers."""

from __future__ import annotations

from typing import Any

from flask import Response, flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import AnyOf, DataRequired, Length, NumberRange, Optional

from labels import layouts
from labels.pdf import render_pdf
from labels.spec import LabelSpec
from wms.db.models import Printer, Station
from wms.domain.errors import DomainError, NotFound
from wms.domain.units import UnitState
from wms.services import printers, printing
from wms.services.units import get_unit
from wms.services.uow import Actor, UnitOfWork
from wms.web.auth import current, protect
from wms.web.context import run, wms
from wms.web.ui import STAFF, bp, domain_message
from wms.web.ui.i18n import _, current_language
from wms.web.ui.queries.detail import order_page


class PrintForm(FlaskForm):  # type: ignore[misc]
    """Print a page's labels on a server printer."""

    printer = IntegerField(validators=[DataRequired(), NumberRange(min=1)])
    label = StringField(validators=[DataRequired(), AnyOf(["unit", "resale", "slip", "units"])])


class PrinterForm(FlaskForm):  # type: ignore[misc]
    """Register a printer (the same checks as `wms printer add`)."""

    name = StringField(_("Name"), validators=[DataRequired(), Length(max=34)])
    uri = StringField(_("Address"), validators=[DataRequired(), Length(max=200)])
    dpi = StringField(_("Resolution"), default="203", validators=[AnyOf(["203", "300", "600"])])
    label = StringField(_("Label size, mm"), default="58x40", validators=[Length(max=10)])


class AssignForm(FlaskForm):  # type: ignore[misc]
    """Where a station's labels go: a server printer's id, or empty for the station itself."""

    printer = IntegerField(validators=[Optional(), NumberRange(min=1)])


def printer_choices() -> list[tuple[int, str]]:
    """The printers the "print on" forms offer (called from templates that show one)."""
    with wms().db.reading() as db:
        return printers.printer_choices(db)


@bp.app_context_processor
def _printing_helpers() -> dict[str, Any]:
    return {"server_printers": printer_choices, "print_form": PrintForm}


def _queued(printer: Printer, count: int) -> None:
    flash(str(_("Sent to printer %(name)s: %(n)s", name=printer.name, n=count)), "ok")


def _queue(specs: list[LabelSpec], printer_id: int) -> None:
    try:
        printer = run(printers.reprint, current().actor, printer_id, specs)
    except DomainError as exc:
        flash(domain_message(exc), "error")
    else:
        _queued(printer, len(specs))


@bp.route("/units/<lpn>/print", methods=["POST"])
@protect(STAFF)
def print_unit(lpn: str) -> Any:
    """Reprint a unit's label (or resale sticker) on a server printer."""
    lpn = lpn.strip().upper()[:20]
    form = PrintForm()
    if not form.validate_on_submit() or form.label.data not in ("unit", "resale"):
        flash(str(_("Choose a printer.")), "error")
        return redirect(url_for("ui.unit", lpn=lpn), 303)
    with wms().db.reading() as db:
        unit = get_unit(db, lpn, current().actor, lock=False)
        if form.label.data == "unit":
            specs = [printing.unit_label(unit, current_language())]
        else:
            sticker = printing.resale_sticker(unit)
            specs = [sticker] if sticker else []
    if specs:
        _queue(specs, form.printer.data)
    return redirect(url_for("ui.unit", lpn=lpn), 303)


@bp.route("/returns/<int:order_id>/print", methods=["POST"])
@protect(STAFF)
def print_return(order_id: int) -> Any:
    """Reprint a return's slip, or the labels of all its units, on a server printer."""
    form = PrintForm()
    back = redirect(url_for("ui.return_order", order_id=order_id), 303)
    if not form.validate_on_submit() or form.label.data not in ("slip", "units"):
        flash(str(_("Choose a printer.")), "error")
        return back
    language = current_language()
    with wms().db.reading() as db:
        page = order_page(db, current().actor, order_id)
        kept = [u for u in page.units if u.state is not UnitState.VOIDED]
        if form.label.data == "slip":
            flags = page.order.flags or {}
            specs = [
                printing.return_slip(
                    page.order,
                    [(u.lpn, u.sku) for u in kept],
                    list(flags.get("missing", [])),
                    list(flags.get("extra", [])),
                    lang=language,
                )
            ]
        else:
            actor = current().actor
            specs = [
                printing.unit_label(get_unit(db, u.lpn, actor, lock=False), language) for u in kept
            ]
    if specs:
        _queue(specs, form.printer.data)
    return back


def _assign(
    uow: UnitOfWork, actor: Actor, station_id: int, printer_id: int | None
) -> tuple[str, str | None]:
    row = uow.session.get(Station, station_id)
    if row is None:
        raise NotFound("station.not_found", station=str(station_id))
    printer = uow.session.get(Printer, printer_id) if printer_id else None
    if printer_id and printer is None:
        raise NotFound("print.printer_unknown", name=str(printer_id))
    printers.assign_station(uow, actor, row, printer)
    return row.name, printer.name if printer else None


@bp.route("/stations/<int:station_id>/printer", methods=["POST"])
@protect(STAFF)
def assign_printer(station_id: int) -> Any:
    """Send a station's labels to a server printer, or back to the station."""
    form = AssignForm()
    station_name: str | None = None
    if not form.validate_on_submit():
        flash(str(_("Choose a printer.")), "error")
    else:
        try:
            station_name, name = run(_assign, current().actor, station_id, form.printer.data)
        except DomainError as exc:
            flash(domain_message(exc), "error")
        else:
            if name:
                flash(str(_("The station prints on %(name)s.", name=name)), "ok")
            else:
                flash(str(_("The station prints its labels itself.")), "ok")
    if station_name is None:
        with wms().db.reading() as db:
            row = db.get(Station, station_id)
            if row is None:
                raise NotFound("station.not_found", station=str(station_id))
            station_name = row.name
    return redirect(url_for("ui.station", name=station_name), 303)


@bp.route("/printers", methods=["GET", "POST"])
@protect(STAFF)
def printers_page() -> Any:
    """The printers the server prints on: state, queue, last error; add one."""
    form = PrinterForm()
    if form.validate_on_submit():
        try:
            printer = run(
                printers.add_printer,
                current().actor,
                form.name.data or "",
                form.uri.data or "",
                dpi=int(form.dpi.data or 203),
                label=form.label.data or "58x40",
            )
        except DomainError as exc:
            flash(domain_message(exc), "error")
        else:
            flash(str(_("Printer %(name)s added.", name=printer.name)), "ok")
            return redirect(url_for("ui.printers_page"), 303)
    with wms().db.reading() as db:
        rows = printers.list_printers(db)
    return render_template("ui/printers.html", printers=rows, form=form, remove_form=AssignForm())


def _remove(uow: UnitOfWork, actor: Actor, printer_id: int) -> str:
    printer = uow.session.get(Printer, printer_id)
    if printer is None:
        raise NotFound("print.printer_unknown", name=str(printer_id))
    name = printer.name
    printers.remove_printer(uow, actor, printer)
    return name


@bp.route("/printers/<int:printer_id>/remove", methods=["POST"])
@protect(STAFF)
def remove_printer(printer_id: int) -> Any:
    """Remove a printer whose queue is empty."""
    if AssignForm().validate_on_submit():
        try:
            name = run(_remove, current().actor, printer_id)
        except DomainError as exc:
            flash(domain_message(exc), "error")
        else:
            flash(str(_("Printer %(name)s removed.", name=name)), "ok")
    return redirect(url_for("ui.printers_page"), 303)


@bp.route("/printers/<int:printer_id>/label.pdf")
@protect(STAFF)
def printer_label(printer_id: int) -> Response:
    """The printer's own label (PRN-NAME) to stick on it: a handheld scans it to print there."""
    with wms().db.reading() as db:
        printer = db.get(Printer, printer_id)
        if printer is None:
            raise NotFound("print.printer_unknown", name=str(printer_id))
        spec = layouts.printer_label(name=printer.name, where=printer.uri)
    return Response(
        render_pdf(spec),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="PRN-{printer.name}.pdf"'},
    )


@bp.route("/print-jobs/<int:job_id>/checked", methods=["POST"])
@protect(STAFF)
def duplicate_checked(job_id: int) -> Any:
    """Clear a "may have printed twice" flag once someone has looked at the printer."""
    if AssignForm().validate_on_submit():
        try:
            run(printers.duplicate_checked, current().actor, job_id)
        except DomainError as exc:
            flash(domain_message(exc), "error")
    return redirect(url_for("ui.floor", _anchor="printers"), 303)
