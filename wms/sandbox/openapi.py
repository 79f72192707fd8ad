"""Validate requests against the official Wildberries OpenAPI files, loaded at runtime.

Nothing of the YAML is copied into code: operations, parameters and body schemas are read from
the files (the shared reference copy by default, the vendored `specs/` copy when that is absent,
or any directory given), `$ref`s are resolved, and bodies are checked with an OpenAPI 3.0
JSON-Schema validator.

`strict=True` holds requests to a stricter reading than WB itself: every declared property is
required and undeclared ones are refused. WB does not validate field names (a typo answers 204
and changes nothing), so only the strict reading catches `{"sku": ...}` instead of `chrtId`.
"""

from __future__ import annotations

import copy
import json
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from openapi_schema_validator import OAS30Validator

SPEC_DIR_ENV = "WMS_WB_SPEC_DIR"
SHARED_SPEC_DIR = Path("/work/shared/reference/wildberries")
VENDORED_SPEC_DIR = Path(__file__).resolve().parent / "specs"
WB_SPEC_FILES = ("02-products.yaml", "09-communications.yaml")
OZON_SPEC_ENV = "WMS_OZON_SPEC"
OZON_SPEC_FILE = "ozon-seller-api-stocks-returns.json"
SHARED_OZON_SPEC = Path("/work/shared/reference/ozon/seller-api-stocks-returns.json")
HTTP_METHODS = frozenset({"get", "put", "post", "delete", "patch"})
_MAX_REF_DEPTH = 64
_MAX_MESSAGE = 160


def default_spec_dir() -> Path:
    """`WMS_WB_SPEC_DIR`, else the shared reference copy, else the copy shipped in the package."""
    configured = os.environ.get(SPEC_DIR_ENV)
    if configured:
        return Path(configured)
    if all((SHARED_SPEC_DIR / name).is_file() for name in WB_SPEC_FILES):
        return SHARED_SPEC_DIR
    return VENDORED_SPEC_DIR


