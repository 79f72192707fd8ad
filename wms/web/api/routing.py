"""Declare API endpoints once: URL, access, pydantic body/query/response; feeds the OpenAPI doc."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Blueprint, Response, jsonify, request
from pydantic import BaseModel

from wms.domain.errors import BadRequest, UnsupportedJson
from wms.domain.limits import MAX_JSON_BYTES
from wms.web.auth import Access, authenticate
from wms.web.edge import check_json

__all__ = ["MAX_JSON_BYTES", "ROUTES", "RouteDoc", "endpoint", "parse_json_body"]


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
    also: tuple[int, ...] = ()  # other success statuses (a repeat answered 200 …)


ROUTES: list[RouteDoc] = []


M = TypeVar("M", bound=BaseModel)


def parse_json_body(model: type[M]) -> M:
    """Validate the JSON body strictly (no coercion of `"2"` or `true` to 2), after the edge's
    checks: size (already capped), depth, syntax and NUL characters (`wms.web.edge`)."""
    if not request.is_json:
        raise UnsupportedJson("edge.json_media_type")
    raw = request.get_data(cache=True)
    if not raw.strip():
        raise BadRequest("edge.invalid_json")
    check_json(raw)
    return model.model_validate_json(raw)


def _parse_query(model: type[BaseModel]) -> BaseModel:
    raw: dict[str, Any] = {}
    for key in request.args:
        values = request.args.getlist(key)
        raw[key] = values if len(values) > 1 else values[0]
    return model.model_validate(raw, strict=False)  # query values are strings by nature


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
    also: tuple[int, ...] = (),
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a JSON endpoint: authenticate, validate, call, serialise."""

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def view(**kwargs: Any) -> Any:
            principal = authenticate(access)
            if body is not None:
                kwargs["body"] = parse_json_body(body)
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
                also,
            )
        )
        return view

    return decorate
