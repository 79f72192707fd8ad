"""Where claim cases come from: inspection, shortages at receipt, marketplace imports."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from wms.db.models import (
    Claim,
    MarketplaceAccount,
    Merchant,
    Product,
    ReturnLine,
    ReturnOrder,
    Unit,
)
from wms.domain import claims as rules
from wms.domain.claims import ClaimAction, ClaimOrigin, ClaimReason, Counterparty, Remedy
from wms.domain.returns import Marketplace
from wms.services import claims as claim_service
from wms.services.claims import LineSpec, to_tiyn
from wms.services.uow import Actor, UnitOfWork

PROPOSED_TOPIC = "merchant.claim_proposed"


def propose_from_inspection(uow: UnitOfWork, actor: Actor, unit: Unit) -> Claim | None:
    """Open a draft claim when the checklist proves one (swap, foreign code, damage, parts)."""
    order = unit.order
    reasons = rules.claim_reasons(unit.checks or [], order.reason.value, order.return_type.value)
    if not reasons or claim_service.unit_in_open_claim(uow.session, unit.id):
        return None
    value = unit.value or unit.product.price
    claim = claim_service.open_claim(
        uow,
        actor,
        unit.merchant,
        [
            LineSpec(
                claimed_tiyn=to_tiyn(value),
                remedy=Remedy.COMPENSATION_NO_RETURN,
                unit=unit,
                product=unit.product,
            )
        ],
        reason=reasons[0],
        origin=ClaimOrigin.INSPECTION,
        order=order,
        description=", ".join(r.value for r in reasons),
    )
    _notify_proposed(uow, claim)
    return claim


def propose_from_shortage(
    uow: UnitOfWork, actor: Actor, order: ReturnOrder, short: Sequence[tuple[ReturnLine, int]]
) -> Claim | None:
    """Open a draft claim for announced items that never arrived (lines and missing qty)."""
    if not short or order.merchant_id is None or not order.announced:
        return None
    merchant = uow.session.get(Merchant, order.merchant_id)
    assert merchant is not None
    specs = []
    for line, qty in short:
        product = uow.session.get(Product, line.product_id) if line.product_id else None
        price = line.price or (product.price if product is not None else 0)
        specs.append(
            LineSpec(
                claimed_tiyn=to_tiyn(price) * qty,
                qty=qty,
                remedy=Remedy.REFUND,
                product=product,
                sku=line.marketplace_sku,
            )
        )
    claim = claim_service.open_claim(
        uow,
        actor,
        merchant,
        specs,
        reason=ClaimReason.NOT_DELIVERED,
        origin=ClaimOrigin.RECEIPT_SHORTAGE,
        order=order,
    )
    _notify_proposed(uow, claim)
    return claim


def _notify_proposed(uow: UnitOfWork, claim: Claim) -> None:
    uow.outbox(
        PROPOSED_TOPIC,
        f"webhook:claim_proposed:{claim.id}",
        {
            "merchant_id": claim.merchant_id,
            "claim": claim.number,
            "reason": claim.reason.value,
            "claimed_tiyn": claim.claimed_tiyn,
            "due_at": claim.due_at.isoformat() if claim.due_at else None,
        },
    )


@dataclass(frozen=True)
class ImportedLine:
    """What a marketplace claim is about: a SKU (nm_id, offer_id …), a quantity and its price."""

    sku: str
    claimed_tiyn: int
    qty: int = 1


@dataclass(frozen=True)
class ImportedClaim:
    """A buyer claim or return request as a marketplace adapter reads it."""

    external_id: str
    external_status: str
    actions: list[str]
    lines: list[ImportedLine]
    answer_due_at: datetime | None = None
    media: list[str] = field(default_factory=list)
    order_code: str | None = None
    description: str | None = None
    #: Set when the marketplace already decided (answered elsewhere, expired …).
    outcome: ClaimAction | None = None
    raw: dict[str, Any] = field(default_factory=dict)


def import_marketplace_claim(
    uow: UnitOfWork, actor: Actor, account: MarketplaceAccount, data: ImportedClaim
) -> tuple[Claim, bool]:
    """Create or update the claim case of a marketplace claim (idempotent on its id).

    A new case is a buyer's claim under review (opened → submitted → review in its timeline);
    an existing one gets the marketplace's status, actions, media and deadline, and moves by
    `data.outcome` when its state allows. Returns the claim and whether it was created.
    """
    session = uow.session
    existing = session.execute(
        claim_service.claim_query(True).where(
            Claim.marketplace == account.marketplace,
            Claim.account_id == account.id,
            Claim.external_id == data.external_id,
        )
    ).scalar_one_or_none()
    created = existing is None
    if existing is None:
        merchant = session.get(Merchant, account.merchant_id)
        assert merchant is not None
        claim = claim_service.open_claim(
            uow,
            actor,
            merchant,
            [_imported_spec(session, account, line) for line in data.lines],
            reason=ClaimReason.BUYER_CLAIM,
            counterparty=Counterparty.BUYER,
            marketplace=account.marketplace,
            origin=ClaimOrigin.IMPORTED,
            order=_order_of(session, account, data.order_code),
            description=data.description,
        )
        claim.account_id = account.id
        claim.external_id = data.external_id
        claim.due_at = None
        for action in (ClaimAction.SUBMIT, ClaimAction.REVIEW):
            claim_service.act(uow, actor, claim, action)
    else:
        claim = existing
    changed = (
        claim.external_status != data.external_status
        or list(claim.external_actions or []) != list(data.actions)
        or list(claim.media or []) != list(data.media)
        or claim.answer_due_at != data.answer_due_at
    )
    claim.external_status = data.external_status
    claim.external_actions = list(data.actions)
    claim.media = list(data.media)
    claim.answer_due_at = data.answer_due_at
    claim.external_data = data.raw
    if changed and not created:
        claim_service.audit_claim(
            uow, actor, claim, "external_update", claim.state, status=data.external_status
        )
    if data.outcome is not None and (claim.state, data.outcome) in rules.CLAIM_TRANSITIONS:
        claim_service.act(uow, actor, claim, data.outcome, note=data.external_status)
    session.flush()
    return claim, created


def _imported_spec(session: Any, account: MarketplaceAccount, line: ImportedLine) -> LineSpec:
    product = session.execute(
        sa.select(Product).where(
            Product.merchant_id == account.merchant_id, Product.sku == line.sku
        )
    ).scalar_one_or_none()
    return LineSpec(
        claimed_tiyn=line.claimed_tiyn,
        qty=line.qty,
        remedy=Remedy.REFUND,
        product=product,
        sku=line.sku,
    )


def _order_of(
    session: Any, account: MarketplaceAccount, order_code: str | None
) -> ReturnOrder | None:
    if not order_code:
        return None
    order: ReturnOrder | None = session.execute(
        sa.select(ReturnOrder)
        .where(
            ReturnOrder.merchant_id == account.merchant_id,
            ReturnOrder.marketplace == Marketplace(account.marketplace),
            ReturnOrder.order_code == order_code,
        )
        .limit(1)
    ).scalar_one_or_none()
    return order
