"""Claim case life cycle and amounts: a transition table plus pure line operations (issue 9).

A claim case asks a marketplace, a buyer (through the marketplace) or a carrier for money back.
Amounts are integer tiyn (1 tenge = 100 tiyn) so that splitting a line never loses a tiyn.
The whole case is a frozen value: every action returns a new `ClaimCase`, the service writes it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum

from wms.domain.errors import IllegalTransition, InvalidInput
from wms.domain.texts.claims import claim_term

TIYN_PER_TENGE = 100


class ClaimState(StrEnum):
    """Where a claim case is."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    APPROVED = "approved"
    PARTIALLY_APPROVED = "partially_approved"
    REJECTED = "rejected"
    ESCALATED = "escalated"
    SETTLED = "settled"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class ClaimAction(StrEnum):
    """Everything that moves a claim case between states."""

    SUBMIT = "submit"
    REVIEW = "review"  # the other side acknowledged and is looking at it
    APPROVE = "approve"
    APPROVE_PARTIALLY = "approve_partially"
    REJECT = "reject"
    ESCALATE = "escalate"  # arbitration
    SETTLE = "settle"  # money (or goods) received: the case is won, fully or in part
    CLOSE = "close"  # no more money will come
    REOPEN = "reopen"
    CANCEL = "cancel"  # a draft nobody will file


class LineAction(StrEnum):
    """Operations on lines that keep the case's state (unless the last open line closes)."""

    SPLIT = "split"
    RECORD_RECOVERY = "record_recovery"
    CLOSE_LINE = "close_line"


class Counterparty(StrEnum):
    """Against whom the claim is made."""

    MARKETPLACE = "marketplace"
    BUYER = "buyer"  # through the marketplace (WB and Ozon buyer claims)
    CARRIER = "carrier"


class ClaimReason(StrEnum):
    """Why we claim."""

    SWAPPED_ITEM = "swapped_item"
    FOREIGN_MARKING = "foreign_marking"
    DAMAGED_IN_TRANSIT = "damaged_in_transit"
    MISSING_PARTS = "missing_parts"
    COUNTERFEIT = "counterfeit"
    NOT_DELIVERED = "not_delivered"  # announced, never arrived (shortage at receipt)
    BUYER_CLAIM = "buyer_claim"  # imported from the marketplace: a buyer claims against us
    OTHER = "other"


class ClaimOrigin(StrEnum):
    """How the case came to exist."""

    MANUAL = "manual"
    INSPECTION = "inspection"
    RECEIPT_SHORTAGE = "receipt_shortage"
    IMPORTED = "imported"


class Remedy(StrEnum):
    """The outcome a line asks for."""

    REFUND = "refund"
    COMPENSATION_NO_RETURN = "compensation_no_return"
    REPLACEMENT = "replacement"
    SETTLEMENT = "settlement"
    GOODS_BACK = "goods_back"


S, A, L = ClaimState, ClaimAction, LineAction

CLAIM_TRANSITIONS: Mapping[tuple[ClaimState, ClaimAction], ClaimState] = {
    (S.DRAFT, A.SUBMIT): S.SUBMITTED,
    (S.DRAFT, A.CANCEL): S.CANCELLED,
    (S.SUBMITTED, A.REVIEW): S.UNDER_REVIEW,
    (S.SUBMITTED, A.APPROVE): S.APPROVED,
    (S.SUBMITTED, A.APPROVE_PARTIALLY): S.PARTIALLY_APPROVED,
    (S.SUBMITTED, A.REJECT): S.REJECTED,
    (S.SUBMITTED, A.CLOSE): S.CLOSED,
    (S.UNDER_REVIEW, A.APPROVE): S.APPROVED,
    (S.UNDER_REVIEW, A.APPROVE_PARTIALLY): S.PARTIALLY_APPROVED,
    (S.UNDER_REVIEW, A.REJECT): S.REJECTED,
    (S.UNDER_REVIEW, A.CLOSE): S.CLOSED,
    (S.APPROVED, A.SETTLE): S.SETTLED,
    (S.APPROVED, A.CLOSE): S.CLOSED,
    (S.PARTIALLY_APPROVED, A.SETTLE): S.SETTLED,
    (S.PARTIALLY_APPROVED, A.ESCALATE): S.ESCALATED,
    (S.PARTIALLY_APPROVED, A.CLOSE): S.CLOSED,
    (S.REJECTED, A.ESCALATE): S.ESCALATED,
    (S.REJECTED, A.CLOSE): S.CLOSED,
    (S.ESCALATED, A.APPROVE): S.APPROVED,
    (S.ESCALATED, A.APPROVE_PARTIALLY): S.PARTIALLY_APPROVED,
    (S.ESCALATED, A.REJECT): S.REJECTED,
    (S.ESCALATED, A.SETTLE): S.SETTLED,
    (S.ESCALATED, A.CLOSE): S.CLOSED,
    # Reopening keeps the lines, their amounts and the whole history: only the state moves.
    (S.SETTLED, A.REOPEN): S.UNDER_REVIEW,
    (S.CLOSED, A.REOPEN): S.UNDER_REVIEW,
}

