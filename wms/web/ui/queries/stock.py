"""Stock by merchant, SKU and channel, the bins behind each figure, the ledger behind each bin."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from wms.db.models import (
    Bin,
    Merchant,
    Product,
    StockLedgerEntry,
    StockLevel,
    StockTotal,
    Unit,
    Zone,
)
from wms.domain import stock as rules
from wms.domain.errors import NotFound
from wms.domain.kpi import STAGE_OF_STATE
from wms.domain.stock import Channel
from wms.web.ui.queries.returns import _escape_like
from wms.web.ui.queries.sql import scoped

PAGE = 100


@dataclass(frozen=True)
class StockFilter:
    """Which stock rows to list."""

    merchant_id: int | None = None
    q: str | None = None
    channel: Channel | None = None
    zone: str | None = None


def totals(
    session: Session, f: StockFilter, *, offset: int = 0, limit: int = PAGE
) -> tuple[list[Any], bool]:
    """Sellable totals per (merchant, SKU, channel): on hand, reserved, available; more pages?"""
    stmt = (
        sa.select(
            StockTotal.product_id,
            StockTotal.channel,
            StockTotal.on_hand,
            StockTotal.reserved,
            StockTotal.updated_at,
            Product.sku,
            Product.title,
            Product.category,
            Merchant.code.label("merchant"),
        )
        .join(Product, Product.id == StockTotal.product_id)
        .join(Merchant, Merchant.id == StockTotal.merchant_id)
        .where(scoped(StockTotal.merchant_id, f.merchant_id))
    )
    if f.channel is not None:
        stmt = stmt.where(StockTotal.channel == f.channel)
    if f.q:
        pattern = f"%{_escape_like(f.q.strip())}%"
        stmt = stmt.where(
            sa.or_(
                Product.sku.ilike(pattern, escape="\\"), Product.title.ilike(pattern, escape="\\")
            )
        )
    if f.zone:
        in_zone = (
            sa.select(StockLevel.product_id)
            .join(Bin, Bin.id == StockLevel.bin_id)
            .join(Zone, Zone.id == Bin.zone_id)
            .where(Zone.kind == f.zone, StockLevel.quantity > 0)
        )
        stmt = stmt.where(StockTotal.product_id.in_(in_zone))
    stmt = stmt.order_by(Merchant.code, Product.sku, StockTotal.channel).offset(offset)
    rows = session.execute(stmt.limit(limit + 1)).all()
    return list(rows[:limit]), len(rows) > limit


def available(on_hand: int, reserved: int) -> int:
    """Available to sell (the domain's rule)."""
    return rules.available(on_hand, reserved)


@dataclass
class StockDetail:
    """One SKU: totals per channel, quantities per bin, and ledger rows."""

    product: Product
    merchant: Merchant
    totals: list[Any]
    levels: list[Any]
    ledger: list[Any]
    next_before: int | None


def detail(
    session: Session,
    product_id: int,
    merchant_id: int | None,
    *,
    channel: Channel | None = None,
    bin_code: str | None = None,
    before: int | None = None,
    limit: int = PAGE,
) -> StockDetail:
    """A SKU's stock with the ledger behind it (NotFound outside the merchant scope)."""
    product = session.get(Product, product_id)
    if product is None or (merchant_id is not None and product.merchant_id != merchant_id):
        raise NotFound("product.not_found", sku=str(product_id))
    merchant = session.get(Merchant, product.merchant_id)
    assert merchant is not None
    totals_ = (
        session.execute(
            sa.select(StockTotal)
            .where(StockTotal.product_id == product.id)
            .order_by(StockTotal.channel)
        )
        .scalars()
        .all()
    )
    levels = session.execute(
        sa.select(
            StockLevel.channel, Bin.code, Zone.kind, StockLevel.quantity, StockLevel.updated_at
        )
        .join(Bin, Bin.id == StockLevel.bin_id)
        .join(Zone, Zone.id == Bin.zone_id)
        .where(StockLevel.product_id == product.id, StockLevel.quantity != 0)
        .order_by(StockLevel.channel, Bin.code)
    ).all()
    stmt = (
        sa.select(StockLedgerEntry, Bin.code, Unit.lpn)
        .outerjoin(Bin, Bin.id == StockLedgerEntry.bin_id)
        .outerjoin(Unit, Unit.id == StockLedgerEntry.unit_id)
        .where(
            StockLedgerEntry.merchant_id == product.merchant_id,
            StockLedgerEntry.product_id == product.id,
        )
    )
    if channel is not None:
        stmt = stmt.where(StockLedgerEntry.channel == channel)
    if bin_code:
        stmt = stmt.where(Bin.code == bin_code)
    if before is not None:
        stmt = stmt.where(StockLedgerEntry.id < before)
    rows = session.execute(stmt.order_by(StockLedgerEntry.id.desc()).limit(limit + 1)).all()
    next_before = rows[limit - 1][0].id if len(rows) > limit else None
    return StockDetail(
        product, merchant, list(totals_), list(levels), list(rows[:limit]), next_before
    )


def in_process(session: Session, merchant_id: int | None) -> list[tuple[str, dict[str, int]]]:
    """Units still being processed per merchant and state (not yet stock)."""
    rows = session.execute(
        sa.select(Merchant.code, Unit.state, sa.func.count())
        .join(Merchant, Merchant.id == Unit.merchant_id)
        .where(Unit.state.in_(list(STAGE_OF_STATE)), scoped(Unit.merchant_id, merchant_id))
        .group_by(Merchant.code, Unit.state)
        .order_by(Merchant.code)
    ).all()
    out: dict[str, dict[str, int]] = {}
    for code, state, n in rows:
        out.setdefault(code, {})[state.value] = int(n)
    return sorted(out.items())
