"""What the marketplaces say about buyer claims, and the answers we send them (pure data).

A Wildberries buyer claim (`GET /api/v1/claims`) and an Ozon rFBS return request
(`/v2/returns/rfbs/get`) both become an `ExternalClaim`: who, what, the buyer's photos and
video, and the answers the marketplace allows *for that claim* (`actions`). An answer is a
`ClaimAnswer`; `check_answer` refuses one the marketplace would refuse, before anything is
queued (reference §5.2, §5.3).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from wms.domain.errors import InvalidInput
from wms.domain.returns import Marketplace

WB_COMMENT_MIN, WB_COMMENT_MAX = 10, 1000
WB_COMMENT_ACTIONS = frozenset({"rejectcustom", "approvecc1"})  # the only ones taking a comment
WB_GOODS_BACK = "approve2"  # approve, the item travels back to the seller
OZON_REJECT_IDS = frozenset({"-1", "-10"})  # need a rejection reason and a comment
OZON_COMPENSATE_ID = "1020"  # needs compensation_amount
OZON_COMMENT_MAX = 1000  # [I] Ozon publishes no limit; the cabinet's text field stops there


class ClaimVerdict(StrEnum):
    """Where the marketplace's decision stands."""

    PENDING = "pending"  # still to be answered (by us or by the marketplace)
    APPROVED = "approved"
    REJECTED = "rejected"
    COMPENSATED = "compensated"  # money paid without (or before) the goods coming back


@dataclass(frozen=True)
class ClaimAction:
    """One answer the marketplace offers for a claim (WB: `approve1`; Ozon: id 1020)."""

    code: str
    name: str = ""


@dataclass(frozen=True)
class RejectionReason:
    """An Ozon rejection reason of one return request."""

    id: str
    name: str
    hint: str = ""
    comment_required: bool = False


@dataclass(frozen=True)
class ExternalClaim:
    """A buyer claim as the marketplace reports it."""

    marketplace: Marketplace
    external_id: str  # WB claim UUID, Ozon return_id
    order_code: str  # WB srid, Ozon posting number: what the return's label shows
    sku: str  # WB nm_id, Ozon offer_id
    status: str  # the marketplace's own words, for people
    verdict: ClaimVerdict
    actions: tuple[ClaimAction, ...] = ()  # empty: nothing we can answer
    rejection_reasons: tuple[RejectionReason, ...] = ()
    product_name: str | None = None
    buyer_comment: str | None = None
    marketplace_comment: str | None = None
    photos: tuple[str, ...] = ()
    videos: tuple[str, ...] = ()
    price: Decimal | None = None  # what the buyer paid: the most a claim can be worth
    currency: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None
    archived: bool = False
    goods_to_seller: bool = False  # the item travels back to us (WB status_ex 10, approve2)
    extra: Mapping[str, str] = field(default_factory=dict, compare=False)

    @property
    def answerable(self) -> bool:
        """Whether the marketplace still takes an answer from us."""
        return bool(self.actions) and not self.archived

    def allows(self, action: str) -> bool:
        """Whether `action` is one of this claim's own actions."""
        return any(a.code == action for a in self.actions)


@dataclass(frozen=True)
class ClaimAnswer:
    """Our answer to one claim, as it goes out through the outbox."""

    marketplace: Marketplace
    external_id: str
    action: str
    comment: str | None = None
    rejection_reason_id: str | None = None
    compensation_amount: Decimal | None = None
    return_for_back_way: Decimal | None = None

    def as_payload(self) -> dict[str, str | None]:
        """JSON-ready form for the outbox (amounts as strings: exact)."""
        return {
            "marketplace": self.marketplace.value,
            "external_id": self.external_id,
            "action": self.action,
            "comment": self.comment,
            "rejection_reason_id": self.rejection_reason_id,
            "compensation_amount": _text(self.compensation_amount),
            "return_for_back_way": _text(self.return_for_back_way),
        }

    @classmethod
    def from_payload(cls, data: Mapping[str, object]) -> ClaimAnswer:
        """The answer an outbox payload carries (the claim core writes `amount_tiyn`)."""
        amount = _amount(data.get("compensation_amount"))
        tiyn = data.get("amount_tiyn")
        if amount is None and tiyn not in (None, ""):
            amount = Decimal(int(str(tiyn))) / 100
        return cls(
            marketplace=Marketplace(str(data["marketplace"])),
            external_id=str(data["external_id"]),
            action=str(data["action"]),
            comment=_opt(data.get("comment")),
            rejection_reason_id=_opt(data.get("rejection_reason_id")),
            compensation_amount=amount,
            return_for_back_way=_amount(data.get("return_for_back_way")),
        )


