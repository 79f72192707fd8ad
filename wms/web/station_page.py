"""The browser station `/station`: a handheld terminal whose scanner types into the page.

The page asks once for the station token. The signed session then keeps the station id and a
fingerprint of the token's hash (rotating the token logs the page out); the token itself never
reaches JavaScript or browser storage. Each scan is posted to `/station/scan` (session cookie +
`X-CSRFToken`, checked by CSRFProtect) and goes through the same service as `POST /api/v1/scan`,
so a browser station and a `wms-station` behave alike. A station assigned to a server printer
(scan its `PRN-` label, or choose it on the dashboard) gets its labels printed there by the
worker; otherwise labels come back as PDF links (`labels.pdf.render_pdf` from the stored
answer's LabelSpecs) for the system's print dialog.
"""

from __future__ import annotations

import functools
import json
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_wtf import FlaskForm
from pydantic import BaseModel, ConfigDict, Field, field_validator
from wtforms import PasswordField
from wtforms.validators import DataRequired, Length

from labels.pdf import render_pdf
from labels.spec import LabelSpec, LabelSpecError
from wms.db.models import (
    Operator,
    Printer,
    ReturnOrder,
    ScanEvent,
    Station,
    StationSession,
    Unit,
)
from wms.domain import prompts
from wms.domain.station_session import StationRole
from wms.domain.texts import handheld
from wms.services import station_login
from wms.services.scan import ScanRequest, handle_scan
from wms.services.scan.context import session_hints
from wms.services.uow import Actor
from wms.web.api.routing import parse_json_body
from wms.web.api.schemas import Timestamp
from wms.web.auth import PUBLIC, STATION, Access, AuthError, Principal, protect
from wms.web.context import run, wms
from wms.web.ops import scan_metrics
from wms.web.station_commands import command_buttons

F = TypeVar("F", bound=Callable[..., Any])

bp = Blueprint("station_page", __name__, url_prefix="/station")

# A browser logged in with a station token: its own kind of principal, so neither bearer tokens
# nor dashboard logins open these pages (and a station page session opens nothing else).
STATION_PAGE = "station_page"
PAGE_ACCESS = Access(frozenset({STATION_PAGE}))
SESSION_STATION, SESSION_KEY = "station_id", "station_key"
LANGUAGES = ("ru", "en", "kk")
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
# The page's own words (wms/domain/texts/handheld.py); prompts come from the server.
TEXTS: Mapping[str, Mapping[str, str]] = {
    language: {
        key.removeprefix("handheld."): texts[index] for key, texts in handheld.MESSAGES.items()
    }
    for index, language in enumerate(LANGUAGES)
}


# What the page's journal says by itself while the server is away.
OFFLINE_TEXTS = (
    "offline",
    "offline_unit",
    "offline_no_lpn",
    "syncing",
    "replay_failed",
    "login_code_scanned",
)

KINDS: Mapping[str, Mapping[str, str]] = {
    "unit": {"ru": "Этикетка", "en": "Unit label", "kk": "Затбелгі"},
    "return_slip": {"ru": "Возвратный ордер", "en": "Return slip", "kk": "Қайтару ордері"},
    "resale_sticker": {"ru": "Стикер ресейл", "en": "Resale sticker", "kk": "Ресейл стикері"},
    "bin": {"ru": "Ячейка", "en": "Bin label", "kk": "Ұяшық"},
    "badge": {"ru": "Бейдж", "en": "Badge", "kk": "Бейдж"},
    "printer": {"ru": "Этикетка принтера", "en": "Printer label", "kk": "Принтер затбелгісі"},
}


class TokenForm(FlaskForm):  # type: ignore[misc]
    """The station token, asked once per browser."""

    token = PasswordField(validators=[DataRequired(), Length(max=200)])


class PageScanIn(BaseModel):
    """One scan typed into the page."""

    model_config = ConfigDict(extra="forbid", strict=True)  # as strict as `POST /api/v1/scan`

    event_id: str = Field(min_length=36, max_length=36)
    code: str = Field(min_length=1, max_length=4096)
    # Set by the page's offline journal on replay: when it was scanned, the LPN it labelled.
    scanned_at: Timestamp | None = None
    lpn: str | None = Field(default=None, pattern=r"^LPN[0-9]{10}$")
    offline: bool = False

    @field_validator("event_id")
    @classmethod
    def _uuid(cls, value: str) -> str:
        return str(uuid.UUID(value))  # the page sends a fresh UUID; a retry reuses it


# -- access ----------------------------------------------------------------------------------


