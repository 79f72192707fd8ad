"""The KPI and reasons figures from the rollups plus a direct query of what they do not cover.

A period splits into the days rolled up (their rows, up to each day's `through`) and the rest
(after the last rollup of today, days never rolled up), which the direct queries of
`analytics` answer. Sums add up; percentiles go through `wms.domain.rollup` so they are the
exact nearest-rank values. With nothing rolled up, the direct queries answer alone.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from wms.db.models import (
    KpiCount,
    KpiDuration,
    KpiDurationBucket,
    KpiReasonCount,
    KpiReasonDim,
    KpiRolledDay,
    Merchant,
    MerchantOrderCount,
    Product,
)
from wms.domain import kpi, rollup
from wms.domain.returns import Marketplace
from wms.web.ui.queries import analytics as q
from wms.web.ui.queries.sql import Period, as_date, day_start, scoped

PERCENTS = (50, 90)


@dataclass(frozen=True)
class Span:
    """A time range [start, end) the direct queries answer."""

    start: datetime
    end: datetime


@dataclass
class Split:
    """Rolled-up days (as ranges of days) and the time spans to query directly."""

    rolled: list[tuple[date, date]] = field(default_factory=list)
    live: list[Span] = field(default_factory=list)

    def days(self, column: Any) -> Any:
        """SQL: `column` (a day) inside the rolled ranges."""
        return sa.or_(*[column.between(a, b) for a, b in self.rolled])


def split(session: Session, period: Any) -> Split | None:
    """How to answer a period; None when nothing in it is rolled up."""
    rows = dict(
        session.execute(
            sa.select(KpiRolledDay.day, KpiRolledDay.through).where(
                KpiRolledDay.day.between(period.first, period.last)
            )
        ).all()
    )
    if not rows:
        return None
    out = Split()
    day = period.first
    while day <= period.last:
        end = day_start(day + timedelta(days=1))
        through = rows.get(day)
        if through is not None:
            if out.rolled and out.rolled[-1][1] == day - timedelta(days=1):
                out.rolled[-1] = (out.rolled[-1][0], day)
            else:
                out.rolled.append((day, day))
        start = day_start(day) if through is None else min(through, end)
        if start < end:
            if out.live and out.live[-1].end == start:
                out.live[-1] = Span(out.live[-1].start, end)
            else:
                out.live.append(Span(start, end))
        day += timedelta(days=1)
    return out


# -- counters -------------------------------------------------------------------------------


def _counts(session: Session, s: Split, merchant_id: int | None) -> dict[tuple[int, str], Any]:
    rows = session.execute(
        sa.select(
            KpiCount.merchant_id,
            KpiCount.name,
            sa.func.sum(KpiCount.n),
            sa.func.sum(KpiCount.amount),
        )
        .where(s.days(KpiCount.day), scoped(KpiCount.merchant_id, merchant_id))
        .group_by(KpiCount.merchant_id, KpiCount.name)
    ).all()
    return {(m, name): (int(n or 0), Decimal(amount or 0)) for m, name, n, amount in rows}


def _total(counts: dict[tuple[int, str], Any], name: str) -> int:
    return sum(n for (_m, key), (n, _a) in counts.items() if key == name)


def resale_share(session: Session, period: Period, merchant_id: int | None) -> kpi.ResaleShare:
    """As `analytics.resale_share`, from the rollups."""
    s = split(session, period)
    if s is None:
        return q.resale_share(session, period, merchant_id)
    c = _counts(session, s, merchant_id)
    received, main, resale = (_total(c, k) for k in ("received", "put_main", "put_resale"))
    for span in s.live:
        live = q.resale_share(session, span, merchant_id)
        received, main, resale = (
            received + live.received,
            main + live.main,
            resale + live.resale,
        )
    return kpi.ResaleShare(received, main, resale)


def costs(session: Session, period: Period, merchant_id: int | None) -> list[q.MerchantCostRow]:
    """As `analytics.costs`, from the rollups."""
    s = split(session, period)
    if s is None:
        return q.costs(session, period, merchant_id)
    c = _counts(session, s, merchant_id)
    orders: dict[int, list[Any]] = defaultdict(lambda: [0, Decimal(0), 0])
    for (m, name), (n, amount) in c.items():
        if name == "orders_received":
            orders[m][0] += n
            orders[m][1] += amount
        elif name == "received":
            orders[m][2] += n
    for span in s.live:
        for row in q.costs(session, span, merchant_id):
            orders[row.merchant_id][0] += row.cost.orders
            orders[row.merchant_id][1] += row.cost.reverse_logistics
            orders[row.merchant_id][2] += row.cost.units
    rows = []
    merchants = sa.select(Merchant).where(scoped(Merchant.id, merchant_id)).order_by(Merchant.code)
    for m in session.execute(merchants).scalars():
        n_orders, logistics, units = orders.get(m.id, [0, Decimal(0), 0])
        cost = kpi.MerchantCost(n_orders, units, logistics, m.handling_fee)
        rows.append(q.MerchantCostRow(m.id, m.code, m.name, cost))
    return rows


def quality_rates(session: Session, today: date, merchant_id: int | None) -> list[q.QualityRow]:
    """As `analytics.quality_rates`, the quality returns from the rollups."""
    first, last = kpi.quality_window(today)
    window = Period(first, last)
    s = split(session, window)
    if s is None:
        return q.quality_rates(session, today, merchant_id)
    returns: Counter[int] = Counter()
    for (m, name), (n, _a) in _counts(session, s, merchant_id).items():
        if name == "quality_returns":
            returns[m] += n
    for span in s.live:
        returns.update(_quality_live(session, span, merchant_id))
    orders = dict(
        session.execute(
            sa.select(
                MerchantOrderCount.merchant_id, sa.func.sum(MerchantOrderCount.completed_orders)
            )
            .where(
                MerchantOrderCount.marketplace == Marketplace.KASPI,
                MerchantOrderCount.day >= first,
                MerchantOrderCount.day <= last,
                scoped(MerchantOrderCount.merchant_id, merchant_id),
            )
            .group_by(MerchantOrderCount.merchant_id)
        ).all()
    )
    merchants = sa.select(Merchant).where(scoped(Merchant.id, merchant_id)).order_by(Merchant.code)
    return [
        q.QualityRow(
            m.id,
            m.code,
            m.name,
            kpi.quality_rate(int(returns.get(m.id, 0)), int(orders.get(m.id, 0) or 0)),
        )
        for m in session.execute(merchants).scalars()
    ]


def _quality_live(session: Session, span: Span, merchant_id: int | None) -> Counter[int]:
    from wms.services.kpi_rollup import Span as BuildSpan
    from wms.services.kpi_rollup import day_counts

    counts = day_counts(session, BuildSpan(span.start, span.end))
    return Counter(
        {
            m: n
            for (m, name), (n, _a) in counts.items()
            if name == "quality_returns" and (merchant_id is None or m == merchant_id)
        }
    )


# -- durations ------------------------------------------------------------------------------


def _spreads(
    session: Session, s: Split, merchant_id: int | None, metrics: Sequence[str], live: Any
) -> dict[str, kpi.Spread]:
    """Exact p50/p90 per metric over the rolled days plus the live values."""
    if merchant_id is None:
        hist_rows = session.execute(
            sa.select(
                KpiDurationBucket.metric, KpiDurationBucket.bucket, sa.func.sum(KpiDurationBucket.n)
            )
            .where(s.days(KpiDurationBucket.day), KpiDurationBucket.metric.in_(metrics))
            .group_by(KpiDurationBucket.metric, KpiDurationBucket.bucket)
        ).all()
    else:
        hist_rows = session.execute(
            sa.select(KpiDuration.metric, KpiDuration.bucket, sa.func.count())
            .where(
                s.days(KpiDuration.day),
                KpiDuration.merchant_id == merchant_id,
                KpiDuration.metric.in_(metrics),
            )
            .group_by(KpiDuration.metric, KpiDuration.bucket)
        ).all()
    stored: dict[str, Counter[int]] = defaultdict(Counter)
    for metric, bucket, n in hist_rows:
        stored[metric][int(bucket)] += int(n)
    extra: dict[str, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    for metric, seconds in live:
        extra[metric][rollup.bucket_of(seconds)].append(seconds)
    out = {}
    for metric in metrics:
        hist = Counter(stored.get(metric, {}))
        for bucket, values in extra.get(metric, {}).items():
            hist[bucket] += len(values)
        total = sum(hist.values())
        if not total:
            continue
        values = []
        for rank in rollup.percent_ranks(total, PERCENTS):
            bucket, inside = rollup.locate(hist, rank)
            more = extra.get(metric, {}).get(bucket, [])
            offset, count = rollup.window(inside, len(more))
            stmt = (
                sa.select(KpiDuration.seconds)
                .where(
                    KpiDuration.metric == metric,
                    KpiDuration.bucket == bucket,
                    s.days(KpiDuration.day),
                )
                .order_by(KpiDuration.seconds)
                .offset(offset)
                .limit(count)
            )
            if merchant_id is not None:
                stmt = stmt.where(KpiDuration.merchant_id == merchant_id)
            found = [float(v) for v in session.execute(stmt).scalars()]
            values.append(rollup.nth(found, offset, more, inside))
        out[metric] = kpi.Spread(total, values[0], values[1])
    return out


def _live_durations(session: Session, s: Split, merchant_id: int | None, kinds: str) -> list:
    rows = []
    for span in s.live:
        subs = []
        if "stays" in kinds:
            subs += [
                q.stay_rows(session, span, merchant_id),
                q.total_rows(session, span, merchant_id),
            ]
        if "reintegration" in kinds:
            subs.append(q.reintegration_rows(session, span, merchant_id))
        for sub in subs:
            rows += [
                (str(g), float(v))
                for g, v in session.execute(sa.select(sub.c.grp, sub.c.seconds))
                if v is not None
            ]
    return rows


def processing_spreads(
    session: Session, period: Period, merchant_id: int | None
) -> dict[str, kpi.Spread]:
    """As `analytics.processing_spreads`, from the rollups."""
    s = split(session, period)
    if s is None:
        return q.processing_spreads(session, period, merchant_id)
    states = [state.value for state in kpi.STAGE_OF_STATE]
    live = _live_durations(session, s, merchant_id, "stays")
    by_state = _spreads(session, s, merchant_id, [*states, q.TOTAL], live)
    out = {}
    for key, value in by_state.items():
        stage = kpi.stage_of(key) if key != q.TOTAL else None
        out[stage.value if stage is not None else key] = value
    return out


def reintegration(session: Session, period: Period, merchant_id: int | None) -> q.Reintegration:
    """As `analytics.reintegration`, from the rollups."""
    s = split(session, period)
    if s is None:
        return q.reintegration(session, period, merchant_id)
    c = _counts(session, s, merchant_id)
    put_away, confirmed = _total(c, "put_away"), _total(c, "reintegrated")
    for span in s.live:
        live = q.reintegration(session, span, merchant_id)
        put_away += live.put_away
        confirmed += live.confirmed
    values = _live_durations(session, s, merchant_id, "reintegration")
    got = _spreads(session, s, merchant_id, [q.REINTEGRATION], values)
    spread = got.get(q.REINTEGRATION, kpi.Spread(0, None, None))
    return q.Reintegration(put_away, confirmed, spread)


# -- reasons --------------------------------------------------------------------------------


def _reason_rows(session: Session, s: Split, rf: q.ReasonFilter, key: Any) -> Any:
    stmt = (
        sa.select(key, KpiReasonCount.reason, sa.func.sum(KpiReasonCount.n))
        .select_from(KpiReasonCount)
        .where(s.days(KpiReasonCount.day), scoped(KpiReasonCount.merchant_id, rf.merchant_id))
    )
    if rf.category or rf.sku or key is Product.category or key is Product.sku:
        stmt = stmt.join(Product, Product.id == KpiReasonCount.product_id)
    if key is Merchant.code:
        stmt = stmt.join(Merchant, Merchant.id == KpiReasonCount.merchant_id)
    if rf.category:
        stmt = stmt.where(Product.category == rf.category)
    if rf.sku:
        stmt = stmt.where(Product.sku == rf.sku)
    return session.execute(stmt.group_by(key, KpiReasonCount.reason)).all()


def _unfiltered(rf: q.ReasonFilter) -> bool:
    return rf.merchant_id is None and not rf.category and not rf.sku


def _dim_rows(session: Session, s: Split, dim: str, *, by_day: bool = False) -> Any:
    key = KpiReasonDim.day if by_day else KpiReasonDim.key
    return session.execute(
        sa.select(key, KpiReasonDim.reason, sa.func.sum(KpiReasonDim.n))
        .where(KpiReasonDim.dim == dim, s.days(KpiReasonDim.day))
        .group_by(key, KpiReasonDim.reason)
    ).all()


def reasons_daily(
    session: Session, period: Period, rf: q.ReasonFilter
) -> list[tuple[date, str, int]]:
    """As `analytics.reasons_daily`, from the rollups."""
    s = split(session, period)
    if s is None:
        return q.reasons_daily(session, period, rf)
    totals: Counter[tuple[date, str]] = Counter()
    if _unfiltered(rf):  # every category's units add up to all units
        rows = _dim_rows(session, s, "category", by_day=True)
    else:
        rows = _reason_rows(session, s, rf, KpiReasonCount.day)
    for day, reason, n in rows:
        totals[(as_date(day), reason)] += int(n)
    for span in s.live:
        for day, reason, n in q.reasons_daily(session, span, rf):
            totals[(day, reason)] += n
    return [(day, reason, n) for (day, reason), n in sorted(totals.items())]


def reasons_by(
    session: Session, period: Period, rf: q.ReasonFilter, dimension: str, limit: int = 15
) -> list[tuple[str, int, dict[str, int]]]:
    """As `analytics.reasons_by`, from the rollups."""
    s = split(session, period)
    if s is None:
        return q.reasons_by(session, period, rf, dimension, limit)
    column = {"category": Product.category, "sku": Product.sku, "merchant": Merchant.code}[
        dimension
    ]
    parts: dict[str, Counter[str]] = defaultdict(Counter)
    live: dict[str, Counter[str]] = defaultdict(Counter)
    for span in s.live:
        for key, _n, reasons in q.reasons_by(session, span, rf, dimension, limit=10**9):
            live[key].update(reasons)
    if _unfiltered(rf) and dimension == "sku":  # the top by per-product totals, then reasons
        skus = dict(session.execute(sa.select(Product.id, Product.sku)).all())
        totals: Counter[str] = Counter()
        for key, _reason, n in _dim_rows(session, s, "product"):
            totals[skus[int(key)]] += int(n)
        for key, reasons in live.items():
            totals[key] += sum(reasons.values())
        top = sorted(totals, key=lambda k: (-totals[k], k))[:limit]
        stored = _sku_reasons(session, s, top)
        return [
            (k, totals[k], dict(stored.get(k, Counter()) + live.get(k, Counter()))) for k in top
        ]
    if _unfiltered(rf):
        codes = dict(session.execute(sa.select(Merchant.id, Merchant.code)).all())
        for key, reason, n in _dim_rows(session, s, dimension):
            parts[codes[int(key)] if dimension == "merchant" else key][reason] += int(n)
    else:
        for key, reason, n in _reason_rows(session, s, rf, column):
            parts[str(key)][reason] += int(n)
    for key, reasons in live.items():
        parts[key].update(reasons)
    ranked = sorted(parts.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))[:limit]
    return [(key, sum(r.values()), dict(r)) for key, r in ranked]


def _sku_reasons(session: Session, s: Split, skus: list[str]) -> dict[str, Counter[str]]:
    out: dict[str, Counter[str]] = defaultdict(Counter)
    if not skus:
        return out
    rows = session.execute(
        sa.select(Product.sku, KpiReasonCount.reason, sa.func.sum(KpiReasonCount.n))
        .join(Product, Product.id == KpiReasonCount.product_id)
        .where(Product.sku.in_(skus), s.days(KpiReasonCount.day))
        .group_by(Product.sku, KpiReasonCount.reason)
    ).all()
    for sku, reason, n in rows:
        out[sku][reason] += int(n)
    return out
