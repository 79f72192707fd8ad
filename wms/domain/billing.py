"""3PL billing rules: services, rate card lines, pricing billable events into invoice lines.

Money is tenge as `Decimal` with two places (tiyn), never float. A rate line prices one service
(optionally narrowed by a qualifier: a product category for inspection, a zone for storage) for
one merchant or for the warehouse default, over a validity window of dates (both inclusive).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from wms.domain.errors import InvalidInput
from wms.domain.units import UnitAction

TIYN = Decimal("0.01")
ZERO = Decimal("0")
HUNDRED = Decimal("100")
# Kazakhstan's standard VAT rate (Tax Code art. 422); each rate line may override it.
DEFAULT_VAT_PERCENT = Decimal("12")


class Service(StrEnum):
    """What the operator charges a merchant for."""

    RECEIPT_ORDER = "receipt_order"
    RECEIPT_UNIT = "receipt_unit"
    INSPECTION_UNIT = "inspection_unit"
    REPAIR_UNIT = "repair_unit"
    REPAIR_HOUR = "repair_hour"
    REPACK = "repack"
    PUTAWAY = "putaway"
    PHOTO = "photo"
    VIDEO_CLIP = "video_clip"
    LABEL = "label"
    STORAGE_UNIT_DAY = "storage_unit_day"
    STORAGE_BIN_DAY = "storage_bin_day"
    DISPOSAL = "disposal"
    RETURN_TO_MERCHANT = "return_to_merchant"
    CLAIM_HANDLING = "claim_handling"


# Services priced as a percentage of an amount (the amount recovered by a claim) when the
# rate line has a percentage; every other service is priced per quantity.
PERCENT_SERVICES = frozenset({Service.CLAIM_HANDLING})


_INSPECT = (Service.INSPECTION_UNIT,)
# The work a unit's life-cycle step bills. A repair is labour whether or not it succeeds; a repack
# prints the unit a new label. Grading, putaway and decisions are billed when done, so a unit
# voided at the dock (scanned by mistake) bills nothing.
UNIT_ACTION_SERVICES: Mapping[UnitAction, tuple[Service, ...]] = {
    UnitAction.GRADE_RESTOCK: _INSPECT,
    UnitAction.GRADE_REPACK: _INSPECT,
    UnitAction.GRADE_REPAIR: _INSPECT,
    UnitAction.GRADE_NON_RETURNABLE: _INSPECT,
    UnitAction.REPAIR_DONE: (Service.REPAIR_UNIT,),
    UnitAction.REPAIR_FAILED: (Service.REPAIR_UNIT,),
    UnitAction.REPACK: (Service.REPACK, Service.LABEL),
    UnitAction.PUTAWAY: (Service.PUTAWAY,),
    UnitAction.DECIDE_DISPOSE: (Service.DISPOSAL,),
    UnitAction.DECIDE_RETURN_TO_MERCHANT: (Service.RETURN_TO_MERCHANT,),
}


def money(value: Decimal) -> Decimal:
    """Round to tiyn, half up (the way invoices in tenge are rounded)."""
    return value.quantize(TIYN, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class RateLine:
    """One price of a rate card: a service for a merchant (None = warehouse default)."""

    service: Service
    valid_from: date
    valid_to: date | None = None  # inclusive; None = open-ended
    merchant: str | None = None
    qualifier: str = ""  # "" = any category / zone
    #: Units of the line charged at `price_first`; the rest at `price_additional`.
    first_qty: Decimal = ZERO
    price_first: Decimal = ZERO
    price_additional: Decimal | None = None  # None: same as price_first (no tier)
    min_charge: Decimal | None = None
    max_charge: Decimal | None = None
    #: For percentage services: percent of the event amount (replaces quantity pricing).
    percent: Decimal | None = None
    vat_percent: Decimal = DEFAULT_VAT_PERCENT
    id: int | None = None

    def covers(self, day: date) -> bool:
        """Whether the line is valid on `day`."""
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def identity(self) -> tuple[str | None, Service, str, date]:
        """What names a line across imports: merchant, service, qualifier, start date."""
        return (self.merchant, self.service, self.qualifier, self.valid_from)

    def overlaps(self, other: RateLine) -> bool:
        """Same merchant, service and qualifier with intersecting validity."""
        if (self.merchant, self.service, self.qualifier) != (
            other.merchant,
            other.service,
            other.qualifier,
        ):
            return False
        far = date.max
        return self.valid_from <= (other.valid_to or far) and other.valid_from <= (
            self.valid_to or far
        )

    @property
    def additional(self) -> Decimal:
        """The price beyond the first tier."""
        return self.price_first if self.price_additional is None else self.price_additional

    def charge(self, quantity: Decimal, amount: Decimal) -> Decimal:
        """Net charge for a whole invoice line: tiers or percentage, then min/max."""
        if self.percent is not None:
            net = money(amount * self.percent / HUNDRED)
        else:
            first = min(quantity, self.first_qty)
            net = money(first * self.price_first + (quantity - first) * self.additional)
        if self.min_charge is not None and net < self.min_charge:
            net = self.min_charge
        if self.max_charge is not None and net > self.max_charge:
            net = self.max_charge
        return net


@dataclass(frozen=True)
class Event:
    """A billable event as pricing sees it."""

    key: str
    service: Service
    day: date
    quantity: Decimal = Decimal(1)
    qualifier: str = ""
    #: The base of percentage services (e.g. the amount a claim recovered), else 0.
    amount: Decimal = ZERO
    #: How many recorded events this one stands for (runs price per-day aggregates).
    count: int = 1


@dataclass
class Line:
    """An invoice line: one service (and qualifier) at one rate line over the period."""

    service: Service
    qualifier: str
    rate: RateLine
    quantity: Decimal = ZERO
    amount: Decimal = ZERO
    events: int = 0

    @property
    def net(self) -> Decimal:
        """Net charge in tenge."""
        return self.rate.charge(self.quantity, self.amount)

    @property
    def vat(self) -> Decimal:
        """VAT on the net charge, rounded per line."""
        return money(self.net * self.rate.vat_percent / HUNDRED)

    @property
    def gross(self) -> Decimal:
        """Net plus VAT."""
        return self.net + self.vat


@dataclass
class Priced:
    """The outcome of pricing: invoice lines and the events no rate line covered."""

    lines: list[Line]
    unpriced: list[Event]

    @property
    def net(self) -> Decimal:
        """Sum of line nets."""
        return sum((line.net for line in self.lines), ZERO)

    @property
    def vat(self) -> Decimal:
        """Sum of line VAT."""
        return sum((line.vat for line in self.lines), ZERO)

    @property
    def total(self) -> Decimal:
        """What the merchant pays."""
        return self.net + self.vat


def find_rate(
    card: Sequence[RateLine], merchant: str, service: Service, qualifier: str, day: date
) -> RateLine | None:
    """The line that prices an event: the merchant's before the default, exact qualifier first."""
    for owner in (merchant, None):
        for wanted in dict.fromkeys((qualifier, "")):
            for line in card:
                if (
                    line.merchant == owner
                    and line.service is service
                    and line.qualifier == wanted
                    and line.covers(day)
                ):
                    return line
    return None


