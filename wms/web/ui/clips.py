"""Video clips on the dashboard: the player's source, for users who may see the return order."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import send_file
from werkzeug.security import safe_join

from wms.domain.errors import NotFound
from wms.services import clips
from wms.web.auth import current, protect
from wms.web.context import wms
from wms.web.ui import ANY_USER, bp


@bp.route("/clips/<int:clip_id>.mp4")
@protect(ANY_USER)
def clip_video(clip_id: int) -> Any:
    """A clip's MP4 (byte ranges, so the player can seek), only within the user's merchant scope."""
    with wms().db.reading() as db:
        item = clips.clip_for(db, current().actor, clip_id)
    root = str(Path(wms().settings.clips.dir).resolve())
    path = safe_join(root, item.path)
    if path is None or not Path(path).is_file():
        raise NotFound("clip.not_found", clip=str(clip_id))
    response = send_file(path, mimetype=item.content_type, conditional=True, max_age=3600)
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response
