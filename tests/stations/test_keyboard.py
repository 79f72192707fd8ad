"""Keyboard-wedge readers: the evdev key decoder, the stdin reader, a uinput smoke test."""

from __future__ import annotations

import os
import time

import evdev.ecodes as e
import pytest

from stations.scanners.base import ScannerState
from stations.scanners.keyboard import KEYMAP, EvdevScanner, StdinScanner, decode_keys
from tests.support import need


def press(code: int) -> list[tuple[int, int]]:
    return [(code, 1), (code, 0)]


def typed(text: str) -> list[tuple[int, int]]:
    """Key events a US-layout scanner sends for `text` (+ Enter)."""
    by_char = {}
    for code, pair in KEYMAP.items():
        for shifted, char in enumerate(pair):
            by_char.setdefault(char, (code, bool(shifted)))
    events: list[tuple[int, int]] = []
    for char in text:
        if char == "\x1d":
            events += [(e.KEY_LEFTCTRL, 1), *press(e.KEY_RIGHTBRACE), (e.KEY_LEFTCTRL, 0)]
            continue
        code, shifted = by_char[char]
        events += [(e.KEY_LEFTSHIFT, 1)] if shifted else []
        events += press(code)
        events += [(e.KEY_LEFTSHIFT, 0)] if shifted else []
    return events + press(e.KEY_ENTER)


def test_keymap_matches_the_kernel_key_codes() -> None:
    assert KEYMAP[e.KEY_1] == "1!"
    assert KEYMAP[e.KEY_L] == "lL"
    assert KEYMAP[e.KEY_SLASH] == "/?"
    assert KEYMAP[e.KEY_KP7] == "77"
    assert KEYMAP[e.KEY_RIGHTBRACE] == "]}"


def test_decode_shift_ctrl_gs_and_enter() -> None:
    events = [(e.KEY_LEFTSHIFT, 1), *press(e.KEY_L), (e.KEY_LEFTSHIFT, 0), *press(e.KEY_1)]
    events += [(e.KEY_LEFTCTRL, 1), *press(e.KEY_RIGHTBRACE), (e.KEY_LEFTCTRL, 0), *press(e.KEY_A)]
    events += press(e.KEY_ENTER)
    assert decode_keys(events) == ["L1\x1da"]


def test_decode_round_trips_real_codes_independent_of_any_layout() -> None:
    codes = ["LPN0000000123", "CMD:GRADE-RESELLABLE", "010469025752852321k3LInNb_oG0Q\x1d91EE06"]
    events = [ev for code in codes for ev in typed(code)]
    assert decode_keys(events) == codes


def test_caps_lock_does_not_invert_digits_and_autorepeat_is_ignored() -> None:
    events = press(e.KEY_CAPSLOCK) + press(e.KEY_L) + press(e.KEY_1) + [(e.KEY_2, 2)]
    events += [(e.KEY_LEFTSHIFT, 1), *press(e.KEY_P), (e.KEY_LEFTSHIFT, 0), *press(e.KEY_KPENTER)]
    assert decode_keys(events) == ["L1p"]


def test_stdin_reader_gives_one_scan_per_line_and_keeps_gs() -> None:
    read_end, write_end = os.pipe()
    scanner = StdinScanner(os.fdopen(read_end, "rb", buffering=0))
    os.write(write_end, b"LPN0000000001\r\n]d2010469025752852321abc\x1d91EE06\n")
    first, second = scanner.read(2.0), scanner.read(2.0)
    assert first is not None
    assert first.code == "LPN0000000001"
    assert first.symbology is None
    assert second is not None
    assert second.code == "010469025752852321abc\x1d91EE06"
    assert second.symbology == "]d2"
    assert scanner.read(0.1) is None
    os.close(write_end)
    assert scanner.read(1.0) is None
    assert scanner.state is ScannerState.CLOSED
    scanner.close()


def test_evdev_reader_on_a_virtual_keyboard() -> None:
    # A writable /dev/uinput needs a privileged machine; containers (and so CI) rarely have one.
    # The key decoding is covered above without it; WMS_TEST_UINPUT=1 makes this smoke test a
    # requirement on machines that can run it.
    usable = os.path.exists("/dev/uinput") and os.access("/dev/uinput", os.W_OK)
    if not usable and not os.environ.get("WMS_TEST_UINPUT"):
        pytest.skip("/dev/uinput not writable here (set WMS_TEST_UINPUT=1 to require it)")
    need(usable, "/dev/uinput")
    from evdev import UInput

    with UInput({e.EV_KEY: list(KEYMAP) + [e.KEY_ENTER, e.KEY_LEFTSHIFT, e.KEY_LEFTCTRL]}) as ui:
        time.sleep(0.3)  # udev creates the node
        scanner = EvdevScanner(ui.device.path)
        assert scanner.read(0.5) is None
        assert scanner.state is ScannerState.OK
        for code, value in typed("LPN0000000077"):
            ui.write(e.EV_KEY, code, value)
            ui.syn()
        scan = scanner.read(2.0)
        scanner.close()
    assert scan is not None
    assert scan.code == "LPN0000000077"
