"""Rate card import: CSV rows → rate lines, refusing the whole file with every bad line named."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from wms.domain.billing import DEFAULT_VAT_PERCENT, PERCENT_SERVICES, ZERO, RateLine, Service
from wms.domain.errors import InvalidInput

COLUMNS = (
    "merchant",
    "service",
    "qualifier",
    "valid_from",
    "valid_to",
    "first_qty",
    "price_first",
    "price_additional",
    "min_charge",
    "max_charge",
    "percent",
    "vat_percent",
)
REQUIRED_COLUMNS = ("merchant", "service", "valid_from", "price_first")
_AMOUNTS = ("first_qty", "price_first", "price_additional", "min_charge", "max_charge", "percent")


class RatesRefused(InvalidInput):
    """A rate card file was refused; `problems` names every bad line."""

    def __init__(self, problems: list[tuple[str, dict[str, Any]]]) -> None:
        self.problems = problems
        super().__init__("billing.rates_refused", count=len(problems))


class _Row:
    """One CSV row being read; collects its problems instead of stopping at the first."""

    def __init__(self, number: int, raw: Mapping[str, str | None]) -> None:
        self.number = number
        self.raw = {k.strip(): (v or "").strip() for k, v in raw.items() if k}
        self.problems: list[tuple[str, dict[str, Any]]] = []

    def problem(self, key: str, **params: Any) -> None:
        self.problems.append((key, {"line": self.number, **params}))

    def decimal(self, name: str, default: Decimal | None) -> Decimal | None:
        text = self.raw.get(name, "").replace(" ", "").replace(",", ".")
        if not text:
            return default
        try:
            value = Decimal(text)
        except InvalidOperation:
            self.problem("billing.rate_bad_number", field=name, value=text)
            return default
        if not value.is_finite():
            self.problem("billing.rate_bad_number", field=name, value=text)
            return default
        if value < 0:
            self.problem("billing.rate_negative", field=name, value=text)
        return value

    def day(self, name: str) -> date | None:
        text = self.raw.get(name, "")
        if not text:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            self.problem("billing.rate_bad_date", field=name, value=text)
            return None


def _parse_row(row: _Row, merchants: Collection[str]) -> RateLine | None:
    merchant = row.raw.get("merchant", "")
    owner = None if merchant in ("", "*") else merchant
    if owner is not None and owner not in merchants:
        row.problem("billing.rate_unknown_merchant", merchant=owner)
    service_text = row.raw.get("service", "")
    service = Service(service_text) if service_text in Service._value2member_map_ else None
    if service is None:
        row.problem("billing.rate_unknown_service", service=service_text)
    valid_from = row.day("valid_from")
    if valid_from is None and not row.raw.get("valid_from"):
        row.problem("billing.rate_missing", field="valid_from")
    valid_to = row.day("valid_to")
    values = {name: row.decimal(name, None) for name in _AMOUNTS}
    vat = row.decimal("vat_percent", DEFAULT_VAT_PERCENT)
    if not row.raw.get("percent") and not row.raw.get("price_first"):
        row.problem("billing.rate_missing", field="price_first")
    if values["percent"] is not None and service not in PERCENT_SERVICES:
        row.problem("billing.rate_percent_service")
    if valid_from and valid_to and valid_to < valid_from:
        row.problem("billing.rate_dates_reversed", valid_from=valid_from, valid_to=valid_to)
    low, high = values["min_charge"], values["max_charge"]
    if low is not None and high is not None and low > high:
        row.problem("billing.rate_min_max", min=low, max=high)
    if row.problems or service is None or valid_from is None or vat is None:
        return None
    first = values["price_first"] if values["price_first"] is not None else ZERO
    additional = values["price_additional"]
    return RateLine(
        service=service,
        valid_from=valid_from,
        valid_to=valid_to,
        merchant=owner,
        qualifier=row.raw.get("qualifier", ""),
        # Without a tier the whole quantity is charged at the first price.
        first_qty=values["first_qty"] if values["first_qty"] is not None else Decimal(0),
        price_first=first,
        price_additional=additional,
        min_charge=low,
        max_charge=high,
        percent=values["percent"],
        vat_percent=vat,
    )


def parse_rates(
    rows: Iterable[Mapping[str, str | None]],
    columns: Sequence[str],
    merchants: Collection[str],
    stored: Sequence[RateLine] = (),
) -> list[RateLine]:
    """Read a rate card; a line with a stored line's identity replaces it. Raises RatesRefused."""
    missing = [c for c in REQUIRED_COLUMNS if c not in {c.strip() for c in columns}]
    if missing:
        raise RatesRefused([("billing.rate_columns", {"columns": ", ".join(missing)})])
    problems: list[tuple[str, dict[str, Any]]] = []
    parsed: list[tuple[int, RateLine]] = []
    for index, raw in enumerate(rows):
        row = _Row(index + 2, raw)  # line 1 is the header
        line = _parse_row(row, merchants)
        problems.extend(row.problems)
        if line is not None:
            parsed.append((row.number, line))
    problems.extend(_overlaps(parsed, stored))
    if problems:
        raise RatesRefused(sorted(problems, key=lambda p: int(p[1].get("line", 0))))
    return [line for _, line in parsed]


def _overlaps(
    parsed: list[tuple[int, RateLine]], stored: Sequence[RateLine]
) -> list[tuple[str, dict[str, Any]]]:
    replaced = {line.identity() for _, line in parsed}
    kept = [(None, s) for s in stored if s.identity() not in replaced]
    problems: list[tuple[str, dict[str, Any]]] = []
    for index, (number, line) in enumerate(parsed):
        earlier: list[tuple[int | None, RateLine]] = [*kept, *parsed[:index]]
        for other_number, other in earlier:
            if line.overlaps(other):
                where = f"line {other_number}" if other_number else "stored rate"
                span = f"{other.valid_from}…{other.valid_to or '∞'}"
                problems.append(
                    ("billing.rate_overlap", {"line": number, "other": f"{where} {span}"})
                )
                break
    return problems


def with_id(line: RateLine, rate_id: int) -> RateLine:
    """The same line carrying its database id."""
    return replace(line, id=rate_id)
