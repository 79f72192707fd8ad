"""The floor now: backlog per stage with SLA breaches, throughput today, stations, exceptions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from wms.db.models import (
    AuditEvent,
    ExceptionStatus,
    FloorException,
    Merchant,
    Operator,
    Product,
    ReturnOrder,
    ScanEvent,
    Station,
    Unit,
)
from wms.domain import kpi
from wms.domain.kpi import Stage
from wms.domain.orders import ReturnOrderState
from wms.domain.units import UnitState
from wms.web.ui.queries.sql import day_start, today

OLDEST_PER_STAGE = 5


@dataclass(frozen=True)
class StageBacklog:
    """Units waiting in one stage."""

    stage: Stage
    state: UnitState
    count: int
    breached: int
    oldest_since: datetime | None
    sla_hours: float | None


@dataclass(frozen=True)
class WaitingUnit:
    """One of the units that waited longest in a stage."""

    lpn: str
    state: UnitState
    since: datetime
    sku: str
    merchant: str
    breached: bool


def backlog(
    session: Session, now: datetime, sla: Mapping[str, float], merchant_id: int | None = None
) -> list[StageBacklog]:
    """Units per stage, how many breach their SLA, and since when the oldest one waits."""
    deadlines = {
        state: kpi.sla_deadline(now, kpi.sla_hours(stage, sla))
        for state, stage in kpi.STAGE_OF_STATE.items()
    }
    late = [
        (sa.and_(Unit.state == state, Unit.state_since < deadline), 1)
        for state, deadline in deadlines.items()
        if deadline is not None
    ]
    stmt = (
        sa.select(
            Unit.state,
            sa.func.count(),
            sa.func.sum(sa.case(*late, else_=0)),
            sa.func.min(Unit.state_since),
        )
        .where(Unit.state.in_(list(kpi.STAGE_OF_STATE)))
        .group_by(Unit.state)
    )
    if merchant_id is not None:
        stmt = stmt.where(Unit.merchant_id == merchant_id)
    found = {row[0]: row for row in session.execute(stmt).all()}
    out = []
    for state, stage in kpi.STAGE_OF_STATE.items():
        row = found.get(state)
        out.append(
            StageBacklog(
                stage=stage,
                state=state,
                count=int(row[1]) if row else 0,
                breached=int(row[2] or 0) if row else 0,
                oldest_since=row[3] if row else None,
                sla_hours=kpi.sla_hours(stage, sla),
            )
        )
    return out


def oldest_waiting(
    session: Session, now: datetime, sla: Mapping[str, float], merchant_id: int | None = None
) -> list[WaitingUnit]:
    """The units that waited longest, a few per stage (index on state, state_since)."""
    out = []
    for state, stage in kpi.STAGE_OF_STATE.items():
        stmt = (
            sa.select(Unit.lpn, Unit.state_since, Product.sku, Merchant.code)
            .join(Product, Product.id == Unit.product_id)
            .join(Merchant, Merchant.id == Unit.merchant_id)
            .where(Unit.state == state)
            .order_by(Unit.state_since)
            .limit(OLDEST_PER_STAGE)
        )
        if merchant_id is not None:
            stmt = stmt.where(Unit.merchant_id == merchant_id)
        hours = kpi.sla_hours(stage, sla)
        for lpn, since, sku, code in session.execute(stmt).all():
            if kpi.is_breach(since, now, hours):
                out.append(WaitingUnit(lpn, state, since, sku, code, True))
    return sorted(out, key=lambda w: w.since)


@dataclass
class Throughput:
    """Transitions done today, per station and per operator, split by action."""

    by_station: list[tuple[str, int, dict[str, int]]] = field(default_factory=list)
    by_operator: list[tuple[str, int, dict[str, int]]] = field(default_factory=list)
    total: int = 0


def throughput_today(session: Session, now: datetime) -> Throughput:
    """Unit transitions recorded since local midnight, per station and operator."""
    since = day_start(today(now))
    rows = session.execute(
        sa.select(AuditEvent.station_id, AuditEvent.operator_id, AuditEvent.action, sa.func.count())
        .where(
            AuditEvent.created_at >= since,
            AuditEvent.entity == "unit",
            AuditEvent.to_state.is_not(None),
        )
        .group_by(AuditEvent.station_id, AuditEvent.operator_id, AuditEvent.action)
    ).all()
    stations = dict(session.execute(sa.select(Station.id, Station.name)).all())
    operators = dict(session.execute(sa.select(Operator.id, Operator.name)).all())
    per_station: dict[str, dict[str, int]] = {}
    per_operator: dict[str, dict[str, int]] = {}
    result = Throughput()
    for station_id, operator_id, action, count in rows:
        station = stations.get(station_id or 0, "")
        operator = operators.get(operator_id or 0, "")
        bucket = per_station.setdefault(station, {})
        bucket[action] = bucket.get(action, 0) + int(count)
        bucket = per_operator.setdefault(operator, {})
        bucket[action] = bucket.get(action, 0) + int(count)
        result.total += int(count)
    result.by_station = _ranked(per_station)
    result.by_operator = _ranked(per_operator)
    return result


def _ranked(groups: dict[str, dict[str, int]]) -> list[tuple[str, int, dict[str, int]]]:
    return sorted(
        ((name, sum(actions.values()), actions) for name, actions in groups.items()),
        key=lambda row: (-row[1], row[0]),
    )


@dataclass(frozen=True)
class StationStatus:
    """A station as its heartbeat and today's scans describe it."""

    id: int
    name: str
    role: str
    online: bool
    last_seen_at: datetime | None
    queued_scans: int
    scanner: str | None
    printer: str | None
    scans_today: int
    errors_today: int