def price(card: Sequence[RateLine], merchant: str, events: Iterable[Event]) -> Priced:
    """Group a merchant's events into invoice lines by the rate line valid on each event's day."""
    lines: dict[tuple[str | None, Service, str, date], Line] = {}
    unpriced: list[Event] = []
    for event in events:
        rate = find_rate(card, merchant, event.service, event.qualifier, event.day)
        if rate is None:
            unpriced.append(event)
            continue
        key = rate.identity()
        line = lines.get(key)
        if line is None:
            line = lines[key] = Line(event.service, rate.qualifier, rate)
        line.quantity += event.quantity
        line.amount += event.amount
        line.events += event.count
    ordered = sorted(
        lines.values(),
        key=lambda ln: (list(Service).index(ln.service), ln.qualifier, ln.rate.valid_from),
    )
    return Priced(ordered, unpriced)


def check_card(lines: Sequence[RateLine]) -> list[str]:
    """Pairs of lines whose validity overlaps, described (an empty list when the card is sound)."""
    problems = []
    for index, line in enumerate(lines):
        for other in lines[index + 1 :]:
            if line.overlaps(other):
                problems.append(
                    f"{line.merchant or '*'} {line.service.value} {line.qualifier or '*'}: "
                    f"{line.valid_from}…{line.valid_to or '∞'} / "
                    f"{other.valid_from}…{other.valid_to or '∞'}"
                )
    return problems


# ---- periods ------------------------------------------------------------------------------

_PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


@dataclass(frozen=True, order=True)
class Period:
    """A calendar month an invoice covers."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Period:
        """`YYYY-MM` → Period, or InvalidInput naming the text."""
        match = _PERIOD.match(text.strip())
        if match is None:
            raise InvalidInput("billing.period_format", period=text)
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def of(cls, day: date) -> Period:
        """The period a day falls in."""
        return cls(day.year, day.month)

    @property
    def first_day(self) -> date:
        """The 1st of the month."""
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        """The last day of the month."""
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def previous(self) -> Period:
        """The month before."""
        return Period(self.year - 1, 12) if self.month == 1 else Period(self.year, self.month - 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"
