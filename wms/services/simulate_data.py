"""What the simulated history is made of: merchants' profiles, products, reasons, outcomes."""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from PIL import Image, ImageDraw

from wms.db.models import (
    Bin,
    FloorException,
    Merchant,
    Operator,
    Product,
    ProductBarcode,
    ReturnOrder,
    Station,
    User,
    Zone,
)
from wms.domain.grading import Check, Decision, GradeChoice
from wms.domain.kpi import local_date
from wms.domain.returns import QUALITY_REASONS, Marketplace, ReturnReason, ReturnType
from wms.domain.stock import Channel, ZoneKind
from wms.services import catalog, dashboard, demo
from wms.services.uow import Actor, UnitOfWork
from wms.settings import Settings

R, T = ReturnReason, ReturnType
G, C, D = GradeChoice, Check, Decision


@dataclass(frozen=True)
class Profile:
    """How a merchant's returns behave: volume, marketplaces, Kaspi quality rate, policy."""

    returns_per_day: float
    kaspi_share: float
    quality_target: float | None  # quality returns ÷ completed orders the order counts aim at
    default_decision: str | None
    decision_sla_hours: float


PROFILES = {
    "ALTYN": Profile(26, 0.7, 0.006, "return_to_merchant", 72),
    "KOKTEM": Profile(18, 0.6, 0.015, "dispose", 48),
    "TUMAR": Profile(12, 0.9, 0.03, "dispose", 48),
    "ORDA": Profile(0.4, 1.0, None, None, 96),
}
EXTRA_MERCHANTS = [("TUMAR", "Тұмар Үй", 8, "300"), ("ORDA", "Orda Sport", 6, "400")]
EXTRA_PRODUCTS = [
    ("TUMAR", "TMR-PL-01", "Подушка ортопедическая", "home", "12990", "487003000001"),
    ("TUMAR", "TMR-BL-02", "Блендер погружной Tumar 800 Вт", "appliances", "18990", "487003000002"),
    ("TUMAR", "TMR-LM-03", "Лампа настольная LED", "home", "9990", "487003000003"),
    ("ORDA", "ORD-BL-01", "Мяч футбольный, размер 5", "sport", "11990", "487004000001"),
    ("ORDA", "ORD-GL-02", "Перчатки вратарские", "sport", "8990", "487004000002"),
]
TYPE_WEIGHTS = [
    (T.CUSTOMER_RETURN, 62),
    (T.CANCELLED_IN_DELIVERY, 14),
    (T.NOT_PICKED_UP, 18),
    (T.CLAIM_RETURN, 6),
]
CUSTOMER_REASONS = [
    (R.CHANGED_MIND, 38),
    (R.DEFECTIVE, 20),
    (R.NOT_AS_DESCRIBED, 16),
    (R.WRONG_ITEM, 6),
    (R.COUNTERFEIT, 1),
    (R.DAMAGED_IN_TRANSIT, 9),
    (R.OTHER, 10),
]
# (grade, checks, weight) by customer reason.
OUTCOMES: dict[ReturnReason, list[tuple[GradeChoice, tuple[Check, ...], int]]] = {
    R.CHANGED_MIND: [
        (G.RESELLABLE_NEW, (), 62),
        (G.RESELLABLE_NEW, (C.PACKAGING_DAMAGED,), 12),
        (G.RESELLABLE_USED, (C.SIGNS_OF_USE,), 20),
        (G.NON_RETURNABLE, (C.SIGNS_OF_USE, C.INCOMPLETE), 6),
    ],
    R.DEFECTIVE: [
        (G.REPAIR, (C.NOT_WORKING,), 50),
        (G.NON_RETURNABLE, (C.NOT_WORKING,), 35),
        (G.RESELLABLE_USED, (C.SIGNS_OF_USE,), 15),
    ],
    R.NOT_AS_DESCRIBED: [
        (G.RESELLABLE_NEW, (), 40),
        (G.RESELLABLE_USED, (C.SIGNS_OF_USE,), 35),
        (G.NON_RETURNABLE, (C.INCOMPLETE,), 25),
    ],
    R.WRONG_ITEM: [(G.NON_RETURNABLE, (C.WRONG_ITEM,), 70), (G.RESELLABLE_NEW, (), 30)],
    R.COUNTERFEIT: [(G.NON_RETURNABLE, (C.WRONG_ITEM, C.MARKING_MISMATCH), 100)],
    R.DAMAGED_IN_TRANSIT: [
        (G.RESELLABLE_NEW, (C.PACKAGING_DAMAGED,), 50),
        (G.REPAIR, (C.NOT_WORKING,), 30),
        (G.NON_RETURNABLE, (C.PACKAGING_DAMAGED, C.NOT_WORKING), 20),
    ],
}
UNOPENED = [
    (G.RESELLABLE_NEW, (), 85),
    (G.RESELLABLE_NEW, (C.PACKAGING_DAMAGED,), 12),
    (G.NON_RETURNABLE, (C.PACKAGING_DAMAGED, C.INCOMPLETE), 3),
]
DECISIONS = [
    (D.DISPOSE, 30),
    (D.RETURN_TO_MERCHANT, 35),
    (D.RESALE, 15),
    (D.REPAIR, 8),
    (D.CLAIM, 12),
]
# Notes a supervisor leaves when closing a floor exception.
RESOLUTIONS = {
    "missing_line": [
        "Недостача подтверждена курьером, акт составлен",
        "Kaspi уведомлён о недостаче",
    ],
    "extra_line": [
        "Лишняя единица оприходована, продавец уведомлён",
        "Пересорт: продавец подтвердил",
    ],
}
ABUSERS = [f"KZ-B{n:05d}" for n in (117, 2291, 4410, 7002)]


