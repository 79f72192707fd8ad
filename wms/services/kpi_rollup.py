"""KPI rollups: each warehouse-local day's counters, reasons and durations, rebuilt by the
`kpi_rollup` job so the KPI and reasons pages add up days instead of scanning a million units.

A day is rebuilt whole, in one transaction, from the very queries the pages would otherwise
run (`wms.web.ui.queries.analytics`), so its figures are those queries' figures. Which days:
- days never rolled up, and days rolled up while still open (from the first data on);
- today, up to now (the pages read only what happened after that directly);
- days whose facts changed since the last run: a transition, receipt or decision of a unit or
  order (the audit trail), a marketplace confirming a putaway (`units.reintegrated_at`);
- a few of the days not rebuilt for a day, every run, so each day comes round about once a
  day (edits no audit event records, e.g. a product's category) without one long run.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from wms.db.base import utcnow
from wms.db.models import (
    AuditEvent,
    KpiCount,
    KpiDuration,
    KpiDurationBucket,
    KpiReasonCount,
    KpiReasonDim,
    KpiRolledDay,
    Product,
    ReturnOrder,
    Unit,
)
from wms.db.session import Database, dialect_insert
from wms.domain import kpi
from wms.domain.orders import ReturnOrderState
from wms.domain.returns import QUALITY_REASONS, Marketplace
from wms.domain.rollup import bucket_of
from wms.domain.stock import Channel
from wms.domain.units import UnitState
from wms.services.uow import UnitOfWork
from wms.web.ui.queries import analytics as q
from wms.web.ui.queries.sql import day_start, in_period

# Changes are looked for this far before the last run started: a transaction that began
# before it may commit after it.
MARGIN = timedelta(minutes=10)
# Each run also rebuilds this many of the days not rebuilt for REBUILD_EVERY (a year of days
# comes round in ~4 hours of 10-minute runs).
REBUILD_EVERY = timedelta(hours=24)
REBUILD_PER_RUN = 15
INSERT_CHUNK = 5000


@dataclass(frozen=True)
class Span:
    """A time range [start, end) (the queries read only these two)."""

    start: datetime
    end: datetime


@dataclass
class Report:
    """What a refresh did."""

    days: int = 0
    durations: int = 0
    full: bool = False
    rolled: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (at most the last ten days named)."""
        return {
            "days": self.days,
            "durations": self.durations,
            "full": self.full,
            "last_days": self.rolled[-10:],
        }


def refresh(db: Database, state: dict[str, Any], now: datetime | None = None) -> Report:
    """Rebuild the days that need it; `state` keeps the watermark between runs."""
    now = now or utcnow()
    report = Report()
    today = kpi.local_date(now)
    with db.reading() as session:
        first = _first_day(session)
        if first is None:
            state["watermark"] = now.isoformat()
            return report
        report.full = "watermark" not in state
        if report.full:
            days = _all_days(first, today)
        else:
            since = datetime.fromisoformat(state["watermark"]) - MARGIN
            days = _missing(session, first, today) | _changed(session, since) | {today}
            days |= _oldest(session, now)
    # Newest first: the pages' default periods are fast soonest after a first (long) run.
    for day in sorted((d for d in days if first <= d <= today), reverse=True):
        with UnitOfWork(db, clock=lambda: now) as uow:
            report.durations += roll_day(uow, day, now)
            uow.commit()
        report.days += 1
        report.rolled.append(day.isoformat())
    state["watermark"] = now.isoformat()
    return report


def _oldest(session: Session, now: datetime) -> set[date]:
    """A few days not rebuilt for a day (catches edits no audit event records, such as a
    product's category): every day comes round about once a day, no run grows long."""
    return set(
        session.execute(
            sa.select(KpiRolledDay.day)
            .where(KpiRolledDay.computed_at < now - REBUILD_EVERY)
            .order_by(KpiRolledDay.computed_at, KpiRolledDay.day)
            .limit(REBUILD_PER_RUN)
        ).scalars()
    )


def _first_day(session: Session) -> date | None:
    moments = [
        m
        for m in (
            session.execute(sa.select(sa.func.min(ReturnOrder.created_at))).scalar(),
            session.execute(sa.select(sa.func.min(Unit.received_at))).scalar(),
        )
        if m is not None
    ]
    return kpi.local_date(min(moments)) if moments else None