def _page_principal() -> Principal:
    """The station this browser logged in as (AuthError 401 when none or no longer valid)."""
    station_id, key = session.get(SESSION_STATION), session.get(SESSION_KEY)
    if not isinstance(station_id, int) or not isinstance(key, str):
        raise AuthError(401, "unauthenticated", "log in with the station token")
    with wms().db.reading() as db:
        station = db.get(Station, station_id)
        if station is None or not station_login.key_still_valid(station, key):
            raise AuthError(401, "unauthenticated", "the station login was revoked")
        actor = Actor(station.name, kind=STATION, station_id=station.id)
        return Principal(STATION_PAGE, actor, station.id, station.role, language=station.language)


def protect_page(fn: F) -> F:
    """Like `protect`, for the station-session principal `auth.authenticate` does not know."""

    @functools.wraps(fn)
    def view(*args: Any, **kwargs: Any) -> Any:
        g.principal = _page_principal()
        return fn(*args, **kwargs)

    view.wms_access = PAGE_ACCESS  # type: ignore[attr-defined]
    return view  # type: ignore[return-value]


def _principal() -> Principal:
    principal: Principal = g.principal
    return principal


@bp.errorhandler(AuthError)
def _auth_error(exc: AuthError) -> Any:
    if request.method == "GET" and not request.path.endswith(".pdf"):
        return redirect(url_for("station_page.login"))
    return jsonify(error={"code": exc.code, "message": exc.message, "details": {}}), exc.status


@bp.after_request
def _headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Cache-Control", "no-store")
    return response


# -- pages -----------------------------------------------------------------------------------


@bp.route("/login", methods=["GET", "POST"])
@protect(PUBLIC)  # public: the token form is the way in; it reveals nothing
def login() -> Any:
    """Ask for the station token once; remember the station in the signed session."""
    form = TokenForm()
    language = request.accept_languages.best_match(LANGUAGES) or "ru"
    error, status = None, 200
    if form.validate_on_submit():
        settings = wms().settings
        found, throttled = run(
            station_login.log_in,
            form.token.data or "",
            secret=settings.server.secret_key,
            limit_per_minute=settings.security.login_rate_limit_per_minute,
            remote_addr=request.remote_addr,
        )
        if found is not None:
            session.clear()  # one identity per browser: a dashboard login ends here
            session[SESSION_STATION], session[SESSION_KEY] = found.station_id, found.key
            session.permanent = True
            return redirect(url_for("station_page.page"))
        if throttled:
            error, status = TEXTS[language]["throttled"], 429
        else:
            error, status = TEXTS[language]["bad_token"], 401
    elif request.method == "POST":
        error, status = TEXTS[language]["bad_token"], 400
    texts = TEXTS[language]
    return render_template("station/login.html", form=form, error=error, t=texts), status


@bp.route("", methods=["GET"])
@protect_page
def page() -> Any:
    """The scanning page: prompt, operator, work item, labels."""
    principal = _principal()
    assert principal.station_id is not None
    state = _station_state(principal.station_id, principal.language)
    texts = TEXTS[principal.language]
    offline_texts = {k: texts[k] for k in OFFLINE_TEXTS}
    return render_template(
        "station/page.html",
        state=state,
        t=texts,
        lang=principal.language,
        station_id=principal.station_id,
        offline_texts=json.dumps(offline_texts, ensure_ascii=False),
    )


@bp.route("/logout", methods=["POST"])
@protect_page
def logout() -> Any:
    """Forget the station in this browser."""
    session.pop(SESSION_STATION, None)
    session.pop(SESSION_KEY, None)
    return redirect(url_for("station_page.login"))


@bp.route("/scan", methods=["POST"])
@protect_page
def scan() -> Any:
    """Apply one scan exactly like `POST /api/v1/scan`, answered for the page."""
    principal = _principal()
    assert principal.station_id is not None
    body = parse_json_body(PageScanIn)
    req = ScanRequest(
        event_id=body.event_id,
        code=body.code,
        symbology=None,  # keyboard wedges send no AIM identifier
        scanned_at=_when(body.scanned_at),
        lpn=body.lpn,
        offline=body.offline,
    )
    with scan_metrics(principal) as response:
        response.update(run(handle_scan, principal.station_id, req))
    assert principal.station_role is not None
    role = StationRole(principal.station_role)
    return jsonify(_answer(response, body.event_id, principal.language, role))


def _when(scanned_at: datetime | None) -> datetime:
    """When the scan happened: the journal's time, unless it claims the future."""
    now = datetime.now(UTC)
    return min(scanned_at, now) if scanned_at is not None else now


