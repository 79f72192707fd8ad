"""Claim cases: open, move through the life cycle, split and close lines, record answers.

The domain (`wms.domain.claims`) decides; this module loads the case, hands the domain a
`ClaimCase` value and writes the result back with an audit row (the claim's timeline) and,
for answers to a marketplace, an outbox row in the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from wms.db.models import (
    Claim,
    ClaimLine,
    Clip,
    MarketplaceAccount,
    Merchant,
    Product,
    ReturnOrder,
    Unit,
)
from wms.domain import claims as rules
from wms.domain.claims import (
    ClaimAction,
    ClaimCase,
    ClaimOrigin,
    ClaimReason,
    ClaimState,
    Counterparty,
    Remedy,
)
from wms.domain.errors import InvalidInput, NotFound
from wms.domain.returns import Marketplace
from wms.services import claims_pack
from wms.services.sequences import take
from wms.services.uow import Actor, UnitOfWork

ANSWER_TOPIC = "claim.answer"
#: States in which a unit counts as already claimed (no second open case for it).
OPEN_STATES = frozenset(ClaimState) - rules.FINAL_STATES


@dataclass(frozen=True)
class LineSpec:
    """One line of a new claim: a unit, or a quantity of a product / marketplace SKU."""

    claimed_tiyn: int
    qty: int = 1
    remedy: Remedy = Remedy.REFUND
    unit: Unit | None = None
    product: Product | None = None
    sku: str | None = None
    note: str | None = None


def to_tiyn(value: Decimal | str | int | float) -> int:
    """Tenge (Decimal or text like `1250.50`) to integer tiyn; bad text raises InvalidInput."""
    try:
        amount = Decimal(str(value).strip().replace(",", ".").replace(" ", ""))
    except (InvalidOperation, ValueError):
        raise InvalidInput("claim.amount_invalid", amount=str(value)) from None
    if not amount.is_finite():
        raise InvalidInput("claim.amount_invalid", amount=str(value))
    return int((amount * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def claim_query(lock: bool) -> Any:
    """SELECT of claims with their lines (locked for update when `lock`)."""
    stmt = sa.select(Claim).options(selectinload(Claim.lines))
    return stmt.with_for_update(of=Claim) if lock else stmt


def get_claim(session: Session, claim_id: int, actor: Actor, *, lock: bool = True) -> Claim:
    """The claim with its lines (locked); NotFound outside the actor's merchant scope."""
    claim = session.execute(claim_query(lock).where(Claim.id == claim_id)).scalar_one_or_none()
    if claim is None or not actor.may_access(claim.merchant_id):
        raise NotFound("claim.not_found", claim=str(claim_id))
    return claim


def find_claim(session: Session, ref: str, actor: Actor, *, lock: bool = False) -> Claim:
    """A claim by id or number (`CL-0000012`)."""
    if ref.isdigit():
        return get_claim(session, int(ref), actor, lock=lock)
    claim_id = session.execute(sa.select(Claim.id).where(Claim.number == ref)).scalar()
    if claim_id is None:
        raise NotFound("claim.not_found", claim=ref)
    return get_claim(session, claim_id, actor, lock=lock)


def open_claim(
    uow: UnitOfWork,
    actor: Actor,
    merchant: Merchant,
    lines: Sequence[LineSpec],
    *,
    reason: ClaimReason,
    counterparty: Counterparty = Counterparty.MARKETPLACE,
    marketplace: Marketplace | None = None,
    origin: ClaimOrigin = ClaimOrigin.MANUAL,
    order: ReturnOrder | None = None,
    shipment_ref: str | None = None,
    description: str | None = None,
) -> Claim:
    """Open a draft claim case; units must be the merchant's and in no other open case."""
    if not actor.may_access(merchant.id):
        raise NotFound("claim.not_found", claim="—")
    if not lines:
        raise InvalidInput("claim.no_lines")
    for spec in lines:
        if spec.unit is not None:
            _check_unit_free(uow.session, merchant, spec.unit)
        # Validates qty and amount before anything is written.
        rules.ClaimLine(0, spec.qty, spec.claimed_tiyn)
    if marketplace is None and order is not None and counterparty is not Counterparty.CARRIER:
        marketplace = order.marketplace
    now = uow.now()
    claim = Claim(
        number=f"CL-{take(uow.session, 'claim')[0]:07d}",
        merchant_id=merchant.id,
        marketplace=marketplace,
        counterparty=counterparty,
        reason=reason,
        origin=origin,
        state=ClaimState.DRAFT,
        return_order_id=order.id if order is not None else None,
        shipment_ref=shipment_ref,
        description=description,
        due_at=now + timedelta(hours=uow.settings.sla.claim_submit_hours),
        created_by=actor.name,
        external_actions=[],
        media=[],
        external_data={},
        last_answer={},
        state_since=now,
        created_at=now,
        updated_at=now,
    )
    for spec in lines:
        claim.lines.append(
            ClaimLine(
                unit_id=spec.unit.id if spec.unit is not None else None,
                product_id=spec.product.id if spec.product is not None else None,
                sku=spec.sku or (spec.product.sku if spec.product is not None else None),
                qty=spec.qty,
                remedy=spec.remedy,
                claimed_tiyn=spec.claimed_tiyn,
                offered_tiyn=0,
                recovered_tiyn=0,
                closed=False,
                note=spec.note,
            )
        )
    _totals(claim)
    uow.session.add(claim)
    uow.session.flush()
    if order is not None:
        # The parcel's opening clips are evidence now: retention keeps them.
        uow.session.execute(
            sa.update(Clip).where(Clip.return_order_id == order.id).values(hold=True)
        )
    uow.audit(
        "claim",
        claim.id,
        "open",
        actor,
        to_state=claim.state.value,
        number=claim.number,
        origin=origin.value,
        reason=reason.value,
        claimed_tiyn=claim.claimed_tiyn,
    )
    return claim


