"""Inspection: grade a unit with its checklist, validated against the merchant's rules."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from wms.db.models import DispositionRule, Inspection, Merchant, Unit
from wms.domain import grading
from wms.domain.claims import claim_reasons
from wms.domain.grading import Check, GradeChoice, GradingOutcome, GradingRules
from wms.domain.units import UnitAction
from wms.services import claims_intake
from wms.services.units import decision_due, get_unit, require, transition
from wms.services.uow import Actor, UnitOfWork

# Built once (every LPN, checklist and grade scan asks for the rules).
_RULES = sa.select(DispositionRule).where(
    sa.or_(
        DispositionRule.merchant_id.is_(None),
        DispositionRule.merchant_id == sa.bindparam("merchant_id"),
    ),
    sa.or_(
        DispositionRule.category.is_(None),
        DispositionRule.category == sa.bindparam("category"),
    ),
)


def rules_for(session: Session, merchant: Merchant, category: str | None) -> GradingRules:
    """Merge the rule layers: global, category, merchant, merchant + category."""
    rows = session.execute(_RULES, {"merchant_id": merchant.id, "category": category}).scalars()

    def specificity(rule: DispositionRule) -> tuple[int, int]:
        return (rule.merchant_id is not None, rule.category is not None)

    layers: list[dict[str, Any] | None] = [r.rules for r in sorted(rows, key=specificity)]
    if merchant.default_decision:
        layers.insert(0, {"default_decision": merchant.default_decision})
    return grading.resolve_rules(layers)


def unit_rules(session: Session, unit: Unit) -> GradingRules:
    """The rules that apply to a unit's merchant and product category."""
    return rules_for(session, unit.merchant, unit.product.category)


def suggest_grade(session: Session, unit: Unit, checks: Iterable[Check]) -> GradeChoice:
    """The best grade the checklist allows for this unit."""
    return grading.suggest(checks, unit_rules(session, unit))


def grade_unit(
    uow: UnitOfWork,
    actor: Actor,
    lpn: str,
    choice: GradeChoice,
    checks: Iterable[Check],
    *,
    notes: str | None = None,
) -> GradingOutcome:
    """Grade the unit with this LPN (see `grade`)."""
    return grade(uow, actor, get_unit(uow.session, lpn, actor), choice, checks, notes=notes)


def grade(
    uow: UnitOfWork,
    actor: Actor,
    unit: Unit,
    choice: GradeChoice,
    checks: Iterable[Check],
    *,
    notes: str | None = None,
) -> GradingOutcome:
    """Record the inspection of a locked unit and move it to where its grade sends it."""
    session = uow.session
    ticked = sorted(set(checks))
    rules = unit_rules(session, unit)
    # Validate the state first so the error names the state, not the checklist.
    require(unit, UnitAction.GRADE_RESTOCK)
    outcome = grading.grade(choice, ticked, rules)
    now = uow.now()
    unit.grade = choice.grade
    unit.condition = choice.condition
    unit.channel = outcome.channel
    unit.disposition = outcome.disposition
    unit.checks = [c.value for c in ticked]
    unit.graded_at = now
    session.add(
        Inspection(
            unit_id=unit.id,
            choice=choice,
            suggested=grading.suggest(ticked, rules),
            checks=[c.value for c in ticked],
            disposition=outcome.disposition,
            operator_id=actor.operator_id,
            station_id=actor.station_id,
            notes=notes,
            created_at=now,
        )
    )
    if choice is GradeChoice.NON_RETURNABLE:
        unit.decision_due_at = decision_due(uow, unit, rules.decision_sla_hours)
    transition(uow, unit, outcome.action, actor, grade=choice.value, checks=unit.checks)
    if choice is GradeChoice.NON_RETURNABLE:
        notify_decision_needed(uow, unit, "merchant.unit_non_returnable")
    if claim_reasons(ticked, unit.order.reason.value, unit.order.return_type.value):
        # The checklist is evidence for a claim: propose one (a draft the merchant files).
        claims_intake.propose_from_inspection(uow, actor, unit)
    return outcome


def notify_decision_needed(uow: UnitOfWork, unit: Unit, topic: str) -> None:
    """Tell the merchant a unit waits for their decision (webhook through the outbox)."""
    uow.outbox(
        topic,
        f"webhook:{topic}:{unit.id}:{uow.now().timestamp()}",
        {
            "merchant_id": unit.merchant_id,
            "lpn": unit.lpn,
            "sku": unit.product.sku,
            "checks": list(unit.checks or []),
            "decision_due_at": unit.decision_due_at.isoformat() if unit.decision_due_at else None,
        },
    )
