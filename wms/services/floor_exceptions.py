"""The supervisors' exceptions queue: identical repeats are one row; what fixed itself closes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from wms.db.models import ExceptionStatus, FloorException, ScanEvent
from wms.services.uow import SYSTEM, UnitOfWork

#: Every kind of floor exception (each has a name in wms/domain/texts/terms.py).
KINDS = ("replay_failed", "unknown_barcode", "missing_line", "extra_line", "marking_duplicate")
# Event ids kept on a collapsed row (the count keeps going; the list is for the detail).
KEEP_EVENTS = 20
SELF_RESOLVED = "self-resolved"


def raise_exception(
    uow: UnitOfWork,
    *,
    kind: str,
    message: str,
    station_id: int | None = None,
    code: str | None = None,
    merchant_id: int | None = None,
    return_order_id: int | None = None,
    unit_id: int | None = None,
    payload: dict[str, Any] | None = None,
) -> FloorException:
    """Open an exception, or count one more on the open row saying exactly the same."""
    now = uow.now()
    payload = dict(payload or {})
    same = uow.session.execute(
        sa.select(FloorException)
        .where(
            FloorException.status == ExceptionStatus.OPEN,
            FloorException.kind == kind,
            _equal(FloorException.station_id, station_id),
            _equal(FloorException.code, code),
            _equal(FloorException.return_order_id, return_order_id),
            _equal(FloorException.unit_id, unit_id),
            FloorException.message == message,
        )
        .order_by(FloorException.id)
        .limit(1)
        .with_for_update()
    ).scalar_one_or_none()
    if same is not None:
        same.payload = _repeated(same.payload or {}, payload, now)
        return same
    item = FloorException(
        kind=kind,
        station_id=station_id,
        code=code,
        merchant_id=merchant_id,
        return_order_id=return_order_id,
        unit_id=unit_id,
        message=message,
        payload=payload,
        created_at=now,
    )
    uow.session.add(item)
    return item


def _equal(column: Any, value: Any) -> Any:
    return column.is_(None) if value is None else column == value


def _repeated(old: dict[str, Any], new: dict[str, Any], now: datetime) -> dict[str, Any]:
    events = list(old.get("event_ids") or ([old["event_id"]] if old.get("event_id") else []))
    if new.get("event_id"):
        events = [*events, new["event_id"]][-KEEP_EVENTS:]
    return {
        **old,
        "repeats": int(old.get("repeats", 1)) + 1,
        "last_at": now.isoformat(),
        "event_ids": events,
        # The latest answer is the one a supervisor acts on.
        **({"response": new["response"]} if "response" in new else {}),
    }


def repeats(item: FloorException) -> int:
    """How many times the floor met this exception."""
    return int((item.payload or {}).get("repeats", 1))


_LAST_SUCCESS = (
    sa.select(sa.func.max(ScanEvent.received_at))
    .where(
        ScanEvent.station_id == FloorException.station_id,
        ScanEvent.code == FloorException.code,
        ScanEvent.result != "error",
        ScanEvent.received_at >= FloorException.created_at,
    )
    .scalar_subquery()
)


def close_self_resolved(uow: UnitOfWork) -> list[int]:
    """Close failed replays the operator redid: the same station later scanned the same code
    and it went through. Returns the ids closed."""
    rows = uow.session.execute(
        sa.select(FloorException, _LAST_SUCCESS)
        .where(
            FloorException.status == ExceptionStatus.OPEN,
            FloorException.kind == "replay_failed",
            FloorException.code.is_not(None),
            FloorException.station_id.is_not(None),
        )
        .order_by(FloorException.id)
        .with_for_update(of=FloorException)
    ).all()
    closed = []
    for item, last_success in rows:
        if last_success is None or _aware(last_success) <= _last_seen(item):
            continue
        item.status = ExceptionStatus.RESOLVED
        item.resolved_at = uow.now()
        item.resolved_by = SELF_RESOLVED
        item.resolution = "the same code went through at this station later"
        uow.audit(
            "floor_exception", item.id, "resolve", SYSTEM, from_state="open", to_state="resolved"
        )
        closed.append(item.id)
    return closed


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _last_seen(item: FloorException) -> datetime:
    last = (item.payload or {}).get("last_at")
    return _aware(datetime.fromisoformat(last) if last else item.created_at)
