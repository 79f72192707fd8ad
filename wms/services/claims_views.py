"""Read side of claim cases: the queue (filters), one claim's page data, its timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from wms.db.models import (
    AuditEvent,
    Claim,
    ClaimLine,
    Clip,
    Merchant,
    Photo,
    ReturnOrder,
    Unit,
)
from wms.domain import claims as rules
from wms.domain.claims import ClaimState, tenge
from wms.domain.claims_kpi import ClaimFact
from wms.domain.returns import Marketplace
from wms.services.uow import Actor

CARRIER = "carrier"  # the queue's marketplace filter for claims against carriers


@dataclass(frozen=True)
class ClaimFilter:
    """What the queue shows: marketplace (or `carrier`), state, merchant, only overdue ones."""

    marketplace: str | None = None
    state: str | None = None
    merchant_id: int | None = None
    overdue: bool = False
    limit: int = 200


def queue(session: Session, actor: Actor, flt: ClaimFilter, now: datetime) -> list[dict[str, Any]]:
    """Claims for the queue, the soonest deadline first (merchant-scoped for merchant actors)."""
    stmt = (
        sa.select(Claim, Merchant.code, ReturnOrder.number)
        .join(Merchant, Merchant.id == Claim.merchant_id)
        .outerjoin(ReturnOrder, ReturnOrder.id == Claim.return_order_id)
    )
    if actor.merchant_id is not None:
        stmt = stmt.where(Claim.merchant_id == actor.merchant_id)
    if flt.merchant_id is not None:
        stmt = stmt.where(Claim.merchant_id == flt.merchant_id)
    if flt.marketplace == CARRIER:
        stmt = stmt.where(Claim.marketplace.is_(None))
    elif flt.marketplace:
        stmt = stmt.where(Claim.marketplace == Marketplace(flt.marketplace))
    if flt.state:
        stmt = stmt.where(Claim.state == ClaimState(flt.state))
    if flt.overdue:
        stmt = stmt.where(due_column() < now)
    due = due_column()
    stmt = stmt.order_by(due.is_(None), due, Claim.id.desc()).limit(flt.limit)
    return [row_view(c, code, number, now) for c, code, number in session.execute(stmt).all()]


def due_column() -> sa.ColumnElement[datetime | None]:
    """The deadline that matters now, in SQL (the same rule as `next_due`)."""
    return sa.case(
        (Claim.state.in_(rules.FINAL_STATES), sa.null()),
        (
            sa.and_(Claim.answer_due_at.is_not(None), Claim.state.in_(rules.WAITING_STATES)),
            Claim.answer_due_at,
        ),
        (Claim.state == ClaimState.DRAFT, Claim.due_at),
        else_=sa.null(),
    )


def row_view(
    claim: Claim, merchant: str, return_number: str | None, now: datetime
) -> dict[str, Any]:
    """One claim as the queue, `wms claims list --json` and the API list show it."""
    due = next_due(claim)
    return {
        "id": claim.id,
        "number": claim.number,
        "marketplace": claim.marketplace.value if claim.marketplace else None,
        "counterparty": claim.counterparty.value,
        "state": claim.state.value,
        "reason": claim.reason.value,
        "origin": claim.origin.value,
        "merchant": merchant,
        "return_number": return_number,
        "external_id": claim.external_id,
        "claimed": tenge(claim.claimed_tiyn),
        "offered": tenge(claim.offered_tiyn),
        "recovered": tenge(claim.recovered_tiyn),
        "due_at": due.isoformat() if due else None,
        "overdue": bool(due and due < now and claim.state not in rules.FINAL_STATES),
        "created_at": claim.created_at.isoformat(),
    }


def detail(session: Session, claim: Claim, now: datetime) -> dict[str, Any]:
    """Everything the claim page shows: lines, evidence, timeline, allowed actions, amounts."""
    merchant = session.get(Merchant, claim.merchant_id)
    order = session.get(ReturnOrder, claim.return_order_id) if claim.return_order_id else None
    view = row_view(claim, merchant.code if merchant else "?", order.number if order else None, now)
    units = _units(session, claim)
    view.update(
        {
            "description": claim.description,
            "order_code": order.order_code if order else None,
            "shipment_ref": claim.shipment_ref,
            "external_status": claim.external_status,
            "external_actions": list(claim.external_actions or []),
            "media": list(claim.media or []),
            "last_answer": dict(claim.last_answer or {}),
            "pack_sha256": claim.pack_sha256,
            "submitted_at": claim.submitted_at.isoformat() if claim.submitted_at else None,
            "lines": [_line_view(line, units.get(line.unit_id or 0)) for line in claim.lines],
            "actions": [a.value for a in rules.allowed_claim_actions(claim.state)],
            "line_actions": sorted(a.value for a in rules.LINE_ACTIONS[claim.state]),
            "evidence": evidence(session, claim),
            "timeline": timeline(session, claim.id),
        }
    )
    return view


def _units(session: Session, claim: Claim) -> dict[int, Unit]:
    ids = [line.unit_id for line in claim.lines if line.unit_id]
    if not ids:
        return {}
    return {u.id: u for u in session.execute(sa.select(Unit).where(Unit.id.in_(ids))).scalars()}


def _line_view(line: ClaimLine, unit: Unit | None) -> dict[str, Any]:
    return {
        "id": line.id,
        "lpn": unit.lpn if unit else None,
        "sku": line.sku,
        "qty": line.qty,
        "remedy": line.remedy.value,
        "claimed": tenge(line.claimed_tiyn),
        "offered": tenge(line.offered_tiyn),
        "recovered": tenge(line.recovered_tiyn),
        "closed": line.closed,
        "split_from": line.split_from_id,
    }


def evidence(session: Session, claim: Claim) -> dict[str, Any]:
    """The evidence of a claim: photos, marking codes, scan events of its units, media, and the
    station's video clips of its return order's opening."""
    unit_ids = [line.unit_id for line in claim.lines if line.unit_id]
    photos = (
        session.execute(
            sa.select(Photo, Unit.lpn)
            .join(Unit, Unit.id == Photo.unit_id)
            .where(Photo.unit_id.in_(unit_ids))
            .order_by(Photo.id)
        ).all()
        if unit_ids
        else []
    )
    units = (
        session.execute(sa.select(Unit).where(Unit.id.in_(unit_ids)).order_by(Unit.id))
        .scalars()
        .all()
        if unit_ids
        else []
    )
    events = (
        session.execute(
            sa.select(AuditEvent)
            .where(AuditEvent.entity == "unit", AuditEvent.entity_id.in_(unit_ids))
            .order_by(AuditEvent.id)
        )
        .scalars()
        .all()
        if unit_ids
        else []
    )
    clips = (
        session.execute(
            sa.select(Clip).where(Clip.return_order_id == claim.return_order_id).order_by(Clip.id)
        )
        .scalars()
        .all()
        if claim.return_order_id
        else []
    )
    return {
        "photos": [
            {
                "id": p.id,
                "lpn": lpn,
                "path": p.path,
                "sha256": p.sha256,
                "content_type": p.content_type,
                "size": p.size,
                "uploaded_by": p.uploaded_by,
                "created_at": p.created_at.isoformat(),
            }
            for p, lpn in photos
        ],
        "units": [
            {
                "lpn": u.lpn,
                "marking_ki": u.marking_ki,
                "marking_code": u.marking_code,
                "checks": list(u.checks or []),
                "grade": u.grade.value if u.grade else None,
                "state": u.state.value,
            }
            for u in units
        ],
        "scans": [
            {
                "lpn": e.payload.get("lpn"),
                "action": e.action,
                "from": e.from_state,
                "to": e.to_state,
                "actor": e.actor,
                "station_id": e.station_id,
                "at": e.created_at.isoformat(),
            }
            for e in events
        ],
        "media": list(claim.media or []),
        "clips": [
            {
                "id": c.id,
                "order_code": c.order_code,
                "station_id": c.station_id,
                "started_at": c.started_at.isoformat(),
                "duration_ms": c.duration_ms,
                "size": c.size,
                "sha256": c.sha256,
            }
            for c in clips
        ],
    }


def timeline(session: Session, claim_id: int) -> list[dict[str, Any]]:
    """The claim's own history (every action, answer and import update), oldest first."""
    rows = session.execute(
        sa.select(AuditEvent)
        .where(AuditEvent.entity == "claim", AuditEvent.entity_id == claim_id)
        .order_by(AuditEvent.id)
    ).scalars()
    return [
        {
            "action": e.action,
            "from": e.from_state,
            "to": e.to_state,
            "actor": e.actor,
            "at": e.created_at.isoformat(),
            "payload": dict(e.payload or {}),
        }
        for e in rows
    ]


