"""Printer building blocks: status values, the Protocol, and the Zebra `~HS` parser."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal, Protocol

PayloadLanguage = Literal["zpl", "pdf"]
HOST_STATUS_QUERY = b"~HS"
_HS_LINE = re.compile(rb"\x02([^\x02\x03]*)\x03")


class PrinterState(StrEnum):
    """What the UI shows and the heartbeat reports about the printer."""

    OK = "ok"
    PAPER_OUT = "paper_out"
    RIBBON_OUT = "ribbon_out"
    HEAD_OPEN = "head_open"
    PAUSED = "paused"
    # Reachable but silent or refusing work (Zebra stays mute on ~HS while media is out).
    NOT_READY = "not_ready"
    OFFLINE = "offline"


@dataclass(frozen=True)
class PrinterStatus:
    """One status reading; `detail` is for people, `state` for code."""

    state: PrinterState
    detail: str = ""
    labels_remaining: int | None = None

    @property
    def ready(self) -> bool:
        """Whether a job sent now would print."""
        return self.state is PrinterState.OK


class PrinterError(Exception):
    """A job could not be handed to the printer; the caller keeps it and retries."""


class Printer(Protocol):
    """A label printer: reports readiness and takes one rendered label (ZPL or PDF bytes)."""

    @property
    def description(self) -> str:
        """Where the labels go, for logs and the UI."""
        ...

    @property
    def language(self) -> PayloadLanguage:
        """What the printer takes: `zpl` or `pdf`."""
        ...

    @property
    def dpi(self) -> int:
        """Print head resolution the labels are rendered at."""
        ...

    def status(self) -> PrinterStatus:
        """Ask the printer whether it can print now; never raises."""
        ...

    def print(self, payload: bytes) -> None:
        """Send one rendered label; raise PrinterError if it did not go out."""
        ...


def hs_complete(data: bytes) -> bool:
    """Whether a `~HS` answer has all three STX…ETX lines."""
    return len(_HS_LINE.findall(data)) >= 3


def parse_host_status(data: bytes) -> PrinterStatus:
    """Read a Zebra `~HS` answer (three STX…ETX lines); ValueError if it is not one."""
    lines = _HS_LINE.findall(data)
    if len(lines) < 3:
        raise ValueError(f"~HS answer incomplete: {data[:80]!r}")
    first = lines[0].decode("ascii", "replace").split(",")
    second = lines[1].decode("ascii", "replace").split(",")
    if len(first) < 12 or len(second) < 9:
        raise ValueError(f"~HS answer malformed: {data[:80]!r}")

    def on(fields: list[str], index: int) -> bool:
        return fields[index].strip() == "1"

    remaining = second[8].strip()
    labels = int(remaining) if remaining.isdigit() else None
    # Most specific cause first: an open head or empty roll also pauses the printer.
    problems = [
        (on(second, 2), PrinterState.HEAD_OPEN, "print head open"),
        (on(first, 1), PrinterState.PAPER_OUT, "paper out"),
        (on(second, 3), PrinterState.RIBBON_OUT, "ribbon out"),
        (on(first, 2), PrinterState.PAUSED, "paused"),
        (on(first, 11), PrinterState.NOT_READY, "print head over temperature"),
        (on(first, 10), PrinterState.NOT_READY, "print head under temperature"),
        (on(first, 9), PrinterState.NOT_READY, "printer memory corrupt"),
        (on(first, 5), PrinterState.NOT_READY, "receive buffer full"),
    ]
    for active, state, detail in problems:
        if active:
            return PrinterStatus(state, detail, labels)
    return PrinterStatus(PrinterState.OK, "ready", labels)