_ANSWERED = frozenset({S.APPROVED, S.PARTIALLY_APPROVED, S.REJECTED, S.ESCALATED})
LINE_ACTIONS: Mapping[ClaimState, frozenset[LineAction]] = {
    S.DRAFT: frozenset({L.SPLIT}),
    S.SUBMITTED: frozenset({L.SPLIT}),
    S.UNDER_REVIEW: frozenset({L.SPLIT}),
    **{state: frozenset(LineAction) for state in _ANSWERED},
    S.SETTLED: frozenset(),
    S.CLOSED: frozenset(),
    S.CANCELLED: frozenset(),
}
ANSWERED_STATES = frozenset({S.APPROVED, S.PARTIALLY_APPROVED, S.REJECTED})
#: The case is finished: nothing happens unless someone reopens it.
FINAL_STATES = frozenset({S.SETTLED, S.CLOSED, S.CANCELLED})
#: States in which the other side owes an answer (or we owe them one).
WAITING_STATES = frozenset({S.SUBMITTED, S.UNDER_REVIEW, S.ESCALATED})
#: A won case got money back; a lost one ended without any.
WON_STATES = frozenset({S.SETTLED})


def next_claim_state(state: ClaimState, action: ClaimAction) -> ClaimState:
    """The state after `action`, or IllegalTransition naming both."""
    try:
        return CLAIM_TRANSITIONS[(state, action)]
    except KeyError:
        raise _illegal(state, action) from None


def allowed_claim_actions(state: ClaimState) -> list[ClaimAction]:
    """Actions allowed from a state, in table order."""
    return [action for (st, action) in CLAIM_TRANSITIONS if st is state]


def require_line_action(state: ClaimState, action: LineAction) -> None:
    """Raise IllegalTransition unless a line operation is allowed in this state."""
    if action not in LINE_ACTIONS[state]:
        raise _illegal(state, action)


def _illegal(state: ClaimState, action: ClaimAction | LineAction) -> IllegalTransition:
    return IllegalTransition(
        "claim.illegal_transition", state=claim_term(state.value), action=claim_term(action.value)
    )


@dataclass(frozen=True)
class ClaimLine:
    """One line: a unit or a quantity of a SKU, with what we claim, were offered, recovered."""

    key: int  # the line's id (negative for lines a split created and not yet stored)
    qty: int
    claimed: int  # tiyn
    offered: int = 0
    recovered: int = 0
    closed: bool = False
    remedy: Remedy = Remedy.REFUND
    split_from: int | None = None

    def __post_init__(self) -> None:
        if self.qty < 1:
            raise InvalidInput("claim.qty_invalid", qty=self.qty)
        for amount in (self.claimed, self.offered, self.recovered):
            if amount < 0:
                raise InvalidInput("claim.amount_negative")
        if self.offered > self.claimed or self.recovered > self.claimed:
            raise InvalidInput(
                "claim.amount_above_claimed",
                amount=tenge(max(self.offered, self.recovered)),
                claimed=tenge(self.claimed),
            )


@dataclass(frozen=True)
class ClaimCase:
    """The state and lines of one case; actions return a new case."""

    state: ClaimState
    lines: tuple[ClaimLine, ...] = field(default_factory=tuple)

    @property
    def claimed(self) -> int:
        """Total claimed (tiyn)."""
        return sum(line.claimed for line in self.lines)

    @property
    def offered(self) -> int:
        """Total offered (tiyn)."""
        return sum(line.offered for line in self.lines)

    @property
    def recovered(self) -> int:
        """Total recovered (tiyn)."""
        return sum(line.recovered for line in self.lines)

    def line(self, key: int) -> ClaimLine:
        """The line with this key (InvalidInput when there is none)."""
        for line in self.lines:
            if line.key == key:
                return line
        raise InvalidInput("claim.line_not_found", line=key)

    def open_lines(self) -> list[ClaimLine]:
        """Lines still waiting for an outcome."""
        return [line for line in self.lines if not line.closed]


