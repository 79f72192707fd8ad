"""Claims queue and claim page (dashboard and merchant portal): lines, evidence, actions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from flask import Response, flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from wms.db.base import utcnow
from wms.domain import claims as rules
from wms.domain import claims_kpi as kpi
from wms.domain.claims import ClaimAction, ClaimState
from wms.domain.errors import DomainError, NotFound
from wms.domain.texts.claims import claim_term
from wms.services import claims as claim_service
from wms.services import claims_pack
from wms.services.claims_views import (
    CARRIER,
    KPI_DIMENSIONS,
    ClaimFilter,
    detail,
    kpi_facts,
    queue,
)
from wms.services.uow import UnitOfWork
from wms.web.auth import current, protect
from wms.web.context import run, wms
from wms.web.ui import ANY_USER, STAFF, bp, domain_message, params
from wms.web.ui.i18n import _, current_language, money, pct
from wms.web.ui.returns import _pdf

MARKETPLACES = ("kaspi", "wildberries", "ozon", CARRIER)


class ActForm(FlaskForm):  # type: ignore[misc]
    """A life-cycle action; `amount` (₸) for a partial approval of the first open line."""

    action = StringField(validators=[DataRequired(), Length(max=40)])
    amount = StringField(validators=[Optional(), Length(max=20)])
    note = TextAreaField(validators=[Optional(), Length(max=1000)])


class AnswerForm(FlaskForm):  # type: ignore[misc]
    """An answer to a marketplace claim: one of its own actions."""

    action = StringField(validators=[DataRequired(), Length(max=40)])
    comment = TextAreaField(validators=[Optional(), Length(max=2000)])
    amount = StringField(validators=[Optional(), Length(max=20)])


class LineForm(FlaskForm):  # type: ignore[misc]
    """A line operation: split (qty), record money (amount), close."""

    op = StringField(validators=[DataRequired(), Length(max=20)])
    qty = IntegerField(validators=[Optional(), NumberRange(min=1, max=100_000)])
    amount = StringField(validators=[Optional(), Length(max=20)])


@bp.app_template_filter("claim_term")
def _claim_term(value: Any) -> str:
    """A claim state, action, reason or remedy in the page's language."""
    if value is None:
        return "—"
    return claim_term(str(getattr(value, "value", value)))[current_language()]


@bp.app_template_filter("tiyn")
def _tiyn_filter(value: int | None) -> str:
    """An amount in tiyn as tenge (whole tenge, the language's grouping)."""
    return money(None if value is None else Decimal(value) / 100)


@bp.app_template_filter("rate")
def _rate(value: Fraction | None) -> str:
    """A recovery rate as a percentage."""
    return pct(None if value is None else float(value))


@bp.route("/claims")
@protect(ANY_USER)
def claims_queue() -> Any:
    """Claims: marketplace, state, merchant, due — overdue and soonest due first."""
    principal = current()
    now = utcnow()
    with wms().db.reading() as db:
        flt = ClaimFilter(
            marketplace=params.choice("marketplace", MARKETPLACES),
            state=params.choice("state", [s.value for s in ClaimState]),
            merchant_id=params.merchant(db, principal),
            overdue=params.choice("due", ["overdue"]) == "overdue",
        )
        rows = [_with_due(r) for r in queue(db, principal.actor, flt, now)]
        merchants = params.merchant_codes(db, principal)
    return render_template(
        "ui/claims.html",
        rows=rows,
        merchants=merchants,
        marketplaces=MARKETPLACES,
        states=[s.value for s in ClaimState],
        now=now,
    )


@bp.route("/claims/kpis")
@protect(ANY_USER)
def claims_kpis() -> Any:
    """Opened, won, lost, recovery rate and time to settle by marketplace, reason or merchant."""
    principal = current()
    now = utcnow()
    by = params.choice("by", KPI_DIMENSIONS) or "marketplace"
    period = params.period(now, default_days=90)
    with wms().db.reading() as db:
        facts = kpi_facts(
            db, principal.actor, by, period.start, period.end, params.merchant(db, principal)
        )
        merchants = params.merchant_codes(db, principal)
    rows = kpi.kpis(facts)
    return render_template(
        "ui/claims_kpis.html",
        rows=rows,
        total=kpi.total(rows),
        by=by,
        dimensions=KPI_DIMENSIONS,
        merchants=merchants,
        period=period,
    )


@bp.route("/claims/<int:claim_id>")
@protect(ANY_USER)
def claim_page(claim_id: int) -> Any:
    """One claim: lines, evidence, timeline, the actions allowed now, amounts."""
    with wms().db.reading() as db:
        claim = claim_service.get_claim(db, claim_id, current().actor, lock=False)
        page = _with_due(detail(db, claim, utcnow()))
    return render_template(
        "ui/claim.html",
        c=page,
        act_form=ActForm(),
        answer_form=AnswerForm(),
        line_form=LineForm(),
        partial=ClaimAction.APPROVE_PARTIALLY.value,
    )


