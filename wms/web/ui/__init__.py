"""Dashboard and merchant portal (server-rendered pages)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from wms.services import accounts
from wms.web.auth import PUBLIC, USER, Access, current, login_session, protect
from wms.web.context import wms

bp = Blueprint("ui", __name__)
ANY_USER = Access(frozenset({USER}))


class LoginForm(FlaskForm):
    """Dashboard login."""

    login = StringField("Login", validators=[DataRequired(), Length(max=100)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])


def _safe_next(target: str | None) -> str:
    # Only same-site relative paths: an absolute URL here would be an open redirect.
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("ui.index")


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """Show the login form and log the user in."""
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        with wms().db.reading() as db:
            user = accounts.authenticate_user(db, form.login.data or "", form.password.data or "")
            if user is not None:
                login_session(user)
                return redirect(_safe_next(request.args.get("next")))
        error = "invalid login or password"
    status = 401 if error else 200
    return render_template("ui/login.html", form=form, error=error), status


login.wms_access = PUBLIC  # type: ignore[attr-defined]


@bp.route("/logout", methods=["POST"])
@protect(ANY_USER)
def logout() -> Any:
    """End the session."""
    session.clear()
    return redirect(url_for("ui.login"))


@bp.route("/")
@protect(ANY_USER)
def index() -> Any:
    """The landing page after login."""
    return render_template("ui/index.html", principal=current())