@bp.route("/labels/<event_id>/<int:index>.pdf", methods=["GET"])
@protect_page
def label_pdf(event_id: str, index: int) -> Any:
    """One label of a scan's answer as PDF, rendered from the stored LabelSpec."""
    principal = _principal()
    with wms().db.reading() as db:
        stored = db.execute(
            sa.select(ScanEvent.response).where(
                ScanEvent.station_id == principal.station_id, ScanEvent.event_id == event_id
            )
        ).scalar_one_or_none()
    specs = (stored or {}).get("print") or []
    if not 0 <= index < len(specs):
        return jsonify(error={"code": "not_found", "message": "no such label", "details": {}}), 404
    try:
        spec = LabelSpec.from_dict(specs[index])
    except LabelSpecError:
        return jsonify(error={"code": "not_found", "message": "no such label", "details": {}}), 404
    name = spec.fields.get("lpn") or spec.fields.get("order_code") or spec.kind.value
    response = Response(render_pdf(spec), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


# -- what the page shows ---------------------------------------------------------------------


def _say(text: Any, language: str) -> str:
    """A server text in the station's language (`{ru, en, kk}` or plain)."""
    if isinstance(text, Mapping):
        return str(text.get(language) or text.get("ru") or text.get("en") or "")
    return str(text or "")


def _operator(context: Mapping[str, Any]) -> str | None:
    operator = context.get("operator")
    if isinstance(operator, Mapping):
        return f"{operator.get('name', '')} · {operator.get('badge', '')}"
    return None


def _work(context: Mapping[str, Any]) -> str | None:
    """The return being received (with its unit count), else the unit being worked on."""
    order, unit = context.get("return_order"), context.get("unit")
    if isinstance(order, Mapping):
        code = order.get("order_code") or ""
        return f"{order.get('number', '')} {code} · {order.get('units', 0)}".replace("  ", " ")
    if isinstance(unit, Mapping) and unit.get("lpn"):
        return f"{unit['lpn']} · {unit.get('title') or unit.get('sku') or ''}".rstrip(" ·")
    return None


def _answer(
    response: Mapping[str, Any], event_id: str, language: str, role: StationRole
) -> dict[str, Any]:
    """The scan answer as the page shows it."""
    context = response.get("context") or {}
    labels = []
    for index, spec in enumerate(response.get("print") or []):
        fields = spec.get("fields") or {}
        what = fields.get("lpn") or fields.get("order_code") or ""
        kind = KINDS.get(str(spec.get("kind")), {}).get(language) or str(spec.get("kind"))
        labels.append(
            {
                "title": f"{kind} {what}".strip(),
                "url": url_for("station_page.label_pdf", event_id=event_id, index=index),
            }
        )
    return {
        "result": response["result"],
        "sound": response["sound"],
        "prompt": _say(response["prompt"], language),
        "operator": _operator(context),
        "work": _work(context),
        "step": context.get("step"),
        "warnings": [_say(w, language) for w in context.get("warnings") or []],
        "labels": labels,
        "lpn": (context.get("unit") or {}).get("lpn"),
        "commands": command_buttons(context, role, language),
        "expected": context.get("expected"),
        "printer": (context.get("printer") or {}).get("name"),
    }


def _station_state(station_id: int, language: str) -> dict[str, Any]:
    """What the page shows before the first scan: operator and work item of the session."""
    with wms().db.reading() as db:
        station = db.get(Station, station_id)
        assert station is not None
        state = db.get(StationSession, station_id) or StationSession(station_id=station_id)
        operator = db.get(Operator, state.operator_id) if state.operator_id else None
        order = db.get(ReturnOrder, state.return_order_id) if state.return_order_id else None
        unit = db.get(Unit, state.unit_id) if state.unit_id else None
        work = unit.lpn if unit else (order.order_code or order.number) if order else None
        printer = db.get(Printer, station.printer_id) if station.printer_id else None
        if operator is not None:
            prompt = TEXTS[language]["ready"]
        else:
            prompt = _say(prompts.render("scan.login_first"), language)
        # The same `commands` / `expected` every scan answer carries in its context.
        hints = session_hints(db, station.role, state, order)
        context = {"step": state.step, "operator": bool(operator), "commands": hints["commands"]}
        return {
            "commands": command_buttons(context, StationRole(station.role.value), language),
            "station": station.name,
            "role": station.role.value,
            "role_name": prompts.term(station.role.value)[language],
            "operator": f"{operator.name} · {operator.badge}" if operator else None,
            "work": work,
            "prompt": prompt,
            "expected": hints.get("expected"),
            "printer": printer.name if printer else None,
        }


# The offline journal's endpoints register themselves on `bp`.
from wms.web import station_offline  # noqa: E402, F401
