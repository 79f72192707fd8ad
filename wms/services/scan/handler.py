"""`POST /api/v1/scan`: idempotent by event id, one transaction per scan, three-way result."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from wms.db.base import table_of
from wms.db.models import Operator, Printer, ScanEvent, Station, StationSession
from wms.db.session import writes_in
from wms.domain import barcodes, prompts
from wms.domain.barcodes import CodeKind
from wms.domain.errors import Conflict, DomainError
from wms.domain.station_session import Handler, Step, handler_for
from wms.services import floor_exceptions, printers
from wms.services.cache import TtlCache
from wms.services.scan import general, receipt, work
from wms.services.scan.context import OperatorInfo, Reply, ScanContext, StationInfo
from wms.services.uow import UnitOfWork

# What each entry of the station session table (wms.domain.station_session) runs.
HANDLERS: dict[Handler, Callable[[ScanContext], Reply]] = {
    Handler.LOGIN: general.on_badge,
    Handler.LOGOUT: general.on_logout,
    Handler.REPRINT: general.on_reprint,
    Handler.CHOOSE_PRINTER: general.on_printer,
    Handler.CANCEL: general.on_cancel,
    Handler.CANCEL_RECEIPT: general.on_cancel_receipt,
    Handler.OPEN_ORDER: receipt.on_order_code,
    Handler.OPEN_BLIND: receipt.on_blind,
    Handler.ADD_UNIT: receipt.on_unit_code,
    Handler.NO_MARKING: receipt.on_no_marking,
    Handler.CLOSE_RECEIPT: receipt.on_close,
    Handler.UNDO_UNIT: receipt.on_undo,
    Handler.CONFIRM_EXTRA: receipt.on_confirm_extra,
    Handler.DROP_EXTRA: receipt.on_drop_extra,
    Handler.DESCRIBE_ORDER: receipt.on_describe,
    Handler.START_UNIT: work.on_lpn,
    Handler.TICK_CHECK: work.on_check,
    Handler.GRADE: work.on_grade,
    Handler.REPAIR_DONE: work.on_repair_done,
    Handler.REPAIR_FAILED: work.on_repair_failed,
    Handler.REPACKED: work.on_repacked,
    Handler.PUT_INTO_BIN: work.on_bin,
    Handler.UNKNOWN_CODE: general.refuse_unknown,
    Handler.LOGIN_FIRST: general.refuse_login_first,
    Handler.NOT_HERE: general.refuse_not_here,
    Handler.SCAN_LPN_FIRST: general.refuse_scan_lpn_first,
}


@dataclass(frozen=True)
class ScanRequest:
    """One scan as the station sent it."""

    event_id: str
    code: str
    symbology: str | None
    scanned_at: datetime
    lpn: str | None = None
    offline: bool = False
    #: The station already printed its own label for this (offline) scan.
    printed_locally: bool = False


_SCAN_EVENTS = table_of(ScanEvent)
# Statements of every scan are built once (building and keying a statement costs more Python
# than running it); values travel as parameters.
# One statement locks the session and looks for the event. On PostgreSQL the look-up sees the
# database as of the statement's start: a concurrent scan of the same event that commits while
# we wait for the lock is caught by the unique key when we store ours (`_record`).
_FIND_EVENT = sa.select(ScanEvent.response).where(
    ScanEvent.station_id == sa.bindparam("station_id"),
    ScanEvent.event_id == sa.bindparam("event_id"),
)
_STORED = _FIND_EVENT.scalar_subquery()
_STORED_CODE = (
    sa.select(ScanEvent.code)
    .where(
        ScanEvent.station_id == sa.bindparam("station_id"),
        ScanEvent.event_id == sa.bindparam("event_id"),
    )
    .scalar_subquery()
)
# The station's server printer rides along: assignments change at any time, from any process.
_PRINTER_ID = (
    sa.select(Station.printer_id).where(Station.id == sa.bindparam("station_id")).scalar_subquery()
)
_LOCK_SESSION = (
    sa.select(StationSession, _STORED, _PRINTER_ID, _STORED_CODE)
    .where(StationSession.station_id == sa.bindparam("station_id"))
    .with_for_update(of=StationSession)
)
_INSERT_EVENT = _SCAN_EVENTS.insert()

# Station name, role and language change rarely; reading them per scan is wasted work.
_stations: TtlCache[StationInfo] = TtlCache(5.0)
# When this process last wrote each station's last_seen_at (heartbeats write it too).
_last_seen: dict[tuple[str, int], float] = {}
LAST_SEEN_EVERY_SECONDS = 15.0


def station_info(uow: UnitOfWork, station_id: int) -> StationInfo:
    """The station's name, role and language (cached for a few seconds per process)."""

    def load() -> StationInfo | None:
        row = uow.session.get(Station, station_id)
        return StationInfo(row.id, row.name, row.role, row.language) if row else None

    info = _stations.get_or_load((uow.db.uid, station_id), load)
    assert info is not None, f"no station {station_id}"
    return info


