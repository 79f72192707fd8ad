"""Station endpoints: scans, LPN blocks, heartbeat, exceptions, classification."""

from __future__ import annotations

from typing import Any

from wms.db.base import utcnow
from wms.db.models import FloorException, Station
from wms.domain import barcodes
from wms.services import receiving, sequences
from wms.services.scan import ScanRequest, handle_scan
from wms.services.uow import UnitOfWork
from wms.web.api import bp
from wms.web.api import schemas as s
from wms.web.api.routing import endpoint
from wms.web.auth import STATION, Access, Principal
from wms.web.context import run, wms
from wms.web.ops import scan_metrics

API_VERSION = 1
STATION_ONLY = Access(frozenset({STATION}))


@endpoint(
    bp,
    "/scan",
    "POST",
    access=STATION_ONLY,
    body=s.ScanIn,
    response=s.ScanOut,
    summary="Apply one scan (idempotent by event_id)",
    tag="stations",
)
def scan(principal: Principal, body: s.ScanIn) -> dict[str, Any]:
    """Apply one scan of the station and answer with prompt, sound and labels."""
    assert principal.station_id is not None
    req = ScanRequest(
        event_id=body.event_id,
        code=body.code,
        symbology=body.symbology,
        scanned_at=body.scanned_at,
        lpn=body.lpn,
        offline=body.offline,
    )
    with scan_metrics(principal) as answer:
        answer.update(run(handle_scan, principal.station_id, req))
    return answer


@endpoint(
    bp,
    "/stations/lpn-block",
    "POST",
    access=STATION_ONLY,
    body=s.LpnBlockIn,
    response=s.LpnBlockOut,
    status=201,
    summary="Reserve LPNs for offline receipt",
    tag="stations",
)
def lpn_block(principal: Principal, body: s.LpnBlockIn) -> s.LpnBlockOut:
    """Reserve a block of consecutive LPNs for this station."""
    size = body.size or wms().settings.warehouse.lpn_block_size
    block = run(receiving.reserve_lpn_block, principal.actor, size)
    return s.LpnBlockOut(
        first=sequences.format_lpn(block.first_number),
        last=sequences.format_lpn(block.last_number),
        count=block.last_number - block.first_number + 1,
    )


@endpoint(
    bp,
    "/stations/me",
    "GET",
    access=STATION_ONLY,
    response=s.StationMe,
    summary="Who this station is",
    tag="stations",
)
def me(principal: Principal) -> s.StationMe:
    """The station's name, role and language, the API version and the server time."""
    with wms().db.reading() as db:
        station = db.get(Station, principal.station_id)
        assert station is not None
        info = s.StationInfo(name=station.name, role=station.role.value, language=station.language)
    return s.StationMe(
        station=info,
        api_version=API_VERSION,
        server_time=utcnow(),
        lpn_block_size=wms().settings.warehouse.lpn_block_size,
    )


def _heartbeat(uow: UnitOfWork, station_id: int, body: s.HeartbeatIn) -> None:
    station = uow.session.get(Station, station_id)
    assert station is not None
    station.last_seen_at = uow.now()
    station.queued_scans = body.queued
    station.scanner_status = body.scanner
    station.printer_status = body.printer


@endpoint(
    bp,
    "/stations/heartbeat",
    "POST",
    access=STATION_ONLY,
    body=s.HeartbeatIn,
    status=204,
    summary="Report the station's queue and device status",
    tag="stations",
)
def heartbeat(principal: Principal, body: s.HeartbeatIn) -> None:
    """Record that the station is alive, its offline queue and device states."""
    assert principal.station_id is not None
    run(_heartbeat, principal.station_id, body)


def record_replay_failure(uow: UnitOfWork, principal: Principal, body: s.StationExceptionIn) -> int:
    """A failed replay in the supervisors' exceptions queue (API and browser stations)."""
    item = FloorException(
        kind="replay_failed",
        station_id=principal.station_id,
        code=body.code,
        message=body.error,
        payload={"event_id": body.event_id, "detail": body.detail},
        created_at=uow.now(),
    )
    uow.session.add(item)
    uow.session.flush()
    return item.id


@endpoint(
    bp,
    "/stations/exceptions",
    "POST",
    access=STATION_ONLY,
    body=s.StationExceptionIn,
    response=s.Created,
    status=201,
    summary="Report a scan that could not be replayed",
    tag="stations",
)
def report_exception(principal: Principal, body: s.StationExceptionIn) -> s.Created:
    """Put a failed replay into the supervisors' exceptions queue."""
    return s.Created(id=run(record_replay_failure, principal, body))


@endpoint(
    bp,
    "/classify",
    "POST",
    access=STATION_ONLY,
    body=s.ClassifyIn,
    response=s.ClassifyOut,
    summary="Classify a code without acting on it",
    tag="stations",
)
def classify(principal: Principal, body: s.ClassifyIn) -> s.ClassifyOut:
    """What the server makes of a code (scanner diagnostics)."""
    found = barcodes.classify(body.code, body.symbology)
    return s.ClassifyOut(
        kind=found.kind.value,
        value=found.value,
        symbology=found.symbology,
        gtin=found.gtin,
        serial=found.serial,
        identification_code=found.identification_code,
        marketplace=found.marketplace,
        layout_fixed=found.layout_fixed,
        problem=found.problem,
    )
