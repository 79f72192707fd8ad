"""Dashboard and merchant portal: server-rendered pages (Jinja, Flask-Babel, htmx, Chart.js).

Every page is protected with `protect(Access(...))`; merchants see and act only within their own
merchant id (the services and queries take the scope, the handlers never widen it).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, g, redirect, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from wms.domain.errors import DomainError
from wms.web.auth import STAFF_ROLES, USER, Access, AuthError
from wms.web.errors import with_exception_headers
from wms.web.ui.i18n import _, current_language, init_babel
from wms.web.ui.params import BadParam

bp = Blueprint("ui", __name__)
ANY_USER = Access(frozenset({USER}))
STAFF = Access(frozenset({USER}), user_roles=STAFF_ROLES)

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


@bp.record_once
def _setup(state: BlueprintSetupState) -> None:
    init_babel(state.app)


@bp.after_request
def _headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if response.mimetype == "text/html":
        response.headers.setdefault("Cache-Control", "no-store")
    return response


@bp.app_context_processor
def _context() -> dict[str, Any]:
    principal = g.get("principal")
    staff = principal is not None and principal.user_role in STAFF_ROLES
    return {"principal": principal, "is_staff": staff, "lang": current_language()}


def domain_message(exc: DomainError) -> str:
    """A domain error's message in the page's language."""
    return exc.render(current_language())


def _error_page(status: int, title: str, message: str, detail: str = "") -> tuple[str, int]:
    page = render_template(
        "ui/error.html", status=status, title=title, message=message, detail=detail
    )
    return page, status


@bp.errorhandler(AuthError)
def _auth_error(exc: AuthError) -> Any:
    if exc.status == 401:
        target = url_for("ui.login", next=request.full_path)
        if request.headers.get("HX-Request"):  # a live fragment: send the whole page to login
            return Response(status=401, headers={"HX-Redirect": target})
        return redirect(target)
    return _error_page(403, str(_("Access denied")), str(_("You may not open this page.")))


@bp.errorhandler(DomainError)
def _domain_error(exc: DomainError) -> Any:
    return _error_page(exc.http_status, str(_("Refused")), domain_message(exc))


@bp.errorhandler(BadParam)
def _bad_param(exc: BadParam) -> Any:
    message = _(
        "Parameter “%(name)s” has a value that cannot be used (%(value)s): expected %(expected)s."
    )
    return _error_page(
        400,
        str(_("Bad request")),
        message % {"name": exc.name, "value": exc.value, "expected": exc.expected},
    )


@bp.errorhandler(CSRFError)
def _csrf_error(exc: CSRFError) -> Any:
    message = str(_("The form is missing its security token. Reload the page."))
    return _error_page(400, str(_("Form refused")), message, exc.description or "CSRF")


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException) -> Any:
    code = exc.code or 500
    page, status = _error_page(code, f"{code} {exc.name}", exc.description or "")
    return with_exception_headers(Response(page, status, mimetype="text/html"), exc)


from wms.web.ui import (  # noqa: E402  (the views register themselves on `bp`)
    analytics,
    billing,
    claims,
    clips,
    floor,
    jobs,
    pages,
    printing,
    returns,
    stations,
    stock,
    units,
)

__all__ = [
    "ANY_USER",
    "STAFF",
    "analytics",
    "billing",
    "bp",
    "claims",
    "clips",
    "floor",
    "jobs",
    "pages",
    "printing",
    "returns",
    "stations",
    "stock",
    "units",
]
