"""Declare API endpoints once: URL, access, pydantic body/query/response; feeds the OpenAPI doc."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, jsonify, request
from pydantic import BaseModel

from wms.web.auth import Access, authenticate
from wms.web.errors import ApiError

MAX_JSON_BYTES = 1_000_000


@dataclass(frozen=True)
class RouteDoc:
    """What the OpenAPI generator needs to know about one endpoint."""

    rule: str
    method: str
    summary: str
    tag: str
    access: Access
    body: type[BaseModel] | None
    query: type[BaseModel] | None
    response: type[BaseModel] | None
    status: int
    multipart: bool = False
    #: Media type of a body sent as is (not JSON), e.g. a station's video clip.
    raw_body: str | None = None


ROUTES: list[RouteDoc] = []


def _parse_body(model: type[BaseModel]) -> BaseModel:
    if request.content_length is not None and request.content_length > MAX_JSON_BYTES:
        raise ApiError(413, "too_large", f"JSON bodies are limited to {MAX_JSON_BYTES} bytes")
    if not request.is_json:
        raise ApiError(415, "unsupported_media_type", "send the body as application/json")
    data = request.get_json(silent=True)
    if data is None:
        raise ApiError(400, "invalid_json", "the body is not valid JSON")
    return model.model_validate(data)


def _parse_query(model: type[BaseModel]) -> BaseModel:
    raw: dict[str, Any] = {}
    for key in request.args:
        values = request.args.getlist(key)
        raw[key] = values if len(values) > 1 else values[0]
    return model.model_validate(raw)


def endpoint(
    bp: Blueprint,
    rule: str,
    method: str,
    *,
    access: Access,
    summary: str,
    tag: str,
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    response: type[BaseModel] | None = None,
    status: int = 200,
    multipart: bool = False,
    raw_body: str | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a JSON endpoint: authenticate, validate, call, serialise."""

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def view(**kwargs: Any) -> Any:
            principal = authenticate(access)
            if body is not None:
                kwargs["body"] = _parse_body(body)
            if query is not None:
                kwargs["query"] = _parse_query(query)
            result = fn(principal, **kwargs)
            if isinstance(result, Response):
                return result
            code = status
            if isinstance(result, tuple):
                result, code = result
            if result is None:
                return Response(status=204)
            payload = result.model_dump(mode="json") if isinstance(result, BaseModel) else result
            return jsonify(payload), code

        view.wms_access = access  # type: ignore[attr-defined]
        bp.add_url_rule(rule, endpoint=fn.__name__, view_func=view, methods=[method])
        prefix = bp.url_prefix or ""
        ROUTES.append(
            RouteDoc(
                prefix + rule,
                method,
                summary,
                tag,
                access,
                body,
                query,
                response,
                status,
                multipart,
                raw_body,
            )
        )
        return view

    return decorate
