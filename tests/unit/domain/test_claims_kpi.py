"""Claim KPIs from facts: opened, won, lost, recovery rate, time to settle."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from fractions import Fraction

from wms.domain.claims import ClaimState
from wms.domain.claims_kpi import ClaimFact, kpis, total

T0 = datetime(2026, 12, 1, tzinfo=UTC)


def fact(group: str, state: ClaimState, claimed: int, recovered: int, hours: float) -> ClaimFact:
    return ClaimFact(group, state, claimed, recovered, T0, T0 + timedelta(hours=hours))


def test_won_lost_rate_and_median_time_per_group() -> None:
    facts = [
        fact("wildberries", ClaimState.SETTLED, 10_000, 10_000, 10),
        fact("wildberries", ClaimState.SETTLED, 20_000, 5_000, 30),
        fact("wildberries", ClaimState.SETTLED, 1_000, 1_000, 20),
        fact("wildberries", ClaimState.CLOSED, 9_000, 0, 5),
        fact("wildberries", ClaimState.UNDER_REVIEW, 10_000, 0, 0),
        fact("wildberries", ClaimState.CANCELLED, 99_999, 0, 1),
        fact("kaspi", ClaimState.CLOSED, 3_000, 0, 1),
    ]
    wb, kaspi = kpis(facts)
    assert (wb.group, wb.opened, wb.won, wb.lost, wb.open) == ("wildberries", 5, 3, 1, 1)
    assert wb.recovery_rate == Fraction(16_000, 50_000)
    assert wb.median_settle_seconds == 20 * 3600
    assert (kaspi.won, kaspi.lost, kaspi.recovery_rate) == (0, 1, Fraction(0))
    assert kaspi.median_settle_seconds is None
    all_ = total([wb, kaspi])
    assert all_ is not None
    assert (all_.opened, all_.claimed, all_.recovery_rate) == (6, 53_000, Fraction(16_000, 53_000))
    assert total([]) is None
