"""Gap-free counters for LPNs and return order numbers, safe under concurrent transactions."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from wms.db.base import table_of
from wms.db.models import Counter
from wms.db.session import dialect_insert

LPN_PREFIX = "LPN"
LPN_DIGITS = 10
_COUNTERS = table_of(Counter)
# Core, built once: one UPDATE … RETURNING per number taken, no ORM bookkeeping.
_ADVANCE = (
    _COUNTERS.update()
    .where(_COUNTERS.c.name == sa.bindparam("counter"))
    .values(value=_COUNTERS.c.value + sa.bindparam("count"))
    .returning(_COUNTERS.c.value)
)


def take(session: Session, name: str, count: int = 1) -> range:
    """Advance counter `name` by `count` and return the numbers taken (row-locked by UPDATE)."""
    if count < 1:
        raise ValueError("count must be positive")
    params = {"counter": name, "count": count}
    last = session.execute(_ADVANCE, params).scalar_one_or_none()
    if last is None:
        _create(session, name)
        last = session.execute(_ADVANCE, params).scalar_one()
    return range(last - count + 1, last + 1)


def _create(session: Session, name: str) -> None:
    insert = dialect_insert(session)
    session.execute(insert(Counter).values(name=name, value=0).on_conflict_do_nothing())


def format_lpn(number: int) -> str:
    """`LPN` + 10 digits."""
    if not 0 < number < 10**LPN_DIGITS:
        raise ValueError(f"LPN number out of range: {number}")
    return f"{LPN_PREFIX}{number:0{LPN_DIGITS}d}"


def parse_lpn(lpn: str) -> int:
    """The number inside an LPN (ValueError when it is not one)."""
    if len(lpn) != len(LPN_PREFIX) + LPN_DIGITS or not lpn.startswith(LPN_PREFIX):
        raise ValueError(f"not an LPN: {lpn!r}")
    digits = lpn[len(LPN_PREFIX) :]
    if not digits.isdigit():
        raise ValueError(f"not an LPN: {lpn!r}")
    return int(digits)


def next_lpn(session: Session) -> str:
    """Allocate one LPN."""
    return format_lpn(take(session, "lpn")[0])


def next_return_number(session: Session) -> str:
    """Allocate our own return order number (`RO-0000123`)."""
    return f"RO-{take(session, 'return_order')[0]:07d}"
