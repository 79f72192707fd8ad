"""Stock: reads, and the integration bookings that keep the WMS the stock of record."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import request
from pydantic import BaseModel

from wms.db import queries
from wms.db.models import Merchant
from wms.domain.errors import NotFound
from wms.domain.stock import Channel
from wms.services import idempotency, inventory, stock
from wms.services.stock import StockKey, TotalSnapshot
from wms.services.uow import Actor, UnitOfWork
from wms.web.api import bp
from wms.web.api import schemas as s
from wms.web.api.routing import endpoint
from wms.web.auth import INTEGRATION, STATION, USER, Access, Principal
from wms.web.context import wms
from wms.web.errors import ApiError

READERS = Access(frozenset({STATION, INTEGRATION, USER}))
BOOKERS = Access(frozenset({INTEGRATION}))


@endpoint(
    bp,
    "/stock",
    "GET",
    access=READERS,
    query=s.StockQuery,
    response=s.StockOut,
    summary="Stock of a SKU per channel and bin",
    tag="stock",
)
def get_stock(principal: Principal, query: s.StockQuery) -> s.StockOut:
    """On hand, reserved and available per channel, with the bins."""
    with wms().db.reading() as db:
        if query.merchant:
            merchant_id = queries.merchant_id_by_code(db, query.merchant)
        elif principal.merchant_id is not None:
            merchant_id = principal.merchant_id
        else:
            raise ApiError(422, "merchant_required", "give the merchant code for this SKU")
        if not principal.actor.may_access(merchant_id):
            # Other merchants' SKUs do not exist for this caller.
            raise NotFound("product.not_found", sku=query.sku)
        product, channels = queries.stock_of_sku(db, merchant_id, query.sku)
        merchant = db.get(Merchant, merchant_id)
        return s.StockOut(
            merchant=merchant.code if merchant else "",
            sku=product.sku,
            title=product.title,
            channels=[s.StockChannel(**c) for c in channels],
        )


Booking = Callable[[UnitOfWork, StockKey, Any], TotalSnapshot | None]
ActorBooking = Callable[[Actor, UnitOfWork, StockKey, Any], TotalSnapshot | None]


def _book(principal: Principal, body: Any, booking: Booking) -> Any:
    def op(uow: UnitOfWork) -> tuple[dict[str, Any], int]:
        merchant_id = queries.merchant_id_by_code(uow.session, body.merchant)
        key = inventory.key_for(
            uow.session, principal.actor, merchant_id, body.sku, Channel(body.channel)
        )
        booking(uow, key, body)
        snap = stock.total(uow.session, key)
        out = s.StockTotalOut(
            merchant=body.merchant,
            sku=body.sku,
            channel=key.channel.value,
            on_hand=snap.on_hand,
            reserved=snap.reserved,
            available=snap.available,
        )
        return out.model_dump(mode="json"), 201

    key = request.headers.get("Idempotency-Key")
    digest = idempotency.request_hash({"path": request.path, **body.model_dump(mode="json")})
    return idempotency.run_once(wms().db, principal.actor.name, key, digest, op)


def _need_bin(body: s.StockMoveIn) -> str:
    if not body.bin:
        raise ApiError(422, "bin_required", "inbound needs the bin the goods go to")
    return body.bin


def _inbound(actor: Actor, uow: UnitOfWork, key: StockKey, b: Any) -> TotalSnapshot | None:
    return inventory.inbound(uow, actor, key, _need_bin(b), b.quantity, b.reference)


def _outbound(actor: Actor, uow: UnitOfWork, key: StockKey, b: Any) -> TotalSnapshot | None:
    return inventory.outbound(
        uow,
        actor,
        key,
        b.quantity,
        b.reference,
        bin_code=b.bin,
        from_reservation=b.from_reservation,
    )


def _reserve(actor: Actor, uow: UnitOfWork, key: StockKey, b: Any) -> TotalSnapshot | None:
    return inventory.reserve(uow, actor, key, b.quantity, b.reference)


def _release(actor: Actor, uow: UnitOfWork, key: StockKey, b: Any) -> TotalSnapshot | None:
    return inventory.release(uow, actor, key, b.quantity, b.reference)


def _adjust(actor: Actor, uow: UnitOfWork, key: StockKey, b: Any) -> TotalSnapshot | None:
    return inventory.adjust(uow, actor, key, b.bin, b.counted, b.reference, b.reason)


# path, endpoint name, body, summary, booking: one integration endpoint each.
BOOKINGS: list[tuple[str, str, type[BaseModel], str, ActorBooking]] = [
    ("/stock/inbound", "inbound", s.StockMoveIn, "Goods arrived into a bin", _inbound),
    ("/stock/outbound", "outbound", s.StockMoveIn, "Goods shipped out", _outbound),
    ("/stock/reservations", "reserve", s.StockMoveIn, "Reserve available stock", _reserve),
    ("/stock/releases", "release", s.StockMoveIn, "Release a reservation", _release),
    ("/stock/adjustments", "adjust", s.AdjustmentIn, "Book a cycle count of one bin", _adjust),
]


def _register(
    path: str, name: str, model: type[BaseModel], summary: str, booking: ActorBooking
) -> None:
    def view(principal: Principal, body: Any) -> Any:
        return _book(principal, body, functools.partial(booking, principal.actor))

    view.__name__ = name
    view.__doc__ = summary
    endpoint(
        bp,
        path,
        "POST",
        access=BOOKERS,
        body=model,
        response=s.StockTotalOut,
        status=201,
        summary=summary,
        tag="integration",
    )(view)


for _booking in BOOKINGS:
    _register(*_booking)
