"""`POST /api/v1/scan`: idempotent by event id, one transaction per scan, three-way result."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from labels.spec import LabelSpec
from wms.db.models import FloorException, Operator, ScanEvent, Station, StationRole, StationSession
from wms.domain import barcodes, prompts
from wms.domain.barcodes import CodeKind
from wms.domain.commands import CHECK_COMMANDS, GRADE_COMMANDS, REASON_COMMANDS, TYPE_COMMANDS
from wms.domain.errors import DomainError
from wms.services.cache import TtlCache
from wms.services.scan import receipt, work
from wms.services.scan.context import (
    IDLE,
    OperatorInfo,
    Reply,
    ScanContext,
    StationInfo,
    error,
    ok,
)
from wms.services.uow import UnitOfWork


@dataclass(frozen=True)
class ScanRequest:
    """One scan as the station sent it."""

    event_id: str
    code: str
    symbology: str | None
    scanned_at: datetime
    lpn: str | None = None
    offline: bool = False


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


def handle_scan(
    uow: UnitOfWork, station_id: int, req: ScanRequest, *, decision_hours: float = 72.0
) -> dict[str, Any]:
    """Apply a scan, or return the stored answer for an event id seen before."""
    station = station_info(uow, station_id)
    code = barcodes.classify(req.code, req.symbology)
    opened = _open(uow, station, code, req, decision_hours)
    if isinstance(opened, dict):
        return opened
    ctx = opened
    try:
        reply = _dispatch(ctx)
    except DomainError as exc:
        # Throw the half-done work away; the scan and its refusal are still stored below.
        uow.rollback()
        opened = _open(uow, station, code, req, decision_hours)
        if isinstance(opened, dict):
            return opened  # the same event was applied meanwhile by a concurrent request
        ctx = opened
        reply = Reply("error", exc.prompt(), extra={"error_code": exc.code})
    if reply.prints:
        ctx.update_data(last_print=[spec.to_dict() for spec in reply.prints])
    ctx.state.updated_at = uow.now()
    response = _response(ctx, reply)
    _record(uow, ctx, req, reply, response)
    return response


def _open(
    uow: UnitOfWork,
    station: StationInfo,
    code: barcodes.Classified,
    req: ScanRequest,
    decision_hours: float,
) -> ScanContext | dict[str, Any]:
    """Lock the station's session; the stored answer when this event was seen before."""
    state = _lock_session(uow, station.id)
    stored = uow.session.execute(
        sa.select(ScanEvent.response).where(
            ScanEvent.station_id == station.id, ScanEvent.event_id == req.event_id
        )
    ).scalar_one_or_none()
    if stored is not None:
        return dict(stored)
    ctx = ScanContext(uow, station, state, code, req.lpn, decision_hours)
    if state.operator_id:
        ctx.operator = operator_info(uow, state.operator_id)
    return ctx


def _lock_session(uow: UnitOfWork, station_id: int) -> StationSession:
    # One scan at a time per station: the session row is locked for the whole transaction.
    stmt = sa.select(StationSession).where(StationSession.station_id == station_id)
    state = uow.session.execute(stmt.with_for_update()).scalar_one_or_none()
    if state is None:
        uow.session.add(StationSession(station_id=station_id, step=IDLE, data={}))
        uow.session.flush()
        state = uow.session.execute(stmt.with_for_update()).scalar_one()
    return state


def _dispatch(ctx: ScanContext) -> Reply:
    code = ctx.code
    if code.kind is CodeKind.UNKNOWN:
        return error("scan.unknown_code", problem=code.problem or "unrecognised")
    if code.kind is CodeKind.BADGE:
        return _login(ctx)
    if code.kind is CodeKind.COMMAND and code.value in ("LOGOUT", "REPRINT", "CANCEL"):
        return _general_command(ctx, code.value)
    if ctx.operator is None:
        return error("scan.login_first")
    if code.kind is CodeKind.COMMAND:
        return _command(ctx, code.value)
    return _code(ctx)


def _login(ctx: ScanContext) -> Reply:
    operator = ctx.uow.session.execute(
        sa.select(Operator).where(Operator.badge == ctx.code.value, Operator.active.is_(True))
    ).scalar_one_or_none()
    if operator is None:
        return error("scan.badge_unknown", badge=ctx.code.value)
    ctx.state.operator_id = operator.id
    ctx.operator = OperatorInfo.of(operator)
    ctx.uow.audit("station", ctx.station.id, "login", ctx.actor, badge=operator.badge)
    return ok("scan.logged_in", name=operator.name, next=_next_prompt(ctx))


