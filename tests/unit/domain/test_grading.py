"""Grading and disposition rules: what a checklist allows, where a grade sends the unit."""

from __future__ import annotations

import pytest

from wms.domain.errors import GradeRefused, InvalidInput
from wms.domain.grading import (
    DEFAULT_RULES,
    Check,
    Decision,
    Disposition,
    GradeChoice,
    check_decision,
    expected_zone,
    grade,
    resolve_rules,
    suggest,
)
from wms.domain.stock import Channel, ZoneKind
from wms.domain.units import UnitAction, UnitState

C, G = Check, GradeChoice


@pytest.mark.parametrize(
    ("choice", "checks", "action", "channel", "zone", "disposition"),
    [
        (
            G.RESELLABLE_NEW,
            [],
            UnitAction.GRADE_RESTOCK,
            Channel.MAIN,
            ZoneKind.STOCK_MAIN,
            Disposition.RESTOCK_MAIN,
        ),
        (
            G.RESELLABLE_NEW,
            [C.PACKAGING_DAMAGED],
            UnitAction.GRADE_REPACK,
            Channel.MAIN,
            ZoneKind.REPACK,
            Disposition.REPACK_RESTOCK,
        ),
        (
            G.RESELLABLE_NEW,
            [C.SEALS_BROKEN],
            UnitAction.GRADE_REPACK,
            Channel.MAIN,
            ZoneKind.REPACK,
            Disposition.REPACK_RESTOCK,
        ),
        (
            G.RESELLABLE_USED,
            [C.SIGNS_OF_USE],
            UnitAction.GRADE_REPACK,
            Channel.RESALE,
            ZoneKind.REPACK,
            Disposition.RESALE,
        ),
        (
            G.RESELLABLE_USED,
            [C.INCOMPLETE],
            UnitAction.GRADE_REPACK,
            Channel.RESALE,
            ZoneKind.REPACK,
            Disposition.RESALE,
        ),
        (
            G.REPAIR,
            [C.NOT_WORKING],
            UnitAction.GRADE_REPAIR,
            Channel.RESALE,
            ZoneKind.REPAIR,
            Disposition.REPAIR,
        ),
        (
            G.NON_RETURNABLE,
            [C.WRONG_ITEM],
            UnitAction.GRADE_NON_RETURNABLE,
            None,
            ZoneKind.HOLD,
            Disposition.AWAIT_DECISION,
        ),
        (
            G.NON_RETURNABLE,
            [],
            UnitAction.GRADE_NON_RETURNABLE,
            None,
            ZoneKind.HOLD,
            Disposition.AWAIT_DECISION,
        ),
    ],
)
def test_grade_routes_the_unit(choice, checks, action, channel, zone, disposition) -> None:  # type: ignore[no-untyped-def]
    outcome = grade(choice, checks)
    assert (outcome.action, outcome.channel, outcome.next_zone, outcome.disposition) == (
        action,
        channel,
        zone,
        disposition,
    )


@pytest.mark.parametrize(
    ("choice", "check"),
    [
        (G.RESELLABLE_NEW, C.SIGNS_OF_USE),
        (G.RESELLABLE_NEW, C.INCOMPLETE),
        (G.RESELLABLE_NEW, C.NOT_WORKING),
        (G.RESELLABLE_NEW, C.WRONG_ITEM),
        (G.RESELLABLE_NEW, C.MARKING_MISMATCH),
        (G.RESELLABLE_USED, C.NOT_WORKING),
        (G.RESELLABLE_USED, C.WRONG_ITEM),
        (G.REPAIR, C.WRONG_ITEM),
        (G.REPAIR, C.MARKING_MISMATCH),
    ],
)
def test_grade_contradicting_the_checklist_is_refused(choice: GradeChoice, check: Check) -> None:
    with pytest.raises(GradeRefused) as err:
        grade(choice, [check])
    assert check.value in err.value.params["checks"]
    assert err.value.params["suggested"] == suggest([check]).value


def test_non_returnable_is_always_possible() -> None:
    assert grade(G.NON_RETURNABLE, list(Check)).action is UnitAction.GRADE_NON_RETURNABLE


@pytest.mark.parametrize(
    ("checks", "expected"),
    [
        ([], G.RESELLABLE_NEW),
        ([C.PACKAGING_DAMAGED], G.RESELLABLE_NEW),
        ([C.SIGNS_OF_USE], G.RESELLABLE_USED),
        ([C.NOT_WORKING], G.REPAIR),
        ([C.NOT_WORKING, C.SIGNS_OF_USE], G.REPAIR),
        ([C.WRONG_ITEM], G.NON_RETURNABLE),
        ([C.MARKING_MISMATCH, C.PACKAGING_DAMAGED], G.NON_RETURNABLE),
    ],
)
def test_suggestion_is_the_best_grade_the_checklist_allows(
    checks: list[Check], expected: GradeChoice
) -> None:
    assert suggest(checks) is expected


def test_category_rule_forbids_used_hygiene_goods_and_repair() -> None:
    cosmetics = {"allowed": ["resellable_new", "non_returnable"]}
    rules = resolve_rules([cosmetics])
    assert suggest([C.SIGNS_OF_USE], rules) is G.NON_RETURNABLE
    with pytest.raises(GradeRefused):
        grade(G.RESELLABLE_USED, [C.SIGNS_OF_USE], rules)
    with pytest.raises(GradeRefused):
        check_decision(Decision.REPAIR, rules)
    # Non-returnable can never be switched off: a unit must always have somewhere to go.
    assert G.NON_RETURNABLE in resolve_rules([{"allowed": ["resellable_new"]}]).allowed


def test_more_specific_layers_override_general_ones() -> None:
    general = {"refusals": {"resellable_used": ["incomplete"]}}
    merchant = {"refusals": {"resellable_used": []}, "default_decision": "dispose"}
    rules = resolve_rules([general, merchant])
    assert grade(G.RESELLABLE_USED, [C.INCOMPLETE], rules).channel is Channel.RESALE
    assert rules.default_decision is Decision.DISPOSE
    with pytest.raises(GradeRefused):
        grade(G.RESELLABLE_USED, [C.INCOMPLETE], resolve_rules([general]))


@pytest.mark.parametrize(
    "bad",
    [
        {"colour": "red"},
        {"allowed": ["shiny"]},
        {"refusals": {"repair": ["smells"]}},
        {"default_decision": "sell"},
    ],
)
def test_malformed_rule_overrides_are_refused(bad: dict[str, object]) -> None:
    with pytest.raises(InvalidInput):
        DEFAULT_RULES.merged(bad)


def test_decisions_map_to_actions() -> None:
    assert check_decision(Decision.DISPOSE) is UnitAction.DECIDE_DISPOSE
    assert check_decision(Decision.CLAIM) is UnitAction.DECIDE_CLAIM


def test_expected_zone_follows_state_and_channel() -> None:
    assert expected_zone(UnitState.AWAITING_PUTAWAY, Channel.RESALE) is ZoneKind.STOCK_RESALE
    assert expected_zone(UnitState.IN_STOCK, Channel.MAIN) is ZoneKind.STOCK_MAIN
    assert expected_zone(UnitState.AWAITING_DECISION, None) is ZoneKind.HOLD
    assert expected_zone(UnitState.SHIPPED, Channel.MAIN) is None
