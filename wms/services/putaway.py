"""Putaway into a bin of the right zone, and moves of units between bins."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from wms.db.models import Bin, StockLevel, Unit, Zone
from wms.domain.errors import InvalidInput, NotFound, WrongZone
from wms.domain.grading import expected_zone
from wms.domain.stock import SELLABLE_ZONES, Channel, LedgerKind, ZoneKind, stock_zone
from wms.domain.units import UnitAction, UnitState
from wms.services import stock
from wms.services.units import get_unit, require, transition
from wms.services.uow import Actor, UnitOfWork

_BIN_BY_CODE = (
    sa.select(Bin)
    .options(joinedload(Bin.zone, innerjoin=True))
    .where(Bin.code == sa.bindparam("code"))
)


def get_bin(session: Session, code: str) -> Bin:
    """The active bin with this code, its zone loaded with it."""
    bin_ = session.execute(_BIN_BY_CODE, {"code": code}).scalar_one_or_none()
    if bin_ is None or not bin_.active:
        raise NotFound("bin.not_found", bin=code)
    return bin_


def _check_zone(zone: Zone, needed: ZoneKind, bin_code: str) -> None:
    if zone.kind is not needed:
        raise WrongZone(
            "putaway.wrong_zone", bin=bin_code, zone=zone.kind.value, needed=needed.value
        )


def putaway(uow: UnitOfWork, actor: Actor, lpn: str, bin_code: str) -> Unit:
    """Put the unit with this LPN into the bin with this code (see `put_away`)."""
    return put_away(uow, actor, get_unit(uow.session, lpn, actor), bin_code)


def put_away(uow: UnitOfWork, actor: Actor, unit: Unit, bin_code: str) -> Unit:
    """Put a locked unit into a bin of its channel's stock zone; the stock goes up by one."""
    require(unit, UnitAction.PUTAWAY)
    bin_ = get_bin(uow.session, bin_code)
    channel = unit.channel or Channel.MAIN
    _check_zone(bin_.zone, stock_zone(channel), bin_.code)
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
    unit.bin, unit.bin_id = bin_, bin_.id
    unit.putaway_at = uow.now()
    unit.putaway_version = snapshot.version if snapshot else None
    transition(uow, unit, UnitAction.PUTAWAY, actor, bin=bin_.code)
    return unit


def move_unit(uow: UnitOfWork, actor: Actor, lpn: str, bin_code: str) -> Unit:
    """Move the unit with this LPN to the bin with this code (see `move`)."""
    return move(uow, actor, get_unit(uow.session, lpn, actor), bin_code)


def move(uow: UnitOfWork, actor: Actor, unit: Unit, bin_code: str) -> Unit:
    """Move a locked unit to another bin of the zone it belongs in (stock moves with it)."""
    needed = expected_zone(unit.state, unit.channel)
    if needed is None:
        raise InvalidInput("unit.not_in_warehouse", lpn=unit.lpn, state=unit.state.value)
    bin_ = get_bin(uow.session, bin_code)
    _check_zone(bin_.zone, needed, bin_.code)
    if unit.bin_id == bin_.id:
        raise InvalidInput("putaway.same_bin", bin=bin_.code)
    if unit.state is UnitState.IN_STOCK:
        require(unit, UnitAction.MOVE)
        assert unit.bin_id is not None
        assert unit.channel is not None
        key = stock.StockKey(unit.merchant_id, unit.product_id, unit.channel)
        stock.move(uow, actor, key, unit.bin_id, bin_.id, 1, unit_id=unit.id, reference=unit.lpn)
        transition(uow, unit, UnitAction.MOVE, actor, bin=bin_.code)
    else:
        uow.audit("unit", unit.id, "place", actor, lpn=unit.lpn, bin=bin_.code)
    unit.bin, unit.bin_id = bin_, bin_.id
    return unit


_HELD = (
    sa.select(sa.func.coalesce(sa.func.sum(StockLevel.quantity), 0))
    .where(StockLevel.bin_id == Bin.id)
    .scalar_subquery()
)
_HELD_OF_SKU = (
    sa.select(sa.func.coalesce(sa.func.sum(StockLevel.quantity), 0))
    .where(
        StockLevel.bin_id == Bin.id,
        StockLevel.merchant_id == sa.bindparam("merchant_id"),
        StockLevel.product_id == sa.bindparam("product_id"),
    )
    .scalar_subquery()
)
_UNITS_IN = sa.select(sa.func.count(Unit.id)).where(Unit.bin_id == Bin.id).scalar_subquery()
_BINS_OF_ZONE = (
    sa.select(Bin.code, _HELD_OF_SKU, _HELD, _UNITS_IN)
    .join(Zone, Zone.id == Bin.zone_id)
    .where(Zone.kind == sa.bindparam("kind"), Bin.active.is_(True))
    .order_by(Bin.code)
)


def suggest_bin(session: Session, unit: Unit, zone: ZoneKind) -> str | None:
    """A bin of the zone for this unit: one already holding its SKU, else the emptiest."""
    params = {"kind": zone, "merchant_id": unit.merchant_id, "product_id": unit.product_id}
    rows = session.execute(_BINS_OF_ZONE, params).all()
    if not rows:
        return None
    holding = [row for row in rows if row[1] > 0]
    if holding:
        # Where most of the SKU already is: one place to pick from.
        return str(max(holding, key=lambda row: row[1])[0])
    # Stock zones count quantities (units and regular stock); other zones hold units only.
    load = 2 if zone in SELLABLE_ZONES else 3
    return str(min(rows, key=lambda row: row[load])[0])
