"""Marketplace claims ↔ claim cases: record an imported claim, link it to its return when the
goods arrive, and follow Ozon's compensation of returns (`/v1/returns/list` visual statuses).

The claim case itself (states, lines, amounts, timeline) belongs to the claim core
(`wms.services.claims`, `wms.services.claims_intake`); this module only translates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy.orm import Session

from wms.adapters.marketplaces.base import MarketplaceError
from wms.adapters.marketplaces.ozon_claims import OzonClaims, ReturnStatus
from wms.db.models import Claim, MarketplaceAccount, Offer, Product, ReturnOrder
from wms.db.session import Database
from wms.domain.claim_exchange import ClaimVerdict, ExternalClaim
from wms.domain.claims import ClaimAction, ClaimState
from wms.domain.errors import DomainError
from wms.domain.returns import Marketplace
from wms.services import claims as claim_service
from wms.services.accounts_marketplace import claim_channel_for, enabled
from wms.services.claims_import import Recorded, bucket_for
from wms.services.claims_intake import ImportedClaim, ImportedLine, import_marketplace_claim
from wms.services.crypto import SecretBox
from wms.services.marketplace_writes import link_return
from wms.services.uow import SYSTEM, UnitOfWork, execute
from wms.settings import Settings

TENGE = frozenset({"398", "KZT", ""})  # ISO 4217 numeric and letter codes of the tenge
OUTCOMES = {ClaimVerdict.APPROVED: ClaimAction.APPROVE, ClaimVerdict.REJECTED: ClaimAction.REJECT}
OPEN_STATES = frozenset(
    {
        ClaimState.SUBMITTED,
        ClaimState.UNDER_REVIEW,
        ClaimState.APPROVED,
        ClaimState.PARTIALLY_APPROVED,
        ClaimState.ESCALATED,
    }
)


def record_claims(
    uow: UnitOfWork, account: MarketplaceAccount, claims: Sequence[ExternalClaim]
) -> Recorded:
    """Create or update the claim cases of a page of claims, each in a savepoint."""
    session = uow.session
    done = Recorded()
    skus = _skus(session, account, {c.sku for c in claims})
    orders = _orders(session, account, claims)
    known = _known(session, account, claims)
    for claim in claims:
        order = orders.get(claim.external_id) or orders.get(claim.order_code)
        if _unchanged(known.get(claim.external_id), claim, order):
            done.updated += 1  # re-read every 15 minutes: most claims did not move
            continue
        try:
            with session.begin_nested():
                data = imported(claim, skus.get(claim.sku, claim.sku))
                case, created = import_marketplace_claim(uow, SYSTEM, account, data)
                if order is not None and case.return_order_id is None:
                    link_return(uow, case, order)
        except DomainError as exc:
            done.errors.append(f"{claim.external_id}: {exc}")
            continue
        done.created += created
        done.updated += not created
    return done


def _known(
    session: Session, account: MarketplaceAccount, claims: Sequence[ExternalClaim]
) -> dict[str, tuple[Any, ...]]:
    """What the claim cases of these claims already hold, one query per page."""
    rows = session.execute(
        sa.select(
            Claim.external_id,
            Claim.external_status,
            Claim.external_actions,
            Claim.media,
            Claim.state,
            Claim.return_order_id,
        ).where(
            Claim.account_id == account.id,
            Claim.external_id.in_([c.external_id for c in claims]),
        )
    ).all()
    return {row[0]: tuple(row[1:]) for row in rows}


def _unchanged(
    known: tuple[Any, ...] | None, claim: ExternalClaim, order: ReturnOrder | None
) -> bool:
    """Whether recording the claim again would change nothing."""
    if known is None:
        return False
    status, actions, media, state, linked = known
    data = imported(claim, claim.sku)
    outcome = data.outcome
    return (
        status == data.external_status
        and list(actions or []) == data.actions
        and list(media or []) == data.media
        and (outcome is None or (state, outcome) not in _transitions())
        and (order is None or linked is not None)
    )


def _skus(session: Session, account: MarketplaceAccount, names: set[str]) -> dict[str, str]:
    """Marketplace article → our SKU through the account's offers, one query per page."""
    found: dict[str, str] = {}
    rows = session.execute(
        sa.select(Offer.marketplace_sku, Offer.marketplace_item_id, Product.sku)
        .join(Product, Product.id == Offer.product_id)
        .where(
            Offer.account_id == account.id,
            sa.or_(Offer.marketplace_sku.in_(names), Offer.marketplace_item_id.in_(names)),
        )
        .order_by(Offer.channel.desc())  # the first channel wins, as in the returns import
    ).all()
    for marketplace_sku, item_id, sku in rows:
        for name in (marketplace_sku, item_id):
            if name in names:
                found[name] = sku
    return found


def _orders(
    session: Session, account: MarketplaceAccount, claims: Sequence[ExternalClaim]
) -> dict[str, ReturnOrder]:
    """The returns the claims' goods came back in (by claim id or order code), one query."""
    names = {c.external_id for c in claims} | {c.order_code for c in claims if c.order_code}
    found: dict[str, ReturnOrder] = {}
    for order in session.execute(
        sa.select(ReturnOrder)
        .where(
            ReturnOrder.merchant_id == account.merchant_id,
            ReturnOrder.marketplace == account.marketplace,
            sa.or_(ReturnOrder.external_id.in_(names), ReturnOrder.order_code.in_(names)),
        )
        .order_by(ReturnOrder.id.desc())
    ).scalars():
        for name in (order.external_id, order.order_code):
            if name:
                found[name] = order
    return found


