"""One place that turns errors into responses: JSON `{"error": …}` under /api, pages elsewhere."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, jsonify, redirect, request, url_for
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException

from wms.domain.errors import DomainError
from wms.web.auth import AuthError

log = logging.getLogger(__name__)


class ApiError(Exception):
    """A request error raised by a handler (bad JSON, missing header …)."""

    def __init__(self, status: int, code: str, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    """The error envelope of the API."""
    return {"error": {"code": code, "message": message, "details": details or {}}}


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _json(status: int, code: str, message: str, details: Any = None) -> tuple[Response, int]:
    return jsonify(error_body(code, message, details)), status


def _language() -> str:
    best = request.accept_languages.best_match(["ru", "en", "kk"])
    return best or "en"


def with_exception_headers(response: Response, exc: HTTPException) -> Response:
    """Keep the headers an HTTP error carries (`Allow` on 405, `Retry-After` …) on our body."""
    for name, value in exc.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def register_error_handlers(app: Flask) -> None:
    """Install the handlers on the app."""

    @app.errorhandler(AuthError)
    def _auth(exc: AuthError) -> Any:
        if _wants_json() or exc.status == 403:
            if not _wants_json():
                return f"<h1>403</h1><p>{exc.message}</p>", 403
            return _json(exc.status, exc.code, exc.message)
        return redirect(url_for("ui.login", next=request.full_path))

    @app.errorhandler(DomainError)
    def _domain(exc: DomainError) -> Any:
        details = {k: v for k, v in exc.params.items() if isinstance(v, str | int | float)}
        details["prompt"] = exc.prompt()
        return _json(exc.http_status, exc.code, exc.render(_language()), details)

    @app.errorhandler(ApiError)
    def _api(exc: ApiError) -> Any:
        return _json(exc.status, exc.code, exc.message, exc.details)

    @app.errorhandler(ValidationError)
    def _validation(exc: ValidationError) -> Any:
        problems = [
            {"field": ".".join(str(p) for p in e["loc"]), "problem": e["msg"]}
            for e in exc.errors(include_url=False, include_input=False)
        ]
        return _json(
            422,
            "invalid_request",
            "the request body or parameters are invalid",
            {"errors": problems},
        )

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Any:
        if not _wants_json():
            return exc
        code = (exc.name or "error").lower().replace(" ", "_")
        response, status = _json(exc.code or 500, code, exc.description or exc.name or "error")
        return with_exception_headers(response, exc), status

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Any:
        log.exception("unhandled error on %s %s", request.method, request.path)
        if _wants_json():
            return _json(500, "internal_error", "internal error; it has been logged")
        return "<h1>500</h1><p>Internal error; it has been logged.</p>", 500
