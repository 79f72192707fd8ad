"""Offers: CSV import (all or nothing, errors by line), derived resale prices, the API."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from tests.conftest import snapshot
from wms.cli import cli
from wms.db.models import Offer, OutboxMessage
from wms.domain.errors import InvalidInput
from wms.services import offers
from wms.services.uow import SYSTEM

HEADER = "merchant,sku,marketplace,account,channel,marketplace_sku,warehouse_ref,price\n"


def _run(settings: Any, *args: str, stdin: str | None = None) -> Any:
    env = {
        "WMS_DATABASE__URL": settings.database.url,
        "WMS_SERVER__SECRET_KEY": settings.server.secret_key,
    }
    return CliRunner().invoke(cli, list(args), input=stdin, env=env, catch_exceptions=False)


def _csv(tmp_path: Path, rows: list[str], header: str = HEADER) -> str:
    path = tmp_path / "offers.csv"
    path.write_text(header + "".join(r + "\n" for r in rows), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    ("channel", "explicit", "main", "product", "expected"),
    [
        ("main", None, None, "24990", "24990"),
        ("main", "19990", None, "24990", "19990"),
        ("resale", None, None, "24990", "23241"),  # × 0.93, rounded half up
        ("resale", None, "20000", "24990", "18600"),  # from the main offer's own price
        ("resale", "15000", "20000", "24990", "15000"),
        ("main", None, None, "0", None),
    ],
)
def test_effective_prices(
    channel: str, explicit: str | None, main: str | None, product: str, expected: str | None
) -> None:
    price = offers.effective_price(
        offers.Channel(channel),
        Decimal(explicit) if explicit else None,
        Decimal(main) if main else None,
        Decimal(product),
        7,
    )
    assert price == (Decimal(expected) if expected else None)


def test_a_csv_import_creates_offers_and_queues_their_stock(
    demo: dict[str, Any], settings: Any, database: Any, tmp_path: Path
) -> None:
    path = _csv(
        tmp_path,
        [
            "ALTYN,ALT-HP-01,wildberries,ALTYN wildberries,main,41000001,658434,",
            "ALTYN,ALT-HP-01,ozon,ALTYN ozon,resale,HP-USED,22142605386000,19990",
            "ALTYN,ALT-HP-01,kaspi,ALTYN kaspi,resale,HP01-USED,PP2,",
        ],
    )
    with database.engine.begin() as conn:  # as if the worker had delivered the opening stock
        conn.execute(sa.update(OutboxMessage).values(status="done"))
        before = conn.execute(sa.select(sa.func.max(OutboxMessage.id))).scalar_one()
    result = _run(settings, "offers", "import", path)
    assert result.exit_code == 0, result.output
    assert "3 new" in result.output
    again = _run(settings, "offers", "import", path)
    assert "3 unchanged" in again.output
    with database.reading() as s:
        new = s.execute(sa.select(Offer).where(Offer.marketplace_sku == "HP-USED")).scalar_one()
        assert new.price == Decimal("19990")
        rows = s.execute(sa.select(OutboxMessage.key).where(OutboxMessage.id > before)).scalars()
        # One push of the current total per key whose offers are new (main and resale).
        assert sorted(rows) == sorted(
            {f"stock:{new.merchant_id}:{new.product_id}:{c}" for c in ("main", "resale")}
        )
    listed = _run(settings, "offers", "list", "--merchant", "ALTYN", "--sku", "ALT-HP-01", "--json")
    kaspi_resale = [o for o in offers_json(listed.output) if o["marketplace_sku"] == "HP01-USED"]
    assert kaspi_resale[0]["effective_price"] == "23241"


def offers_json(text: str) -> list[dict[str, Any]]:
    return list(json.loads(text))


def test_a_bad_line_imports_nothing_and_names_the_line(
    demo: dict[str, Any], settings: Any, database: Any, tmp_path: Path
) -> None:
    path = _csv(
        tmp_path,
        [
            "ALTYN,ALT-HP-01,wildberries,ALTYN wildberries,main,41000001,658434,",
            "ALTYN,ALT-HP-01,wildberries,ALTYN wildberries,main,not-a-chrt,658434,",
            "ALTYN,NO-SUCH,ozon,ALTYN ozon,main,X1,22142605386000,",
            "ALTYN,ALT-KT-02,kaspi,ALTYN kaspi,main,THIS-SKU-IS-FAR-TOO-LONG,PP1,",
            "ALTYN,ALT-KT-02,ozon,ALTYN ozon,used,X2,22142605386000,",
            "ALTYN,ALT-KT-02,ozon,ALTYN ozon,main,X3,22142605386000,-5",
        ],
    )
    before = snapshot(database)
    result = _run(settings, "offers", "import", path)
    assert result.exit_code == 1
    out = result.output
    assert "line 3: Wildberries chrtId and warehouseId must be positive integers" in out
    assert "line 4: ALTYN has no SKU 'NO-SUCH'" in out
    assert "line 5: Kaspi offer SKU" in out
    assert "line 6: channel must be main or resale" in out
    assert "line 2" not in out
    assert snapshot(database) == before
    missing = _csv(tmp_path, ["ALTYN,ALT-HP-01"], header="merchant,sku\n")
    assert "line 1: missing columns" in _run(settings, "offers", "import", missing).output


def test_the_same_offer_twice_in_one_file_is_refused(
    demo: dict[str, Any], settings: Any, database: Any
) -> None:
    item = offers.OfferInput(
        "ALTYN",
        "ALT-HP-01",
        offers.Marketplace.OZON,
        "ALTYN ozon",
        offers.Channel.MAIN,
        "DUP",
        "22142605386000",
    )
    with database.reading() as s, pytest.raises(InvalidInput, match="offer 2: the same offer as 1"):
        offers.validate(s, SYSTEM, [item, item])


def test_the_api_lists_and_upserts_offers(client: Any, demo: dict[str, Any]) -> None:
    headers = {"Authorization": f"Bearer {demo['integration']['token']}"}
    page = client.get("/api/v1/offers?marketplace=wildberries&limit=5", headers=headers).get_json()
    assert len(page["items"]) == 5
    assert page["next_cursor"] is not None
    assert {o["marketplace"] for o in page["items"]} == {"wildberries"}
    body = {
        "offers": [
            {
                "merchant": "KOKTEM",
                "sku": "KKT-SC-01",
                "marketplace": "ozon",
                "account": "KOKTEM ozon",
                "channel": "resale",
                "marketplace_sku": "SCARF-R2",
                "warehouse_ref": "22142605386000",
            }
        ]
    }
    created = client.put("/api/v1/offers", json=body, headers=headers)
    assert created.status_code == 200, created.get_json()
    assert created.get_json()["created"] == 1
    again = client.put("/api/v1/offers", json=body, headers=headers).get_json()
    assert (again["created"], again["unchanged"]) == (0, 1)
    bad = client.put(
        "/api/v1/offers",
        json={"offers": [{**body["offers"][0], "warehouse_ref": "PP1"}]},
        headers=headers,
    )
    assert bad.status_code == 422
    assert "warehouse_id" in bad.get_json()["error"]["message"]
    found = client.get("/api/v1/offers?sku=KKT-SC-01&channel=resale", headers=headers).get_json()
    scarf = [o for o in found["items"] if o["marketplace_sku"] == "SCARF-R2"]
    assert scarf[0]["effective_price"] == "8091"  # 8 990 × (1 − 10 %), whole tenge
