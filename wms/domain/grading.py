"""Inspection: grades, conditions, the checklist and the disposition rules that validate a grade."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from wms.domain.errors import GradeRefused, InvalidInput
from wms.domain.stock import Channel, ZoneKind, stock_zone
from wms.domain.units import UnitAction, UnitState


class Grade(StrEnum):
    """Inspection result (seed 002)."""

    RESELLABLE = "resellable"
    REPAIR = "repair"
    NON_RETURNABLE = "non_returnable"


class Condition(StrEnum):
    """New goes back to the main channel, used to the discounted resale channel."""

    NEW = "new"
    USED = "used"


class GradeChoice(StrEnum):
    """A grade together with its condition, as the operator picks it."""

    RESELLABLE_NEW = "resellable_new"
    RESELLABLE_USED = "resellable_used"
    REPAIR = "repair"
    NON_RETURNABLE = "non_returnable"

    @property
    def grade(self) -> Grade:
        """The grade part."""
        return Grade.RESELLABLE if self.value.startswith("resellable") else Grade(self.value)

    @property
    def condition(self) -> Condition | None:
        """The condition part (only resellable grades have one)."""
        if self is GradeChoice.RESELLABLE_NEW:
            return Condition.NEW
        if self is GradeChoice.RESELLABLE_USED:
            return Condition.USED
        return None


class Check(StrEnum):
    """A problem the inspector can tick on the checklist; an empty checklist means all fine."""

    PACKAGING_DAMAGED = "packaging_damaged"
    SEALS_BROKEN = "seals_broken"
    INCOMPLETE = "incomplete"
    DOCUMENTS_MISSING = "documents_missing"
    SIGNS_OF_USE = "signs_of_use"
    NOT_WORKING = "not_working"
    WRONG_ITEM = "wrong_item"
    MARKING_MISMATCH = "marking_mismatch"


class Disposition(StrEnum):
    """Where a unit goes next."""

    RESTOCK_MAIN = "restock_main"
    REPACK_RESTOCK = "repack_restock"
    REPAIR = "repair"
    RESALE = "resale"
    AWAIT_DECISION = "await_decision"
    DISPOSE = "dispose"
    RETURN_TO_MERCHANT = "return_to_merchant"
    CLAIM = "claim"


class Decision(StrEnum):
    """What a merchant or supervisor decides for a unit awaiting decision."""

    DISPOSE = "dispose"
    RETURN_TO_MERCHANT = "return_to_merchant"
    RESALE = "resale"
    REPAIR = "repair"
    CLAIM = "claim"


DECISION_ACTION = {
    Decision.DISPOSE: UnitAction.DECIDE_DISPOSE,
    Decision.RETURN_TO_MERCHANT: UnitAction.DECIDE_RETURN_TO_MERCHANT,
    Decision.RESALE: UnitAction.DECIDE_RESALE,
    Decision.REPAIR: UnitAction.DECIDE_REPAIR,
    Decision.CLAIM: UnitAction.DECIDE_CLAIM,
}

# The order in which a grade is suggested: the best outcome the checklist allows.
SUGGESTION_ORDER = (
    GradeChoice.RESELLABLE_NEW,
    GradeChoice.RESELLABLE_USED,
    GradeChoice.REPAIR,
    GradeChoice.NON_RETURNABLE,
)

_DEFAULT_REFUSALS: Mapping[GradeChoice, frozenset[Check]] = {
    GradeChoice.RESELLABLE_NEW: frozenset(
        {
            Check.SIGNS_OF_USE,
            Check.INCOMPLETE,
            Check.NOT_WORKING,
            Check.WRONG_ITEM,
            Check.MARKING_MISMATCH,
        }
    ),
    GradeChoice.RESELLABLE_USED: frozenset(
        {Check.NOT_WORKING, Check.WRONG_ITEM, Check.MARKING_MISMATCH}
    ),
    # A swapped item or a foreign marking code is evidence for a claim, never repaired.
    GradeChoice.REPAIR: frozenset({Check.WRONG_ITEM, Check.MARKING_MISMATCH}),
    GradeChoice.NON_RETURNABLE: frozenset(),
}


@dataclass(frozen=True)
class GradingRules:
    """Disposition rules for one merchant and category (defaults, overridden per layer)."""

    refusals: Mapping[GradeChoice, frozenset[Check]] = field(
        default_factory=lambda: dict(_DEFAULT_REFUSALS)
    )
    allowed: frozenset[GradeChoice] = frozenset(GradeChoice)
    # Problems that send a resellable/new unit through the repack station first.
    repack_when: frozenset[Check] = frozenset(
        {Check.PACKAGING_DAMAGED, Check.SEALS_BROKEN, Check.DOCUMENTS_MISSING}
    )
    default_decision: Decision | None = None
    decision_sla_hours: float | None = None

    def merged(self, override: Mapping[str, Any] | None) -> GradingRules:
        """Apply a stored override (JSON of a merchant or category rule) on top of these rules."""
        if not override:
            return self
        unknown = set(override) - {
            "refusals",
            "allowed",
            "repack_when",
            "default_decision",
            "decision_sla_hours",
        }
        if unknown:
            raise InvalidInput("rules.unknown_keys", keys=", ".join(sorted(unknown)))
        rules = self
        try:
            if "refusals" in override:
                refusals = dict(rules.refusals)
                for choice, checks in override["refusals"].items():
                    refusals[GradeChoice(choice)] = frozenset(Check(c) for c in checks)
                rules = replace(rules, refusals=refusals)
            if "allowed" in override:
                allowed = frozenset(GradeChoice(c) for c in override["allowed"])
                rules = replace(rules, allowed=allowed | {GradeChoice.NON_RETURNABLE})
            if "repack_when" in override:
                rules = replace(
                    rules, repack_when=frozenset(Check(c) for c in override["repack_when"])
                )
            if "default_decision" in override:
                value = override["default_decision"]
                rules = replace(rules, default_decision=Decision(value) if value else None)
            if "decision_sla_hours" in override:
                rules = replace(rules, decision_sla_hours=override["decision_sla_hours"])
        except (ValueError, TypeError, AttributeError) as exc:
            raise InvalidInput("rules.invalid", error=str(exc)) from None
        return rules


DEFAULT_RULES = GradingRules()


def resolve_rules(layers: Iterable[Mapping[str, Any] | None]) -> GradingRules:
    """Merge rule overrides from the most general to the most specific layer."""
    rules = DEFAULT_RULES
    for layer in layers:
        rules = rules.merged(layer)
    return rules


@dataclass(frozen=True)
class GradingOutcome:
    """What grading a unit means: the transition, the channel and where it goes next."""

    choice: GradeChoice
    action: UnitAction
    channel: Channel | None
    next_zone: ZoneKind
    disposition: Disposition


def refusing_checks(
    choice: GradeChoice, checks: Iterable[Check], rules: GradingRules
) -> set[Check]:
    """The ticked problems that forbid this grade under the rules."""
    return set(checks) & set(rules.refusals.get(choice, frozenset()))


def suggest(checks: Iterable[Check], rules: GradingRules = DEFAULT_RULES) -> GradeChoice:
    """The best grade the checklist and rules allow."""
    ticked = set(checks)
    for choice in SUGGESTION_ORDER:
        if choice in rules.allowed and not refusing_checks(choice, ticked, rules):
            return choice
    return GradeChoice.NON_RETURNABLE


def grade(
    choice: GradeChoice, checks: Iterable[Check], rules: GradingRules = DEFAULT_RULES
) -> GradingOutcome:
    """Validate the operator's grade against the checklist and say where the unit goes."""
    ticked = set(checks)
    if choice not in rules.allowed:
        raise GradeRefused("grading.not_allowed", grade=choice.value)
    refused = refusing_checks(choice, ticked, rules)
    if refused:
        raise GradeRefused(
            "grading.refused",
            grade=choice.value,
            checks=", ".join(sorted(c.value for c in refused)),
            suggested=suggest(ticked, rules).value,
        )
    if choice is GradeChoice.RESELLABLE_NEW:
        if ticked & rules.repack_when:
            return GradingOutcome(
                choice,
                UnitAction.GRADE_REPACK,
                Channel.MAIN,
                ZoneKind.REPACK,
                Disposition.REPACK_RESTOCK,
            )
        return GradingOutcome(
            choice,
            UnitAction.GRADE_RESTOCK,
            Channel.MAIN,
            ZoneKind.STOCK_MAIN,
            Disposition.RESTOCK_MAIN,
        )
    if choice is GradeChoice.RESELLABLE_USED:
        return GradingOutcome(
            choice, UnitAction.GRADE_REPACK, Channel.RESALE, ZoneKind.REPACK, Disposition.RESALE
        )
    if choice is GradeChoice.REPAIR:
        return GradingOutcome(
            choice, UnitAction.GRADE_REPAIR, Channel.RESALE, ZoneKind.REPAIR, Disposition.REPAIR
        )
    return GradingOutcome(
        choice,
        UnitAction.GRADE_NON_RETURNABLE,
        None,
        ZoneKind.HOLD,
        Disposition.AWAIT_DECISION,
    )


