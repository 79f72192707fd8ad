"""SQL pieces that differ between SQLite and PostgreSQL: durations, local days, percentiles."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from wms.domain import kpi


def warehouse_tz() -> Any:
    """The warehouse's time zone (set from `[warehouse] timezone`)."""
    return kpi.warehouse_tz()


def is_postgres(session: Session) -> bool:
    """Whether the session talks to PostgreSQL."""
    return session.get_bind().dialect.name == "postgresql"


def seconds_between(session: Session, start: Any, end: Any) -> sa.ColumnElement[Any]:
    """`end − start` in seconds as a SQL expression."""
    if is_postgres(session):
        return sa.func.extract("epoch", end - start)
    return (sa.func.julianday(end) - sa.func.julianday(start)) * 86400.0


def local_day(session: Session, column: Any) -> sa.ColumnElement[Any]:
    """The warehouse-local calendar day of a UTC timestamp column."""
    if is_postgres(session):
        return sa.cast(sa.func.timezone(warehouse_tz().key, column), sa.Date)
    offset = datetime.now(warehouse_tz()).utcoffset() or timedelta(0)
    return sa.func.date(column, f"{int(offset.total_seconds())} seconds")


def as_date(value: Any) -> date:
    """A day as the driver returns it (SQLite gives text)."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def day_start(day: date) -> datetime:
    """Midnight of a warehouse-local day, in UTC."""
    return datetime.combine(day, time(0), warehouse_tz()).astimezone(UTC)


def today(now: datetime) -> date:
    """The warehouse-local date of a moment."""
    return kpi.local_date(now)


@dataclass(frozen=True)
class Period:
    """A half-open time range [start, end) of whole warehouse-local days."""

    first: date
    last: date

    @property
    def start(self) -> datetime:
        """Start in UTC."""
        return day_start(self.first)

    @property
    def end(self) -> datetime:
        """End (exclusive) in UTC."""
        return day_start(self.last + timedelta(days=1))

    @property
    def days(self) -> int:
        """Number of days."""
        return (self.last - self.first).days + 1


def last_days(now: datetime, days: int) -> Period:
    """The `days` days ending today."""
    end = today(now)
    return Period(end - timedelta(days=days - 1), end)


def spreads(
    session: Session, subquery: sa.Subquery, percents: Sequence[int] = (50, 90)
) -> dict[Any, kpi.Spread]:
    """Nearest-rank p50/p90 of `subquery.c.seconds` per `subquery.c.grp`, computed in SQL."""
    grp, secs = subquery.c.grp, subquery.c.seconds
    if is_postgres(session):
        # Sorting a month of transitions needs more than the default 4 MB to stay in memory;
        # compiling the plan (JIT) costs more than these sub-second queries gain from it.
        session.execute(sa.text("SET LOCAL work_mem = '64MB'"))
        session.execute(sa.text("SET LOCAL jit = off"))
        # percentile_disc is the nearest-rank definition of wms.domain.kpi.percentile.
        cols = [sa.func.percentile_disc(p / 100).within_group(secs) for p in percents]
        rows = session.execute(sa.select(grp, sa.func.count(), *cols).group_by(grp)).all()
        return {row[0]: kpi.Spread(int(row[1]), _f(row[2]), _f(row[3])) for row in rows}
    return _spreads_by_rank(session, grp, secs, percents)


def _spreads_by_rank(
    session: Session, grp: Any, secs: Any, percents: Sequence[int]
) -> dict[Any, kpi.Spread]:
    ranked = sa.select(
        grp.label("grp"),
        secs.label("seconds"),
        sa.func.row_number().over(partition_by=grp, order_by=secs).label("rn"),
        sa.func.count().over(partition_by=grp).label("n"),
    ).subquery()
    wanted = [ranked.c.rn == (p * ranked.c.n + 99) // 100 for p in percents]
    rows = session.execute(
        sa.select(ranked.c.grp, ranked.c.seconds, ranked.c.rn, ranked.c.n).where(sa.or_(*wanted))
    ).all()
    found: dict[Any, dict[int, float]] = {}
    counts: dict[Any, int] = {}
    for key, seconds, rank, count in rows:
        counts[key] = int(count)
        for p in percents:
            if rank == kpi.nearest_rank(int(count), p):
                found.setdefault(key, {})[p] = float(seconds)
    return {
        key: kpi.Spread(counts[key], found[key].get(percents[0]), found[key].get(percents[1]))
        for key in counts
    }


def _f(value: Any) -> float | None:
    return None if value is None else float(value)


def in_period(column: Any, period: Period) -> sa.ColumnElement[bool]:
    """`column` falls inside the period."""
    return sa.and_(column >= period.start, column < period.end)


def scoped(column: Any, merchant_ids: Iterable[int] | int | None) -> sa.ColumnElement[bool]:
    """Limit to a merchant (or a few); None means every merchant."""
    if merchant_ids is None:
        return sa.true()
    if isinstance(merchant_ids, int):
        return column == merchant_ids  # type: ignore[no-any-return]
    return column.in_(list(merchant_ids))  # type: ignore[no-any-return]