def _all_days(first: date, last: date) -> set[date]:
    return {first + timedelta(days=i) for i in range((last - first).days + 1)}


def _missing(session: Session, first: date, today: date) -> set[date]:
    """Days without rows, and closed days rolled up before they closed."""
    complete = {
        d
        for d, through in session.execute(sa.select(KpiRolledDay.day, KpiRolledDay.through))
        if through >= day_start(d + timedelta(days=1))
    }
    return _all_days(first, today - timedelta(days=1)) - complete


def _changed(session: Session, since: datetime) -> set[date]:
    """Days whose figures may have moved since `since`."""
    moments: set[datetime] = set()
    units = sa.select(AuditEvent.entity_id).where(
        AuditEvent.entity == "unit", AuditEvent.created_at >= since
    )
    orders = sa.select(AuditEvent.entity_id).where(
        AuditEvent.entity == "return_order", AuditEvent.created_at >= since
    )
    for row in session.execute(
        sa.select(Unit.received_at, Unit.putaway_at, Unit.terminal_at).where(
            sa.or_(Unit.id.in_(units), Unit.reintegrated_at >= since)
        )
    ):
        moments.update(m for m in row if m is not None)
    for row in session.execute(
        sa.select(ReturnOrder.created_at, ReturnOrder.received_at).where(
            sa.or_(ReturnOrder.id.in_(orders), ReturnOrder.created_at >= since)
        )
    ):
        moments.update(m for m in row if m is not None)
    # stays end on the day of the transition itself
    moments.update(
        session.execute(
            sa.select(AuditEvent.created_at).where(
                AuditEvent.entity == "unit", AuditEvent.created_at >= since
            )
        ).scalars()
    )
    return {kpi.local_date(m) for m in moments}


def roll_day(uow: UnitOfWork, day: date, now: datetime) -> int:
    """Replace one day's rollup rows (up to `now` if the day is still open)."""
    session = uow.session
    end = min(day_start(day + timedelta(days=1)), now)
    span = Span(day_start(day), end)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SET LOCAL jit = off"))
    # Marking the day first locks its row: two rebuilds of one day (a manual run beside the
    # scheduled one) wait for each other instead of inserting the same rows twice.
    values = {"computed_at": now, "through": end}
    session.execute(
        dialect_insert(session)(KpiRolledDay)
        .values(day=day, **values)
        .on_conflict_do_update(index_elements=["day"], set_=values)
    )
    for model in (KpiCount, KpiReasonCount, KpiReasonDim, KpiDuration, KpiDurationBucket):
        session.execute(sa.delete(model).where(model.day == day))
    counts = day_counts(session, span)
    if counts:
        session.execute(
            sa.insert(KpiCount),
            [
                {"day": day, "merchant_id": m, "name": name, "n": n, "amount": amount}
                for (m, name), (n, amount) in counts.items()
            ],
        )
    reasons = _reasons(session, span)
    if reasons:
        session.execute(
            sa.insert(KpiReasonCount),
            [
                {"day": day, "merchant_id": m, "product_id": p, "reason": r, "n": n}
                for (m, p, r), n in reasons.items()
            ],
        )
    dims = _reason_dims(session, reasons)
    if dims:
        session.execute(
            sa.insert(KpiReasonDim),
            [
                {"day": day, "dim": dim, "key": key, "reason": r, "n": n}
                for (dim, key, r), n in dims.items()
            ],
        )
    durations = _durations(session, span)
    buckets: Counter[tuple[str, int]] = Counter()
    rows = []
    for metric, merchant_id, seconds in durations:
        bucket = bucket_of(seconds)
        buckets[(metric, bucket)] += 1
        rows.append(
            {
                "metric": metric,
                "day": day,
                "merchant_id": merchant_id,
                "bucket": bucket,
                "seconds": seconds,
            }
        )
    for i in range(0, len(rows), INSERT_CHUNK):
        session.execute(sa.insert(KpiDuration), rows[i : i + INSERT_CHUNK])
    if buckets:
        session.execute(
            sa.insert(KpiDurationBucket),
            [{"metric": m, "day": day, "bucket": b, "n": n} for (m, b), n in buckets.items()],
        )
    return len(rows)


