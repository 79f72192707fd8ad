"""`wms demo --simulate` bills its history: every event on an invoice, totals re-price exactly."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from wms.db.models import BillableEvent, Invoice, Merchant
from wms.domain.billing import Event, price
from wms.domain.invoices import InvoiceState
from wms.services.billing import load_card
from wms.services.simulate import simulate


def test_simulated_history_is_invoiced(app: Any) -> None:
    wms = app.extensions["wms"]
    now = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    report = simulate(wms.db, wms.settings, 36, scale=0.15, now=now)
    assert report["storage"] > 0
    with wms.db.reading() as session:
        card = load_card(session)
        codes = dict(session.execute(sa.select(Merchant.id, Merchant.code)).all())
        n = len(codes)
        assert report["invoices"] == 3 * n  # January, February, March × every merchant
        invoices = list(session.scalars(sa.select(Invoice).order_by(Invoice.id)))
        states = Counter((i.period, i.state) for i in invoices)
        assert states == {
            ("2026-01", InvoiceState.PAID): n,
            ("2026-02", InvoiceState.FINAL): n,
            ("2026-03", InvoiceState.DRAFT): n,
        }
        numbers = [i.number for i in invoices if i.number]
        assert numbers == [f"INV-{k:07d}" for k in range(1, 2 * n + 1)]
        unbilled = session.scalar(
            sa.select(sa.func.count()).where(BillableEvent.invoice_id.is_(None))
        )
        assert unbilled == 0
        services = set(session.scalars(sa.select(BillableEvent.service).distinct()))
        assert {"receipt_order", "receipt_unit", "inspection_unit", "putaway"} <= services
        assert {"storage_unit_day", "photo"} <= services
        for invoice in invoices:
            events = [
                Event(e.key, e.service, e.day, e.quantity, e.qualifier, e.amount)
                for e in session.scalars(
                    sa.select(BillableEvent).where(BillableEvent.invoice_id == invoice.id)
                )
            ]
            assert price(card, codes[invoice.merchant_id], events).total == invoice.total
        assert sum(i.total for i in invoices) > 0
