"""KPI formulas of the dashboard (DESIGN 7; seeds 000, 002, 003): pure functions over plain data.

Queries aggregate in SQL and hand the sums here; where SQL must compute something itself (a
percentile over a million rows) it implements the same definition as the function below, and an
integration test proves that both agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

from wms.domain.units import UnitState

# The warehouse's clock for "today" and day buckets (Kazakhstan is UTC+5 all year since 2024).
#: The time zone until the application sets the site's (`[warehouse] timezone`).
DEFAULT_TZ = ZoneInfo("Asia/Almaty")
_zone: list[ZoneInfo] = [DEFAULT_TZ]


def warehouse_tz() -> ZoneInfo:
    """The warehouse's time zone: local days, local times on pages, slips and labels."""
    return _zone[0]


def set_warehouse_tz(tz: ZoneInfo) -> None:
    """Set the warehouse's time zone (the server and the CLI do it from the settings)."""
    _zone[0] = tz


# Kaspi's quality-returns metric (seed 003): 30 days, counted from 10 orders on.
QUALITY_WINDOW_DAYS = 30
QUALITY_MIN_ORDERS = 10
# Below 1 % a shop can be an "excellent seller"; 2 % is Kaspi's critical line. We alarm at the
# line itself (not only above it) so that the merchant still has time to act.
QUALITY_WARN_PERCENT = Decimal("1")
QUALITY_ALARM_PERCENT = Decimal("2")
# A buyer who did not pick up this many orders is flagged (seed 000).
REPEAT_NON_PICKUPS = 2
# A station sends a heartbeat every few seconds; a worker beats at least once a minute.
STATION_OFFLINE_AFTER = timedelta(seconds=60)
WORKER_STALE_AFTER = timedelta(minutes=5)


class Stage(StrEnum):
    """A stage of the floor, named after the work a unit waits for."""

    INSPECTION = "inspection"
    REPAIR = "repair"
    REPACK = "repack"
    PUTAWAY = "putaway"
    DECISION = "decision"
    CLAIM = "claim"


STAGE_OF_STATE: Mapping[UnitState, Stage] = {
    UnitState.RECEIVED: Stage.INSPECTION,
    UnitState.IN_REPAIR: Stage.REPAIR,
    UnitState.AWAITING_REPACK: Stage.REPACK,
    UnitState.AWAITING_PUTAWAY: Stage.PUTAWAY,
    UnitState.AWAITING_DECISION: Stage.DECISION,
    UnitState.CLAIMED: Stage.CLAIM,
}
# The `[sla]` setting for each stage (claims wait for the marketplace: no SLA of ours).
SLA_KEY: Mapping[Stage, str | None] = {
    Stage.INSPECTION: "inspection_hours",
    Stage.REPAIR: "repair_hours",
    Stage.REPACK: "repack_hours",
    Stage.PUTAWAY: "putaway_hours",
    Stage.DECISION: "decision_hours",
    Stage.CLAIM: None,
}


def stage_of(state: UnitState | str) -> Stage | None:
    """The floor stage of a unit state (None for states nobody works on)."""
    return STAGE_OF_STATE.get(UnitState(state))


def sla_hours(stage: Stage, sla: Mapping[str, float]) -> float | None:
    """The SLA of a stage from the `[sla]` settings (None: no SLA)."""
    key = SLA_KEY[stage]
    return None if key is None else float(sla[key])


def sla_deadline(now: datetime, hours: float | None) -> datetime | None:
    """Units that entered their state before this moment breach an SLA of `hours`."""
    return None if hours is None else now - timedelta(hours=hours)


def is_breach(since: datetime, now: datetime, hours: float | None) -> bool:
    """Whether a unit in its state since `since` has waited longer than `hours`."""
    return hours is not None and now - since > timedelta(hours=hours)


# --- percentiles ----------------------------------------------------------------------------


