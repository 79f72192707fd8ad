"""Every (state, action) pair of both life cycles, allowed or refused with a named error."""

from __future__ import annotations

import itertools

import pytest

from wms.domain.errors import IllegalTransition
from wms.domain.orders import (
    ORDER_TRANSITIONS,
    TERMINAL_ORDER_STATES,
    OrderAction,
    ReturnOrderState,
    next_order_state,
)
from wms.domain.prompts import term
from wms.domain.units import (
    TERMINAL_UNIT_STATES,
    UNIT_TRANSITIONS,
    UnitAction,
    UnitState,
    allowed_unit_actions,
    next_unit_state,
)

S, A = UnitState, UnitAction

# The life cycle of DESIGN 3.1 written out independently of the table under test.
EXPECTED_UNIT = {
    (S.RECEIVED, A.GRADE_RESTOCK): S.AWAITING_PUTAWAY,
    (S.RECEIVED, A.GRADE_REPACK): S.AWAITING_REPACK,
    (S.RECEIVED, A.GRADE_REPAIR): S.IN_REPAIR,
    (S.RECEIVED, A.GRADE_NON_RETURNABLE): S.AWAITING_DECISION,
    (S.RECEIVED, A.VOID): S.VOIDED,
    (S.IN_REPAIR, A.REPAIR_DONE): S.AWAITING_REPACK,
    (S.IN_REPAIR, A.REPAIR_FAILED): S.AWAITING_DECISION,
    (S.AWAITING_REPACK, A.REPACK): S.AWAITING_PUTAWAY,
    (S.AWAITING_PUTAWAY, A.PUTAWAY): S.IN_STOCK,
    (S.IN_STOCK, A.MOVE): S.IN_STOCK,
    (S.IN_STOCK, A.SHIP): S.SHIPPED,
    (S.AWAITING_DECISION, A.DECIDE_DISPOSE): S.DISPOSED,
    (S.AWAITING_DECISION, A.DECIDE_RETURN_TO_MERCHANT): S.RETURNED_TO_MERCHANT,
    (S.AWAITING_DECISION, A.DECIDE_RESALE): S.AWAITING_REPACK,
    (S.AWAITING_DECISION, A.DECIDE_REPAIR): S.IN_REPAIR,
    (S.AWAITING_DECISION, A.DECIDE_CLAIM): S.CLAIMED,
    (S.CLAIMED, A.CLAIM_COMPENSATED): S.CLAIM_SETTLED,
    (S.CLAIMED, A.CLAIM_REJECTED): S.AWAITING_DECISION,
}


@pytest.mark.parametrize(("state", "action"), list(itertools.product(UnitState, UnitAction)))
def test_every_unit_state_action_pair(state: UnitState, action: UnitAction) -> None:
    expected = EXPECTED_UNIT.get((state, action))
    if expected is not None:
        assert next_unit_state(state, action) is expected
        assert action in allowed_unit_actions(state)
    else:
        with pytest.raises(IllegalTransition) as err:
            next_unit_state(state, action)
        assert err.value.params == {"state": state.value, "action": action.value}
        # The message names both, the state in words the operator knows.
        assert term(state.value)["en"] in str(err.value)
        assert action.value in str(err.value)
        assert term(state.value)["ru"] in err.value.render("ru")
        assert action not in allowed_unit_actions(state)


def test_unit_table_is_exactly_the_design() -> None:
    assert dict(UNIT_TRANSITIONS) == EXPECTED_UNIT


def test_units_that_left_the_warehouse_have_no_way_back() -> None:
    gone = {S.DISPOSED, S.RETURNED_TO_MERCHANT, S.SHIPPED, S.VOIDED, S.CLAIM_SETTLED}
    for state in gone:
        assert allowed_unit_actions(state) == []
    assert gone < TERMINAL_UNIT_STATES


OS, OA = ReturnOrderState, OrderAction
EXPECTED_ORDER = {
    (OS.EXPECTED, OA.START_RECEIPT): OS.RECEIVING,
    (OS.EXPECTED, OA.CANCEL): OS.CANCELLED,
    (OS.RECEIVING, OA.START_RECEIPT): OS.RECEIVING,
    (OS.RECEIVING, OA.ADD_UNIT): OS.RECEIVING,
    (OS.RECEIVING, OA.CLOSE): OS.RECEIVED,
    (OS.RECEIVING, OA.CANCEL): OS.CANCELLED,
    (OS.RECEIVED, OA.REOPEN): OS.RECEIVING,
    (OS.RECEIVED, OA.COMPLETE): OS.COMPLETED,
}


@pytest.mark.parametrize(
    ("state", "action"), list(itertools.product(ReturnOrderState, OrderAction))
)
def test_every_order_state_action_pair(state: ReturnOrderState, action: OrderAction) -> None:
    expected = EXPECTED_ORDER.get((state, action))
    # With one unit received: closing is allowed, cancelling is not.
    units = 1
    if expected is not None and action is not OA.CANCEL:
        assert next_order_state(state, action, unit_count=units) is expected
    elif expected is not None:
        assert next_order_state(state, action, unit_count=0) is expected
        with pytest.raises(IllegalTransition) as err:
            next_order_state(state, action, unit_count=units)
        assert err.value.message_key == "order.cancel_with_units"
    else:
        with pytest.raises(IllegalTransition):
            next_order_state(state, action, unit_count=units)


def test_order_table_is_exactly_the_design() -> None:
    assert dict(ORDER_TRANSITIONS) == EXPECTED_ORDER
    for state in TERMINAL_ORDER_STATES:
        assert not [a for (s, a) in ORDER_TRANSITIONS if s is state]


def test_an_empty_receipt_cannot_be_closed() -> None:
    with pytest.raises(IllegalTransition) as err:
        next_order_state(OS.RECEIVING, OA.CLOSE, unit_count=0)
    assert err.value.message_key == "order.close_empty"
