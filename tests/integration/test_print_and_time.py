"""Print and time (issue 10): the warehouse's time zone from the settings on slips, labels,
pages and KPI days; resale prices rounded with thousands apart; the PDF slip names the operator."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from tests.integration.dashboard.pages import logged_in
from tests.integration.test_scan_flows import HEADPHONES, inspect
from tests.unit.labels.scan import pdf_text
from wms.db.models import ReturnOrder, Unit
from wms.domain import kpi
from wms.settings import Settings

TOKYO = ZoneInfo("Asia/Tokyo")  # far enough from Almaty that every local time differs


@pytest.fixture
def settings(settings: Settings) -> Iterator[Settings]:
    """This site is in Tokyo and rounds resale prices to 100 ₸."""
    yield settings.with_overrides(warehouse={"timezone": "Asia/Tokyo", "price_rounding_tenge": 100})
    kpi.set_warehouse_tz(kpi.DEFAULT_TZ)  # the zone is process-wide: leave it as found


def utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def test_slips_labels_and_pages_print_the_warehouse_local_time(
    app: Any, station: Any, database: Any, tmp_path: Path
) -> None:
    assert kpi.warehouse_tz() == TOKYO  # the application set it from the settings
    receipt = station("receipt")
    receipt.ok("OP-0001")
    receipt.ok("512345678")
    label = receipt.ok(HEADPHONES)["print"][0]["fields"]
    slip = receipt.ok("CMD:CLOSE")["print"][0]["fields"]
    with database.reading() as s:
        order = s.execute(
            sa.select(ReturnOrder).where(ReturnOrder.order_code == "512345678")
        ).scalar_one()
        unit = s.execute(sa.select(Unit).where(Unit.lpn == label["lpn"])).scalar_one()
        received_at, unit_received, order_id = order.received_at, unit.received_at, order.id
    assert received_at is not None
    local = utc(received_at).astimezone(TOKYO)
    assert slip["closed_at"] == local.strftime("%d.%m.%Y %H:%M")
    assert label["received_on"] == utc(unit_received).astimezone(TOKYO).strftime("%d.%m.%Y")
    assert slip["operator"] == "Айгуль Сапарова"

    # The PDF reprint from the dashboard carries the same operator line and local time.
    client = logged_in(app, "supervisor")
    pdf = client.get(f"/returns/{order_id}/slip.pdf")
    assert pdf.mimetype == "application/pdf"
    text = pdf_text(pdf.data, tmp_path)
    assert "Оператор: Айгуль Сапарова" in text
    assert local.strftime("%d.%m.%Y %H:%M") in text
    # The dashboard shows the same local time.
    assert local.strftime("%d.%m.%Y %H:%M") in client.get(f"/returns/{order_id}").get_data(
        as_text=True
    )
    # KPI days are Tokyo days.
    assert kpi.local_date(utc(received_at)) == local.date()


def test_resale_prices_are_rounded_and_printed_with_thousands_apart(station: Any) -> None:
    receipt = station("receipt")
    receipt.ok("OP-0001")
    receipt.ok("512345678")
    lpn = receipt.ok(HEADPHONES)["print"][0]["fields"]["lpn"]
    receipt.ok("CMD:CLOSE")
    inspect(station("inspection"), lpn, ["USED"], "GRADE-RESELLABLE-USED")
    repack = station("repack")
    repack.ok("OP-0003")
    repack.ok(lpn)
    _unit, sticker = repack.ok("CMD:REPACKED")["print"]
    # 24 990 ₸ − 7 % = 23 240.70 ₸, rounded down to 100 ₸ (this site's setting).
    assert sticker["fields"]["price"] == "23 200 ₸"
