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
COLUMNS = 2
GUTTER = 6.0
CELL_HEIGHT = 27.0
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
        rows = [members[i : i + COLUMNS] for i in range(0, len(members), COLUMNS)]
        if y + HEADING_HEIGHT + CELL_HEIGHT > bottom:
            pages_.append([])
            y = MARGIN
        pages_[-1] += _heading(group, y)
        y += HEADING_HEIGHT
        for row in rows:
            if y + CELL_HEIGHT > bottom:
                pages_.append([])
                y = MARGIN
            for column, entry in enumerate(row):
                pages_[-1] += _cell(entry, MARGIN + column * (_column_width() + GUTTER), y)
            y += CELL_HEIGHT
    total = len(pages_)
    return [
        Scene(width, height, (*elements, _footer(number, total)))
        for number, elements in enumerate(pages_, start=1)
    ]


def _column_width() -> float:
    return (PAGE[0] - 2 * MARGIN - GUTTER * (COLUMNS - 1)) / COLUMNS


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


def _cell(entry: SheetEntry, x: float, y: float) -> list[Element]:
    width = _column_width()
    return [
        Bars(x, y, width, 10, entry.code, module=0.375, hri_size=2.4),
        Text(x, y + 14.2, width, 3.6, entry.caption_ru, Align.CENTER),
        Text(x, y + 18.6, width, 3.0, entry.caption_en, Align.CENTER),
        Text(x, y + 22.2, width, 3.0, entry.caption_kk, Align.CENTER),
    ]


def _footer(number: int, total: int) -> Text:
    width, height = PAGE
    page = f"{number} / {total}"
    return Text(MARGIN, height - MARGIN - 3, width - 2 * MARGIN, 2.6, page, Align.RIGHT)
