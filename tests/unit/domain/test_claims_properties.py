"""Random sequences of claim actions keep the amounts consistent (hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from wms.domain.claims import (
    ClaimAction,
    ClaimCase,
    ClaimLine,
    ClaimState,
    act,
    close_line,
    record_recovery,
    split,
)
from wms.domain.errors import DomainError

lines = st.lists(
    st.tuples(st.integers(1, 5), st.integers(1, 10_000_000)), min_size=1, max_size=4
).map(lambda specs: tuple(ClaimLine(i + 1, q, c) for i, (q, c) in enumerate(specs)))

steps = st.lists(
    st.one_of(
        st.tuples(st.just("act"), st.sampled_from(ClaimAction), st.integers(0, 10_000_000)),
        st.tuples(st.just("split"), st.integers(0, 20), st.integers(1, 4)),
        st.tuples(st.just("recover"), st.integers(0, 20), st.integers(-5, 10_000_000)),
        st.tuples(st.just("close_line"), st.integers(0, 20), st.just(0)),
    ),
    max_size=40,
)


def apply(case: ClaimCase, step: tuple[str, object, int], new_key: int) -> ClaimCase:
    """One step; the line is picked by position among the case's lines."""
    kind, what, amount = step
    if kind == "act":
        assert isinstance(what, ClaimAction)
        first = case.open_lines()[0].key if case.open_lines() else 0
        return act(case, what, {first: amount})
    assert isinstance(what, int)
    key = case.lines[what % len(case.lines)].key
    if kind == "split":
        return split(case, key, amount, new_key)
    if kind == "recover":
        return record_recovery(case, key, amount)
    return close_line(case, key)


@settings(max_examples=300, deadline=None)
@given(lines, steps)
def test_random_claim_action_sequences_keep_amounts_consistent(
    start: tuple[ClaimLine, ...], sequence: list[tuple[str, object, int]]
) -> None:
    case = ClaimCase(ClaimState.DRAFT, start)
    claimed = case.claimed
    qty = sum(line.qty for line in start)
    for n, step in enumerate(sequence):
        before = case
        try:
            case = apply(case, step, -(n + 1))
        except DomainError:
            assert case == before  # a refused step changes nothing
            continue
        # Lines always add up to the case's totals and the claim as a whole never grows.
        assert sum(ln.claimed for ln in case.lines) == case.claimed == claimed
        assert sum(ln.qty for ln in case.lines) == qty
        for line in case.lines:
            assert 0 <= line.recovered <= line.claimed
            assert 0 <= line.offered <= line.claimed
        assert case.recovered <= case.claimed
        if case.state in (ClaimState.SETTLED, ClaimState.CLOSED, ClaimState.CANCELLED):
            assert case.state is ClaimState.CANCELLED or not case.open_lines()
        if case.state is ClaimState.SETTLED:
            assert case.recovered > 0