def check_decision(decision: Decision, rules: GradingRules = DEFAULT_RULES) -> UnitAction:
    """Validate a decision for a unit awaiting decision and return its action."""
    if decision is Decision.REPAIR and GradeChoice.REPAIR not in rules.allowed:
        raise GradeRefused("grading.not_allowed", grade=GradeChoice.REPAIR.value)
    if decision is Decision.RESALE and GradeChoice.RESELLABLE_USED not in rules.allowed:
        raise GradeRefused("grading.not_allowed", grade=GradeChoice.RESELLABLE_USED.value)
    return DECISION_ACTION[decision]


def decision_channel(decision: Decision) -> Channel | None:
    """The channel a decision sends the unit to (resale and repaired goods sell as resale)."""
    return Channel.RESALE if decision in (Decision.RESALE, Decision.REPAIR) else None


_STATE_ZONE = {
    UnitState.RECEIVED: ZoneKind.INSPECTION,
    UnitState.IN_REPAIR: ZoneKind.REPAIR,
    UnitState.AWAITING_REPACK: ZoneKind.REPACK,
    UnitState.AWAITING_DECISION: ZoneKind.HOLD,
    UnitState.CLAIMED: ZoneKind.HOLD,
    UnitState.DISPOSED: ZoneKind.DISPOSAL,
    UnitState.RETURNED_TO_MERCHANT: ZoneKind.RETURN_TO_MERCHANT,
}


def expected_zone(state: UnitState, channel: Channel | None) -> ZoneKind | None:
    """The zone a unit in this state belongs in (None once it has left the warehouse)."""
    if state in (UnitState.AWAITING_PUTAWAY, UnitState.IN_STOCK):
        return stock_zone(channel or Channel.MAIN)
    return _STATE_ZONE.get(state)
