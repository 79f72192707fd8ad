"""The floor: live backlog and SLA breaches, throughput, stations, printers, exceptions queue."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for

from wms.db.base import utcnow
from wms.db.models import ExceptionStatus
from wms.domain.errors import DomainError
from wms.services import dashboard, printers
from wms.web.auth import current, protect
from wms.web.context import run, wms
from wms.web.ui import STAFF, bp, domain_message
from wms.web.ui.forms import ResolveForm
from wms.web.ui.i18n import _, term
from wms.web.ui.queries import floor as q


def _live() -> dict[str, Any]:
    now = utcnow()
    sla = wms().settings.sla.model_dump()
    with wms().db.reading() as db:
        backlog = q.backlog(db, now, sla)
        return {
            "now": now,
            "backlog": backlog,
            "chart": {
                "type": "bar",
                "labels": [term(b.stage.value) for b in backlog],
                "series": [
                    {"name": str(_("within SLA")), "data": [b.count - b.breached for b in backlog]},
                    {"name": str(_("SLA breached")), "data": [b.breached for b in backlog]},
                ],
                "stacked": True,
            },
            "oldest": q.oldest_waiting(db, now, sla),
            "receipts": q.open_receipts(db, now, sla),
            "expected": q.expected_count(db),
            "throughput": q.throughput_today(db, now),
            "stations": q.stations(db, now),
            "open_exceptions": q.open_exception_count(db),
            "printers": printers.list_printers(db),
            "duplicates": printers.possible_duplicates(db, limit=10),
        }


@bp.route("/floor")
@protect(STAFF)
def floor() -> Any:
    """The supervisor's view of the floor right now."""
    with wms().db.reading() as db:
        open_items = q.exceptions(db, status=ExceptionStatus.OPEN, limit=50)
        resolved = q.exceptions(db, status=ExceptionStatus.RESOLVED, limit=10)
    return render_template(
        "ui/floor.html", **_live(), exceptions=open_items, resolved=resolved, form=ResolveForm()
    )


@bp.route("/floor/live")
@protect(STAFF)
def floor_live() -> Any:
    """The live part of the floor page (htmx refreshes it every few seconds)."""
    return render_template("ui/_floor_live.html", **_live())


@bp.route("/exceptions/<int:exception_id>/resolve", methods=["POST"])
@protect(STAFF)
def resolve_exception(exception_id: int) -> Any:
    """Close a floor exception with a note."""
    form = ResolveForm()
    if not form.validate_on_submit():
        flash(str(_("Write down what was done.")), "error")
        return redirect(url_for("ui.floor", _anchor="exceptions"), 303)
    try:
        run(dashboard.resolve_exception, current().actor, exception_id, form.note.data or "")
    except DomainError as exc:
        flash(domain_message(exc), "error")
    else:
        flash(str(_("Exception resolved.")), "ok")
    return redirect(url_for("ui.floor", _anchor="exceptions"), 303)
