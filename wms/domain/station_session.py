"""The station session as a table: (step, code kind or command, station role) → handler.

A station's server-side session is at one step (idle, receiving a return, inspecting a unit …).
What a scan does depends on that step, on what was scanned (a kind of barcode, or one of the
`CMD:` commands) and on the station's role. `SESSION_TABLE` holds the answer for every triple,
built from the ordered rules below (first match wins), so the whole protocol reads in one screen
and a test checks every triple. `valid_commands` answers "what may be scanned here now".
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from enum import StrEnum

from wms.domain.barcodes import CodeKind
from wms.domain.commands import (
    CHECK_COMMANDS,
    COMMANDS,
    GRADE_COMMANDS,
    REASON_COMMANDS,
    TYPE_COMMANDS,
    Command,
)


class StationRole(StrEnum):
    """What a scanning station is for."""

    RECEIPT = "receipt"
    INSPECTION = "inspection"
    REPAIR = "repair"
    REPACK = "repack"
    PUTAWAY = "putaway"
    UNIVERSAL = "universal"


class Step(StrEnum):
    """Where a station session is: what the next scan is expected to continue."""

    IDLE = "idle"
    RECEIVING = "receiving"
    AWAITING_MARKING = "awaiting_marking"
    INSPECTING = "inspecting"
    REPAIRING = "repairing"
    REPACKING = "repacking"
    PUTAWAY = "putaway"


class Handler(StrEnum):
    """What a scan does; the refusals say why nothing happens."""

    LOGIN = "login"
    LOGOUT = "logout"
    REPRINT = "reprint"
    CANCEL = "cancel"
    CANCEL_RECEIPT = "cancel_receipt"
    OPEN_ORDER = "open_order"
    OPEN_BLIND = "open_blind"
    ADD_UNIT = "add_unit"
    NO_MARKING = "no_marking"
    CLOSE_RECEIPT = "close_receipt"
    UNDO_UNIT = "undo_unit"
    DESCRIBE_ORDER = "describe_order"
    START_UNIT = "start_unit"
    TICK_CHECK = "tick_check"
    GRADE = "grade"
    REPAIR_DONE = "repair_done"
    REPAIR_FAILED = "repair_failed"
    REPACKED = "repacked"
    PUT_INTO_BIN = "put_into_bin"
    CHOOSE_PRINTER = "choose_printer"
    # Refusals: the scan is stored and answered with an error; nothing changes.
    UNKNOWN_CODE = "unknown_code"
    LOGIN_FIRST = "login_first"
    NOT_HERE = "not_here"
    SCAN_LPN_FIRST = "scan_lpn_first"


REFUSALS = frozenset(
    {Handler.UNKNOWN_CODE, Handler.LOGIN_FIRST, Handler.NOT_HERE, Handler.SCAN_LPN_FIRST}
)
# Handlers that work without a logged-in operator (everything else asks for the badge first).
WITHOUT_OPERATOR = frozenset(
    {Handler.UNKNOWN_CODE, Handler.LOGIN, Handler.LOGOUT, Handler.REPRINT, Handler.CHOOSE_PRINTER}
)

#: What a scan is, for the table: a kind of barcode, or a command (its code, e.g. "CLOSE").
Input = CodeKind | str

CODE_INPUTS: tuple[CodeKind, ...] = tuple(k for k in CodeKind if k is not CodeKind.COMMAND)
COMMAND_INPUTS: tuple[str, ...] = tuple(c.code for c in COMMANDS)
INPUTS: tuple[Input, ...] = (*CODE_INPUTS, *COMMAND_INPUTS)

RECEIPT_STEPS = frozenset({Step.RECEIVING, Step.AWAITING_MARKING})
RECEIPT_ROLES = frozenset({StationRole.RECEIPT, StationRole.UNIVERSAL})
UNIT_ROLES = frozenset(StationRole) - {StationRole.RECEIPT}
UNIT_CODES = frozenset({CodeKind.PRODUCT, CodeKind.GS1, CodeKind.MARKING_CODE})
ANY_STEP = frozenset(Step)
ANY_ROLE = frozenset(StationRole)
_ALL_COMMANDS = frozenset(COMMAND_INPUTS)

Rule = tuple[frozenset[Step], frozenset[Input], frozenset[StationRole], Handler]


def _rule(
    steps: Iterable[Step], inputs: Iterable[Input], roles: Iterable[StationRole], handler: Handler
) -> Rule:
    return frozenset(steps), frozenset(inputs), frozenset(roles), handler


# Ordered: the first rule that covers (step, input, role) decides.
RULES: tuple[Rule, ...] = (
    _rule(ANY_STEP, {CodeKind.UNKNOWN}, ANY_ROLE, Handler.UNKNOWN_CODE),
    _rule(ANY_STEP, {CodeKind.BADGE}, ANY_ROLE, Handler.LOGIN),
    _rule(ANY_STEP, {"LOGOUT"}, ANY_ROLE, Handler.LOGOUT),
    _rule(ANY_STEP, {"REPRINT"}, ANY_ROLE, Handler.REPRINT),
    # A printer label: this station's labels go to that server printer from now on.
    _rule(ANY_STEP, {CodeKind.PRINTER}, ANY_ROLE, Handler.CHOOSE_PRINTER),
    # Cancelling an open receipt may cancel an empty unannounced return, at any station.
    _rule(RECEIPT_STEPS, {"CANCEL"}, ANY_ROLE, Handler.CANCEL_RECEIPT),
    _rule(ANY_STEP, {"CANCEL"}, ANY_ROLE, Handler.CANCEL),
    # Receipt: order code or CMD:BLIND → products / marking codes → CMD:CLOSE.
    _rule(ANY_STEP, {CodeKind.ORDER_CODE}, RECEIPT_ROLES, Handler.OPEN_ORDER),
    _rule(ANY_STEP, {"BLIND"}, RECEIPT_ROLES, Handler.OPEN_BLIND),
    _rule(RECEIPT_STEPS, UNIT_CODES, RECEIPT_ROLES, Handler.ADD_UNIT),
    _rule(RECEIPT_STEPS, {"NO-MARKING"}, RECEIPT_ROLES, Handler.NO_MARKING),
    _rule(RECEIPT_STEPS, {"CLOSE"}, RECEIPT_ROLES, Handler.CLOSE_RECEIPT),
    _rule(RECEIPT_STEPS, {"UNDO"}, RECEIPT_ROLES, Handler.UNDO_UNIT),
    _rule(RECEIPT_STEPS, {*REASON_COMMANDS, *TYPE_COMMANDS}, RECEIPT_ROLES, Handler.DESCRIBE_ORDER),
    # Unit work starts with its LPN; the unit's state says which step (see services.scan.work).
    _rule(ANY_STEP, {CodeKind.LPN}, UNIT_ROLES, Handler.START_UNIT),
    _rule({Step.INSPECTING}, CHECK_COMMANDS, ANY_ROLE, Handler.TICK_CHECK),
    _rule({Step.INSPECTING}, GRADE_COMMANDS, ANY_ROLE, Handler.GRADE),
    _rule({Step.REPAIRING}, {"REPAIR-DONE"}, ANY_ROLE, Handler.REPAIR_DONE),
    _rule({Step.REPAIRING}, {"REPAIR-FAILED"}, ANY_ROLE, Handler.REPAIR_FAILED),
    _rule({Step.REPACKING}, {"REPACKED"}, ANY_ROLE, Handler.REPACKED),
    _rule({Step.PUTAWAY}, {CodeKind.BIN}, ANY_ROLE, Handler.PUT_INTO_BIN),
    # A unit command without a unit in the right step: scan the LPN first.
    _rule(
        ANY_STEP,
        {*CHECK_COMMANDS, *GRADE_COMMANDS, "REPAIR-DONE", "REPAIR-FAILED", "REPACKED"},
        ANY_ROLE,
        Handler.SCAN_LPN_FIRST,
    ),
    _rule(ANY_STEP, {*CODE_INPUTS, *_ALL_COMMANDS}, ANY_ROLE, Handler.NOT_HERE),
)


def _build(rules: Iterable[Rule]) -> dict[tuple[Step, Input, StationRole], Handler]:
    table: dict[tuple[Step, Input, StationRole], Handler] = {}
    for steps, inputs, roles, handler in rules:
        for key in itertools.product(steps, inputs, roles):
            table.setdefault(key, handler)
    return table


SESSION_TABLE: Mapping[tuple[Step, Input, StationRole], Handler] = _build(RULES)


def handler_for(step: Step, scanned: Input, role: StationRole, *, logged_in: bool) -> Handler:
    """What a scan does at this step and station; everything but the badge needs an operator."""
    handler = SESSION_TABLE[(step, scanned, role)]
    if not logged_in and handler not in WITHOUT_OPERATOR:
        return Handler.LOGIN_FIRST
    return handler


def valid_commands(step: Step, role: StationRole, *, logged_in: bool = True) -> list[Command]:
    """The commands that do something at this step and station, in command-sheet order."""
    return [
        command
        for command in COMMANDS
        if handler_for(step, command.code, role, logged_in=logged_in) not in REFUSALS
    ]


def valid_codes(step: Step, role: StationRole, *, logged_in: bool = True) -> list[CodeKind]:
    """The kinds of barcode that do something at this step and station."""
    return [
        kind
        for kind in CODE_INPUTS
        if handler_for(step, kind, role, logged_in=logged_in) not in REFUSALS
    ]
