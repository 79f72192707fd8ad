"""Keyboard layouts a wedge scanner may type through, and how to map their text back.

A keyboard-wedge scanner sends key positions for a US keyboard; the operating system turns them
into characters with whatever layout is active. With a Cyrillic layout active, `LPN0000000123`
arrives as `ДЗТ0000000123`. Each layout below lists, key by key, what the US layout and the local
layout type, so the text can be mapped back character by character (both tables are bijective).

Sources:
- ru: the Windows "Russian" layout (ЙЦУКЕН), identical to xkb `ru` (default "winkeys" variant,
  xkb-data 2.35.1); its letter and punctuation table is the one verified on round-trips in
  shared/reference/hardware-protocols.md §2.1.
- kk: the standard Kazakh layout (РСТ КазССР 903-90) as shipped in xkb-data 2.35.1
  `symbols/kz`, variant "basic", levels 1-2: the Russian letter keys, but the digit row carries
  ( " ә і ң ғ , . ү ұ қ ө һ and `/` types №. Windows ships the same standard since NT 5.0
  (ru.wikipedia "Казахская письменность"); we assume its digit row is identical.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Layout(StrEnum):
    """Layouts we can repair text from."""

    RU = "ru"
    KK = "kk"


# One string per key row, unshifted then shifted; the same position in each layout is the same key.
_US_ROWS = (
    "`1234567890-=",
    "~!@#$%^&*()_+",
    "qwertyuiop[]\\",
    "QWERTYUIOP{}|",
    "asdfghjkl;'",
    'ASDFGHJKL:"',
    "zxcvbnm,./",
    "ZXCVBNM<>?",
)
_RU_ROWS = (
    "ё1234567890-=",
    'Ё!"№;%:?*()_+',
    "йцукенгшщзхъ\\",
    "ЙЦУКЕНГШЩЗХЪ/",
    "фывапролджэ",
    "ФЫВАПРОЛДЖЭ",
    "ячсмитьбю.",
    "ЯЧСМИТЬБЮ,",
)
_KK_ROWS = (
    '("әіңғ,.үұқөһ',
    ")!ӘІҢҒ;:ҮҰҚӨҺ",
    "йцукенгшщзхъ\\",
    "ЙЦУКЕНГШЩЗХЪ/",
    "фывапролджэ",
    "ФЫВАПРОЛДЖЭ",
    "ячсмитьбю№",
    "ЯЧСМИТЬБЮ?",
)


@dataclass(frozen=True)
class _Tables:
    to_us: dict[int, str]
    from_us: dict[int, str]
    foreign: frozenset[str]  # characters only this layout (not US) produces
    ascii_digits: frozenset[str]  # ASCII characters this layout types for the digit keys


def _build(local_rows: tuple[str, ...]) -> _Tables:
    us = "".join(_US_ROWS)
    local = "".join(local_rows)
    if len(us) != len(local) or len(set(local)) != len(local):
        raise ValueError("layout table must be a bijection of the US key table")
    pairs = [(u, c) for u, c in zip(us, local, strict=True) if u != c]
    return _Tables(
        to_us={ord(c): u for u, c in pairs},
        from_us={ord(u): c for u, c in pairs},
        foreign=frozenset(c for c in local if not c.isascii()),
        ascii_digits=frozenset(c for u, c in pairs if u.isdigit() and c.isascii()),
    )


_TABLES = {Layout.RU: _build(_RU_ROWS), Layout.KK: _build(_KK_ROWS)}


def to_us(text: str, layout: Layout) -> str:
    """The text the scanner meant, given what `layout` made of its key presses."""
    return text.translate(_TABLES[layout].to_us)


def type_through(text: str, layout: Layout) -> str:
    """What `text` becomes when a US-keyboard wedge types it while `layout` is active."""
    return text.translate(_TABLES[layout].from_us)


def looks_typed_through(text: str, layout: Layout) -> bool:
    """Whether `text` may be US key presses typed through `layout` (worth mapping back)."""
    tables = _TABLES[layout]
    if any(c in tables.foreign for c in text):
        return True
    # kk types `"` `,` `.` for the digits 1, 6, 7: a number made only of those has no letter.
    return bool(text) and bool(tables.ascii_digits) and all(c in tables.ascii_digits for c in text)
