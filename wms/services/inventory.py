"""Regular stock movements through the integration API: inbound, outbound, reservations, counts.

With these the WMS is the stock of record for its zones (DESIGN 3.3): returns add to stock,
everything else enters and leaves here.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from wms.db.models import Bin, Product, StockLevel, Unit, Zone
from wms.domain.errors import InsufficientStock, InvalidInput, NotFound
from wms.domain.stock import Channel, LedgerKind, stock_zone
from wms.domain.units import UnitAction, UnitState
from wms.services import stock
from wms.services.putaway import get_bin
from wms.services.stock import StockKey, TotalSnapshot
from wms.services.units import transition
from wms.services.uow import Actor, UnitOfWork


def key_for(
    session: Session, actor: Actor, merchant_id: int, sku: str, channel: Channel
) -> StockKey:
    """The stock key of a merchant's SKU in a channel (NotFound outside the actor's scope)."""
    if not actor.may_access(merchant_id):
        raise NotFound("product.not_found", sku=sku)
    product_id = session.execute(
        sa.select(Product.id).where(Product.merchant_id == merchant_id, Product.sku == sku)
    ).scalar_one_or_none()
    if product_id is None:
        raise NotFound("product.not_found", sku=sku)
    return StockKey(merchant_id, product_id, channel)


def _positive(quantity: int) -> None:
    if quantity <= 0:
        raise InvalidInput("stock.quantity_positive")


def inbound(
    uow: UnitOfWork, actor: Actor, key: StockKey, bin_code: str, quantity: int, reference: str
) -> TotalSnapshot | None:
    """Goods arrive (regular supply, not returns) into a bin."""
    _positive(quantity)
    bin_ = get_bin(uow.session, bin_code)
    return stock.book(
        uow, actor, key, LedgerKind.INBOUND, bin_id=bin_.id, quantity=quantity, reference=reference
    )


def outbound(
    uow: UnitOfWork,
    actor: Actor,
    key: StockKey,
    quantity: int,
    reference: str,
    *,
    bin_code: str | None = None,
    from_reservation: bool = False,
) -> TotalSnapshot | None:
    """Goods leave (a marketplace order shipped); returned units in the bins leave oldest first."""
    _positive(quantity)
    session = uow.session
    if from_reservation:
        stock.book(
            uow, actor, key, LedgerKind.RELEASE, reserved_delta=-quantity, reference=reference
        )
    plan = _pick_bins(session, key, quantity, bin_code)
    snapshot = None
    for bin_id, take in plan:
        snapshot = stock.book(
            uow, actor, key, LedgerKind.OUTBOUND, bin_id=bin_id, quantity=-take, reference=reference
        )
        _ship_units_over_level(uow, actor, key, bin_id, reference)
    return snapshot


def _pick_bins(
    session: Session, key: StockKey, quantity: int, bin_code: str | None
) -> list[tuple[int, int]]:
    if bin_code is not None:
        bin_ = get_bin(session, bin_code)
        return [(bin_.id, quantity)]
    rows = session.execute(
        sa.select(StockLevel.bin_id, StockLevel.quantity)
        .join(Bin, Bin.id == StockLevel.bin_id)
        .join(Zone, Zone.id == Bin.zone_id)
        .where(
            StockLevel.merchant_id == key.merchant_id,
            StockLevel.product_id == key.product_id,
            StockLevel.channel == key.channel,
            StockLevel.quantity > 0,
            Zone.kind == stock_zone(key.channel),
        )
        .order_by(StockLevel.quantity.desc(), StockLevel.bin_id)
    ).all()
    plan, left = [], quantity
    for bin_id, qty in rows:
        if left == 0:
            break
        take = min(qty, left)
        plan.append((bin_id, take))
        left -= take
    if left:
        raise InsufficientStock("stock.insufficient", quantity=quantity)
    return plan


def _in_stock_units(session: Session, key: StockKey, bin_id: int) -> list[Unit]:
    return list(
        session.execute(
            sa.select(Unit)
            .where(
                Unit.merchant_id == key.merchant_id,
                Unit.product_id == key.product_id,
                Unit.channel == key.channel,
                Unit.bin_id == bin_id,
                Unit.state == UnitState.IN_STOCK,
            )
            .order_by(Unit.putaway_at, Unit.id)
            .with_for_update()
        ).scalars()
    )


def _ship_units_over_level(
    uow: UnitOfWork, actor: Actor, key: StockKey, bin_id: int, reference: str
) -> None:
    # A bin holds returned units and regular stock; when the level drops below the number of
    # units, the oldest returned units are the ones that left.
    units = _in_stock_units(uow.session, key, bin_id)
    excess = len(units) - stock.level_in_bin(uow.session, key, bin_id)
    for unit in units[: max(excess, 0)]:
        transition(uow, unit, UnitAction.SHIP, actor, reference=reference)


def reserve(
    uow: UnitOfWork, actor: Actor, key: StockKey, quantity: int, reference: str
) -> TotalSnapshot | None:
    """Hold available stock for an order (available goes down, on hand does not)."""
    _positive(quantity)
    return stock.book(
        uow, actor, key, LedgerKind.RESERVATION, reserved_delta=quantity, reference=reference
    )


def release(
    uow: UnitOfWork, actor: Actor, key: StockKey, quantity: int, reference: str
) -> TotalSnapshot | None:
    """Give back a reservation."""
    _positive(quantity)
    return stock.book(
        uow, actor, key, LedgerKind.RELEASE, reserved_delta=-quantity, reference=reference
    )


def adjust(
    uow: UnitOfWork,
    actor: Actor,
    key: StockKey,
    bin_code: str,
    counted: int,
    reference: str,
    reason: str,
) -> TotalSnapshot | None:
    """Set a bin's quantity to what a cycle count found (the difference becomes a ledger row)."""
    if counted < 0:
        raise InvalidInput("stock.quantity_non_negative")
    session = uow.session
    bin_ = get_bin(session, bin_code)
    current = stock.level_in_bin(session, key, bin_.id)
    units = len(_in_stock_units(session, key, bin_.id))
    if counted < units:
        raise InvalidInput("stock.adjust_below_units", bin=bin_code, units=units)
    if counted == current:
        return stock.total(session, key)
    return stock.book(
        uow,
        actor,
        key,
        LedgerKind.ADJUSTMENT,
        bin_id=bin_.id,
        quantity=counted - current,
        reference=reference,
        reason=reason,
    )
