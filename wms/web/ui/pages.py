"""Login (argon2, rate-limited per login name), logout, language switch and the landing page."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import flash, redirect, render_template, request, session, url_for

from wms.services import accounts, dashboard
from wms.web.auth import PUBLIC, STAFF_ROLES, current, login_session, logout_session, protect
from wms.web.context import run, wms
from wms.web.ui import ANY_USER, bp
from wms.web.ui.forms import EmptyForm, LanguageForm, LoginForm
from wms.web.ui.i18n import LANGUAGES
from wms.web.ui.i18n import _ as _l


def _safe_next(target: str | None) -> str:
    """A same-site path to go to after login, else the landing page (never an open redirect).

    Browsers drop tabs and newlines from URLs and read `\\` as `/`, so `/%09/host` or `/\\host`
    would become `//host`: the target is checked after percent-decoding, and control
    characters anywhere or a backslash in the path refuse it outright.
    """
    if not target or len(target) > 2000:
        return url_for("ui.index")
    decoded = unquote(target)
    path = decoded.split("?", 1)[0]
    if (
        target.startswith("/")
        and not re.search(r"[\x00-\x1f\x7f]", decoded)
        and "\\" not in path
        and not path.startswith("//")
        and not urlsplit(decoded).netloc
    ):
        return target
    return url_for("ui.index")


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """Show the login form and log the user in (failed attempts are limited per login)."""
    lang = request.args.get("lang")
    if lang in LANGUAGES:
        session["lang"] = lang
    form = LoginForm()
    error, status = None, 200
    if form.validate_on_submit():
        user, throttled = run(
            dashboard.login,
            form.login.data or "",
            form.password.data or "",
            limit_per_minute=wms().settings.security.login_rate_limit_per_minute,
            remote_addr=request.remote_addr,
        )
        if user is not None:
            language = session.get("lang")
            if user.language is None and language in LANGUAGES:
                run(dashboard.set_language, user.id, language)
                user.language = language
            login_session(run(accounts.open_session, user.id))
            if user.language:
                session["lang"] = user.language
            return redirect(_safe_next(request.args.get("next")))
        if throttled:
            error, status = _l("Too many failed attempts. Wait a minute and try again."), 429
        else:
            error, status = _l("Wrong login or password."), 401
    elif request.method == "POST":
        error, status = _l("Fill in the login and the password."), 400
    return render_template("ui/login.html", form=form, error=error), status


login.wms_access = PUBLIC  # type: ignore[attr-defined]


@bp.route("/logout", methods=["POST"])
@protect(ANY_USER)
def logout() -> Any:
    """End the session, on the server too."""
    logout_session()
    return redirect(url_for("ui.login"))


@bp.route("/language", methods=["POST"])
@protect(ANY_USER)
def language() -> Any:
    """Remember the user's interface language."""
    form = LanguageForm()
    if form.validate_on_submit():
        principal = current()
        assert principal.user_id is not None
        run(dashboard.set_language, principal.user_id, form.language.data)
        session["lang"] = form.language.data
    else:
        flash(str(_l("Unknown language.")), "error")
    return redirect(_safe_next(request.form.get("next")))


@bp.route("/")
@protect(ANY_USER)
def index() -> Any:
    """Supervisors start on the floor, merchants on their figures."""
    if current().user_role in STAFF_ROLES:
        return redirect(url_for("ui.floor"))
    return redirect(url_for("ui.kpis"))


@bp.app_context_processor
def _forms() -> dict[str, Any]:
    return {"language_form": LanguageForm, "logout_form": EmptyForm}