def _check_unit_free(session: Session, merchant: Merchant, unit: Unit) -> None:
    if unit.merchant_id != merchant.id:
        raise InvalidInput("claim.merchant_mismatch", lpn=unit.lpn)
    taken = session.execute(
        sa.select(Claim.number)
        .join(ClaimLine, ClaimLine.claim_id == Claim.id)
        .where(ClaimLine.unit_id == unit.id, Claim.state.in_(OPEN_STATES))
        .limit(1)
    ).scalar()
    if taken is not None:
        raise InvalidInput("claim.unit_taken", lpn=unit.lpn, claim=taken)


def unit_in_open_claim(session: Session, unit_id: int) -> bool:
    """Whether a unit is already on a claim that is not finished."""
    stmt = (
        sa.select(ClaimLine.id)
        .join(Claim, Claim.id == ClaimLine.claim_id)
        .where(ClaimLine.unit_id == unit_id, Claim.state.in_(OPEN_STATES))
        .limit(1)
    )
    return session.execute(stmt).first() is not None


# ---- the life cycle ------------------------------------------------------------------------


def to_case(claim: Claim) -> ClaimCase:
    """The domain value of a loaded claim."""
    return ClaimCase(
        claim.state,
        tuple(
            rules.ClaimLine(
                key=line.id,
                qty=line.qty,
                claimed=line.claimed_tiyn,
                offered=line.offered_tiyn,
                recovered=line.recovered_tiyn,
                closed=line.closed,
                remedy=line.remedy,
                split_from=line.split_from_id,
            )
            for line in claim.lines
        ),
    )


def _write_back(uow: UnitOfWork, claim: Claim, case: ClaimCase) -> None:
    by_id = {line.id: line for line in claim.lines}
    for value in case.lines:
        line = by_id.get(value.key)
        if line is None:  # made by a split: copies what it is about from the line it left
            source = by_id[value.split_from] if value.split_from is not None else None
            line = ClaimLine(
                unit_id=source.unit_id if source else None,
                product_id=source.product_id if source else None,
                sku=source.sku if source else None,
                remedy=value.remedy,
                split_from_id=value.split_from,
                note=None,
            )
            claim.lines.append(line)
        line.qty = value.qty
        line.claimed_tiyn = value.claimed
        line.offered_tiyn = value.offered
        line.recovered_tiyn = value.recovered
        line.closed = value.closed
    _set_state(uow, claim, case.state)
    _totals(claim)
    uow.session.flush()


def _totals(claim: Claim) -> None:
    claim.claimed_tiyn = sum(line.claimed_tiyn for line in claim.lines)
    claim.offered_tiyn = sum(line.offered_tiyn for line in claim.lines)
    claim.recovered_tiyn = sum(line.recovered_tiyn for line in claim.lines)


def _set_state(uow: UnitOfWork, claim: Claim, state: ClaimState) -> None:
    if state is claim.state:
        return
    now = uow.now()
    claim.state = state
    claim.state_since = now
    if state is ClaimState.SUBMITTED and claim.submitted_at is None:
        claim.submitted_at = now
    if state in rules.ANSWERED_STATES:
        claim.answered_at = now
    claim.finished_at = now if state in rules.FINAL_STATES else None


def act(
    uow: UnitOfWork,
    actor: Actor,
    claim: Claim,
    action: ClaimAction,
    *,
    offers: Mapping[int, int] | None = None,
    note: str | None = None,
) -> Claim:
    """Apply a life-cycle action (offers: line id → tiyn for a partial approval)."""
    old = claim.state
    case = rules.act(to_case(claim), action, offers)
    _write_back(uow, claim, case)
    audit_claim(uow, actor, claim, action.value, old, note=note, offers=dict(offers or {}))
    _units_follow(uow, actor, claim, old)
    # A claim a buyer filed on the marketplace (imported) is not ours to submit: no pack is
    # frozen for it (10 000 imported WB claims would each build a PDF nobody asked for).
    if (
        action is ClaimAction.SUBMIT
        and claim.pack_sha256 is None
        and claim.origin is not ClaimOrigin.IMPORTED
    ):
        claims_pack.freeze(uow, claim)
    return claim


