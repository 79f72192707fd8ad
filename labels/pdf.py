"""PDF renderer (reportlab): vector barcodes and embedded DejaVu Sans for Cyrillic and Kazakh."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from labels import datamatrix, sheet, templates
from labels.scene import (
    LINE_PITCH,
    Align,
    Bars,
    Element,
    Matrix,
    Rule,
    Scene,
    Text,
    bar_module_dots,
    matrix_module_dots,
)
from labels.spec import LabelSpec
from labels.text import fit_lines

FONT_NAME = "DejaVuSans"
FONT_PATHS = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),  # Debian fonts-dejavu-core
    Path(__file__).with_name("fonts") / "DejaVuSans.ttf",  # vendored copy (Windows stations)
)
# Bars and Data Matrix modules snap to a 1/8 mm grid: whole dots on a 203 dpi head.
GRID_MM = 0.125
ASCENT = 0.76  # DejaVu Sans ascender in em: from the top of a line to its baseline
_CONTROLS = dict.fromkeys(c for c in range(0xA0) if c < 0x20 or c >= 0x7F)


def render_pdf(spec: LabelSpec) -> bytes:
    """One page per copy, each the size of the label."""
    scene = templates.scene_for(spec)
    return render_scenes([scene] * spec.copies, title=f"{spec.kind.value} label")


def render_command_sheet(entries: Sequence[sheet.SheetEntry]) -> bytes:
    """A4 pages with every command barcode and its ru/en/kk captions."""
    return render_scenes(sheet.pages(entries), title="Command barcodes")


def render_scenes(scenes: Iterable[Scene], *, title: str = "") -> bytes:
    """A PDF with one page per scene."""
    font = _font()
    out = io.BytesIO()
    canvas = Canvas(out, invariant=True, pageCompression=1, initialFontName=font)
    canvas.setTitle(title)
    for scene in scenes:
        canvas.setPageSize((scene.width * mm, scene.height * mm))
        for element in scene.elements:
            _draw(canvas, scene.height, element, font)
        canvas.showPage()
    canvas.save()
    return out.getvalue()


@cache
def _font() -> str:
    """Register DejaVu Sans once, from the system fonts or the vendored copy."""
    path = next((p for p in FONT_PATHS if p.is_file()), FONT_PATHS[-1])
    pdfmetrics.registerFont(TTFont(FONT_NAME, str(path)))
    return FONT_NAME


@cache
def _char_em(char: str) -> float:
    return float(pdfmetrics.stringWidth(char, FONT_NAME, 1.0))


def _draw(canvas: Canvas, page_height: float, element: Element, font: str) -> None:
    if isinstance(element, Text):
        _text(canvas, page_height, element, font)
    elif isinstance(element, Bars):
        _bars(canvas, page_height, element, font)
    elif isinstance(element, Matrix):
        _matrix(canvas, page_height, element)
    elif isinstance(element, Rule):
        y = page_height - element.y - element.height
        canvas.rect(element.x * mm, y * mm, element.width * mm, element.height * mm, 0, 1)


def _text(canvas: Canvas, page_height: float, text: Text, font: str) -> None:
    lines = fit_lines(text.text, text.width / text.size, _char_em, text.max_lines)
    canvas.setFont(font, text.size * mm)
    for i, line in enumerate(lines):
        top = text.y + i * text.size * LINE_PITCH
        _line(canvas, page_height, text.x, top, text.width, text.size, line, text.align)


def _line(
    canvas: Canvas, page_height: float, x: float, top: float, width: float, size: float,
    line: str, align: Align,
) -> None:  # fmt: skip
    baseline = (page_height - top - ASCENT * size) * mm
    line = line.translate(_CONTROLS)  # control bytes have no glyph; ZPL keeps them hex-escaped
    if align is Align.CENTER:
        canvas.drawCentredString((x + width / 2) * mm, baseline, line)
    elif align is Align.RIGHT:
        canvas.drawRightString((x + width) * mm, baseline, line)
    else:
        canvas.drawString(x * mm, baseline, line)


def _bars(canvas: Canvas, page_height: float, bars: Bars, font: str) -> None:
    module = bar_module_dots(bars, GRID_MM) * GRID_MM
    symbol = Code128(
        bars.data, barWidth=module * mm, barHeight=bars.height * mm, quiet=0, humanReadable=0
    )
    width = symbol.width / mm
    x = _snap(bars.x + (bars.width - width) / 2)
    symbol.drawOn(canvas, x * mm, (page_height - _snap(bars.y) - bars.height) * mm)
    if bars.hri_size:
        canvas.setFont(font, bars.hri_size * mm)
        top = bars.y + bars.height + 0.4
        _line(canvas, page_height, bars.x, top, bars.width, bars.hri_size, bars.data, Align.CENTER)


def _matrix(canvas: Canvas, page_height: float, matrix: Matrix) -> None:
    module = matrix_module_dots(matrix, GRID_MM) * GRID_MM
    rows = datamatrix.encode(matrix.data)
    side = len(rows) * module
    x = matrix.x
    if matrix.align is Align.RIGHT:
        x = matrix.x + matrix.size - side
    elif matrix.align is Align.CENTER:
        x = matrix.x + (matrix.size - side) / 2
    bottom = page_height - _snap(matrix.y) - side
    # One filled path in module units: thousands of rect() calls would dominate render time.
    last = len(rows) - 1
    path = [
        f"{start} {last - r} {length} 1 re"
        for r, row in enumerate(rows)
        for start, length in _runs(row)
    ]
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    canvas.translate(_snap(x) * mm, bottom * mm)
    canvas.scale(module * mm, module * mm)
    canvas.addLiteral("\n".join(path) + "\nf")
    canvas.restoreState()


def _runs(row: Sequence[bool]) -> list[tuple[int, int]]:
    """(start, length) of each run of dark modules: one rectangle per run keeps files small."""
    runs: list[tuple[int, int]] = []
    start = None
    for i, dark in enumerate([*row, False]):
        if dark and start is None:
            start = i
        elif not dark and start is not None:
            runs.append((start, i - start))
            start = None
    return runs


def _snap(value: float) -> float:
    return round(value / GRID_MM) * GRID_MM
