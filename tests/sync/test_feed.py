"""The Kaspi price list: documented structure, full snapshot, secret URL, fetch log, and the
Kaspi sandbox pulling it over real HTTP."""

from __future__ import annotations

import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from tests.integration.test_scan_flows import HEADPHONES, inspect, putaway, receive
from wms.db.models import FeedFetch, MarketplaceAccount, Merchant, Offer, Product, Unit
from wms.domain.returns import Marketplace
from wms.sandbox import kaspi as kaspi_sandbox
from wms.services import accounts_marketplace, offers
from wms.services.offers import OfferInput
from wms.services.uow import SYSTEM, execute

NS = "{kaspiShopping}"


def _feed_path(demo: dict[str, Any], merchant: str = "ALTYN") -> str:
    url = next(f["url"] for f in demo["kaspi_feeds"] if f["merchant"] == merchant)
    return "/" + url.split("/", 3)[3]


def _parse(body: bytes) -> ET.Element:
    return ET.fromstring(body)  # noqa: S314 - our own server's output


def _kaspi_offers(database: Any, merchant: str) -> list[tuple[str, str, Any, str]]:
    with database.reading() as s:
        return s.execute(
            sa.select(Offer.marketplace_sku, Offer.warehouse_ref, Offer.channel, Product.sku)
            .join(MarketplaceAccount, MarketplaceAccount.id == Offer.account_id)
            .join(Merchant, Merchant.id == Offer.merchant_id)
            .join(Product, Product.id == Offer.product_id)
            .where(MarketplaceAccount.marketplace == Marketplace.KASPI, Merchant.code == merchant)
            .where(Offer.active)
        ).all()


def test_the_feed_has_the_documented_structure_and_every_offer(
    client: Any, demo: dict[str, Any], database: Any
) -> None:
    answer = client.get(_feed_path(demo), buffered=True)
    assert answer.status_code == 200
    assert answer.content_type == "application/xml; charset=utf-8"
    assert answer.data.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    root = _parse(answer.data)
    assert root.tag == f"{NS}kaspi_catalog"
    assert root.get("date")
    assert [child.tag for child in root] == [f"{NS}company", f"{NS}merchantid", f"{NS}offers"]
    assert root.findtext(f"{NS}company") == "Алтын Электроникс"
    assert root.findtext(f"{NS}merchantid") == "30500001"
    found = {}
    for offer in root.iter(f"{NS}offer"):
        assert [c.tag for c in offer] == [
            f"{NS}model",
            f"{NS}brand",
            f"{NS}availabilities",
            f"{NS}price",
        ]
        (place,) = offer.iter(f"{NS}availability")
        found[offer.get("sku")] = (
            place.get("storeId"),
            place.get("available"),
            place.get("stockCount"),
            offer.findtext(f"{NS}price"),
        )
    listed = _kaspi_offers(database, "ALTYN")
    assert set(found) == {sku for sku, *_ in listed}  # every active offer, nothing else
    # Opening stock: 5 of each main SKU; resale is empty and stays listed as not available.
    assert found["ALT-HP-01"] == ("PP1", "yes", "5", "24990")
    assert found["ALT-HP-01-R"] == ("PP1", "no", "0", "23241")  # 24 990 × 0.93, rounded


def test_the_feed_is_a_full_snapshot_of_the_active_offers(
    client: Any, demo: dict[str, Any], database: Any
) -> None:
    off = OfferInput(
        "ALTYN",
        "ALT-KT-02",
        Marketplace.KASPI,
        "ALTYN kaspi",
        offers.Channel.MAIN,
        "ALT-KT-02",
        "PP1",
        active=False,
    )
    execute(database, offers.upsert, SYSTEM, [off])
    root = _parse(client.get(_feed_path(demo), buffered=True).data)
    skus = [o.get("sku") for o in root.iter(f"{NS}offer")]
    assert "ALT-KT-02" not in skus
    assert sorted(skus) == sorted(s for s, *_ in _kaspi_offers(database, "ALTYN"))
    assert len(skus) == 5


