"""KPI inputs aggregated in SQL: processing time, resale share, reintegration, costs, quality,
losses and reasons. The formulas on top are in `wms.domain.kpi`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from wms.db.models import AuditEvent, Merchant, MerchantOrderCount, Product, ReturnOrder, Unit
from wms.domain import kpi
from wms.domain.orders import ReturnOrderState
from wms.domain.returns import (
    LOSS_RETURN_TYPES,
    QUALITY_REASONS,
    Marketplace,
    ReturnType,
)
from wms.domain.stock import Channel
from wms.domain.units import UnitState
from wms.web.ui.queries.returns import AnySelect
from wms.web.ui.queries.sql import (
    Period,
    as_date,
    in_period,
    local_day,
    scoped,
    seconds_between,
    spreads,
)

TOTAL = "total"
REINTEGRATION = "reintegration"
# Stays of periods up to this long are read transition by transition (the rollup's days);
# longer ones with one window over the units' transitions.
SHORT_SPAN = timedelta(days=2)


def processing_spreads(
    session: Session, period: Period, merchant_id: int | None
) -> dict[str, kpi.Spread]:
    """p50/p90 seconds per stage (stays that ended in the period) and receipt → terminal."""
    out: dict[str, kpi.Spread] = {}
    for state, spread in spreads(session, stay_rows(session, period, merchant_id)).items():
        stage = kpi.stage_of(state)
        if stage is not None:
            out[stage.value] = spread
    out.update(spreads(session, total_rows(session, period, merchant_id)))
    return out


def total_rows(session: Session, period: Period, merchant_id: int | None) -> sa.Subquery:
    """(grp "total", seconds, merchant_id): receipt → terminal of units done in the period."""
    return (
        sa.select(
            sa.literal(TOTAL).label("grp"),
            seconds_between(session, Unit.received_at, Unit.terminal_at).label("seconds"),
            Unit.merchant_id,
        )
        .where(in_period(Unit.terminal_at, period), Unit.state != UnitState.VOIDED)
        .where(scoped(Unit.merchant_id, merchant_id))
        .subquery()
    )


def stay_rows(
    session: Session, period: Period, merchant_id: int | None, *, with_merchant: bool = False
) -> sa.Subquery:
    """(grp = the state stayed in, seconds[, merchant_id]): every stay that ended in the period,
    measured from the transition that began it, however long before the period that was."""
    transition = (AuditEvent.entity == "unit", AuditEvent.to_state.is_not(None))
    in_range = (AuditEvent.created_at >= period.start, AuditEvent.created_at < period.end)
    stages = [s.value for s in kpi.STAGE_OF_STATE]
    mine = sa.select(Unit.id).where(Unit.merchant_id == merchant_id)
    if period.end - period.start <= SHORT_SPAN:
        # A day or two: the transition before each one through the unit's index entry.
        before = aliased(AuditEvent)
        entered_at = (
            sa.select(sa.func.max(before.created_at))
            .where(
                before.entity == "unit",
                before.entity_id == AuditEvent.entity_id,
                before.to_state.is_not(None),
                sa.or_(
                    before.created_at < AuditEvent.created_at,
                    sa.and_(before.created_at == AuditEvent.created_at, before.id < AuditEvent.id),
                ),
            )
            .scalar_subquery()
        )
        events = sa.select(
            AuditEvent.entity_id,
            AuditEvent.from_state,
            AuditEvent.created_at,
            entered_at.label("entered_at"),
        ).where(*transition, *in_range, AuditEvent.from_state.in_(stages))
        if merchant_id is not None:
            events = events.where(AuditEvent.entity_id.in_(mine))
    else:
        # Longer periods: the same value as lag() over every transition of the units touched.
        touched = sa.select(AuditEvent.entity_id).where(*transition, *in_range)
        if merchant_id is not None:
            touched = touched.where(AuditEvent.entity_id.in_(mine))
        lagged = (
            sa.select(
                AuditEvent.entity_id,
                AuditEvent.from_state,
                AuditEvent.created_at,
                sa.func.lag(AuditEvent.created_at)
                .over(
                    partition_by=AuditEvent.entity_id,
                    order_by=(AuditEvent.created_at, AuditEvent.id),
                )
                .label("entered_at"),
            )
            .where(*transition, AuditEvent.created_at < period.end)
            .where(AuditEvent.entity_id.in_(touched))
            .subquery()
        )
        events = sa.select(lagged).where(
            lagged.c.created_at >= period.start, lagged.c.from_state.in_(stages)
        )
    ev = events.subquery()
    stmt = sa.select(
        ev.c.from_state.label("grp"),
        seconds_between(session, ev.c.entered_at, ev.c.created_at).label("seconds"),
    ).where(ev.c.entered_at.is_not(None))
    if with_merchant:
        stmt = stmt.add_columns(Unit.merchant_id).join(Unit, Unit.id == ev.c.entity_id)
    return stmt.subquery()


def reintegration_rows(session: Session, period: Period, merchant_id: int | None) -> sa.Subquery:
    """(grp, seconds, merchant_id): putaway → confirmed, units put away in the period."""
    return (
        sa.select(
            sa.literal(REINTEGRATION).label("grp"),
            seconds_between(session, Unit.putaway_at, Unit.reintegrated_at).label("seconds"),
            Unit.merchant_id,
        )
        .where(in_period(Unit.putaway_at, period), scoped(Unit.merchant_id, merchant_id))
        .where(Unit.reintegrated_at.is_not(None))
        .subquery()
    )


def resale_share(session: Session, period: Period, merchant_id: int | None) -> kpi.ResaleShare:
    """Units received in the period and how many of them were put away on each channel."""
    on = Unit.putaway_at.is_not(None)
    row = session.execute(
        sa.select(
            sa.func.count(),
            sa.func.sum(sa.case((sa.and_(on, Unit.channel == Channel.MAIN), 1), else_=0)),
            sa.func.sum(sa.case((sa.and_(on, Unit.channel == Channel.RESALE), 1), else_=0)),
        ).where(
            in_period(Unit.received_at, period),
            Unit.state != UnitState.VOIDED,
            scoped(Unit.merchant_id, merchant_id),
        )
    ).one()
    return kpi.ResaleShare(int(row[0]), int(row[1] or 0), int(row[2] or 0))


@dataclass(frozen=True)
class Reintegration:
    """Putaway → marketplace confirmed, for units put away in the period."""

    put_away: int
    confirmed: int
    spread: kpi.Spread


def reintegration(session: Session, period: Period, merchant_id: int | None) -> Reintegration:
    """How fast stock that was put away reached the marketplaces (None until sync reports)."""
    base = sa.and_(in_period(Unit.putaway_at, period), scoped(Unit.merchant_id, merchant_id))
    put_away, confirmed = session.execute(
        sa.select(sa.func.count(), sa.func.count(Unit.reintegrated_at)).where(base)
    ).one()
    sub = reintegration_rows(session, period, merchant_id)
    spread = spreads(session, sub).get(REINTEGRATION, kpi.Spread(0, None, None))
    return Reintegration(int(put_away), int(confirmed), spread)


@dataclass(frozen=True)
class MerchantCostRow:
    """One merchant's cost figures."""

    merchant_id: int
    code: str
    name: str
    cost: kpi.MerchantCost


