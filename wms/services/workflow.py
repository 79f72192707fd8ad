"""Repair, repack and decisions on units awaiting decision."""

from __future__ import annotations

import sqlalchemy as sa

from wms.db.models import Unit
from wms.domain import grading
from wms.domain.errors import GradeRefused
from wms.domain.grading import Decision, Disposition, GradingRules
from wms.domain.stock import Channel
from wms.domain.units import UnitAction, UnitState
from wms.services.inspection import notify_decision_needed, unit_rules
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
    """The repair of the unit with this LPN worked (see `finish_repair`)."""
    return finish_repair(uow, actor, get_unit(uow.session, lpn, actor), done=True)


def repair_failed(uow: UnitOfWork, actor: Actor, lpn: str) -> Unit:
    """The repair of the unit with this LPN failed (see `finish_repair`)."""
    return finish_repair(uow, actor, get_unit(uow.session, lpn, actor), done=False)


def finish_repair(uow: UnitOfWork, actor: Actor, unit: Unit, *, done: bool) -> Unit:
    """A repair worked (repack, then resale) or failed (the merchant decides)."""
    if done:
        transition(uow, unit, UnitAction.REPAIR_DONE, actor)
        unit.channel = Channel.RESALE
        unit.disposition = Disposition.RESALE
        return unit
    transition(uow, unit, UnitAction.REPAIR_FAILED, actor)
    unit.disposition = Disposition.AWAIT_DECISION
    unit.decision_due_at = decision_due(uow, unit)
    notify_decision_needed(uow, unit, "merchant.decision_needed")
    return unit


def repack(uow: UnitOfWork, actor: Actor, lpn: str) -> Unit:
    """The unit with this LPN is repacked (see `repacked`)."""
    return repacked(uow, actor, get_unit(uow.session, lpn, actor))


def repacked(uow: UnitOfWork, actor: Actor, unit: Unit) -> Unit:
    """The unit is repacked and waits for putaway."""
    transition(uow, unit, UnitAction.REPACK, actor)
    return unit


def decide(
    uow: UnitOfWork, actor: Actor, lpn: str, decision: Decision, *, note: str | None = None
) -> Unit:
    """Decide what happens to the unit with this LPN (see `decide_unit`)."""
    return decide_unit(uow, actor, get_unit(uow.session, lpn, actor), decision, note=note)


def decide_unit(
    uow: UnitOfWork,
    actor: Actor,
    unit: Unit,
    decision: Decision,
    *,
    note: str | None = None,
    rules: GradingRules | None = None,
) -> Unit:
    """Decide what happens to a unit awaiting decision (merchant or supervisor)."""
    require(unit, UnitAction.DECIDE_DISPOSE)
    rules = rules if rules is not None else unit_rules(uow.session, unit)
    action = grading.check_decision(decision, rules)
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
        unit.decision_due_at = decision_due(uow, unit)
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
            decide_unit(
                uow, SYSTEM, unit, rules.default_decision, note="default after SLA", rules=rules
            )
        except GradeRefused:
            continue
        decided.append(lpn)
    return decided
