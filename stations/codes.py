"""What the station itself must know about a scanned code (the server does the real classifying)."""

from __future__ import annotations

import re

GS = "\x1d"
LPN_PREFIX = "LPN"
LPN_DIGITS = 10
# Codes that name one thing: scanning them twice within a second is a double read, not two units.
UNIQUE_PREFIXES = ("LPN", "OP-", "BIN-", "PRN-", "CMD:")
# AIM symbology identifier (ISO/IEC 15424): "]" + code letter + one modifier character.
_AIM = re.compile(r"\][A-Za-z][0-9A-Za-z]")
_GTIN_LENGTHS = (8, 12, 13, 14)
# Symbologies that carry a retail GTIN; plain Code 128 (]C0) digits are order or sticker numbers.
_GTIN_SYMBOLOGIES = ("]E", "]I1", "]C1", "]d2", "]Q3", "]e0")


def split_aim(text: str) -> tuple[str | None, str]:
    """Split a leading AIM identifier (`]d2…`) from the data: `(symbology or None, data)`."""
    if _AIM.match(text):
        return text[:3], text[3:]
    return None, text


def gtin_check_digit_ok(digits: str) -> bool:
    """Whether an EAN-8/UPC-A/EAN-13/GTIN-14 string has a valid GS1 mod-10 check digit."""
    if len(digits) not in _GTIN_LENGTHS or not digits.isascii() or not digits.isdigit():
        return False
    body, check = digits[:-1], int(digits[-1])
    # Weights 3,1,3,1… from the right of the body (the check digit itself excluded).
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == check


def is_marking_code(code: str) -> bool:
    """A GS1 element string with AI 01 (GTIN-14) followed by AI 21 (serial): a unique unit code."""
    return (
        len(code) > 18
        and code.startswith("01")
        and gtin_check_digit_ok(code[2:16])
        and code[16:18] == "21"
        and not code[18:].startswith(GS)
    )


def is_product_code(code: str, symbology: str | None = None) -> bool:
    """A code that identifies a product: an EAN/GTIN with a valid check digit or a marking code."""
    if is_marking_code(code):
        return True
    if symbology is not None and not symbology.startswith(_GTIN_SYMBOLOGIES):
        return False
    return gtin_check_digit_ok(code)


def is_unique_code(code: str) -> bool:
    """Whether a repeat of this code within a moment is a double read (never for EAN/GTIN)."""
    return code.startswith(UNIQUE_PREFIXES) or is_marking_code(code)


def format_lpn(number: int) -> str:
    """`LPN` + 10 digits."""
    if not 0 <= number < 10**LPN_DIGITS:
        raise ValueError(f"LPN number out of range: {number}")
    return f"{LPN_PREFIX}{number:0{LPN_DIGITS}d}"


def parse_lpn(text: str) -> int:
    """The number inside an `LPN0000000123` string; ValueError if it is not one."""
    digits = text[len(LPN_PREFIX) :]
    if (
        not text.startswith(LPN_PREFIX)
        or len(digits) != LPN_DIGITS
        or not digits.isascii()
        or not digits.isdigit()
    ):
        raise ValueError(f"not an LPN: {text!r}")
    return int(digits)
