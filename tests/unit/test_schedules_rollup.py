"""Schedules (slots that every replica computes alike) and exact percentiles from buckets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wms.domain import kpi, rollup
from wms.domain.onsale import OnSale, verdict
from wms.domain.schedules import ScheduleError, parse

NOW = datetime(2026, 3, 20, 9, 7, 31, tzinfo=UTC)


def test_interval_slots_are_multiples_of_the_interval() -> None:
    every = parse("every 10m")
    assert every.slot(NOW) == datetime(2026, 3, 20, 9, 0, tzinfo=UTC)
    assert every.next_slot(NOW) == datetime(2026, 3, 20, 9, 10, tzinfo=UTC)
    assert every.slot(datetime(2026, 3, 20, 9, 10, tzinfo=UTC)) == every.next_slot(NOW)


def test_cron_slots_are_in_the_warehouse_time_zone() -> None:
    daily = parse("30 2 * * *")  # 02:30 in Almaty = 21:30 UTC the day before
    assert daily.slot(NOW) == datetime(2026, 3, 19, 21, 30, tzinfo=UTC)
    assert daily.next_slot(NOW) == datetime(2026, 3, 20, 21, 30, tzinfo=UTC)
    exactly = datetime(2026, 3, 20, 21, 30, tzinfo=UTC)
    assert daily.slot(exactly) == exactly


@pytest.mark.parametrize("text", ["every 0m", "every 5x", "61 * * * *", "soon", ""])
def test_bad_schedules_say_why(text: str) -> None:
    with pytest.raises(ScheduleError):
        parse(text)


def test_off_never_runs() -> None:
    off = parse("off")
    assert not off.enabled
    assert off.slot(NOW) is None
    assert off.next_slot(NOW) is None


def test_buckets_are_ordered_ranges() -> None:
    assert rollup.bucket_of(0.5) == 0
    assert rollup.bucket_of(-3) == 0
    assert rollup.bucket_of(1.0) == 1
    assert rollup.bucket_of(3600) <= rollup.bucket_of(3601)


durations = st.lists(st.floats(min_value=-5, max_value=3e6, allow_nan=False), min_size=1)


@given(stored=durations, extra=st.lists(st.floats(min_value=0, max_value=3e6), max_size=20))
def test_percentiles_through_buckets_are_the_exact_percentiles(
    stored: list[float], extra: list[float]
) -> None:
    values = stored + extra
    hist: dict[int, int] = {}
    by_bucket: dict[int, list[float]] = {}
    for v in stored:
        b = rollup.bucket_of(v)
        by_bucket.setdefault(b, []).append(v)
    live: dict[int, list[float]] = {}
    for v in extra:
        live.setdefault(rollup.bucket_of(v), []).append(v)
    for b in set(by_bucket) | set(live):
        hist[b] = len(by_bucket.get(b, [])) + len(live.get(b, []))
    for percent, rank in zip((50, 90), rollup.percent_ranks(len(values), (50, 90)), strict=True):
        bucket, inside = rollup.locate(hist, rank)
        more = live.get(bucket, [])
        offset, count = rollup.window(inside, len(more))
        stored_sorted = sorted(by_bucket.get(bucket, []))[offset : offset + count]
        assert rollup.nth(stored_sorted, offset, more, inside) == kpi.percentile(values, percent)


def test_buckets_never_disagree_with_order() -> None:
    values = [rollup.THRESHOLDS[k] + d for k in range(0, 200, 7) for d in (-1e-9, 0, 1e-9)]
    ordered = sorted(values)
    assert [rollup.bucket_of(v) for v in ordered] == sorted(rollup.bucket_of(v) for v in ordered)
    assert timedelta(seconds=rollup.THRESHOLDS[-1]) > timedelta(days=365 * 6)


@pytest.mark.parametrize(
    ("kwargs", "answer"),
    [
        ({"active": False, "pending": True}, OnSale.INACTIVE),
        ({"pending": True}, OnSale.WAITING),
        ({"confirmed_quantity": None}, OnSale.NOT_CONFIRMED),
        ({"confirmed_quantity": 3, "read_back": 2, "expected": 3}, OnSale.DRIFT),
        ({"confirmed_quantity": 3, "read_back": 3, "expected": 3}, OnSale.ON_SALE),
        ({"confirmed_quantity": 0, "read_back": None, "expected": 0}, OnSale.SOLD_OUT),
    ],
)
def test_is_it_on_sale(kwargs: dict, answer: OnSale) -> None:
    base = {
        "active": True,
        "pending": False,
        "confirmed_quantity": 1,
        "read_back": None,
        "expected": 1,
    }
    assert verdict(**{**base, **kwargs}) is answer
