"""`wms demo --simulate DAYS`: weeks of realistic returns history, written through the services.

Every step (announce, receipt, grading, repair, repack, putaway, decisions, claims) is the same
service call a station or a merchant makes, run on a `UnitOfWork` whose clock is moved along a
timeline of events, so that every timestamp, audit event, ledger row and SLA lies in the past.
Events that would happen after "now" are left undone: the floor has a live backlog. A seeded
random generator makes the history the same on every run. Runs once per database.
"""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from wms.db.base import utcnow
from wms.db.models import (
    ExceptionStatus,
    FloorException,
    Product,
    ReturnOrder,
)
from wms.db.session import Database
from wms.domain.errors import DomainError
from wms.domain.returns import QUALITY_REASONS, Marketplace, ReturnReason, ReturnType
from wms.domain.stock import Channel
from wms.domain.units import UnitAction
from wms.services import (
    billing,
    billing_demo,
    dashboard,
    demo,
    inspection,
    photos,
    putaway,
    receiving,
    workflow,
)
from wms.services.receiving import AnnouncedLine, Announcement
from wms.services.simulate_data import (
    ABUSERS,
    CUSTOMER_REASONS,
    DECISIONS,
    PROFILES,
    RESOLUTIONS,
    TYPE_WEIGHTS,
    Context,
    D,
    R,
    T,
    build_context,
    floor_exceptions,
    order_counts,
    pick,
    pick_outcome,
    picture,
)
from wms.services.uow import SYSTEM, Actor, UnitOfWork
from wms.settings import Settings

MARKER = "sim-"
COMMIT_EVERY = 400


@dataclass(order=True)
class _Event:
    at: datetime
    seq: int
    run: Callable[[UnitOfWork], None] = field(compare=False)


