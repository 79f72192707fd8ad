"""Claim case life cycle: every (state, action) pair, line operations, amounts, answers."""

from __future__ import annotations

import itertools

import pytest

from wms.domain.claims import (
    LINE_ACTIONS,
    ClaimAction,
    ClaimCase,
    ClaimLine,
    ClaimReason,
    ClaimState,
    LineAction,
    act,
    allowed_claim_actions,
    answer_outcome,
    check_answer,
    claim_reasons,
    close_line,
    next_claim_state,
    record_recovery,
    split,
    tenge,
)
from wms.domain.errors import IllegalTransition, InvalidInput

S, A, L = ClaimState, ClaimAction, LineAction

# The life cycle of issue 9 written out independently of the table under test.
EXPECTED = {
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
    (S.SETTLED, A.REOPEN): S.UNDER_REVIEW,
    (S.CLOSED, A.REOPEN): S.UNDER_REVIEW,
}
ANSWERED = {S.APPROVED, S.PARTIALLY_APPROVED, S.REJECTED, S.ESCALATED}
EXPECTED_LINE = {
    (state, action)
    for state in ClaimState
    for action in LineAction
    if state in ANSWERED or (action is L.SPLIT and state in (S.DRAFT, S.SUBMITTED, S.UNDER_REVIEW))
}


def case_in(state: ClaimState) -> ClaimCase:
    """Two lines (3 pcs for 3000.00 ₸ and 1 pc for 500.00 ₸) with amounts that fit `state`."""
    offered = {
        S.APPROVED: (300_000, 50_000),
        S.PARTIALLY_APPROVED: (200_000, 0),
        S.ESCALATED: (200_000, 0),
    }.get(state, (0, 0))
    settled = state is S.SETTLED
    return ClaimCase(
        state,
        (
            ClaimLine(1, 3, 300_000, offered[0], 100_000 if settled else 0, closed=settled),
            ClaimLine(2, 1, 50_000, offered[1], 0, closed=settled or state is S.CLOSED),
        ),
    )


@pytest.mark.parametrize(("state", "action"), list(itertools.product(ClaimState, ClaimAction)))
def test_every_claim_state_action_pair(state: ClaimState, action: ClaimAction) -> None:
    expected = EXPECTED.get((state, action))
    if expected is None:
        with pytest.raises(IllegalTransition) as err:
            next_claim_state(state, action)
        assert err.value.message_key == "claim.illegal_transition"
        assert action not in allowed_claim_actions(state)
        with pytest.raises(IllegalTransition):
            act(case_in(state), action, {1: 1})
        return
    assert next_claim_state(state, action) is expected
    assert action in allowed_claim_actions(state)
    offers = {1: 100_000} if action is A.APPROVE_PARTIALLY else None
    after = act(case_in(state), action, offers)
    assert after.state is expected
    assert after.claimed == 350_000  # answers never change what was claimed


@pytest.mark.parametrize(("state", "action"), list(itertools.product(ClaimState, LineAction)))
def test_every_claim_state_line_action_pair(state: ClaimState, action: LineAction) -> None:
    case = replace_closed(case_in(state))
    operations = {
        L.SPLIT: lambda c: split(c, 1, 1, -1),
        L.RECORD_RECOVERY: lambda c: record_recovery(c, 1, 1_000),
        L.CLOSE_LINE: lambda c: close_line(c, 1),
    }
    if (state, action) in EXPECTED_LINE:
        assert action in LINE_ACTIONS[state]
        after = operations[action](case)
        assert after.claimed == case.claimed
    else:
        with pytest.raises(IllegalTransition):
            operations[action](case)


def replace_closed(case: ClaimCase) -> ClaimCase:
    """Open every line so that only the state decides whether a line action is allowed."""
    from dataclasses import replace

    return replace(case, lines=tuple(replace(ln, closed=False) for ln in case.lines))


def test_state_names_are_translated_in_the_error() -> None:
    with pytest.raises(IllegalTransition) as err:
        next_claim_state(S.SETTLED, A.SUBMIT)
    prompt = err.value.prompt()
    assert prompt["ru"] == "Претензия в состоянии «возмещена»: действие «подать» невозможно"
    assert prompt["kk"] == "Талап «өтелді» күйінде: «беру» әрекеті мүмкін емес"
    assert prompt["en"] == "Claim is settled: cannot submit"


def test_full_approval_offers_everything_claimed_and_settle_recovers_it() -> None:
    case = act(act(case_in(S.DRAFT), A.SUBMIT), A.APPROVE)
    assert case.offered == case.claimed == 350_000
    settled = act(case, A.SETTLE)
    assert settled.recovered == 350_000
    assert all(line.closed for line in settled.lines)


def test_partial_approval_needs_a_part_and_checks_each_line() -> None:
    case = act(case_in(S.DRAFT), A.SUBMIT)
    with pytest.raises(InvalidInput) as err:
        act(case, A.APPROVE_PARTIALLY, {1: 300_001})
    assert err.value.message_key == "claim.amount_above_claimed"
    assert "3000.01" in err.value.render("ru")
    assert "3000.00" in err.value.render("ru")
    with pytest.raises(InvalidInput):
        act(case, A.APPROVE_PARTIALLY, {1: 300_000, 2: 50_000})  # that is a full approval
    with pytest.raises(InvalidInput):
        act(case, A.APPROVE_PARTIALLY, {})
    with pytest.raises(InvalidInput):
        act(case, A.APPROVE_PARTIALLY, {99: 1})
    partial = act(case, A.APPROVE_PARTIALLY, {1: 120_000})
    assert [ln.offered for ln in partial.lines] == [120_000, 0]