@lru_cache(maxsize=8)
def load_document(path: str) -> dict[str, Any]:
    """Parse one OpenAPI YAML file (cached: the products file is 300 KB)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(path, encoding="utf-8") as handle:
        document = yaml.load(handle, Loader=loader)  # noqa: S506 - a safe loader
    if not isinstance(document, dict) or "paths" not in document:
        raise ValueError(f"{path}: not an OpenAPI document")
    return document


def default_ozon_spec() -> Path:
    """`WMS_OZON_SPEC`, else the shared reference copy, else the copy shipped in the package."""
    configured = os.environ.get(OZON_SPEC_ENV)
    if configured:
        return Path(configured)
    return SHARED_OZON_SPEC if SHARED_OZON_SPEC.is_file() else VENDORED_SPEC_DIR / OZON_SPEC_FILE


@lru_cache(maxsize=4)
def load_json_document(path: str) -> dict[str, Any]:
    """Parse one OpenAPI JSON file (cached)."""
    with open(path, encoding="utf-8") as handle:
        document = json.load(handle)
    if not isinstance(document, dict) or "paths" not in document:
        raise ValueError(f"{path}: not an OpenAPI document")
    return document


@dataclass(frozen=True)
class Violation:
    """One way a value breaks its schema."""

    where: str  # "body", "parameter limit"
    path: tuple[str | int, ...]  # inside the value, e.g. ("stocks", 0, "amount")
    validator: str  # the JSON-Schema keyword that failed: maximum, maxItems, required ...
    message: str

    def __str__(self) -> str:
        return self.where + "".join(f"/{part}" for part in self.path) + f": {self.message}"


@dataclass(frozen=True)
class Operation:
    """One operation with its `$ref`s resolved."""

    method: str
    template: str
    parameters: tuple[dict[str, Any], ...]
    body_schema: dict[str, Any] | None
    body_required: bool


class OpenApiContract:
    """The operations of one or more OpenAPI 3.0 documents, ready to check requests."""

    def __init__(self, documents: Iterable[Mapping[str, Any]], *, strict: bool = False) -> None:
        self.strict = strict
        self._examples: dict[str, Any] = {}
        self._operations: dict[tuple[str, str], Operation] = {}
        self._patterns: list[tuple[re.Pattern[str], str]] = []
        for document in documents:
            self._index(document)

    @classmethod
    def for_ozon(cls, path: str | os.PathLike[str] | None = None) -> OpenApiContract:
        """Ozon's own spec of stocks, returns, rFBS return actions and arbitration (JSON)."""
        return cls([load_json_document(str(path or default_ozon_spec()))])

    @classmethod
    def for_wildberries(
        cls, spec_dir: str | os.PathLike[str] | None = None, *, strict: bool = False
    ) -> OpenApiContract:
        """The WB products (stocks) and communications (claims) contracts."""
        folder = Path(spec_dir) if spec_dir else default_spec_dir()
        return cls([load_document(str(folder / name)) for name in WB_SPEC_FILES], strict=strict)

    def operation(self, method: str, template: str) -> Operation:
        """The operation for a method and a path template such as "/api/v3/stocks/{warehouseId}"."""
        try:
            return self._operations[(method.lower(), template)]
        except KeyError:
            raise KeyError(f"{method.upper()} {template} is not in the contract") from None

    def match(self, method: str, path: str) -> tuple[Operation, dict[str, str]] | None:
        """Find the operation for a concrete path, with its path parameters."""
        for pattern, template in self._patterns:
            found = pattern.fullmatch(path)
            if found and (method.lower(), template) in self._operations:
                return self._operations[(method.lower(), template)], found.groupdict()
        return None

    def request_errors(
        self, method: str, path: str, query: Mapping[str, Sequence[str]], body: Any
    ) -> list[str]:
        """Everything wrong with one request (unknown operation, parameters, body)."""
        matched = self.match(method, path)
        if matched is None:
            return [f"{method.upper()} {path}: no such operation in the contract"]
        operation, path_params = matched
        return self.param_errors(operation, path_params, query) + self.body_errors(operation, body)

    def body_errors(self, operation: Operation, body: Any) -> list[str]:
        """Schema violations of a JSON body as text (None = no body)."""
        return [str(v) for v in self.body_violations(operation, body)]

    def body_violations(
        self, operation: Operation, body: Any, *, strict: bool | None = None
    ) -> list[Violation]:
        """Schema violations of a JSON body (None = no body); `strict` overrides the default."""
        if operation.body_schema is None:
            return [] if body is None else [Violation("body", (), "none", "takes no body")]
        if body is None:
            missing = Violation("body", (), "required", "a JSON body is required")
            return [missing] if operation.body_required else []
        strict = self.strict if strict is None else strict
        schema = _strict(operation.body_schema) if strict else operation.body_schema
        return _schema_errors(schema, body, "body")

    def param_errors(
        self,
        operation: Operation,
        path_params: Mapping[str, str],
        query: Mapping[str, Sequence[str]],
    ) -> list[str]:
        """Missing, unknown or ill-typed path and query parameters."""
        errors: list[str] = []
        declared = {p["name"] for p in operation.parameters if p.get("in") == "query"}
        for param in operation.parameters:
            where, name = param.get("in"), param["name"]
            raw: str | None
            if where == "path":
                raw = path_params.get(name)
            elif where == "query":
                values = query.get(name) or []
                raw = values[-1] if values else None
            else:
                continue
            if raw is None:
                if param.get("required"):
                    errors.append(f"{where} parameter {name!r} is required")
                continue
            errors.extend(_param_value_errors(name, raw, param.get("schema") or {}))
        if self.strict:
            errors.extend(
                f"query parameter {n!r} is not declared" for n in query if n not in declared
            )
        return errors

    def example(self, name: str) -> Any:
        """The value of a named example in `components/examples` (None if absent)."""
        return self._examples.get(name)

    def _index(self, document: Mapping[str, Any]) -> None:
        examples = (document.get("components") or {}).get("examples") or {}
        for name, example in examples.items():
            self._examples.setdefault(name, resolve_refs(example, document).get("value"))
        for template, item in (document.get("paths") or {}).items():
            shared = item.get("parameters") or []
            regex = re.sub(r"\\\{([A-Za-z0-9_]+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
            self._patterns.append((re.compile(regex), template))
            for method, spec in item.items():
                if method not in HTTP_METHODS:
                    continue
                resolved = resolve_refs(spec, document)
                params = resolve_refs(shared, document) + (resolved.get("parameters") or [])
                body = resolved.get("requestBody") or {}
                schema = ((body.get("content") or {}).get("application/json") or {}).get("schema")
                self._operations[(method, template)] = Operation(
                    method, template, tuple(params), schema, bool(body.get("required"))
                )
        # Literal paths before templated ones, so /api/v3/warehouses wins over /{id} patterns.
        self._patterns.sort(key=lambda entry: entry[1].count("{"))


def resolve_refs(node: Any, document: Mapping[str, Any], depth: int = 0) -> Any:
    """A copy of `node` with every local `$ref` replaced by what it points to."""
    if depth > _MAX_REF_DEPTH:
        raise ValueError("$ref chain too deep (a cycle?)")
    if isinstance(node, dict):
        if "$ref" in node:
            return resolve_refs(_pointer(document, node["$ref"]), document, depth + 1)
        return {key: resolve_refs(value, document, depth) for key, value in node.items()}
    if isinstance(node, list):
        return [resolve_refs(value, document, depth) for value in node]
    return node


def _pointer(document: Mapping[str, Any], ref: str) -> Any:
    if not ref.startswith("#/"):
        raise ValueError(f"only local $refs are supported, got {ref!r}")
    node: Any = document
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def _strict(schema: Any) -> Any:
    """Every declared property required, nothing undeclared allowed (recursively)."""
    schema = copy.deepcopy(schema)
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if node.get("type") == "object" and node.get("properties"):
                node.setdefault("additionalProperties", False)
                node["required"] = sorted(set(node.get("required") or []) | set(node["properties"]))
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return schema


def _schema_errors(schema: Mapping[str, Any], value: Any, where: str) -> list[Violation]:
    validator = OAS30Validator(schema)
    found = []
    for error in sorted(validator.iter_errors(value), key=lambda e: list(map(str, e.path))):
        message = error.message
        if len(message) > _MAX_MESSAGE:  # "[...1001 items...] is too long" would flood a log
            message = f"violates {error.validator}={error.validator_value!r}"
        found.append(Violation(where, tuple(error.absolute_path), str(error.validator), message))
    return found


def _param_value_errors(name: str, raw: str, schema: Mapping[str, Any]) -> list[str]:
    kind = schema.get("type")
    value: Any = raw
    try:
        if kind == "integer":
            value = int(raw)
        elif kind == "number":
            value = float(raw)
        elif kind == "boolean":
            if raw not in ("true", "false"):
                raise ValueError(raw)
            value = raw == "true"
    except ValueError:
        return [f"parameter {name!r}: {raw!r} is not a valid {kind}"]
    return [str(v) for v in _schema_errors(schema, value, f"parameter {name}")]
