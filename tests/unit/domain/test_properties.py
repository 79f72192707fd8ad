"""Random action sequences keep the domain's invariants (hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from wms.domain.errors import GradeRefused, IllegalTransition
from wms.domain.grading import Check, GradeChoice, grade, suggest
from wms.domain.orders import OrderAction, ReturnOrderState, next_order_state
from wms.domain.stock import LedgerEntry, available, ledger_violations
from wms.domain.units import (
    GONE_UNIT_STATES,
    TERMINAL_UNIT_STATES,
    UnitAction,
    UnitState,
    allowed_unit_actions,
    next_unit_state,
)


@settings(max_examples=300)
@given(st.lists(st.sampled_from(list(UnitAction)), max_size=40))
def test_random_unit_actions_keep_the_life_cycle_consistent(actions: list[UnitAction]) -> None:
    state = UnitState.RECEIVED
    in_stock_count = 0  # putaways minus shipments
    graded = 0
    for action in actions:
        try:
            new = next_unit_state(state, action)
        except IllegalTransition:
            assert action not in allowed_unit_actions(state)
            continue
        assert state not in GONE_UNIT_STATES, "a unit that left can do nothing more"
        graded += action.value.startswith("grade_")
        in_stock_count += (action is UnitAction.PUTAWAY) - (action is UnitAction.SHIP)
        state = new
        assert in_stock_count in (0, 1)
        assert (state is UnitState.IN_STOCK) == (in_stock_count == 1)
        assert graded <= 1, "a unit is graded once; later steps are repair, repack, decisions"
    if state in TERMINAL_UNIT_STATES - {UnitState.IN_STOCK}:
        assert allowed_unit_actions(state) == []


@given(st.lists(st.sampled_from(list(OrderAction)), max_size=30), st.integers(0, 3))
def test_random_order_actions_never_cancel_with_units(
    actions: list[OrderAction], units: int
) -> None:
    state = ReturnOrderState.EXPECTED
    for action in actions:
        try:
            new = next_order_state(state, action, unit_count=units)
        except IllegalTransition:
            continue
        if new is ReturnOrderState.CANCELLED:
            assert units == 0
        if new is ReturnOrderState.RECEIVED:
            assert units > 0
        state = new


@given(st.sets(st.sampled_from(list(Check))))
def test_the_suggested_grade_is_always_accepted(checks: set[Check]) -> None:
    outcome = grade(suggest(checks), checks)
    assert outcome.choice is suggest(checks)


@given(st.sets(st.sampled_from(list(Check))), st.sampled_from(list(GradeChoice)))
def test_a_grade_is_refused_only_for_a_ticked_problem(
    checks: set[Check], choice: GradeChoice
) -> None:
    try:
        grade(choice, checks)
    except GradeRefused as err:
        named = set(err.params["checks"].split(", "))
        assert named
        assert named <= {c.value for c in checks}


Booking = tuple[int, int]  # (bin, quantity delta)


@given(st.lists(st.tuples(st.integers(1, 4), st.integers(-5, 5)), max_size=60))
def test_bookings_applied_only_when_covered_keep_the_ledger_invariants(
    bookings: list[Booking],
) -> None:
    levels: dict[int, int] = {}
    ledger: list[LedgerEntry] = []
    for bin_id, delta in bookings:
        if levels.get(bin_id, 0) + delta < 0:
            continue  # the service refuses it: stock never goes negative
        levels[bin_id] = levels.get(bin_id, 0) + delta
        ledger.append(LedgerEntry(bin_id, delta))
    assert ledger_violations(ledger, dict(levels)) == []
    on_hand = sum(levels.values())
    assert available(on_hand, on_hand + 1) == 0
    if ledger:
        corrupted = dict(levels)
        corrupted[ledger[0].key] = corrupted[ledger[0].key] + 1
        assert ledger_violations(ledger, corrupted), (
            "a level that disagrees with its ledger is found"
        )
