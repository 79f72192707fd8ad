"""Keyboard-wedge scanners: lines typed into the terminal (stdin) or raw key codes via evdev."""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import select
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from typing import IO, Any

from stations.scanners.base import (
    FrameAssembler,
    Reconnect,
    ReopeningReader,
    Scan,
    ScannerState,
    frames_to_scans,
)

log = logging.getLogger(__name__)

# Linux input key codes (linux/input-event-codes.h, a stable kernel ABI): unshifted, shifted.
# US positions, so the desktop's layout (ru/kk), Caps Lock and focus cannot corrupt a scan.
KEYMAP: dict[int, str] = {
    2: "1!", 3: "2@", 4: "3#", 5: "4$", 6: "5%", 7: "6^", 8: "7&", 9: "8*", 10: "9(", 11: "0)",
    12: "-_", 13: "=+", 16: "qQ", 17: "wW", 18: "eE", 19: "rR", 20: "tT", 21: "yY", 22: "uU",
    23: "iI", 24: "oO", 25: "pP", 26: "[{", 27: "]}", 30: "aA", 31: "sS", 32: "dD", 33: "fF",
    34: "gG", 35: "hH", 36: "jJ", 37: "kK", 38: "lL", 39: ";:", 40: "'\"", 41: "`~", 43: "\\|",
    44: "zZ", 45: "xX", 46: "cC", 47: "vV", 48: "bB", 49: "nN", 50: "mM", 51: ",<", 52: ".>",
    53: "/?", 57: "  ", 71: "77", 72: "88", 73: "99", 74: "--", 75: "44", 76: "55", 77: "66",
    78: "++", 79: "11", 80: "22", 81: "33", 82: "00", 83: "..", 55: "**", 98: "//",
}  # fmt: skip
KEY_ENTER, KEY_KPENTER = 28, 96
KEY_LEFTSHIFT, KEY_RIGHTSHIFT = 42, 54
KEY_LEFTCTRL, KEY_RIGHTCTRL = 29, 97
KEY_CAPSLOCK = 58
KEY_RIGHTBRACE = 27
EV_KEY = 1


class KeyDecoder:
    """Turns (key code, value) pairs into text; Enter becomes CR, Ctrl+] becomes GS (0x1D)."""

    def __init__(self) -> None:
        self.shift = False
        self.ctrl = False
        self.caps = False

    def feed(self, code: int, value: int) -> str:
        """Text produced by one key event (value: 1 down, 0 up, 2 autorepeat)."""
        if code in (KEY_LEFTSHIFT, KEY_RIGHTSHIFT):
            self.shift = value != 0
            return ""
        if code in (KEY_LEFTCTRL, KEY_RIGHTCTRL):
            self.ctrl = value != 0
            return ""
        if value != 1:
            return ""
        if code == KEY_CAPSLOCK:
            self.caps = not self.caps
            return ""
        if code in (KEY_ENTER, KEY_KPENTER):
            return "\r"
        if self.ctrl:
            return self._control(code)
        pair = KEYMAP.get(code)
        if pair is None:
            return ""
        shifted = self.shift != (self.caps and pair[0].isalpha())
        return pair[1] if shifted else pair[0]

    @staticmethod
    def _control(code: int) -> str:
        if code == KEY_RIGHTBRACE:
            return "\x1d"
        letter = KEYMAP.get(code, " ")[0]
        # Other Ctrl+letter combinations are control bytes; framing refuses frames holding them.
        return chr(ord(letter) - 96) if letter.isalpha() else ""


def decode_keys(events: Iterable[tuple[int, int]]) -> list[str]:
    """Decode (code, value) key events into the lines they type (pure; for tests and tools)."""
    decoder = KeyDecoder()
    lines: list[str] = []
    current: list[str] = []
    for code, value in events:
        text = decoder.feed(code, value)
        if text == "\r":
            lines.append("".join(current))
            current = []
        else:
            current.append(text)
    return lines


