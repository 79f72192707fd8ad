"""Station settings: `[station]` `[scanner]` `[printer]` `[camera]` from TOML, env, then flags."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

import siteconfig

ENV_PREFIX = siteconfig.ENV_PREFIX
SECTIONS = ("station", "scanner", "printer", "camera")
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
    # Empty: one journal per station (its token) under var/, so two stations never share one.
    journal_path: str = ""
    lpn_low_water: int = Field(default=50, ge=0)
    request_timeout_seconds: float = Field(default=5.0, gt=0, le=120)
    heartbeat_seconds: float = Field(default=5.0, gt=0, le=600)

    def journal_file(self) -> Path:
        """The journal to use: the configured path, else `var/station-<token digest>.sqlite`."""
        if self.journal_path:
            return Path(self.journal_path)
        digest = hashlib.sha256(self.token.encode()).hexdigest()[:12]
        return Path("var") / f"station-{digest}.sqlite"


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


class CameraSection(_Section):
    """Video of every opened parcel: from the order code to `CMD:CLOSE` (receipt stations)."""

    # "" = no camera; "/dev/video0" (V4L2); "rtsp://user:pass@10.0.0.30/stream1" (IP camera);
    # "lavfi:testsrc=size=640x360:rate=15" (ffmpeg's test picture, for trying it out).
    source: str = ""
    ffmpeg: str = "ffmpeg"
    # Clips wait here until the server has them (then the file is deleted).
    dir: str = "var/station-clips"
    font: str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
    # H.264 quality (lower = better, bigger) and a safety cap on one clip's length.
    crf: int = Field(default=28, ge=0, le=51)
    max_minutes: float = Field(default=30, gt=0, le=240)
    # How long one upload may take before it is retried.
    upload_timeout_seconds: float = Field(default=300, gt=0, le=3600)


class StationSettings(_Section):
    station: StationSection = StationSection()
    scanner: ScannerSection = ScannerSection()
    printer: PrinterSection = PrinterSection()
    camera: CameraSection = CameraSection()


def load_station_settings(
    path: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
) -> StationSettings:
    """Read the station sections: file (or `WMS_CONFIG`) < `WMS_STATION__*` env < flags."""
    env = os.environ if env is None else env
    data: dict[str, dict[str, Any]] = {name: {} for name in SECTIONS}
    file = siteconfig.config_path(path, env)
    if file:
        file_data = siteconfig.read_toml(file, StationSettingsError)
        for name in SECTIONS:
            section = file_data.get(name, {})
            if not isinstance(section, dict):
                raise StationSettingsError(f"[{name}] must be a table")
            data[name].update(section)
    # Only our sections; the server's own keys (WMS_DATABASE__URL …) are not ours to judge.
    from_env = siteconfig.env_overrides(env, lambda section: section in SECTIONS)
    for section, values in from_env.items():
        for key, value in values.items():
            if isinstance(value, dict):
                raise StationSettingsError(
                    f"{ENV_PREFIX}{section.upper()}__{key.upper()}__…: "
                    "station sections have no sub-tables"
                )
            data[section][key] = value
    for section, values in (overrides or {}).items():
        if section not in data:
            raise StationSettingsError(f"unknown section '{section}'")
        data[section].update({k: v for k, v in values.items() if v is not None})
    return siteconfig.validate(StationSettings, data, StationSettingsError, "station configuration")