def check_answer(claim: ExternalClaim, answer: ClaimAnswer) -> None:
    """Refuse (InvalidInput) an answer the marketplace would refuse for this claim."""
    if answer.marketplace is not claim.marketplace or answer.external_id != claim.external_id:
        raise InvalidInput("claim_exchange.wrong_claim", claim=claim.external_id)
    if not claim.answerable:
        raise InvalidInput("claim_exchange.closed", claim=claim.external_id)
    if not claim.allows(answer.action):
        allowed = ", ".join(a.code for a in claim.actions)
        raise InvalidInput(
            "claim_exchange.action_not_allowed", action=answer.action, allowed=allowed
        )
    if claim.marketplace is Marketplace.WILDBERRIES:
        _check_wb(answer)
    elif claim.marketplace is Marketplace.OZON:
        _check_ozon(claim, answer)


def _check_wb(answer: ClaimAnswer) -> None:
    comment = (answer.comment or "").strip()
    if answer.compensation_amount is not None or answer.rejection_reason_id is not None:
        raise InvalidInput("claim_exchange.wb_fields")
    if answer.action == "rejectcustom" and not comment:
        raise InvalidInput("claim_exchange.comment_required", action=answer.action)
    if comment and answer.action not in WB_COMMENT_ACTIONS:
        raise InvalidInput("claim_exchange.comment_not_taken", action=answer.action)
    if comment and not WB_COMMENT_MIN <= len(comment) <= WB_COMMENT_MAX:
        raise InvalidInput(
            "claim_exchange.comment_length",
            low=WB_COMMENT_MIN,
            high=WB_COMMENT_MAX,
            length=len(comment),
        )


def _check_ozon(claim: ExternalClaim, answer: ClaimAnswer) -> None:
    comment = (answer.comment or "").strip()
    if len(comment) > OZON_COMMENT_MAX:
        raise InvalidInput(
            "claim_exchange.comment_length", low=1, high=OZON_COMMENT_MAX, length=len(comment)
        )
    if answer.action in OZON_REJECT_IDS:
        reasons = {r.id: r for r in claim.rejection_reasons}
        if answer.rejection_reason_id not in reasons:
            raise InvalidInput("claim_exchange.reason_required", allowed=", ".join(reasons))
        if not comment:
            raise InvalidInput("claim_exchange.comment_required", action=answer.action)
    elif answer.rejection_reason_id is not None:
        raise InvalidInput("claim_exchange.reason_not_taken", action=answer.action)
    amount = answer.compensation_amount
    if answer.action == OZON_COMPENSATE_ID:
        if amount is None or amount <= 0:
            raise InvalidInput("claim_exchange.amount_required")
        if claim.price is not None and amount > claim.price:
            raise InvalidInput("claim_exchange.amount_too_high", amount=amount, price=claim.price)
    elif amount is not None:
        raise InvalidInput("claim_exchange.amount_not_taken", action=answer.action)
    if answer.return_for_back_way is not None and answer.return_for_back_way < 0:
        raise InvalidInput("claim_exchange.amount_required")


def wb_verdict(status: int | None, status_ex: int | None) -> ClaimVerdict:
    """WB `status` 0 review, 1 rejected, 2 approved (`status_ex` 5: approved, item kept)."""
    if status == 1:
        return ClaimVerdict.REJECTED
    if status == 2:
        return ClaimVerdict.APPROVED
    return ClaimVerdict.PENDING


def _text(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def _opt(value: object) -> str | None:
    return None if value in (None, "") else str(value)


def _amount(value: object) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))
