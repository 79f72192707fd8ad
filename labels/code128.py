"""Code 128 planning shared by the renderers: which data is allowed, code sets, symbol width."""

from __future__ import annotations

import re
from dataclasses import dataclass

from labels.spec import LabelSpecError

QUIET_MODULES = 10  # the quiet zone each side demanded by ISO/IEC 15417
MAX_LENGTH = 48
# `^ ~` start ZPL commands and `>` starts a ^BC invocation code; no code of ours needs them.
_FORBIDDEN = set("^~>")
_DIGIT_RUNS = re.compile(r"\d+")


@dataclass(frozen=True)
class Segment:
    """A run of data encoded in one code set: `B` (ASCII) or `C` (digit pairs)."""

    code_set: str
    text: str

    @property
    def symbols(self) -> int:
        """Symbol characters this run takes."""
        return len(self.text) // 2 if self.code_set == "C" else len(self.text)


def check(data: str) -> str:
    """Return `data` if it can go into a Code 128 symbol on every renderer, else raise."""
    if not data or len(data) > MAX_LENGTH:
        raise LabelSpecError(f"Code 128 data must be 1..{MAX_LENGTH} characters, got {len(data)}")
    bad = sorted({c for c in data if not " " <= c <= "~" or c in _FORBIDDEN})
    if bad:
        raise LabelSpecError(f"Code 128 data {data!r} has characters we do not print: {bad!r}")
    return data


def plan(data: str) -> list[Segment]:
    """Split `data` into code-set runs: long digit runs in C (two digits per symbol), rest in B."""
    check(data)
    segments: list[Segment] = []
    pos = 0
    for match in _DIGIT_RUNS.finditer(data):
        start, end = match.span()
        edges = (start == 0) + (end == len(data))
        # Entering and leaving C cost a symbol each (a start code is free): C must save more.
        if len(match.group()) < (6, 4, 2)[edges]:
            continue
        odd = (end - start) % 2
        _add(segments, "B", data[pos : start + odd])
        _add(segments, "C", data[start + odd : end])
        pos = end
    _add(segments, "B", data[pos:])
    return segments


def modules(data: str) -> int:
    """Width of the symbol in modules, quiet zones not included."""
    segments = plan(data)
    symbols = sum(s.symbols for s in segments) + len(segments) - 1  # plus code-set switches
    return 11 * (symbols + 2) + 13  # start and check symbols, 13-module stop pattern


def _add(segments: list[Segment], code_set: str, text: str) -> None:
    if not text:
        return
    if segments and segments[-1].code_set == code_set:
        segments[-1] = Segment(code_set, segments[-1].text + text)
    else:
        segments.append(Segment(code_set, text))
