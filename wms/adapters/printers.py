"""Talking to a printer from the server: raw ZPL on TCP 9100 (`~HS`, `~HQOD`), or CUPS `lp`.

Connections stay short: a printer's raw port serves one client at a time, and a station may be
printing on it too. The bytes are built in `labels.zebra`, shared with `wms-station`.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import time
from collections.abc import Callable
from typing import Protocol

from labels.zebra import (
    HOST_STATUS_QUERY,
    ODOMETER_QUERY,
    PrinterState,
    PrinterStatus,
    hs_complete,
    odometer_complete,
    parse_host_status,
    parse_odometer,
)
from wms.domain.printing import parse_uri


class SendFailed(Exception):
    """The job did not reach the printer (connection refused or lost, `lp` failed)."""


class PrinterLink(Protocol):
    """One printer as the print service sees it."""

    def status(self) -> PrinterStatus:
        """Whether a job sent now would print; never raises."""
        ...

    def odometer(self) -> int | None:
        """The printer's non-resettable print meter, or None where it does not say."""
        ...

    def send(self, payload: bytes) -> None:
        """Hand one job to the printer; SendFailed if it did not go out."""
        ...


class TcpLink:
    """A Zebra-compatible printer's raw port."""

    def __init__(self, host: str, port: int, *, timeout: float = 2.0) -> None:
        self.host, self.port, self.timeout = host, port, timeout

    def status(self) -> PrinterStatus:
        """`~HS`; silence within the timeout means not ready (Zebra is mute while media is out)."""
        try:
            answer = self._ask(HOST_STATUS_QUERY, hs_complete)
        except OSError as exc:
            return PrinterStatus(PrinterState.OFFLINE, f"cannot connect: {exc}")
        if not hs_complete(answer):
            return PrinterStatus(PrinterState.NOT_READY, f"no answer to ~HS in {self.timeout:g} s")
        try:
            return parse_host_status(answer)
        except ValueError as exc:
            return PrinterStatus(PrinterState.NOT_READY, str(exc))

    def odometer(self) -> int | None:
        """`~HQOD`; None when the printer does not answer it (older firmware, other makes)."""
        try:
            return parse_odometer(self._ask(ODOMETER_QUERY, odometer_complete))
        except OSError:
            return None

    def send(self, payload: bytes) -> None:
        """Send one job, then wait (up to the timeout) for the printer to close its end."""
        try:
            with socket.create_connection((self.host, self.port), timeout=self.timeout) as conn:
                conn.sendall(payload)
                conn.shutdown(socket.SHUT_WR)
                # The printer closes once it has read the whole job; a printer that keeps the
                # port open (or resets it) costs at most one timeout: the job was handed over.
                with contextlib.suppress(OSError):
                    while conn.recv(1024):
                        pass
        except OSError as exc:
            raise SendFailed(f"tcp://{self.host}:{self.port}: {exc}") from exc

    def _ask(self, query: bytes, complete: Callable[[bytes], bool]) -> bytes:
        with socket.create_connection((self.host, self.port), timeout=self.timeout) as conn:
            conn.sendall(query)
            answer = b""
            deadline = time.monotonic() + self.timeout
            while not complete(answer):
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                conn.settimeout(left)
                try:
                    chunk = conn.recv(1024)
                except TimeoutError:
                    break
                if not chunk:
                    break
                answer += chunk
            return answer


class CupsLink:
    """A CUPS queue: PDF through `lp`; no paper or head read-back, no odometer."""

    def __init__(self, queue: str, *, timeout: float = 30.0) -> None:
        self.queue, self.timeout = queue, timeout

    def status(self) -> PrinterStatus:
        """PAUSED when `lpstat` says the queue is disabled; OFFLINE without CUPS tools."""
        if shutil.which("lp") is None:
            return PrinterStatus(PrinterState.OFFLINE, "'lp' not found")
        try:
            done = subprocess.run(  # noqa: S603 - fixed argv, queue name validated
                ["lpstat", "-p", self.queue],  # noqa: S607
                capture_output=True, text=True, timeout=self.timeout, check=False,
            )  # fmt: skip
        except (OSError, subprocess.TimeoutExpired) as exc:
            return PrinterStatus(PrinterState.OFFLINE, f"lpstat: {exc}")
        if done.returncode != 0:
            return PrinterStatus(PrinterState.OFFLINE, (done.stderr or done.stdout).strip()[:200])
        if "disabled" in done.stdout:
            return PrinterStatus(PrinterState.PAUSED, done.stdout.strip()[:200])
        return PrinterStatus(PrinterState.OK, "ready")

    def odometer(self) -> int | None:
        """CUPS does not say."""
        return None

    def send(self, payload: bytes) -> None:
        """Pipe the job into `lp -d QUEUE`."""
        try:
            done = subprocess.run(  # noqa: S603
                ["lp", "-d", self.queue],  # noqa: S607
                input=payload, capture_output=True, timeout=self.timeout, check=False,
            )  # fmt: skip
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise SendFailed(f"cups://{self.queue}: {exc}") from exc
        if done.returncode != 0:
            message = done.stderr.decode("utf-8", "replace").strip()[:200]
            raise SendFailed(f"cups://{self.queue}: lp exited {done.returncode}: {message}")


def link_for(uri: str, *, timeout: float = 2.0) -> PrinterLink:
    """The link for a registered printer's address."""
    address = parse_uri(uri)
    if address.scheme == "tcp":
        return TcpLink(address.host, address.port, timeout=timeout)
    return CupsLink(address.queue)