def costs(session: Session, period: Period, merchant_id: int | None) -> list[MerchantCostRow]:
    """Reverse-logistics cost (orders received) and handling (units received) per merchant."""
    orders = dict(
        (mid, (int(n), Decimal(cost or 0)))
        for mid, n, cost in session.execute(
            sa.select(
                ReturnOrder.merchant_id,
                sa.func.count(),
                sa.func.sum(ReturnOrder.reverse_logistics_cost),
            )
            .where(in_period(ReturnOrder.received_at, period))
            .where(scoped(ReturnOrder.merchant_id, merchant_id))
            .group_by(ReturnOrder.merchant_id)
        ).all()
    )
    units = dict(
        session.execute(
            sa.select(Unit.merchant_id, sa.func.count())
            .where(in_period(Unit.received_at, period), Unit.state != UnitState.VOIDED)
            .where(scoped(Unit.merchant_id, merchant_id))
            .group_by(Unit.merchant_id)
        ).all()
    )
    rows = []
    merchants = sa.select(Merchant).where(scoped(Merchant.id, merchant_id)).order_by(Merchant.code)
    for m in session.execute(merchants).scalars():
        n_orders, logistics = orders.get(m.id, (0, Decimal(0)))
        cost = kpi.MerchantCost(n_orders, int(units.get(m.id, 0)), logistics, m.handling_fee)
        rows.append(MerchantCostRow(m.id, m.code, m.name, cost))
    return rows


BILLING_COLUMNS = (
    "merchant",
    "number",
    "order_code",
    "marketplace",
    "return_type",
    "received_at",
    "units",
    "reverse_logistics_cost",
    "handling_fee",
    "handling_cost",
    "total",
)


