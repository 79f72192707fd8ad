"""`check_answer`: every rule a marketplace applies to an answer, refused before it is queued."""

from __future__ import annotations

from decimal import Decimal

import pytest

from wms.domain import prompts
from wms.domain.claim_exchange import (
    ClaimAction,
    ClaimAnswer,
    ClaimVerdict,
    ExternalClaim,
    RejectionReason,
    check_answer,
)
from wms.domain.errors import InvalidInput
from wms.domain.returns import Marketplace

WB, OZON = Marketplace.WILDBERRIES, Marketplace.OZON


def _claim(marketplace: Marketplace, actions: tuple[str, ...], **extra: object) -> ExternalClaim:
    return ExternalClaim(
        marketplace=marketplace,
        external_id="c-1",
        order_code="o-1",
        sku="s",
        status="new",
        verdict=ClaimVerdict.PENDING,
        actions=tuple(ClaimAction(a) for a in actions),
        price=Decimal("1000"),
        **extra,  # type: ignore[arg-type]
    )


WB_CLAIM = _claim(WB, ("approve1", "approve2", "rejectcustom", "approvecc1"))
OZON_CLAIM = _claim(
    OZON,
    ("1", "1020", "-1"),
    rejection_reasons=(RejectionReason("3", "Следы использования"),),
)

CASES = [
    (WB_CLAIM, ClaimAnswer(WB, "c-1", "approve2"), None),
    (WB_CLAIM, ClaimAnswer(WB, "c-1", "rejectcustom", "Фото не о товаре"), None),
    (WB_CLAIM, ClaimAnswer(WB, "c-1", "approvecc1", "Забирайте в магазине"), None),
    (WB_CLAIM, ClaimAnswer(WB, "c-1", "reject1"), "claim_exchange.action_not_allowed"),
    (WB_CLAIM, ClaimAnswer(WB, "c-1", "rejectcustom"), "claim_exchange.comment_required"),
    (WB_CLAIM, ClaimAnswer(WB, "c-1", "rejectcustom", "коротко"), "claim_exchange.comment_length"),
    (WB_CLAIM, ClaimAnswer(WB, "c-1", "rejectcustom", "я" * 1001), "claim_exchange.comment_length"),
    (
        WB_CLAIM,
        ClaimAnswer(WB, "c-1", "approve1", "не нужен тут"),
        "claim_exchange.comment_not_taken",
    ),
    (
        WB_CLAIM,
        ClaimAnswer(WB, "c-1", "approve1", compensation_amount=Decimal(1)),
        "claim_exchange.wb_fields",
    ),
    (WB_CLAIM, ClaimAnswer(WB, "c-2", "approve1"), "claim_exchange.wrong_claim"),
    (WB_CLAIM, ClaimAnswer(OZON, "c-1", "approve1"), "claim_exchange.wrong_claim"),
    (_claim(WB, ()), ClaimAnswer(WB, "c-1", "approve1"), "claim_exchange.closed"),
    (OZON_CLAIM, ClaimAnswer(OZON, "c-1", "1"), None),
    (OZON_CLAIM, ClaimAnswer(OZON, "c-1", "1020", compensation_amount=Decimal("999.99")), None),
    (OZON_CLAIM, ClaimAnswer(OZON, "c-1", "1020"), "claim_exchange.amount_required"),
    (
        OZON_CLAIM,
        ClaimAnswer(OZON, "c-1", "1020", compensation_amount=Decimal("1000.01")),
        "claim_exchange.amount_too_high",
    ),
    (
        OZON_CLAIM,
        ClaimAnswer(OZON, "c-1", "1", compensation_amount=Decimal(5)),
        "claim_exchange.amount_not_taken",
    ),
    (
        OZON_CLAIM,
        ClaimAnswer(OZON, "c-1", "-1", "Следы носки", rejection_reason_id="3"),
        None,
    ),
    (OZON_CLAIM, ClaimAnswer(OZON, "c-1", "-1", "Следы носки"), "claim_exchange.reason_required"),
    (
        OZON_CLAIM,
        ClaimAnswer(OZON, "c-1", "-1", rejection_reason_id="3"),
        "claim_exchange.comment_required",
    ),
    (
        OZON_CLAIM,
        ClaimAnswer(OZON, "c-1", "1", rejection_reason_id="3"),
        "claim_exchange.reason_not_taken",
    ),
    (OZON_CLAIM, ClaimAnswer(OZON, "c-1", "2"), "claim_exchange.action_not_allowed"),
]


@pytest.mark.parametrize(("claim", "answer", "refusal"), CASES)
def test_answers_are_checked_against_the_claims_own_rules(
    claim: ExternalClaim, answer: ClaimAnswer, refusal: str | None
) -> None:
    if refusal is None:
        check_answer(claim, answer)
        return
    with pytest.raises(InvalidInput) as caught:
        check_answer(claim, answer)
    assert caught.value.message_key == refusal
    texts = caught.value.prompt()
    assert texts["ru"] != texts["en"] != texts["kk"]
    assert "{" not in "".join(texts.values())


def test_an_answer_survives_the_outbox_payload_exactly() -> None:
    answer = ClaimAnswer(OZON, "77", "1020", compensation_amount=Decimal("4500.50"))
    again = ClaimAnswer.from_payload(answer.as_payload())
    assert again == answer
    assert again.compensation_amount == Decimal("4500.50")
    assert prompts.render("claim_exchange.closed", claim="x")["kk"].startswith("Маркетплейс")


def test_the_claim_cores_payload_with_tiyn_reads_as_an_exact_amount() -> None:
    payload = {
        "claim_id": 4,
        "marketplace": "ozon",
        "external_id": "77",
        "action": "1020",
        "comment": None,
        "amount_tiyn": 450050,
        "account_id": 2,
    }
    answer = ClaimAnswer.from_payload(payload)
    assert answer.compensation_amount == Decimal("4500.50")
    assert answer.rejection_reason_id is None
