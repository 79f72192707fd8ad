"""Billing inputs: the rate card (import) and billable events (recorded with the work they bill)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from wms.db.base import table_of
from wms.db.models import BillableEvent, Bin, Merchant, RateCardLine, Unit, Zone
from wms.db.session import dialect_insert
from wms.domain import kpi
from wms.domain.billing import RateLine, Service
from wms.domain.billing_rates import parse_rates
from wms.domain.units import UnitState
from wms.services.uow import Actor, UnitOfWork

_EVENTS = table_of(BillableEvent)


def load_card(session: Session) -> list[RateLine]:
    """Every stored rate line, with merchant codes (None for the warehouse default)."""
    rows = session.execute(
        sa.select(RateCardLine, Merchant.code)
        .outerjoin(Merchant, Merchant.id == RateCardLine.merchant_id)
        .order_by(RateCardLine.id)
    )
    return [_rate_line(row, code) for row, code in rows]


def _rate_line(row: RateCardLine, code: str | None) -> RateLine:
    return RateLine(
        service=row.service,
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        merchant=code,
        qualifier=row.qualifier,
        first_qty=row.first_qty,
        price_first=row.price_first,
        price_additional=row.price_additional,
        min_charge=row.min_charge,
        max_charge=row.max_charge,
        percent=row.percent,
        vat_percent=row.vat_percent,
        id=row.id,
    )


def import_rates(
    uow: UnitOfWork, actor: Actor, rows: Iterable[Mapping[str, str | None]], columns: Sequence[str]
) -> int:
    """Store a rate card file (all lines or none); a line with a stored identity replaces it."""
    session = uow.session
    merchants = {code: mid for code, mid in session.execute(sa.select(Merchant.code, Merchant.id))}
    stored = load_card(session)
    lines = parse_rates(rows, columns, merchants.keys(), stored)
    ids = {line.identity(): line.id for line in stored}
    for line in lines:
        rate_id = ids.get(line.identity())
        row = session.get(RateCardLine, rate_id) if rate_id is not None else None
        if row is None:
            row = RateCardLine(service=line.service, valid_from=line.valid_from)
            session.add(row)
        row.merchant_id = merchants[line.merchant] if line.merchant else None
        row.qualifier = line.qualifier
        row.valid_to = line.valid_to
        row.first_qty = line.first_qty
        row.price_first = line.price_first
        row.price_additional = line.price_additional
        row.min_charge = line.min_charge
        row.max_charge = line.max_charge
        row.percent = line.percent
        row.vat_percent = line.vat_percent
    session.flush()
    uow.audit("billing_rates", 0, "import", actor, lines=len(lines))
    return len(lines)


def record(
    uow: UnitOfWork,
    merchant_id: int,
    service: Service,
    key: str,
    *,
    ref: str = "",
    quantity: Decimal = Decimal(1),
    qualifier: str = "",
    amount: Decimal = Decimal(0),
    at: datetime | None = None,
) -> bool:
    """Write a billable event in the caller's transaction; False when its key was billed already."""
    moment = at or uow.now()
    insert = dialect_insert(uow.session)
    statement = (
        insert(_EVENTS)
        .values(
            key=key,
            merchant_id=merchant_id,
            service=service.value,
            qualifier=qualifier,
            day=kpi.local_date(moment),
            occurred_at=moment,
            quantity=quantity,
            amount=amount,
            ref=ref[:60],
        )
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(_EVENTS.c.id)  # rowcount is not reported for ON CONFLICT by every driver
    )
    return uow.session.execute(statement).first() is not None


def record_unit(uow: UnitOfWork, unit: Unit, service: Service, step: str, **extra: object) -> bool:
    """Bill a step of work done on one unit (key: service, LPN and the step's own discriminator)."""
    return record(
        uow,
        unit.merchant_id,
        service,
        f"{service.value}:{unit.lpn}:{step}",
        ref=unit.lpn,
        **extra,  # type: ignore[arg-type]
    )


# Units waiting for the merchant's decision sit in the hold zone even without a bin.
_HELD = (UnitState.AWAITING_DECISION, UnitState.CLAIMED)


def snapshot_storage(uow: UnitOfWork, day: date) -> int:
    """Write the day's storage events: one per unit in a bin (or held) and one per occupied bin."""
    session = uow.session
    located = session.execute(
        sa.select(Unit.id, Unit.lpn, Unit.merchant_id, Bin.id, Bin.code, Zone.kind)
        .join(Bin, Bin.id == Unit.bin_id)
        .join(Zone, Zone.id == Bin.zone_id)
        .where(Unit.state == UnitState.IN_STOCK)
    ).all()
    held = session.execute(
        sa.select(Unit.id, Unit.lpn, Unit.merchant_id).where(
            Unit.state.in_(_HELD), Unit.bin_id.is_(None)
        )
    ).all()
    rows = []
    bins: dict[tuple[int, int], tuple[str, str]] = {}
    for unit_id, lpn, merchant_id, bin_id, bin_code, zone in located:
        rows.append(
            _storage_row(day, Service.STORAGE_UNIT_DAY, f"{unit_id}", merchant_id, zone, lpn)
        )
        bins[(merchant_id, bin_id)] = (bin_code, zone)
    for unit_id, lpn, merchant_id in held:
        rows.append(
            _storage_row(day, Service.STORAGE_UNIT_DAY, f"{unit_id}", merchant_id, "hold", lpn)
        )
    for (merchant_id, bin_id), (bin_code, zone) in bins.items():
        key = f"{merchant_id}:{bin_id}"
        rows.append(_storage_row(day, Service.STORAGE_BIN_DAY, key, merchant_id, zone, bin_code))
    if not rows:
        return 0
    before = _stored_on(session, day)
    insert = dialect_insert(session)
    session.execute(insert(_EVENTS).on_conflict_do_nothing(index_elements=["key"]), rows)
    return _stored_on(session, day) - before


def _stored_on(session: Session, day: date) -> int:
    storage = (Service.STORAGE_UNIT_DAY.value, Service.STORAGE_BIN_DAY.value)
    query = sa.select(sa.func.count()).where(_EVENTS.c.day == day, _EVENTS.c.service.in_(storage))
    return int(session.scalar(query) or 0)


def _storage_row(
    day: date, service: Service, what: str, merchant_id: int, zone: str, ref: str
) -> dict[str, object]:
    # The key names the day: a second snapshot of the same night bills nothing twice.
    return {
        "key": f"{service.value}:{day.isoformat()}:{what}",
        "merchant_id": merchant_id,
        "service": service.value,
        "qualifier": str(zone),
        "day": day,
        "occurred_at": datetime.combine(day, datetime.min.time(), kpi.WAREHOUSE_TZ),
        "quantity": Decimal(1),
        "amount": Decimal(0),
        "ref": ref,
    }
