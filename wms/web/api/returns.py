"""Return orders and units: reads, announcements, decisions and photos."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import request

from wms.db import queries
from wms.db.models import ReturnOrder, UserRole
from wms.domain.errors import NotFound
from wms.services import idempotency, receiving, workflow
from wms.services.photos import add_photo
from wms.services.receiving import AnnouncedLine, Announcement
from wms.services.units import get_unit, unit_view
from wms.services.uow import UnitOfWork
from wms.web.api import bp
from wms.web.api import schemas as s
from wms.web.api.routing import endpoint
from wms.web.auth import INTEGRATION, STAFF_ROLES, STATION, USER, Access, Principal
from wms.web.context import run, wms
from wms.web.errors import ApiError

READERS = Access(frozenset({STATION, INTEGRATION, USER}))
ANNOUNCERS = Access(frozenset({INTEGRATION}))
DECIDERS = Access(frozenset({INTEGRATION, USER}), user_roles=STAFF_ROLES | {UserRole.MERCHANT})
PHOTOGRAPHERS = Access(frozenset({STATION, USER}), user_roles=STAFF_ROLES | {UserRole.MERCHANT})


def return_out(order: ReturnOrder, merchant_code: str | None) -> s.ReturnOut:
    """Serialise a return order."""
    return s.ReturnOut(
        id=order.id,
        number=order.number,
        merchant=merchant_code,
        marketplace=order.marketplace.value,
        order_code=order.order_code,
        return_type=order.return_type.value,
        reason=order.reason.value,
        state=order.state.value,
        announced=order.announced,
        created_at=order.created_at,
        received_at=order.received_at,
        completed_at=order.completed_at,
        flags=order.flags or {},
    )


@endpoint(
    bp,
    "/returns",
    "GET",
    access=READERS,
    query=s.ReturnQuery,
    response=s.ReturnList,
    summary="List return orders, newest first",
    tag="returns",
)
def list_returns(principal: Principal, query: s.ReturnQuery) -> s.ReturnList:
    """Return orders visible to the caller, filtered and paged."""
    with wms().db.reading() as db:
        merchant_id = queries.merchant_id_by_code(db, query.merchant) if query.merchant else None
        rows, cursor = queries.list_returns(
            db,
            merchant_scope=principal.merchant_id,
            merchant_id=merchant_id,
            state=query.state,
            q=query.q,
            limit=query.limit,
            cursor=query.cursor,
        )
        return s.ReturnList(items=[return_out(o, c) for o, c in rows], next_cursor=cursor)


@endpoint(
    bp,
    "/returns/<int:order_id>",
    "GET",
    access=READERS,
    response=s.ReturnOut,
    summary="One return order with lines and units",
    tag="returns",
)
def get_return(principal: Principal, order_id: int) -> s.ReturnOut:
    """A return order with its lines and units."""
    with wms().db.reading() as db:
        order, code, lines, units = queries.return_detail(db, order_id, principal.merchant_id)
        out = return_out(order, code)
        out.lines = [s.ReturnLineOut(**line) for line in lines]
        out.units = units
        return out


@endpoint(
    bp,
    "/returns",
    "POST",
    access=ANNOUNCERS,
    body=s.AnnounceIn,
    response=s.ReturnOut,
    status=201,
    also=(200,),
    summary="Announce an expected return (idempotent by external_id)",
    tag="integration",
)
def announce(principal: Principal, body: s.AnnounceIn) -> Any:
    """Create an expected return order; the same external_id again returns the first one."""

    def op(uow: UnitOfWork) -> tuple[dict[str, Any], int]:
        merchant_id = queries.merchant_id_by_code(uow.session, body.merchant)
        ann = Announcement(
            merchant_id=merchant_id,
            marketplace=body.marketplace,
            order_code=body.order_code,
            return_type=body.return_type,
            reason=body.reason,
            external_id=body.external_id,
            customer_ref=body.customer_ref,
            lines=tuple(AnnouncedLine(ln.sku, ln.quantity, ln.price) for ln in body.lines),
            reverse_logistics_cost=body.reverse_logistics_cost,
            ordered_at=body.ordered_at,
            expected_at=body.expected_at,
        )
        order, created = receiving.announce(uow, principal.actor, ann)
        return return_out(order, body.merchant).model_dump(mode="json"), 201 if created else 200

    key = request.headers.get("Idempotency-Key")
    digest = idempotency.request_hash(body.model_dump(mode="json"))
    return idempotency.run_once(wms().db, principal.actor.name, key, digest, op)


def _unit_out(principal: Principal, lpn: str) -> s.UnitOut:
    with wms().db.reading() as db:
        unit = get_unit(db, lpn.upper(), principal.actor, lock=False)
        history = [
            s.HistoryEvent(
                at=e.created_at,
                action=e.action,
                from_state=e.from_state,
                to_state=e.to_state,
                actor=e.actor,
                payload=e.payload or {},
            )
            for e in queries.unit_history(db, unit.id)
        ]
        inspections = [
            {
                "at": i.created_at.isoformat(),
                "choice": i.choice.value,
                "suggested": i.suggested.value,
                "checks": i.checks,
                "disposition": i.disposition.value,
            }
            for i in queries.unit_inspections(db, unit.id)
        ]
        photos = [
            {"id": p.id, "width": p.width, "height": p.height, "at": p.created_at.isoformat()}
            for p in queries.unit_photos(db, unit.id)
        ]
        return s.UnitOut(
            unit=unit_view(unit), history=history, inspections=inspections, photos=photos
        )


@endpoint(
    bp,
    "/units/<lpn>",
    "GET",
    access=READERS,
    response=s.UnitOut,
    summary="A unit with its full history",
    tag="returns",
)
def get_unit_endpoint(principal: Principal, lpn: str) -> s.UnitOut:
    """A unit, its history, inspections and photos."""
    return _unit_out(principal, lpn)


@endpoint(
    bp,
    "/units/<lpn>/decision",
    "POST",
    access=DECIDERS,
    body=s.DecisionIn,
    response=s.UnitOut,
    summary="Decide on a unit awaiting decision",
    tag="returns",
)
def decide(principal: Principal, lpn: str, body: s.DecisionIn) -> s.UnitOut:
    """Dispose, return to merchant, resell, repair or claim a unit awaiting decision."""
    run(workflow.decide, principal.actor, lpn.upper(), body.decision, note=body.note)
    return _unit_out(principal, lpn)


@endpoint(
    bp,
    "/units/<lpn>/photos",
    "POST",
    access=PHOTOGRAPHERS,
    response=s.Created,
    status=201,
    summary="Upload a photo of a unit (multipart field `photo`)",
    tag="returns",
    multipart=True,
)
def upload_photo(principal: Principal, lpn: str) -> s.Created:
    """Store an inspection photo (JPEG, PNG or WebP)."""
    settings = wms().settings.storage
    upload = request.files.get("photo")
    if upload is None:
        raise ApiError(400, "missing_file", "send the image as multipart field 'photo'")
    max_bytes = int(settings.max_upload_mb * 1024 * 1024)
    data = upload.stream.read(max_bytes + 1)
    photo = run(
        add_photo,
        principal.actor,
        lpn.upper(),
        data,
        photo_dir=Path(settings.photo_dir),
        max_bytes=max_bytes,
    )
    if photo is None:
        raise NotFound("unit.not_found", lpn=lpn)
    return s.Created(id=photo.id)
