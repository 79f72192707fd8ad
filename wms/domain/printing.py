"""Server printers and their print jobs: names, addresses, label sizes, the job life cycle.

A print job is one rendered label waiting for one printer. Jobs of a printer go out in the
order they were queued, one at a time. `SENDING` is recorded (with the printer's odometer when
it answers `~HQOD`) before the bytes leave, so a worker that dies mid-send leaves a trace: the
next worker resolves that job by the odometer, or resends it flagged as a possible duplicate.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

from wms.domain.errors import IllegalTransition

NAME = re.compile(r"[A-Z0-9][A-Z0-9-]{0,29}", re.ASCII)
PRINTER_CODE_PREFIX = "PRN-"
SUPPORTED_DPI = (203, 300, 600)
DEFAULT_TCP_PORT = 9100
_SIZE = re.compile(r"([0-9]{2,3})x([0-9]{2,3})", re.ASCII)


class PrinterSetupError(ValueError):
    """A printer's name, address, resolution or label size is unusable."""


class JobState(StrEnum):
    """Where a print job is."""

    QUEUED = "queued"
    SENDING = "sending"  # bytes may be on their way: recorded before they leave
    PRINTED = "printed"
    CANCELLED = "cancelled"


class JobAction(StrEnum):
    """What happens to a print job."""

    SEND = "send"
    CONFIRM = "confirm"  # the printer took the bytes (or its odometer moved)
    SEND_FAILED = "send_failed"  # connection refused or lost: nothing printed, try again
    NOT_PRINTED = "not_printed"  # a dead worker's job; the odometer says it did not print
    RESEND = "resend"  # a dead worker's job with no odometer: send again, flag it
    CANCEL = "cancel"


S, A = JobState, JobAction

JOB_TRANSITIONS: Mapping[tuple[JobState, JobAction], JobState] = {
    (S.QUEUED, A.SEND): S.SENDING,
    (S.QUEUED, A.CANCEL): S.CANCELLED,
    (S.SENDING, A.CONFIRM): S.PRINTED,
    (S.SENDING, A.SEND_FAILED): S.QUEUED,
    (S.SENDING, A.NOT_PRINTED): S.QUEUED,
    (S.SENDING, A.RESEND): S.QUEUED,
}


def next_job_state(state: JobState, action: JobAction) -> JobState:
    """The state after `action`; IllegalTransition if the table has no such move."""
    try:
        return JOB_TRANSITIONS[(state, action)]
    except KeyError:
        raise IllegalTransition(
            "print.job_illegal", state=state.value, action=action.value
        ) from None


class InFlight(StrEnum):
    """What became of a job a previous worker left in `SENDING`."""

    PRINTED = "printed"  # the odometer moved by at least one label
    NOT_PRINTED = "not_printed"  # the odometer did not move
    UNKNOWN = "unknown"  # no odometer: resend and flag a possible duplicate


def resolve_in_flight(before: int | None, now: int | None) -> InFlight:
    """Decide by the printer's odometer whether an in-flight job printed."""
    # Jobs of a printer go out one at a time, so the in-flight job is the last one sent:
    # any movement of the meter since it was recorded is that label.
    if before is None or now is None:
        return InFlight.UNKNOWN
    return InFlight.PRINTED if now > before else InFlight.NOT_PRINTED


@dataclass(frozen=True)
class PrinterAddress:
    """Where a printer is: a raw ZPL TCP port, or a CUPS queue."""

    scheme: str  # "tcp" | "cups"
    host: str = ""
    port: int = DEFAULT_TCP_PORT
    queue: str = ""

    @property
    def uri(self) -> str:
        """The canonical form stored and shown."""
        if self.scheme == "tcp":
            return f"tcp://{self.host}:{self.port}"
        return f"cups://{self.queue}"


def parse_uri(uri: str) -> PrinterAddress:
    """`tcp://HOST[:PORT]` or `cups://QUEUE`; PrinterSetupError on anything else."""
    text = uri.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise PrinterSetupError(f"bad printer address {uri!r}: {exc}") from None
    if parts.scheme == "tcp":
        if not parts.hostname or parts.path not in ("", "/") or parts.query:
            raise PrinterSetupError(f"expected tcp://HOST:PORT, got {uri!r}")
        return PrinterAddress("tcp", host=parts.hostname, port=port or DEFAULT_TCP_PORT)
    if parts.scheme == "cups":
        queue = (parts.netloc + parts.path).strip("/")
        if not re.fullmatch(r"[A-Za-z0-9_.-]{1,127}", queue):
            raise PrinterSetupError(f"expected cups://QUEUE, got {uri!r}")
        return PrinterAddress("cups", queue=queue)
    raise PrinterSetupError(f"printer address must be tcp://HOST:PORT or cups://QUEUE: {uri!r}")


def normalise_name(name: str) -> str:
    """Printer names are upper case letters, digits and dashes (they are printed in `PRN-…`)."""
    upper = name.strip().upper().removeprefix(PRINTER_CODE_PREFIX)
    if not NAME.fullmatch(upper):
        raise PrinterSetupError(
            f"printer name {name!r}: 1-30 letters A-Z, digits or dashes, e.g. ZEBRA-1"
        )
    return upper


def parse_label_size(text: str) -> tuple[int, int]:
    """`58x40` → (58, 40) millimetres (width x height)."""
    found = _SIZE.fullmatch(text.strip().lower())
    if not found:
        raise PrinterSetupError(f"label size {text!r}: WIDTHxHEIGHT in mm, e.g. 58x40")
    width, height = int(found.group(1)), int(found.group(2))
    if not (20 <= width <= 220 and 10 <= height <= 400):
        raise PrinterSetupError(f"label size {text!r} out of range")
    return width, height


def check_dpi(dpi: int) -> int:
    """A print head resolution we render for."""
    if dpi not in SUPPORTED_DPI:
        raise PrinterSetupError(f"dpi {dpi}: use one of {', '.join(map(str, SUPPORTED_DPI))}")
    return dpi


#: Printer states a job waits through (the floor page shows them); OK means it can print.
WAITING_STATES = frozenset(
    {"paper_out", "ribbon_out", "head_open", "paused", "not_ready", "offline"}
)
