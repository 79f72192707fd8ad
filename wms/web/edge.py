"""The web edge: checks every request once before any view runs, and stamps every response.

One place per concern (issue 11):
- text: no NUL (U+0000) anywhere — path, query, headers, form fields, and (through
  `check_json`, called by the one JSON body parser `api.routing.parse_json_body`) JSON strings
  and keys (PostgreSQL cannot store it; no person or scanner means it);
- text bodies (JSON, forms): at most `MAX_JSON_BYTES`, chunked bodies too; JSON must be valid
  UTF-8 nested at most `MAX_JSON_DEPTH` levels;
- ids in URLs: the `int` converter stops at the database's integer range (404 beyond);
- responses: security headers on everything (API, feeds, static files, pages).
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Flask, Response, request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.routing import IntegerConverter, Map

from wms.domain.errors import BadRequest
from wms.domain.limits import MAX_DB_INT, MAX_JSON_BYTES, MAX_JSON_DEPTH, has_nul

# Pages set their own CSP (blueprint after_request runs first); this is the default for the rest.
DEFAULT_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]')


class IdConverter(IntegerConverter):
    """`<int:…>` in routes: 0 … 2^31−1, so an id past the column's range is a 404, not a 500."""

    def __init__(self, url_map: Map, fixed_digits: int = 0, min: int = 0, max: int = MAX_DB_INT):  # noqa: A002
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max)


def install(app: Flask) -> None:
    """Register the converter (before any blueprint) and the request and response hooks."""
    app.url_map.converters["int"] = IdConverter
    app.before_request(check_request)
    app.after_request(security_headers)


def check_request() -> None:
    """Refuse a request whose text or JSON the services must never see."""
    if request.is_json or request.mimetype == "application/x-www-form-urlencoded":
        # Text bodies the app parses itself. A declared length over the cap is refused before
        # reading; a chunked body (no length) is read one byte past the cap to see whether it
        # goes over. Uploads (multipart, a clip's video/mp4) keep their own, larger limits.
        request.max_content_length = MAX_JSON_BYTES + 1
        if request.method not in ("GET", "HEAD", "OPTIONS") and (
            len(request.get_data(cache=True)) > MAX_JSON_BYTES
        ):
            raise RequestEntityTooLarge(f"text bodies are limited to {MAX_JSON_BYTES} bytes")
    _no_nul("path", request.path)
    for key, value in request.args.items(multi=True):
        _no_nul(key, key + value)
    for key, value in request.headers.items():
        _no_nul(key, value)
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for key, value in request.form.items(multi=True):
            # A part named "" comes back with the key None (found by the fuzzer).
            _no_nul(key or "form", f"{key or ''}{value or ''}")


def _no_nul(field: str, text: str) -> None:
    if has_nul(text):
        raise BadRequest("edge.nul_character", field=field.replace("\x00", "\\0")[:40])


def check_json(raw: bytes) -> None:
    """Refuse a JSON body that nests too deep, does not parse, or holds NUL (`parse_json_body`)."""
    if not raw:
        return  # the view says what it expected
    if raw.count(b"[") + raw.count(b"{") > MAX_JSON_DEPTH and _depth(raw) > MAX_JSON_DEPTH:
        raise BadRequest("edge.json_too_deep", depth=MAX_JSON_DEPTH)
    try:
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):
        raise BadRequest("edge.invalid_json") from None
    _walk(data, "body")


def _depth(raw: bytes) -> int:
    """The deepest nesting of arrays and objects (brackets inside strings do not count)."""
    depth = deepest = 0
    for token in _TOKENS.finditer(raw):
        char = token.group()[:1]
        if char in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        elif char in (b"]", b"}"):
            depth -= 1
    return deepest


def _walk(value: Any, where: str) -> None:
    if isinstance(value, str):
        _no_nul(where, value)
    elif isinstance(value, list):
        for item in value:
            _walk(item, where)
    elif isinstance(value, dict):
        for key, item in value.items():
            _no_nul(key, key)
            _walk(item, key)


def security_headers(response: Response) -> Response:
    """The same protective headers on every response; pages keep their own stricter CSP."""
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Content-Security-Policy", DEFAULT_CSP)
    headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
    if response.mimetype == "application/json":
        headers.setdefault("Cache-Control", "no-store")
    return response