def _units_follow(uow: UnitOfWork, actor: Actor, claim: Claim, old: ClaimState) -> None:
    # Imported here: the unit workflow imports inspection, which proposes claims through us.
    from wms.services import claims_units

    claims_units.follow(uow, actor, claim, old)


def split_line(uow: UnitOfWork, actor: Actor, claim: Claim, line_id: int, qty: int) -> Claim:
    """Split `qty` pieces of a line into a new line (2 compensated, 1 rejected …)."""
    old = claim.state
    case = rules.split(to_case(claim), line_id, qty, new_key=-1)
    _write_back(uow, claim, case)
    audit_claim(uow, actor, claim, "split", old, line=line_id, qty=qty)
    return claim


def record_recovery(
    uow: UnitOfWork, actor: Actor, claim: Claim, line_id: int, amount_tiyn: int
) -> Claim:
    """Money arrived for a line (never more than its claimed amount in total)."""
    old = claim.state
    case = rules.record_recovery(to_case(claim), line_id, amount_tiyn)
    _write_back(uow, claim, case)
    audit_claim(uow, actor, claim, "record_recovery", old, line=line_id, amount_tiyn=amount_tiyn)
    return claim


def close_line(uow: UnitOfWork, actor: Actor, claim: Claim, line_id: int) -> Claim:
    """Partial closure: finish one line; the case settles or closes with its last line."""
    old = claim.state
    case = rules.close_line(to_case(claim), line_id)
    _write_back(uow, claim, case)
    audit_claim(uow, actor, claim, "close_line", old, line=line_id)
    _units_follow(uow, actor, claim, old)
    return claim


def audit_claim(
    uow: UnitOfWork, actor: Actor, claim: Claim, action: str, old: ClaimState, **payload: Any
) -> None:
    """Write one step of the claim's timeline (an audit row with the totals after it)."""
    uow.audit(
        "claim",
        claim.id,
        action,
        actor,
        from_state=old.value,
        to_state=claim.state.value,
        number=claim.number,
        claimed_tiyn=claim.claimed_tiyn,
        offered_tiyn=claim.offered_tiyn,
        recovered_tiyn=claim.recovered_tiyn,
        **{k: v for k, v in payload.items() if v not in (None, {})},
    )


# ---- answers to the marketplace ------------------------------------------------------------


def answer(
    uow: UnitOfWork,
    actor: Actor,
    claim: Claim,
    action: str,
    *,
    comment: str | None = None,
    amount_tiyn: int | None = None,
    outcome: ClaimAction | None = None,
) -> Claim:
    """Record the merchant's answer to a marketplace claim and queue it for the marketplace.

    `action` must be one of the claim's `external_actions` (`rejectcustom` needs a 10–1000
    character comment; `amount_tiyn` is at most what is claimed). The claim moves by
    `outcome` (default: what the action's name means, see `rules.answer_outcome`) when its
    state allows; an outbox row `claim.answer` carries the answer to the worker.
    """
    if claim.marketplace is None or claim.external_id is None:
        raise InvalidInput("claim.not_marketplace")
    rules.check_answer(action, claim.external_actions or [], comment)
    if amount_tiyn is not None:
        rules.check_amount(amount_tiyn, claim.claimed_tiyn)
    outcome = outcome or rules.answer_outcome(action)
    old = claim.state
    if outcome is not None and (claim.state, outcome) in rules.CLAIM_TRANSITIONS:
        offers = None
        if outcome is ClaimAction.APPROVE_PARTIALLY and amount_tiyn is not None:
            offers = spread(claim, amount_tiyn)
        _write_back(uow, claim, rules.act(to_case(claim), outcome, offers))
    now = uow.now()
    claim.last_answer = {
        "action": action,
        "comment": comment,
        "amount_tiyn": amount_tiyn,
        "by": actor.name,
        "at": now.isoformat(),
    }
    uow.session.flush()
    uow.outbox(
        ANSWER_TOPIC,
        f"claim.answer:{claim.id}:{now.timestamp()}",
        {
            "claim_id": claim.id,
            "number": claim.number,
            "merchant_id": claim.merchant_id,
            "marketplace": claim.marketplace.value,
            "account_id": claim.account_id,
            "external_id": claim.external_id,
            "action": action,
            "comment": comment,
            "amount_tiyn": amount_tiyn,
        },
    )
    audit_claim(
        uow, actor, claim, "answer", old, answer=action, comment=comment, amount=amount_tiyn
    )
    return claim


def spread(claim: Claim, amount: int) -> dict[int, int]:
    """Offers for an amount on the whole claim: line by line, in order, up to each line's claim."""
    offers: dict[int, int] = {}
    for line in claim.lines:
        if line.closed or amount <= 0:
            continue
        offers[line.id] = min(amount, line.claimed_tiyn)
        amount -= offers[line.id]
    return offers


def account_of(session: Session, account_id: int) -> MarketplaceAccount:
    """A marketplace account by id (NotFound when there is none)."""
    account = session.get(MarketplaceAccount, account_id)
    if account is None:
        raise NotFound("claim.not_found", claim=f"account {account_id}")
    return account