def tenge(tiyn: int) -> str:
    """A tiyn amount as tenge text (`1234.50`)."""
    sign = "-" if tiyn < 0 else ""
    whole, part = divmod(abs(tiyn), TIYN_PER_TENGE)
    return f"{sign}{whole}.{part:02d}"


def _with_lines(case: ClaimCase, lines: Iterable[ClaimLine]) -> ClaimCase:
    return replace(case, lines=tuple(lines))


def _set(case: ClaimCase, keys: set[int], **changes: object) -> ClaimCase:
    return _with_lines(
        case,
        (replace(ln, **changes) if ln.key in keys else ln for ln in case.lines),  # type: ignore[arg-type]
    )


def act(case: ClaimCase, action: ClaimAction, offers: Mapping[int, int] | None = None) -> ClaimCase:
    """Apply a state action; answers set what is offered on every open line.

    APPROVE offers the full claimed amount; APPROVE_PARTIALLY takes `offers` (line key → tiyn,
    missing lines get 0) that must add up to more than nothing and less than claimed; REJECT
    offers nothing. SETTLE closes open lines with what was offered as recovered unless a
    recovery was already recorded; CLOSE closes them as they are; REOPEN opens every line.
    """
    target = next_claim_state(case.state, action)
    if action is A.SUBMIT and not case.lines:
        raise InvalidInput("claim.no_lines")
    open_keys = {ln.key for ln in case.open_lines()}
    if action is A.APPROVE:
        case = _with_lines(
            case,
            (replace(ln, offered=ln.claimed) if ln.key in open_keys else ln for ln in case.lines),
        )
    elif action is A.REJECT:
        case = _set(case, open_keys, offered=0)
    elif action is A.APPROVE_PARTIALLY:
        case = _partial(case, open_keys, offers or {})
    elif action is A.SETTLE:
        case = _with_lines(
            case,
            (
                replace(ln, closed=True, recovered=ln.recovered or ln.offered)
                if ln.key in open_keys
                else ln
                for ln in case.lines
            ),
        )
        if case.recovered == 0:
            raise InvalidInput("claim.settle_nothing")
    elif action is A.CLOSE:
        case = _set(case, open_keys, closed=True)
    elif action is A.REOPEN:
        case = _set(case, {ln.key for ln in case.lines}, closed=False)
    return replace(case, state=target)


def _partial(case: ClaimCase, open_keys: set[int], offers: Mapping[int, int]) -> ClaimCase:
    unknown = set(offers) - open_keys
    if unknown:
        raise InvalidInput("claim.line_not_found", line=min(unknown))
    lines = []
    for ln in case.lines:
        if ln.key in open_keys:
            ln = replace(ln, offered=_checked(ln, offers.get(ln.key, 0)))
        lines.append(ln)
    case = _with_lines(case, lines)
    open_claimed = sum(ln.claimed for ln in case.lines if ln.key in open_keys)
    open_offered = sum(ln.offered for ln in case.lines if ln.key in open_keys)
    if not 0 < open_offered < open_claimed:
        raise InvalidInput("claim.partial_needs_part", claimed=tenge(open_claimed))
    return case


def _checked(line: ClaimLine, amount: int) -> int:
    check_amount(amount, line.claimed)
    return amount


def split(case: ClaimCase, key: int, qty: int, new_key: int) -> ClaimCase:
    """Split `qty` of a line into a new line; every amount is shared out pro rata to the tiyn."""
    require_line_action(case.state, L.SPLIT)
    line = case.line(key)
    if line.closed:
        raise InvalidInput("claim.line_closed", line=key)
    if not 0 < qty < line.qty:
        raise InvalidInput("claim.split_qty", qty=qty, line_qty=line.qty)

    def share(amount: int) -> int:
        return amount * qty // line.qty

    moved = ClaimLine(
        key=new_key,
        qty=qty,
        claimed=share(line.claimed),
        offered=share(line.offered),
        recovered=share(line.recovered),
        remedy=line.remedy,
        split_from=line.key,
    )
    kept = replace(
        line,
        qty=line.qty - qty,
        claimed=line.claimed - moved.claimed,
        offered=line.offered - moved.offered,
        recovered=line.recovered - moved.recovered,
    )
    lines: list[ClaimLine] = []
    for ln in case.lines:
        lines.extend((kept, moved) if ln.key == key else (ln,))
    return _with_lines(case, lines)


