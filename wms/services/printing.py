"""LabelSpecs for the warehouse's objects (stations render them for their printers)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_FLOOR, Decimal

from sqlalchemy.orm import Session

from labels import layouts
from labels.spec import LabelSpec
from wms.db.models import Bin, Operator, ReturnOrder, Unit, Zone
from wms.domain.grading import GradeChoice, expected_zone
from wms.domain.kpi import warehouse_tz
from wms.domain.prompts import term
from wms.domain.stock import Channel


def _grade_text(unit: Unit, lang: str) -> str | None:
    if unit.grade is None:
        return None
    if unit.grade.value == "resellable":
        choice = (
            GradeChoice.RESELLABLE_USED
            if unit.condition and unit.condition.value == "used"
            else GradeChoice.RESELLABLE_NEW
        )
        return term(choice.value)[lang]
    return term(unit.grade.value)[lang]


def unit_label(unit: Unit, lang: str = "ru") -> LabelSpec:
    """The unit's LPN label with its grade and the zone it goes to next (from its aggregate)."""
    product, order = unit.product, unit.order
    zone = expected_zone(unit.state, unit.channel)
    return layouts.unit_label(
        lpn=unit.lpn,
        sku=product.sku,
        title=product.title,
        grade=_grade_text(unit, lang),
        next_zone=term(zone.value)[lang] if zone else None,
        order_code=order.order_code or order.number,
        received_on=local(unit.received_at).strftime("%d.%m.%Y"),
        merchant=unit.merchant.code,
    )


def resale_sticker(unit: Unit, rounding: int = 10) -> LabelSpec | None:
    """The "Ресейл −N %" sticker for a unit sold on the resale channel.

    The price is rounded down to `rounding` tenge (`[warehouse] price_rounding_tenge`): never
    less discount than the sticker promises.
    """
    if unit.channel is not Channel.RESALE:
        return None
    product = unit.product
    discount = unit.merchant.resale_discount_percent
    price = None
    if product.price:
        price = tenge(resale_price(product.price, discount, rounding))
    return layouts.resale_sticker(
        lpn=unit.lpn,
        discount_percent=discount,
        title=product.title,
        price=price,
    )


def return_slip(
    order: ReturnOrder,
    units: list[tuple[str, str]],
    missing: list[str],
    extra: list[str],
    operator: str | None = None,
    lang: str = "ru",
) -> LabelSpec:
    """The return-order slip printed when a receipt is closed."""
    merchant = order.merchant
    return layouts.return_slip(
        order_code=order.order_code or order.number,
        merchant=merchant.name if merchant else "—",
        marketplace=term(order.marketplace.value)[lang],
        return_type=term(order.return_type.value)[lang],
        reason=term(order.reason.value)[lang],
        units=[f"{lpn} {sku}" for lpn, sku in units],
        missing=missing,
        extra=extra,
        closed_at=local(order.received_at).strftime("%d.%m.%Y %H:%M")
        if order.received_at
        else None,
        operator=operator,
    )


def local(moment: datetime) -> datetime:
    """A stored moment (UTC; SQLite hands it back without a zone) in the warehouse's time zone."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(warehouse_tz())


def resale_price(price: Decimal, discount_percent: int, rounding: int = 10) -> Decimal:
    """The resale price: the discount taken, then rounded down to `rounding` tenge."""
    exact = Decimal(price) * (100 - discount_percent) / 100
    step = Decimal(max(rounding, 1))
    return (exact / step).to_integral_value(rounding=ROUND_FLOOR) * step


def tenge(amount: Decimal) -> str:
    """An amount as a price tag shows it: whole tenge, thousands apart ("29 690 ₸")."""
    return f"{int(amount):,} ₸".replace(",", " ")


def bin_label(session: Session, bin_: Bin, lang: str = "ru") -> LabelSpec:
    """A bin's label with its zone."""
    zone = session.get(Zone, bin_.zone_id)
    kind = zone.kind.value if zone else ""
    return layouts.bin_label(code=bin_.code, zone=kind, zone_title=term(kind)[lang])


def badge(operator: Operator) -> LabelSpec:
    """An operator's badge."""
    return layouts.badge(name=operator.name, badge_code=operator.badge)
