"""The units of a claim case follow it: filed → claimed, won → claim settled, lost → decide again.

Before claim cases a unit was put in `claimed` and settled by hand (`workflow.settle_claim`);
now submitting a case decides "claim" for its units that await a decision, and the case's end
records the outcome on each unit that is still claimed. A settled case is billed to the
merchant (`claim_handling`: a percent of the amount recovered, from the rate card).
"""

from __future__ import annotations

from decimal import Decimal

from wms.db.models import Claim
from wms.domain.billing import Service
from wms.domain.claims import ClaimState
from wms.domain.grading import Decision
from wms.domain.units import UnitAction, UnitState
from wms.services import billing, workflow
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
        if new is ClaimState.SETTLED:
            _bill(uow, claim)
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


def _bill(uow: UnitOfWork, claim: Claim) -> None:
    # The rate card's claim_handling is a percent of what was recovered; billed once per
    # claim (a reopened claim settled again is not billed twice).
    billing.record(
        uow,
        claim.merchant_id,
        Service.CLAIM_HANDLING,
        f"claim_handling:{claim.number}",
        ref=claim.number,
        amount=Decimal(claim.recovered_tiyn) / 100,
    )