def test_unknown_and_rotated_tokens_get_nothing(
    client: Any, demo: dict[str, Any], database: Any
) -> None:
    old = _feed_path(demo)
    assert client.get("/feeds/kaspi/not-a-token.xml").status_code == 404
    _account, token = execute(
        database, accounts_marketplace.rotate_feed_token, SYSTEM, "ALTYN:ALTYN kaspi"
    )
    assert client.get(old).status_code == 404
    assert client.get(f"/feeds/kaspi/{token}.xml", buffered=True).status_code == 200
    with database.reading() as s:
        assert s.execute(sa.select(sa.func.count()).select_from(FeedFetch)).scalar_one() == 1


def test_a_fetch_is_logged_and_reintegrates_units_it_listed(
    client: Any, demo: dict[str, Any], database: Any, station: Any
) -> None:
    (lpn,) = receive(station("receipt"), "512345678", HEADPHONES)
    inspect(station("inspection"), lpn, [], "GRADE-RESELLABLE")
    putaway(station("putaway"), lpn, "BIN-M-01-02")
    body = client.get(_feed_path(demo), headers={"User-Agent": "Kaspi-Bot/1"}, buffered=True).data
    root = _parse(body)
    stock = {
        o.get("sku"): o.find(f".//{NS}availability").get("stockCount")  # type: ignore[union-attr]
        for o in root.iter(f"{NS}offer")
    }
    assert stock["ALT-HP-01"] == "6"
    with database.reading() as s:
        fetch = s.execute(sa.select(FeedFetch)).scalar_one()
        assert (fetch.status, fetch.offers, fetch.bytes) == (200, 6, len(body))
        assert fetch.user_agent == "Kaspi-Bot/1"
        unit = s.execute(sa.select(Unit).where(Unit.lpn == lpn)).scalar_one()
        assert unit.reintegrated_at is not None
        told = s.execute(
            sa.select(Offer.pushed_quantity, Offer.confirmed_at).where(
                Offer.marketplace_sku == "ALT-HP-01", Offer.warehouse_ref == "PP1"
            )
        ).one()
        assert told[0] == 6
        assert told[1] is not None


@pytest.fixture
def served(app: Any) -> Iterator[str]:
    """The app on a real socket (the Kaspi sandbox fetches over HTTP)."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


def test_the_kaspi_sandbox_pulls_the_feed_and_holds_the_wms_stock(
    served: str, demo: dict[str, Any], database: Any
) -> None:
    url = served + _feed_path(demo)
    seed = {"merchants": [{"token": "kaspi-ALTYN", "merchant_id": "30500001", "feed_url": url}]}
    with kaspi_sandbox.start_in_thread(seed=seed, poll_interval=0) as kaspi:
        fetches = httpx.post(f"{kaspi.url}/_sandbox/poll", timeout=30).json()["fetches"]
        assert [f["ok"] for f in fetches] == [True]
        held = httpx.get(f"{kaspi.url}/_sandbox/stock").json()["merchants"]["30500001"]
    on_sale = {
        sku: offer["availabilities"]["PP1"]["stockCount"]
        for sku, offer in held["offers"].items()
        if offer["on_sale"]
    }
    assert on_sale == {
        "ALT-HP-01": 5,
        "ALT-KT-02": 5,
        "ALT-PC-03": 5,
        "ALT-HP-01-R": 0,
        "ALT-KT-02-R": 0,
        "ALT-PC-03-R": 0,
    }
    with database.reading() as s:
        assert s.execute(sa.select(FeedFetch.user_agent)).scalar_one().startswith("python-httpx")


def test_a_fetch_cut_short_is_logged_as_incomplete(
    client: Any, demo: dict[str, Any], database: Any
) -> None:
    response = client.get(_feed_path(demo))
    assert next(response.iter_encoded()).startswith(b"<?xml")
    response.close()  # Kaspi hung up after the first chunk
    with database.reading() as s:
        assert s.execute(sa.select(FeedFetch.status)).scalar_one() == 499
        told = s.execute(
            sa.select(Offer.pushed_quantity)
            .join(MarketplaceAccount, MarketplaceAccount.id == Offer.account_id)
            .where(MarketplaceAccount.marketplace == Marketplace.KASPI)
        ).scalars()
        assert set(told) == {None}
