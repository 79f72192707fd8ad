"""Printer building blocks: the Protocol; status values and the `~HS` parser are in labels."""

from __future__ import annotations

from typing import Literal, Protocol

from labels.zebra import (
    HOST_STATUS_QUERY,
    PrinterState,
    PrinterStatus,
    hs_complete,
    parse_host_status,
)

__all__ = [
    "HOST_STATUS_QUERY",
    "PayloadLanguage",
    "Printer",
    "PrinterError",
    "PrinterState",
    "PrinterStatus",
    "hs_complete",
    "parse_host_status",
]

PayloadLanguage = Literal["zpl", "pdf"]


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
