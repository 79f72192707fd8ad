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


OS, OA = ReturnOrderState, OrderAction

ORDER_TRANSITIONS: Mapping[tuple[ReturnOrderState, OrderAction], ReturnOrderState] = {
    (OS.EXPECTED, OA.START_RECEIPT): OS.RECEIVING,
    (OS.EXPECTED, OA.CANCEL): OS.CANCELLED,
    (OS.RECEIVING, OA.START_RECEIPT): OS.RECEIVING,  # a second station joins, or a restart
    (OS.RECEIVING, OA.ADD_UNIT): OS.RECEIVING,
    (OS.RECEIVING, OA.CLOSE): OS.RECEIVED,
    (OS.RECEIVING, OA.CANCEL): OS.CANCELLED,  # only while no unit exists (checked by the guard)
    (OS.RECEIVED, OA.REOPEN): OS.RECEIVING,
    (OS.RECEIVED, OA.COMPLETE): OS.COMPLETED,
}

TERMINAL_ORDER_STATES = frozenset({OS.COMPLETED, OS.CANCELLED})


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