class Simulation:
    """Plays a timeline of events through the services on a moving clock."""

    def __init__(self, db: Database, ctx: Context, start: datetime, now: datetime, seed: int):
        self.db, self.ctx, self.start, self.end = db, ctx, start, now
        self.rng = random.Random(seed)
        self.clock_at = start
        self.queue: list[_Event] = []
        self.seq = 0
        self.stats: dict[str, int] = {}
        self.codes: set[str] = set()
        self.photos = 0
        self.scale = 1.0

    # --- timeline -----------------------------------------------------------------------
    def at(self, when: datetime, run: Callable[[UnitOfWork], None]) -> None:
        """Schedule a step; steps after "now" never happen (they are the live backlog)."""
        if when < self.end:
            self.seq += 1
            heapq.heappush(self.queue, _Event(max(when, self.clock_at), self.seq, run))

    def hours(self, median: float, spread: float = 0.6) -> timedelta:
        """A log-normal delay around `median` hours."""
        return timedelta(hours=self.rng.lognormvariate(0, spread) * median)

    def run(self) -> dict[str, int]:
        """Play every event in time order, committing in batches."""
        with UnitOfWork(self.db, clock=lambda: self.clock_at) as uow:
            done = 0
            while self.queue:
                event = heapq.heappop(self.queue)
                self.clock_at = event.at
                mark = uow.records_mark()
                try:
                    with uow.session.begin_nested():
                        event.run(uow)
                except DomainError:
                    uow.discard_records(mark)  # a refused step leaves no audit and bills nothing
                    self.count("refused")
                done += 1
                if done % COMMIT_EVERY == 0:
                    uow.commit()
            uow.commit()
        return self.stats

    def count(self, key: str) -> None:
        """Tally something for the report."""
        self.count_n(key, 1)

    def count_n(self, key: str, n: int) -> None:
        """Add `n` to a tally."""
        self.stats[key] = self.stats.get(key, 0) + n

    def operator(self, role: str) -> Actor:
        """An operator at a station of this role (sometimes the universal one)."""
        op = self.rng.choice(self.ctx.operators)
        station = self.ctx.stations["universal" if self.rng.random() < 0.1 else role]
        return Actor(op.name, kind="operator", operator_id=op.id, station_id=station.id)

    # --- returns ------------------------------------------------------------------------
    def plan_day(self, day: datetime) -> None:
        """Announce the day's returns of every merchant."""
        for code, profile in PROFILES.items():
            n = self._poisson(profile.returns_per_day * self.scale)
            for _ in range(n):
                self.at(day + timedelta(hours=self.rng.uniform(0, 24)), self._announce(code))

    def _poisson(self, mean: float) -> int:
        count, threshold, p = 0, math.exp(-mean), 1.0
        while True:
            p *= self.rng.random()
            if p <= threshold:
                return count
            count += 1

    def _code(self, market: Marketplace) -> str:
        while True:
            if market is Marketplace.KASPI:
                code = str(self.rng.randint(500_000_000, 599_999_999))
            elif market is Marketplace.WILDBERRIES:
                code = f"WB-{self.rng.randint(10**9, 10**10 - 1)}"
            else:
                code = f"{self.rng.randint(10**7, 10**8 - 1)}-{self.rng.randint(1, 9999):04d}-1"
            if code not in self.codes:
                self.codes.add(code)
                return code

    def _announce(self, code: str) -> Callable[[UnitOfWork], None]:
        def step(uow: UnitOfWork) -> None:
            rng, profile, merchant = self.rng, PROFILES[code], self.ctx.merchants[code]
            market = (
                Marketplace.KASPI
                if rng.random() < profile.kaspi_share
                else rng.choice([Marketplace.WILDBERRIES, Marketplace.OZON])
            )
            rtype = pick(rng, TYPE_WEIGHTS)
            reason = {T.CANCELLED_IN_DELIVERY: R.CANCELLED, T.NOT_PICKED_UP: R.NOT_PICKED_UP}.get(
                rtype
            ) or (
                pick(rng, [(R.DAMAGED_IN_TRANSIT, 1), (R.WRONG_ITEM, 1)])
                if rtype is T.CLAIM_RETURN
                else pick(rng, CUSTOMER_REASONS)
            )
            product, _gtin = rng.choice(self.ctx.products[code])
            qty = 2 if rng.random() < 0.08 else 1
            now = uow.now()
            days_back = rng.uniform(7, 21) if rtype is T.NOT_PICKED_UP else rng.uniform(1, 9)
            buyer = (
                rng.choice(ABUSERS)
                if rtype is T.NOT_PICKED_UP and rng.random() < 0.12
                else f"KZ-B{rng.randint(0, 9999):05d}"
            )
            order_code = self._code(market)
            cost = Decimal(rng.randrange(900, 2600, 50))
            if rng.random() < 0.08:  # not announced: the parcel simply turns up at the dock
                self.at(
                    now + self.hours(30),
                    self._receive(code, order_code, market, None, product, qty, reason, rtype),
                )
                return
            order, _created = receiving.announce(
                uow,
                SYSTEM,
                Announcement(
                    merchant_id=merchant.id,
                    marketplace=market,
                    order_code=order_code,
                    return_type=rtype,
                    reason=reason,
                    external_id=f"{MARKER}{order_code}",
                    customer_ref=buyer,
                    lines=(AnnouncedLine(product.sku, qty),),
                    reverse_logistics_cost=cost,
                    ordered_at=now - timedelta(days=days_back),
                    expected_at=now + timedelta(hours=rng.uniform(12, 96)),
                ),
            )
            self.count("returns")
            assert order.expected_at is not None
            arrival = order.expected_at + timedelta(hours=rng.uniform(-8, 10))
            self.at(
                arrival,
                self._receive(code, order_code, market, order.id, product, qty, reason, rtype),
            )

        return step

    def _receive(
        self,
        code: str,
        order_code: str,
        market: Marketplace,
        order_id: int | None,
        product: Product,
        qty: int,
        reason: ReturnReason,
        rtype: ReturnType,
    ) -> Callable[[UnitOfWork], None]:
        def step(uow: UnitOfWork) -> None:
            actor, rng = self.operator("receipt"), self.rng
            order, _announced = receiving.start_receipt(uow, actor, order_code, market)
            gtin = dict((p.id, g) for p, g in self.ctx.products[code])[product.id]
            received = qty - 1 if qty > 1 and rng.random() < 0.35 else qty  # a missing line
            lpns = []
            for _ in range(received):
                unit = receiving.add_unit(
                    uow, actor, order.id, gtin=gtin, **self._marking(product, gtin)
                )
                lpns.append(unit.lpn)
            if rng.random() < 0.02:  # an extra item nobody announced
                other, other_gtin = rng.choice(self.ctx.products[code])
                extra = receiving.add_unit(
                    uow, actor, order.id, gtin=other_gtin, **self._marking(other, other_gtin)
                )
                lpns.append(extra.lpn)
            if order_id is None:
                if rtype is T.CUSTOMER_RETURN and reason in QUALITY_REASONS | {R.CHANGED_MIND}:
                    receiving.describe(uow, actor, order.id, reason=reason)
                self.count("returns")
            closed = receiving.close_receipt(uow, actor, order.id)
            if (closed.missing or closed.extra) and rng.random() < 0.85:
                self.at(uow.now() + self.hours(5, 1.0), self._resolve(order.id))
            self.count("units_received")
            for lpn in lpns:
                self.at(uow.now() + self.hours(7, 0.8), self._grade(code, lpn, reason))

        return step

    def _resolve(self, order_id: int) -> Callable[[UnitOfWork], None]:
        def step(uow: UnitOfWork) -> None:
            open_items = uow.session.execute(
                sa.select(FloorException.id, FloorException.kind).where(
                    FloorException.return_order_id == order_id,
                    FloorException.status == ExceptionStatus.OPEN,
                )
            ).all()
            for item_id, kind in open_items:
                note = RESOLUTIONS[kind][self.rng.randrange(len(RESOLUTIONS[kind]))]
                dashboard.resolve_exception(uow, self.ctx.supervisor, item_id, note)

        return step

    def _marking(self, product: Product, gtin: str) -> dict[str, Any]:
        if not product.marked:
            return {}
        serial = "".join(self.rng.choices("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", k=13))
        ki = f"01{gtin}21{serial}"
        return {"marking_code": f"{ki}\x1d93{serial[:4]}", "marking_ki": ki}

    # --- after receipt --------------------------------------------------------------------
    def _grade(self, code: str, lpn: str, reason: ReturnReason) -> Callable[[UnitOfWork], None]:
        def step(uow: UnitOfWork) -> None:
            choice, checks, _w = pick_outcome(self.rng, reason)
            outcome = inspection.grade_unit(uow, self.operator("inspection"), lpn, choice, checks)
            now = uow.now()
            if outcome.action is UnitAction.GRADE_RESTOCK:
                self.at(now + self.hours(3), self._putaway(lpn))
            elif outcome.action is UnitAction.GRADE_REPACK:
                self.at(now + self.hours(8), self._repack(lpn))
            elif outcome.action is UnitAction.GRADE_REPAIR:
                self.at(now + self.hours(30), self._repair(code, lpn))
            else:
                self._await_decision(code, lpn, now, evidence=True)

        return step

    def _putaway(self, lpn: str) -> Callable[[UnitOfWork], None]:
        def step(uow: UnitOfWork) -> None:
            from wms.services.units import get_unit

            channel = get_unit(uow.session, lpn, SYSTEM).channel or Channel.MAIN
            unit = putaway.putaway(
                uow, self.operator("putaway"), lpn, self.rng.choice(self.ctx.bins[channel])
            )
            # The marketplace confirmed it back then: seconds for WB/Ozon pushes, up to an hour
            # when only Kaspi's hourly price-list pull saw it (the live worker fills only NULLs).
            # Its own generator per unit, so this detail never changes the rest of the history.
            lag_rng = random.Random(lpn)
            lag = lag_rng.uniform(3, 40) if lag_rng.random() < 0.7 else lag_rng.uniform(300, 3600)
            unit.reintegrated_at = uow.now() + timedelta(seconds=lag)
            self.count("put_away")

        return step

    def _repack(self, lpn: str) -> Callable[[UnitOfWork], None]:
        def step(uow: UnitOfWork) -> None:
            workflow.repack(uow, self.operator("repack"), lpn)
            self.at(uow.now() + self.hours(3), self._putaway(lpn))

        return step

    def _repair(self, code: str, lpn: str) -> Callable[[UnitOfWork], None]:
        def step(uow: UnitOfWork) -> None:
            if self.rng.random() < 0.75:
                workflow.repair_done(uow, self.operator("repair"), lpn)
                self.at(uow.now() + self.hours(6), self._repack(lpn))
            else:
                workflow.repair_failed(uow, self.operator("repair"), lpn)
                self._await_decision(code, lpn, uow.now(), evidence=False)

        return step

    def _await_decision(self, code: str, lpn: str, now: datetime, *, evidence: bool) -> None:
        if evidence and self.photos < 60 and self.rng.random() < 0.25:
            self.at(now + timedelta(minutes=5), self._photo(lpn))
        sla = PROFILES[code].decision_sla_hours
        roll = self.rng.random()
        if roll < 0.6:
            who = Actor(code.lower(), kind="user", merchant_id=self.ctx.merchants[code].id)
            self.at(
                now + timedelta(hours=self.rng.uniform(0.05, 0.9) * sla),
                self._decide(code, lpn, who),
            )
        elif roll < 0.75:
            self.at(
                now + timedelta(hours=self.rng.uniform(0.1, 0.6) * sla),
                self._decide(code, lpn, self.ctx.supervisor),
            )
        # otherwise nobody decides: the merchant's default applies after the SLA

    def _decide(self, code: str, lpn: str, actor: Actor) -> Callable[[UnitOfWork], None]:
        def step(uow: UnitOfWork) -> None:
            decision = pick(self.rng, DECISIONS)
            unit = workflow.decide(uow, actor, lpn, decision)
            now = uow.now()
            if decision is D.RESALE:
                self.at(now + self.hours(10), self._repack(lpn))
            elif decision is D.REPAIR:
                self.at(now + self.hours(30), self._repair(code, lpn))
            elif decision is D.CLAIM:
                self.at(now + timedelta(hours=self.rng.uniform(48, 336)), self._settle(code, lpn))
            self.count(f"decided_{unit.state.value}")

        return step

    def _settle(self, code: str, lpn: str) -> Callable[[UnitOfWork], None]:
        def step(uow: UnitOfWork) -> None:
            compensated = self.rng.random() < 0.65
            workflow.settle_claim(uow, self.ctx.supervisor, lpn, compensated=compensated)
            if not compensated:
                self._await_decision(code, lpn, uow.now(), evidence=False)

        return step

    def _photo(self, lpn: str) -> Callable[[UnitOfWork], None]:
        def step(uow: UnitOfWork) -> None:
            photos.add_photo(
                uow,
                self.operator("inspection"),
                lpn,
                picture(self.rng, lpn),
                photo_dir=self.ctx.photo_dir,
                max_bytes=5 * 1024 * 1024,
            )
            self.photos += 1

        return step

    def defaults_every(self, hours: float) -> None:
        """Apply overdue default decisions every few hours, as the scheduled CLI job would."""
        moment = self.start
        while moment < self.end:
            self.at(
                moment,
                lambda uow: self.stats.update(
                    defaults=self.stats.get("defaults", 0)
                    + len(workflow.apply_default_decisions(uow))
                ),
            )
            moment += timedelta(hours=hours)