def billing_lines(
    session: Session, period: Period, merchant_id: int | None
) -> Iterator[tuple[Any, ...]]:
    """One line per return order received in the period, with its handling cost (streamed)."""
    units = (
        sa.select(sa.func.count())
        .where(Unit.return_order_id == ReturnOrder.id, Unit.state != UnitState.VOIDED)
        .scalar_subquery()
    )
    stmt = (
        sa.select(
            Merchant.code,
            ReturnOrder.number,
            ReturnOrder.order_code,
            ReturnOrder.marketplace,
            ReturnOrder.return_type,
            ReturnOrder.received_at,
            units,
            ReturnOrder.reverse_logistics_cost,
            Merchant.handling_fee,
        )
        .join(Merchant, Merchant.id == ReturnOrder.merchant_id)
        .where(in_period(ReturnOrder.received_at, period))
        .where(scoped(ReturnOrder.merchant_id, merchant_id))
        .order_by(Merchant.code, ReturnOrder.received_at, ReturnOrder.id)
    )
    for code, number, order_code, market, rtype, received, n, logistics, fee in session.execute(
        stmt.execution_options(yield_per=2000)
    ):
        handling = kpi.handling_cost(int(n), fee)
        yield (
            code,
            number,
            order_code,
            market.value,
            rtype.value,
            received,
            int(n),
            logistics,
            fee,
            handling,
            logistics + handling,
        )


@dataclass(frozen=True)
class QualityRow:
    """A merchant's Kaspi quality-returns rate."""

    merchant_id: int
    code: str
    name: str
    rate: kpi.QualityRate


def quality_rates(session: Session, today: date, merchant_id: int | None) -> list[QualityRow]:
    """Each merchant's Kaspi quality returns ÷ completed orders over the 30 days ending today."""
    first, last = kpi.quality_window(today)
    window = Period(first, last)
    returns = dict(
        session.execute(
            sa.select(ReturnOrder.merchant_id, sa.func.count())
            .where(
                ReturnOrder.marketplace == Marketplace.KASPI,
                ReturnOrder.reason.in_(list(QUALITY_REASONS)),
                ReturnOrder.state != ReturnOrderState.CANCELLED,
                in_period(ReturnOrder.created_at, window),
                scoped(ReturnOrder.merchant_id, merchant_id),
            )
            .group_by(ReturnOrder.merchant_id)
        ).all()
    )
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
        QualityRow(
            m.id,
            m.code,
            m.name,
            kpi.quality_rate(int(returns.get(m.id, 0)), int(orders.get(m.id, 0) or 0)),
        )
        for m in session.execute(merchants).scalars()
    ]


@dataclass(frozen=True)
class LossRow:
    """Losses of one merchant and return type."""

    merchant: str
    return_type: str
    losses: kpi.Losses


def losses(
    session: Session, period: Period, merchant_id: int | None, now: datetime
) -> list[LossRow]:
    """Cancelled-in-delivery and not-picked-up returns created in the period, per merchant."""
    away = ReturnOrder.received_at.is_(None)
    frozen = seconds_between(
        session, ReturnOrder.ordered_at, sa.func.coalesce(ReturnOrder.received_at, now)
    )
    rows = session.execute(
        sa.select(
            Merchant.code,
            ReturnOrder.return_type,
            sa.func.count(),
            sa.func.sum(ReturnOrder.order_value),
            sa.func.sum(ReturnOrder.reverse_logistics_cost),
            sa.func.sum(sa.case((away, 1), else_=0)),
            sa.func.sum(sa.case((away, ReturnOrder.order_value), else_=0)),
            sa.func.avg(frozen),
        )
        .join(Merchant, Merchant.id == ReturnOrder.merchant_id)
        .where(
            ReturnOrder.return_type.in_(list(LOSS_RETURN_TYPES)),
            ReturnOrder.state != ReturnOrderState.CANCELLED,
            in_period(ReturnOrder.created_at, period),
            scoped(ReturnOrder.merchant_id, merchant_id),
        )
        .group_by(Merchant.code, ReturnOrder.return_type)
        .order_by(Merchant.code, ReturnOrder.return_type)
    ).all()
    return [
        LossRow(
            code,
            rtype.value,
            kpi.Losses(
                int(n),
                Decimal(value or 0),
                Decimal(logistics or 0),
                int(still or 0),
                Decimal(value_away or 0),
                None if avg is None else float(avg),
            ),
        )
        for code, rtype, n, value, logistics, still, value_away, avg in rows
    ]


@dataclass(frozen=True)
class RepeatBuyer:
    """A buyer who did not pick up orders again and again."""

    customer_ref: str
    merchants: int
    non_pickups: int
    value: Decimal
    last_at: datetime


