"""What the return-order page, the unit page and the decisions queue show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from wms.db import queries
from wms.db.models import (
    AuditEvent,
    Bin,
    FloorException,
    Inspection,
    Merchant,
    Photo,
    Product,
    ReturnLine,
    ReturnOrder,
    StockLedgerEntry,
    Unit,
    Zone,
)
from wms.domain import grading
from wms.domain.errors import DomainError, NotFound
from wms.domain.grading import Decision
from wms.domain.units import UnitState
from wms.services.inspection import unit_rules
from wms.services.units import get_order, get_unit
from wms.services.uow import Actor


@dataclass
class OrderPage:
    """A return order with its lines, units, history and exceptions."""

    order: ReturnOrder
    merchant: Merchant | None
    lines: list[tuple[ReturnLine, str | None]]
    units: list[Any]
    history: list[AuditEvent]
    exceptions: list[FloorException]


def order_page(session: Session, actor: Actor, order_id: int) -> OrderPage:
    """Everything about one return order (NotFound outside the actor's merchant scope)."""
    order = get_order(session, order_id, actor, lock=False)
    if order.merchant_id is None and actor.merchant_id is not None:
        raise NotFound("order.not_found", order=str(order_id))
    merchant = session.get(Merchant, order.merchant_id) if order.merchant_id else None
    lines = session.execute(
        sa.select(ReturnLine, Product.sku)
        .outerjoin(Product, Product.id == ReturnLine.product_id)
        .where(ReturnLine.return_order_id == order.id)
        .order_by(ReturnLine.id)
    ).all()
    units = session.execute(
        sa.select(
            Unit.lpn,
            Product.sku,
            Product.title,
            Unit.state,
            Unit.grade,
            Unit.channel,
            Unit.value,
            Unit.received_at,
        )
        .join(Product, Product.id == Unit.product_id)
        .where(Unit.return_order_id == order.id)
        .order_by(Unit.id)
    ).all()
    history = list(
        session.execute(
            sa.select(AuditEvent)
            .where(AuditEvent.entity == "return_order", AuditEvent.entity_id == order.id)
            .order_by(AuditEvent.created_at, AuditEvent.id)
        ).scalars()
    )
    exceptions = list(
        session.execute(
            sa.select(FloorException)
            .where(FloorException.return_order_id == order.id)
            .order_by(FloorException.id)
        ).scalars()
    )
    return OrderPage(
        order, merchant, [(ln, sku) for ln, sku in lines], list(units), history, exceptions
    )


@dataclass
class UnitPage:
    """A unit with its product, order, place, checklist, photos, history and stock rows."""

    unit: Unit
    product: Product
    order: ReturnOrder
    merchant: Merchant
    bin: str | None
    zone: str | None
    inspections: list[Inspection]
    photos: list[Photo]
    history: list[AuditEvent]
    ledger: list[tuple[StockLedgerEntry, str | None]]
    decisions: list[Decision]


def unit_page(session: Session, actor: Actor, lpn: str) -> UnitPage:
    """Everything about one unit (NotFound outside the actor's merchant scope)."""
    unit = get_unit(session, lpn, actor, lock=False)
    product = session.get(Product, unit.product_id)
    order = session.get(ReturnOrder, unit.return_order_id)
    merchant = session.get(Merchant, unit.merchant_id)
    assert product is not None
    assert order is not None
    assert merchant is not None
    place = None
    if unit.bin_id is not None:
        place = session.execute(
            sa.select(Bin.code, Zone.kind)
            .join(Zone, Zone.id == Bin.zone_id)
            .where(Bin.id == unit.bin_id)
        ).one_or_none()
    ledger = session.execute(
        sa.select(StockLedgerEntry, Bin.code)
        .outerjoin(Bin, Bin.id == StockLedgerEntry.bin_id)
        .where(StockLedgerEntry.unit_id == unit.id)
        .order_by(StockLedgerEntry.id)
    ).all()
    return UnitPage(
        unit=unit,
        product=product,
        order=order,
        merchant=merchant,
        bin=place[0] if place else None,
        zone=place[1].value if place else None,
        inspections=queries.unit_inspections(session, unit.id),
        photos=queries.unit_photos(session, unit.id),
        history=queries.unit_history(session, unit.id),
        ledger=[(entry, code) for entry, code in ledger],
        decisions=allowed_decisions(session, unit),
    )


def allowed_decisions(session: Session, unit: Unit) -> list[Decision]:
    """Decisions the merchant's rules allow for a unit awaiting decision (else none)."""
    if unit.state is not UnitState.AWAITING_DECISION:
        return []
    rules = unit_rules(session, unit)
    allowed = []
    for decision in Decision:
        try:
            grading.check_decision(decision, rules)
        except DomainError:
            continue
        allowed.append(decision)
    return allowed


def photo_for(session: Session, actor: Actor, photo_id: int) -> Photo:
    """A photo the actor may see (NotFound otherwise)."""
    photo = session.get(Photo, photo_id)
    if photo is None or not actor.may_access(photo.merchant_id):
        raise NotFound("photo.not_found", photo=str(photo_id))
    return photo


@dataclass(frozen=True)
class WaitingDecision:
    """A unit awaiting a decision, with its merchant's default policy."""

    lpn: str
    sku: str
    title: str
    merchant: str
    default_decision: str | None
    reason: str
    checks: list[str]
    value: Any
    since: datetime
    due: datetime | None
    photos: int


def waiting_decisions(
    session: Session, merchant_id: int | None, state: UnitState, limit: int = 100
) -> list[WaitingDecision]:
    """Units awaiting decision (or claimed), the soonest due first."""
    photos = sa.select(sa.func.count()).where(Photo.unit_id == Unit.id).scalar_subquery()
    stmt = (
        sa.select(
            Unit.lpn,
            Product.sku,
            Product.title,
            Merchant.code,
            Merchant.default_decision,
            ReturnOrder.reason,
            Unit.checks,
            Unit.value,
            Unit.state_since,
            Unit.decision_due_at,
            photos,
        )
        .join(Product, Product.id == Unit.product_id)
        .join(Merchant, Merchant.id == Unit.merchant_id)
        .join(ReturnOrder, ReturnOrder.id == Unit.return_order_id)
        .where(Unit.state == state)
        .order_by(Unit.decision_due_at.is_(None), Unit.decision_due_at, Unit.state_since)
        .limit(limit)
    )
    if merchant_id is not None:
        stmt = stmt.where(Unit.merchant_id == merchant_id)
    rows = session.execute(stmt).all()
    return [
        WaitingDecision(
            lpn,
            sku,
            title,
            code,
            default,
            reason.value,
            list(checks or []),
            value,
            since,
            due,
            int(count),
        )
        for (lpn, sku, title, code, default, reason, checks, value, since, due, count) in rows
    ]


def waiting_count(session: Session, merchant_id: int | None, state: UnitState) -> int:
    """How many units wait in a state."""
    stmt = sa.select(sa.func.count()).where(Unit.state == state)
    if merchant_id is not None:
        stmt = stmt.where(Unit.merchant_id == merchant_id)
    return int(session.execute(stmt).scalar_one())
