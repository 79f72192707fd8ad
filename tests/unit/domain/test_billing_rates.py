"""Rate card import: good files parse; bad ones are refused with every bad line named."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from wms.domain.billing import RateLine, Service
from wms.domain.billing_rates import COLUMNS, RatesRefused, parse_rates


def _read(text: str) -> tuple[list[dict[str, str | None]], list[str]]:
    reader = csv.DictReader(io.StringIO(text))
    rows = list(reader)
    return rows, list(reader.fieldnames or [])


HEADER = ",".join(COLUMNS)


def test_good_card() -> None:
    rows, cols = _read(
        HEADER
        + "\n,receipt_unit,,2026-01-01,,100,50,30,,,,12\n"
        + "ACME,claim_handling,,2026-01-01,2026-06-30,,,,500,5000,10,\n"
        + 'ACME,storage_unit_day,stock_main,2026-01-01,,,"1,50",,,,,0\n'
    )
    lines = parse_rates(rows, cols, {"ACME"})
    assert lines[0] == RateLine(
        Service.RECEIPT_UNIT,
        date(2026, 1, 1),
        first_qty=Decimal(100),
        price_first=Decimal(50),
        price_additional=Decimal(30),
    )
    assert lines[1].percent == Decimal(10)
    assert lines[1].max_charge == Decimal(5000)
    assert lines[2].price_first == lines[2].additional == Decimal("1.50")
    assert lines[2].vat_percent == 0


def test_every_bad_line_is_named() -> None:
    rows, cols = _read(
        HEADER
        + "\n,receipt_unit,,2026-01-01,,,50,,,,,\n"  # 2: fine
        + ",teleportation,,2026-01-01,,,50,,,,,\n"  # 3: unknown service
        + ",repack,,2026-01-01,,,-5,,,,,\n"  # 4: negative
        + ",receipt_unit,,2026-03-01,,,60,,,,,\n"  # 5: overlaps line 2
        + "NOBODY,repack,,2026-01-01,,,5,,,,,\n"  # 6: unknown merchant
        + ",label,,2026-02-30,,,5,,,,,\n"  # 7: bad date
        + ",label,,2026-02-01,2026-01-01,,abc,,,,,\n"  # 8: reversed + not a number
        + ",repack,,2026-01-01,,,5,,10,1,,\n"  # 9: min > max
        + ",repack,,2027-01-01,,,5,,,,3,\n"  # 10: percent on a quantity service
    )
    with pytest.raises(RatesRefused) as err:
        parse_rates(rows, cols, {"ACME"})
    named = [(key, params["line"]) for key, params in err.value.problems]
    assert named == [
        ("billing.rate_unknown_service", 3),
        ("billing.rate_negative", 4),
        ("billing.rate_overlap", 5),
        ("billing.rate_unknown_merchant", 6),
        ("billing.rate_bad_date", 7),
        ("billing.rate_bad_number", 8),
        ("billing.rate_dates_reversed", 8),
        ("billing.rate_min_max", 9),
        ("billing.rate_percent_service", 10),
    ]
    assert "teleportation" in err.value.render("ru") or err.value.params["count"] == 9


def test_overlap_with_stored_lines_unless_replaced() -> None:
    stored = [RateLine(Service.REPACK, date(2026, 1, 1), merchant="ACME")]
    rows, cols = _read(HEADER + "\nACME,repack,,2026-05-01,,,5,,,,,\n")
    with pytest.raises(RatesRefused) as err:
        parse_rates(rows, cols, {"ACME"}, stored)
    assert err.value.problems[0][0] == "billing.rate_overlap"
    # Closing the stored line (same identity) and opening a new version in one file works.
    rows, cols = _read(
        HEADER + "\nACME,repack,,2026-01-01,2026-04-30,,4,,,,,\nACME,repack,,2026-05-01,,,5,,,,,\n"
    )
    assert len(parse_rates(rows, cols, {"ACME"}, stored)) == 2


def test_missing_columns() -> None:
    with pytest.raises(RatesRefused) as err:
        parse_rates([], ["merchant", "service"], set())
    assert "valid_from" in err.value.problems[0][1]["columns"]
