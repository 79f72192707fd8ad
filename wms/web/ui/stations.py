"""A station's dashboard page: state, handheld login barcode (show, print, revoke), printer."""

from __future__ import annotations

import io
from typing import Any

from flask import Response, redirect, render_template, url_for

from labels.layouts import station_login as login_card
from labels.pdf import render_pdf
from wms.db.models import Station
from wms.services import printers, station_login
from wms.web.auth import current, protect
from wms.web.context import run, wms
from wms.web.station_page import TEXTS
from wms.web.ui import STAFF, bp
from wms.web.ui.forms import EmptyForm
from wms.web.ui.i18n import current_language
from wms.web.ui.printing import AssignForm


def _station_and_code(name: str) -> tuple[dict[str, Any], str]:
    """The station as plain data (it outlives the transaction) and its current login code."""
    secret = wms().settings.server.secret_key

    def read(uow: Any) -> tuple[dict[str, Any], str]:
        station: Station = station_login.station_named(uow, name)
        shown = {
            "id": station.id,
            "name": station.name,
            "role": station.role.value,
            "language": station.language,
            "last_seen_at": station.last_seen_at,
            "queued_scans": station.queued_scans,
            "scanner": station.scanner_status,
            "printer": station.printer_status,
            "printer_id": station.printer_id,
        }
        return shown, station_login.current_code(station, secret)

    return run(read)


def _secret(response: Response) -> Response:
    # The login code opens a station session: never cached, never embedded elsewhere.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/stations/<name>", methods=["GET"])
@protect(STAFF)
def station(name: str) -> Any:
    """The station's role, state and login barcode (supervisors and admins only)."""
    found, _code = _station_and_code(name)
    texts = TEXTS.get(current_language(), TEXTS["ru"])
    with wms().db.reading() as db:
        choices = printers.printer_choices(db)
        jobs = printers.station_jobs(db, found["id"])
    page = render_template(
        "ui/station.html",
        station=found,
        form=EmptyForm(),
        assign_form=AssignForm(),
        choices=choices,
        jobs=jobs,
        t=texts,
    )
    return _secret(Response(page, mimetype="text/html"))


@bp.route("/stations/<name>/login.svg", methods=["GET"])
@protect(STAFF)
def station_login_svg(name: str) -> Any:
    """The login code as a Code 128 SVG for the handheld to scan off the screen."""
    import barcode
    from barcode.writer import SVGWriter

    _station, code = _station_and_code(name)
    out = io.BytesIO()
    options = {"write_text": False, "module_height": 18.0, "quiet_zone": 4.0}
    barcode.get("code128", code, writer=SVGWriter()).write(out, options=options)
    return _secret(Response(out.getvalue(), mimetype="image/svg+xml"))


@bp.route("/stations/<name>/login.pdf", methods=["GET"])
@protect(STAFF)
def station_login_pdf(name: str) -> Any:
    """The login card to print and keep at the workplace."""
    found, code = _station_and_code(name)
    response = Response(render_pdf(login_card(station=found["name"], login_code=code)))
    response.mimetype = "application/pdf"
    filename = f"login-{found['id']}.pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return _secret(response)


@bp.route("/stations/<name>/login", methods=["POST"])
@protect(STAFF)
def station_login_revoke(name: str) -> Any:
    """A new login code: the printed one and every browser session opened with it stop working."""
    if EmptyForm().validate_on_submit():
        found, _code = _station_and_code(name)
        run(station_login.revoke_code, current().actor, found["id"])
    return redirect(url_for("ui.station", name=name))
