"""Station settings: `[station]`, `[scanner]`, `[printer]` from the shared TOML, env, then flags."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

ENV_PREFIX = "WMS_"
SECTIONS = ("station", "scanner", "printer")
Language = Literal["ru", "en", "kk"]
PRINTER_DPIS = (203, 300, 600)


def _check_dpi(value: int) -> int:
    if value not in PRINTER_DPIS:
        raise ValueError(f"dpi must be one of {PRINTER_DPIS}")
    return value


class Role(StrEnum):
    """What a station is used for; the server holds the workflow of each."""

    RECEIPT = "receipt"
    INSPECTION = "inspection"
    REPAIR = "repair"
    REPACK = "repack"
    PUTAWAY = "putaway"
    UNIVERSAL = "universal"


class StationSettingsError(Exception):
    """The station configuration cannot be used; the message names the key."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StationSection(_Section):
    server_url: str = "http://127.0.0.1:8000"
    token: str = ""
    role: Role = Role.RECEIPT
    language: Language = "ru"
    journal_path: str = "var/station-journal.sqlite"
    lpn_low_water: int = Field(default=50, ge=0)
    request_timeout_seconds: float = Field(default=5.0, gt=0, le=120)
    heartbeat_seconds: float = Field(default=5.0, gt=0, le=600)


class ScannerSection(_Section):
    url: str = "stdin"
    baudrate: int = Field(default=9600, ge=300, le=4_000_000)
    frame_gap_ms: int = Field(default=300, ge=10, le=10_000)
    max_frame_length: int = Field(default=512, ge=16, le=65_536)
    dedupe_seconds: float = Field(default=1.0, ge=0, le=60)


class PrinterSection(_Section):
    url: str = "dir://var/labels"
    dpi: Annotated[int, AfterValidator(_check_dpi)] = 203
    status_timeout_seconds: float = Field(default=2.0, gt=0, le=60)
    retry_seconds: float = Field(default=3.0, gt=0, le=300)


class StationSettings(_Section):
    station: StationSection = StationSection()
    scanner: ScannerSection = ScannerSection()
    printer: PrinterSection = PrinterSection()


def load_station_settings(
    path: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
) -> StationSettings:
    """Read the station sections: file (or `WMS_CONFIG`) < `WMS_STATION__*` env < flags."""
    env = os.environ if env is None else env
    path = path if path is not None else (env.get("WMS_CONFIG") or None)
    data: dict[str, dict[str, Any]] = {name: {} for name in SECTIONS}
    if path:
        file_data = _read_toml(Path(path))
        for name in SECTIONS:
            section = file_data.get(name, {})
            if not isinstance(section, dict):
                raise StationSettingsError(f"[{name}] must be a table")
            data[name].update(section)
    for (section, key), value in _env_overrides(env).items():
        data[section][key] = value
    for section, values in (overrides or {}).items():
        if section not in data:
            raise StationSettingsError(f"unknown section '{section}'")
        data[section].update({k: v for k, v in values.items() if v is not None})
    return _validate(data)


def _read_toml(file: Path) -> dict[str, Any]:
    if not file.is_file():
        raise StationSettingsError(f"configuration file not found: {file}")
    try:
        return tomllib.loads(file.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise StationSettingsError(f"{file}: not valid TOML: {exc}") from exc


def _env_overrides(env: Mapping[str, str]) -> dict[tuple[str, str], str]:
    # Only our sections; the server's own keys (WMS_DATABASE__URL …) are not ours to judge.
    out: dict[tuple[str, str], str] = {}
    for name, value in env.items():
        if not name.startswith(ENV_PREFIX) or "__" not in name:
            continue
        parts = name[len(ENV_PREFIX) :].lower().split("__")
        if parts[0] in SECTIONS:
            if len(parts) != 2:
                raise StationSettingsError(f"{name}: station sections have no sub-tables")
            out[(parts[0], parts[1])] = value
    return out


def _validate(data: Mapping[str, Any]) -> StationSettings:
    try:
        return StationSettings.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err["loc"])
            if err["type"] == "extra_forbidden":
                problems.append(f"unknown key '{where}'")
            else:
                problems.append(f"'{where}': {err['msg']}")
        raise StationSettingsError(
            "invalid station configuration: " + "; ".join(problems)
        ) from None