def test_split_two_compensated_one_rejected() -> None:
    case = act(case_in(S.DRAFT), A.SUBMIT)
    case = split(case, 1, 1, -1)  # 2 pcs + 1 pc
    assert [(ln.qty, ln.claimed) for ln in case.lines] == [(2, 200_000), (1, 100_000), (1, 50_000)]
    assert case.line(-1).split_from == 1
    case = act(case, A.APPROVE_PARTIALLY, {1: 200_000})
    case = close_line(case, -1)
    case = close_line(case, 2)
    assert case.state is S.PARTIALLY_APPROVED  # one line is still open: partial closure
    case = record_recovery(case, 1, 200_000)
    case = close_line(case, 1)
    assert case.state is S.SETTLED
    assert case.recovered == 200_000


def test_split_shares_odd_amounts_to_the_tiyn() -> None:
    case = ClaimCase(S.DRAFT, (ClaimLine(1, 3, 100_001),))
    after = split(case, 1, 1, -1)
    assert sum(ln.claimed for ln in after.lines) == 100_001
    with pytest.raises(InvalidInput):
        split(case, 1, 3, -1)
    with pytest.raises(InvalidInput):
        split(case, 1, 0, -1)


def test_recovery_never_exceeds_claimed() -> None:
    case = act(act(case_in(S.DRAFT), A.SUBMIT), A.APPROVE)
    case = record_recovery(case, 2, 30_000)
    with pytest.raises(InvalidInput) as err:
        record_recovery(case, 2, 20_001)
    assert err.value.message_key == "claim.amount_above_claimed"
    with pytest.raises(InvalidInput):
        record_recovery(case, 2, 0)


def test_closing_the_last_line_of_a_rejected_claim_closes_it() -> None:
    case = act(act(case_in(S.DRAFT), A.SUBMIT), A.REJECT)
    case = close_line(close_line(case, 1), 2)
    assert case.state is S.CLOSED
    assert case.recovered == 0
    with pytest.raises(InvalidInput):  # a closed line cannot close again
        close_line(ClaimCase(S.REJECTED, case.lines), 1)


def test_reopen_keeps_amounts_and_opens_lines() -> None:
    settled = act(act(act(case_in(S.DRAFT), A.SUBMIT), A.APPROVE), A.SETTLE)
    reopened = act(settled, A.REOPEN)
    assert reopened.state is S.UNDER_REVIEW
    assert reopened.recovered == settled.recovered
    assert not any(ln.closed for ln in reopened.lines)


def test_settle_needs_money_and_submit_needs_lines() -> None:
    with pytest.raises(InvalidInput):
        act(ClaimCase(S.DRAFT), A.SUBMIT)
    escalated = act(act(act(case_in(S.DRAFT), A.SUBMIT), A.REJECT), A.ESCALATE)
    with pytest.raises(InvalidInput) as err:
        act(escalated, A.SETTLE)
    assert err.value.message_key == "claim.settle_nothing"


def test_lines_refuse_impossible_amounts() -> None:
    with pytest.raises(InvalidInput):
        ClaimLine(1, 0, 100)
    with pytest.raises(InvalidInput):
        ClaimLine(1, 1, 100, offered=101)
    with pytest.raises(InvalidInput):
        ClaimLine(1, 1, -1)


@pytest.mark.parametrize(
    ("checks", "reason", "rtype", "expected"),
    [
        (["wrong_item"], "changed_mind", "customer_return", [ClaimReason.SWAPPED_ITEM]),
        (["marking_mismatch"], "defective", "customer_return", [ClaimReason.FOREIGN_MARKING]),
        (
            ["marking_mismatch"],
            "counterfeit",
            "customer_return",
            [ClaimReason.COUNTERFEIT, ClaimReason.FOREIGN_MARKING],
        ),
        (["incomplete"], "defective", "customer_return", [ClaimReason.MISSING_PARTS]),
        (
            ["packaging_damaged"],
            "damaged_in_transit",
            "customer_return",
            [ClaimReason.DAMAGED_IN_TRANSIT],
        ),
        (["not_working"], "cancelled", "cancelled_in_delivery", [ClaimReason.DAMAGED_IN_TRANSIT]),
        (["packaging_damaged"], "changed_mind", "customer_return", []),
        (["signs_of_use"], "defective", "customer_return", []),
        ([], "wrong_item", "customer_return", []),
    ],
)
def test_claim_reasons_from_inspection(
    checks: list[str], reason: str, rtype: str, expected: list[ClaimReason]
) -> None:
    assert claim_reasons(checks, reason, rtype) == expected


def test_answers_are_checked_against_the_claims_own_actions() -> None:
    check_answer("approve1", ["approve1", "rejectcustom"], None)
    with pytest.raises(InvalidInput) as err:
        check_answer("approve2", ["approve1", "rejectcustom"], None)
    assert "approve1, rejectcustom" in err.value.render("kk")
    with pytest.raises(InvalidInput) as err:
        check_answer("rejectcustom", ["rejectcustom"], "  short   ")
    assert err.value.message_key == "claim.comment_length"
    check_answer("rejectcustom", ["rejectcustom"], "x" * 10)
    check_answer("rejectcustom", ["rejectcustom"], "x" * 1000)
    with pytest.raises(InvalidInput):
        check_answer("rejectcustom", ["rejectcustom"], "x" * 1001)


def test_answer_outcomes() -> None:
    assert answer_outcome("approve2") is A.APPROVE
    assert answer_outcome("autorefund1") is A.APPROVE
    assert answer_outcome("rejectcustom") is A.REJECT
    assert answer_outcome("something") is None


def test_tenge_formatting() -> None:
    assert tenge(123_456) == "1234.56"
    assert tenge(5) == "0.05"
    assert tenge(-105) == "-1.05"
