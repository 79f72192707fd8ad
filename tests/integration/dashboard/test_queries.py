"""The dashboard's read queries on SQLite and PostgreSQL, against a hand-timed history."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from tests.integration.dashboard import scenario
from tests.integration.dashboard.scenario import NOW, T0
from wms.db.models import ExceptionStatus, FloorException, Merchant, Product, Unit
from wms.domain import kpi
from wms.domain.kpi import QualityLevel, Stage
from wms.domain.units import UnitState
from wms.services import dashboard
from wms.services.uow import UnitOfWork
from wms.web.ui.queries import analytics, floor, returns, stock, sync
from wms.web.ui.queries.sql import Period, spreads

SLA = {
    "receiving_hours": 4,
    "inspection_hours": 24,
    "repair_hours": 72,
    "repack_hours": 24,
    "putaway_hours": 8,
    "decision_hours": 72,
}
WEEK = Period(date(2026, 3, 14), date(2026, 3, 20))


@pytest.fixture
def world(app: Any, demo: dict[str, Any]) -> tuple[Any, scenario.World, dict[str, int]]:
    """The demo data plus the hand-timed scenario."""
    db = app.extensions["wms"].db
    with db.reading() as s:
        merchants = dict(s.execute(sa.select(Merchant.code, Merchant.id)).all())
    return db, scenario.build(db, merchants), merchants


def test_backlog_counts_units_per_stage_and_flags_sla_breaches(world: Any) -> None:
    db, w, merchants = world
    with db.reading() as s:
        backlog = {b.stage: b for b in floor.backlog(s, NOW, SLA)}
        oldest = floor.oldest_waiting(s, NOW, SLA)
        koktem_only = {b.stage: b.count for b in floor.backlog(s, NOW, SLA, merchants["KOKTEM"])}
    assert backlog[Stage.DECISION].count == 1
    assert backlog[Stage.DECISION].breached == 0  # 44 h of 72
    assert backlog[Stage.REPACK].count == 1
    assert backlog[Stage.REPACK].breached == 1  # 42 h of 24
    assert backlog[Stage.REPACK].oldest_since == T0 + timedelta(hours=6)
    assert backlog[Stage.INSPECTION].count == backlog[Stage.PUTAWAY].count == 0
    assert backlog[Stage.CLAIM].sla_hours is None
    assert [u.lpn for u in oldest] == [w.lpns["C"]]
    assert koktem_only[Stage.DECISION] == 1
    assert koktem_only[Stage.REPACK] == 0


def test_throughput_today_counts_only_todays_transitions_by_station_and_operator(
    world: Any,
) -> None:
    db, _w, _m = world
    with db.reading() as s:
        today = floor.throughput_today(s, NOW)
        stations = {st.name: st for st in floor.stations(s, NOW)}
    assert today.total == 1
    assert today.by_station == [("putaway-1", 1, {"putaway": 1})]
    assert today.by_operator == [("Dmitry Kim", 1, {"putaway": 1})]
    assert not stations["receipt-1"].online
    assert stations["receipt-1"].queued_scans == 0


def test_processing_time_per_stage_matches_the_hand_computed_stays(world: Any) -> None:
    db, _w, _m = world
    with db.reading() as s:
        got = analytics.processing_spreads(s, WEEK, None)
    inspection = [7140, 10740, 14340]  # 1 h 59, 2 h 59, 3 h 59 between receipt and grading
    assert got["inspection"].count == 3
    assert got["inspection"].p50 == pytest.approx(kpi.percentile(inspection, 50), abs=1)
    assert got["inspection"].p90 == pytest.approx(kpi.percentile(inspection, 90), abs=1)
    assert got["putaway"].p50 == pytest.approx(44 * 3600, abs=1)
    assert got["total"].count == 1
    assert got["total"].p90 == pytest.approx(45 * 3600 + 59 * 60, abs=1)
    assert "decision" not in got  # B still waits: no stay has ended


def test_processing_time_of_one_merchant(world: Any) -> None:
    db, _w, merchants = world
    with db.reading() as s:
        got = analytics.processing_spreads(s, WEEK, merchants["KOKTEM"])
    assert got["inspection"].count == 1
    assert got["inspection"].p50 == pytest.approx(10740, abs=1)
    assert "total" not in got


@pytest.mark.parametrize("size", [1, 2, 3, 5, 10, 11, 37])
def test_sql_percentiles_agree_with_the_domain_formula(app: Any, size: int) -> None:
    values = [((i * 7919) % 1000) + 0.5 for i in range(size)]
    rows = [sa.select(sa.literal("x").label("grp"), sa.literal(v).label("seconds")) for v in values]
    with app.extensions["wms"].db.reading() as s:
        got = spreads(s, sa.union_all(*rows).subquery())["x"]
    assert got == kpi.spread(values)


def test_resale_share_and_reintegration(world: Any) -> None:
    db, w, _m = world
    with db.reading() as s:
        share = analytics.resale_share(s, WEEK, None)
        before = analytics.reintegration(s, WEEK, None)
    assert (share.received, share.main, share.resale) == (3, 1, 0)
    assert share.share == pytest.approx(1 / 3)
    assert (before.put_away, before.confirmed, before.spread.count) == (1, 0, 0)
    with UnitOfWork(db) as uow:  # what the sync worker does once Kaspi confirmed the quantity
        unit = uow.session.execute(sa.select(Unit).where(Unit.lpn == w.lpns["A"])).scalar_one()
        assert unit.putaway_at is not None
        unit.reintegrated_at = unit.putaway_at + timedelta(seconds=90)
        uow.commit()
    with db.reading() as s:
        after = analytics.reintegration(s, WEEK, None)
    assert after.confirmed == 1
    assert after.spread.p50 == pytest.approx(90, abs=0.01)


def test_costs_and_billing_lines_per_merchant(world: Any) -> None:
    db, _w, merchants = world
    with db.reading() as s:
        rows = {r.code: r.cost for r in analytics.costs(s, WEEK, None)}
        lines = list(analytics.billing_lines(s, WEEK, merchants["ALTYN"]))
    assert rows["ALTYN"] == kpi.MerchantCost(2, 2, Decimal("2100"), Decimal("350"))
    assert rows["ALTYN"].total == Decimal("2800")
    assert rows["KOKTEM"].total == Decimal("1850")
    assert [(line[0], line[6], line[10]) for line in lines] == [
        ("ALTYN", 1, Decimal("1550")),
        ("ALTYN", 1, Decimal("1250")),
    ]


def test_quality_rate_uses_kaspi_quality_returns_over_thirty_days_of_orders(world: Any) -> None:
    db, _w, _m = world
    with db.reading() as s:
        rows = {r.code: r.rate for r in analytics.quality_rates(s, date(2026, 3, 20), None)}
    assert rows["ALTYN"].quality_returns == 1
    assert rows["ALTYN"].completed_orders == 100
    assert rows["ALTYN"].level is QualityLevel.WARN  # exactly 1 %
    assert rows["KOKTEM"].level is QualityLevel.NOT_COUNTED  # 5 orders


def test_order_counts_replace_the_days_figure(world: Any) -> None:
    db, _w, merchants = world
    with UnitOfWork(db) as uow:
        dashboard.record_order_count(uow, merchants["ALTYN"], "kaspi", date(2026, 3, 20), 104)
        uow.commit()
    with db.reading() as s:
        rows = {r.code: r.rate for r in analytics.quality_rates(s, date(2026, 3, 20), None)}
    assert rows["ALTYN"].completed_orders == 200
    assert rows["ALTYN"].level is QualityLevel.EXCELLENT


def test_losses_and_repeat_buyers(world: Any) -> None:
    db, _w, _m = world
    with db.reading() as s:
        losses = {
            (r.merchant, r.return_type): r.losses for r in analytics.losses(s, WEEK, None, NOW)
        }
        buyers = analytics.repeat_buyers(s, WEEK, None)
    koktem = losses[("KOKTEM", "not_picked_up")]
    assert (koktem.orders, koktem.value, koktem.reverse_logistics) == (
        1,
        Decimal("8990"),
        Decimal("1500"),
    )
    assert koktem.frozen_seconds_avg == pytest.approx((10 * 24 + 1) * 3600 + 120, abs=1)
    assert losses[("ALTYN", "not_picked_up")].frozen_seconds_avg == pytest.approx(
        (6 * 24 + 2) * 3600 + 120, abs=1
    )
    assert [(b.customer_ref, b.non_pickups, b.merchants, b.value) for b in buyers] == [
        ("BUY-1", 2, 2, Decimal("12980"))
    ]


def test_reasons_per_day_and_per_category(world: Any) -> None:
    db, _w, merchants = world
    rf = analytics.ReasonFilter()
    with db.reading() as s:
        daily = sorted(analytics.reasons_daily(s, WEEK, rf))
        by_category = analytics.reasons_by(s, WEEK, rf, "category")
        altyn = analytics.reasons_by(s, WEEK, analytics.ReasonFilter(merchants["ALTYN"]), "sku")
    assert daily == [(date(2026, 3, 18), "defective", 1), (date(2026, 3, 18), "not_picked_up", 2)]
    assert {key: parts for key, _n, parts in by_category} == {
        "electronics": {"defective": 1},
        "apparel": {"not_picked_up": 1},
        "accessories": {"not_picked_up": 1},
    }
    assert sorted(key for key, *_rest in altyn) == ["ALT-HP-01", "ALT-PC-03"]


def test_returns_search_by_lpn_code_sku_reason_merchant_and_dates(world: Any) -> None:
    db, w, merchants = world

    def lpns(**kw: Any) -> list[str]:
        with db.reading() as s:
            rows, _next = returns.search_units(s, returns.ReturnFilter(**kw))
        return [r.lpn for r in rows]

    assert lpns(q=w.lpns["A"]) == [w.lpns["A"]]
    assert lpns(q=w.lpns["A"].lower()) == [w.lpns["A"]]
    assert lpns(q="600000002") == [w.lpns["B"]]
    assert lpns(q="ALT-PC-03") == [w.lpns["C"]]
    assert lpns(q="Наушники") == [w.lpns["A"]]
    assert lpns(q="100%_") == []
    assert lpns(reason="defective") == [w.lpns["A"]]
    assert lpns(merchant_id=merchants["KOKTEM"]) == [w.lpns["B"]]
    assert lpns(state="awaiting_repack") == [w.lpns["C"]]
    assert lpns(date_from=date(2026, 3, 19)) == []
    assert len(lpns(date_to=date(2026, 3, 18))) == 3
    assert lpns(marketplace="wildberries", return_type="not_picked_up") == [w.lpns["C"]]


def test_order_search_paging_and_exports(world: Any) -> None:
    db, w, merchants = world
    with db.reading() as s:
        buyer, _ = returns.search_orders(s, returns.ReturnFilter(q="BUY-1"))
        first, cursor = returns.search_orders(s, returns.ReturnFilter(), limit=2)
        second, _ = returns.search_orders(s, returns.ReturnFilter(), before=cursor, limit=2)
        expected, _ = returns.search_orders(
            s, returns.ReturnFilter(merchant_id=merchants["ALTYN"], state="expected")
        )
        unit_rows = list(returns.export_rows(s, "units", returns.ReturnFilter()))
        capped = returns.count_capped(
            s, returns.export_statement("orders", returns.ReturnFilter()), 2
        )
    assert sorted(r.id for r in buyer) == sorted([w.ids["B"], w.ids["C"]])
    assert cursor is not None
    assert not {r.id for r in first} & {r.id for r in second}
    assert w.ids["D"] in {r.id for r in expected}
    assert all(r.merchant == "ALTYN" for r in expected)
    assert len(unit_rows) == 3
    assert len(unit_rows[0]) == len(returns.UNIT_COLUMNS)
    assert capped == 2


def test_stock_totals_detail_and_units_in_process(world: Any) -> None:
    db, w, merchants = world
    with db.reading() as s:
        rows, more = stock.totals(s, stock.StockFilter(merchant_id=merchants["ALTYN"], q="HP"))
        product_id = s.execute(sa.select(Product.id).where(Product.sku == "ALT-HP-01")).scalar_one()
        detail = stock.detail(s, product_id, merchants["ALTYN"])
        process = dict(stock.in_process(s, None))
        in_resale_zone, _ = stock.totals(s, stock.StockFilter(zone="stock_resale"))
    assert not more
    assert [(r.sku, r.channel.value, r.on_hand) for r in rows] == [("ALT-HP-01", "main", 6)]
    assert [lpn for _e, _bin, lpn in detail.ledger][0] == w.lpns["A"]
    assert {code for _ch, code, _z, _q, _u in detail.levels} == {"BIN-M-01-01", "BIN-M-01-02"}
    assert process == {"ALTYN": {"awaiting_repack": 1}, "KOKTEM": {"awaiting_decision": 1}}
    assert in_resale_zone == []
    with db.reading() as s, pytest.raises(Exception, match="not_found|not found"):
        stock.detail(s, product_id, merchants["KOKTEM"])


def test_exceptions_queue_and_resolution(world: Any) -> None:
    db, _w, _m = world
    with UnitOfWork(db) as uow:
        item = FloorException(kind="unknown_barcode", code="X1", message="unknown code")
        uow.session.add(item)
        uow.session.flush()
        item_id = item.id
        uow.commit()
    with db.reading() as s:
        assert [r.item.id for r in floor.exceptions(s, status=ExceptionStatus.OPEN)] == [item_id]
        assert floor.open_exception_count(s) == 1
    with UnitOfWork(db) as uow:
        dashboard.resolve_exception(uow, scenario.Actor("supervisor"), item_id, "relabelled")
        uow.commit()
    with db.reading() as s:
        assert floor.open_exception_count(s) == 0
        (done,) = floor.exceptions(s, status=ExceptionStatus.RESOLVED)
    assert done.item.resolution == "relabelled"
    assert done.item.resolved_by == "supervisor"


def test_sync_health_reads_outbox_feeds_and_heartbeats(world: Any) -> None:
    db, _w, _m = world
    with db.reading() as s:
        lag = {t.topic: t for t in sync.outbox_lag(s, NOW)}
        parked_count, _ = sync.parked(s)
        beats = sync.heartbeats(s, NOW)
        feeds = sync.kaspi_feeds(s)
    assert lag["stock.changed"].pending >= 1
    assert parked_count == 0
    assert beats == []
    assert isinstance(feeds, list)


def test_units_state_of_the_scenario(world: Any) -> None:
    db, w, _m = world
    with db.reading() as s:
        states = dict(s.execute(sa.select(Unit.lpn, Unit.state)).all())
    assert states[w.lpns["A"]] is UnitState.IN_STOCK
    assert states[w.lpns["B"]] is UnitState.AWAITING_DECISION
    assert states[w.lpns["C"]] is UnitState.AWAITING_REPACK
