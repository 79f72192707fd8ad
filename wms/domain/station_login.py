"""Handheld login codes: the barcode a browser station scans instead of typing its token.

`SL` + the station id (5 digits) + 21 digits of HMAC-SHA256(secret key, station id, epoch).
Nothing secret is stored: the code is derived from the server's secret key, so the dashboard and
`wms labels render station_login` show the same code, and bumping the station's epoch revokes
it (and every browser session opened with it). About 70 bits: with the login rate limit,
guessing is hopeless; the token (48 characters) is never shown on a label or screen.
"""

from __future__ import annotations

import hashlib
import hmac
import re

PREFIX = "SL"
_ID_DIGITS = 5
_MAC_DIGITS = 21
_CODE = re.compile(rf"{PREFIX}(\d{{{_ID_DIGITS}}})(\d{{{_MAC_DIGITS}}})")
# What a keyboard wedge types for "SL" with a Russian or Kazakh layout active.
_LAYOUT_PREFIXES = ("ЫД", "ыд", "sl")


def login_code(secret: str, station_id: int, epoch: int) -> str:
    """The station's current login code."""
    if not 0 < station_id < 10**_ID_DIGITS:
        raise ValueError(f"station id {station_id} does not fit a login code")
    return f"{PREFIX}{station_id:0{_ID_DIGITS}d}{_mac(secret, station_id, epoch)}"


def parse_login_code(code: str) -> tuple[int, str] | None:
    """(station id, the code normalised) if `code` has the shape of a login code."""
    code = code.strip()
    for typed in _LAYOUT_PREFIXES:
        if code.startswith(typed):
            code = PREFIX + code[len(typed) :]
    match = _CODE.fullmatch(code)
    return (int(match.group(1)), code) if match else None


def is_login_code(code: str) -> bool:
    """Whether a scan looks like a login code (never sent as a scan: it is a secret)."""
    return parse_login_code(code) is not None


def code_matches(secret: str, station_id: int, epoch: int, code: str) -> bool:
    """Constant-time check of a scanned code against the station's current one."""
    return hmac.compare_digest(login_code(secret, station_id, epoch), code)


def _mac(secret: str, station_id: int, epoch: int) -> str:
    message = f"station-login:{station_id}:{epoch}".encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return f"{int.from_bytes(digest, 'big') % 10**_MAC_DIGITS:0{_MAC_DIGITS}d}"
