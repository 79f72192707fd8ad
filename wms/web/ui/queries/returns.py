"""Returns search (units and orders), bounded exports, and what the order and unit pages show."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, TypeAlias

import sqlalchemy as sa
from sqlalchemy.orm import Session

from wms.db.models import Merchant, Product, ReturnOrder, Unit
from wms.domain.barcodes import CodeKind, classify
from wms.web.ui.queries.sql import day_start

AnySelect: TypeAlias = "sa.Select[*tuple[Any, ...]]"
PAGE = 50
EXPORT_MAX = 100_000
_ONE_DAY = timedelta(days=1)

UNIT_COLUMNS = (
    "lpn",
    "sku",
    "title",
    "category",
    "merchant",
    "number",
    "order_code",
    "marketplace",
    "return_type",
    "reason",
    "state",
    "grade",
    "channel",
    "value",
    "received_at",
    "terminal_at",
)
ORDER_COLUMNS = (
    "number",
    "order_code",
    "merchant",
    "marketplace",
    "return_type",
    "reason",
    "state",
    "units",
    "order_value",
    "reverse_logistics_cost",
    "customer_ref",
    "ordered_at",
    "created_at",
    "received_at",
    "completed_at",
)


@dataclass(frozen=True)
class ReturnFilter:
    """What the returns list is narrowed to (all optional)."""

    q: str | None = None
    merchant_id: int | None = None
    marketplace: str | None = None
    return_type: str | None = None
    reason: str | None = None
    state: str | None = None
    date_from: date | None = None
    date_to: date | None = None


def _looks_like_lpn(q: str) -> str | None:
    found = classify(q)
    return found.value if found.kind is CodeKind.LPN else None


def _unit_select() -> AnySelect:
    return (
        sa.select(
            Unit.id,
            Unit.lpn,
            Product.sku,
            Product.title,
            Product.category,
            Merchant.code.label("merchant"),
            ReturnOrder.id.label("order_id"),
            ReturnOrder.number,
            ReturnOrder.order_code,
            ReturnOrder.marketplace,
            ReturnOrder.return_type,
            ReturnOrder.reason,
            Unit.state,
            Unit.grade,
            Unit.channel,
            Unit.value,
            Unit.received_at,
            Unit.terminal_at,
        )
        .join(Product, Product.id == Unit.product_id)
        .join(ReturnOrder, ReturnOrder.id == Unit.return_order_id)
        .join(Merchant, Merchant.id == Unit.merchant_id)
    )


def _unit_filters(stmt: AnySelect, f: ReturnFilter) -> AnySelect:
    if f.q:
        lpn = _looks_like_lpn(f.q)
        if lpn:
            stmt = stmt.where(Unit.lpn == lpn)
        else:
            text = f.q.strip()
            matches = [
                ReturnOrder.order_code == text,
                ReturnOrder.number == text.upper(),
                Product.sku == text,
            ]
            if len(text) >= 3:
                matches.append(Product.title.ilike(f"%{_escape_like(text)}%", escape="\\"))
            stmt = stmt.where(sa.or_(*matches))
    if f.merchant_id is not None:
        stmt = stmt.where(Unit.merchant_id == f.merchant_id)
    stmt = _described_by(stmt, f)
    if f.state:
        stmt = stmt.where(Unit.state == f.state)
    if f.date_from:
        stmt = stmt.where(Unit.received_at >= day_start(f.date_from))
    if f.date_to:
        stmt = stmt.where(Unit.received_at < day_start(f.date_to) + _ONE_DAY)
    return stmt


def _described_by(stmt: AnySelect, f: ReturnFilter) -> AnySelect:
    """The filters both searches apply to the return order: marketplace, type, reason."""
    if f.marketplace:
        stmt = stmt.where(ReturnOrder.marketplace == f.marketplace)
    if f.return_type:
        stmt = stmt.where(ReturnOrder.return_type == f.return_type)
    if f.reason:
        stmt = stmt.where(ReturnOrder.reason == f.reason)
    return stmt


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_units(
    session: Session, f: ReturnFilter, *, before: int | None = None, limit: int = PAGE
) -> tuple[list[Any], int | None]:
    """Returned units newest first (keyset paging by id): the rows and the next cursor."""
    stmt = _unit_filters(_unit_select(), f)
    if before is not None:
        stmt = stmt.where(Unit.id < before)
    rows = session.execute(stmt.order_by(Unit.id.desc()).limit(limit + 1)).all()
    return list(rows[:limit]), (rows[limit - 1].id if len(rows) > limit else None)


def _order_select() -> AnySelect:
    units = (
        sa.select(sa.func.count())
        .where(Unit.return_order_id == ReturnOrder.id, Unit.state != "voided")
        .scalar_subquery()
    )
    return sa.select(
        ReturnOrder.id,
        ReturnOrder.number,
        ReturnOrder.order_code,
        Merchant.code.label("merchant"),
        ReturnOrder.marketplace,
        ReturnOrder.return_type,
        ReturnOrder.reason,
        ReturnOrder.state,
        units.label("units"),
        ReturnOrder.order_value,
        ReturnOrder.reverse_logistics_cost,
        ReturnOrder.customer_ref,
        ReturnOrder.ordered_at,
        ReturnOrder.created_at,
        ReturnOrder.received_at,
        ReturnOrder.completed_at,
    ).outerjoin(Merchant, Merchant.id == ReturnOrder.merchant_id)


def _order_filters(stmt: AnySelect, f: ReturnFilter) -> AnySelect:
    if f.q:
        lpn = _looks_like_lpn(f.q)
        text = f.q.strip()
        if lpn:
            by_unit = sa.select(Unit.return_order_id).where(Unit.lpn == lpn)
            stmt = stmt.where(ReturnOrder.id.in_(by_unit))
        else:
            by_sku = (
                sa.select(Unit.return_order_id)
                .join(Product, Product.id == Unit.product_id)
                .where(Product.sku == text)
            )
            stmt = stmt.where(
                sa.or_(
                    ReturnOrder.order_code == text,
                    ReturnOrder.number == text.upper(),
                    ReturnOrder.customer_ref == text,
                    ReturnOrder.id.in_(by_sku),
                )
            )
    if f.merchant_id is not None:
        stmt = stmt.where(ReturnOrder.merchant_id == f.merchant_id)
    stmt = _described_by(stmt, f)
    if f.state:
        stmt = stmt.where(ReturnOrder.state == f.state)
    if f.date_from:
        stmt = stmt.where(ReturnOrder.created_at >= day_start(f.date_from))
    if f.date_to:
        stmt = stmt.where(ReturnOrder.created_at < day_start(f.date_to) + _ONE_DAY)
    return stmt


def search_orders(
    session: Session, f: ReturnFilter, *, before: int | None = None, limit: int = PAGE
) -> tuple[list[Any], int | None]:
    """Return orders newest first (keyset paging by id): the rows and the next cursor."""
    stmt = _order_filters(_order_select(), f)
    if before is not None:
        stmt = stmt.where(ReturnOrder.id < before)
    rows = session.execute(stmt.order_by(ReturnOrder.id.desc()).limit(limit + 1)).all()
    return list(rows[:limit]), (rows[limit - 1].id if len(rows) > limit else None)


def count_capped(session: Session, stmt: AnySelect, cap: int) -> int:
    """How many rows a query returns, counting no further than `cap` (cheap bound check)."""
    limited = stmt.limit(cap).subquery()
    return int(session.execute(sa.select(sa.func.count()).select_from(limited)).scalar_one())


def export_statement(view: str, f: ReturnFilter) -> AnySelect:
    """The query behind an export of the units or orders view."""
    if view == "orders":
        return _order_filters(_order_select(), f).order_by(ReturnOrder.id.desc())
    return _unit_filters(_unit_select(), f).order_by(Unit.id.desc())


def export_rows(session: Session, view: str, f: ReturnFilter) -> Iterator[tuple[Any, ...]]:
    """Stream export rows in the order of UNIT_COLUMNS / ORDER_COLUMNS (server-side cursor)."""
    columns = ORDER_COLUMNS if view == "orders" else UNIT_COLUMNS
    stmt = export_statement(view, f).limit(EXPORT_MAX)
    result = session.execute(stmt.execution_options(yield_per=2000))
    for row in result:
        mapping = row._mapping
        yield tuple(mapping[c] for c in columns)