def overdue(claim: Claim, now: datetime) -> bool:
    """Whether the claim's next deadline (marketplace answer, else our own) has passed."""
    if claim.state in rules.FINAL_STATES:
        return False
    due = next_due(claim)
    return due is not None and due < now


def next_due(claim: Claim) -> datetime | None:
    """The deadline that matters now: the marketplace's answer window, else ours to submit."""
    if claim.answer_due_at is not None and claim.state in rules.WAITING_STATES:
        return claim.answer_due_at
    if claim.state is ClaimState.DRAFT:
        return claim.due_at
    return None


KPI_DIMENSIONS = ("marketplace", "reason", "merchant")


def kpi_facts(
    session: Session,
    actor: Actor,
    by: str,
    start: datetime,
    end: datetime,
    merchant_id: int | None = None,
) -> list[ClaimFact]:
    """The claims opened in [start, end), grouped by marketplace, reason or merchant."""
    stmt = (
        sa.select(
            Claim.marketplace,
            Claim.reason,
            Merchant.code,
            Claim.state,
            Claim.claimed_tiyn,
            Claim.recovered_tiyn,
            Claim.created_at,
            Claim.finished_at,
        )
        .join(Merchant, Merchant.id == Claim.merchant_id)
        .where(Claim.created_at >= start, Claim.created_at < end)
    )
    if actor.merchant_id is not None:
        stmt = stmt.where(Claim.merchant_id == actor.merchant_id)
    if merchant_id is not None:
        stmt = stmt.where(Claim.merchant_id == merchant_id)
    out = []
    for market, reason, merchant, state, claimed, recovered, opened, finished in session.execute(
        stmt
    ):
        group = {
            "marketplace": market.value if market else CARRIER,
            "reason": reason.value,
            "merchant": merchant,
        }[by]
        out.append(ClaimFact(group, state, claimed, recovered, opened, finished))
    return out
