"""Billing rules: rate lookup, tiers, min/max, VAT, and totals over random event streams."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wms.domain.billing import (
    Event,
    Period,
    RateLine,
    Service,
    check_card,
    find_rate,
    money,
    price,
)
from wms.domain.errors import InvalidInput

D = Decimal
JAN = date(2026, 1, 1)


def test_merchant_line_before_default_and_exact_qualifier_before_any() -> None:
    default = RateLine(Service.INSPECTION_UNIT, JAN, price_first=D("100"))
    phones = RateLine(Service.INSPECTION_UNIT, JAN, qualifier="phones", price_first=D("300"))
    own = RateLine(Service.INSPECTION_UNIT, JAN, merchant="ACME", price_first=D("80"))
    card = [default, phones, own]
    assert find_rate(card, "ACME", Service.INSPECTION_UNIT, "shoes", JAN) is own
    assert find_rate(card, "OTHER", Service.INSPECTION_UNIT, "phones", JAN) is phones
    assert find_rate(card, "OTHER", Service.INSPECTION_UNIT, "shoes", JAN) is default
    assert find_rate(card, "OTHER", Service.REPACK, "", JAN) is None


def test_validity_dates_are_inclusive_and_versions_split_lines() -> None:
    old = RateLine(Service.PUTAWAY, JAN, date(2026, 1, 15), price_first=D("10"))
    new = RateLine(Service.PUTAWAY, date(2026, 1, 16), price_first=D("12"))
    events = [Event(f"e{d}", Service.PUTAWAY, JAN + timedelta(days=d)) for d in range(31)]
    priced = price([old, new], "M", events)
    assert [(ln.rate, ln.quantity, ln.net) for ln in priced.lines] == [
        (old, D(15), D("150.00")),
        (new, D(16), D("192.00")),
    ]
    assert priced.vat == D("18.00") + D("23.04")
    assert priced.total == D("342.00") + D("41.04")


def test_tiers_min_and_max() -> None:
    tiered = RateLine(
        Service.RECEIPT_UNIT, JAN, first_qty=D(100), price_first=D("50"), price_additional=D("30")
    )
    assert tiered.charge(D(40), D(0)) == D("2000.00")
    assert tiered.charge(D(150), D(0)) == D("5000.00") + D("1500.00")
    floor = RateLine(Service.STORAGE_BIN_DAY, JAN, price_first=D("10"), min_charge=D("1000"))
    assert floor.charge(D(3), D(0)) == D("1000")
    assert floor.charge(D(300), D(0)) == D("3000.00")
    cap = RateLine(Service.CLAIM_HANDLING, JAN, percent=D("10"), max_charge=D("5000"))
    assert cap.charge(D(2), D("12345.67")) == D("1234.57")
    assert cap.charge(D(2), D("90000")) == D("5000")


def test_unpriced_events_are_reported_not_billed() -> None:
    priced = price([], "M", [Event("x", Service.PHOTO, JAN)])
    assert priced.lines == []
    assert [e.key for e in priced.unpriced] == ["x"]
    assert priced.total == 0


def test_overlapping_lines_are_named() -> None:
    a = RateLine(Service.LABEL, JAN, date(2026, 2, 1), merchant="M")
    b = RateLine(Service.LABEL, date(2026, 2, 1), merchant="M")
    c = RateLine(Service.LABEL, date(2026, 2, 2), merchant="N")
    assert check_card([a, c]) == []
    assert check_card([b, c]) == []
    assert len(check_card([a, b, c])) == 1


def test_periods() -> None:
    assert Period.parse("2026-02").last_day == date(2026, 2, 28)
    assert Period.parse("2028-02").last_day == date(2028, 2, 29)
    assert str(Period.parse("2026-01").previous()) == "2025-12"
    for bad in ("2026-13", "26-01", "2026-1", "январь"):
        with pytest.raises(InvalidInput):
            Period.parse(bad)


# ---- property: totals equal events × rates ------------------------------------------------

prices = st.decimals(min_value=0, max_value=10000, places=2)
services = st.sampled_from([Service.RECEIPT_UNIT, Service.REPACK, Service.STORAGE_UNIT_DAY])


@st.composite
def rate_lines(draw: st.DrawFn, service: Service, start: date, end: date | None) -> RateLine:
    low = draw(st.none() | prices)
    high = draw(st.none() | prices)
    if low is not None and high is not None and low > high:
        low, high = high, low
    return RateLine(
        service,
        start,
        end,
        first_qty=D(draw(st.integers(0, 20))),
        price_first=draw(prices),
        price_additional=draw(prices),
        min_charge=low,
        max_charge=high,
        vat_percent=draw(st.sampled_from([D(0), D(12), D("16.5")])),
    )


@st.composite
def cards(draw: st.DrawFn) -> list[RateLine]:
    card = []
    for service in Service:
        if service not in (Service.RECEIPT_UNIT, Service.REPACK, Service.STORAGE_UNIT_DAY):
            continue
        if draw(st.booleans()):  # two versions, split mid-month
            split = draw(st.integers(2, 28))
            card.append(draw(rate_lines(service, JAN, date(2026, 1, split - 1))))
            card.append(draw(rate_lines(service, date(2026, 1, split), None)))
        else:
            card.append(draw(rate_lines(service, JAN, None)))
    return card


events_strategy = st.lists(
    st.tuples(services, st.integers(0, 30), st.integers(1, 5)), min_size=0, max_size=60
)


def _oracle(card: list[RateLine], stream: list[tuple[Service, int, int]]) -> Decimal:
    """Charge unit by unit: each unit takes the next price on its rate line's ladder."""
    used: dict[int, int] = {}
    net_per_line: dict[int, Decimal] = {}
    for service, day_offset, qty in stream:
        day = JAN + timedelta(days=day_offset)
        line = next(r for r in card if r.service is service and r.covers(day))
        for _ in range(qty):
            n = used.get(id(line), 0)
            unit = line.price_first if n < line.first_qty else line.additional
            net_per_line[id(line)] = net_per_line.get(id(line), D(0)) + unit
            used[id(line)] = n + 1
    total = D(0)
    for line in card:
        if id(line) not in net_per_line:
            continue
        net = net_per_line[id(line)]
        if line.min_charge is not None:
            net = max(net, line.min_charge)
        if line.max_charge is not None:
            net = min(net, line.max_charge)
        total += net + money(net * line.vat_percent / 100)
    return total


@settings(max_examples=200, deadline=None)
@given(cards(), events_strategy)
def test_invoice_total_is_sum_of_events_times_rates(card: list[RateLine], stream: list) -> None:
    events = [
        Event(f"k{i}", s, JAN + timedelta(days=d), D(q)) for i, (s, d, q) in enumerate(stream)
    ]
    priced = price(card, "M", events)
    assert priced.total == _oracle(card, stream)
    assert sum(line.events for line in priced.lines) == len(events)
    # Pricing the same events again (a draft re-run) gives the same total.
    assert price(card, "M", list(reversed(events))).total == priced.total
