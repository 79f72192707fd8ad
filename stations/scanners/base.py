"""Scanner building blocks: the Scan value, the reader Protocol, byte framing and dedupe."""

from __future__ import annotations

import logging
import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Protocol

from stations.codes import is_unique_code, split_aim

log = logging.getLogger(__name__)

# CR, LF or CRLF end a frame; a CRLF split across two reads leaves an empty frame, which is ignored.
_TERMINATOR = re.compile(rb"[\r\n]")
_GS = 0x1D


class ScannerState(StrEnum):
    """What the UI and the heartbeat report about the scanner."""

    OK = "ok"
    CONNECTING = "connecting"
    DISCONNECTED = "disconnected"
    CLOSED = "closed"


@dataclass(frozen=True)
class Scan:
    """One accepted scan: data without AIM prefix and terminator, GS (0x1D) kept byte-exact."""

    code: str
    symbology: str | None
    raw: bytes
    scanned_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    # Set when the frame was refused but the operator must be told (too long): never sent.
    problem: str | None = None


class Scanner(Protocol):
    """A source of scans; `read` waits at most `timeout` seconds and never raises on unplug."""

    @property
    def state(self) -> ScannerState:
        """Current connection state."""
        ...

    @property
    def description(self) -> str:
        """Where the scans come from, for logs and the UI."""
        ...

    def read(self, timeout: float) -> Scan | None:
        """The next scan, or None when nothing arrived within `timeout` seconds."""
        ...

    def close(self) -> None:
        """Release the device."""
        ...


@dataclass(frozen=True)
class Frame:
    """Bytes between two terminators; `problem` says why the frame is refused (None = good)."""

    raw: bytes
    problem: str | None = None
    too_long: bool = False


class FrameAssembler:
    """Turns a byte stream into frames: terminator-delimited, size-capped, stale parts dropped."""

    def __init__(self, *, max_length: int = 512, gap_seconds: float = 0.3) -> None:
        self.max_length = max_length
        self.gap_seconds = gap_seconds
        self._buf = bytearray()
        self._last = 0.0
        # After an oversize frame everything up to the next terminator belongs to it.
        self._discarding = False

    def feed(self, chunk: bytes, now: float) -> list[Frame]:
        """Add bytes read at `now` (monotonic seconds); return the frames they complete."""
        out: list[Frame] = []
        if (stale := self.expire(now)) is not None:
            out.append(stale)
        if not chunk:
            return out
        self._last = now
        pos = 0
        while True:
            match = _TERMINATOR.search(chunk, pos)
            end = match.start() if match else len(chunk)
            if (oversize := self._append(chunk[pos:end])) is not None:
                out.append(oversize)
            if match is None:
                return out
            if (frame := self._finish()) is not None:
                out.append(frame)
            pos = match.end()

    def expire(self, now: float) -> Frame | None:
        """Drop an unterminated frame older than the gap; return it (refused) if there was one."""
        if not (self._buf or self._discarding) or now - self._last <= self.gap_seconds:
            return None
        raw = bytes(self._buf)
        self.reset()
        return Frame(raw, "partial frame dropped after a gap") if raw else None

    def reset(self) -> None:
        """Forget any partial frame (after a reconnect)."""
        self._buf.clear()
        self._discarding = False

    def _append(self, part: bytes) -> Frame | None:
        if self._discarding or not part:
            return None
        self._buf += part
        if len(self._buf) <= self.max_length:
            return None
        raw = bytes(self._buf[: self.max_length])
        self._buf.clear()
        self._discarding = True
        return Frame(raw, f"frame longer than {self.max_length} bytes", too_long=True)

    def _finish(self) -> Frame | None:
        if self._discarding:
            self._discarding = False
            return None
        if not self._buf:
            return None
        raw = bytes(self._buf)
        self._buf.clear()
        bad = next((b for b in raw if (b < 0x20 and b != _GS) or b == 0x7F), None)
        if bad is not None:
            return Frame(raw, f"control character 0x{bad:02X} in frame")
        return Frame(raw)


