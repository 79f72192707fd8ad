"""The unit page and what can be done there: photos, label reprints, decisions, claim outcomes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Response, flash, redirect, render_template, request, send_file, url_for
from werkzeug.security import safe_join

from labels.pdf import render_pdf
from wms.db.base import utcnow
from wms.domain.errors import DomainError, NotFound
from wms.domain.grading import Decision
from wms.domain.units import UnitState
from wms.services import photos, printing, workflow
from wms.services.units import get_unit
from wms.web.auth import current, protect
from wms.web.context import run, wms
from wms.web.ui import ANY_USER, STAFF, bp, domain_message, params
from wms.web.ui.forms import DecisionForm, EmptyForm, PhotoForm, SettleForm
from wms.web.ui.i18n import _, current_language
from wms.web.ui.queries import detail
from wms.web.ui.queries.detail import waiting_count, waiting_decisions
from wms.web.ui.returns import _pdf

LABEL_KINDS = ("unit", "resale")


def _lpn(raw: str) -> str:
    return raw.strip().upper()[:20]


@bp.route("/units/<lpn>")
@protect(ANY_USER)
def unit(lpn: str) -> Any:
    """A unit: state, checklist, photos, labels, history, stock rows, and its decision."""
    with wms().db.reading() as db:
        page = detail.unit_page(db, current().actor, _lpn(lpn))
    return render_template(
        "ui/unit.html",
        page=page,
        now=utcnow(),
        photo_form=PhotoForm(),
        decision_form=DecisionForm(),
        settle_form=SettleForm(),
    )


def _back(lpn: str) -> Any:
    target = request.form.get("next", "")
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return redirect(target, 303)
    return redirect(url_for("ui.unit", lpn=lpn), 303)


@bp.route("/units/<lpn>/photos", methods=["POST"])
@protect(ANY_USER)
def upload_photo(lpn: str) -> Any:
    """Attach a photo (JPEG, PNG or WebP) to a unit."""
    lpn = _lpn(lpn)
    form = PhotoForm()
    if not form.validate_on_submit():
        flash(str(_("Choose a photo to upload.")), "error")
        return _back(lpn)
    storage = wms().settings.storage
    max_bytes = int(storage.max_upload_mb * 1024 * 1024)
    data = form.photo.data.stream.read(max_bytes + 1)
    try:
        run(
            photos.add_photo,
            current().actor,
            lpn,
            data,
            photo_dir=Path(storage.photo_dir),
            max_bytes=max_bytes,
        )
    except NotFound:
        raise
    except DomainError as exc:
        flash(domain_message(exc), "error")
    else:
        flash(str(_("Photo added.")), "ok")
    return _back(lpn)


@bp.route("/photos/<int:photo_id>")
@protect(ANY_USER)
def photo(photo_id: int) -> Any:
    """A photo, only for users who may see its unit."""
    return _send_photo(photo_id, thumbnail=False)


@bp.route("/photos/<int:photo_id>/thumb")
@protect(ANY_USER)
def photo_thumb(photo_id: int) -> Any:
    """A photo's thumbnail, only for users who may see its unit."""
    return _send_photo(photo_id, thumbnail=True)


def _send_photo(photo_id: int, *, thumbnail: bool) -> Any:
    with wms().db.reading() as db:
        item = detail.photo_for(db, current().actor, photo_id)
    root = str(Path(wms().settings.storage.photo_dir).resolve())
    path = safe_join(root, item.thumb_path if thumbnail else item.path)
    if path is None or not Path(path).is_file():
        raise NotFound("photo.not_found", photo=str(photo_id))
    response = send_file(path, mimetype=item.content_type, max_age=3600)
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


@bp.route("/units/<lpn>/label.pdf")
@protect(ANY_USER)
def unit_label(lpn: str) -> Response:
    """Reprint the unit's LPN label as PDF."""
    with wms().db.reading() as db:
        item = get_unit(db, _lpn(lpn), current().actor, lock=False)
        spec = printing.unit_label(item, current_language())
    return _pdf(render_pdf(spec), f"{item.lpn}.pdf")


@bp.route("/units/<lpn>/resale.pdf")
@protect(ANY_USER)
def resale_label(lpn: str) -> Response:
    """Reprint the resale sticker as PDF (units on the resale channel only)."""
    with wms().db.reading() as db:
        item = get_unit(db, _lpn(lpn), current().actor, lock=False)
        spec = printing.resale_sticker(item, wms().settings.warehouse.price_rounding_tenge)
    if spec is None:
        raise NotFound("unit.not_found", lpn=item.lpn)
    return _pdf(render_pdf(spec), f"{item.lpn}-resale.pdf")


@bp.route("/units/<lpn>/decision", methods=["POST"])
@protect(ANY_USER)
def decide(lpn: str) -> Any:
    """Decide on a unit awaiting decision (a merchant only for its own units)."""
    lpn = _lpn(lpn)
    form = DecisionForm()
    if not form.validate_on_submit():
        flash(str(_("Choose a decision.")), "error")
        return _back(lpn)
    try:
        run(
            workflow.decide, current().actor, lpn, Decision(form.decision.data), note=form.note.data
        )
    except NotFound:
        raise
    except DomainError as exc:
        flash(domain_message(exc), "error")
    else:
        flash(str(_("Decision saved.")), "ok")
    return _back(lpn)


@bp.route("/units/<lpn>/claim", methods=["POST"])
@protect(STAFF)
def settle_claim(lpn: str) -> Any:
    """Record the marketplace's answer to a claim."""
    lpn = _lpn(lpn)
    form = SettleForm()
    if not form.validate_on_submit():
        flash(str(_("Choose the outcome of the claim.")), "error")
        return _back(lpn)
    try:
        run(
            workflow.settle_claim,
            current().actor,
            lpn,
            compensated=form.outcome.data == "compensated",
        )
    except NotFound:
        raise
    except DomainError as exc:
        flash(domain_message(exc), "error")
    else:
        flash(str(_("Claim outcome saved.")), "ok")
    return _back(lpn)


@bp.route("/decisions")
@protect(ANY_USER)
def decisions() -> Any:
    """Units awaiting a decision, soonest due first, and open claims."""
    principal = current()
    with wms().db.reading() as db:
        merchant_id = params.merchant(db, principal)
        waiting = waiting_decisions(db, merchant_id, UnitState.AWAITING_DECISION)
        claims = waiting_decisions(db, merchant_id, UnitState.CLAIMED)
        total = waiting_count(db, merchant_id, UnitState.AWAITING_DECISION)
        merchants = params.merchant_codes(db, principal)
    return render_template(
        "ui/decisions.html",
        waiting=waiting,
        claims=claims,
        total=total,
        merchants=merchants,
        now=utcnow(),
        form=DecisionForm(),
        decisions=list(Decision),
        settle_form=SettleForm(),
    )


@bp.route("/decisions/apply-defaults", methods=["POST"])
@protect(STAFF)
def apply_defaults() -> Any:
    """Apply each merchant's default decision to the overdue units now (the CLI job's work)."""
    form = EmptyForm()
    if form.validate_on_submit():
        decided = run(workflow.apply_default_decisions)
        flash(str(_("Default decisions applied: %(n)s.", n=len(decided))), "ok")
    return redirect(url_for("ui.decisions"), 303)
