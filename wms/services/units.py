"""Shared unit operations: look-ups under lock, transitions with audit, order completion."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from wms.db.models import Merchant, ReturnOrder, Unit
from wms.domain.errors import NotFound
from wms.domain.orders import OrderAction, ReturnOrderState, next_order_state
from wms.domain.units import (
    GONE_UNIT_STATES,
    TERMINAL_UNIT_STATES,
    UnitAction,
    UnitState,
    next_unit_state,
)
from wms.services.uow import LOCKED, Actor, UnitOfWork


def _locked(session: Session, stmt: Any, key: tuple[str, object]) -> Any:
    # Rows locked once stay locked until the transaction ends, so one scan that looks a unit
    # up several times (script, service, response) reads it once. UnitOfWork clears this on
    # rollback; a new transaction always gets a new session.
    cache: dict[tuple[str, object], Any] = session.info.setdefault(LOCKED, {})
    if key not in cache:
        cache[key] = session.execute(stmt.with_for_update()).scalar_one_or_none()
    return cache[key]


def get_unit(session: Session, lpn: str, actor: Actor, *, lock: bool = True) -> Unit:
    """The unit with this LPN, locked for update; NotFound outside the actor's merchant scope."""
    stmt = sa.select(Unit).where(Unit.lpn == lpn)
    if lock:
        unit = _locked(session, stmt, ("unit", lpn))
        if unit is not None:
            session.info[LOCKED].setdefault(("unit_id", unit.id), unit)
    else:
        unit = session.execute(stmt).scalar_one_or_none()
    if unit is None or not actor.may_access(unit.merchant_id):
        raise NotFound("unit.not_found", lpn=lpn)
    return unit


def get_unit_by_id(session: Session, unit_id: int) -> Unit | None:
    """A unit by id, locked for update (no merchant scope: for the station's own work item)."""
    stmt = sa.select(Unit).where(Unit.id == unit_id)
    unit: Unit | None = _locked(session, stmt, ("unit_id", unit_id))
    if unit is not None:
        session.info[LOCKED].setdefault(("unit", unit.lpn), unit)
    return unit


def get_order(session: Session, order_id: int, actor: Actor, *, lock: bool = True) -> ReturnOrder:
    """The return order, locked for update; NotFound outside the actor's merchant scope."""
    stmt = sa.select(ReturnOrder).where(ReturnOrder.id == order_id)
    if lock:
        order = _locked(session, stmt, ("order", order_id))
    else:
        order = session.execute(stmt).scalar_one_or_none()
    if order is None or (order.merchant_id is not None and not actor.may_access(order.merchant_id)):
        raise NotFound("order.not_found", order=str(order_id))
    return order


def require(unit: Unit, action: UnitAction) -> None:
    """Raise IllegalTransition (naming state and action) unless the action is allowed now."""
    next_unit_state(unit.state, action)


def transition(
    uow: UnitOfWork, unit: Unit, action: UnitAction, actor: Actor, **payload: Any
) -> UnitState:
    """Apply a life-cycle action to a unit and record it."""
    old = unit.state
    new = next_unit_state(old, action)
    now = uow.now()
    unit.state = new
    if new is not old:
        unit.state_since = now
    if new in TERMINAL_UNIT_STATES and unit.terminal_at is None:
        unit.terminal_at = now
    if new in GONE_UNIT_STATES:
        # The marking code leaves with the unit; it may come back one day as a new return.
        unit.marking_active_ki = None
    uow.audit(
        "unit",
        unit.id,
        action.value,
        actor,
        from_state=old.value,
        to_state=new.value,
        lpn=unit.lpn,
        **payload,
    )
    if new in TERMINAL_UNIT_STATES:
        uow.session.flush()
        complete_order_if_done(uow, unit.return_order_id, actor)
    return new


def transition_order(
    uow: UnitOfWork, order: ReturnOrder, action: OrderAction, actor: Actor, **payload: Any
) -> ReturnOrderState:
    """Apply a life-cycle action to a return order and record it."""
    old = order.state
    count = (
        unit_count(uow.session, order.id)
        if action in (OrderAction.CANCEL, OrderAction.CLOSE)
        else 0
    )
    new = next_order_state(old, action, unit_count=count)
    order.state = new
    if old is not new or action is not OrderAction.ADD_UNIT:
        uow.audit(
            "return_order",
            order.id,
            action.value,
            actor,
            from_state=old.value,
            to_state=new.value,
            number=order.number,
            **payload,
        )
    return new


def unit_count(session: Session, order_id: int, *, live_only: bool = True) -> int:
    """Units of an order (voided ones excluded unless `live_only` is False)."""
    stmt = sa.select(sa.func.count()).where(Unit.return_order_id == order_id)
    if live_only:
        stmt = stmt.where(Unit.state != UnitState.VOIDED)
    return int(session.execute(stmt).scalar_one())


def complete_order_if_done(uow: UnitOfWork, order_id: int, actor: Actor) -> bool:
    """Complete a received order once every unit is in a terminal state."""
    order = uow.session.get(ReturnOrder, order_id)
    if order is None or order.state is not ReturnOrderState.RECEIVED:
        return False
    open_units = uow.session.execute(
        sa.select(sa.func.count()).where(
            Unit.return_order_id == order_id, Unit.state.not_in(TERMINAL_UNIT_STATES)
        )
    ).scalar_one()
    if open_units:
        return False
    transition_order(uow, order, OrderAction.COMPLETE, actor)
    order.completed_at = uow.now()
    return True


def decision_due(uow: UnitOfWork, merchant: Merchant | None, default_hours: float) -> Any:
    """When a decision on a unit is due under the merchant's SLA."""
    hours = (
        merchant.decision_sla_hours if merchant and merchant.decision_sla_hours else default_hours
    )
    return uow.now() + timedelta(hours=hours)


def unit_view(session: Session, unit: Unit) -> dict[str, Any]:
    """A unit as the API and stations show it."""
    from wms.db.models import Bin, Product

    product = session.get(Product, unit.product_id)
    bin_ = session.get(Bin, unit.bin_id) if unit.bin_id else None
    order = session.get(ReturnOrder, unit.return_order_id)
    return {
        "lpn": unit.lpn,
        "state": unit.state.value,
        "sku": product.sku if product else None,
        "title": product.title if product else None,
        "merchant_id": unit.merchant_id,
        "grade": unit.grade.value if unit.grade else None,
        "condition": unit.condition.value if unit.condition else None,
        "channel": unit.channel.value if unit.channel else None,
        "disposition": unit.disposition.value if unit.disposition else None,
        "checks": list(unit.checks or []),
        "bin": bin_.code if bin_ else None,
        "return_order": order.number if order else None,
        "order_code": order.order_code if order else None,
        "marking_ki": unit.marking_ki,
        "needs_remarking": unit.needs_remarking,
        "received_at": unit.received_at.isoformat(),
        "state_since": unit.state_since.isoformat(),
        "decision_due_at": unit.decision_due_at.isoformat() if unit.decision_due_at else None,
    }
