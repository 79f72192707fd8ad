"""A small, hand-timed returns history written through the services (for the dashboard's tests).

Times are fixed relative to NOW so every KPI has a value that can be worked out by hand:

- RO A (ALTYN, Kaspi, customer return, defective, 1 200 ₸): received T0+1h, graded resellable/new
  at T0+3h, put away NOW-1h (today) → in stock, main channel.
- RO B (KOKTEM, Kaspi, not picked up, buyer BUY-1, ordered T0-10d): received T0+1h, graded
  non-returnable at T0+4h → awaiting decision.
- RO C (ALTYN, Wildberries, not picked up, buyer BUY-1, ordered T0-6d): received T0+2h, graded
  resellable/used at T0+6h → awaiting repack (repack SLA 24 h: breached at NOW).
- RO D (ALTYN, Kaspi, changed mind): announced only → expected.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from wms.db.session import Database
from wms.domain.grading import Check, GradeChoice
from wms.domain.returns import Marketplace, ReturnReason, ReturnType
from wms.services import dashboard, inspection, putaway, receiving
from wms.services.demo import PRODUCTS, ean13
from wms.services.receiving import AnnouncedLine, Announcement
from wms.services.uow import Actor, UnitOfWork

NOW = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)  # 14:00 in Almaty
T0 = NOW - timedelta(days=2)
GTIN = {sku: "0" + ean13(base) for _m, sku, *_x, base in PRODUCTS}


@dataclass
class World:
    """What the scenario made."""

    ids: dict[str, int]
    lpns: dict[str, str]
    actors: dict[str, Actor]


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


def _operator(db: Database, badge: str, station: str) -> Actor:
    import sqlalchemy as sa

    from wms.db.models import Operator, Station

    with db.reading() as s:
        op = s.execute(sa.select(Operator).where(Operator.badge == badge)).scalar_one()
        st = s.execute(sa.select(Station).where(Station.name == station)).scalar_one()
        return Actor(op.name, kind="operator", operator_id=op.id, station_id=st.id)


def build(db: Database, merchants: dict[str, int]) -> World:
    """Write the scenario; every step through the services on the hand-moved clock."""
    clock = Clock(T0)
    dock = _operator(db, "OP-0001", "receipt-1")
    bench = _operator(db, "OP-0002", "inspection-1")
    shelf = _operator(db, "OP-0003", "putaway-1")
    system = Actor("integration:test", kind="integration")
    ids: dict[str, int] = {}
    lpns: dict[str, str] = {}

    def step(fn: Any, *args: Any, at: datetime, **kwargs: Any) -> Any:
        clock.at = at
        with UnitOfWork(db, clock=clock) as uow:
            result = fn(uow, *args, **kwargs)
            uow.commit()
            return result

    def announce(
        key: str,
        merchant: str,
        market: Marketplace,
        code: str,
        rtype: ReturnType,
        reason: ReturnReason | None,
        sku: str,
        buyer: str | None,
        ordered: datetime | None,
        cost: str,
    ) -> None:
        order, _ = step(
            receiving.announce,
            system,
            Announcement(
                merchant_id=merchants[merchant],
                marketplace=market,
                order_code=code,
                return_type=rtype,
                reason=reason,
                external_id=f"test-{code}",
                customer_ref=buyer,
                lines=(AnnouncedLine(sku, 1),),
                reverse_logistics_cost=Decimal(cost),
                ordered_at=ordered,
            ),
            at=T0 - timedelta(hours=5),
        )
        ids[key] = order.id

    def receive(key: str, code: str, sku: str, at: datetime) -> None:
        order, _ = step(receiving.start_receipt, dock, code, at=at)
        unit = step(
            receiving.add_unit, dock, order.id, gtin=GTIN[sku], at=at + timedelta(minutes=1)
        )
        step(receiving.close_receipt, dock, order.id, at=at + timedelta(minutes=2))
        lpns[key] = unit.lpn

    announce(
        "A",
        "ALTYN",
        Marketplace.KASPI,
        "600000001",
        ReturnType.CUSTOMER_RETURN,
        ReturnReason.DEFECTIVE,
        "ALT-HP-01",
        "BUY-9",
        T0 - timedelta(days=3),
        "1200",
    )
    announce(
        "B",
        "KOKTEM",
        Marketplace.KASPI,
        "600000002",
        ReturnType.NOT_PICKED_UP,
        None,
        "KKT-SC-01",
        "BUY-1",
        T0 - timedelta(days=10),
        "1500",
    )
    announce(
        "C",
        "ALTYN",
        Marketplace.WILDBERRIES,
        "WB-7000000003",
        ReturnType.NOT_PICKED_UP,
        None,
        "ALT-PC-03",
        "BUY-1",
        T0 - timedelta(days=6),
        "900",
    )
    announce(
        "D",
        "ALTYN",
        Marketplace.KASPI,
        "600000004",
        ReturnType.CUSTOMER_RETURN,
        ReturnReason.CHANGED_MIND,
        "ALT-KT-02",
        None,
        None,
        "800",
    )
    receive("A", "600000001", "ALT-HP-01", T0 + timedelta(hours=1))
    receive("B", "600000002", "KKT-SC-01", T0 + timedelta(hours=1))
    receive("C", "WB-7000000003", "ALT-PC-03", T0 + timedelta(hours=2))
    step(
        inspection.grade_unit,
        bench,
        lpns["A"],
        GradeChoice.RESELLABLE_NEW,
        [],
        at=T0 + timedelta(hours=3),
    )
    step(
        inspection.grade_unit,
        bench,
        lpns["B"],
        GradeChoice.NON_RETURNABLE,
        [Check.NOT_WORKING],
        at=T0 + timedelta(hours=4),
    )
    step(
        inspection.grade_unit,
        bench,
        lpns["C"],
        GradeChoice.RESELLABLE_USED,
        [Check.SIGNS_OF_USE],
        at=T0 + timedelta(hours=6),
    )
    step(putaway.putaway, shelf, lpns["A"], "BIN-M-01-02", at=NOW - timedelta(hours=1))
    for offset in range(30):  # 100 completed Kaspi orders for ALTYN, 5 for KOKTEM
        day = date(2026, 3, 20) - timedelta(days=offset)
        step(
            dashboard.record_order_count,
            merchants["ALTYN"],
            "kaspi",
            day,
            4 if offset < 10 else 3,
            at=NOW,
        )
    for offset in range(5):
        step(
            dashboard.record_order_count,
            merchants["KOKTEM"],
            "kaspi",
            date(2026, 3, 20) - timedelta(days=offset),
            1,
            at=NOW,
        )
    return World(ids, lpns, {"dock": dock, "bench": bench, "shelf": shelf})
