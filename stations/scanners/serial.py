"""Serial / USB-CDC scanners through pyserial URLs, with framing and reconnect after unplug."""

from __future__ import annotations

import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import serial

from stations.scanners.base import (
    FrameAssembler,
    Reconnect,
    ReopeningReader,
    Scan,
    ScannerState,
    frames_to_scans,
)

log = logging.getLogger(__name__)

# Short pyserial read timeout: read() returns quickly so gap expiry and stop requests are timely.
PORT_READ_TIMEOUT = 0.05
_INT_OPTIONS = ("baudrate", "bytesize")
_BOOL_OPTIONS = ("rtscts", "xonxoff", "dsrdtr", "exclusive")

Opener = Callable[..., serial.SerialBase]


class SerialUrlError(ValueError):
    """A scanner or printer URL pyserial cannot open."""


def parse_serial_url(url: str) -> tuple[str, dict[str, Any]]:
    """`serial:///dev/ttyACM0?baudrate=9600` → (`/dev/ttyACM0`, {baudrate: 9600}); others as-is."""
    parts = urlsplit(url)
    if parts.scheme != "serial":
        # pyserial's own URL handlers (loop://, socket://host:port …) and plain device paths.
        return url, {}
    port = parts.path or parts.netloc  # serial:///dev/ttyUSB0 or serial://COM3
    if not port:
        raise SerialUrlError(f"no device in {url!r}")
    options: dict[str, Any] = {}
    for key, value in parse_qsl(parts.query, strict_parsing=False):
        options[key] = _option(key, value, url)
    return port, options


def _option(key: str, value: str, url: str) -> Any:
    if key in _INT_OPTIONS:
        if not value.isdigit():
            raise SerialUrlError(f"{url!r}: {key} must be a number")
        return int(value)
    if key in _BOOL_OPTIONS:
        return value.lower() in {"1", "true", "yes", "on"}
    if key == "parity" and value.upper() in {"N", "E", "O", "M", "S"}:
        return value.upper()
    if key == "stopbits" and value in {"1", "1.5", "2"}:
        return float(value) if value == "1.5" else int(value)
    raise SerialUrlError(f"{url!r}: unsupported option {key}={value}")


def open_serial(
    url: str, *, baudrate: int, timeout: float, opener: Opener | None = None
) -> serial.SerialBase:
    """Open any pyserial URL or path; options in a `serial://` URL win over `baudrate`."""
    port, options = parse_serial_url(url)
    options.setdefault("baudrate", baudrate)
    return (opener or serial.serial_for_url)(port, timeout=timeout, **options)


class SerialScanner(ReopeningReader):
    """Reads frames from a serial port; survives unplug by reopening with growing backoff."""

    def __init__(
        self,
        url: str,
        *,
        baudrate: int = 9600,
        max_frame_length: int = 512,
        frame_gap_seconds: float = 0.3,
        opener: Opener | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        parse_serial_url(url)  # refuse a bad URL now, not at the first reconnect
        self.url = url
        self._baudrate = baudrate
        self._opener = opener
        self._clock = clock
        self._frames = FrameAssembler(max_length=max_frame_length, gap_seconds=frame_gap_seconds)
        self._port: serial.SerialBase | None = None
        self._pending: deque[Scan] = deque()
        self._link = Reconnect(url)

    @property
    def description(self) -> str:
        """The URL the scanner was opened with."""
        return self.url

    def close(self) -> None:
        """Close the port; a later read() reopens it."""
        self._drop_port()
        self._link.state = ScannerState.CLOSED

    def _is_open(self) -> bool:
        return self._port is not None

    def _open(self, now: float) -> bool:
        try:
            self._port = open_serial(
                self.url, baudrate=self._baudrate, timeout=PORT_READ_TIMEOUT, opener=self._opener
            )
        except (serial.SerialException, OSError, ValueError) as exc:
            self._link.failed(now, f"cannot open: {exc}")
            return False
        self._link.succeeded()
        self._frames.reset()
        return True

    def _pump(self, wait: float) -> None:
        # The port's own read timeout paces the loop; `wait` is not needed here.
        assert self._port is not None
        try:
            chunk = self._port.read(self._port.in_waiting or 1)
        except (serial.SerialException, OSError) as exc:
            self._drop_port()
            self._link.failed(self._clock(), f"unplugged: {exc}")
            return
        frames = self._frames.feed(chunk, self._clock())
        self._pending.extend(frames_to_scans(frames, self.url))

    def _drop_port(self) -> None:
        if self._port is not None:
            # The device may already be gone; closing is best effort.
            with contextlib.suppress(serial.SerialException, OSError):
                self._port.close()
            self._port = None