def _next_prompt(ctx: ScanContext) -> dict[str, str]:
    if receipt.is_open(ctx):
        return prompts.render("receipt.scan_product")
    if ctx.station.role in (StationRole.RECEIPT, StationRole.UNIVERSAL):
        return receipt.idle_prompt().prompt
    return prompts.render("lpn.scan")


def _general_command(ctx: ScanContext, command: str) -> Reply:
    if command == "LOGOUT":
        if ctx.operator is not None:
            ctx.uow.audit("station", ctx.station.id, "logout", ctx.actor)
        ctx.state.operator_id = None
        ctx.operator = None
        return ok("scan.logged_out")
    if command == "REPRINT":
        printed = (ctx.state.data or {}).get("last_print") or []
        if not printed:
            return error("scan.nothing_to_reprint")
        return ok("scan.reprinted", *(LabelSpec.from_dict(d) for d in printed))
    if ctx.operator is None:
        return error("scan.login_first")
    if receipt.is_open(ctx):
        return receipt.on_cancel(ctx)
    ctx.reset()
    return ok("scan.cancelled", next=_next_prompt(ctx))


def _command(ctx: ScanContext, command: str) -> Reply:
    role = ctx.station.role
    receipt_ok = role in (StationRole.RECEIPT, StationRole.UNIVERSAL)
    if receipt_ok and command == "BLIND":
        return receipt.on_blind(ctx)
    if receipt_ok and receipt.is_open(ctx):
        handler = {
            "CLOSE": receipt.on_close,
            "UNDO": receipt.on_undo,
            "NO-MARKING": receipt.on_no_marking,
        }.get(command)
        if handler is not None:
            return handler(ctx)
        if command in REASON_COMMANDS or command in TYPE_COMMANDS:
            return receipt.on_describe(ctx, command)
    if command in CHECK_COMMANDS:
        return work.on_check(ctx, command)
    if command in GRADE_COMMANDS:
        return work.on_grade(ctx, command)
    if command in ("REPAIR-DONE", "REPAIR-FAILED"):
        return work.on_repair(ctx, command == "REPAIR-DONE")
    if command == "REPACKED":
        return work.on_repacked(ctx)
    return error("scan.not_here", what=f"CMD:{command}", next=_next_prompt(ctx))


def _code(ctx: ScanContext) -> Reply:
    kind, role = ctx.code.kind, ctx.station.role
    receipt_ok = role in (StationRole.RECEIPT, StationRole.UNIVERSAL)
    if kind is CodeKind.ORDER_CODE and receipt_ok:
        return receipt.on_order_code(ctx)
    if kind in receipt.UNIT_CODES and receipt_ok and receipt.is_open(ctx):
        return receipt.on_unit_code(ctx)
    if kind is CodeKind.LPN and role is not StationRole.RECEIPT:
        return work.on_lpn(ctx)
    if kind is CodeKind.BIN and ctx.step == work.PUTAWAY:
        return work.on_bin(ctx)
    return error("scan.not_here", what=kind.value, next=_next_prompt(ctx))


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
    uow.session.execute(
        sa.update(Station).where(Station.id == station_id).values(last_seen_at=uow.now())
    )


def _record(
    uow: UnitOfWork, ctx: ScanContext, req: ScanRequest, reply: Reply, response: dict[str, Any]
) -> None:
    now = uow.now()
    uow.session.add(
        ScanEvent(
            station_id=ctx.station.id,
            event_id=req.event_id,
            code=req.code,
            symbology=req.symbology,
            kind=ctx.code.kind.value,
            scanned_at=req.scanned_at,
            received_at=now,
            operator_id=ctx.operator.id if ctx.operator else None,
            offline=req.offline,
            result=reply.result,
            response=response,
        )
    )
    _touch_station(uow, ctx.station.id)
    kind = None
    if reply.result == "error" and req.offline:
        kind = "replay_failed"
    elif ctx.code.kind is CodeKind.UNKNOWN and ctx.code.problem != "empty":
        kind = "unknown_barcode"
    if kind is not None:
        uow.session.add(
            FloorException(
                kind=kind,
                station_id=ctx.station.id,
                code=req.code,
                message=reply.prompt.get("en", ""),
                payload={"event_id": req.event_id, "response": response},
                created_at=now,
            )
        )
