"""Read side: named queries behind the API and the dashboard (no writes)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from wms.db.models import (
    AuditEvent,
    Bin,
    Inspection,
    Merchant,
    Photo,
    Product,
    ReturnLine,
    ReturnOrder,
    StockLevel,
    StockTotal,
    Unit,
    Zone,
)
from wms.domain import stock as stock_rules
from wms.domain.errors import NotFound


def merchant_id_by_code(session: Session, code: str) -> int:
    """The id of the merchant with this code."""
    found = session.execute(
        sa.select(Merchant.id).where(Merchant.code == code)
    ).scalar_one_or_none()
    if found is None:
        raise NotFound("merchant.not_found", merchant=code)
    return int(found)


def list_returns(
    session: Session,
    *,
    merchant_scope: int | None,
    merchant_id: int | None = None,
    state: str | None = None,
    q: str | None = None,
    limit: int = 50,
    cursor: int | None = None,
) -> tuple[list[tuple[ReturnOrder, str | None]], int | None]:
    """Return orders newest first, with keyset paging by id; returns the rows and next cursor."""
    stmt = sa.select(ReturnOrder, Merchant.code).outerjoin(
        Merchant, Merchant.id == ReturnOrder.merchant_id
    )
    if merchant_scope is not None:
        stmt = stmt.where(ReturnOrder.merchant_id == merchant_scope)
    if merchant_id is not None:
        stmt = stmt.where(ReturnOrder.merchant_id == merchant_id)
    if state:
        stmt = stmt.where(ReturnOrder.state == state)
    if q:
        by_unit = sa.select(Unit.return_order_id).where(Unit.lpn == q.upper())
        stmt = stmt.where(
            sa.or_(
                ReturnOrder.order_code == q,
                ReturnOrder.number == q.upper(),
                ReturnOrder.id.in_(by_unit),
            )
        )
    if cursor is not None:
        stmt = stmt.where(ReturnOrder.id < cursor)
    rows = session.execute(stmt.order_by(ReturnOrder.id.desc()).limit(limit + 1)).all()
    page: list[tuple[ReturnOrder, str | None]] = [(order, code) for order, code in rows[:limit]]
    next_cursor = page[-1][0].id if len(rows) > limit else None
    return page, next_cursor


def return_detail(
    session: Session, order_id: int, merchant_scope: int | None
) -> tuple[ReturnOrder, str | None, list[dict[str, Any]], list[dict[str, Any]]]:
    """A return order with its lines and units (NotFound outside the merchant scope)."""
    row = session.execute(
        sa.select(ReturnOrder, Merchant.code)
        .outerjoin(Merchant, Merchant.id == ReturnOrder.merchant_id)
        .where(ReturnOrder.id == order_id)
    ).one_or_none()
    if row is None or (merchant_scope is not None and row[0].merchant_id != merchant_scope):
        raise NotFound("order.not_found", order=str(order_id))
    order, code = row
    lines = [
        {"sku": line.marketplace_sku, "expected": line.expected_qty, "received": line.received_qty}
        for line in session.execute(
            sa.select(ReturnLine)
            .where(ReturnLine.return_order_id == order.id)
            .order_by(ReturnLine.id)
        ).scalars()
    ]
    units = [
        {"lpn": lpn, "sku": sku, "state": state.value, "grade": grade.value if grade else None}
        for lpn, sku, state, grade in session.execute(
            sa.select(Unit.lpn, Product.sku, Unit.state, Unit.grade)
            .join(Product, Product.id == Unit.product_id)
            .where(Unit.return_order_id == order.id)
            .order_by(Unit.id)
        ).all()
    ]
    return order, code, lines, units


def unit_history(session: Session, unit_id: int) -> list[AuditEvent]:
    """Every audit event of a unit, oldest first."""
    return list(
        session.execute(
            sa.select(AuditEvent)
            .where(AuditEvent.entity == "unit", AuditEvent.entity_id == unit_id)
            .order_by(AuditEvent.created_at, AuditEvent.id)
        ).scalars()
    )


def unit_inspections(session: Session, unit_id: int) -> list[Inspection]:
    """Inspections of a unit, oldest first."""
    return list(
        session.execute(
            sa.select(Inspection).where(Inspection.unit_id == unit_id).order_by(Inspection.id)
        ).scalars()
    )


def unit_photos(session: Session, unit_id: int) -> list[Photo]:
    """Photos of a unit, oldest first."""
    return list(
        session.execute(
            sa.select(Photo).where(Photo.unit_id == unit_id).order_by(Photo.id)
        ).scalars()
    )


def stock_of_sku(
    session: Session, merchant_id: int, sku: str
) -> tuple[Product, list[dict[str, Any]]]:
    """Stock of a SKU per channel with the bins behind each figure."""
    product = session.execute(
        sa.select(Product).where(Product.merchant_id == merchant_id, Product.sku == sku)
    ).scalar_one_or_none()
    if product is None:
        raise NotFound("product.not_found", sku=sku)
    totals = {
        t.channel: t
        for t in session.execute(
            sa.select(StockTotal).where(StockTotal.product_id == product.id)
        ).scalars()
    }
    bins = session.execute(
        sa.select(StockLevel.channel, Bin.code, Zone.kind, StockLevel.quantity)
        .join(Bin, Bin.id == StockLevel.bin_id)
        .join(Zone, Zone.id == Bin.zone_id)
        .where(StockLevel.product_id == product.id, StockLevel.quantity != 0)
        .order_by(StockLevel.channel, Bin.code)
    ).all()
    channels = []
    for channel in stock_rules.Channel:
        total = totals.get(channel)
        on_hand, reserved = (total.on_hand, total.reserved) if total else (0, 0)
        channel_bins = [
            {"bin": code, "zone": kind.value, "quantity": qty}
            for ch, code, kind, qty in bins
            if ch is channel
        ]
        if total is None and not channel_bins:
            continue
        channels.append(
            {
                "channel": channel.value,
                "on_hand": on_hand,
                "reserved": reserved,
                "available": stock_rules.available(on_hand, reserved),
                "bins": channel_bins,
            }
        )
    return product, channels