def nearest_rank(count: int, percent: int) -> int:
    """1-based rank of the `percent`-th percentile of `count` sorted values (nearest rank).

    `ceil(percent / 100 * count)` in integer arithmetic, so SQL can compute the same rank.
    """
    if count < 1:
        raise ValueError("no values")
    if not 0 < percent <= 100:
        raise ValueError(f"percent out of range: {percent}")
    return max(1, (percent * count + 99) // 100)


def percentile(values: Iterable[float], percent: int) -> float | None:
    """The nearest-rank percentile (a value that occurs in the data); None when empty."""
    ordered = sorted(values)
    if not ordered:
        return None
    return ordered[nearest_rank(len(ordered), percent) - 1]


@dataclass(frozen=True)
class Spread:
    """How long something took: the count and the median and 90th percentile, in seconds."""

    count: int
    p50: float | None
    p90: float | None


def spread(seconds: Iterable[float]) -> Spread:
    """p50 and p90 of durations in seconds."""
    values = sorted(seconds)
    return Spread(len(values), percentile(values, 50), percentile(values, 90))


# --- shares and money -----------------------------------------------------------------------


def share(part: int, whole: int) -> float | None:
    """part ÷ whole as a fraction; None when there is nothing to divide by."""
    if whole < 0 or part < 0:
        raise ValueError("counts cannot be negative")
    return part / whole if whole else None


@dataclass(frozen=True)
class ResaleShare:
    """Units back on sale (main + resale) out of the units received."""

    received: int
    main: int
    resale: int

    @property
    def back_on_sale(self) -> int:
        """Units put away on either channel."""
        return self.main + self.resale

    @property
    def share(self) -> float | None:
        """Back on sale ÷ received."""
        return share(self.back_on_sale, self.received)


def handling_cost(units: int, fee_per_unit: Decimal) -> Decimal:
    """What the operator charges for handling `units` returned units."""
    return Decimal(units) * fee_per_unit


@dataclass(frozen=True)
class MerchantCost:
    """Reverse-logistics and handling cost of one merchant over a period."""

    orders: int
    units: int
    reverse_logistics: Decimal
    fee_per_unit: Decimal

    @property
    def handling(self) -> Decimal:
        """Handling fee × units."""
        return handling_cost(self.units, self.fee_per_unit)

    @property
    def total(self) -> Decimal:
        """Reverse logistics plus handling."""
        return self.reverse_logistics + self.handling

    @property
    def per_unit(self) -> Decimal | None:
        """Total cost per unit returned."""
        return (self.total / self.units).quantize(Decimal("0.01")) if self.units else None


# --- Kaspi quality returns (seed 003) -------------------------------------------------------


class QualityLevel(StrEnum):
    """Where a merchant stands on Kaspi's quality-returns metric."""

    EXCELLENT = "excellent"  # below 1 %
    WARN = "warn"  # 1 % or more: no longer an "excellent seller"
    ALARM = "alarm"  # 2 % or more: at or over Kaspi's critical line
    NOT_COUNTED = "not_counted"  # fewer than 10 orders in 30 days


@dataclass(frozen=True)
class QualityRate:
    """Quality returns ÷ completed orders over 30 days, with the level it puts the merchant at."""

    quality_returns: int
    completed_orders: int
    percent: Decimal | None
    level: QualityLevel


def quality_rate(quality_returns: int, completed_orders: int) -> QualityRate:
    """Kaspi's quality-returns rate; not counted below 10 completed orders in the window."""
    if quality_returns < 0 or completed_orders < 0:
        raise ValueError("counts cannot be negative")
    if completed_orders < QUALITY_MIN_ORDERS:
        percent = None
        if completed_orders:
            percent = _percent(quality_returns, completed_orders)
        return QualityRate(quality_returns, completed_orders, percent, QualityLevel.NOT_COUNTED)
    percent = _percent(quality_returns, completed_orders)
    if percent >= QUALITY_ALARM_PERCENT:
        level = QualityLevel.ALARM
    elif percent >= QUALITY_WARN_PERCENT:
        level = QualityLevel.WARN
    else:
        level = QualityLevel.EXCELLENT
    return QualityRate(quality_returns, completed_orders, percent, level)


def _percent(part: int, whole: int) -> Decimal:
    return Decimal(part) * 100 / Decimal(whole)


def quality_window(today: date) -> tuple[date, date]:
    """First and last day (inclusive) of the 30-day window ending today."""
    return today - timedelta(days=QUALITY_WINDOW_DAYS - 1), today


# --- cancellation and non-pickup losses (seed 000) ------------------------------------------


def frozen_seconds(
    ordered_at: datetime | None, received_at: datetime | None, now: datetime
) -> float | None:
    """How long the goods were frozen: order → back at the warehouse (or → now, still away)."""
    if ordered_at is None:
        return None
    end = received_at or now
    return max((end - ordered_at).total_seconds(), 0.0)


def is_repeat_buyer(non_pickups: int) -> bool:
    """Whether a buyer's non-pickups make them suspicious."""
    return non_pickups >= REPEAT_NON_PICKUPS


@dataclass(frozen=True)
class Losses:
    """What cancelled and never-collected orders cost over a period."""

    orders: int
    value: Decimal
    reverse_logistics: Decimal
    still_away: int
    value_still_away: Decimal
    frozen_seconds_avg: float | None

    @property
    def total_cost(self) -> Decimal:
        """Logistics paid for nothing (the goods' value is frozen, not lost)."""
        return self.reverse_logistics


# --- health of stations, workers and sync ---------------------------------------------------


def station_online(last_seen_at: datetime | None, now: datetime) -> bool:
    """Whether a station's last heartbeat is recent enough."""
    return last_seen_at is not None and now - last_seen_at <= STATION_OFFLINE_AFTER


def worker_stale(beat_at: datetime | None, now: datetime) -> bool:
    """Whether a worker's heartbeat is too old."""
    return beat_at is None or now - beat_at > WORKER_STALE_AFTER


def lag_seconds(oldest_pending_at: datetime | None, now: datetime) -> float:
    """Sync lag: the age of the oldest change not yet delivered (0 when nothing waits)."""
    if oldest_pending_at is None:
        return 0.0
    return max((now - oldest_pending_at).total_seconds(), 0.0)


# --- time buckets ---------------------------------------------------------------------------


def local_date(moment: datetime) -> date:
    """The warehouse-local calendar day of a moment."""
    return moment.astimezone(warehouse_tz()).date()


def week_start(day: date) -> date:
    """Monday of the week of `day`."""
    return day - timedelta(days=day.weekday())


def bucket_by_week(
    daily: Iterable[tuple[date, str, int]],
) -> tuple[list[date], dict[str, list[int]]]:
    """Sum daily counts per key into weeks: the week starts and one series per key."""
    totals: dict[tuple[date, str], int] = {}
    for day, key, count in daily:
        week = week_start(day)
        totals[(week, key)] = totals.get((week, key), 0) + count
    weeks = sorted({week for week, _ in totals})
    keys = sorted({key for _, key in totals})
    series = {key: [totals.get((week, key), 0) for week in weeks] for key in keys}
    return weeks, series


def top(counts: Mapping[str, int], limit: int) -> list[tuple[str, int]]:
    """The largest counts first (ties by key), at most `limit`."""
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]


def seconds_as_hours(seconds: float | None) -> float | None:
    """Seconds as hours, rounded to 0.1 (for charts)."""
    return None if seconds is None else round(seconds / 3600, 1)


def ordered_stages() -> Sequence[Stage]:
    """Stages in the order a unit meets them."""
    return tuple(Stage)
