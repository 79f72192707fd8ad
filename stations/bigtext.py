"""Huge prompt text for the terminal: words drawn with DejaVu Sans as half-block characters."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    Path(__file__).resolve().parent.parent / "labels" / "fonts" / "DejaVuSans.ttf",
)
# Pixel heights tried, largest first; one terminal row shows two pixel rows (▀ ▄ █).
SIZES = (40, 32, 26, 20, 16)
_CELLS = {(0, 0): " ", (1, 0): "▀", (0, 1): "▄", (1, 1): "█"}


@cache
def _font(size: int) -> ImageFont.FreeTypeFont | None:
    for path in FONT_CANDIDATES:
        if path.is_file():
            return ImageFont.truetype(str(path), size)
    return None


def big_lines(text: str, max_columns: int, max_rows: int) -> list[str] | None:
    """The text as large as fits in columns × rows of block characters; None if it cannot."""
    for size in SIZES:
        font = _font(size)
        if font is None:
            return None
        lines = _wrap(text, font, max_columns)
        if lines is None:
            continue
        ascent, descent = font.getmetrics()
        rows_per_line = (ascent + descent + 1) // 2
        if rows_per_line * len(lines) <= max_rows:
            return [row for line in lines for row in _draw(line, font, ascent + descent)]
    return None


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str] | None:
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if font.getlength(candidate) <= width:
            current = candidate
        elif font.getlength(word) > width:
            return None  # one word wider than the screen: try a smaller size
        else:
            lines.append(current)
            current = word
    return [*lines, current] if current else lines


def _draw(line: str, font: ImageFont.FreeTypeFont, height: int) -> list[str]:
    width = max(1, int(font.getlength(line)) + 1)
    image = Image.new("1", (width, height + height % 2), 0)
    draw = ImageDraw.Draw(image)
    draw.fontmode = "1"  # no anti-aliasing: crisp blocks
    draw.text((0, 0), line, font=font, fill=1)
    pixels = image.load()
    assert pixels is not None
    return [
        "".join(
            _CELLS[(1 if pixels[x, y] else 0, 1 if pixels[x, y + 1] else 0)] for x in range(width)
        )  # every row of a line equally wide, so centring keeps the glyphs aligned
        for y in range(0, image.height, 2)
    ]
