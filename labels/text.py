"""Free text on labels: cleaning, width estimates, wrapping with an ellipsis so nothing spills."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from functools import cache

ELLIPSIS = "…"

# Advance widths of DejaVu Sans in em, rounded *up* to a tenth, for the letters our labels carry
# (Latin, Russian, Kazakh). The ZPL renderer cannot measure the printer's font, so it estimates.
_EM_BUCKETS = {
    0.3: "'IJijlіІ",
    0.4: " (),-./:;[\\]ft|",
    0.5: '!"*_`r–°',
    0.6: "?FLcksvxyzвгзстухчьэғұү",
    0.7: "$0123456789ABCEKPRSTVXYZabdeghnopqu{}АБВГЕЗРСТУХЧЬЭЯабдеийклнопрцяЁёәқңөһҒҰҮҺ«»€₸",
    0.8: "&DGHNOQUДИЙКЛНОПЦмъыӘҚҢӨ",
    0.9: "#+<=>M^w~МФЪЫфю−",
    1.0: "%@Wmжшщ—…",
    1.1: "ЖШЩЮ№",
}
_EM = {char: em for em, chars in _EM_BUCKETS.items() for char in chars}
_UNKNOWN_EM = 1.0
_WIDE_EM = 1.1

# Line breaks and tabs become spaces; everything else is kept and escaped by each renderer.
_SPACES = {ord(c): " " for c in "\t\n\v\f\r\x85\u2028\u2029"}


def clean(text: str) -> str:
    """One line: breaks and tabs as spaces, lone surrogates replaced (they cannot be UTF-8)."""
    text = text.translate(_SPACES)
    if any("\ud800" <= c <= "\udfff" for c in text):
        text = text.encode("utf-8", "replace").decode("utf-8")
    return text


@cache
def estimated_em(char: str) -> float:
    """A safe (never too small) advance width of `char` in DejaVu Sans, in em."""
    known = _EM.get(char)
    if known is not None:
        return known
    category = unicodedata.category(char)
    if category in ("Mn", "Me", "Cf", "Cc"):
        return 0.0  # combining marks, bidi/format marks and control bytes take no room
    if unicodedata.east_asian_width(char) in ("W", "F") or ord(char) >= 0x1F000:
        return _WIDE_EM
    return _UNKNOWN_EM


def fit_lines(
    text: str, budget_em: float, char_em: Callable[[str], float], max_lines: int = 1
) -> list[str]:
    """Wrap at spaces into at most `max_lines` lines of `budget_em`; shorten the last with …."""
    lines = _wrap(clean(text), budget_em, char_em, max_lines + 1)
    if len(lines) <= max_lines:
        return lines
    tail = lines[max_lines - 1] + " " + lines[max_lines]
    return lines[: max_lines - 1] + [ellipsize(tail, budget_em, char_em)]


def ellipsize(text: str, budget_em: float, char_em: Callable[[str], float]) -> str:
    """The longest prefix of `text` that fits with a trailing ellipsis."""
    room = budget_em - char_em(ELLIPSIS)
    used = 0.0
    for end, char in enumerate(text):
        used += char_em(char)
        if used > room:
            return text[:end].rstrip(" ") + ELLIPSIS
    return text.rstrip(" ") + ELLIPSIS


def _wrap(text: str, budget: float, char_em: Callable[[str], float], limit: int) -> list[str]:
    """Greedy word wrap; words wider than a line are cut. Stops after `limit` lines."""
    lines: list[str] = []
    line, width = "", 0.0
    space = char_em(" ")
    # Split on the space character only: str.split() would also split on GS (0x1D) and friends.
    for word in filter(None, text.split(" ")):
        word_width = sum(char_em(c) for c in word)
        if line and width + space + word_width <= budget:
            line, width = f"{line} {word}", width + space + word_width
            continue
        if line:
            lines.append(line)
        while word_width > budget and len(lines) < limit:
            head, word = _cut(word, budget, char_em)
            lines.append(head)
            word_width = sum(char_em(c) for c in word)
        if len(lines) >= limit:
            return lines[:limit]
        line, width = word, word_width
    if line:
        lines.append(line)
    return lines[:limit]


def _cut(word: str, budget: float, char_em: Callable[[str], float]) -> tuple[str, str]:
    """Split a too-wide word where it stops fitting (at least one character per line)."""
    used = 0.0
    for i, char in enumerate(word):
        used += char_em(char)
        if used > budget:
            cut = max(i, 1)
            return word[:cut], word[cut:]
    return word, ""
