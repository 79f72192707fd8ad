"""KPIs and analytics: processing time, resale share, reintegration, costs and billing, Kaspi
quality returns, cancellation losses, reasons over time, and the health of the marketplace sync.
"""

from __future__ import annotations

from typing import Any

from flask import Response, render_template, request

from wms.db.base import utcnow
from wms.domain import kpi
from wms.domain.returns import ReturnReason
from wms.domain.units import UnitState
from wms.web.auth import current, protect
from wms.web.context import wms
from wms.web.ui import ANY_USER, STAFF, bp, params
from wms.web.ui.exports import csv_download, xlsx_download
from wms.web.ui.i18n import _, term
from wms.web.ui.queries import analytics as q
from wms.web.ui.queries import sync
from wms.web.ui.queries.detail import waiting_count
from wms.web.ui.queries.sql import Period, today


def _stage_chart(spreads: dict[str, kpi.Spread]) -> dict[str, Any]:
    keys = [s.value for s in kpi.ordered_stages()] + [q.TOTAL]
    return {
        "type": "bar",
        "labels": [term(k) for k in keys],
        "series": [
            {"name": "p50", "data": [kpi.seconds_as_hours(_get(spreads, k).p50) for k in keys]},
            {"name": "p90", "data": [kpi.seconds_as_hours(_get(spreads, k).p90) for k in keys]},
        ],
        "unit": str(_("hours")),
    }


def _get(spreads: dict[str, kpi.Spread], key: str) -> kpi.Spread:
    return spreads.get(key, kpi.Spread(0, None, None))


@bp.route("/kpis")
@protect(ANY_USER)
def kpis() -> Any:
    """A period's KPIs: processing time, resale share, reintegration, costs, quality, losses."""
    principal = current()
    now = utcnow()
    with wms().db.reading() as db:
        merchant_id = params.merchant(db, principal)
        period = params.period(now)
        spreads = q.processing_spreads(db, period, merchant_id)
        data = {
            "spreads": spreads,
            "stages": [s.value for s in kpi.ordered_stages()] + [q.TOTAL],
            "stage_chart": _stage_chart(spreads),
            "resale": q.resale_share(db, period, merchant_id),
            "reintegration": q.reintegration(db, period, merchant_id),
            "costs": q.costs(db, period, merchant_id),
            "quality": q.quality_rates(db, today(now), merchant_id),
            "losses": q.losses(db, period, merchant_id, now),
            "buyers": q.repeat_buyers(db, period, merchant_id),
            "waiting": waiting_count(db, merchant_id, UnitState.AWAITING_DECISION),
            "merchants": params.merchant_codes(db, principal),
        }
    return render_template(
        "ui/kpis.html", period=period, args=request.args, now=now, kpi=kpi, **data
    )


def _billing_rows(period: Period, merchant_id: int | None) -> Any:
    def rows() -> Any:
        with wms().db.reading() as db:
            yield from q.billing_lines(db, period, merchant_id)

    return rows


def _summary_rows(period: Period, merchant_id: int | None) -> Any:
    def rows() -> Any:
        with wms().db.reading() as db:
            for row in q.costs(db, period, merchant_id):
                c = row.cost
                yield (
                    row.code,
                    row.name,
                    period.first,
                    period.last,
                    c.orders,
                    c.units,
                    c.reverse_logistics,
                    c.fee_per_unit,
                    c.handling,
                    c.total,
                )

    return rows


SUMMARY_COLUMNS = (
    "merchant",
    "name",
    "from",
    "to",
    "orders",
    "units",
    "reverse_logistics_cost",
    "handling_fee",
    "handling_cost",
    "total",
)


@bp.route("/kpis/billing.<fmt>")
@protect(ANY_USER)
def billing(fmt: str) -> Response:
    """Billing export of a period: one line per return order received (CSV or XLSX)."""
    if fmt not in ("csv", "xlsx"):
        raise params.BadParam("format", fmt, "csv, xlsx")
    principal = current()
    with wms().db.reading() as db:
        merchant_id = params.merchant(db, principal)
        period = params.period(utcnow())
    name = f"billing-{period.first.isoformat()}-{period.last.isoformat()}"
    lines = _billing_rows(period, merchant_id)
    if fmt == "csv":
        return csv_download(f"{name}.csv", q.BILLING_COLUMNS, lines)
    return xlsx_download(
        f"{name}.xlsx",
        [
            ("summary", SUMMARY_COLUMNS, _summary_rows(period, merchant_id)),
            ("lines", q.BILLING_COLUMNS, lines),
        ],
    )


@bp.route("/reasons")
@protect(ANY_USER)
def reasons() -> Any:
    """Why goods come back: reasons over time, by category, SKU and merchant."""
    principal = current()
    with wms().db.reading() as db:
        merchant_id = params.merchant(db, principal)
        period = params.period(utcnow(), default_days=90)
        categories = q.categories(db, merchant_id)
        rf = q.ReasonFilter(
            merchant_id=merchant_id,
            category=params.choice("category", categories),
            sku=params.text("sku", 64),
        )
        weeks, series = kpi.bucket_by_week(q.reasons_daily(db, period, rf))
        by_category = q.reasons_by(db, period, rf, "category")
        by_sku = q.reasons_by(db, period, rf, "sku")
        by_merchant = q.reasons_by(db, period, rf, "merchant") if merchant_id is None else []
        merchants = params.merchant_codes(db, principal)
    reason_keys = [r.value for r in ReturnReason if r.value in series]
    chart = {
        "type": "bar",
        "stacked": True,
        "labels": [w.strftime("%d.%m") for w in weeks],
        "series": [{"name": term(k, "reason"), "data": series[k]} for k in reason_keys],
    }
    return render_template(
        "ui/reasons.html",
        period=period,
        args=request.args,
        chart=chart,
        by_category=by_category,
        by_sku=by_sku,
        by_merchant=by_merchant,
        categories=categories,
        merchants=merchants,
        reason_keys=reason_keys,
    )


@bp.route("/sync")
@protect(STAFF)
def sync_health() -> Any:
    """Marketplace sync: lag of pending changes, parked errors, Kaspi feed fetches, workers."""
    now = utcnow()
    with wms().db.reading() as db:
        lag = sync.outbox_lag(db, now)
        parked_count, parked = sync.parked(db)
        feeds = sync.kaspi_feeds(db)
        beats = sync.heartbeats(db, now)
    return render_template(
        "ui/sync.html",
        lag=lag,
        parked_count=parked_count,
        parked=parked,
        feeds=feeds,
        beats=beats,
        now=now,
    )