def record_recovery(case: ClaimCase, key: int, amount: int) -> ClaimCase:
    """Money (in tiyn) arrived for an open line; the total recovered never exceeds claimed."""
    require_line_action(case.state, L.RECORD_RECOVERY)
    line = case.line(key)
    if line.closed:
        raise InvalidInput("claim.line_closed", line=key)
    if amount <= 0:
        raise InvalidInput("claim.amount_negative")
    total = line.recovered + amount
    _checked(line, total)
    return _set(case, {key}, recovered=total)


def close_line(case: ClaimCase, key: int) -> ClaimCase:
    """Partial closure: one line is finished; when none stays open the case settles or closes."""
    require_line_action(case.state, L.CLOSE_LINE)
    line = case.line(key)
    if line.closed:
        raise InvalidInput("claim.line_closed", line=key)
    case = _set(case, {key}, closed=True)
    if case.open_lines():
        return case
    final = (
        A.SETTLE if case.recovered > 0 and (case.state, A.SETTLE) in CLAIM_TRANSITIONS else A.CLOSE
    )
    return replace(case, state=next_claim_state(case.state, final))


def check_amount(amount: int, claimed: int) -> None:
    """Refuse an amount outside 0..claimed (tiyn) with a message that names both."""
    if amount < 0:
        raise InvalidInput("claim.amount_negative")
    if amount > claimed:
        raise InvalidInput(
            "claim.amount_above_claimed", amount=tenge(amount), claimed=tenge(claimed)
        )


# ---- where claims come from -------------------------------------------------------------

#: Inspection checks that are evidence for a claim, with the reason they give.
CHECK_REASONS: Mapping[str, ClaimReason] = {
    "wrong_item": ClaimReason.SWAPPED_ITEM,
    "marking_mismatch": ClaimReason.FOREIGN_MARKING,
    "incomplete": ClaimReason.MISSING_PARTS,
}
#: Checks that mean damage when the parcel came back from delivery (not a buyer's use).
DAMAGE_CHECKS = frozenset({"packaging_damaged", "not_working", "seals_broken"})


def claim_reasons(checks: Iterable[str], return_reason: str, return_type: str) -> list[ClaimReason]:
    """The claim reasons an inspection's checklist proves, best first (empty: nothing to claim)."""
    ticked = set(checks)
    reasons = [reason for check, reason in CHECK_REASONS.items() if check in ticked]
    if return_reason == "counterfeit" and "marking_mismatch" in ticked:
        reasons.insert(0, ClaimReason.COUNTERFEIT)
    came_back_from_delivery = return_type in ("cancelled_in_delivery", "not_picked_up")
    if ticked & DAMAGE_CHECKS and (
        came_back_from_delivery or return_reason == "damaged_in_transit"
    ):
        reasons.append(ClaimReason.DAMAGED_IN_TRANSIT)
    return reasons


#: Which of our answer outcomes a marketplace's action id means (WB ids; Ozon ids by name).
def answer_outcome(action: str) -> ClaimAction | None:
    """Map a marketplace answer action to our life cycle (None: recorded without a move)."""
    name = action.lower()
    if name.startswith("reject"):
        return ClaimAction.REJECT
    if name.startswith(("approve", "autorefund", "confirmreturn", "compensat")):
        return ClaimAction.APPROVE
    return None


REJECTCUSTOM = "rejectcustom"
COMMENT_MIN, COMMENT_MAX = 10, 1000


def check_answer(action: str, allowed: Iterable[str], comment: str | None) -> None:
    """Refuse an answer the marketplace does not allow for this claim, or a bad comment."""
    allowed = list(allowed)
    if action not in allowed:
        raise InvalidInput(
            "claim.action_not_allowed", action=action, allowed=", ".join(allowed) or "—"
        )
    if action == REJECTCUSTOM:
        length = len((comment or "").strip())
        if not COMMENT_MIN <= length <= COMMENT_MAX:
            raise InvalidInput(
                "claim.comment_length", min=COMMENT_MIN, max=COMMENT_MAX, length=length
            )