class EvdevScanner(ReopeningReader):
    """A HID wedge scanner read below the keyboard layout, grabbed so the desktop sees nothing."""

    def __init__(
        self,
        path: str,
        *,
        max_frame_length: int = 512,
        frame_gap_seconds: float = 0.3,
        grab: bool = True,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.path = path
        self._grab = grab
        self._clock = clock
        self._frames = FrameAssembler(max_length=max_frame_length, gap_seconds=frame_gap_seconds)
        self._decoder = KeyDecoder()
        self._link = Reconnect(f"evdev:{path}")
        self._device: Any = None
        self._pending: deque[Scan] = deque()

    @property
    def description(self) -> str:
        """The input device path."""
        return f"evdev:{self.path}"

    def close(self) -> None:
        """Release the grab and the device."""
        self._drop()
        self._link.state = ScannerState.CLOSED

    def _is_open(self) -> bool:
        return self._device is not None

    def _open(self, now: float) -> bool:
        try:
            import evdev  # Linux only; imported here so other platforms can use the other readers

            device = evdev.InputDevice(self.path)
            if self._grab:
                device.grab()
        except OSError as exc:
            self._link.failed(now, f"cannot open: {exc}")
            return False
        self._device = device
        self._decoder = KeyDecoder()
        self._frames.reset()
        self._link.succeeded()
        return True

    def _pump(self, wait: float) -> None:
        try:
            ready, _, _ = select.select([self._device.fd], [], [], wait)
            events = list(self._device.read()) if ready else []
        except BlockingIOError:
            events = []
        except OSError as exc:
            self._drop()
            self._link.failed(self._clock(), f"unplugged: {exc}")
            return
        text = "".join(self._decoder.feed(e.code, e.value) for e in events if e.type == EV_KEY)
        frames = self._frames.feed(text.encode("utf-8"), self._clock())
        self._pending.extend(frames_to_scans(frames, self.description))

    def _drop(self) -> None:
        if self._device is not None:
            with contextlib.suppress(OSError):
                if self._grab:
                    self._device.ungrab()
            with contextlib.suppress(OSError):
                self._device.close()
            self._device = None


class StdinScanner:
    """A wedge scanner typing into the terminal: one line per scan (echo off on a TTY)."""

    def __init__(self, stream: IO[bytes] | None = None, *, max_frame_length: int = 512) -> None:
        import sys

        self._stream = stream if stream is not None else sys.stdin.buffer
        self._frames = FrameAssembler(max_length=max_frame_length, gap_seconds=3600.0)
        self._lines: queue.Queue[bytes | None] = queue.Queue()
        self._state = ScannerState.OK
        self._restore_tty = _echo_off(self._stream)
        threading.Thread(target=self._pump, name="stdin-scanner", daemon=True).start()

    @property
    def state(self) -> ScannerState:
        """OK until the input ends."""
        return self._state

    @property
    def description(self) -> str:
        """Always `stdin`."""
        return "stdin"

    def read(self, timeout: float) -> Scan | None:
        """Next typed line as a scan, or None after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self._lines.get(timeout=left)
            except queue.Empty:
                return None
            if line is None:
                self._state = ScannerState.CLOSED
                return None
            scans = frames_to_scans(self._frames.feed(line, time.monotonic()), "stdin")
            if scans:
                return scans[0]
        return None

    def close(self) -> None:
        """Give the terminal its echo back."""
        self._restore_tty()

    def _pump(self) -> None:
        # A blocking readline in its own thread: read() must honour its timeout.
        for line in iter(self._stream.readline, b""):
            self._lines.put(line)
        self._lines.put(None)


def _echo_off(stream: IO[bytes]) -> Callable[[], None]:
    """Stop the terminal echoing scans over the UI; return the function that undoes it."""
    try:
        import termios

        fd = stream.fileno()
        if not os.isatty(fd):
            return lambda: None
        saved = termios.tcgetattr(fd)
        quiet = termios.tcgetattr(fd)
        quiet[3] &= ~termios.ECHO
        termios.tcsetattr(fd, termios.TCSADRAIN, quiet)
    except (ImportError, OSError, ValueError):
        return lambda: None
    return lambda: termios.tcsetattr(fd, termios.TCSADRAIN, saved)
