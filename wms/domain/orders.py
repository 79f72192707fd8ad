"""Return order life cycle (DESIGN 3.2)."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from wms.domain.errors import IllegalTransition


class ReturnOrderState(StrEnum):
    """Where a return order (one returned parcel / marketplace order) is."""

    EXPECTED = "expected"
    RECEIVING = "receiving"
    RECEIVED = "received"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class OrderAction(StrEnum):
    """Everything that can happen to a return order."""

    START_RECEIPT = "start_receipt"
    ADD_UNIT = "add_unit"
    CLOSE = "close"
    REOPEN = "reopen"
    COMPLETE = "complete"
    CANCEL = "cancel"


O, OA = ReturnOrderState, OrderAction

ORDER_TRANSITIONS: Mapping[tuple[ReturnOrderState, OrderAction], ReturnOrderState] = {
    (O.EXPECTED, OA.START_RECEIPT): O.RECEIVING,
    (O.EXPECTED, OA.CANCEL): O.CANCELLED,
    (O.RECEIVING, OA.START_RECEIPT): O.RECEIVING,  # a second station joins, or a restart
    (O.RECEIVING, OA.ADD_UNIT): O.RECEIVING,
    (O.RECEIVING, OA.CLOSE): O.RECEIVED,
    (O.RECEIVING, OA.CANCEL): O.CANCELLED,  # only while no unit exists (checked by the guard)
    (O.RECEIVED, OA.REOPEN): O.RECEIVING,
    (O.RECEIVED, OA.COMPLETE): O.COMPLETED,
}

TERMINAL_ORDER_STATES = frozenset({O.COMPLETED, O.CANCELLED})


def next_order_state(
    state: ReturnOrderState, action: OrderAction, *, unit_count: int = 0
) -> ReturnOrderState:
    """Return the state after `action`; a cancel is refused once any unit exists."""
    if action is OA.CANCEL and unit_count > 0:
        raise IllegalTransition("order.cancel_with_units", units=unit_count)
    if action is OA.CLOSE and unit_count == 0:
        raise IllegalTransition("order.close_empty")
    try:
        return ORDER_TRANSITIONS[(state, action)]
    except KeyError:
        raise IllegalTransition(
            "order.illegal_transition", state=state.value, action=action.value
        ) from None
