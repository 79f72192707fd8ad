"""Clip upload for receipt stations: `PUT /clips/<clip id>`, the MP4 as the body (idempotent)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from flask import request
from pydantic import BaseModel, Field
from sqlalchemy.exc import IntegrityError

from wms.db.models import Clip, ReturnOrder, StationRole
from wms.domain.errors import Conflict
from wms.services import clips
from wms.services.uow import Actor, UnitOfWork
from wms.web.api import bp
from wms.web.api.routing import endpoint
from wms.web.api.schemas import Query, Timestamp
from wms.web.auth import STATION, Access, Principal
from wms.web.context import run, wms
from wms.web.errors import ApiError

# Clips are recorded where parcels are opened.
RECEIPT_STATIONS = Access(
    frozenset({STATION}), station_roles=frozenset({StationRole.RECEIPT, StationRole.UNIVERSAL})
)
CLIENT_ID = r"^[A-Za-z0-9-]{8,64}$"


class ClipQuery(Query):
    """What the station knows about the clip (the body is the MP4 itself)."""

    start_event_id: str = Field(
        min_length=8, max_length=64, pattern=r"^[A-Za-z0-9-]+$",
        description="event id of the scan that opened the receipt (order code or CMD:BLIND)",
    )  # fmt: skip
    order_code: str = Field(default="", max_length=64)
    started_at: Timestamp
    ended_at: Timestamp
    sha256: str = Field(pattern=r"^[0-9a-fA-F]{64}$", description="SHA-256 of the body")


class ClipOut(BaseModel):
    """A stored clip."""

    id: int
    return_order: str
    duration_ms: int
    size: int
    sha256: str
    created: bool


def _out(clip: Clip, number: str, created: bool) -> ClipOut:
    return ClipOut(
        id=clip.id,
        return_order=number,
        duration_ms=clip.duration_ms,
        size=clip.size,
        sha256=clip.sha256,
        created=created,
    )


def _order_number(uow: UnitOfWork, order_id: int) -> str:
    order = uow.session.get(ReturnOrder, order_id)
    return str(order.number) if order else ""


def _existing(uow: UnitOfWork, actor: Actor, client_id: str) -> tuple[Clip, str] | None:
    assert actor.station_id is not None
    clip = clips.find(uow.session, actor.station_id, client_id)
    return (clip, _order_number(uow, clip.return_order_id)) if clip else None


def _attach(
    uow: UnitOfWork,
    actor: Actor,
    upload: clips.ClipUpload,
    received: clips.Received,
    clip_dir: Path,
) -> tuple[Clip, str, bool]:
    clip, created = clips.attach(uow, actor, upload, received, clip_dir=clip_dir)
    return clip, _order_number(uow, clip.return_order_id), created


@endpoint(
    bp,
    "/clips/<client_id>",
    "PUT",
    access=RECEIPT_STATIONS,
    query=ClipQuery,
    response=ClipOut,
    status=201,
    also=(200,),
    raw_body=clips.CONTENT_TYPE,
    summary="Upload the video of an opened parcel (body: video/mp4; idempotent by clip id)",
    tag="stations",
)
def upload_clip(principal: Principal, client_id: str, query: ClipQuery) -> Any:
    """Store a clip recorded at receipt and attach it to the return order its first scan opened."""
    if not re.match(CLIENT_ID, client_id):
        raise ApiError(400, "invalid_clip_id", "clip ids are 8-64 letters, digits or dashes")
    settings = wms().settings.clips
    max_bytes = int(settings.max_upload_mb * 1024 * 1024)
    # A retry of a clip already stored is answered before its body is read again.
    found = run(_existing, principal.actor, client_id)
    if found is not None:
        if found[0].sha256 != query.sha256.lower():
            raise Conflict("clip.conflict", clip=client_id)
        return _out(found[0], found[1], False), 200
    if request.mimetype != clips.CONTENT_TYPE:
        raise ApiError(415, "unsupported_media_type", "send the clip as video/mp4")
    if request.content_length is None:
        raise ApiError(411, "length_required", "send Content-Length with the clip")
    if request.content_length > max_bytes:
        raise ApiError(413, "too_large", f"clips are limited to {settings.max_upload_mb:g} MB")
    # The app-wide cap is for forms and photos; this route has its own.
    request.max_content_length = max_bytes
    clip_dir = Path(settings.dir)
    received = clips.receive(request.stream, clip_dir, max_bytes)
    upload = clips.ClipUpload(
        client_id=client_id,
        start_event_id=query.start_event_id,
        order_code=query.order_code,
        started_at=query.started_at,
        ended_at=query.ended_at,
        sha256=query.sha256,
    )
    try:
        clip, number, created = run(_attach, principal.actor, upload, received, clip_dir)
    except IntegrityError:
        # The same clip arrived twice at once and the other request stored it first.
        found = run(_existing, principal.actor, client_id)
        if found is None:
            raise
        if found[0].sha256 != received.sha256:
            raise Conflict("clip.conflict", clip=client_id) from None
        clip, number, created = found[0], found[1], False
    finally:
        received.path.unlink(missing_ok=True)  # moved into place when stored
    return _out(clip, number, created), 201 if created else 200