def decode_frame(raw: bytes, scanned_at: datetime | None = None) -> Scan | None:
    """Make a Scan of a good frame: UTF-8 if valid, else Latin-1 (lossless); AIM prefix split."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    symbology, code = split_aim(text)
    if not code:
        return None
    return Scan(code, symbology, raw, scanned_at or datetime.now(UTC))


def frames_to_scans(frames: list[Frame], source: str) -> list[Scan]:
    """Log refused frames and decode the good ones; a too-long one comes as a refused Scan."""
    scans = []
    for frame in frames:
        if frame.problem is not None:
            log.warning("%s: refused %s: %r", source, frame.problem, frame.raw[:64])
            if frame.too_long:  # the operator must hear it: the scan did not count
                head = frame.raw[:32].decode("utf-8", "replace")
                scans.append(Scan(head, None, frame.raw, problem=frame.problem))
        elif (scan := decode_frame(frame.raw)) is not None:
            scans.append(scan)
    return scans


class Reconnect:
    """Backoff bookkeeping for a device that may vanish: 0.5 s, 1 s, 2 s … capped at 5 s."""

    START = 0.5
    MAX = 5.0

    def __init__(self, name: str) -> None:
        self.name = name
        self.state = ScannerState.CONNECTING
        self._delay = self.START
        self.next_attempt = 0.0

    def failed(self, now: float, why: str) -> None:
        """Record a failed open or a read error; the next attempt waits longer."""
        if self.state is not ScannerState.DISCONNECTED:
            log.warning(
                "scanner %s %s; retrying with backoff up to %.0f s", self.name, why, self.MAX
            )
        self.state = ScannerState.DISCONNECTED
        self.next_attempt = now + self._delay
        self._delay = min(self._delay * 2, self.MAX)

    def succeeded(self) -> None:
        """Record a successful open."""
        if self.state is not ScannerState.OK:
            log.info("scanner %s connected", self.name)
        self.state = ScannerState.OK
        self._delay = self.START


class ReopeningReader:
    """The read loop of a scanner that may vanish: wait for a scan, reopen with backoff."""

    _link: Reconnect
    _pending: deque[Scan]
    _clock: Callable[[], float]

    @property
    def state(self) -> ScannerState:
        """Current connection state."""
        return self._link.state

    def read(self, timeout: float) -> Scan | None:
        """Next scan within `timeout` seconds; unplug and reconnect happen inside."""
        deadline = self._clock() + timeout
        while not self._pending:
            now = self._clock()
            if now >= deadline:
                break
            if not self._is_open():
                if now < self._link.next_attempt:
                    time.sleep(max(0.0, min(self._link.next_attempt, deadline) - now))
                    continue
                if not self._open(now):
                    continue
            self._pump(min(0.05, max(0.0, deadline - now)))
        return self._pending.popleft() if self._pending else None

    def _is_open(self) -> bool:
        raise NotImplementedError

    def _open(self, now: float) -> bool:
        """Open the device; on failure record it with `self._link.failed` and return False."""
        raise NotImplementedError

    def _pump(self, wait: float) -> None:
        """Read what the device has (waiting at most `wait` s) into `self._pending`."""
        raise NotImplementedError


class Deduper:
    """Drops a repeat of the previous scan within a window when it is a unique code.

    Unique codes are LPN, OP-, BIN-, CMD: and marking codes. Only back-to-back reads count as a
    double read: `CMD:REPACKED, LPN…, CMD:REPACKED` are three deliberate scans however fast.
    """

    def __init__(self, window_seconds: float) -> None:
        self.window = window_seconds
        self._last: tuple[str, float] | None = None

    def is_duplicate(self, code: str, now: float) -> bool:
        """Whether this scan repeats the previous one too soon; EAN/GTIN repeats never are."""
        previous, self._last = self._last, (code, now)
        if self.window <= 0 or not is_unique_code(code) or previous is None:
            return False
        # Measured from the latest read, so a scanner left in continuous mode stays quiet.
        return previous[0] == code and now - previous[1] < self.window
