"""Repair, repack and decisions on units awaiting decision."""

from __future__ import annotations

import sqlalchemy as sa

from wms.db.models import Merchant, Unit
from wms.domain import grading
from wms.domain.errors import GradeRefused
from wms.domain.grading import Decision, Disposition
from wms.domain.stock import Channel
from wms.domain.units import UnitAction, UnitState
from wms.services.inspection import DEFAULT_DECISION_HOURS, notify_decision_needed, unit_rules
from wms.services.units import decision_due, get_unit, require, transition
from wms.services.uow import SYSTEM, Actor, UnitOfWork

_DECISION_DISPOSITION = {
    Decision.DISPOSE: Disposition.DISPOSE,
    Decision.RETURN_TO_MERCHANT: Disposition.RETURN_TO_MERCHANT,
    Decision.RESALE: Disposition.RESALE,
    Decision.REPAIR: Disposition.REPAIR,
    Decision.CLAIM: Disposition.CLAIM,
}


def repair_done(uow: UnitOfWork, actor: Actor, lpn: str) -> Unit:
    """The repair worked: the unit goes to repack and sells on the resale channel."""
    unit = get_unit(uow.session, lpn, actor)
    transition(uow, unit, UnitAction.REPAIR_DONE, actor)
    unit.channel = Channel.RESALE
    unit.disposition = Disposition.RESALE
    return unit


def repair_failed(uow: UnitOfWork, actor: Actor, lpn: str) -> Unit:
    """The repair failed: the unit waits for the merchant's decision."""
    unit = get_unit(uow.session, lpn, actor)
    transition(uow, unit, UnitAction.REPAIR_FAILED, actor)
    unit.disposition = Disposition.AWAIT_DECISION
    merchant = uow.session.get(Merchant, unit.merchant_id)
    unit.decision_due_at = decision_due(uow, merchant, DEFAULT_DECISION_HOURS)
    notify_decision_needed(uow, unit, "merchant.decision_needed")
    return unit


def repack(uow: UnitOfWork, actor: Actor, lpn: str) -> Unit:
    """The unit is repacked and waits for putaway."""
    unit = get_unit(uow.session, lpn, actor)
    transition(uow, unit, UnitAction.REPACK, actor)
    return unit


def decide(
    uow: UnitOfWork, actor: Actor, lpn: str, decision: Decision, *, note: str | None = None
) -> Unit:
    """Decide what happens to a unit awaiting decision (merchant or supervisor)."""
    unit = get_unit(uow.session, lpn, actor)
    require(unit, UnitAction.DECIDE_DISPOSE)
    action = grading.check_decision(decision, unit_rules(uow.session, unit))
    transition(uow, unit, action, actor, decision=decision.value, note=note)
    unit.disposition = _DECISION_DISPOSITION[decision]
    unit.decision_due_at = None
    channel = grading.decision_channel(decision)
    if channel is not None:
        unit.channel = channel
    return unit


def settle_claim(uow: UnitOfWork, actor: Actor, lpn: str, *, compensated: bool) -> Unit:
    """Record the marketplace's answer to a claim; a rejection needs a new decision."""
    unit = get_unit(uow.session, lpn, actor)
    action = UnitAction.CLAIM_COMPENSATED if compensated else UnitAction.CLAIM_REJECTED
    transition(uow, unit, action, actor)
    if not compensated:
        merchant = uow.session.get(Merchant, unit.merchant_id)
        unit.decision_due_at = decision_due(uow, merchant, DEFAULT_DECISION_HOURS)
        notify_decision_needed(uow, unit, "merchant.decision_needed")
    return unit


def apply_default_decisions(uow: UnitOfWork, limit: int = 500) -> list[str]:
    """Apply each merchant's default decision to units whose decision is overdue."""
    overdue = uow.session.execute(
        sa.select(Unit.lpn)
        .where(Unit.state == UnitState.AWAITING_DECISION, Unit.decision_due_at < uow.now())
        .order_by(Unit.decision_due_at)
        .limit(limit)
    ).scalars()
    decided = []
    for lpn in list(overdue):
        unit = get_unit(uow.session, lpn, SYSTEM)
        rules = unit_rules(uow.session, unit)
        if rules.default_decision is None:
            continue
        try:
            decide(uow, SYSTEM, lpn, rules.default_decision, note="default after SLA")
        except GradeRefused:
            continue
        decided.append(lpn)
    return decided
