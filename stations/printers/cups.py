"""Office printers through CUPS: PDF labels handed to `lp -d QUEUE`."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence

from stations.printers.base import PayloadLanguage, PrinterError, PrinterState, PrinterStatus


class CupsPrinter:
    """Prints PDF through `lp`; status from `lpstat -p` (CUPS gives no paper/head read-back)."""

    language: PayloadLanguage = "pdf"

    def __init__(
        self,
        queue: str,
        *,
        dpi: int = 300,
        command: Sequence[str] = ("lp",),
        status_command: Sequence[str] = ("lpstat",),
        timeout: float = 30.0,
    ) -> None:
        if not queue or queue.startswith("-"):
            raise ValueError(f"bad CUPS queue name: {queue!r}")
        self.queue = queue
        self.dpi = dpi
        self.command = tuple(command)
        self.status_command = tuple(status_command)
        self.timeout = timeout

    @property
    def description(self) -> str:
        """`cups:QUEUE`."""
        return f"cups:{self.queue}"

    def status(self) -> PrinterStatus:
        """OFFLINE without `lp`; PAUSED when `lpstat` says the queue is disabled."""
        if shutil.which(self.command[0]) is None:
            return PrinterStatus(PrinterState.OFFLINE, f"'{self.command[0]}' not found")
        if shutil.which(self.status_command[0]) is None:
            return PrinterStatus(PrinterState.OK, "queue state unknown (no lpstat)")
        try:
            done = subprocess.run(
                [*self.status_command, "-p", self.queue],
                capture_output=True, text=True, timeout=self.timeout, check=False,
            )  # fmt: skip
        except (OSError, subprocess.TimeoutExpired) as exc:
            return PrinterStatus(PrinterState.OFFLINE, f"lpstat: {exc}")
        if done.returncode != 0:
            return PrinterStatus(PrinterState.OFFLINE, (done.stderr or done.stdout).strip())
        if "disabled" in done.stdout:
            return PrinterStatus(PrinterState.PAUSED, done.stdout.strip())
        return PrinterStatus(PrinterState.OK, "ready")

    def print(self, payload: bytes) -> None:
        """Pipe the PDF into `lp -d QUEUE`."""
        try:
            done = subprocess.run(
                [*self.command, "-d", self.queue],
                input=payload, capture_output=True, timeout=self.timeout, check=False,
            )  # fmt: skip
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PrinterError(f"{self.description}: {exc}") from exc
        if done.returncode != 0:
            message = done.stderr.decode("utf-8", "replace").strip()
            raise PrinterError(f"{self.description}: lp exited {done.returncode}: {message}")
