"""Claim KPIs: opened, won, lost, recovery rate (recovered ÷ claimed tenge), time to settle."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from statistics import median

from wms.domain.claims import ClaimState

#: A finished claim that got money back is won; one that ended without any is lost.
LOST_STATES = frozenset({ClaimState.CLOSED})


@dataclass(frozen=True)
class ClaimFact:
    """What the KPIs need of one claim."""

    group: str  # the marketplace, reason or merchant it is counted under
    state: ClaimState
    claimed: int  # tiyn
    recovered: int
    opened_at: datetime
    finished_at: datetime | None


@dataclass(frozen=True)
class ClaimKpi:
    """The KPIs of one group."""

    group: str
    opened: int
    won: int
    lost: int
    open: int
    claimed: int
    recovered: int
    #: recovered ÷ claimed (None when nothing was claimed).
    recovery_rate: Fraction | None
    #: Median seconds from opening to settlement of the won claims (None without any).
    median_settle_seconds: float | None


def won(fact: ClaimFact) -> bool:
    """Settled with money back."""
    return fact.state is ClaimState.SETTLED and fact.recovered > 0


def lost(fact: ClaimFact) -> bool:
    """Closed without a tiyn."""
    return fact.state in LOST_STATES and fact.recovered == 0


def kpis(facts: Iterable[ClaimFact]) -> list[ClaimKpi]:
    """KPIs per group, the largest claimed amount first; cancelled drafts are not counted."""
    groups: dict[str, list[ClaimFact]] = {}
    for fact in facts:
        if fact.state is not ClaimState.CANCELLED:
            groups.setdefault(fact.group, []).append(fact)
    out = []
    for group, items in groups.items():
        claimed = sum(f.claimed for f in items)
        recovered = sum(f.recovered for f in items)
        settle = [
            (f.finished_at - f.opened_at).total_seconds()
            for f in items
            if won(f) and f.finished_at is not None
        ]
        n_won, n_lost = sum(map(won, items)), sum(map(lost, items))
        out.append(
            ClaimKpi(
                group=group,
                opened=len(items),
                won=n_won,
                lost=n_lost,
                open=sum(f.state not in (ClaimState.SETTLED, ClaimState.CLOSED) for f in items),
                claimed=claimed,
                recovered=recovered,
                recovery_rate=Fraction(recovered, claimed) if claimed else None,
                median_settle_seconds=median(settle) if settle else None,
            )
        )
    return sorted(out, key=lambda k: (-k.claimed, k.group))


def total(rows: list[ClaimKpi]) -> ClaimKpi | None:
    """One row for all groups (the median time is not additive: left out)."""
    if not rows:
        return None
    claimed = sum(r.claimed for r in rows)
    recovered = sum(r.recovered for r in rows)
    return ClaimKpi(
        group="",
        opened=sum(r.opened for r in rows),
        won=sum(r.won for r in rows),
        lost=sum(r.lost for r in rows),
        open=sum(r.open for r in rows),
        claimed=claimed,
        recovered=recovered,
        recovery_rate=Fraction(recovered, claimed) if claimed else None,
        median_settle_seconds=None,
    )