def pick(rng: random.Random, weighted: list[tuple[Any, int]]) -> Any:
    return rng.choices([v for v, _w in weighted], [w for _v, w in weighted])[0]


@dataclass
class Context:
    """Ids the simulation needs: merchants, products with GTINs, people, stations, bins."""

    merchants: dict[str, Merchant]
    products: dict[str, list[tuple[Product, str]]]
    operators: list[Operator]
    stations: dict[str, Station]
    bins: dict[Channel, list[str]]
    supervisor: Actor
    photo_dir: Path


def pick_outcome(
    rng: random.Random, reason: ReturnReason
) -> tuple[GradeChoice, tuple[Check, ...], int]:
    options = OUTCOMES.get(reason, UNOPENED)
    return rng.choices(options, [w for *_rest, w in options])[0]


def picture(rng: random.Random, lpn: str) -> bytes:
    image = Image.new("RGB", (480, 360), (rng.randint(150, 230),) * 3)
    draw = ImageDraw.Draw(image)
    draw.rectangle((60, 60, 420, 300), outline=(90, 60, 40), width=6, fill=(196, 164, 120))
    draw.line((60, 60, 420, 300), fill=(160, 30, 30), width=5)
    draw.text((70, 310), lpn, fill=(20, 20, 20))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def build_context(uow: UnitOfWork, settings: Settings) -> Context:
    session = uow.session
    for code, name, discount, fee in EXTRA_MERCHANTS:
        if session.execute(sa.select(Merchant.id).where(Merchant.code == code)).first() is None:
            catalog.create_merchant(
                uow,
                demo.DEMO,
                code,
                name,
                resale_discount_percent=discount,
                handling_fee=Decimal(fee),
            )
    merchants = {m.code: m for m in session.execute(sa.select(Merchant)).scalars()}
    for code, sku, title, category, price, base in EXTRA_PRODUCTS:
        if session.execute(sa.select(Product.id).where(Product.sku == sku)).first() is None:
            catalog.add_product(
                uow,
                demo.DEMO,
                merchants[code].id,
                sku,
                title,
                barcodes_=[demo.ean13(base)],
                category=category,
                price=Decimal(price),
            )
    for code, profile in PROFILES.items():
        merchants[code].default_decision = profile.default_decision
        merchants[code].decision_sla_hours = profile.decision_sla_hours
    products: dict[str, list[tuple[Product, str]]] = {}
    for product, gtin, mcode in session.execute(
        sa.select(Product, ProductBarcode.gtin, Merchant.code)
        .join(ProductBarcode, ProductBarcode.product_id == Product.id)
        .join(Merchant, Merchant.id == Product.merchant_id)
        .order_by(Product.id)
    ).all():
        products.setdefault(mcode, []).append((product, gtin))
    bins: dict[Channel, list[str]] = {Channel.MAIN: [], Channel.RESALE: []}
    for code, kind in session.execute(sa.select(Bin.code, Zone.kind).join(Zone)).all():
        if kind in (ZoneKind.STOCK_MAIN, ZoneKind.STOCK_RESALE):
            bins[Channel.MAIN if kind is ZoneKind.STOCK_MAIN else Channel.RESALE].append(code)
    supervisor = session.execute(sa.select(User).where(User.login == "supervisor")).scalar_one()
    return Context(
        merchants=merchants,
        products=products,
        operators=list(session.execute(sa.select(Operator).order_by(Operator.id)).scalars()),
        stations={s.role.value: s for s in session.execute(sa.select(Station)).scalars()},
        bins=bins,
        supervisor=Actor(supervisor.login, kind="user", user_id=supervisor.id, role="supervisor"),
        photo_dir=Path(settings.storage.photo_dir),
    )


def order_counts(
    uow: UnitOfWork, ctx: Context, start: datetime, now: datetime, days: int, rng: random.Random
) -> None:
    """Completed Kaspi orders per day, sized so each merchant lands at its quality target."""
    for code, profile in PROFILES.items():
        merchant = ctx.merchants[code]
        quality = uow.session.execute(
            sa.select(sa.func.count()).where(
                ReturnOrder.merchant_id == merchant.id,
                ReturnOrder.marketplace == Marketplace.KASPI,
                ReturnOrder.reason.in_(list(QUALITY_REASONS)),
            )
        ).scalar_one()
        per_day = (
            0.25 if profile.quality_target is None else quality / days / profile.quality_target
        )
        for offset in range(days + 1):
            day = local_date(start) + timedelta(days=offset)
            if day > local_date(now):
                break
            n = (
                max(0, round(per_day * rng.uniform(0.8, 1.2)))
                if per_day >= 1
                else int(rng.random() < per_day)
            )
            dashboard.record_order_count(
                uow, merchant.id, Marketplace.KASPI, day, n, source="simulation"
            )


def floor_exceptions(uow: UnitOfWork, ctx: Context, now: datetime, rng: random.Random) -> None:
    """A few scans the floor could not place (what a busy day leaves for the supervisor)."""
    station = ctx.stations["receipt"]
    samples = [
        ("unknown_barcode", "4870099999999", "Unknown product barcode"),
        ("unknown_barcode", "ДЗТ00000001", "Unrecognised code (keyboard layout?)"),
        ("replay_failed", "LPN0000999999", "Unit LPN0000999999 not found"),
    ]
    for kind, code, message in samples:
        uow.session.add(
            FloorException(
                kind=kind,
                station_id=station.id,
                code=code,
                message=message,
                payload={"simulated": True},
                created_at=now - timedelta(minutes=rng.randint(5, 600)),
            )
        )
