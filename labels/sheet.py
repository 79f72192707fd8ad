"""The command sheet: every `CMD:` barcode with ru/en/kk captions, laid out on A4 pages.

The catalogue lives in the server (`wms.domain.commands`); labels must not import it, so
callers pass plain SheetEntry values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from labels.scene import Align, Bars, Element, Rule, Scene, Text

PAGE = (210.0, 297.0)  # A4 portrait, mm
MARGIN = 12.0
BARS_WIDTH = 104.0  # room for 40 characters of Code 128 at 0.25 mm with quiet zones
CELL_HEIGHT = 17.0
HEADING_HEIGHT = 10.0
TITLE = "Командные штрихкоды · Command barcodes · Пәрмен штрихкодтары"


@dataclass(frozen=True)
class SheetEntry:
    """One command: the exact barcode data, captions, and the heading it is listed under."""

    code: str
    caption_ru: str
    caption_en: str
    caption_kk: str = ""
    group: str = ""


def pages(entries: Sequence[SheetEntry]) -> list[Scene]:
    """Lay the entries out group by group; a heading never ends a page without its first row."""
    width, height = PAGE
    bottom = height - MARGIN - 6  # room for the page footer
    pages_: list[list[Element]] = [[Text(MARGIN, MARGIN, width - 2 * MARGIN, 5, TITLE)]]
    y = MARGIN + 9
    for group, members in _grouped(entries):
        if y + HEADING_HEIGHT + CELL_HEIGHT > bottom:
            pages_.append([])
            y = MARGIN
        pages_[-1] += _heading(group, y)
        y += HEADING_HEIGHT
        for entry in members:
            if y + CELL_HEIGHT > bottom:
                pages_.append([])
                y = MARGIN
            pages_[-1] += _row(entry, y)
            y += CELL_HEIGHT
    total = len(pages_)
    return [
        Scene(width, height, (*elements, _footer(number, total)))
        for number, elements in enumerate(pages_, start=1)
    ]


def _grouped(entries: Sequence[SheetEntry]) -> list[tuple[str, list[SheetEntry]]]:
    """Entries by group, groups in order of first appearance."""
    groups: dict[str, list[SheetEntry]] = {}
    for entry in entries:
        groups.setdefault(entry.group, []).append(entry)
    return list(groups.items())


def _heading(group: str, y: float) -> list[Element]:
    if not group:
        return []
    width = PAGE[0] - 2 * MARGIN
    return [Text(MARGIN, y + 1.5, width, 4.2, group), Rule(MARGIN, y + 7.2, width, 0.3)]


def _row(entry: SheetEntry, y: float) -> list[Element]:
    """One command per row: a single column keeps the scanner off the neighbouring code."""
    x = MARGIN + BARS_WIDTH + 2
    width = PAGE[0] - MARGIN - x
    return [
        Bars(MARGIN, y, BARS_WIDTH, 10, entry.code, module=0.375, hri_size=2.4),
        Text(x, y + 0.5, width, 3.6, entry.caption_ru),
        Text(x, y + 5.4, width, 3.0, entry.caption_en),
        Text(x, y + 9.6, width, 3.0, entry.caption_kk),
    ]


def _footer(number: int, total: int) -> Text:
    width, height = PAGE
    page = f"{number} / {total}"
    return Text(MARGIN, height - MARGIN - 3, width - 2 * MARGIN, 2.6, page, Align.RIGHT)
