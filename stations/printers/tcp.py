"""Zebra-style network printers: raw ZPL on TCP 9100 with a `~HS` status read before each job."""

from __future__ import annotations

import socket
import time

from stations.printers.base import (
    HOST_STATUS_QUERY,
    PayloadLanguage,
    PrinterError,
    PrinterState,
    PrinterStatus,
    hs_complete,
    parse_host_status,
)

DEFAULT_PORT = 9100


class TcpZplPrinter:
    """Raw TCP printer; connections stay short because the raw port serves one client at a time."""

    language: PayloadLanguage = "zpl"

    def __init__(
        self, host: str, port: int = DEFAULT_PORT, *, dpi: int = 203, timeout: float = 2.0
    ) -> None:
        self.host = host
        self.port = port
        self.dpi = dpi
        self.timeout = timeout

    @property
    def description(self) -> str:
        """`tcp://host:port`."""
        return f"tcp://{self.host}:{self.port}"

    def status(self) -> PrinterStatus:
        """Send `~HS` and parse the answer; silence within the timeout means not ready."""
        try:
            conn = socket.create_connection((self.host, self.port), timeout=self.timeout)
        except OSError as exc:
            return PrinterStatus(PrinterState.OFFLINE, f"cannot connect: {exc}")
        with conn:
            try:
                conn.sendall(HOST_STATUS_QUERY)
                answer = _read_answer(conn, self.timeout)
            except OSError as exc:
                return PrinterStatus(PrinterState.OFFLINE, f"connection lost: {exc}")
        if not hs_complete(answer):
            # Zebra printers do not answer ~HS while media is out, the head is open, etc.
            return PrinterStatus(PrinterState.NOT_READY, f"no answer to ~HS in {self.timeout:g} s")
        try:
            return parse_host_status(answer)
        except ValueError as exc:
            return PrinterStatus(PrinterState.NOT_READY, str(exc))

    def print(self, payload: bytes) -> None:
        """Send one job and close."""
        try:
            with socket.create_connection((self.host, self.port), timeout=self.timeout) as conn:
                conn.sendall(payload)
                conn.shutdown(socket.SHUT_WR)
        except OSError as exc:
            raise PrinterError(f"{self.description}: {exc}") from exc


def _read_answer(conn: socket.socket, timeout: float) -> bytes:
    answer = b""
    deadline = time.monotonic() + timeout
    while not hs_complete(answer):
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
