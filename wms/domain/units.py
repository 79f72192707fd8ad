"""Unit (one returned item, one LPN) life cycle as a transition table (DESIGN 3.1)."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from wms.domain.errors import IllegalTransition


class UnitState(StrEnum):
    """Where a unit is in its life cycle."""

    RECEIVED = "received"
    AWAITING_REPACK = "awaiting_repack"
    AWAITING_PUTAWAY = "awaiting_putaway"
    IN_STOCK = "in_stock"
    IN_REPAIR = "in_repair"
    AWAITING_DECISION = "awaiting_decision"
    CLAIMED = "claimed"
    CLAIM_SETTLED = "claim_settled"
    DISPOSED = "disposed"
    RETURNED_TO_MERCHANT = "returned_to_merchant"
    SHIPPED = "shipped"
    VOIDED = "voided"


class UnitAction(StrEnum):
    """Everything that can happen to a unit."""

    GRADE_RESTOCK = "grade_restock"  # resellable, new, packaging fine
    GRADE_REPACK = "grade_repack"  # resellable but needs repacking (damaged box or used)
    GRADE_REPAIR = "grade_repair"
    GRADE_NON_RETURNABLE = "grade_non_returnable"
    REPAIR_DONE = "repair_done"
    REPAIR_FAILED = "repair_failed"
    REPACK = "repack"
    PUTAWAY = "putaway"
    MOVE = "move"
    SHIP = "ship"
    DECIDE_DISPOSE = "decide_dispose"
    DECIDE_RETURN_TO_MERCHANT = "decide_return_to_merchant"
    DECIDE_RESALE = "decide_resale"
    DECIDE_REPAIR = "decide_repair"
    DECIDE_CLAIM = "decide_claim"
    CLAIM_COMPENSATED = "claim_compensated"
    CLAIM_REJECTED = "claim_rejected"
    VOID = "void"  # scanned by mistake while its receipt is still open


S, A = UnitState, UnitAction

UNIT_TRANSITIONS: Mapping[tuple[UnitState, UnitAction], UnitState] = {
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

TERMINAL_UNIT_STATES = frozenset(
    {S.IN_STOCK, S.DISPOSED, S.RETURNED_TO_MERCHANT, S.CLAIM_SETTLED, S.SHIPPED, S.VOIDED}
)
# States in which the unit has physically left the warehouse (its marking code is free again).
GONE_UNIT_STATES = frozenset({S.DISPOSED, S.RETURNED_TO_MERCHANT, S.SHIPPED, S.VOIDED})


def next_unit_state(state: UnitState, action: UnitAction) -> UnitState:
    """Return the state after `action`, or raise IllegalTransition naming both."""
    try:
        return UNIT_TRANSITIONS[(state, action)]
    except KeyError:
        raise IllegalTransition(
            "unit.illegal_transition", state=state.value, action=action.value
        ) from None


def allowed_unit_actions(state: UnitState) -> list[UnitAction]:
    """Actions allowed from a state, in table order."""
    return [action for (st, action) in UNIT_TRANSITIONS if st is state]
