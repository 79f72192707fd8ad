"""ZPL II renderer for Zebra-compatible label printers at 203, 300 or 600 dpi.

Text uses a Unicode TrueType font stored on the printer (`E:DEJAVU.TTF` by default, aliased to
font `1` with `^CW`): resident Zebra fonts have no Cyrillic and no Kazakh letters. Download the
font once per printer (`wms-station` does it, or Zebra Setup Utilities); without it the printer
falls back to a bitmap font and prints blanks for non-Latin text. Barcode captions use the
resident scalable font 0, so LPNs stay readable even on a printer without the TTF.
"""

from __future__ import annotations

import re

from labels import code128, datamatrix, templates
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
from labels.spec import LabelSpec, LabelSpecError
from labels.text import estimated_em, fit_lines

SUPPORTED_DPI = (203, 300, 600)
DEFAULT_FONT = "E:DEJAVU.TTF"
FONT_ALIAS = "1"
# The printer's font cannot be measured here; estimates carry a margin so text never spills.
ESTIMATE_MARGIN = 1.05
_JUSTIFY = {Align.CENTER: "C", Align.RIGHT: "R"}
_NEEDS_HEX = re.compile(r"[\^~_\x00-\x1f\x7f-\x9f]")
_START = {"B": ">:", "C": ">;"}
_SWITCH = {"B": ">6", "C": ">5"}


def render_zpl(spec: LabelSpec, dpi: int = 203, *, font: str = DEFAULT_FONT) -> str:
    """One ZPL format (`^XA … ^XZ`) printing `spec.copies` labels at `dpi`."""
    return render_scene(templates.scene_for(spec), dpi, copies=spec.copies, font=font)


def render_scene(scene: Scene, dpi: int = 203, *, copies: int = 1, font: str = DEFAULT_FONT) -> str:
    """ZPL for an already laid-out scene."""
    if dpi not in SUPPORTED_DPI:
        raise LabelSpecError(f"unsupported printer resolution {dpi} dpi, use {SUPPORTED_DPI}")
    grid = _Grid(25.4 / dpi)
    lines = [
        "^XA",
        "^CI28",  # field data is UTF-8
        f"^PW{grid.dots(scene.width)}",
        f"^LL{grid.dots(scene.height)}",
        "^LH0,0",
        f"^CW{FONT_ALIAS},{font}",
    ]
    for element in scene.elements:
        lines += _draw(element, grid)
    lines += [f"^PQ{copies}", "^XZ"]
    return "\n".join(lines) + "\n"


class _Grid:
    """Millimetres to printer dots."""

    def __init__(self, dot: float) -> None:
        self.dot = dot

    def dots(self, mm: float) -> int:
        return round(mm / self.dot)


def _draw(element: Element, grid: _Grid) -> list[str]:
    if isinstance(element, Text):
        return _text(element, grid)
    if isinstance(element, Bars):
        return _bars(element, grid)
    if isinstance(element, Matrix):
        return [_matrix(element, grid)]
    return [_rule(element, grid)]


def _text(text: Text, grid: _Grid) -> list[str]:
    height = max(1, grid.dots(text.size))
    budget = text.width / (height * grid.dot * ESTIMATE_MARGIN)
    lines = fit_lines(text.text, budget, estimated_em, text.max_lines)
    font = f"^A{FONT_ALIAS}N,{height},{height}"
    pitch = text.size * LINE_PITCH
    return [
        _field(grid, text.x, text.y + i * pitch, text.width, font, line, text.align)
        for i, line in enumerate(lines)
    ]


def _field(
    grid: _Grid, x: float, y: float, width: float, font: str, text: str, align: Align
) -> str:
    data, hexed = escape(text)
    block = ""
    if align in _JUSTIFY:
        # ^FB centres or right-aligns on the printer, which knows the real glyph widths;
        # inside a field block `\&` means a line break, so a backslash is written `\\`.
        block = f"^FB{grid.dots(width)},1,0,{_JUSTIFY[align]},0"
        data = data.replace("\\", "\\\\")
    fh = "^FH" if hexed else ""
    return f"^FO{grid.dots(x)},{grid.dots(y)}{font}{block}{fh}^FD{data}^FS"


def escape(text: str) -> tuple[str, bool]:
    """Field data safe inside `^FD…^FS`: `^ ~ _` and control characters as `^FH` hex (`_5E`)."""
    escaped = _NEEDS_HEX.sub(_hex, text)
    return escaped, escaped != text


def _hex(match: re.Match[str]) -> str:
    return "".join(f"_{byte:02X}" for byte in match.group().encode("utf-8"))


def _bars(bars: Bars, grid: _Grid) -> list[str]:
    module = bar_module_dots(bars, grid.dot)
    width = code128.modules(bars.data) * module
    x = grid.dots(bars.x) + (grid.dots(bars.width) - width) // 2
    height = grid.dots(bars.height)
    out = [f"^FO{x},{grid.dots(bars.y)}^BY{module}^BCN,{height},N,N,N,N^FD{bc_data(bars.data)}^FS"]
    if bars.hri_size:
        size = max(1, grid.dots(bars.hri_size))
        top = bars.y + bars.height + 0.4
        font = f"^A0N,{size},{size}"
        out.append(_field(grid, bars.x, top, bars.width, font, bars.data, Align.CENTER))
    return out


def bc_data(data: str) -> str:
    """`^BC` field data in mode N with explicit start and code-set switches, as planned."""
    out = []
    for i, segment in enumerate(code128.plan(data)):
        out.append((_START if i == 0 else _SWITCH)[segment.code_set])
        out.append(segment.text)
    return "".join(out)


def _matrix(matrix: Matrix, grid: _Grid) -> str:
    module = matrix_module_dots(matrix, grid.dot)
    side = datamatrix.symbol_side(matrix.data) * module
    x = grid.dots(matrix.x)
    if matrix.align is Align.RIGHT:
        x = grid.dots(matrix.x + matrix.size) - side
    elif matrix.align is Align.CENTER:
        x += (grid.dots(matrix.size) - side) // 2
    # Escape character set explicitly (firmware defaults differ); `_1` = FNC1, `__` = `_`.
    # No ^FH here: hex processing would run before, and clash with, the `_` escapes.
    data = "_1" + matrix.data.replace("_", "__").replace(datamatrix.GS, "_1")
    return f"^FO{x},{grid.dots(matrix.y)}^BXN,{module},200,0,0,6,_^FD{data}^FS"


def _rule(rule: Rule, grid: _Grid) -> str:
    width, height = max(1, grid.dots(rule.width)), max(1, grid.dots(rule.height))
    return f"^FO{grid.dots(rule.x)},{grid.dots(rule.y)}^GB{width},{height},{min(width, height)}^FS"
