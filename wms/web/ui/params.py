"""Query parameters of the pages, checked: a bad value is a clear 400 page, never a 500."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

import sqlalchemy as sa
from flask import request
from flask_babel import gettext
from sqlalchemy.orm import Session

from wms.db.models import Merchant
from wms.domain.errors import NotFound
from wms.domain.limits import EARLIEST, LATEST, MAX_DB_INT
from wms.web.auth import Principal
from wms.web.ui.queries.sql import Period, last_days

PERIOD_DAYS = (7, 30, 90, 365)
MAX_TEXT = 100


class BadParam(Exception):
    """A query parameter has a value the page cannot use."""

    def __init__(self, name: str, value: str, expected: str) -> None:
        super().__init__(f"{name}={value!r}: expected {expected}")
        self.name, self.value, self.expected = name, value, expected


def text(name: str, max_len: int = MAX_TEXT) -> str | None:
    """A free-text parameter (trimmed; empty means absent)."""
    value = request.args.get(name, "").strip()
    if len(value) > max_len:
        raise BadParam(name, value[:20] + "…", gettext("at most %(n)s characters", n=max_len))
    return value or None


def choice(name: str, allowed: Iterable[str]) -> str | None:
    """One of a fixed set of values."""
    value = text(name)
    options = list(allowed)
    if value is not None and value not in options:
        raise BadParam(name, value, gettext("one of: %(options)s", options=", ".join(options)))
    return value


def integer(name: str, *, minimum: int = 0, maximum: int = MAX_DB_INT) -> int | None:
    """A whole number within bounds (by default those of the database's integer columns)."""
    value = text(name)
    if value is None:
        return None
    if not value.isascii() or not value.isdigit():  # int() would also take " 2", "+2", "2_0"
        raise BadParam(name, value, gettext("a whole number"))
    try:
        number = int(value)
    except ValueError:
        raise BadParam(name, value, gettext("a whole number")) from None
    if not minimum <= number <= maximum:
        raise BadParam(name, value, gettext("a number from %(a)s to %(b)s", a=minimum, b=maximum))
    return number


def day(name: str) -> date | None:
    """A date as YYYY-MM-DD."""
    value = text(name)
    if value is None:
        return None
    try:
        found = date.fromisoformat(value)
    except ValueError:
        raise BadParam(name, value, gettext("a date like 2026-03-31")) from None
    if not EARLIEST.date() <= found <= LATEST.date():  # period arithmetic stays in range
        raise BadParam(name, value, gettext("a date like 2026-03-31"))
    return found


def period(now: datetime, default_days: int = 30) -> Period:
    """`days=7|30|90|365` or `from`/`to` dates (at most two years)."""
    first, last = day("from"), day("to")
    if first or last:
        last = last or last_days(now, 1).last
        first = first or last
        if first > last:
            raise BadParam("from", first.isoformat(), gettext("a date not after the end date"))
        if (last - first).days > 731:
            raise BadParam("from", first.isoformat(), gettext("a range of at most two years"))
        return Period(first, last)
    days = choice("days", [str(d) for d in PERIOD_DAYS])
    return last_days(now, int(days) if days else default_days)


def merchant(session: Session, principal: Principal) -> int | None:
    """The merchant to show: a merchant login always sees only its own; staff may pick one."""
    if principal.merchant_id is not None:
        return principal.merchant_id
    code = text("merchant", 40)
    if code is None:
        return None
    found = session.execute(
        sa.select(Merchant.id).where(Merchant.code == code)
    ).scalar_one_or_none()
    if found is None:
        raise NotFound("merchant.not_found", merchant=code)
    return int(found)


def merchant_codes(session: Session, principal: Principal) -> list[tuple[str, str]]:
    """Merchants for a filter drop-down (only one's own for a merchant login)."""
    stmt = sa.select(Merchant.code, Merchant.name).order_by(Merchant.code)
    if principal.merchant_id is not None:
        stmt = stmt.where(Merchant.id == principal.merchant_id)
    return [(code, name) for code, name in session.execute(stmt).all()]
