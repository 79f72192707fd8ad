"""Writes the WMS owes the marketplaces, queued in the outbox and sent by the sync worker.

- `kaspi.arrived_backward`: a Kaspi return was received at the warehouse → the order's status
  becomes `ARRIVED_BACKWARD` (allowed from `CANCELLING` and `KASPI_DELIVERY_RETURN_REQUESTED`;
  the worker reads Kaspi's status when Kaspi refuses, so an order in another status is skipped,
  not retried).
- `claim.answer`: our answer to a WB claim or an Ozon rFBS return request (payload: a
  `ClaimAnswer` plus the account id).

Each row is keyed by what it changes, so queuing twice inside one pending window adds nothing.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from wms.db.models import Claim, MarketplaceAccount, OutboxMessage, OutboxStatus, ReturnOrder
from wms.domain.claim_exchange import ClaimAnswer
from wms.domain.errors import InvalidInput
from wms.domain.returns import Marketplace
from wms.services import claims as claim_service
from wms.services.sync.outbox import WRITE_TOPICS
from wms.services.uow import SYSTEM, UnitOfWork

KASPI_ARRIVED, CLAIM_ANSWER = WRITE_TOPICS
TOPICS = WRITE_TOPICS


def kaspi_arrival_key(order: ReturnOrder) -> str:
    """The outbox key of a Kaspi order's ARRIVED_BACKWARD write."""
    return f"kaspi.arrived:{order.external_id}"


def claim_answer_key(answer: ClaimAnswer) -> str:
    """The outbox key of an answer: one per claim."""
    return f"claim.answer:{answer.marketplace.value}:{answer.external_id}"


def queue_kaspi_arrival(uow: UnitOfWork, order: ReturnOrder) -> bool:
    """Queue ARRIVED_BACKWARD for a received Kaspi return; False when nothing is owed.

    Only orders imported from Kaspi (an external id) are written back; an order typed in by
    hand at the station has no Kaspi order behind it.
    """
    if order.marketplace is not Marketplace.KASPI or not order.external_id:
        return False
    key = kaspi_arrival_key(order)
    if _already_queued(uow, key):
        return False
    uow.outbox(
        KASPI_ARRIVED,
        key,
        {
            "merchant_id": order.merchant_id,
            "return_order": order.number,
            "order_id": order.external_id,
            "code": order.order_code or "",
            "ordered_at": order.ordered_at.isoformat() if order.ordered_at else None,
        },
    )
    return True


def queue_claim_answer(
    uow: UnitOfWork,
    account: MarketplaceAccount,
    answer: ClaimAnswer,
    claim_case_id: int | None = None,
) -> bool:
    """Queue an answer (already checked with `check_answer`); False when one is pending."""
    if account.marketplace is not answer.marketplace:
        raise InvalidInput("claim_exchange.wrong_claim", claim=answer.external_id)
    key = claim_answer_key(answer)
    if _already_queued(uow, key):
        return False
    payload: dict[str, Any] = {"account_id": account.id, "claim_id": claim_case_id}
    payload.update(answer.as_payload())
    uow.outbox(CLAIM_ANSWER, key, payload)
    return True


def _already_queued(uow: UnitOfWork, key: str) -> bool:
    """A row of this key is waiting or was delivered (a write-back happens once)."""
    found = uow.session.execute(
        sa.select(OutboxMessage.id)
        .where(
            OutboxMessage.key == key,
            OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.DONE]),
        )
        .limit(1)
    ).first()
    return found is not None


def link_return(
    uow: UnitOfWork, claim: Claim, order: ReturnOrder | None = None
) -> ReturnOrder | None:
    """Link a claim case to the return its goods came back in (WB: the claim id or srid)."""
    if claim.return_order_id is not None or claim.marketplace is None or not claim.external_id:
        return None
    if order is not None:
        return _link(uow, claim, order)
    names = [claim.external_id]
    order_code = (claim.external_data or {}).get("order_code")
    if order_code:
        names.append(str(order_code))
    order = uow.session.execute(
        sa.select(ReturnOrder)
        .where(
            ReturnOrder.merchant_id == claim.merchant_id,
            ReturnOrder.marketplace == claim.marketplace,
            sa.or_(ReturnOrder.external_id.in_(names), ReturnOrder.order_code.in_(names)),
        )
        .order_by(ReturnOrder.id)
        .limit(1)
    ).scalar_one_or_none()
    return None if order is None else _link(uow, claim, order)


def _link(uow: UnitOfWork, claim: Claim, order: ReturnOrder) -> ReturnOrder:
    claim.return_order_id = order.id
    claim_service.audit_claim(
        uow, SYSTEM, claim, "return_linked", claim.state, return_order=order.number
    )
    return order


def link_claims_of(uow: UnitOfWork, order: ReturnOrder) -> int:
    """When a return arrives: link the claim cases it answers (WB approve2); how many."""
    if not order.external_id:
        return 0
    claims = uow.session.execute(
        sa.select(Claim).where(
            Claim.merchant_id == order.merchant_id,
            Claim.marketplace == order.marketplace,
            Claim.return_order_id.is_(None),
            Claim.external_id == order.external_id,
        )
    ).scalars()
    return sum(link_return(uow, claim) is not None for claim in list(claims))


def record_delivered(uow: UnitOfWork, delivered: dict[int, str]) -> int:
    """Note on each claim case that the marketplace has its answer (timeline + last answer)."""
    count = 0
    claims = uow.session.execute(sa.select(Claim).where(Claim.id.in_(list(delivered)))).scalars()
    for claim in claims:
        outcome = delivered[claim.id]
        claim.last_answer = {**(claim.last_answer or {}), "delivered_at": uow.now().isoformat()}
        claim.last_answer["delivery"] = outcome
        claim_service.audit_claim(
            uow, SYSTEM, claim, "answer_delivered", claim.state, outcome=outcome
        )
        count += 1
    return count
