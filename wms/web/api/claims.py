"""Claim cases for integrations and the portal: list, read, open, act, answer, lines."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

import sqlalchemy as sa
from pydantic import BaseModel, Field

from wms.db.base import utcnow
from wms.db.models import Merchant, UserRole
from wms.domain.claims import ClaimAction, ClaimReason, ClaimState, Counterparty, LineAction, Remedy
from wms.domain.errors import InvalidInput, NotFound
from wms.services import claims as claim_service
from wms.services.claims import LineSpec, to_tiyn
from wms.services.claims_views import ClaimFilter, detail, queue
from wms.services.units import get_unit
from wms.services.uow import UnitOfWork
from wms.web.api import bp
from wms.web.api.routing import endpoint
from wms.web.api.schemas import Strict
from wms.web.auth import INTEGRATION, STAFF_ROLES, USER, Access, Principal
from wms.web.context import run, wms

READERS = Access(frozenset({INTEGRATION, USER}))
OPENERS = Access(frozenset({INTEGRATION, USER}), user_roles=STAFF_ROLES | {UserRole.MERCHANT})
STAFF = Access(frozenset({INTEGRATION, USER}), user_roles=STAFF_ROLES)
Amount = Decimal  # tenge, at most 2 decimals


class ClaimQuery(Strict):
    """Which claims to list."""

    marketplace: Literal["kaspi", "wildberries", "ozon", "carrier"] | None = None
    state: Literal[tuple(s.value for s in ClaimState)] | None = None  # type: ignore[valid-type]
    merchant: str | None = Field(default=None, max_length=40)
    overdue: bool = False
    limit: int = Field(default=100, ge=1, le=1000)


class ClaimRow(BaseModel):
    """A claim in a list (amounts in tenge as text, e.g. `1250.50`)."""

    id: int
    number: str
    marketplace: str | None
    counterparty: str
    state: str
    reason: str
    origin: str
    merchant: str
    return_number: str | None
    external_id: str | None
    claimed: str
    offered: str
    recovered: str
    due_at: datetime | None
    overdue: bool
    created_at: datetime


class ClaimList(BaseModel):
    """Claims, the soonest due first."""

    items: list[ClaimRow]


class ClaimDetail(ClaimRow):
    """One claim: lines, evidence, timeline, allowed actions."""

    description: str | None
    external_status: str | None
    external_actions: list[str]
    media: list[str]
    pack_sha256: str | None
    lines: list[dict[str, Any]]
    actions: list[str]
    line_actions: list[str]
    evidence: dict[str, Any]
    timeline: list[dict[str, Any]]


class ClaimLineIn(Strict):
    """A unit (by LPN) to claim for, with the amount (default: the unit's value)."""

    lpn: str = Field(min_length=4, max_length=20)
    amount: Amount | None = Field(default=None, ge=0, decimal_places=2)
    remedy: Remedy = Remedy.REFUND


class ClaimIn(Strict):
    """Open a claim case by hand (a draft to submit)."""

    reason: ClaimReason
    counterparty: Counterparty = Counterparty.MARKETPLACE
    lines: list[ClaimLineIn] = Field(min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=2000)


class ActionIn(Strict):
    """A life-cycle action; `amount` spreads a partial approval over the open lines."""

    action: ClaimAction
    amount: Amount | None = Field(default=None, ge=0, decimal_places=2)
    note: str | None = Field(default=None, max_length=1000)


class AnswerIn(Strict):
    """An answer to a marketplace claim with one of its own actions."""

    action: str = Field(min_length=1, max_length=40)
    comment: str | None = Field(default=None, max_length=2000)
    amount: Amount | None = Field(default=None, ge=0, decimal_places=2)


class ClaimLineOpIn(Strict):
    """Split a line (qty), record money received (amount) or close it."""

    op: LineAction
    qty: int | None = Field(default=None, ge=1, le=100_000)
    amount: Amount | None = Field(default=None, gt=0, decimal_places=2)


def _detail(principal: Principal, claim_id: int) -> ClaimDetail:
    with wms().db.reading() as db:
        claim = claim_service.get_claim(db, claim_id, principal.actor, lock=False)
        return ClaimDetail(**detail(db, claim, utcnow()))


@endpoint(
    bp,
    "/claims",
    "GET",
    access=READERS,
    query=ClaimQuery,
    response=ClaimList,
    summary="List claim cases (merchant-scoped), the soonest due first",
    tag="claims",
)
def list_claims(principal: Principal, query: ClaimQuery) -> ClaimList:
    """Claims the caller may see, filtered."""
    with wms().db.reading() as db:
        merchant_id = None
        if query.merchant:
            merchant_id = db.execute(
                sa.select(Merchant.id).where(Merchant.code == query.merchant)
            ).scalar()
            if merchant_id is None:
                raise NotFound("merchant.not_found", merchant=query.merchant)
        flt = ClaimFilter(
            marketplace=query.marketplace,
            state=query.state,
            merchant_id=merchant_id,
            overdue=query.overdue,
            limit=query.limit,
        )
        rows = queue(db, principal.actor, flt, utcnow())
    return ClaimList(items=[ClaimRow(**row) for row in rows])


@endpoint(
    bp,
    "/claims/<int:claim_id>",
    "GET",
    access=READERS,
    response=ClaimDetail,
    summary="One claim case with lines, evidence and timeline",
    tag="claims",
)
def get_claim(principal: Principal, claim_id: int) -> ClaimDetail:
    """A claim the caller may see."""
    return _detail(principal, claim_id)


@endpoint(
    bp,
    "/claims",
    "POST",
    access=OPENERS,
    body=ClaimIn,
    response=ClaimDetail,
    status=201,
    summary="Open a claim case for units (a draft); units must be one merchant's",
    tag="claims",
)
def open_claim(principal: Principal, body: ClaimIn) -> ClaimDetail:
    """Open a draft claim for the listed units."""
    actor = principal.actor

    def op(uow: UnitOfWork) -> int:
        units = [get_unit(uow.session, line.lpn.upper(), actor) for line in body.lines]
        merchant = units[0].merchant
        specs = [
            LineSpec(
                claimed_tiyn=to_tiyn(line.amount if line.amount is not None else unit.value),
                remedy=line.remedy,
                unit=unit,
                product=unit.product,
            )
            for line, unit in zip(body.lines, units, strict=True)
        ]
        claim = claim_service.open_claim(
            uow,
            actor,
            merchant,
            specs,
            reason=body.reason,
            counterparty=body.counterparty,
            order=units[0].order,
            description=body.description,
        )
        return claim.id

    return _detail(principal, run(op))


@endpoint(
    bp,
    "/claims/<int:claim_id>/actions",
    "POST",
    access=STAFF,
    body=ActionIn,
    response=ClaimDetail,
    summary="Move a claim case through its life cycle",
    tag="claims",
)
def act(principal: Principal, claim_id: int, body: ActionIn) -> ClaimDetail:
    """Submit, review, approve (partially), reject, escalate, settle, close, reopen, cancel."""
    actor = principal.actor

    def op(uow: UnitOfWork) -> None:
        claim = claim_service.get_claim(uow.session, claim_id, actor)
        offers = None
        if body.action is ClaimAction.APPROVE_PARTIALLY:
            if body.amount is None:
                raise InvalidInput("claim.amount_invalid", amount="—")
            offers = claim_service.spread(claim, to_tiyn(body.amount))
        claim_service.act(uow, actor, claim, body.action, offers=offers, note=body.note)

    run(op)
    return _detail(principal, claim_id)


@endpoint(
    bp,
    "/claims/<int:claim_id>/answer",
    "POST",
    access=OPENERS,
    body=AnswerIn,
    response=ClaimDetail,
    summary="Answer a marketplace claim with one of its actions (sent through the outbox)",
    tag="claims",
)
def answer(principal: Principal, claim_id: int, body: AnswerIn) -> ClaimDetail:
    """Record the answer; the worker sends it to the marketplace."""
    actor = principal.actor

    def op(uow: UnitOfWork) -> None:
        claim = claim_service.get_claim(uow.session, claim_id, actor)
        amount = to_tiyn(body.amount) if body.amount is not None else None
        claim_service.answer(
            uow, actor, claim, body.action, comment=body.comment, amount_tiyn=amount
        )

    run(op)
    return _detail(principal, claim_id)


@endpoint(
    bp,
    "/claims/<int:claim_id>/lines/<int:line_id>",
    "POST",
    access=STAFF,
    body=ClaimLineOpIn,
    response=ClaimDetail,
    summary="Split a claim line, record money received for it, or close it",
    tag="claims",
)
def line_op(principal: Principal, claim_id: int, line_id: int, body: ClaimLineOpIn) -> ClaimDetail:
    """Line operations (partial closure, 2 compensated + 1 rejected …)."""
    actor = principal.actor

    def op(uow: UnitOfWork) -> None:
        claim = claim_service.get_claim(uow.session, claim_id, actor)
        if body.op is LineAction.SPLIT:
            claim_service.split_line(uow, actor, claim, line_id, body.qty or 0)
        elif body.op is LineAction.RECORD_RECOVERY:
            amount = to_tiyn(body.amount) if body.amount is not None else 0
            claim_service.record_recovery(uow, actor, claim, line_id, amount)
        else:
            claim_service.close_line(uow, actor, claim, line_id)

    run(op)
    return _detail(principal, claim_id)
