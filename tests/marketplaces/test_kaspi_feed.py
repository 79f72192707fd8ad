"""The Kaspi XML price list writer: documented structure, escaping, snapshot, streaming."""

from __future__ import annotations

import hashlib
import io
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, datetime
from xml.etree import ElementTree

import pytest

from wms.adapters.marketplaces.kaspi import FeedAvailability, FeedOffer, iter_feed, write_feed

NS = "{kaspiShopping}"
MOMENT = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def offer(sku: str = "SKU-1", *stock: tuple[str, int], **extra) -> FeedOffer:
    places = tuple(FeedAvailability(store, count) for store, count in (stock or (("PP1", 3),)))
    return FeedOffer(sku, extra.pop("model", "Чайник"), extra.pop("brand", "Bosch"), places,
                     **({"price": 15000} | extra))  # fmt: skip


def render(offers: list[FeedOffer], **kwargs) -> ElementTree.Element:
    text = "".join(
        iter_feed(
            offers, company="ТОО Ромашка", merchant_id="30453464", generated_at=MOMENT, **kwargs
        )
    )
    return ElementTree.fromstring(text.encode("utf-8"))  # noqa: S314 - our own output


def test_the_document_has_the_documented_structure():
    root = render([offer("SKU-1", ("PP1", 3), ("PP2", 0)), offer("SKU-2", ("PP1", 1))])

    assert root.tag == f"{NS}kaspi_catalog"
    assert root.get("date") == "2026-11-23T12:00:00+00:00"
    assert [child.tag for child in root] == [f"{NS}company", f"{NS}merchantid", f"{NS}offers"]
    assert root.findtext(f"{NS}company") == "ТОО Ромашка"
    assert root.findtext(f"{NS}merchantid") == "30453464"
    first = root.find(f"{NS}offers/{NS}offer")
    assert first is not None
    assert first.get("sku") == "SKU-1"
    assert [child.tag for child in first] == [
        f"{NS}model",
        f"{NS}brand",
        f"{NS}availabilities",
        f"{NS}price",
    ]
    places = first.findall(f"{NS}availabilities/{NS}availability")
    assert [p.attrib for p in places] == [
        {"available": "yes", "storeId": "PP1", "stockCount": "3"},
        {"available": "no", "storeId": "PP2", "stockCount": "0"},  # zero stock stays listed
    ]
    assert first.findtext(f"{NS}price") == "15000"


def test_the_file_is_utf8_with_the_kaspi_namespace_and_schema_location():
    text = "".join(iter_feed([offer()], company="c", merchant_id="1", generated_at=MOMENT))
    assert text.startswith('<?xml version="1.0" encoding="utf-8"?>\n<kaspi_catalog ')
    assert 'xmlns="kaspiShopping"' in text
    assert 'xsi:schemaLocation="kaspiShopping http://kaspi.kz/kaspishopping.xsd"' in text


def test_every_offer_of_the_snapshot_is_written_even_without_stock():
    offers = [offer(f"S{i}", ("PP1", 0)) for i in range(5)]
    buffer = io.StringIO()
    stats = write_feed(buffer, offers, company="c", merchant_id="1")
    root = ElementTree.fromstring(buffer.getvalue())  # noqa: S314 - our own output
    assert len(root.findall(f"{NS}offers/{NS}offer")) == 5
    assert {a.get("available") for a in root.iter(f"{NS}availability")} == {"no"}
    assert (stats.offers, stats.availabilities, stats.zero_stock) == (5, 5, 5)


def test_special_characters_are_escaped_and_control_characters_dropped():
    model = 'Кружка "Утро" & чай <300 мл> l\'été\x07'
    root = render([offer("A-1", model=model, brand="Tom & Jerry's")])
    first = root.find(f"{NS}offers/{NS}offer")
    assert first is not None
    assert first.findtext(f"{NS}model") == 'Кружка "Утро" & чай <300 мл> l\'été'
    assert first.findtext(f"{NS}brand") == "Tom & Jerry's"
    text = "".join(iter_feed([offer(model="a&b")], company='"Q"', merchant_id="1"))
    assert "a&amp;b" in text
    assert "<company>&quot;Q&quot;</company>" in text


def test_pre_order_city_prices_and_old_price_are_written_when_given():
    places = (FeedAvailability("PP1", 2, pre_order_days=3),)
    priced = FeedOffer(
        "CP-1", "m", "b", places, city_prices={"750000000": 193000}, old_price=199000
    )
    root = render([priced])
    first = root.find(f"{NS}offers/{NS}offer")
    assert first is not None
    assert first.find(f"{NS}price") is None
    city = first.find(f"{NS}cityprices/{NS}cityprice")
    assert city is not None
    assert city.attrib == {"cityId": "750000000", "oldprice": "199000"}
    assert city.text == "193000"
    place = first.find(f"{NS}availabilities/{NS}availability")
    assert place is not None
    assert place.get("preOrder") == "3"


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: offer("has space"), "sku"),
        (lambda: offer("X" * 21), "sku"),
        (lambda: offer(price=None), "either price or city_prices"),
        (lambda: offer(price=0), "positive whole tenge"),
        (lambda: offer(model=" "), "model"),
        (lambda: FeedOffer("S", "m", "b", (), price=1), "availability"),
        (lambda: FeedAvailability("PP1", -1), "negative"),
        (lambda: FeedAvailability("PP1", 1, pre_order_days=31), "preOrder"),
        (lambda: FeedAvailability(" ", 1), "storeId"),
    ],
)
def test_invalid_offers_are_refused_before_they_reach_the_file(build, message):
    with pytest.raises(ValueError, match=message):
        build()


PLACES = {
    (a, b): (FeedAvailability("PP1", a), FeedAvailability("PP2", b))
    for a in range(7)
    for b in range(5)
}


def many_offers(count: int) -> Iterator[FeedOffer]:
    """Offers made one by one, as a database cursor would hand them over."""
    for i in range(count):
        model = f"Товар {i} & Co" if i % 100 == 0 else f"Товар {i}"
        yield FeedOffer(f"SKU{i:07d}", model, "Brand", PLACES[(i % 7, i * 3 % 5)], price=1000 + i)


@pytest.mark.slow
def test_100000_offers_stream_with_bounded_memory():
    digest = hashlib.sha256()
    written = 0
    tracemalloc.start()
    try:
        for chunk in iter_feed(many_offers(100_000), company="c", merchant_id="1"):
            data = chunk.encode("utf-8")
            written += len(data)
            digest.update(data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert written > 25_000_000  # the whole file would not fit under the bound below
    assert peak < 2_000_000, f"peak {peak} bytes: the feed is being held in memory"


def test_a_large_streamed_file_is_valid_xml_with_every_offer(tmp_path):
    path = tmp_path / "feed.xml"
    with path.open("w", encoding="utf-8") as stream:
        stats = write_feed(stream, many_offers(20_000), company="c", merchant_id="1")
    count = 0
    for _, element in ElementTree.iterparse(path):  # noqa: S314 - our own output
        if element.tag == f"{NS}offer":
            count += 1
            element.clear()
    assert count == stats.offers == 20_000
