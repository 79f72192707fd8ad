"""What goes over the wire to a Zebra printer, and what comes back: shared by server and stations.

Pure byte building and parsing, no sockets: the server's print service and `wms-station` both
send `zpl_payload(spec, dpi)` for a label, so a label is byte-identical whoever prints it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from labels.spec import LabelSpec
from labels.zpl import render_zpl

HOST_STATUS_QUERY = b"~HS"
#: Host query "odometer": the printer's print meters (non-resettable total first).
ODOMETER_QUERY = b"~HQOD"
_HS_LINE = re.compile(rb"\x02([^\x02\x03]*)\x03")
_ODOMETER = re.compile(rb"TOTAL NONRESETTABLE:\s*([0-9]+)")


def zpl_payload(spec: LabelSpec, dpi: int) -> bytes:
    """The bytes of one label job at `dpi` (`^CI28` in the label: the whole job is UTF-8)."""
    return render_zpl(spec, dpi).encode("utf-8")


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


def odometer_complete(data: bytes) -> bool:
    """Whether a `~HQOD` answer has arrived whole (STX … ETX)."""
    return b"\x02" in data and b"\x03" in data.partition(b"\x02")[2]


def parse_odometer(data: bytes) -> int | None:
    """The non-resettable print meter from a `~HQOD` answer; None if the printer gave none."""
    found = _ODOMETER.search(data)
    return int(found.group(1)) if found else None
