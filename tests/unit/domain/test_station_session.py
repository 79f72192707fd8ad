"""Every (step, code kind or command, station role) triple of the station session table."""

from __future__ import annotations

import itertools

import pytest

from wms.domain.barcodes import CodeKind
from wms.domain.commands import (
    CHECK_COMMANDS,
    COMMANDS,
    GRADE_COMMANDS,
    REASON_COMMANDS,
    TYPE_COMMANDS,
)
from wms.domain.station_session import (
    INPUTS,
    REFUSALS,
    SESSION_TABLE,
    Handler,
    Input,
    StationRole,
    Step,
    handler_for,
    valid_codes,
    valid_commands,
)

H, R, S = Handler, StationRole, Step


def expected(step: Step, scanned: Input, role: StationRole, logged_in: bool) -> Handler:
    """DESIGN 4.1 and decisions.md written out as the scan dispatcher used to be: a ladder."""
    receipt_role = role in (R.RECEIPT, R.UNIVERSAL)
    receipt_open = step in (S.RECEIVING, S.AWAITING_MARKING)
    if scanned is CodeKind.UNKNOWN:
        return H.UNKNOWN_CODE
    if scanned is CodeKind.BADGE:
        return H.LOGIN
    if scanned == "LOGOUT":
        return H.LOGOUT
    if scanned == "REPRINT":
        return H.REPRINT
    if scanned is CodeKind.PRINTER:
        return H.CHOOSE_PRINTER
    if not logged_in:
        return H.LOGIN_FIRST
    if scanned == "CANCEL":
        return H.CANCEL_RECEIPT if receipt_open else H.CANCEL
    if isinstance(scanned, CodeKind):
        if scanned is CodeKind.ORDER_CODE and receipt_role:
            return H.OPEN_ORDER
        unit_code = scanned in (CodeKind.PRODUCT, CodeKind.GS1, CodeKind.MARKING_CODE)
        if unit_code and receipt_role and receipt_open:
            return H.ADD_UNIT
        if scanned is CodeKind.LPN and role is not R.RECEIPT:
            return H.START_UNIT
        if scanned is CodeKind.BIN and step is S.PUTAWAY:
            return H.PUT_INTO_BIN
        return H.NOT_HERE
    if receipt_role and scanned == "BLIND":
        return H.OPEN_BLIND
    if receipt_role and receipt_open:
        by_command = {"CLOSE": H.CLOSE_RECEIPT, "UNDO": H.UNDO_UNIT, "NO-MARKING": H.NO_MARKING}
        if scanned in by_command:
            return by_command[scanned]
        if scanned in REASON_COMMANDS or scanned in TYPE_COMMANDS:
            return H.DESCRIBE_ORDER
    for commands, at, handler in (
        (CHECK_COMMANDS, S.INSPECTING, H.TICK_CHECK),
        (GRADE_COMMANDS, S.INSPECTING, H.GRADE),
        (("REPAIR-DONE",), S.REPAIRING, H.REPAIR_DONE),
        (("REPAIR-FAILED",), S.REPAIRING, H.REPAIR_FAILED),
        (("REPACKED",), S.REPACKING, H.REPACKED),
    ):
        if scanned in commands:
            return handler if step is at else H.SCAN_LPN_FIRST
    return H.NOT_HERE


TRIPLES = list(itertools.product(Step, INPUTS, StationRole))


@pytest.mark.parametrize("logged_in", [True, False])
@pytest.mark.parametrize(("step", "role"), list(itertools.product(Step, StationRole)))
def test_every_input_at_every_step_and_role(step: Step, role: StationRole, logged_in: bool) -> None:
    wrong = {
        scanned: (got, want)
        for scanned in INPUTS
        if (got := handler_for(step, scanned, role, logged_in=logged_in))
        is not (want := expected(step, scanned, role, logged_in))
    }
    assert not wrong


def test_the_table_covers_every_triple_and_nothing_else() -> None:
    assert set(SESSION_TABLE) == set(TRIPLES)
    assert CodeKind.COMMAND not in INPUTS  # a command is looked up by its own code
    assert {c.code for c in COMMANDS} <= set(INPUTS)


def test_every_handler_is_reachable() -> None:
    reached = set(SESSION_TABLE.values()) | {H.LOGIN_FIRST}
    assert reached == set(Handler)


def test_a_receipt_station_offers_the_receipt_commands_while_receiving() -> None:
    codes = [c.code for c in valid_commands(S.RECEIVING, R.RECEIPT)]
    assert codes[:7] == ["CANCEL", "REPRINT", "LOGOUT", "BLIND", "CLOSE", "UNDO", "NO-MARKING"]
    assert set(codes[7:]) == set(REASON_COMMANDS) | set(TYPE_COMMANDS)
    assert valid_codes(S.RECEIVING, R.RECEIPT) == [
        CodeKind.BADGE,
        CodeKind.PRINTER,
        CodeKind.MARKING_CODE,
        CodeKind.GS1,
        CodeKind.PRODUCT,
        CodeKind.ORDER_CODE,
    ]


def test_an_inspection_station_offers_checks_and_grades_only_while_inspecting() -> None:
    inspecting = {c.code for c in valid_commands(S.INSPECTING, R.INSPECTION)}
    assert inspecting == {"CANCEL", "REPRINT", "LOGOUT", *CHECK_COMMANDS, *GRADE_COMMANDS}
    idle = {c.code for c in valid_commands(S.IDLE, R.INSPECTION)}
    assert idle == {"CANCEL", "REPRINT", "LOGOUT"}
    assert valid_codes(S.IDLE, R.INSPECTION) == [CodeKind.BADGE, CodeKind.LPN, CodeKind.PRINTER]


def test_without_an_operator_only_the_badge_printer_logout_and_reprint_work() -> None:
    for step, role in itertools.product(Step, StationRole):
        assert [c.code for c in valid_commands(step, role, logged_in=False)] == [
            "REPRINT",
            "LOGOUT",
        ]
        assert valid_codes(step, role, logged_in=False) == [CodeKind.BADGE, CodeKind.PRINTER]


def test_refusals_are_the_only_handlers_that_change_nothing() -> None:
    assert {H.UNKNOWN_CODE, H.LOGIN_FIRST, H.NOT_HERE, H.SCAN_LPN_FIRST} == REFUSALS
