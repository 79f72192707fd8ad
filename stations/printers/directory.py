"""A directory as a printer: one file per label, written atomically (for print servers, tests)."""

from __future__ import annotations

import itertools
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from stations.printers.base import PayloadLanguage, PrinterError, PrinterState, PrinterStatus


class DirectoryPrinter:
    """Writes `label-<time>-<n>.zpl|.pdf`; a reader never sees a half-written file."""

    def __init__(self, path: str | Path, *, language: PayloadLanguage = "zpl", dpi: int = 203):
        self.path = Path(path)
        self.language: PayloadLanguage = language
        self.dpi = dpi
        self._counter = itertools.count(1)

    @property
    def description(self) -> str:
        """`dir://<path>`."""
        return f"dir://{self.path}"

    def status(self) -> PrinterStatus:
        """OK when the directory exists and is writable."""
        if not self.path.is_dir():
            return PrinterStatus(PrinterState.OFFLINE, f"{self.path} is not a directory")
        if not os.access(self.path, os.W_OK):
            return PrinterStatus(PrinterState.OFFLINE, f"{self.path} is not writable")
        return PrinterStatus(PrinterState.OK, "ready")

    def print(self, payload: bytes) -> None:
        """Write to a hidden temporary file, fsync, then rename into place."""
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        final = self.path / f"label-{stamp}-{os.getpid()}-{next(self._counter):04d}.{self.language}"
        try:
            fd, tmp = tempfile.mkstemp(dir=self.path, prefix=".label-", suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as out:
                    out.write(payload)
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(tmp, final)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise PrinterError(f"{self.description}: {exc}") from exc
