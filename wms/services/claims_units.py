"""The units of a claim case follow it: filed → claimed, won → claim settled, lost → decide again.

Before claim cases a unit was put in `claimed` and settled by hand (`workflow.settle_claim`);
now submitting a case decides "claim" for its units that await a decision, and the case's end
records the outcome on each unit that is still claimed.
"""

from __future__ import annotations

from wms.db.models import Claim
from wms.domain.claims import ClaimState
from wms.domain.grading import Decision
from wms.domain.units import UnitAction, UnitState
from wms.services import workflow
from wms.services.inspection import notify_decision_needed
from wms.services.units import decision_due, get_unit_by_id, transition
from wms.services.uow import Actor, UnitOfWork

FINISHED = frozenset({ClaimState.SETTLED, ClaimState.CLOSED})


def follow(uow: UnitOfWork, actor: Actor, claim: Claim, old: ClaimState) -> None:
    """Move the claim's units after the claim moved from `old` to its current state."""
    new = claim.state
    if old is ClaimState.DRAFT and new is ClaimState.SUBMITTED:
        for line in claim.lines:
            unit = get_unit_by_id(uow.session, line.unit_id) if line.unit_id else None
            if unit is not None and unit.state is UnitState.AWAITING_DECISION:
                workflow.decide_unit(uow, actor, unit, Decision.CLAIM, note=claim.number)
    elif new in FINISHED and old not in FINISHED:
        for line in claim.lines:
            unit = get_unit_by_id(uow.session, line.unit_id) if line.unit_id else None
            if unit is None or unit.state is not UnitState.CLAIMED:
                continue
            if line.recovered_tiyn > 0:
                transition(uow, unit, UnitAction.CLAIM_COMPENSATED, actor, claim=claim.number)
            else:
                transition(uow, unit, UnitAction.CLAIM_REJECTED, actor, claim=claim.number)
                unit.decision_due_at = decision_due(uow, unit)
                notify_decision_needed(uow, unit, "merchant.decision_needed")
