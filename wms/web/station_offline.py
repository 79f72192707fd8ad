"""The handheld page's offline journal: LPN blocks, failed replays, and the service worker."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import jsonify, send_from_directory, url_for

from wms.domain.station_session import StationRole
from wms.services import receiving
from wms.services.sequences import format_lpn
from wms.web.api.routing import parse_json_body
from wms.web.api.schemas import StationExceptionIn
from wms.web.api.stations import record_replay_failure
from wms.web.auth import PUBLIC, protect
from wms.web.context import run, wms
from wms.web.station_page import _principal, bp, protect_page


@bp.route("/lpn-block", methods=["POST"])
@protect_page
def lpn_block() -> Any:
    """Reserve LPNs for the page's offline receipt (as `POST /api/v1/stations/lpn-block`)."""
    principal = _principal()
    if principal.station_role not in (StationRole.RECEIPT, StationRole.UNIVERSAL):
        return _error(403, "forbidden", "only receipt stations label units offline")
    size = wms().settings.warehouse.lpn_block_size
    block = run(receiving.reserve_lpn_block, principal.actor, size)
    first, last = block.first_number, block.last_number
    answer = {"first": format_lpn(first), "last": format_lpn(last), "count": last - first + 1}
    return jsonify(answer), 201


@bp.route("/exceptions", methods=["POST"])
@protect_page
def report_exception() -> Any:
    """A scan the page's journal could not replay: into the supervisors' exceptions queue."""
    body = parse_json_body(StationExceptionIn)  # as strict as the API
    return jsonify(id=run(record_replay_failure, _principal(), body)), 201


@bp.route("/sw.js", methods=["GET"])
@protect(PUBLIC)  # the worker script itself holds nothing secret
def service_worker() -> Any:
    """The offline service worker, served under /station so its scope covers the page."""
    response = send_from_directory(Path(__file__).parent / "static" / "station", "sw.js")
    response.headers["Service-Worker-Allowed"] = url_for("station_page.page")
    response.headers["Cache-Control"] = "no-cache"
    return response


def _error(status: int, code: str, message: str) -> Any:
    return jsonify(error={"code": code, "message": message, "details": {}}), status
