"""Scanner readers: serial/USB-CDC (pyserial URLs), stdin wedge, evdev wedge."""

from __future__ import annotations

from stations.scanners.base import Deduper, Scan, Scanner, ScannerState
from stations.settings import ScannerSection

__all__ = ["Deduper", "Scan", "Scanner", "ScannerState", "open_scanner"]


def open_scanner(url: str, settings: ScannerSection | None = None) -> Scanner:
    """Build the reader a SCANNER argument names: `stdin`, `evdev:/dev/input/…` or a serial URL."""
    settings = settings or ScannerSection()
    gap = settings.frame_gap_ms / 1000
    if url == "stdin":
        from stations.scanners.keyboard import StdinScanner

        return StdinScanner(max_frame_length=settings.max_frame_length)
    if url.startswith("evdev:"):
        from stations.scanners.keyboard import EvdevScanner

        return EvdevScanner(
            url.removeprefix("evdev:"),
            max_frame_length=settings.max_frame_length,
            frame_gap_seconds=gap,
        )
    from stations.scanners.serial import SerialScanner

    return SerialScanner(
        url,
        baudrate=settings.baudrate,
        max_frame_length=settings.max_frame_length,
        frame_gap_seconds=gap,
    )
