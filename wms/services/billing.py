"""Billing inputs: the rate card (import) and billable events (recorded with the work they bill)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from wms.db.models import Bin, Merchant, RateCardLine, ReturnOrder, Unit, Zone
from wms.domain import kpi
from wms.domain.billing import UNIT_ACTION_SERVICES, RateLine, Service
from wms.domain.billing_rates import parse_rates
from wms.domain.units import UnitAction, UnitState
from wms.services.uow import Actor, UnitOfWork


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
) -> None:
    """Bill a piece of work in the caller's transaction; a key already billed is skipped."""
    moment = at or uow.now()
    uow.bill(
        {
            "key": key,
            "merchant_id": merchant_id,
            "service": service.value,
            "qualifier": qualifier[:40],
            "day": kpi.local_date(moment),
            "occurred_at": moment,
            "quantity": quantity,
            "amount": amount,
            "ref": ref[:60],
        }
    )


def bill_transition(uow: UnitOfWork, unit: Unit, action: UnitAction, since: datetime) -> None:
    """Bill the work of a unit's life-cycle step; `since` (when the step's state began) makes
    the key unique per visit of the state and the same for a replay of the step."""
    stamp = int(since.timestamp() * 1000)
    for service in UNIT_ACTION_SERVICES.get(action, ()):
        qualifier = (unit.product.category or "") if service is Service.INSPECTION_UNIT else ""
        record(
            uow,
            unit.merchant_id,
            service,
            f"{service.value}:{unit.lpn}:{stamp}",
            ref=unit.lpn,
            qualifier=qualifier,
        )


def bill_receipt(uow: UnitOfWork, order: ReturnOrder, lpns: Iterable[str]) -> None:
    """Bill a closed receipt: the order and each unit received on it (voided ones never)."""
    merchant_id = order.merchant_id
    if merchant_id is None:
        return
    record(
        uow, merchant_id, Service.RECEIPT_ORDER, f"receipt_order:{order.number}", ref=order.number
    )
    for lpn in lpns:
        record(uow, merchant_id, Service.RECEIPT_UNIT, f"receipt_unit:{lpn}", ref=lpn)


# Units waiting for the merchant's decision sit in the hold zone even without a bin.
_HELD = (UnitState.AWAITING_DECISION, UnitState.CLAIMED)


def snapshot_storage(uow: UnitOfWork, day: date) -> int:
    """Bill a day's storage: one event per unit in a bin (or held), one per occupied bin."""
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
    for row in rows:
        uow.bill(row)
    return len(rows)


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
