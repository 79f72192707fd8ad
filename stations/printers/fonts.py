"""Put the label font on a Zebra printer: `~DY` download of the vendored DejaVu Sans TTF."""

from __future__ import annotations

from pathlib import Path

import labels
from labels.zpl import DEFAULT_FONT

FONT_FILE = Path(labels.__file__).resolve().parent / "fonts" / "DejaVuSans.ttf"


def font_download(font: Path = FONT_FILE, name: str = DEFAULT_FONT) -> bytes:
    """ZPL `~DYd:NAME.TTF,B,T,size,,<binary>`: store a TrueType font in printer memory."""
    if name[:2] not in ("E:", "R:", "B:", "A:") or not name.upper().endswith(".TTF"):
        raise ValueError(f"font name must look like E:NAME.TTF, not {name!r}")
    data = font.read_bytes()
    # Binary download: the printer takes exactly `size` bytes after the header, no escaping.
    return f"~DY{name},B,T,{len(data)},,".encode("ascii") + data