def already_simulated(db: Database) -> bool:
    """Whether this database already holds a simulated history."""
    with db.reading() as session:
        return (
            session.execute(
                sa.select(ReturnOrder.id).where(ReturnOrder.external_id.like(f"{MARKER}%")).limit(1)
            ).first()
            is not None
        )


def simulate(
    db: Database,
    settings: Settings,
    days: int,
    *,
    scale: float = 1.0,
    seed: int = 2024,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Write `days` days of history ending now (about 56 returns a day at scale 1)."""
    if not 1 <= days <= 400:
        raise ValueError("days must be between 1 and 400")
    if already_simulated(db):
        return {"skipped": "this database already has a simulated history"}
    now = now or utcnow()
    start = now - timedelta(days=days)
    with UnitOfWork(db, clock=lambda: start) as uow:
        demo.seed(uow, settings)
        ctx = build_context(uow, settings)
        uow.commit()
    sim = Simulation(db, ctx, start, now, seed)
    sim.scale = scale
    for offset in range(days):
        sim.plan_day(start + timedelta(days=offset))
    sim.defaults_every(4)
    for night, day in billing_demo.nights(start, now):
        sim.at(
            night, lambda uow, day=day: sim.count_n("storage", billing.snapshot_storage(uow, day))
        )
    stats = sim.run()
    with UnitOfWork(db, clock=lambda: now) as uow:
        order_counts(uow, ctx, start, now, days, random.Random(seed))
        floor_exceptions(uow, ctx, now, random.Random(seed))
        uow.commit()
    stats.update(billing_demo.bill_history(db, start, now))
    return {"days": days, **dict(sorted(stats.items()))}