_operators: TtlCache[OperatorInfo] = TtlCache(5.0)


def operator_info(uow: UnitOfWork, operator_id: int) -> OperatorInfo | None:
    """The logged-in operator (cached for a few seconds per process)."""

    def load() -> OperatorInfo | None:
        row = uow.session.get(Operator, operator_id)
        return OperatorInfo.of(row) if row else None

    return _operators.get_or_load((uow.db.uid, operator_id), load)


def handle_scan(uow: UnitOfWork, station_id: int, req: ScanRequest) -> dict[str, Any]:
    """Apply a scan, or return the stored answer for an event id seen before."""
    station = station_info(uow, station_id)
    code = barcodes.classify(req.code, req.symbology)
    opened = _open(uow, station, code, req)
    if isinstance(opened, dict):
        return opened
    ctx = opened
    handler = handler_for(ctx.step, ctx.scanned, station.role, logged_in=ctx.operator is not None)
    reply = _run(uow, ctx, handler)
    if isinstance(reply, dict):
        return reply  # the same event was applied meanwhile by a concurrent request
    ctx, reply = reply
    if reply.prints:
        ctx.update_data(last_print=[spec.to_dict() for spec in reply.prints])
        if not req.printed_locally:
            _print_on_server(uow, ctx, reply, reprint=handler is Handler.REPRINT)
    ctx.state.updated_at = uow.now()
    response = _response(ctx, reply)
    return _record(uow, ctx, req, reply, response)


def _run(
    uow: UnitOfWork, ctx: ScanContext, handler: Handler
) -> tuple[ScanContext, Reply] | dict[str, Any]:
    """Run the step; a refusal leaves the session as it was and is answered, not raised."""
    writes = writes_in(uow.session)
    before = ctx.snapshot()
    try:
        # No autoflush: the session row changes during the step and would be written before
        # every query, then again at the end. Steps flush where a query must see their rows.
        with uow.session.no_autoflush:
            return ctx, HANDLERS[handler](ctx)
    except DomainError as exc:
        refusal = Reply("error", exc.prompt(), extra={"error_code": exc.code})
    if writes_in(uow.session) == writes:
        # Nothing reached the database: forget what the step changed in memory and answer
        # within the same transaction, still holding the session lock.
        ctx.restore(before)
        return ctx, refusal
    # The step wrote before it was refused: throw its work away and start again, so the scan
    # and its refusal are still stored.
    uow.rollback()
    opened = _open(uow, ctx.station, ctx.code, _request_of(ctx))
    if isinstance(opened, dict):
        return opened
    return opened, refusal


def _request_of(ctx: ScanContext) -> ScanRequest:
    request = ctx.request
    assert isinstance(request, ScanRequest)
    return request


def _open(
    uow: UnitOfWork, station: StationInfo, code: barcodes.Classified, req: ScanRequest
) -> ScanContext | dict[str, Any]:
    """Lock the station's session; the stored answer when this event was seen before."""
    params = {"station_id": station.id, "event_id": req.event_id}
    row = uow.session.execute(_LOCK_SESSION, params).one_or_none()
    if row is None:
        uow.session.add(StationSession(station_id=station.id, step=Step.IDLE.value, data={}))
        uow.session.flush()
        row = uow.session.execute(_LOCK_SESSION, params).one()
    state, response, printer_id, stored_code = row
    if response is not None:
        if stored_code != req.code:
            # A retry repeats its scan; another code under the same id is a station bug and
            # must not silently get the first scan's answer.
            raise Conflict("scan.event_reused", event_id=req.event_id)
        return dict(response)
    ctx = ScanContext(uow, station, state, code, req.lpn, request=req, printer_id=printer_id)
    if state.operator_id:
        ctx.operator = operator_info(uow, state.operator_id)
    return ctx


