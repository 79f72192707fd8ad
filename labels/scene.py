"""What a label looks like, independent of the output: positioned elements in millimetres.

The templates build a Scene from a LabelSpec once; the ZPL and PDF renderers only draw it, so the
two outputs cannot drift apart. Coordinates start at the top-left corner, y grows downwards.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from labels import code128, datamatrix
from labels.spec import LabelSpecError

MIN_MODULE_MM = 0.25  # narrowest bar a 203 dpi head (2 dots) and a hand scanner handle well
LINE_PITCH = 1.2  # line spacing as a multiple of the font size


class Align(StrEnum):
    """Horizontal alignment inside an element's box."""

    LEFT = "left"
    CENTER = "center"
    RIGHT = "right"


@dataclass(frozen=True)
class Text:
    """Free text in a box `width` wide; wrapped to `max_lines` and shortened with an ellipsis."""

    x: float
    y: float
    width: float
    size: float  # font size (em) in mm
    text: str
    align: Align = Align.LEFT
    max_lines: int = 1


@dataclass(frozen=True)
class Bars:
    """A Code 128 symbol centred in a box `width` wide (quiet zones included), with its text."""

    x: float
    y: float
    width: float
    height: float
    data: str
    module: float = MIN_MODULE_MM  # preferred module width; renderers may go down to the minimum
    hri_size: float = 0.0  # font size of the human-readable line under the bars; 0 = none


@dataclass(frozen=True)
class Matrix:
    """A GS1 Data Matrix in a `size` x `size` box; the largest whole-dot module that fits."""

    x: float
    y: float
    size: float
    data: str
    align: Align = Align.LEFT
    max_module: float = 0.5


@dataclass(frozen=True)
class Rule:
    """A filled rectangle (separator lines, frames)."""

    x: float
    y: float
    width: float
    height: float


Element = Text | Bars | Matrix | Rule


@dataclass(frozen=True)
class Scene:
    """One page or label: its size in mm and what is drawn on it."""

    width: float
    height: float
    elements: tuple[Element, ...]


def bar_module_dots(bars: Bars, dot: float) -> int:
    """Whole dots per Code 128 module: the preferred width, narrowed to fit (not below 0.25 mm)."""
    total = code128.modules(bars.data) + 2 * code128.QUIET_MODULES
    least = _dots(MIN_MODULE_MM, dot)
    fits = math.floor(bars.width / dot / total + 1e-9)
    if fits < least:
        raise LabelSpecError(f"Code 128 {bars.data!r} does not fit {bars.width:g} mm")
    return min(max(least, _dots(bars.module, dot)), fits)


def matrix_module_dots(matrix: Matrix, dot: float) -> int:
    """Whole dots per Data Matrix module: as large as fits the box, up to `max_module`."""
    side = datamatrix.symbol_side(matrix.data)
    least = _dots(MIN_MODULE_MM, dot)
    fits = math.floor(matrix.size / dot / side + 1e-9)
    if fits < least:
        raise LabelSpecError(f"the Data Matrix ({side} modules) does not fit {matrix.size:g} mm")
    return max(least, min(fits, math.floor(matrix.max_module / dot + 0.05)))


def _dots(mm: float, dot: float) -> int:
    # 0.25 mm is 1.998 dots at 203 dpi: a little tolerance keeps it at 2 instead of 3.
    return max(1, math.ceil(mm / dot - 0.05))
