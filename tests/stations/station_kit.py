"""Building a Station for tests: real journal, directory printer, HTTP client, recording view."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from stations.client import StationClient
from stations.loop import Station
from stations.scanners.base import Scan
from stations.settings import load_station_settings
from stations.ui import Screen
from tests.stations.fake_wms import TOKEN, FakeWms


class RecordingView:
    """Keeps every screen shown and the sound played with it."""

    def __init__(self) -> None:
        self.shown: list[tuple[Screen, str | None]] = []

    def show(self, screen: Screen, sound: str | None) -> None:
        self.shown.append((screen, sound))

    def close(self) -> None:
        pass

    @property
    def last(self) -> Screen:
        return self.shown[-1][0]

    def answers(self) -> list[tuple[str, str, str | None]]:
        """(result, prompt, sound) of every answered scan."""
        return [(s.result, s.prompt, sound) for s, sound in self.shown if sound is not None]


def make_station(
    tmp_path: Path,
    wms: FakeWms,
    *,
    role: str = "receipt",
    printer_url: str | None = None,
    scanner_url: str = "loop://",
    **station: Any,
) -> Station:
    labels = tmp_path / "labels"
    labels.mkdir(exist_ok=True)
    settings = load_station_settings(
        env={},
        overrides={
            "station": {
                "server_url": wms.url,
                "token": TOKEN,
                "role": role,
                "journal_path": str(tmp_path / "journal.sqlite"),
                "heartbeat_seconds": 0.2,
                "lpn_low_water": 10,
                **station,
            },
            "printer": {"url": printer_url or f"dir://{labels}", "retry_seconds": 0.05},
            "scanner": {"url": scanner_url, "frame_gap_ms": 200},
        },
    )
    client = StationClient(wms.url, settings.station.token, timeout=1.0)
    return Station.from_settings(settings, client=client, view=RecordingView())


def scan(code: str, symbology: str | None = None) -> Scan:
    return Scan(code, symbology, code.encode(), datetime.now(UTC))


def printed(tmp_path: Path) -> list[str]:
    """Texts of the labels written to the directory printer, oldest first."""
    return [f.read_text() for f in sorted((tmp_path / "labels").glob("label-*"))]


def printed_lpns(tmp_path: Path) -> list[str]:
    return [m for text in printed(tmp_path) for m in re.findall(r"\^FD(LPN\d{10})\^FS", text)]


def wait_for(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.02)
