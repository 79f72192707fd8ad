"""Printers: raw TCP 9100 ZPL, serial ZPL, a directory of files, CUPS `lp` for PDF."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from stations.printers.base import Printer, PrinterError, PrinterState, PrinterStatus
from stations.printers.queue import PrintJob, PrintQueue
from stations.settings import PrinterSection

__all__ = [
    "PrintJob",
    "PrintQueue",
    "Printer",
    "PrinterError",
    "PrinterState",
    "PrinterStatus",
    "open_printer",
    "printer_missing",
]


def printer_missing(url: str) -> tuple[str, str] | None:
    """(message key, path) when a printer folder or device named by `url` is not there."""
    parts = urlsplit(url)
    if parts.scheme == "dir":
        folder = Path(parts.netloc + parts.path)
        if not folder.is_dir():
            return "printer_dir_missing", str(folder)
        if not os.access(folder, os.W_OK):
            return "printer_dir_unwritable", str(folder)
    elif parts.scheme == "serial":
        device = parts.path or parts.netloc
        # Only device files are checked; pyserial URLs (loop://, socket://…) have no path to see.
        if device.startswith("/") and not Path(device).exists():
            return "printer_device_missing", device
    return None


def open_printer(url: str, settings: PrinterSection | None = None) -> Printer:
    """Build the printer a PRINTER argument names: tcp://, serial://, dir:// or cups:QUEUE."""
    settings = settings or PrinterSection()
    dpi, timeout = settings.dpi, settings.status_timeout_seconds
    parts = urlsplit(url)
    if parts.scheme == "tcp":
        from stations.printers.tcp import DEFAULT_PORT, TcpZplPrinter

        if not parts.hostname:
            raise ValueError(f"no host in printer URL {url!r}")
        return TcpZplPrinter(parts.hostname, parts.port or DEFAULT_PORT, dpi=dpi, timeout=timeout)
    if parts.scheme == "serial":
        from stations.printers.serial import SerialZplPrinter

        return SerialZplPrinter(url, dpi=dpi, timeout=timeout)
    if parts.scheme == "dir":
        from stations.printers.directory import DirectoryPrinter

        fmt = parse_qs(parts.query).get("format", ["zpl"])[-1]
        if fmt not in ("zpl", "pdf"):
            raise ValueError(f"dir printer format must be zpl or pdf, not {fmt!r}")
        # dir:///abs/path and dir://relative/path (netloc is the first path segment then).
        path = parts.netloc + parts.path
        return DirectoryPrinter(path, language="pdf" if fmt == "pdf" else "zpl", dpi=dpi)
    if url.startswith("cups:"):
        from stations.printers.cups import CupsPrinter

        return CupsPrinter(url.removeprefix("cups:").lstrip("/"), dpi=dpi)
    raise ValueError(f"unknown printer URL {url!r} (tcp://, serial://, dir://, cups:QUEUE)")
