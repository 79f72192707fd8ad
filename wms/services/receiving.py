"""Receipt at the dock: announced and blind returns, units with their LPNs, closing a receipt."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from wms.db.models import (
    FloorException,
    LpnBlock,
    Merchant,
    Product,
    ProductBarcode,
    ReturnLine,
    ReturnOrder,
    Unit,
)
from wms.domain.errors import Conflict, DuplicateMarkingCode, InvalidInput, NotFound
from wms.domain.orders import OrderAction, ReturnOrderState
from wms.domain.returns import Marketplace, ReturnReason, ReturnType, default_reason
from wms.domain.units import UnitAction, UnitState
from wms.services import billing, sequences
from wms.services.units import get_order, get_unit, transition, transition_order
from wms.services.uow import Actor, UnitOfWork

OPEN_ORDER_STATES = (ReturnOrderState.EXPECTED, ReturnOrderState.RECEIVING)


@dataclass(frozen=True)
class AnnouncedLine:
    """A line of an announced return: our SKU (or the marketplace's) and quantity."""

    sku: str
    quantity: int = 1
    price: Decimal | None = None


@dataclass(frozen=True)
class Announcement:
    """A return the marketplace (or the merchant) told us about before it arrives."""

    merchant_id: int
    marketplace: Marketplace
    order_code: str
    return_type: ReturnType
    reason: ReturnReason | None = None
    external_id: str | None = None
    customer_ref: str | None = None
    lines: tuple[AnnouncedLine, ...] = ()
    reverse_logistics_cost: Decimal = Decimal("0")
    ordered_at: datetime | None = None
    expected_at: datetime | None = None


@dataclass
class CloseResult:
    """What closing a receipt found."""

    order: ReturnOrder
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    #: The live units received: (LPN, SKU) in scan order.
    units: list[tuple[str, str]] = field(default_factory=list)


def announce(uow: UnitOfWork, actor: Actor, ann: Announcement) -> tuple[ReturnOrder, bool]:
    """Create an expected return order; the same external id again returns the existing one."""
    session = uow.session
    if not actor.may_access(ann.merchant_id):
        raise NotFound("merchant.not_found", merchant=str(ann.merchant_id))
    if session.get(Merchant, ann.merchant_id) is None:
        raise NotFound("merchant.not_found", merchant=str(ann.merchant_id))
    if ann.external_id:
        existing = session.execute(
            sa.select(ReturnOrder).where(
                ReturnOrder.marketplace == ann.marketplace,
                ReturnOrder.external_id == ann.external_id,
            )
        ).scalar_one_or_none()
        if existing is not None:
            if existing.merchant_id != ann.merchant_id:
                raise Conflict("order.external_id_taken", external_id=ann.external_id)
            return existing, False
    order = ReturnOrder(
        number=sequences.next_return_number(session),
        merchant_id=ann.merchant_id,
        marketplace=ann.marketplace,
        order_code=ann.order_code,
        external_id=ann.external_id,
        return_type=ann.return_type,
        reason=ann.reason or default_reason(ann.return_type),
        state=ReturnOrderState.EXPECTED,
        announced=True,
        customer_ref=ann.customer_ref,
        reverse_logistics_cost=ann.reverse_logistics_cost,
        ordered_at=ann.ordered_at,
        expected_at=ann.expected_at,
        created_at=uow.now(),
    )
    session.add(order)
    session.flush()
    value = Decimal("0")
    for line in ann.lines:
        if line.quantity < 1:
            raise InvalidInput("order.line_quantity", sku=line.sku)
        product = _product_by_sku(session, ann.merchant_id, line.sku)
        price = line.price if line.price is not None else (product.price if product else Decimal(0))
        value += price * line.quantity
        session.add(
            ReturnLine(
                return_order_id=order.id,
                product_id=product.id if product else None,
                marketplace_sku=line.sku,
                expected_qty=line.quantity,
                price=price,
            )
        )
    order.order_value = value
    uow.audit("return_order", order.id, "announce", actor, to_state="expected", number=order.number)
    return order, True


def _product_by_sku(session: Session, merchant_id: int, sku: str) -> Product | None:
    return session.execute(
        sa.select(Product).where(Product.merchant_id == merchant_id, Product.sku == sku)
    ).scalar_one_or_none()


def start_receipt(
    uow: UnitOfWork, actor: Actor, order_code: str, marketplace: Marketplace | None = None
) -> tuple[ReturnOrder, bool]:
    """Open receipt of the return with this code; an unknown code opens an unannounced return.

    Returns the order and whether it was announced.
    """
    session = uow.session
    stmt = (
        sa.select(ReturnOrder)
        .where(ReturnOrder.order_code == order_code, ReturnOrder.state.in_(OPEN_ORDER_STATES))
        .order_by(ReturnOrder.id)
        .with_for_update()
    )
    if marketplace is not None:
        stmt = stmt.where(ReturnOrder.marketplace == marketplace)
    order = session.execute(stmt).scalars().first()
    if order is not None and not actor.may_access(order.merchant_id):
        order = None
    if order is None:
        order = _new_unannounced(uow, actor, order_code, marketplace or Marketplace.OTHER)
        return order, False
    if order.state is ReturnOrderState.EXPECTED:
        transition_order(uow, order, OrderAction.START_RECEIPT, actor)
        order.receiving_started_at = uow.now()
        order.station_id = actor.station_id
    return order, True


def open_blind(uow: UnitOfWork, actor: Actor) -> ReturnOrder:
    """Open a blind return (no code): the merchant is inferred from the first product."""
    return _new_unannounced(uow, actor, None, Marketplace.OTHER)


def _new_unannounced(
    uow: UnitOfWork, actor: Actor, order_code: str | None, marketplace: Marketplace
) -> ReturnOrder:
    now = uow.now()
    order = ReturnOrder(
        number=sequences.next_return_number(uow.session),
        merchant_id=actor.merchant_id,
        marketplace=marketplace,
        order_code=order_code,
        return_type=ReturnType.CUSTOMER_RETURN,
        reason=ReturnReason.OTHER,
        state=ReturnOrderState.RECEIVING,
        announced=False,
        receiving_started_at=now,
        station_id=actor.station_id,
        created_at=now,
    )
    uow.session.add(order)
    uow.session.flush()
    uow.audit(
        "return_order",
        order.id,
        "open_blind" if order_code is None else "open_unannounced",
        actor,
        to_state=order.state.value,
        number=order.number,
        order_code=order_code,
    )
    return order


_BY_GTIN = (
    sa.select(Product)
    .options(joinedload(Product.merchant, innerjoin=True))
    .join(ProductBarcode, ProductBarcode.product_id == Product.id)
    .where(ProductBarcode.gtin == sa.bindparam("gtin"))
)
# Built once: every product scan at receipt looks its GTIN up.
_PRODUCTS_BY_GTIN = {
    False: _BY_GTIN,
    True: _BY_GTIN.where(Product.merchant_id == sa.bindparam("merchant_id")),
}


def find_products(session: Session, gtin: str, merchant_id: int | None) -> list[Product]:
    """Products with this GTIN (of one merchant when given), their merchants loaded."""
    stmt = _PRODUCTS_BY_GTIN[merchant_id is not None]
    params = {"gtin": gtin, "merchant_id": merchant_id}
    return list(session.execute(stmt, params).scalars())


def resolve_product(session: Session, order: ReturnOrder, gtin: str) -> Product:
    """The product a scanned GTIN means for this return (merchant inferred for blind returns)."""
    products = find_products(session, gtin, order.merchant_id)
    if not products:
        raise NotFound("product.unknown_barcode", gtin=gtin)
    if len(products) > 1:
        raise Conflict("product.ambiguous_merchant", gtin=gtin)
    return products[0]


@dataclass(frozen=True)
class MarkingRequired:
    """Outcome of a receipt scan: this product carries a marking code; scan its DataMatrix."""

    sku: str


def product_to_receive(uow: UnitOfWork, actor: Actor, order: ReturnOrder, gtin: str) -> Product:
    """The product a scanned GTIN means for a return in receipt (its state checked first)."""
    if order.state is not ReturnOrderState.RECEIVING:
        transition_order(uow, order, OrderAction.ADD_UNIT, actor)  # raises with the state named
    return resolve_product(uow.session, order, gtin)


def add_unit(
    uow: UnitOfWork,
    actor: Actor,
    order_id: int,
    *,
    gtin: str,
    marking_code: str | None = None,
    marking_ki: str | None = None,
    no_marking: bool = False,
    lpn: str | None = None,
) -> Unit:
    """Register one returned item of the return with this id (see `receive_unit`)."""
    order = get_order(uow.session, order_id, actor)
    product = product_to_receive(uow, actor, order, gtin)
    received = receive_unit(
        uow,
        actor,
        order,
        product,
        marking_code=marking_code,
        marking_ki=marking_ki,
        no_marking=no_marking,
        lpn=lpn,
    )
    if isinstance(received, MarkingRequired):
        raise InvalidInput("receipt.marking_required", sku=received.sku)
    return received


def receive_unit(
    uow: UnitOfWork,
    actor: Actor,
    order: ReturnOrder,
    product: Product,
    *,
    marking_code: str | None = None,
    marking_ki: str | None = None,
    no_marking: bool = False,
    lpn: str | None = None,
) -> Unit | MarkingRequired:
    """Register one returned item of a locked return in receipt and give it its LPN."""
    session = uow.session
    if order.state is not ReturnOrderState.RECEIVING:
        transition_order(uow, order, OrderAction.ADD_UNIT, actor)  # raises with the state named
    if product.marked and not marking_code and not no_marking:
        return MarkingRequired(product.sku)
    if marking_ki:
        _refuse_duplicate_marking(session, marking_ki)
    if order.merchant_id is None:
        order.merchant, order.merchant_id = product.merchant, product.merchant_id
    line = _count_on_line(session, order, product)
    now = uow.now()
    unit = Unit(
        lpn=_take_lpn(session, actor, lpn),
        merchant_id=product.merchant_id,
        product_id=product.id,
        return_order_id=order.id,
        return_line_id=line.id,
        state=UnitState.RECEIVED,
        marking_code=marking_code,
        marking_ki=marking_ki,
        marking_active_ki=marking_ki,
        needs_remarking=product.marked and not marking_code,
        value=line.price or product.price,
        received_at=now,
        state_since=now,
        created_at=now,
    )
    # The aggregate is complete from the start: label and answer need no look-up.
    unit.product, unit.merchant, unit.order, unit.bin = product, product.merchant, order, None
    session.add(unit)
    session.flush()
    transition_order(uow, order, OrderAction.ADD_UNIT, actor)
    uow.audit(
        "unit",
        unit.id,
        "receive",
        actor,
        to_state=unit.state.value,
        lpn=unit.lpn,
        sku=product.sku,
        order=order.number,
        offline_lpn=lpn is not None,
    )
    return unit


def _refuse_duplicate_marking(session: Session, marking_ki: str) -> None:
    holder = session.execute(
        sa.select(Unit.lpn).where(Unit.marking_active_ki == marking_ki)
    ).scalar_one_or_none()
    if holder is not None:
        raise DuplicateMarkingCode("receipt.marking_duplicate", lpn=holder)


_LINES_OF_PRODUCT = (
    sa.select(ReturnLine)
    .where(ReturnLine.return_order_id == sa.bindparam("order_id"))
    .where(
        sa.or_(
            ReturnLine.product_id == sa.bindparam("product_id"),
            sa.and_(
                ReturnLine.product_id.is_(None), ReturnLine.marketplace_sku == sa.bindparam("sku")
            ),
        )
    )
    .order_by(ReturnLine.id)
)


def _count_on_line(session: Session, order: ReturnOrder, product: Product) -> ReturnLine:
    params = {"order_id": order.id, "product_id": product.id, "sku": product.sku}
    lines = session.execute(_LINES_OF_PRODUCT, params).scalars()
    candidates = list(lines)
    line = next((ln for ln in candidates if ln.received_qty < ln.expected_qty), None)
    if line is None and candidates:
        line = candidates[-1]
    if line is None:
        # An extra line, written with its first unit counted (one INSERT, no UPDATE).
        line = ReturnLine(
            return_order_id=order.id,
            product_id=product.id,
            marketplace_sku=product.sku,
            expected_qty=0,
            received_qty=1,
            price=product.price,
        )
        session.add(line)
        session.flush()
        return line
    line.product_id = product.id
    line.received_qty += 1
    return line


def _take_lpn(session: Session, actor: Actor, lpn: str | None) -> str:
    if lpn is None:
        return sequences.next_lpn(session)
    # An LPN assigned offline must come from a block this station reserved and be unused.
    try:
        number = sequences.parse_lpn(lpn)
    except ValueError:
        raise InvalidInput("receipt.offline_lpn_invalid", lpn=lpn) from None
    owned = session.execute(
        sa.select(LpnBlock.id).where(
            LpnBlock.station_id == actor.station_id,
            LpnBlock.first_number <= number,
            LpnBlock.last_number >= number,
        )
    ).first()
    if owned is None:
        raise InvalidInput("receipt.offline_lpn_foreign", lpn=lpn)
    if session.execute(sa.select(Unit.id).where(Unit.lpn == lpn)).first() is not None:
        raise Conflict("receipt.offline_lpn_used", lpn=lpn)
    return lpn


def reserve_lpn_block(uow: UnitOfWork, actor: Actor, size: int) -> LpnBlock:
    """Reserve consecutive LPN numbers for a station's offline receipt."""
    if actor.station_id is None:
        raise InvalidInput("station.required")
    if not 1 <= size <= 10000:
        raise InvalidInput("station.block_size", size=size)
    numbers = sequences.take(uow.session, "lpn", size)
    block = LpnBlock(
        station_id=actor.station_id,
        first_number=numbers.start,
        last_number=numbers.stop - 1,
        created_at=uow.now(),
    )
    uow.session.add(block)
    uow.session.flush()
    uow.audit("station", actor.station_id, "lpn_block", actor, first=block.first_number, size=size)
    return block


def void_unit(uow: UnitOfWork, actor: Actor, lpn: str) -> Unit:
    """Remove the unit with this LPN (see `void`)."""
    unit = get_unit(uow.session, lpn, actor)
    get_order(uow.session, unit.return_order_id, actor)  # locks the order `void` checks
    return void(uow, actor, unit)


def void(uow: UnitOfWork, actor: Actor, unit: Unit) -> Unit:
    """Remove a unit scanned by mistake while its receipt (locked by the caller) is open."""
    session = uow.session
    if unit.order.state is not ReturnOrderState.RECEIVING:
        raise Conflict("receipt.void_closed", lpn=unit.lpn)
    transition(uow, unit, UnitAction.VOID, actor)
    if unit.return_line_id:
        line = session.get(ReturnLine, unit.return_line_id)
        if line is not None and line.received_qty > 0:
            line.received_qty -= 1
    return unit


def close_receipt(uow: UnitOfWork, actor: Actor, order_id: int) -> CloseResult:
    """Close the receipt of the return with this id (see `close`)."""
    return close(uow, actor, get_order(uow.session, order_id, actor))


def close(uow: UnitOfWork, actor: Actor, order: ReturnOrder) -> CloseResult:
    """Close the receipt of a locked return: flag missing and extra lines, notify the merchant."""
    session = uow.session
    transition_order(uow, order, OrderAction.CLOSE, actor)
    order.received_at = uow.now()
    result = CloseResult(order)
    lines = session.execute(
        sa.select(ReturnLine).where(ReturnLine.return_order_id == order.id).order_by(ReturnLine.id)
    ).scalars()
    for line in lines:
        sku = line.marketplace_sku or str(line.product_id)
        if line.received_qty < line.expected_qty:
            result.missing.append(f"{sku} × {line.expected_qty - line.received_qty}")
        elif order.announced and line.received_qty > line.expected_qty:
            result.extra.append(f"{sku} × {line.received_qty - line.expected_qty}")
    order.flags = {"missing": result.missing, "extra": result.extra}
    for kind, items in (("missing_line", result.missing), ("extra_line", result.extra)):
        for item in items:
            session.add(
                FloorException(
                    kind=kind,
                    station_id=actor.station_id,
                    merchant_id=order.merchant_id,
                    return_order_id=order.id,
                    message=f"{order.number}: {item}",
                    payload={"line": item},
                    created_at=uow.now(),
                )
            )
    _notify_receipt_closed(uow, order, result)
    billing.bill_receipt(uow, order, (lpn for lpn, _sku in result.units))
    return result


def _notify_receipt_closed(uow: UnitOfWork, order: ReturnOrder, result: CloseResult) -> None:
    result.units = [
        (lpn, sku)
        for lpn, sku in uow.session.execute(
            sa.select(Unit.lpn, Product.sku)
            .join(Product, Product.id == Unit.product_id)
            .where(Unit.return_order_id == order.id, Unit.state != UnitState.VOIDED)
            .order_by(Unit.id)
        ).all()
    ]
    units = result.units
    uow.outbox(
        "merchant.receipt_closed",
        f"webhook:receipt_closed:{order.id}",
        {
            "merchant_id": order.merchant_id,
            "return_order": order.number,
            "order_code": order.order_code,
            "marketplace": order.marketplace.value,
            "units": [{"lpn": lpn, "sku": sku} for lpn, sku in units],
            "missing": result.missing,
            "extra": result.extra,
            "received_at": order.received_at.isoformat() if order.received_at else None,
        },
    )


def cancel(uow: UnitOfWork, actor: Actor, order_id: int) -> ReturnOrder:
    """Cancel the return order with this id (see `cancel_order`)."""
    return cancel_order(uow, actor, get_order(uow.session, order_id, actor))


def cancel_order(uow: UnitOfWork, actor: Actor, order: ReturnOrder) -> ReturnOrder:
    """Cancel a locked return order that has no units."""
    transition_order(uow, order, OrderAction.CANCEL, actor)
    order.cancelled_at = uow.now()
    return order


def describe(
    uow: UnitOfWork,
    actor: Actor,
    order_id: int,
    *,
    reason: ReturnReason | None = None,
    return_type: ReturnType | None = None,
) -> ReturnOrder:
    """Set the reason or type of the return with this id (see `describe_order`)."""
    order = get_order(uow.session, order_id, actor)
    return describe_order(uow, actor, order, reason=reason, return_type=return_type)


def describe_order(
    uow: UnitOfWork,
    actor: Actor,
    order: ReturnOrder,
    *,
    reason: ReturnReason | None = None,
    return_type: ReturnType | None = None,
) -> ReturnOrder:
    """Set the reason or type of a locked return (blind returns learn them at the dock)."""
    if order.state not in OPEN_ORDER_STATES and order.state is not ReturnOrderState.RECEIVED:
        raise Conflict("order.closed", number=order.number)
    changes: dict[str, str] = {}
    if reason is not None:
        order.reason = reason
        changes["reason"] = reason.value
    if return_type is not None:
        order.return_type = return_type
        changes["return_type"] = return_type.value
    uow.audit("return_order", order.id, "describe", actor, number=order.number, **changes)
    return order
