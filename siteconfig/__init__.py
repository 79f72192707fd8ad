"""The one settings loader: a TOML file, `WMS_<SECTION>__<KEY>` environment overrides, pydantic.

One `config.toml` configures a site: the server reads its sections, the station program its
own (`[station]`, `[scanner]`, `[printer]`). Both load it the same way, so this package stands
apart from both (the station program never imports `wms`; see docs/decisions.md, issue 14).
It imports nothing of `wms`, `stations` or `labels`.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

ENV_PREFIX = "WMS_"
M = TypeVar("M", bound=BaseModel)


def config_path(path: str | os.PathLike[str] | None, env: Mapping[str, str]) -> Path | None:
    """The file to read: the one given, else `WMS_CONFIG`, else none (defaults and env only)."""
    chosen = path if path is not None else (env.get("WMS_CONFIG") or None)
    return Path(chosen) if chosen else None


def read_toml(file: Path, error: type[Exception]) -> dict[str, Any]:
    """The file's tables; `error` names the file when it is missing or not valid TOML."""
    if not file.is_file():
        raise error(f"configuration file not found: {file}")
    try:
        return tomllib.loads(file.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{file}: not valid TOML: {exc}") from exc


def env_overrides(env: Mapping[str, str], section_wanted: Callable[[str], bool]) -> dict[str, Any]:
    """`WMS_<SECTION>__<KEY>[__<SUBKEY>…]=value` of the wanted sections, as nested tables."""
    out: dict[str, Any] = {}
    for name, value in env.items():
        if not name.startswith(ENV_PREFIX) or "__" not in name:
            continue
        parts = [p.lower() for p in name[len(ENV_PREFIX) :].split("__")]
        if not section_wanted(parts[0]):
            continue
        node = out
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = _parse_env_value(value)
    return out


def _parse_env_value(value: str) -> Any:
    # Lists come as TOML arrays (`["a","b"]`); everything else is left to pydantic's coercion.
    if value.startswith("["):
        try:
            return tomllib.loads(f"v = {value}")["v"]
        except tomllib.TOMLDecodeError:
            return value
    return value


def merge(into: dict[str, Any], extra: Mapping[str, Any]) -> None:
    """Merge nested tables of `extra` into `into` (later wins, tables merge key by key)."""
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(into.get(key), dict):
            merge(into[key], value)
        else:
            into[key] = dict(value) if isinstance(value, Mapping) else value


def validate(model: type[M], data: Mapping[str, Any], error: type[Exception], what: str) -> M:
    """The typed settings, or `error` listing every unknown key and bad value."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err["loc"])
            if err["type"] == "extra_forbidden":
                problems.append(f"unknown key '{where}'")
            else:
                problems.append(f"'{where}': {err['msg']}")
        raise error(f"invalid {what}: " + "; ".join(problems)) from None
