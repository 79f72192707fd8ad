"""The OpenAPI 3.1 document, generated from the pydantic schemas of the registered endpoints."""

from __future__ import annotations

import re
from typing import Any

from flask import jsonify
from pydantic import BaseModel

from wms.web.api import bp
from wms.web.api.routing import ROUTES, RouteDoc
from wms.web.auth import PUBLIC, Access

REF = "#/components/schemas/{model}"
ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "details"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "details": {"type": "object"},
            },
        }
    },
}


def _schema(model: type[BaseModel], components: dict[str, Any]) -> dict[str, str]:
    schema = model.model_json_schema(ref_template=REF)
    for name, definition in schema.pop("$defs", {}).items():
        components[name] = definition
    components[model.__name__] = schema
    return {"$ref": REF.format(model=model.__name__)}


def _security(access: Access) -> list[dict[str, list[str]]]:
    schemes: list[dict[str, list[str]]] = []
    if "station" in access.kinds:
        schemes.append({"stationToken": []})
    if "integration" in access.kinds:
        schemes.append({"integrationToken": []})
    if "user" in access.kinds:
        schemes.append({"dashboardSession": []})
    return schemes


def _parameters(route: RouteDoc, path: str, components: dict[str, Any]) -> list[dict[str, Any]]:
    params = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": {"type": "integer" if kind == "int" else "string"},
        }
        for kind, name in re.findall(r"<(?:(\w+):)?(\w+)>", route.rule)
    ]
    if route.query is not None:
        schema = route.query.model_json_schema()
        required = set(schema.get("required", []))
        for name, prop in schema.get("properties", {}).items():
            params.append(
                {"name": name, "in": "query", "required": name in required, "schema": prop}
            )
    return params


def _operation_id(route: RouteDoc) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", route.rule.lower()).strip("_")
    return f"{route.method.lower()}_{slug}"


ERRORS = {
    "400": "unusable request: a NUL character, JSON that does not parse or nests too deep",
    "401": "not authenticated",
    "403": "not allowed for this caller",
    "404": "not found, or not visible to this caller",
    "409": "conflicts with the current data (state, duplicate, reused idempotency key or event)",
    "422": "invalid values (the details list each field)",
}
BODY_ERRORS = {
    "413": "the body is larger than 1 MB (uploads: the configured upload limit)",
    "415": "the body is not of the documented media type",
}


_RETURN_LINKS = {
    "GetReturn": {
        "operationId": "get_api_v1_returns_int_order_id",
        "parameters": {"order_id": "$response.body#/id"},
    },
    "ListReturnsInState": {
        "operationId": "get_api_v1_returns",
        "parameters": {"state": "$response.body#/state"},
    },
}
_STOCK_LINKS = {
    "GetStock": {
        "operationId": "get_api_v1_stock",
        "parameters": {"sku": "$response.body#/sku", "merchant": "$response.body#/merchant"},
    }
}
# OpenAPI links: what a client (and the stateful fuzzer) can do next with an answer.
LINKS: dict[str, dict[str, Any]] = {
    "post_api_v1_returns": _RETURN_LINKS,
    "post_api_v1_stock_inbound": _STOCK_LINKS,
    "post_api_v1_stock_outbound": _STOCK_LINKS,
    "post_api_v1_stock_reservations": _STOCK_LINKS,
    "post_api_v1_stock_releases": _STOCK_LINKS,
    "post_api_v1_stock_adjustments": _STOCK_LINKS,
}


def _error_responses(route: RouteDoc) -> dict[str, Any]:
    """Every error an operation can answer, all with the error envelope."""
    errors = dict(ERRORS)
    if route.body is not None or route.multipart or route.raw_body:
        errors.update(BODY_ERRORS)
    if route.raw_body:
        errors["411"] = "a raw body needs its Content-Length"
    content = {"application/json": {"schema": {"$ref": REF.format(model="Error")}}}
    return {code: {"description": text, "content": content} for code, text in errors.items()}


def _operation(route: RouteDoc, components: dict[str, Any]) -> dict[str, Any]:
    op: dict[str, Any] = {
        "summary": route.summary,
        "tags": [route.tag],
        "operationId": _operation_id(route),
        "security": _security(route.access),
        "responses": _error_responses(route),
    }
    params = _parameters(route, route.rule, components)
    if params:
        op["parameters"] = params
    if route.body is not None:
        op["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _schema(route.body, components)}},
        }
    elif route.raw_body:
        op["requestBody"] = {
            "required": True,
            "content": {route.raw_body: {"schema": {"type": "string", "format": "binary"}}},
        }
    elif route.multipart:
        op["requestBody"] = {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {"photo": {"type": "string", "format": "binary"}},
                    }
                }
            },
        }
    for status in (route.status, *route.also):
        if status == 204 or route.response is None:
            op["responses"][str(status)] = {"description": "done"}
        else:
            op["responses"][str(status)] = {
                "description": "ok" if status == route.status else "ok (a repeat)",
                "content": {"application/json": {"schema": _schema(route.response, components)}},
            }
            if links := LINKS.get(op["operationId"]):
                op["responses"][str(status)]["links"] = links
    return op


def build_document() -> dict[str, Any]:
    """Assemble the OpenAPI document from every registered endpoint."""
    components: dict[str, Any] = {"Error": ERROR_SCHEMA}
    paths: dict[str, dict[str, Any]] = {}
    for route in ROUTES:
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route.rule)
        paths.setdefault(path, {})[route.method.lower()] = _operation(route, components)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Returns WMS API", "version": "1"},
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "stationToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "station token (st_…)",
                },
                "integrationToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "integration token (it_…)",
                },
                "dashboardSession": {"type": "apiKey", "in": "cookie", "name": "session"},
            },
        },
    }


def openapi_json() -> Any:
    """Serve the document (public: it describes the API and holds no data)."""
    return jsonify(build_document())


openapi_json.wms_access = PUBLIC  # type: ignore[attr-defined]
bp.add_url_rule("/openapi.json", view_func=openapi_json, methods=["GET"])
