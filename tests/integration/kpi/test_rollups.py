"""The KPI and reasons figures from the rollups are the direct queries' figures, on SQLite and
PostgreSQL: after a full rollup, with new activity after it (read directly), and after an
incremental rollup of the days that changed."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from tests.integration.dashboard.pages import logged_in
from wms.db.base import utcnow
from wms.db.models import KpiRolledDay, Merchant, Product, Unit
from wms.domain.returns import Marketplace, ReturnReason, ReturnType
from wms.services import kpi_rollup
from wms.services.simulate import simulate
from wms.web.ui.queries import analytics as direct
from wms.web.ui.queries import rolled
from wms.web.ui.queries.sql import Period, last_days, today


def _figures(module: Any, session: Any, period: Period, m: int | None, now: Any) -> dict:
    rf = direct.ReasonFilter(merchant_id=m)
    return {
        "spreads": module.processing_spreads(session, period, m),
        "resale": module.resale_share(session, period, m),
        "reintegration": module.reintegration(session, period, m),
        "costs": module.costs(session, period, m),
        "quality": module.quality_rates(session, today(now), m),
        "daily": sorted(module.reasons_daily(session, period, rf)),
        "category": module.reasons_by(session, period, rf, "category"),
        "sku": module.reasons_by(session, period, rf, "sku"),
        "merchant": module.reasons_by(session, period, rf, "merchant"),
    }


def _compare(db: Any, now: Any, *, every_merchant: bool = True) -> int:
    """Compare every figure for a few periods and scopes; returns how many were compared."""
    compared = 0
    with db.reading() as s:
        merchants = [None, *s.execute(sa.select(Merchant.id).order_by(Merchant.id)).scalars()]
        merchants = merchants if every_merchant else merchants[:2]
        category, sku = s.execute(
            sa.select(Product.category, Product.sku)
            .join(Unit, Unit.product_id == Product.id)
            .limit(1)
        ).one()
        for days in (1, 7, 30, 90):
            period = last_days(now, days)
            for m in merchants:
                want = _figures(direct, s, period, m, now)
                got = _figures(rolled, s, period, m, now)
                assert got == want, (days, m, {k for k in want if want[k] != got[k]})
                compared += 1
            old = Period(period.first - timedelta(days=3), period.last - timedelta(days=2))
            assert _figures(rolled, s, old, None, now) == _figures(direct, s, old, None, now)
            for rf in (
                direct.ReasonFilter(category=category),
                direct.ReasonFilter(sku=sku),
            ):
                for dim in ("category", "sku", "merchant"):
                    assert rolled.reasons_by(s, period, rf, dim) == direct.reasons_by(
                        s, period, rf, dim
                    )
    return compared


def test_rollups_give_the_direct_figures(app: Any, demo: dict[str, Any]) -> None:
    wms = app.extensions["wms"]
    db = wms.db
    simulate(db, wms.settings, 10, scale=0.3)  # ten days of history through the services
    now = utcnow()
    state: dict[str, Any] = {}
    report = kpi_rollup.refresh(db, state, now)
    assert report.full
    assert report.days >= 10
    assert report.durations > 50
    with db.reading() as s:
        assert s.execute(sa.select(sa.func.count()).select_from(KpiRolledDay)).scalar_one() >= 10
        split = rolled.split(s, last_days(now, 30))
    assert split is not None
    assert split.live  # today after the rollup is read directly
    assert _compare(db, now) >= 4 * 3
    # new work after the rollup is read directly: a Kaspi quality return announced now …
    later = now + timedelta(minutes=30)
    _announce_quality_return(db, later)
    with db.reading() as s:
        assert sum(r.rate.quality_returns for r in rolled.quality_rates(s, today(later), None)) > 0
    assert _compare(db, later, every_merchant=False) >= 4
    # … a past day changes (the marketplace confirms an old putaway late), an incremental
    # rollup rebuilds only the days that changed, and the figures agree again
    _confirm_late(db, later)
    report = kpi_rollup.refresh(db, state, later + timedelta(seconds=1))
    assert not report.full
    assert 1 <= report.days < 10
    assert _compare(db, later, every_merchant=False) >= 4
    # the pages render from the rollups
    client = logged_in(app, "supervisor")
    for url in ("/kpis", "/reasons", "/kpis?days=90", "/reasons?days=7"):
        assert client.get(url).status_code == 200, url


def _announce_quality_return(db: Any, at: Any) -> None:
    from wms.services import receiving
    from wms.services.receiving import AnnouncedLine, Announcement
    from wms.services.uow import Actor, UnitOfWork

    with db.reading() as s:
        merchant_id, sku = s.execute(
            sa.select(Product.merchant_id, Product.sku).order_by(Product.id).limit(1)
        ).one()
    with UnitOfWork(db, clock=lambda: at) as uow:
        receiving.announce(
            uow,
            Actor("integration:test", kind="integration"),
            Announcement(
                merchant_id=merchant_id,
                marketplace=Marketplace.KASPI,
                order_code="LATE-1",
                return_type=ReturnType.CUSTOMER_RETURN,
                reason=ReturnReason.DEFECTIVE,
                external_id="late-1",
                customer_ref=None,
                lines=(AnnouncedLine(sku, 1),),
                reverse_logistics_cost=Decimal("1500"),
                ordered_at=None,
            ),
        )
        uow.commit()


def _confirm_late(db: Any, at: Any) -> None:
    """The marketplace confirms a putaway of three days ago only now."""
    from wms.services.uow import UnitOfWork

    with UnitOfWork(db) as uow:
        unit = uow.session.execute(
            sa.select(Unit)
            .where(Unit.putaway_at < at - timedelta(days=3))
            .order_by(Unit.reintegrated_at.is_not(None), Unit.putaway_at.desc())
            .limit(1)
        ).scalar_one()
        unit.reintegrated_at = at
        uow.commit()
