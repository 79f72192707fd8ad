"""ZPL printers on a serial port (or USB-serial adapter), through pyserial URLs."""

from __future__ import annotations

import contextlib
import time
from urllib.parse import parse_qsl, urlencode, urlsplit

import serial

from stations.printers.base import (
    HOST_STATUS_QUERY,
    PayloadLanguage,
    PrinterError,
    PrinterState,
    PrinterStatus,
    hs_complete,
    parse_host_status,
)
from stations.scanners.serial import Opener, open_serial


class SerialZplPrinter:
    """ZPL over serial; `?status=off` in the URL for cables that cannot carry `~HS` answers."""

    language: PayloadLanguage = "zpl"

    def __init__(
        self,
        url: str,
        *,
        dpi: int = 203,
        timeout: float = 2.0,
        baudrate: int = 9600,
        opener: Opener | None = None,
    ) -> None:
        self.url, self.query_status = _split_status_option(url)
        self.dpi = dpi
        self.timeout = timeout
        self._baudrate = baudrate
        self._opener = opener
        self._port: serial.SerialBase | None = None

    @property
    def description(self) -> str:
        """The pyserial URL."""
        return self.url

    def status(self) -> PrinterStatus:
        """Ask `~HS` over the line; no answer in time means not ready."""
        try:
            port = self._open()
            if not self.query_status:
                return PrinterStatus(PrinterState.OK, "status not queried (status=off)")
            port.reset_input_buffer()
            port.write(HOST_STATUS_QUERY)
            port.flush()
            answer = _read_answer(port, self.timeout)
        except (serial.SerialException, OSError, ValueError) as exc:
            self._close()
            return PrinterStatus(PrinterState.OFFLINE, f"{self.url}: {exc}")
        if not hs_complete(answer):
            return PrinterStatus(PrinterState.NOT_READY, f"no answer to ~HS in {self.timeout:g} s")
        try:
            return parse_host_status(answer)
        except ValueError as exc:
            return PrinterStatus(PrinterState.NOT_READY, str(exc))

    def print(self, payload: bytes) -> None:
        """Write one job to the port."""
        try:
            port = self._open()
            port.write(payload)
            port.flush()
        except (serial.SerialException, OSError, ValueError) as exc:
            self._close()
            raise PrinterError(f"{self.url}: {exc}") from exc

    def close(self) -> None:
        """Release the port."""
        self._close()

    def _open(self) -> serial.SerialBase:
        if self._port is None:
            self._port = open_serial(
                self.url, baudrate=self._baudrate, timeout=0.1, opener=self._opener
            )
        return self._port

    def _close(self) -> None:
        if self._port is not None:
            with contextlib.suppress(serial.SerialException, OSError):
                self._port.close()
            self._port = None


def _split_status_option(url: str) -> tuple[str, bool]:
    parts = urlsplit(url)
    if parts.scheme != "serial":
        return url, True
    query = parse_qsl(parts.query)
    status = [v for k, v in query if k == "status"]
    rest = urlencode([(k, v) for k, v in query if k != "status"])
    query_status = not status or status[-1].lower() not in {"off", "0", "false", "no"}
    base = url.partition("?")[0]
    return (f"{base}?{rest}" if rest else base), query_status


def _read_answer(port: serial.SerialBase, timeout: float) -> bytes:
    answer = b""
    deadline = time.monotonic() + timeout
    while not hs_complete(answer) and time.monotonic() < deadline:
        answer += port.read(port.in_waiting or 1)
    return answer