def repeat_buyers(
    session: Session, period: Period, merchant_id: int | None, limit: int = 20
) -> list[RepeatBuyer]:
    """Buyers with at least two non-pickups in the period, the most first."""
    count = sa.func.count()
    rows = session.execute(
        sa.select(
            ReturnOrder.customer_ref,
            sa.func.count(sa.distinct(ReturnOrder.merchant_id)),
            count,
            sa.func.sum(ReturnOrder.order_value),
            sa.func.max(ReturnOrder.created_at),
        )
        .where(
            ReturnOrder.return_type == ReturnType.NOT_PICKED_UP,
            ReturnOrder.customer_ref.is_not(None),
            in_period(ReturnOrder.created_at, period),
            scoped(ReturnOrder.merchant_id, merchant_id),
        )
        .group_by(ReturnOrder.customer_ref)
        .having(count >= kpi.REPEAT_NON_PICKUPS)
        .order_by(count.desc(), ReturnOrder.customer_ref)
        .limit(limit)
    ).all()
    return [
        RepeatBuyer(str(ref), int(m), int(n), Decimal(v or 0), last) for ref, m, n, v, last in rows
    ]


@dataclass(frozen=True)
class ReasonFilter:
    """Narrow the reason analytics to a merchant, a category or a SKU."""

    merchant_id: int | None = None
    category: str | None = None
    sku: str | None = None


def _reason_base(rf: ReasonFilter, period: Period) -> list[Any]:
    conds: list[Any] = [
        in_period(Unit.received_at, period),
        Unit.state != UnitState.VOIDED,
        scoped(Unit.merchant_id, rf.merchant_id),
    ]
    if rf.category:
        conds.append(Product.category == rf.category)
    if rf.sku:
        conds.append(Product.sku == rf.sku)
    return conds


def _reason_join(stmt: AnySelect, rf: ReasonFilter) -> AnySelect:
    stmt = stmt.join(ReturnOrder, ReturnOrder.id == Unit.return_order_id)
    if rf.category or rf.sku:  # products only when the filter needs them
        stmt = stmt.join(Product, Product.id == Unit.product_id)
    return stmt


def reasons_daily(
    session: Session, period: Period, rf: ReasonFilter
) -> list[tuple[date, str, int]]:
    """Units received per local day and customer reason."""
    day = local_day(session, Unit.received_at).label("day")
    stmt = _reason_join(sa.select(day, ReturnOrder.reason, sa.func.count()).select_from(Unit), rf)
    rows = session.execute(
        stmt.where(*_reason_base(rf, period)).group_by(day, ReturnOrder.reason)
    ).all()
    return [(as_date(d), reason.value, int(n)) for d, reason, n in rows]


def reasons_by(
    session: Session, period: Period, rf: ReasonFilter, dimension: str, limit: int = 15
) -> list[tuple[str, int, dict[str, int]]]:
    """Top categories, SKUs or merchants by units returned, with the reasons behind each.

    The top is found on units (and products) alone; only its few keys join the return orders.
    """
    column = {"category": Product.category, "sku": Product.sku, "merchant": Merchant.code}[
        dimension
    ]
    count = sa.func.count()
    totals = session.execute(
        _dimension_join(sa.select(column, count).select_from(Unit), dimension)
        .where(*_reason_base(rf, period))
        .group_by(column)
        .order_by(count.desc(), column)
        .limit(limit)
    ).all()
    if not totals:
        return []
    keys = [key for key, _n in totals]
    parts: dict[str, dict[str, int]] = {str(key): {} for key in keys}
    for key, reason, n in session.execute(
        _dimension_join(
            sa.select(column, ReturnOrder.reason, count)
            .select_from(Unit)
            .join(ReturnOrder, ReturnOrder.id == Unit.return_order_id),
            dimension,
        )
        .where(*_reason_base(rf, period), column.in_(keys))
        .group_by(column, ReturnOrder.reason)
    ).all():
        parts[str(key)][reason.value] = int(n)
    return [(str(key), int(n), parts[str(key)]) for key, n in totals]


def _dimension_join(stmt: AnySelect, dimension: str) -> AnySelect:
    stmt = stmt.join(Product, Product.id == Unit.product_id)  # cheap: a few thousand rows
    if dimension == "merchant":
        stmt = stmt.join(Merchant, Merchant.id == Unit.merchant_id)
    return stmt


def categories(session: Session, merchant_id: int | None) -> list[str]:
    """Product categories (for the filter)."""
    stmt = sa.select(Product.category).distinct().where(scoped(Product.merchant_id, merchant_id))
    return sorted(c for c in session.execute(stmt).scalars())
