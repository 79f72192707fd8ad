"""Putaway into a bin of the right zone, and moves of units between bins."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from wms.db.models import Bin, Unit, Zone
from wms.domain.errors import InvalidInput, NotFound, WrongZone
from wms.domain.grading import expected_zone
from wms.domain.stock import Channel, LedgerKind, ZoneKind, stock_zone
from wms.domain.units import UnitAction, UnitState
from wms.services import stock
from wms.services.units import get_unit, require, transition
from wms.services.uow import Actor, UnitOfWork


def get_bin(session: Session, code: str) -> tuple[Bin, Zone]:
    """The active bin with this code and its zone."""
    row = session.execute(
        sa.select(Bin, Zone).join(Zone, Zone.id == Bin.zone_id).where(Bin.code == code)
    ).one_or_none()
    if row is None or not row[0].active:
        raise NotFound("bin.not_found", bin=code)
    return row[0], row[1]


def _check_zone(zone: Zone, needed: ZoneKind, bin_code: str) -> None:
    if zone.kind is not needed:
        raise WrongZone(
            "putaway.wrong_zone", bin=bin_code, zone=zone.kind.value, needed=needed.value
        )


def putaway(uow: UnitOfWork, actor: Actor, lpn: str, bin_code: str) -> Unit:
    """Put a unit into a bin of its channel's stock zone; the stock goes up by one."""
    session = uow.session
    unit = get_unit(session, lpn, actor)
    require(unit, UnitAction.PUTAWAY)
    channel = unit.channel or Channel.MAIN
    bin_, zone = get_bin(session, bin_code)
    _check_zone(zone, stock_zone(channel), bin_code)
    key = stock.StockKey(unit.merchant_id, unit.product_id, channel)
    snapshot = stock.book(
        uow,
        actor,
        key,
        LedgerKind.RETURN_PUTAWAY,
        bin_id=bin_.id,
        quantity=1,
        unit_id=unit.id,
        reference=unit.lpn,
    )
    # All unit fields change before the transition flushes: one UPDATE of the unit row.
    unit.bin_id = bin_.id
    unit.putaway_at = uow.now()
    unit.putaway_version = snapshot.version if snapshot else None
    transition(uow, unit, UnitAction.PUTAWAY, actor, bin=bin_code)
    return unit


def move_unit(uow: UnitOfWork, actor: Actor, lpn: str, bin_code: str) -> Unit:
    """Move a unit to another bin of the zone it belongs in (stock moves with units in stock)."""
    session = uow.session
    unit = get_unit(session, lpn, actor)
    needed = expected_zone(unit.state, unit.channel)
    if needed is None:
        raise InvalidInput("unit.not_in_warehouse", lpn=lpn, state=unit.state.value)
    bin_, zone = get_bin(session, bin_code)
    _check_zone(zone, needed, bin_code)
    if unit.bin_id == bin_.id:
        raise InvalidInput("putaway.same_bin", bin=bin_code)
    if unit.state is UnitState.IN_STOCK:
        require(unit, UnitAction.MOVE)
        assert unit.bin_id is not None
        assert unit.channel is not None
        key = stock.StockKey(unit.merchant_id, unit.product_id, unit.channel)
        stock.move(uow, actor, key, unit.bin_id, bin_.id, 1, unit_id=unit.id, reference=lpn)
        transition(uow, unit, UnitAction.MOVE, actor, bin=bin_code)
    else:
        uow.audit("unit", unit.id, "place", actor, lpn=lpn, bin=bin_code)
    unit.bin_id = bin_.id
    return unit
