"""Video clips of opened parcels: receive a station's upload, attach it to its return order, purge.

A station records from the scan that opened a receipt (order code or `CMD:BLIND`) to `CMD:CLOSE`
and uploads the MP4 later, maybe after an outage. The clip names that opening scan by its event
id, so the server finds the return order the scan opened, even for a blind return or an order
code scanned twice; the order code only helps when the stored answer was trimmed.
"""

from __future__ import annotations

import hashlib
import logging
import os
import struct
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import BinaryIO

import sqlalchemy as sa
from sqlalchemy.orm import Session

from wms.db.models import Clip, ReturnOrder, ScanEvent
from wms.db.session import Database
from wms.domain.errors import Conflict, DomainError, InvalidInput, NotFound
from wms.services.uow import Actor, UnitOfWork, execute

log = logging.getLogger(__name__)

CONTENT_TYPE = "video/mp4"
CHUNK = 1024 * 1024
PURGE_BATCH = 500
# Boxes the MP4 parser steps into on the way to the movie header (moov → mvhd).
_HEADER = struct.Struct(">I4s")


class ClipTooLarge(InvalidInput):
    """The upload is above `[clips] max_upload_mb`."""

    http_status = 413


class ClipStartUnknown(DomainError):
    """The scan that opened the receipt has not reached the server yet: send the clip later."""

    code = "clip_start_unknown"
    # 425 Too Early: stations retry it like an outage (the journal replays the scan first).
    http_status = 425


@dataclass(frozen=True)
class ClipUpload:
    """What a station says about a clip besides its bytes."""

    client_id: str
    start_event_id: str
    order_code: str
    started_at: datetime
    ended_at: datetime
    sha256: str | None = None


@dataclass(frozen=True)
class Received:
    """An upload written to a temporary file, with its size and digest."""

    path: Path
    size: int
    sha256: str


@dataclass(frozen=True)
class ClipFile:
    """One clip as evidence: where it is on disk and its digest (for claim evidence packs)."""

    id: int
    path: Path
    sha256: str
    size: int
    duration_ms: int
    started_at: datetime
    ended_at: datetime
    station_id: int


def find(session: Session, station_id: int, client_id: str) -> Clip | None:
    """The clip this station already uploaded under its own id, if any."""
    return session.execute(
        sa.select(Clip).where(Clip.station_id == station_id, Clip.client_id == client_id)
    ).scalar_one_or_none()


