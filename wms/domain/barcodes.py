"""Barcode classification: every scan a station sends is sorted into one kind here (DESIGN §3.4).

Rules, in order: strip trailing CR/LF only (`str.strip()` would eat the GS separator `\\x1d`),
parse an AIM symbology prefix (`]` + letter + digit), reject empty / too long / control
characters, then try station commands, operator badges, LPNs, bins, printers (`PRN-`), GS1
element strings (marking codes) via biip, EAN/UPC/GTIN with check digit, marketplace order
codes; else unknown.
Text a wedge scanner typed through a Cyrillic keyboard layout is mapped back (ru, then kk).

Marketplace order / return code formats (assumptions, checked in this order):
- Ozon posting number: `\\d{4,12}-\\d{4}(-\\d{1,2})?` (order number, dash, 4 digits, optional
  package suffix), e.g. `12345678-0001-1`.
- Wildberries: `WB-` + 6-20 digits (an order / return id written with our prefix, because bare
  digits clash with Kaspi codes), or the FBS sticker barcode `!` or `*` + 6-12 letters/digits
  (the official sticker API example is `!uKEtQZVx`; the `*` form is an assumption).
- Kaspi order code: 9-10 digits (the `code` attribute of a Kaspi order, e.g. `512345678`).
GS1 text without any GS separator (a scanner or wedge that drops GS) is accepted only when no
variable-length value holds an embedded `91`/`92`/`93` (or `21` inside another AI) that the lost
GS could have hidden; otherwise it is `unknown`/`gs1_invalid`, never a silently mis-split code.
Tobacco pack codes (29 characters, GTIN + serial + MRP + check, no AIs) are not parsed as GS1:
tobacco cannot be returned, so such a scan is `unknown`/`unrecognised`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

import biip
from biip.gs1_messages import GS1Message

from wms.domain.commands import COMMAND_PREFIX, parse_command
from wms.domain.keyboard_layouts import Layout, looks_typed_through, to_us

MAX_LENGTH = 512  # longest frame a station accepts (hardware-protocols §1.4)
UNKNOWN_VALUE_LENGTH = 64
GS = "\x1d"

_AIM = re.compile(r"\][A-Za-z][0-9]", re.ASCII)
_BADGE = re.compile(r"OP-[A-Z0-9]{1,20}", re.ASCII)
_LPN = re.compile(r"LPN[0-9]{10}", re.ASCII)
_BIN = re.compile(r"BIN-[A-Z0-9-]{1,30}", re.ASCII)
_PRINTER = re.compile(r"PRN-[A-Z0-9-]{1,30}", re.ASCII)
_GS1_START = re.compile(r"01[0-9]{14}", re.ASCII)
_EAN = re.compile(r"[0-9]{8}|[0-9]{12,14}", re.ASCII)
_OZON_POSTING = re.compile(r"[0-9]{4,12}-[0-9]{4}(?:-[0-9]{1,2})?", re.ASCII)
_WB_ID = re.compile(r"WB-[0-9]{6,20}", re.ASCII)
_WB_STICKER = re.compile(r"[!*][0-9A-Za-z]{6,12}", re.ASCII)
_KASPI_ORDER = re.compile(r"[0-9]{9,10}", re.ASCII)
# After a dropped GS one of these AIs hides inside the previous variable-length value.
_HIDDEN_AI = re.compile(r".(?:9[123]|21).", re.ASCII | re.DOTALL)
_HIDDEN_CRYPTO_AI = re.compile(r".9[123].", re.ASCII | re.DOTALL)

# Symbologies whose data is a GS1 element string (FNC1 in first position).
GS1_SYMBOLOGIES = frozenset({"]C1", "]d2", "]Q3", "]e0"})
# biip runs only its GS1-message parser for this prefix (no GTIN/UPC/SSCC guessing).
_BIIP_GS1_ONLY = "]d2"


class CodeKind(StrEnum):
    """What a scanned code is."""

    COMMAND = "command"
    BADGE = "badge"
    LPN = "lpn"
    BIN = "bin"
    PRINTER = "printer"
    MARKING_CODE = "marking_code"
    GS1 = "gs1"
    PRODUCT = "product"
    ORDER_CODE = "order_code"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Classified:
    """The result of classifying one scan."""

    kind: CodeKind
    raw: str
    value: str
    symbology: str | None = None
    gtin: str | None = None
    serial: str | None = None
    identification_code: str | None = None
    marketplace: str | None = None
    layout_fixed: str | None = None
    problem: str | None = None


@dataclass(frozen=True)
class _Found:
    """A classification before it is tied to the raw scan."""

    kind: CodeKind
    value: str = ""
    gtin: str | None = None
    serial: str | None = None
    marketplace: str | None = None
    problem: str | None = None


_UNIQUE_KINDS = frozenset(
    {
        CodeKind.LPN,
        CodeKind.MARKING_CODE,
        CodeKind.COMMAND,
        CodeKind.BADGE,
        CodeKind.BIN,
        CodeKind.PRINTER,
    }
)


def is_unique_code(c: Classified) -> bool:
    """Whether a repeat of this code is a double scan (suppressed), not one more unit."""
    return c.kind in _UNIQUE_KINDS


def ean_check_digit(digits: str) -> int:
    """The GS1 mod-10 check digit for `digits`, the code without its check digit."""
    if not digits or not (digits.isascii() and digits.isdigit()):
        raise ValueError(f"expected ASCII digits, got {digits!r}")
    # Weights 3, 1, 3, … from the rightmost digit, for every GTIN length.
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return (10 - total % 10) % 10


def _has_valid_check_digit(code: str) -> bool:
    """Whether the last digit of `code` is the GS1 check digit of the others."""
    return len(code) >= 2 and ean_check_digit(code[:-1]) == int(code[-1])


def classify(raw: str, symbology: str | None = None) -> Classified:
    """Classify one scan: `raw` exactly as scanned, `symbology` the AIM id if known."""
    text = raw.rstrip("\r\n")
    text, symbology = _split_aim(text, symbology or None)
    problem = _precheck(text)
    if problem is not None:
        return _build(raw, symbology, _Found(CodeKind.UNKNOWN, problem=problem))
    found = _classify_text(text, symbology)
    if found.kind is CodeKind.UNKNOWN:
        repaired = _repair_layout(raw, text, symbology)
        if repaired is not None:
            return repaired
    return _build(raw, symbology, found)


def _split_aim(text: str, symbology: str | None) -> tuple[str, str | None]:
    """Parse an AIM prefix off `text`; it is the symbology unless the caller gave one."""
    if _AIM.match(text):
        return text[3:], symbology or text[:3]
    return text, symbology


def _precheck(text: str) -> str | None:
    """The problem that makes `text` unclassifiable before looking at its content."""
    if not text.strip(" " + GS):  # spaces or separators alone carry nothing
        return "empty"
    if len(text) > MAX_LENGTH:  # before the per-character scans below and in the parsers
        return "too_long"
    if any(c != GS and unicodedata.category(c) == "Cc" for c in text):
        return "control_chars"
    return None


def _build(raw: str, symbology: str | None, found: _Found, layout: str | None = None) -> Classified:
    """Tie a classification to the raw scan."""
    if found.kind is CodeKind.UNKNOWN:
        return Classified(
            CodeKind.UNKNOWN,
            raw,
            raw[:UNKNOWN_VALUE_LENGTH],
            symbology=symbology,
            layout_fixed=layout,
            problem=found.problem,
        )
    ki = None
    if found.gtin is not None and found.serial is not None:
        ki = "01" + found.gtin + "21" + found.serial
    return Classified(
        found.kind,
        raw,
        found.value,
        symbology=symbology,
        gtin=found.gtin,
        serial=found.serial,
        identification_code=ki,
        marketplace=found.marketplace,
        layout_fixed=layout,
        problem=found.problem,
    )


def _classify_text(text: str, symbology: str | None) -> _Found:
    """Classify prechecked text (no CR/LF suffix, no AIM prefix)."""
    found = _classify_own(text)
    if found is None and _is_gs1_candidate(text, symbology):
        found = _classify_gs1(text)
    if found is None:
        found = _classify_product(text)
    if found is None:
        found = _classify_order_code(text)
    return found or _Found(CodeKind.UNKNOWN, problem="unrecognised")


def _classify_own(text: str) -> _Found | None:
    """Our own labels: commands, badges, LPNs, bins, printers (Caps Lock lower case accepted)."""
    if not text.isascii():
        return None
    upper = text.upper()
    if upper.startswith(COMMAND_PREFIX):
        command = parse_command(upper)
        if command is None:
            return _Found(CodeKind.UNKNOWN, problem="unknown_command")
        return _Found(CodeKind.COMMAND, command.code)
    own = (
        (CodeKind.BADGE, _BADGE),
        (CodeKind.LPN, _LPN),
        (CodeKind.BIN, _BIN),
        (CodeKind.PRINTER, _PRINTER),
    )
    for kind, pattern in own:
        if pattern.fullmatch(upper):
            return _Found(kind, upper)
    return None


def _is_gs1_candidate(text: str, symbology: str | None) -> bool:
    """Whether `text` should be read as a GS1 element string."""
    # A leading GS is how some scanners send FNC1 in first position when AIM ids are off.
    return symbology in GS1_SYMBOLOGIES or text.startswith(GS) or bool(_GS1_START.match(text))


def _classify_gs1(text: str) -> _Found:
    """A GS1 element string: marking code (01 + 21), GS1 with a GTIN, or invalid."""
    result = biip.parse(_BIIP_GS1_ONLY + text)
    message = result.gs1_message
    if message is None or result.gs1_message_error is not None:
        return _Found(CodeKind.UNKNOWN, problem="gs1_invalid")
    elements = message.element_strings
    ai01 = elements.get(ai="01")
    if ai01 is None:
        return _Found(CodeKind.UNKNOWN, problem="unrecognised")  # e.g. an SSCC: not ours
    if result.gtin is None:
        return _Found(CodeKind.UNKNOWN, problem="bad_check_digit")
    if GS not in text and _may_hide_dropped_separator(message):
        return _Found(CodeKind.UNKNOWN, problem="gs1_invalid")
    gtin = result.gtin.as_gtin_14()
    ai21 = elements.get(ai="21")
    if ai21 is None:
        return _Found(CodeKind.GS1, gtin, gtin=gtin)
    return _Found(CodeKind.MARKING_CODE, gtin, gtin=gtin, serial=ai21.value)


def _may_hide_dropped_separator(message: GS1Message) -> bool:
    """Whether a GS-less message could be a mis-split one whose GS the scanner dropped."""
    # Without GS, biip lets a variable-length value run on; a serial `ABCDEF93abcd` may really
    # be serial `ABCDEF` + short crypto `93abcd`. We cannot tell, so we refuse rather than guess.
    for element in message.element_strings:
        if not element.ai.separator_required:
            continue
        pattern = _HIDDEN_CRYPTO_AI if element.ai.ai == "21" else _HIDDEN_AI
        if pattern.search(element.value):
            return True
    return False


def _classify_product(text: str) -> _Found | None:
    """EAN-8, UPC-A, EAN-13 or GTIN-14 with a valid check digit."""
    if not _EAN.fullmatch(text):
        return None
    if not _has_valid_check_digit(text):
        return _Found(CodeKind.UNKNOWN, problem="bad_check_digit")
    gtin = text.zfill(14)
    return _Found(CodeKind.PRODUCT, gtin, gtin=gtin)


def _classify_order_code(text: str) -> _Found | None:
    """A marketplace order / return code (formats in the module docstring)."""
    if _OZON_POSTING.fullmatch(text):
        return _Found(CodeKind.ORDER_CODE, text, marketplace="ozon")
    if _WB_ID.fullmatch(text) or _WB_STICKER.fullmatch(text):
        return _Found(CodeKind.ORDER_CODE, text, marketplace="wildberries")
    if _KASPI_ORDER.fullmatch(text):
        return _Found(CodeKind.ORDER_CODE, text, marketplace="kaspi")
    return None


def _repair_layout(raw: str, text: str, symbology: str | None) -> Classified | None:
    """Map text typed through a ru/kk layout back to US keys; None if that finds nothing."""
    for layout in (Layout.RU, Layout.KK):
        if not looks_typed_through(text, layout):
            continue
        # Caps Lock inverts the case of every letter key, Cyrillic ones included; swapcase
        # undoes it (digits and punctuation keys are not affected by Caps Lock).
        for typed in (text, text.swapcase()):
            mapped, mapped_symbology = _split_aim(to_us(typed, layout), symbology)
            found = _classify_text(mapped, mapped_symbology)
            if found.kind is not CodeKind.UNKNOWN:
                return _build(raw, mapped_symbology, found, layout=layout.value)
    return None
