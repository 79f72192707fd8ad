"""Shared unit operations: look-ups under lock, transitions with audit, order completion."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from wms.db.models import Bin, ReturnOrder, Unit
from wms.domain.errors import NotFound
from wms.domain.orders import OrderAction, ReturnOrderState, next_order_state
from wms.domain.units import (
    GONE_UNIT_STATES,
    TERMINAL_UNIT_STATES,
    UnitAction,
    UnitState,
    next_unit_state,
)
from wms.services.billing import bill_transition
from wms.services.uow import Actor, UnitOfWork


def _unit_aggregate(lock: bool) -> Any:
    # The unit with everything a scan shows or checks about it, in one statement. Product,
    # merchant and order are never NULL (inner joins); the bin may be. Only the unit row is
    # locked (`of=Unit`: PostgreSQL refuses FOR UPDATE on the nullable side of an outer join).
    stmt = sa.select(Unit).options(
        joinedload(Unit.product, innerjoin=True),
        joinedload(Unit.merchant, innerjoin=True),
        joinedload(Unit.order, innerjoin=True),
        joinedload(Unit.bin).joinedload(Bin.zone, innerjoin=True),
    )
    return stmt.with_for_update(of=Unit) if lock else stmt


# Built once: building and keying a statement costs more Python than running it.
_UNIT_BY_LPN = {
    lock: _unit_aggregate(lock).where(Unit.lpn == sa.bindparam("lpn")) for lock in (True, False)
}
_UNIT_BY_ID = _unit_aggregate(True).where(Unit.id == sa.bindparam("unit_id"))
_ORDER = sa.select(ReturnOrder).where(ReturnOrder.id == sa.bindparam("order_id"))
_ORDER_BY_ID = {False: _ORDER, True: _ORDER.with_for_update()}
_OPEN_UNITS = sa.select(sa.func.count()).where(
    Unit.return_order_id == sa.bindparam("order_id"), Unit.state.not_in(TERMINAL_UNIT_STATES)
)
_LIVE_UNITS = sa.select(sa.func.count()).where(
    Unit.return_order_id == sa.bindparam("order_id"), Unit.state != UnitState.VOIDED
)


def get_unit(session: Session, lpn: str, actor: Actor, *, lock: bool = True) -> Unit:
    """The unit with this LPN and its aggregate; NotFound outside the actor's merchant scope."""
    unit = session.execute(_UNIT_BY_LPN[lock], {"lpn": lpn}).scalar_one_or_none()
    if unit is None or not actor.may_access(unit.merchant_id):
        raise NotFound("unit.not_found", lpn=lpn)
    return unit


def get_unit_by_id(session: Session, unit_id: int) -> Unit | None:
    """A unit by id with its aggregate, locked (no merchant scope: the station's own work item)."""
    unit: Unit | None = session.execute(_UNIT_BY_ID, {"unit_id": unit_id}).scalar_one_or_none()
    return unit


def get_order(session: Session, order_id: int, actor: Actor, *, lock: bool = True) -> ReturnOrder:
    """The return order, locked for update; NotFound outside the actor's merchant scope."""
    order = session.execute(_ORDER_BY_ID[lock], {"order_id": order_id}).scalar_one_or_none()
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
    old, since = unit.state, unit.state_since
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
    bill_transition(uow, unit, action, since)
    if new in TERMINAL_UNIT_STATES:
        uow.session.flush()
        complete_order_if_done(uow, unit.order, actor)
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
    if live_only:
        return int(session.execute(_LIVE_UNITS, {"order_id": order_id}).scalar_one())
    stmt = sa.select(sa.func.count()).where(Unit.return_order_id == order_id)
    return int(session.execute(stmt).scalar_one())


def complete_order_if_done(uow: UnitOfWork, order: ReturnOrder, actor: Actor) -> bool:
    """Complete a received order once every unit is in a terminal state."""
    if order.state is not ReturnOrderState.RECEIVED:
        return False
    open_units = uow.session.execute(_OPEN_UNITS, {"order_id": order.id}).scalar_one()
    if open_units:
        return False
    transition_order(uow, order, OrderAction.COMPLETE, actor)
    order.completed_at = uow.now()
    return True


def decision_due(uow: UnitOfWork, unit: Unit, rules_hours: float | None = None) -> datetime:
    """When a decision on a unit is due: the merchant's SLA, else the rules', else `[sla]`."""
    hours = unit.merchant.decision_sla_hours or rules_hours or uow.settings.sla.decision_hours
    return uow.now() + timedelta(hours=hours)


def unit_view(unit: Unit) -> dict[str, Any]:
    """A unit as the API and stations show it (from its loaded aggregate)."""
    product, bin_, order = unit.product, unit.bin, unit.order
    return {
        "lpn": unit.lpn,
        "state": unit.state.value,
        "sku": product.sku,
        "title": product.title,
        "merchant_id": unit.merchant_id,
        "grade": unit.grade.value if unit.grade else None,
        "condition": unit.condition.value if unit.condition else None,
        "channel": unit.channel.value if unit.channel else None,
        "disposition": unit.disposition.value if unit.disposition else None,
        "checks": list(unit.checks or []),
        "bin": bin_.code if bin_ else None,
        "return_order": order.number,
        "order_code": order.order_code,
        "marking_ki": unit.marking_ki,
        "needs_remarking": unit.needs_remarking,
        "received_at": unit.received_at.isoformat(),
        "state_since": unit.state_since.isoformat(),
        "decision_due_at": unit.decision_due_at.isoformat() if unit.decision_due_at else None,
    }