def imported(claim: ExternalClaim, sku: str) -> ImportedClaim:
    """What the claim core needs to know of a marketplace claim."""
    return ImportedClaim(
        external_id=claim.external_id,
        external_status=claim.status[:60],
        actions=[a.code for a in claim.actions] if claim.answerable else [],
        lines=[ImportedLine(sku=sku, claimed_tiyn=claimed_tiyn(claim))],
        media=[*claim.photos, *claim.videos],
        order_code=claim.order_code or None,
        description=claim.buyer_comment,
        outcome=OUTCOMES.get(claim.verdict),
        raw=_raw(claim),
    )


def claimed_tiyn(claim: ExternalClaim) -> int:
    """The claim's worth in tiyn: the price paid when it is in tenge (else 0, price kept raw)."""
    if claim.price is None or claim.currency.upper() not in TENGE:
        return 0
    return int((claim.price * 100).to_integral_value())


def _raw(claim: ExternalClaim) -> dict[str, Any]:
    return {
        "marketplace_comment": claim.marketplace_comment,
        "product_name": claim.product_name,
        "price": None if claim.price is None else format(claim.price, "f"),
        "currency": claim.currency,
        "order_code": claim.order_code,
        "verdict": claim.verdict.value,
        "archived": claim.archived,
        "goods_to_seller": claim.goods_to_seller,
        "photos": list(claim.photos),
        "videos": list(claim.videos),
        "actions": [{"code": a.code, "name": a.name} for a in claim.actions],
        "rejection_reasons": [
            {"id": r.id, "name": r.name, "comment_required": r.comment_required}
            for r in claim.rejection_reasons
        ],
        "created_at": claim.created_at.isoformat() if claim.created_at else None,
        **dict(claim.extra),
    }


@dataclass
class CompensationReport:
    """What following Ozon's compensation did for one account."""

    account: str
    checked: int = 0
    settled: int = 0
    errors: list[str] = field(default_factory=list)


def track_ozon_compensation(
    db: Database, settings: Settings, box: SecretBox, *, client: httpx.Client | None = None
) -> list[CompensationReport]:
    """Settle open Ozon claim cases whose return `/v1/returns/list` shows as compensated."""
    reports = []
    with db.reading() as session:
        accounts = list(
            session.execute(
                sa.select(MarketplaceAccount).where(
                    MarketplaceAccount.active, MarketplaceAccount.marketplace == Marketplace.OZON
                )
            ).scalars()
        )
        postings = {a.id: _open_postings(session, a.id) for a in accounts}
    for account in accounts:
        report = CompensationReport(account.name)
        reports.append(report)
        if not postings[account.id] or not enabled(settings, account.marketplace):
            continue
        channel = claim_channel_for(
            account, settings, box, throttle=bucket_for(account, settings), client=client
        )
        assert isinstance(channel, OzonClaims)
        try:
            statuses = channel.return_statuses(sorted(postings[account.id]))
        except MarketplaceError as exc:
            report.errors.append(f"{exc.code}: {exc.message}")
            continue
        finally:
            channel.close()
        report.checked = len(statuses)
        for status in statuses:
            if status.compensated:
                claim_id = postings[account.id].get(status.posting_number)
                if claim_id is not None:
                    report.settled += execute(db, settle_compensated, claim_id, status)
    return reports


def _open_postings(session: Session, account_id: int) -> dict[str, int]:
    """posting number → claim id, for the account's open claim cases."""
    rows = session.execute(
        sa.select(Claim.id, Claim.external_data, ReturnOrder.order_code)
        .outerjoin(ReturnOrder, ReturnOrder.id == Claim.return_order_id)
        .where(Claim.account_id == account_id, Claim.state.in_(OPEN_STATES))
    ).all()
    found: dict[str, int] = {}
    for claim_id, data, order_code in rows:
        posting = order_code or (data or {}).get("order_code")
        if posting:
            found[str(posting)] = claim_id
    return found


def settle_compensated(uow: UnitOfWork, claim_id: int, status: ReturnStatus) -> bool:
    """Record Ozon's compensation on a claim case and settle it; False when nothing to do."""
    claim = claim_service.get_claim(uow.session, claim_id, SYSTEM)
    if claim.state not in OPEN_STATES:
        return False
    if claim.state in (ClaimState.SUBMITTED, ClaimState.UNDER_REVIEW, ClaimState.ESCALATED):
        claim_service.act(uow, SYSTEM, claim, ClaimAction.APPROVE, note=status.visual_status)
    paid = _tiyn(status.price)
    for line in claim.lines:
        if line.closed:
            continue
        owed = line.claimed_tiyn - line.recovered_tiyn
        amount = min(owed, paid) if paid is not None else owed
        if amount > 0:
            claim_service.record_recovery(uow, SYSTEM, claim, line.id, amount)
            if paid is not None:
                paid -= amount
    if (claim.state, ClaimAction.SETTLE) in _transitions():
        claim_service.act(uow, SYSTEM, claim, ClaimAction.SETTLE, note=status.visual_status)
    return True


def _tiyn(amount: Decimal | None) -> int | None:
    return None if amount is None else int((amount * 100).to_integral_value())


def _transitions() -> Any:
    from wms.domain.claims import CLAIM_TRANSITIONS

    return CLAIM_TRANSITIONS