def _print_on_server(uow: UnitOfWork, ctx: ScanContext, reply: Reply, *, reprint: bool) -> None:
    """At a station assigned to a server printer, queue the labels there instead of answering
    them; the queue is written in the scan's transaction, so a stored answer never prints twice.
    """
    if ctx.printer_id is None:
        return
    with uow.session.no_autoflush:
        printer = uow.session.get(Printer, ctx.printer_id)
    if printer is None:
        return
    printers.enqueue(
        uow,
        printer,
        reply.prints,
        station_id=ctx.station.id,
        requested_by=ctx.actor.name,
        reprint=reprint,
    )
    count = len(reply.prints)
    reply.prints = []
    reply.warnings.append(prompts.render("print.queued", name=printer.name, count=count))
    reply.extra["printer"] = {"name": printer.name, "queued": count}


def _response(ctx: ScanContext, reply: Reply) -> dict[str, Any]:
    context = ctx.describe()
    warnings = list(reply.warnings)
    if ctx.code.layout_fixed:
        warnings.append(prompts.render("scan.layout_warning"))
    context["warnings"] = warnings
    context["code"] = {"kind": ctx.code.kind.value, "value": ctx.code.value}
    context.update(reply.extra)
    return {
        "result": reply.result,
        "prompt": reply.prompt,
        "sound": reply.sound,
        "print": [spec.to_dict() for spec in reply.prints],
        "context": context,
    }


def _touch_station(uow: UnitOfWork, station_id: int) -> None:
    # "Online" on the dashboard needs minutes of precision, not a write per scan.
    key = (uow.db.uid, station_id)
    now = time.monotonic()
    if now - _last_seen.get(key, -LAST_SEEN_EVERY_SECONDS) < LAST_SEEN_EVERY_SECONDS:
        return
    _last_seen[key] = now
    stations = table_of(Station)
    uow.session.execute(
        stations.update().where(stations.c.id == station_id).values(last_seen_at=uow.now())
    )


def _record(
    uow: UnitOfWork, ctx: ScanContext, req: ScanRequest, reply: Reply, response: dict[str, Any]
) -> dict[str, Any]:
    """Store the scan with its answer; a concurrent twin that got there first wins."""
    now = uow.now()
    # A plain INSERT: the scan event is never read back in this transaction, so it needs no
    # place in the ORM's unit of work.
    event = {
        "station_id": ctx.station.id,
        "event_id": req.event_id,
        "code": req.code,
        "symbology": req.symbology,
        "kind": ctx.code.kind.value,
        "scanned_at": req.scanned_at,
        "received_at": now,
        "operator_id": ctx.operator.id if ctx.operator else None,
        "offline": req.offline,
        "result": reply.result,
        "response": response,
    }
    try:
        uow.session.execute(_INSERT_EVENT, event)
    except IntegrityError:
        uow.rollback()
        stored = uow.session.execute(
            _FIND_EVENT, {"station_id": ctx.station.id, "event_id": req.event_id}
        ).scalar_one_or_none()
        if stored is None:
            raise
        return dict(stored)
    kind = None
    if reply.result == "error" and req.offline:
        kind = "replay_failed"
    elif ctx.code.kind is CodeKind.UNKNOWN and ctx.code.problem != "empty":
        kind = "unknown_barcode"
    if kind is not None:
        # The English prompt is the stored message; pages show the answer's own language.
        floor_exceptions.raise_exception(
            uow,
            kind=kind,
            station_id=ctx.station.id,
            code=req.code,
            message=reply.prompt.get("en", ""),
            payload={"event_id": req.event_id, "response": response},
        )
    _touch_station(uow, ctx.station.id)
    return response
