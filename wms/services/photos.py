"""Inspection photos: checked, re-encoded (metadata stripped), stored on disk with a thumbnail."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from wms.db.models import Photo
from wms.domain.billing import Service
from wms.domain.errors import InvalidInput
from wms.services import billing
from wms.services.units import get_unit
from wms.services.uow import Actor, UnitOfWork

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
MAX_PIXELS = 40_000_000
STORED_EDGE = 2400
THUMB_EDGE = 320


def _decode(data: bytes) -> Image.Image:
    if not data:
        raise InvalidInput("photo.empty")
    try:
        probe = Image.open(io.BytesIO(data))
        if probe.format not in ALLOWED_FORMATS:
            raise InvalidInput("photo.type", format=str(probe.format))
        if probe.width * probe.height > MAX_PIXELS:
            raise InvalidInput("photo.too_large")
        probe.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise InvalidInput("photo.unreadable") from None
    return ImageOps.exif_transpose(image).convert("RGB")


def _jpeg(image: Image.Image, edge: int) -> bytes:
    copy = image.copy()
    copy.thumbnail((edge, edge))
    out = io.BytesIO()
    copy.save(out, "JPEG", quality=85)
    return out.getvalue()


def add_photo(
    uow: UnitOfWork,
    actor: Actor,
    lpn: str,
    data: bytes,
    *,
    photo_dir: Path,
    max_bytes: int,
) -> Photo:
    """Store a photo of a unit; the files are written before the row so a row never dangles."""
    if len(data) > max_bytes:
        raise InvalidInput("photo.too_large")
    unit = get_unit(uow.session, lpn, actor, lock=False)
    image = _decode(data)
    stored, thumb = _jpeg(image, STORED_EDGE), _jpeg(image, THUMB_EDGE)
    digest = hashlib.sha256(stored).hexdigest()
    folder = photo_dir / str(unit.merchant_id) / unit.lpn
    folder.mkdir(parents=True, exist_ok=True)
    path, thumb_path = folder / f"{digest}.jpg", folder / f"{digest}.thumb.jpg"
    path.write_bytes(stored)
    thumb_path.write_bytes(thumb)
    width, height = Image.open(io.BytesIO(stored)).size
    photo = Photo(
        unit_id=unit.id,
        merchant_id=unit.merchant_id,
        path=str(path.relative_to(photo_dir)),
        thumb_path=str(thumb_path.relative_to(photo_dir)),
        content_type="image/jpeg",
        size=len(stored),
        width=width,
        height=height,
        sha256=digest,
        uploaded_by=actor.name,
        created_at=uow.now(),
    )
    uow.session.add(photo)
    uow.session.flush()
    uow.audit("unit", unit.id, "photo", actor, lpn=lpn, photo_id=photo.id)
    billing.record(uow, unit.merchant_id, Service.PHOTO, f"photo:{unit.lpn}:{digest}", ref=unit.lpn)
    return photo