def _with_due(row: dict[str, Any]) -> dict[str, Any]:
    row["due"] = datetime.fromisoformat(row["due_at"]) if row["due_at"] else None
    return row


def _back(claim_id: int) -> Any:
    return redirect(url_for("ui.claim_page", claim_id=claim_id), 303)


def _apply(claim_id: int, step: Callable[[UnitOfWork, Any], Any], done: str) -> Any:
    """Run one step on the locked claim in a transaction; a refusal is flashed, nothing saved."""
    actor = current().actor

    def use_case(uow: UnitOfWork) -> None:
        step(uow, claim_service.get_claim(uow.session, claim_id, actor))

    try:
        run(use_case)
    except NotFound:
        raise
    except DomainError as exc:
        flash(domain_message(exc), "error")
    else:
        flash(done, "ok")
    return _back(claim_id)


def _tiyn(raw: str | None) -> int | None:
    return claim_service.to_tiyn(raw) if raw and raw.strip() else None


@bp.route("/claims/<int:claim_id>/act", methods=["POST"])
@protect(STAFF)
def claim_act(claim_id: int) -> Any:
    """Move the claim through its life cycle (staff)."""
    form = ActForm()
    if not form.validate_on_submit() or form.action.data not in {a.value for a in ClaimAction}:
        flash(str(_("Choose an action.")), "error")
        return _back(claim_id)
    action = ClaimAction(form.action.data)
    actor = current().actor

    def step(uow: UnitOfWork, claim: Any) -> None:
        offers = None
        if action is ClaimAction.APPROVE_PARTIALLY:
            amount = _tiyn(form.amount.data) or 0
            offers = claim_service.spread(claim, amount)
        claim_service.act(uow, actor, claim, action, offers=offers, note=form.note.data or None)

    return _apply(claim_id, step, str(_("Claim updated.")))


@bp.route("/claims/<int:claim_id>/answer", methods=["POST"])
@protect(ANY_USER)
def claim_answer(claim_id: int) -> Any:
    """Answer a marketplace claim with one of its own actions (merchants: their own claims)."""
    form = AnswerForm()
    if not form.validate_on_submit():
        flash(str(_("Choose an answer.")), "error")
        return _back(claim_id)
    actor = current().actor

    def step(uow: UnitOfWork, claim: Any) -> None:
        claim_service.answer(
            uow,
            actor,
            claim,
            form.action.data,
            comment=form.comment.data or None,
            amount_tiyn=_tiyn(form.amount.data),
        )

    return _apply(claim_id, step, str(_("Answer saved; it is being sent to the marketplace.")))


@bp.route("/claims/<int:claim_id>/lines/<int:line_id>", methods=["POST"])
@protect(STAFF)
def claim_line(claim_id: int, line_id: int) -> Any:
    """Split a line, record money received for it, or close it (partial closure)."""
    form = LineForm()
    if not form.validate_on_submit() or form.op.data not in {a.value for a in rules.LineAction}:
        flash(str(_("Choose what to do with the line.")), "error")
        return _back(claim_id)
    op = rules.LineAction(form.op.data)
    actor = current().actor

    def step(uow: UnitOfWork, claim: Any) -> None:
        if op is rules.LineAction.SPLIT:
            claim_service.split_line(uow, actor, claim, line_id, form.qty.data or 0)
        elif op is rules.LineAction.RECORD_RECOVERY:
            claim_service.record_recovery(uow, actor, claim, line_id, _tiyn(form.amount.data) or 0)
        else:
            claim_service.close_line(uow, actor, claim, line_id)

    return _apply(claim_id, step, str(_("Claim updated.")))


@bp.route("/claims/<int:claim_id>/pack.<kind>")
@protect(ANY_USER)
def claim_pack(claim_id: int, kind: str) -> Response:
    """The evidence pack: PDF or ZIP of originals (frozen at submit, a preview before)."""
    if kind not in ("pdf", "zip"):
        raise NotFound("claim.not_found", claim=str(claim_id))
    photo_dir = Path(wms().settings.storage.photo_dir)
    with wms().db.reading() as db:
        claim = claim_service.get_claim(db, claim_id, current().actor, lock=False)
        stored = claims_pack.frozen(photo_dir, claim)
        if stored is None:
            pack = claims_pack.build(db, claim, photo_dir, utcnow())
            stored = pack.pdf, pack.zip
    if kind == "pdf":
        return _pdf(stored[0], f"{claim.number}.pdf")
    response = Response(stored[1], mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{claim.number}.zip"'
    return response
