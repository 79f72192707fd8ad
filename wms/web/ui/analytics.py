"""KPIs and analytics: processing time, resale share, reintegration, costs and billing, Kaspi
quality returns, cancellation losses, reasons over time, and the health of the marketplace sync.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from flask import Response, render_template, request
from sqlalchemy.orm import Session

from wms.db.base import utcnow
from wms.domain import kpi
from wms.domain.returns import ReturnReason
from wms.domain.units import UnitState
from wms.services.watchdog import open_alarms
from wms.web.auth import current, protect
from wms.web.context import wms
from wms.web.ui import ANY_USER, STAFF, bp, cache, params
from wms.web.ui.exports import csv_download, xlsx_download
from wms.web.ui.i18n import _, term
from wms.web.ui.queries import analytics as q
from wms.web.ui.queries import rolled, sync
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
        waiting = waiting_count(db, merchant_id, UnitState.AWAITING_DECISION)
        merchants = params.merchant_codes(db, principal)
    data, computed = cache.remember(
        ("kpis", merchant_id, period), lambda: _kpi_figures(period, merchant_id, now)
    )
    return render_template(
        "ui/kpis.html",
        period=period,
        args=request.args,
        now=now,
        kpi=kpi,
        stages=[s.value for s in kpi.ordered_stages()] + [q.TOTAL],
        stage_chart=_stage_chart(data["spreads"]),
        waiting=waiting,
        merchants=merchants,
        computed_at=datetime.fromtimestamp(computed, UTC),
        **data,
    )


def _in_parallel(jobs: dict[str, Callable[[Session], Any]]) -> dict[str, Any]:
    """Run independent read queries at once, each on its own connection (cold pages wait for
    the slowest query instead of the sum)."""
    database = wms().db

    def run_one(job: Callable[[Session], Any]) -> Any:
        with database.reading() as session:
            return job(session)

    with ThreadPoolExecutor(max_workers=min(len(jobs), 4)) as pool:
        futures = {name: pool.submit(run_one, job) for name, job in jobs.items()}
        return {name: future.result() for name, future in futures.items()}


def _kpi_figures(period: Period, merchant_id: int | None, now: datetime) -> dict[str, Any]:
    m = merchant_id
    return _in_parallel(
        {
            "spreads": lambda db: rolled.processing_spreads(db, period, m),
            "resale": lambda db: rolled.resale_share(db, period, m),
            "reintegration": lambda db: rolled.reintegration(db, period, m),
            "costs": lambda db: rolled.costs(db, period, m),
            "quality": lambda db: rolled.quality_rates(db, today(now), m),
            "losses": lambda db: q.losses(db, period, m, now),
            "buyers": lambda db: q.repeat_buyers(db, period, m),
        }
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
        merchants = params.merchant_codes(db, principal)
    data, computed = cache.remember(("reasons", rf, period), lambda: _reason_figures(period, rf))
    weeks, series = data["weeks"], data["series"]
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
        by_category=data["category"],
        by_sku=data["sku"],
        by_merchant=data["merchant"],
        categories=categories,
        computed_at=datetime.fromtimestamp(computed, UTC),
        merchants=merchants,
        reason_keys=reason_keys,
    )


def _reason_figures(period: Period, rf: q.ReasonFilter) -> dict[str, Any]:
    out = _in_parallel(
        {
            "daily": lambda db: rolled.reasons_daily(db, period, rf),
            "category": lambda db: rolled.reasons_by(db, period, rf, "category"),
            "sku": lambda db: rolled.reasons_by(db, period, rf, "sku"),
            "merchant": lambda db: (
                rolled.reasons_by(db, period, rf, "merchant") if rf.merchant_id is None else []
            ),
        }
    )
    out["weeks"], out["series"] = kpi.bucket_by_week(out.pop("daily"))
    return out


@bp.route("/sync")
@protect(STAFF)
def sync_health() -> Any:
    """Marketplace sync: is it on sale? Accounts and offers (held, pushed, confirmed, read
    back), lag of pending changes, parked errors, Kaspi feed fetches, workers."""
    now = utcnow()
    with wms().db.reading() as db:
        accounts = sync.accounts(db)
        account_id = params.choice("account", [str(a.id) for a in accounts])
        sku = params.text("sku", 64)
        cursor = params.integer("after")
        offers, next_cursor = sync.offers(
            db, account_id=int(account_id) if account_id else None, sku=sku, cursor=cursor
        )
        lag = sync.outbox_lag(db, now)
        parked_count, parked = sync.parked(db)
        feeds = sync.kaspi_feeds(db)
        beats = sync.heartbeats(db, now)
        alarms = open_alarms(db)
    return render_template(
        "ui/sync.html",
        accounts=accounts,
        offers=offers,
        next_cursor=next_cursor,
        args=request.args,
        problems=sync.PROBLEMS,
        lag=lag,
        parked_count=parked_count,
        parked=parked,
        feeds=feeds,
        beats=beats,
        alarms=alarms,
        now=now,
    )