def receive(source: BinaryIO, clip_dir: Path, max_bytes: int) -> Received:
    """Copy an upload to a temporary file in the clip folder, hashing it; refuse it past the cap."""
    tmp = clip_dir / "tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    path = tmp / f"{uuid.uuid4().hex}.part"
    digest, size = hashlib.sha256(), 0
    try:
        with path.open("wb") as out:
            while chunk := source.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise ClipTooLarge("clip.too_large", mb=str(max_bytes // (1024 * 1024)))
                digest.update(chunk)
                out.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    if size == 0:
        path.unlink(missing_ok=True)
        raise InvalidInput("clip.empty")
    return Received(path, size, digest.hexdigest())


def _boxes(fp: BinaryIO, start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
    """(type, payload offset, payload end) of the ISO-BMFF boxes between two offsets."""
    offset = start
    while offset + 8 <= end:
        fp.seek(offset)
        size, kind = _HEADER.unpack(fp.read(8))
        header = 8
        if size == 1:  # 64-bit size follows
            size, header = struct.unpack(">Q", fp.read(8))[0], 16
        elif size == 0:  # to the end of the file
            size = end - offset
        if size < header or offset + size > end:
            raise InvalidInput("clip.unreadable")
        yield kind, offset + header, offset + size
        offset += size


def mp4_duration_ms(path: Path) -> int:
    """The duration in the movie header of a finished MP4 (InvalidInput if it is not one)."""
    end = path.stat().st_size
    with path.open("rb") as fp:
        if fp.read(12)[4:8] != b"ftyp":
            raise InvalidInput("clip.type")
        try:
            for kind, body, box_end in _boxes(fp, 0, end):
                if kind != b"moov":
                    continue
                for inner, payload, _ in _boxes(fp, body, box_end):
                    if inner == b"mvhd":
                        return _mvhd_ms(fp, payload)
        except struct.error:
            raise InvalidInput("clip.unreadable") from None
    # No movie header: the recorder was killed before it finished the file.
    raise InvalidInput("clip.unreadable")


def _mvhd_ms(fp: BinaryIO, payload: int) -> int:
    fp.seek(payload)
    version = fp.read(4)[0]
    if version == 1:
        _created, _modified, timescale, duration = struct.unpack(">QQIQ", fp.read(28))
    else:
        _created, _modified, timescale, duration = struct.unpack(">IIII", fp.read(16))
    if timescale == 0 or duration == 0:
        raise InvalidInput("clip.unreadable")
    return duration * 1000 // timescale


def _order_of(
    session: Session, station_id: int, upload: ClipUpload
) -> tuple[ReturnOrder, int | None]:
    """The return order the clip's opening scan worked on, and the operator who scanned it."""
    event = session.execute(
        sa.select(ScanEvent).where(
            ScanEvent.station_id == station_id, ScanEvent.event_id == upload.start_event_id
        )
    ).scalar_one_or_none()
    if event is None:
        raise ClipStartUnknown("clip.start_unknown", event=upload.start_event_id)
    context = (event.response or {}).get("context") or {}
    number = (context.get("return_order") or {}).get("number")
    order = None
    if number:
        order = session.execute(
            sa.select(ReturnOrder).where(ReturnOrder.number == number)
        ).scalar_one_or_none()
    if order is None and upload.order_code:
        # The stored answer was trimmed by retention, or the scan was refused: the newest order
        # with this code received at this station is the best match there is.
        order = session.execute(
            sa.select(ReturnOrder)
            .where(ReturnOrder.order_code == upload.order_code)
            .order_by((ReturnOrder.station_id == station_id).desc(), ReturnOrder.id.desc())
            .limit(1)
        ).scalar_one_or_none()
    if order is None:
        raise NotFound("clip.order_not_found", code=upload.order_code or upload.start_event_id)
    return order, event.operator_id


def attach(
    uow: UnitOfWork,
    actor: Actor,
    upload: ClipUpload,
    received: Received,
    *,
    clip_dir: Path,
) -> tuple[Clip, bool]:
    """Store a received clip with its return order; (clip, created). A repeat returns the first."""
    assert actor.station_id is not None
    session = uow.session
    existing = find(session, actor.station_id, upload.client_id)
    if existing is not None:
        if existing.sha256 != received.sha256:
            raise Conflict("clip.conflict", clip=upload.client_id)
        return existing, False
    if upload.sha256 and upload.sha256.lower() != received.sha256:
        raise InvalidInput("clip.damaged")
    if upload.ended_at < upload.started_at:
        raise InvalidInput("clip.times")
    duration_ms = mp4_duration_ms(received.path)
    order, operator_id = _order_of(session, actor.station_id, upload)
    relative = Path(str(order.merchant_id or "none"), order.number, f"{upload.client_id}.mp4")
    clip = Clip(
        client_id=upload.client_id,
        station_id=actor.station_id,
        return_order_id=order.id,
        merchant_id=order.merchant_id,
        operator_id=operator_id,
        order_code=upload.order_code[:64],
        started_at=upload.started_at,
        ended_at=upload.ended_at,
        duration_ms=duration_ms,
        size=received.size,
        sha256=received.sha256,
        path=relative.as_posix(),
        content_type=CONTENT_TYPE,
        created_at=uow.now(),
    )
    session.add(clip)
    # The row first (a concurrent twin fails here, before touching any file), then the file;
    # both become visible at commit, so a committed row never points at nothing.
    session.flush()
    final = clip_dir / relative
    final.parent.mkdir(parents=True, exist_ok=True)
    os.replace(received.path, final)
    uow.audit("return_order", order.id, "clip", actor, clip_id=clip.id, seconds=duration_ms // 1000)
    return clip, True


def order_clips(session: Session, actor: Actor, order_id: int) -> list[Clip]:
    """The clips of a return order the actor may see, oldest first."""
    order = session.get(ReturnOrder, order_id)
    if order is None or not _may_see(actor, order):
        return []
    return list(
        session.execute(
            sa.select(Clip)
            .where(Clip.return_order_id == order_id)
            .order_by(Clip.started_at, Clip.id)
        ).scalars()
    )


def _may_see(actor: Actor, order: ReturnOrder) -> bool:
    # The order's merchant decides (a blind return gets its merchant at the first product);
    # a return without a merchant is for warehouse staff only.
    if order.merchant_id is None:
        return actor.merchant_id is None
    return actor.may_access(order.merchant_id)


def clip_for(session: Session, actor: Actor, clip_id: int) -> Clip:
    """A clip the actor may see (NotFound otherwise)."""
    clip = session.get(Clip, clip_id)
    order = session.get(ReturnOrder, clip.return_order_id) if clip is not None else None
    if clip is None or order is None or not _may_see(actor, order):
        raise NotFound("clip.not_found", clip=str(clip_id))
    return clip


def evidence_clips(session: Session, clip_dir: Path, order_id: int) -> list[ClipFile]:
    """Evidence hook for claims: an order's clips as absolute file paths with their SHA-256."""
    clips = session.execute(
        sa.select(Clip).where(Clip.return_order_id == order_id).order_by(Clip.started_at, Clip.id)
    ).scalars()
    return [
        ClipFile(
            id=c.id,
            path=(clip_dir / c.path).resolve(),
            sha256=c.sha256,
            size=c.size,
            duration_ms=c.duration_ms,
            started_at=c.started_at,
            ended_at=c.ended_at,
            station_id=c.station_id,
        )
        for c in clips
    ]


def hold(uow: UnitOfWork, actor: Actor, order_id: int, *, held: bool = True) -> int:
    """Keep (or release) an order's clips past retention, e.g. while a claim uses them."""
    result = uow.session.execute(
        sa.update(Clip).where(Clip.return_order_id == order_id).values(hold=held)
    )
    uow.audit("return_order", order_id, "clips_hold" if held else "clips_release", actor)
    return int(result.rowcount or 0)


@dataclass
class Purged:
    """What one purge batch removed."""

    rows: int = 0
    bytes: int = 0
    paths: tuple[str, ...] = ()


def purge_batch(uow: UnitOfWork, retention_days: int, *, dry_run: bool = False) -> Purged:
    """Delete one batch of clip rows past retention (held ones stay); files go after commit."""
    cutoff = uow.now() - timedelta(days=retention_days)
    rows = uow.session.execute(
        sa.select(Clip.id, Clip.path, Clip.size)
        .where(Clip.created_at < cutoff, Clip.hold.is_(False))
        .order_by(Clip.id)
        .limit(PURGE_BATCH)
    ).all()
    if rows and not dry_run:
        uow.session.execute(
            sa.delete(Clip)
            .where(Clip.id.in_([r.id for r in rows]))
            .execution_options(synchronize_session=False)
        )
    return Purged(len(rows), sum(r.size for r in rows), tuple(r.path for r in rows))


def remove_files(clip_dir: Path, paths: tuple[str, ...]) -> int:
    """Delete purged clips' files (after their rows are gone); how many were there."""
    removed = 0
    root = clip_dir.resolve()
    for relative in paths:
        path = (root / relative).resolve()
        if not path.is_relative_to(root):
            log.error("clip path outside the clip folder, left alone: %s", relative)
            continue
        try:
            path.unlink()
            removed += 1
        except FileNotFoundError:
            log.warning("purged clip file already gone: %s", path)
        for parent in (path.parent, path.parent.parent):
            if parent != root:
                try:
                    parent.rmdir()  # only when empty
                except OSError:
                    break
    return removed


def purge(db: Database, clip_dir: Path, retention_days: int, *, dry_run: bool = False) -> Purged:
    """Purge every clip past retention, batch by batch: rows first, then their files."""
    total = Purged()
    while True:
        batch = execute(db, purge_batch, retention_days, dry_run=dry_run)
        total.rows += batch.rows
        total.bytes += batch.bytes
        if not dry_run:
            remove_files(clip_dir, batch.paths)
        if dry_run or batch.rows < PURGE_BATCH:
            return total
