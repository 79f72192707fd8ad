"""The demo's rate card and the billing of a simulated history (`wms demo --simulate`)."""

from __future__ import annotations

import csv
import io
from datetime import datetime, time, timedelta

import sqlalchemy as sa

from wms.db.models import Invoice, RateCardLine
from wms.db.session import Database
from wms.domain import kpi
from wms.domain.billing import Period
from wms.domain.invoices import InvoiceState
from wms.services import billing, invoicing
from wms.services.uow import SYSTEM, UnitOfWork

# Tenge, VAT 12 %. The warehouse default, and ALTYN's negotiated receipt price with a volume tier.
_HEADER = (
    "merchant,service,qualifier,valid_from,first_qty,price_first,price_additional,"
    "min_charge,max_charge,percent\n"
)
DEMO_RATES = (
    _HEADER
    + """,receipt_order,,2024-01-01,,300,,,,
,receipt_unit,,2024-01-01,,150,,,,
ALTYN,receipt_unit,,2024-01-01,500,130,110,,,
,inspection_unit,,2024-01-01,,250,,,,
,inspection_unit,electronics,2024-01-01,,450,,,,
,repair_unit,,2024-01-01,,2500,,,,
,repair_hour,,2024-01-01,,4000,,,,
,repack,,2024-01-01,,300,,,,
,putaway,,2024-01-01,,80,,,,
,photo,,2024-01-01,,50,,,,
,video_clip,,2024-01-01,,200,,,,
,label,,2024-01-01,,40,,,,
,storage_unit_day,stock_main,2024-01-01,,15,,,,
,storage_unit_day,stock_resale,2024-01-01,,15,,,,
,storage_unit_day,hold,2024-01-01,,25,,,,
,disposal,,2024-01-01,,500,,,,
,return_to_merchant,,2024-01-01,,700,,5000,,
,claim_handling,,2024-01-01,,,,1000,20000,10
"""
)


def seed_rates(uow: UnitOfWork) -> int:
    """Import the demo rate card unless the database has one."""
    if uow.session.execute(sa.select(RateCardLine.id).limit(1)).first() is not None:
        return 0
    reader = csv.DictReader(io.StringIO(DEMO_RATES))
    return billing.import_rates(uow, SYSTEM, list(reader), list(reader.fieldnames or []))


def nights(start: datetime, end: datetime) -> list[tuple[datetime, object]]:
    """23:55 warehouse time of every day in [start, end): when the storage snapshot runs."""
    out = []
    day = kpi.local_date(start)
    while True:
        moment = datetime.combine(day, time(23, 55), kpi.WAREHOUSE_TZ)
        if moment >= end:
            return out
        if moment >= start:
            out.append((moment, day))
        day += timedelta(days=1)


def bill_history(db: Database, start: datetime, now: datetime) -> dict[str, int]:
    """Invoice every month of the history: paid before last month, last month final, this one
    a draft (as an operator who bills on the 1st and is paid within a month would see it)."""
    current = Period.of(kpi.local_date(now))
    period = Period.of(kpi.local_date(start))
    made = 0
    while period <= current:
        with UnitOfWork(db, clock=lambda: now) as uow:
            results = invoicing.run(uow, SYSTEM, period)
            for result in results:
                invoice = uow.session.get(Invoice, result.invoice_id)
                assert invoice is not None
                if period < current and invoice.state is InvoiceState.DRAFT:
                    invoicing.finalise(uow, SYSTEM, invoice)
                if period < current.previous() and invoice.state is InvoiceState.FINAL:
                    invoicing.pay(uow, SYSTEM, invoice)
            made += len(results)
            uow.commit()
        period = Period(period.year + period.month // 12, period.month % 12 + 1)
    return {"invoices": made}