def day_counts(session: Session, span: Span) -> dict[tuple[int, str], tuple[int, Decimal]]:
    """Per merchant: the counters the KPI page sums (same filters as the direct queries)."""
    out: dict[tuple[int, str], tuple[int, Decimal]] = {}
    zero = Decimal(0)

    def put(merchant_id: int, name: str, n: Any, amount: Any = None) -> None:
        if n:
            out[(merchant_id, name)] = (int(n), Decimal(amount or 0))

    on = Unit.putaway_at.is_not(None)
    for m, received, main, resale in session.execute(
        sa.select(
            Unit.merchant_id,
            sa.func.count(),
            sa.func.sum(sa.case((sa.and_(on, Unit.channel == Channel.MAIN), 1), else_=0)),
            sa.func.sum(sa.case((sa.and_(on, Unit.channel == Channel.RESALE), 1), else_=0)),
        )
        .where(in_period(Unit.received_at, span), Unit.state != UnitState.VOIDED)
        .group_by(Unit.merchant_id)
    ):
        put(m, "received", received)
        put(m, "put_main", main)
        put(m, "put_resale", resale)
    for m, n, cost in session.execute(
        sa.select(
            ReturnOrder.merchant_id,
            sa.func.count(),
            sa.func.sum(ReturnOrder.reverse_logistics_cost),
        )
        .where(in_period(ReturnOrder.received_at, span))
        .group_by(ReturnOrder.merchant_id)
    ):
        put(m, "orders_received", n, cost or zero)
    for m, n in session.execute(
        sa.select(ReturnOrder.merchant_id, sa.func.count())
        .where(
            ReturnOrder.marketplace == Marketplace.KASPI,
            ReturnOrder.reason.in_(list(QUALITY_REASONS)),
            ReturnOrder.state != ReturnOrderState.CANCELLED,
            in_period(ReturnOrder.created_at, span),
        )
        .group_by(ReturnOrder.merchant_id)
    ):
        put(m, "quality_returns", n)
    for m, put_away, confirmed in session.execute(
        sa.select(Unit.merchant_id, sa.func.count(), sa.func.count(Unit.reintegrated_at))
        .where(in_period(Unit.putaway_at, span))
        .group_by(Unit.merchant_id)
    ):
        put(m, "put_away", put_away)
        put(m, "reintegrated", confirmed)
    return out


def _reasons(session: Session, span: Span) -> dict[tuple[int, int, str], int]:
    rows = session.execute(
        sa.select(Unit.merchant_id, Unit.product_id, ReturnOrder.reason, sa.func.count())
        .join(ReturnOrder, ReturnOrder.id == Unit.return_order_id)
        .where(in_period(Unit.received_at, span), Unit.state != UnitState.VOIDED)
        .group_by(Unit.merchant_id, Unit.product_id, ReturnOrder.reason)
    ).all()
    out: dict[tuple[int, int, str], int] = defaultdict(int)
    for m, p, reason, n in rows:
        out[(m, p, reason.value)] += int(n)
    return out


def _reason_dims(
    session: Session, reasons: dict[tuple[int, int, str], int]
) -> Counter[tuple[str, str, str]]:
    """The day's reasons per merchant, per category, and per product (reason "")."""
    products = {p for _m, p, _r in reasons}
    category = dict(
        session.execute(
            sa.select(Product.id, Product.category).where(Product.id.in_(products))
        ).all()
    )
    out: Counter[tuple[str, str, str]] = Counter()
    for (m, p, r), n in reasons.items():
        out[("merchant", str(m), r)] += n
        out[("category", str(category[p]), r)] += n
        out[("product", str(p), "")] += n
    return out


def _durations(session: Session, span: Span) -> list[tuple[str, int, float]]:
    """(metric, merchant, seconds) of the span: stays by state, receipt → done, reintegration."""
    out = []
    for sub in (
        q.stay_rows(session, span, None, with_merchant=True),
        q.total_rows(session, span, None),
        q.reintegration_rows(session, span, None),
    ):
        for grp, seconds, merchant_id in session.execute(
            sa.select(sub.c.grp, sub.c.seconds, sub.c.merchant_id)
        ):
            if seconds is not None:
                out.append((str(grp), int(merchant_id), float(seconds)))
    return out
