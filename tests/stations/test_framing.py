"""Byte framing, AIM identifiers and dedupe rules (pure, no devices)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from stations.codes import is_product_code, is_unique_code, split_aim
from stations.scanners.base import Deduper, FrameAssembler, decode_frame

MARKING = b"]d2" + b"0104690257528523" + b"21k3LInNbH_oG0Q" + b"\x1d91EE06\x1d92YXiyDk="


def good(frames: list) -> list[bytes]:
    return [f.raw for f in frames if f.problem is None]


def test_cr_lf_and_crlf_all_end_a_frame() -> None:
    frames = FrameAssembler().feed(b"A1\rB2\nC3\r\nD4\r\n", now=1.0)
    assert good(frames) == [b"A1", b"B2", b"C3", b"D4"]


@given(st.lists(st.integers(min_value=0, max_value=200), max_size=12))
def test_any_split_of_the_stream_gives_the_same_frames(cuts: list[int]) -> None:
    stream = b"4601234567893\r\n" + MARKING + b"\r" + b"LPN0000000123\n" + b"CMD:CLOSE\r\n"
    points = sorted({min(c, len(stream)) for c in cuts} | {0, len(stream)})
    assembler = FrameAssembler()
    out = []
    for a, b in zip(points, points[1:], strict=False):
        out += assembler.feed(stream[a:b], now=1.0)
    assert good(out) == [b"4601234567893", MARKING, b"LPN0000000123", b"CMD:CLOSE"]


def test_group_separator_survives_byte_exact() -> None:
    [frame] = FrameAssembler().feed(MARKING + b"\r\n", now=0.0)
    scan = decode_frame(frame.raw)
    assert scan is not None
    assert scan.symbology == "]d2"
    assert scan.code == MARKING[3:].decode()
    assert scan.code.count("\x1d") == 2
    assert scan.raw == MARKING


def test_frames_with_other_control_characters_are_refused() -> None:
    frames = FrameAssembler().feed(b"AB\x07CD\r\nGOOD\r\n", now=0.0)
    assert frames[0].problem is not None
    assert "0x07" in frames[0].problem
    assert good(frames) == [b"GOOD"]


def test_oversize_frame_is_refused_including_its_tail() -> None:
    assembler = FrameAssembler(max_length=16)
    out = assembler.feed(b"X" * 10, now=0.0)
    out += assembler.feed(b"Y" * 10, now=0.01)
    out += assembler.feed(b"ZZZ\r\nNEXT\r\n", now=0.02)
    assert [f.problem is not None for f in out] == [True, False]
    assert good(out) == [b"NEXT"]


def test_partial_frame_is_dropped_after_the_gap() -> None:
    assembler = FrameAssembler(gap_seconds=0.3)
    assert assembler.feed(b"46012345", now=0.0) == []
    dropped = assembler.expire(now=0.5)
    assert dropped is not None
    assert dropped.raw == b"46012345"
    assert dropped.problem
    assert good(assembler.feed(b"LPN0000000001\r", now=0.6)) == [b"LPN0000000001"]


def test_a_slow_but_steady_frame_is_kept() -> None:
    assembler = FrameAssembler(gap_seconds=0.3)
    out = []
    for i, byte in enumerate(b"1234\r"):
        out += assembler.feed(bytes([byte]), now=i * 0.2)
    assert good(out) == [b"1234"]


def test_gap_detected_at_the_next_read_drops_the_stale_part() -> None:
    assembler = FrameAssembler(gap_seconds=0.3)
    assembler.feed(b"STALE", now=0.0)
    out = assembler.feed(b"FRESH\r", now=1.0)
    assert [f.raw for f in out] == [b"STALE", b"FRESH"]
    assert out[0].problem
    assert out[1].problem is None


def test_aim_prefix_is_split_only_when_present() -> None:
    assert split_aim("]C0LPN0000000001") == ("]C0", "LPN0000000001")
    assert split_aim("]E04601234567893") == ("]E0", "4601234567893")
    assert split_aim("4601234567893") == (None, "4601234567893")
    assert split_aim("]") == (None, "]")


def test_non_utf8_bytes_decode_losslessly() -> None:
    scan = decode_frame(b"AB\xffCD")
    assert scan is not None
    assert scan.code.encode("latin-1") == b"AB\xffCD"
    cyr = decode_frame("]Q1Қайтару".encode())
    assert cyr is not None
    assert cyr.code == "Қайтару"
    assert cyr.symbology == "]Q1"


def test_unique_codes_and_product_codes() -> None:
    marking = MARKING[3:].decode()
    for code in ("LPN0000000001", "OP-0042", "BIN-A-01", "CMD:CLOSE", marking):
        assert is_unique_code(code), code
    for code in ("4601234567893", "04601234567893", "12345670"):
        assert not is_unique_code(code), code
        assert is_product_code(code), code
    assert is_product_code(marking, "]d2")
    assert not is_product_code("4601234567890")  # wrong check digit
    assert not is_product_code("4601234567893", "]C0")  # digits on plain Code 128: an order code
    assert not is_product_code("LPN0000000001")


def test_dedupe_drops_unique_repeats_within_the_window_only() -> None:
    dedupe = Deduper(1.0)
    assert not dedupe.is_duplicate("LPN0000000001", 0.0)
    assert dedupe.is_duplicate("LPN0000000001", 0.5)
    assert not dedupe.is_duplicate("LPN0000000001", 2.0)
    assert not dedupe.is_duplicate("CMD:CLOSE", 2.1)
    assert dedupe.is_duplicate("CMD:CLOSE", 2.2)


def test_dedupe_drops_only_back_to_back_repeats() -> None:
    dedupe = Deduper(1.0)
    codes = ["CMD:REPACKED", "LPN0000000001", "CMD:REPACKED", "CMD:REPACKED", "4601234567893"]
    assert [dedupe.is_duplicate(c, i / 10) for i, c in enumerate(codes)] == [
        False, False, False, True, False,
    ]  # fmt: skip
    assert not dedupe.is_duplicate("CMD:REPACKED", 0.5)  # the EAN came in between


def test_dedupe_never_drops_ean_repeats() -> None:
    dedupe = Deduper(1.0)
    assert [dedupe.is_duplicate("4601234567893", t / 10) for t in range(5)] == [False] * 5


def test_dedupe_window_zero_turns_it_off() -> None:
    dedupe = Deduper(0.0)
    assert not dedupe.is_duplicate("LPN0000000001", 0.0)
    assert not dedupe.is_duplicate("LPN0000000001", 0.0)
