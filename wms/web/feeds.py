"""`/feeds/kaspi/<token>.xml`: the Kaspi price list, authenticated by the secret token in its URL.

Kaspi's puller sends no credentials; the 43-character random token is the credential (only its
SHA-256 is stored; `wms account feed-url` rotates it). The file is streamed; the fetch is logged
once the response is closed.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, request

from wms.services.sync import feed
from wms.web.auth import PUBLIC, protect
from wms.web.context import wms

bp = Blueprint("feeds", __name__, url_prefix="/feeds")


@bp.get("/kaspi/<token>.xml")
@protect(PUBLIC)
def kaspi(token: str) -> Response:
    """Stream the account's full price list."""
    context = wms()
    with context.db.reading() as session:
        source = feed.open_source(session, token)
    if source is None:
        abort(404)
    progress = feed.FeedProgress(source)
    remote, agent = request.remote_addr, request.user_agent.string
    response = Response(
        feed.stream(context.db, progress),
        content_type="application/xml; charset=utf-8",
        headers={"Cache-Control": "no-store", "X-Robots-Tag": "noindex"},
    )
    response.call_on_close(lambda: feed.log_fetch(context.db, progress, remote, agent))
    return response
