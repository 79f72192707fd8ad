"""The stock of record: every change is a ledger row; levels and totals move in the same commit.

Levels change with single UPDATE/UPSERT statements that hold the row lock until commit, so
concurrent bookings of the same key serialise on PostgreSQL without lost updates; decrements
carry their guard in the WHERE clause, so a level can never go negative.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from wms.db.base import table_of
from wms.db.models import Bin, StockLedgerEntry, StockLevel, StockTotal, Zone
from wms.db.session import DB_UID
from wms.domain import stock as rules
from wms.domain.errors import InsufficientStock, InvalidInput, NotFound
from wms.domain.stock import Channel, LedgerKind, ZoneKind
from wms.services.cache import TtlCache
from wms.services.uow import Actor, UnitOfWork

STOCK_TOPIC = "stock.changed"


@dataclass(frozen=True)
class StockKey:
    """What stock is counted by (without the bin)."""

    merchant_id: int
    product_id: int
    channel: Channel


@dataclass(frozen=True)
class TotalSnapshot:
    """Sellable totals of one key right after a change."""

    on_hand: int
    reserved: int
    version: int

    @property
    def available(self) -> int:
        """Available to sell."""
        return rules.available(self.on_hand, self.reserved)


# A bin never changes zone (there is no operation for it), so its zone kind can be remembered.
_zone_kinds: TtlCache[ZoneKind] = TtlCache(300.0)


def zone_kind_of_bin(session: Session, bin_id: int) -> ZoneKind:
    """The zone kind a bin belongs to."""

    def load() -> ZoneKind | None:
        return session.execute(
            sa.select(Zone.kind).join(Bin, Bin.zone_id == Zone.id).where(Bin.id == bin_id)
        ).scalar_one_or_none()

    uid = session.info.get(DB_UID)
    kind = _zone_kinds.get_or_load((uid, bin_id), load) if uid else load()
    if kind is None:
        raise NotFound("bin.not_found", bin=str(bin_id))
    return kind


# The level and total statements run at every putaway, move and booking: built once per
# dialect (building and keying a statement costs more Python than running it). Core on the
# tables: the rows are never held as ORM objects.
_LEVELS, _TOTALS = table_of(StockLevel), table_of(StockTotal)
_LEVEL_KEY = (
    _LEVELS.c.merchant_id == sa.bindparam("k_merchant"),
    _LEVELS.c.product_id == sa.bindparam("k_product"),
    _LEVELS.c.channel == sa.bindparam("k_channel"),
    _LEVELS.c.bin_id == sa.bindparam("k_bin"),
)
_TAKE_FROM_LEVEL = (
    _LEVELS.update()
    .where(*_LEVEL_KEY, _LEVELS.c.quantity >= -sa.bindparam("d_quantity"))
    .values(
        quantity=_LEVELS.c.quantity + sa.bindparam("d_quantity"), updated_at=sa.bindparam("t_now")
    )
    .returning(_LEVELS.c.quantity)
)
_TOTAL_KEY = (
    _TOTALS.c.merchant_id == sa.bindparam("k_merchant"),
    _TOTALS.c.product_id == sa.bindparam("k_product"),
    _TOTALS.c.channel == sa.bindparam("k_channel"),
)
_TOTAL_CHANGES = {
    "on_hand": _TOTALS.c.on_hand + sa.bindparam("d_on_hand"),
    "reserved": _TOTALS.c.reserved + sa.bindparam("d_reserved"),
    "version": _TOTALS.c.version + 1,
    "updated_at": sa.bindparam("t_now"),
}
_TOTAL_RETURNING = (_TOTALS.c.on_hand, _TOTALS.c.reserved, _TOTALS.c.version)
# Guards: on hand never below reserved, reserved never below zero.
_TAKE_FROM_TOTAL = (
    _TOTALS.update()
    .where(
        *_TOTAL_KEY,
        (_TOTALS.c.on_hand + sa.bindparam("d_on_hand"))
        >= (_TOTALS.c.reserved + sa.bindparam("d_reserved")),
        (_TOTALS.c.reserved + sa.bindparam("d_reserved")) >= 0,
    )
    .values(**_TOTAL_CHANGES)
    .returning(*_TOTAL_RETURNING)
)


@functools.cache
def _add_to_level(dialect: str) -> Any:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(_LEVELS).values(
        merchant_id=sa.bindparam("k_merchant"),
        product_id=sa.bindparam("k_product"),
        channel=sa.bindparam("k_channel"),
        bin_id=sa.bindparam("k_bin"),
        quantity=sa.bindparam("d_quantity"),
        updated_at=sa.bindparam("t_now"),
    )
    return stmt.on_conflict_do_update(
        index_elements=["merchant_id", "product_id", "channel", "bin_id"],
        set_={
            "quantity": _LEVELS.c.quantity + sa.bindparam("d_quantity"),
            "updated_at": stmt.excluded.updated_at,
        },
    )


@functools.cache
def _add_to_total(dialect: str) -> Any:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(_TOTALS).values(
        merchant_id=sa.bindparam("k_merchant"),
        product_id=sa.bindparam("k_product"),
        channel=sa.bindparam("k_channel"),
        on_hand=sa.bindparam("d_on_hand"),
        reserved=0,
        version=1,
        updated_at=sa.bindparam("t_now"),
    )
    return stmt.on_conflict_do_update(
        index_elements=["merchant_id", "product_id", "channel"], set_=_TOTAL_CHANGES
    ).returning(*_TOTAL_RETURNING)


def _key_params(key: StockKey) -> dict[str, Any]:
    return {"k_merchant": key.merchant_id, "k_product": key.product_id, "k_channel": key.channel}


def _change_level(session: Session, now: Any, key: StockKey, bin_id: int, delta: int) -> None:
    if delta == 0:
        return
    params = {**_key_params(key), "k_bin": bin_id, "d_quantity": delta, "t_now": now}
    if delta < 0:
        if session.execute(_TAKE_FROM_LEVEL, params).scalar_one_or_none() is None:
            raise InsufficientStock("stock.insufficient_in_bin", bin=str(bin_id), quantity=-delta)
        return
    session.execute(_add_to_level(session.get_bind().dialect.name), params)


def _change_total(
    session: Session, now: Any, key: StockKey, on_hand: int, reserved: int
) -> TotalSnapshot:
    params = {**_key_params(key), "d_on_hand": on_hand, "d_reserved": reserved, "t_now": now}
    if on_hand < 0 or reserved != 0:
        row = session.execute(_TAKE_FROM_TOTAL, params).one_or_none()
        if row is None:
            raise InsufficientStock("stock.insufficient", quantity=abs(on_hand or reserved))
        return TotalSnapshot(*row)
    stmt = _add_to_total(session.get_bind().dialect.name)
    return TotalSnapshot(*session.execute(stmt, params).one())


def book(
    uow: UnitOfWork,
    actor: Actor,
    key: StockKey,
    kind: LedgerKind,
    *,
    bin_id: int | None = None,
    quantity: int = 0,
    reserved_delta: int = 0,
    unit_id: int | None = None,
    reference: str | None = None,
    reason: str | None = None,
) -> TotalSnapshot | None:
    """Write one ledger row and move the level and the sellable total with it."""
    if quantity and bin_id is None:
        raise InvalidInput("stock.bin_required")
    if kind in rules.RESERVATION_KINDS and quantity:
        raise InvalidInput("stock.reservation_moves_no_goods")
    session, now = uow.session, uow.now()
    snapshot = None
    sellable_delta = 0
    if quantity:
        assert bin_id is not None
        _change_level(session, now, key, bin_id, quantity)
        if zone_kind_of_bin(session, bin_id) in rules.SELLABLE_ZONES:
            sellable_delta = quantity
    if sellable_delta or reserved_delta:
        snapshot = _change_total(session, now, key, sellable_delta, reserved_delta)
    session.add(
        StockLedgerEntry(
            merchant_id=key.merchant_id,
            product_id=key.product_id,
            channel=key.channel,
            bin_id=bin_id,
            kind=kind,
            quantity=quantity,
            reserved_delta=reserved_delta,
            unit_id=unit_id,
            reference=reference,
            reason=reason,
            actor=actor.name,
            created_at=now,
        )
    )
    if snapshot is not None:
        _queue_push(uow, key, snapshot)
    return snapshot


def _queue_push(uow: UnitOfWork, key: StockKey, snap: TotalSnapshot) -> None:
    # The absolute available quantity and the total's version travel together; the sync worker
    # coalesces by key and never sends a lower version after a higher one.
    uow.outbox(
        STOCK_TOPIC,
        f"stock:{key.merchant_id}:{key.product_id}:{key.channel.value}",
        {
            "merchant_id": key.merchant_id,
            "product_id": key.product_id,
            "channel": key.channel.value,
            "on_hand": snap.on_hand,
            "reserved": snap.reserved,
            "available": snap.available,
            "version": snap.version,
        },
    )


def move(
    uow: UnitOfWork,
    actor: Actor,
    key: StockKey,
    from_bin: int,
    to_bin: int,
    quantity: int,
    *,
    unit_id: int | None = None,
    reference: str | None = None,
) -> None:
    """Move goods between bins as two ledger rows (lower bin id first to avoid deadlocks)."""
    if quantity <= 0:
        raise InvalidInput("stock.quantity_positive")
    if from_bin == to_bin:
        raise InvalidInput("stock.same_bin")
    legs = sorted([(from_bin, -quantity), (to_bin, quantity)])
    # A shortage raises InsufficientStock and the caller's transaction rolls back both legs.
    for bin_id, qty in legs:
        book(
            uow,
            actor,
            key,
            LedgerKind.MOVE,
            bin_id=bin_id,
            quantity=qty,
            unit_id=unit_id,
            reference=reference,
        )


def level_in_bin(session: Session, key: StockKey, bin_id: int) -> int:
    """Quantity of a key in one bin."""
    qty = session.execute(
        sa.select(StockLevel.quantity).where(
            StockLevel.merchant_id == key.merchant_id,
            StockLevel.product_id == key.product_id,
            StockLevel.channel == key.channel,
            StockLevel.bin_id == bin_id,
        )
    ).scalar_one_or_none()
    return qty or 0


def total(session: Session, key: StockKey) -> TotalSnapshot:
    """Sellable totals of a key (zeros when never booked)."""
    row = session.execute(
        sa.select(StockTotal.on_hand, StockTotal.reserved, StockTotal.version).where(
            StockTotal.merchant_id == key.merchant_id,
            StockTotal.product_id == key.product_id,
            StockTotal.channel == key.channel,
        )
    ).one_or_none()
    return TotalSnapshot(*row) if row else TotalSnapshot(0, 0, 0)
