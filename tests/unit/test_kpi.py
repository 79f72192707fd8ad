"""KPI formulas on hand-computed fixtures (DESIGN 7, seeds 000, 002, 003)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wms.domain import kpi
from wms.domain.kpi import QualityLevel, Stage
from wms.domain.returns import ReturnReason, is_quality_reason
from wms.domain.units import UnitState

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SLA = {
    "receiving_hours": 4,
    "inspection_hours": 24,
    "repair_hours": 72,
    "repack_hours": 24,
    "putaway_hours": 8,
    "decision_hours": 72,
}


# --- Kaspi quality returns: thresholds and the 10-order minimum ------------------------------


@pytest.mark.parametrize(
    ("returns", "orders", "percent", "level"),
    [
        (0, 10, Decimal("0"), QualityLevel.EXCELLENT),
        (9, 1000, Decimal("0.9"), QualityLevel.EXCELLENT),
        (99, 10000, Decimal("0.99"), QualityLevel.EXCELLENT),
        (1, 100, Decimal("1"), QualityLevel.WARN),  # exactly 1 %: no longer excellent
        (3, 200, Decimal("1.5"), QualityLevel.WARN),
        (199, 10000, Decimal("1.99"), QualityLevel.WARN),
        (2, 100, Decimal("2"), QualityLevel.ALARM),  # exactly on Kaspi's critical line
        (1, 10, Decimal("10"), QualityLevel.ALARM),  # ten orders count already
        (5, 40, Decimal("12.5"), QualityLevel.ALARM),
    ],
)
def test_quality_rate_levels_follow_the_one_and_two_percent_lines(
    returns: int, orders: int, percent: Decimal, level: QualityLevel
) -> None:
    rate = kpi.quality_rate(returns, orders)
    assert rate.percent == percent
    assert rate.level is level


@pytest.mark.parametrize("orders", [0, 1, 9])
def test_quality_rate_is_not_counted_below_ten_orders(orders: int) -> None:
    rate = kpi.quality_rate(3, orders)
    assert rate.level is QualityLevel.NOT_COUNTED
    assert rate.quality_returns == 3
    assert rate.completed_orders == orders


def test_quality_rate_below_the_minimum_still_shows_the_figure_when_there_were_orders() -> None:
    assert kpi.quality_rate(1, 5).percent == Decimal("20")
    assert kpi.quality_rate(1, 0).percent is None


def test_quality_rate_refuses_negative_counts() -> None:
    with pytest.raises(ValueError, match="negative"):
        kpi.quality_rate(-1, 100)


@pytest.mark.parametrize(
    ("reason", "counts"),
    [
        (ReturnReason.NOT_AS_DESCRIBED, True),
        (ReturnReason.WRONG_ITEM, True),
        (ReturnReason.DEFECTIVE, True),
        (ReturnReason.COUNTERFEIT, True),
        (ReturnReason.CHANGED_MIND, False),
        (ReturnReason.DAMAGED_IN_TRANSIT, False),
        (ReturnReason.CANCELLED, False),
        (ReturnReason.NOT_PICKED_UP, False),
        (ReturnReason.OTHER, False),
    ],
)
def test_only_the_four_quality_reasons_count(reason: ReturnReason, counts: bool) -> None:
    assert is_quality_reason(reason) is counts
    assert is_quality_reason(reason.value) is counts


def test_quality_window_is_thirty_days_including_today() -> None:
    first, last = kpi.quality_window(date(2026, 3, 31))
    assert (first, last) == (date(2026, 3, 2), date(2026, 3, 31))
    assert (last - first).days + 1 == 30


# --- percentiles (nearest rank, the definition SQL implements) ------------------------------


@pytest.mark.parametrize(
    ("count", "percent", "rank"),
    [
        (1, 50, 1),
        (1, 90, 1),
        (2, 50, 1),
        (4, 50, 2),
        (5, 50, 3),
        (10, 90, 9),
        (11, 90, 10),
        (100, 90, 90),
        (101, 90, 91),
        (3, 100, 3),
    ],
)
def test_nearest_rank_is_ceil_of_p_times_n(count: int, percent: int, rank: int) -> None:
    assert kpi.nearest_rank(count, percent) == rank


def test_percentile_of_hand_computed_durations() -> None:
    hours = [3600 * h for h in (5, 1, 9, 2, 7, 3, 10, 4, 8, 6)]
    assert kpi.percentile(hours, 50) == 5 * 3600
    assert kpi.percentile(hours, 90) == 9 * 3600
    assert kpi.spread(hours) == kpi.Spread(10, 5 * 3600, 9 * 3600)


def test_percentile_of_nothing_is_none() -> None:
    assert kpi.percentile([], 50) is None
    assert kpi.spread([]) == kpi.Spread(0, None, None)


@pytest.mark.parametrize("percent", [0, 101, -5])
def test_nearest_rank_refuses_impossible_percents(percent: int) -> None:
    with pytest.raises(ValueError, match="percent"):
        kpi.nearest_rank(10, percent)


@given(st.lists(st.integers(min_value=0, max_value=10**7), min_size=1), st.integers(1, 100))
def test_percentile_is_a_value_of_the_data_with_enough_values_below(
    values: list[int], percent: int
) -> None:
    result = kpi.percentile(values, percent)
    assert result in values
    at_or_below = sum(1 for v in values if v <= result)
    assert at_or_below * 100 >= percent * len(values)
    below = sum(1 for v in values if v < result)
    assert below * 100 < percent * len(values)


# --- resale share, costs ------------------------------------------------------------------


def test_resale_share_counts_both_channels_against_units_received() -> None:
    share = kpi.ResaleShare(received=40, main=22, resale=8)
    assert share.back_on_sale == 30
    assert share.share == pytest.approx(0.75)
    assert kpi.ResaleShare(0, 0, 0).share is None


def test_merchant_cost_adds_handling_fee_per_unit_to_reverse_logistics() -> None:
    cost = kpi.MerchantCost(
        orders=3, units=4, reverse_logistics=Decimal("3600"), fee_per_unit=Decimal("350")
    )
    assert cost.handling == Decimal("1400")
    assert cost.total == Decimal("5000")
    assert cost.per_unit == Decimal("1250.00")
    assert kpi.MerchantCost(0, 0, Decimal(0), Decimal(350)).per_unit is None


def test_share_guards() -> None:
    assert kpi.share(1, 4) == 0.25
    assert kpi.share(0, 0) is None
    with pytest.raises(ValueError, match="negative"):
        kpi.share(-1, 3)


# --- stages and SLA -----------------------------------------------------------------------


def test_every_backlog_state_has_a_stage_and_terminal_states_have_none() -> None:
    assert kpi.stage_of(UnitState.RECEIVED) is Stage.INSPECTION
    assert kpi.stage_of("awaiting_decision") is Stage.DECISION
    assert kpi.stage_of(UnitState.IN_STOCK) is None
    assert kpi.ordered_stages()[0] is Stage.INSPECTION


def test_sla_comes_from_the_settings_and_claims_have_none() -> None:
    assert kpi.sla_hours(Stage.PUTAWAY, SLA) == 8.0
    assert kpi.sla_hours(Stage.CLAIM, SLA) is None
    assert kpi.sla_deadline(T0, 8) == T0 - timedelta(hours=8)
    assert kpi.sla_deadline(T0, None) is None


def test_a_breach_is_strictly_longer_than_the_sla() -> None:
    assert not kpi.is_breach(T0 - timedelta(hours=8), T0, 8)
    assert kpi.is_breach(T0 - timedelta(hours=8, seconds=1), T0, 8)
    assert not kpi.is_breach(T0 - timedelta(days=90), T0, None)


# --- losses -------------------------------------------------------------------------------


def test_frozen_time_runs_from_order_to_receipt_or_to_now() -> None:
    ordered = T0 - timedelta(days=21)
    assert kpi.frozen_seconds(ordered, T0 - timedelta(days=1), T0) == 20 * 86400
    assert kpi.frozen_seconds(ordered, None, T0) == 21 * 86400
    assert kpi.frozen_seconds(None, T0, T0) is None
    assert kpi.frozen_seconds(T0, T0 - timedelta(hours=1), T0) == 0.0


def test_two_non_pickups_make_a_repeat_buyer() -> None:
    assert not kpi.is_repeat_buyer(1)
    assert kpi.is_repeat_buyer(2)


def test_losses_cost_is_the_logistics_paid_for_nothing() -> None:
    losses = kpi.Losses(3, Decimal("90000"), Decimal("3600"), 1, Decimal("30000"), 86400.0)
    assert losses.total_cost == Decimal("3600")


# --- health -------------------------------------------------------------------------------


def test_station_is_online_within_a_minute_of_its_heartbeat() -> None:
    assert kpi.station_online(T0 - timedelta(seconds=59), T0)
    assert not kpi.station_online(T0 - timedelta(seconds=61), T0)
    assert not kpi.station_online(None, T0)


def test_worker_is_stale_after_five_minutes_without_a_beat() -> None:
    assert not kpi.worker_stale(T0 - timedelta(minutes=4), T0)
    assert kpi.worker_stale(T0 - timedelta(minutes=6), T0)
    assert kpi.worker_stale(None, T0)


def test_sync_lag_is_the_age_of_the_oldest_pending_change() -> None:
    assert kpi.lag_seconds(T0 - timedelta(minutes=2), T0) == 120
    assert kpi.lag_seconds(None, T0) == 0


# --- buckets ------------------------------------------------------------------------------


def test_daily_counts_sum_into_monday_weeks() -> None:
    daily = [
        (date(2026, 3, 2), "defective", 2),  # Monday
        (date(2026, 3, 8), "defective", 1),  # Sunday, same week
        (date(2026, 3, 9), "defective", 4),  # next Monday
        (date(2026, 3, 10), "changed_mind", 3),
    ]
    weeks, series = kpi.bucket_by_week(daily)
    assert weeks == [date(2026, 3, 2), date(2026, 3, 9)]
    assert series == {"changed_mind": [0, 3], "defective": [3, 4]}


def test_top_orders_by_count_then_key() -> None:
    assert kpi.top({"b": 2, "a": 2, "c": 5}, 2) == [("c", 5), ("a", 2)]
    assert kpi.seconds_as_hours(5400) == 1.5
    assert kpi.seconds_as_hours(None) is None
