"""Bounds of values the edge accepts: whatever passes fits the database and the labels."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

# Ids and cursors are 32-bit on PostgreSQL (SERIAL / INTEGER); a bigger one names nothing.
MAX_DB_INT = 2**31 - 1
# JSON bodies: size cap (chunked bodies included) and nesting depth; our schemas need 3 levels.
MAX_JSON_BYTES = 1_000_000
MAX_JSON_DEPTH = 32
# A return slip prints the order code as Code 128, which fits 48 characters on the 58 mm label
# (labels.code128.MAX_LENGTH); longer codes are refused where they enter.
MAX_ORDER_CODE = 48
# Timestamps outside these years are typos or attacks, never warehouse events; the bounds also
# keep every conversion to UTC (and ±1 day arithmetic) inside `datetime`'s range.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2199, 12, 31, tzinfo=UTC)


def has_nul(text: str) -> bool:
    """Whether a text holds U+0000, which PostgreSQL cannot store and no user ever means."""
    return "\x00" in text


def to_utc(value: datetime) -> datetime:
    """An aware timestamp in UTC, ValueError when outside the accepted years."""
    if value.tzinfo is None:
        raise ValueError("the timestamp needs a time zone")
    local = value.replace(tzinfo=None)
    # Check the local year first: subtracting the offset from year 1 or 9999 would overflow.
    if EARLIEST.year - 1 <= local.year <= LATEST.year + 1:
        utc = (local - (value.utcoffset() or timedelta(0))).replace(tzinfo=UTC)
        if EARLIEST <= utc <= LATEST:
            return utc
    raise ValueError(f"the timestamp must lie between {EARLIEST.year} and {LATEST.year}")