def stations(session: Session, now: datetime) -> list[StationStatus]:
    """Every active station: online or not, offline queue, devices, scans today."""
    since = day_start(today(now))
    scans = {
        station_id: (int(total), int(errors or 0))
        for station_id, total, errors in session.execute(
            sa.select(
                ScanEvent.station_id,
                sa.func.count(),
                sa.func.sum(sa.case((ScanEvent.result == "error", 1), else_=0)),
            )
            .where(ScanEvent.received_at >= since)
            .group_by(ScanEvent.station_id)
        ).all()
    }
    out = []
    for st in session.execute(
        sa.select(Station).where(Station.active.is_(True)).order_by(Station.name)
    ).scalars():
        total, errors = scans.get(st.id, (0, 0))
        out.append(
            StationStatus(
                id=st.id,
                name=st.name,
                role=st.role.value,
                online=kpi.station_online(st.last_seen_at, now),
                last_seen_at=st.last_seen_at,
                queued_scans=st.queued_scans,
                scanner=st.scanner_status,
                printer=st.printer_status,
                scans_today=total,
                errors_today=errors,
            )
        )
    return out


@dataclass(frozen=True)
class OpenReceipt:
    """A return order whose receipt is open at the dock."""

    id: int
    number: str
    order_code: str | None
    merchant: str | None
    since: datetime | None
    units: int
    breached: bool


def open_receipts(session: Session, now: datetime, sla: Mapping[str, float]) -> list[OpenReceipt]:
    """Receipts still open, oldest first, with the receiving SLA."""
    units = (
        sa.select(sa.func.count())
        .where(Unit.return_order_id == ReturnOrder.id, Unit.state != UnitState.VOIDED)
        .scalar_subquery()
    )
    rows = session.execute(
        sa.select(
            ReturnOrder.id,
            ReturnOrder.number,
            ReturnOrder.order_code,
            Merchant.code,
            ReturnOrder.receiving_started_at,
            units,
        )
        .outerjoin(Merchant, Merchant.id == ReturnOrder.merchant_id)
        .where(ReturnOrder.state == ReturnOrderState.RECEIVING)
        .order_by(ReturnOrder.created_at)
        .limit(50)
    ).all()
    hours = float(sla["receiving_hours"])
    return [
        OpenReceipt(
            oid,
            number,
            code,
            merchant,
            since,
            int(count),
            since is not None and kpi.is_breach(since, now, hours),
        )
        for oid, number, code, merchant, since, count in rows
    ]


def expected_count(session: Session) -> int:
    """Announced returns not yet at the dock."""
    return int(
        session.execute(
            sa.select(sa.func.count()).where(ReturnOrder.state == ReturnOrderState.EXPECTED)
        ).scalar_one()
    )


@dataclass(frozen=True)
class ExceptionRow:
    """A floor exception with the names around it."""

    item: FloorException
    station: str | None
    order_number: str | None
    lpn: str | None

    @property
    def repeats(self) -> int:
        """How many times the floor met it (identical repeats are one row)."""
        return int((self.item.payload or {}).get("repeats", 1))

    @property
    def short_code(self) -> str:
        """The scanned code as a list shows it: long garbage cut, control characters visible."""
        return short_code(self.item.code or "")

    def message_in(self, language: str) -> str:
        """The message in the reader's language where the scan's answer is kept."""
        return message_in(self.item, language)


def message_in(item: FloorException, language: str) -> str:
    """An exception's message in the reader's language where the scan's answer is kept."""
    response = (item.payload or {}).get("response") or {}
    prompt = response.get("prompt") if isinstance(response, Mapping) else None
    if isinstance(prompt, Mapping) and prompt.get(language):
        return str(prompt[language])
    return item.message


CODE_ON_LISTS = 40


def short_code(code: str, limit: int = CODE_ON_LISTS) -> str:
    """A code for a list: control characters shown as ␝-style symbols, cut to `limit`."""
    visible = "".join(chr(0x2400 + ord(c)) if ord(c) < 0x20 else c for c in code)
    return visible if len(visible) <= limit else visible[: limit - 1] + "…"


def exceptions(
    session: Session, *, status: ExceptionStatus, limit: int = 100
) -> list[ExceptionRow]:
    """Floor exceptions of one status, newest first."""
    rows = session.execute(
        sa.select(FloorException, Station.name, ReturnOrder.number, Unit.lpn)
        .outerjoin(Station, Station.id == FloorException.station_id)
        .outerjoin(ReturnOrder, ReturnOrder.id == FloorException.return_order_id)
        .outerjoin(Unit, Unit.id == FloorException.unit_id)
        .where(FloorException.status == status)
        .order_by(FloorException.created_at.desc(), FloorException.id.desc())
        .limit(limit)
    ).all()
    return [ExceptionRow(*row) for row in rows]


def open_exception_count(session: Session) -> int:
    """How many exceptions wait for a supervisor."""
    return int(
        session.execute(
            sa.select(sa.func.count()).where(FloorException.status == ExceptionStatus.OPEN)
        ).scalar_one()
    )
