"""The MP4 check of clip uploads: type, finished file, duration from the movie header."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from wms.domain.errors import InvalidInput
from wms.services.clips import mp4_duration_ms


def box(kind: bytes, payload: bytes, *, large: bool = False) -> bytes:
    if large:  # size 1: a 64-bit size follows the type
        return struct.pack(">I4sQ", 1, kind, 16 + len(payload)) + payload
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


FTYP = box(b"ftyp", b"isom\x00\x00\x02\x00isomiso2avc1mp41")


def mvhd_v0(timescale: int, duration: int) -> bytes:
    return box(b"mvhd", b"\x00\x00\x00\x00" + struct.pack(">IIII", 0, 0, timescale, duration))


def mvhd_v1(timescale: int, duration: int) -> bytes:
    return box(b"mvhd", b"\x01\x00\x00\x00" + struct.pack(">QQIQ", 0, 0, timescale, duration))


def write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "clip.mp4"
    path.write_bytes(data)
    return path


def test_the_duration_is_read_from_mvhd_after_the_media_data(tmp_path: Path) -> None:
    data = FTYP + box(b"mdat", b"\0" * 1000) + box(b"moov", mvhd_v0(1000, 42_500))
    assert mp4_duration_ms(write(tmp_path, data)) == 42_500


def test_version_1_headers_and_64_bit_box_sizes(tmp_path: Path) -> None:
    data = FTYP + box(b"moov", mvhd_v1(90_000, 90_000 * 75), large=True) + box(b"mdat", b"x")
    assert mp4_duration_ms(write(tmp_path, data)) == 75_000


@pytest.mark.parametrize(
    ("data", "key"),
    [
        (b"\x1aE\xdf\xa3" + b"\0" * 40, "clip.type"),  # a WebM/Matroska file
        (FTYP + box(b"mdat", b"\0" * 100), "clip.unreadable"),  # never finished: no moov
        (FTYP + box(b"moov", mvhd_v0(1000, 0)), "clip.unreadable"),  # empty recording
        (FTYP + struct.pack(">I4s", 5000, b"mdat") + b"\0" * 10, "clip.unreadable"),  # cut off
        (FTYP + box(b"moov", box(b"mvhd", b"\0\0")), "clip.unreadable"),  # header too short
        (FTYP + box(b"moov", box(b"mvhd", b"")), "clip.unreadable"),
        (b"\0\0", "clip.type"),
    ],
)
def test_what_is_not_a_finished_mp4_is_refused(tmp_path: Path, data: bytes, key: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        mp4_duration_ms(write(tmp_path, data))
    assert refused.value.message_key == key
