"""The Kaspi XML price list: a full catalogue snapshot per merchant, written as a stream.

Kaspi has no stock API; it pulls this file from our URL. Offers missing from the file are taken
off sale, so the caller passes EVERY offer of the merchant, with zero stock where there is none
(written as `available="no"`). Offers are formatted one at a time, so 100 000 offers never sit
in memory as one tree or one string.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TextIO

NAMESPACE = "kaspiShopping"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = "kaspiShopping http://kaspi.kz/kaspishopping.xsd"
SKU_PATTERN = re.compile(r"^[0-9A-Za-z_.\-]{1,20}$")  # "digits and Latin letters, ≤ 20"
MAX_PRE_ORDER_DAYS = 30
CHUNK_OFFERS = 200  # offers per yielded chunk: few writes, small chunks
# XML 1.0 forbids most control characters even when escaped; they would make the whole file
# unreadable for Kaspi, so they are dropped from text.
_INVALID_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NEEDS_ESCAPING = re.compile("[&<>\"'\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;"})


@dataclass(frozen=True)
class FeedAvailability:
    """Stock of one offer at one Kaspi warehouse (`storeId`, e.g. PP1)."""

    store_id: str
    stock_count: int
    pre_order_days: int | None = None

    def __post_init__(self) -> None:
        if not self.store_id.strip():
            raise ValueError("storeId must not be empty")
        if self.stock_count < 0:
            raise ValueError(f"{self.store_id}: stockCount {self.stock_count} is negative")
        days = self.pre_order_days
        if days is not None and not 0 < days <= MAX_PRE_ORDER_DAYS:
            raise ValueError(f"{self.store_id}: preOrder must be 1..{MAX_PRE_ORDER_DAYS} days")


@dataclass(frozen=True)
class FeedOffer:
    """One line of the price list: a merchant SKU with its stock per warehouse and price.

    Either `price` or `city_prices` (cityId → price) is given; prices are whole tenge incl. VAT.
    """

    sku: str
    model: str
    brand: str
    availabilities: tuple[FeedAvailability, ...]
    price: int | None = None
    old_price: int | None = None
    city_prices: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not SKU_PATTERN.match(self.sku):
            raise ValueError(f"sku {self.sku!r}: use 1-20 digits, Latin letters, '-', '_', '.'")
        if not self.model.strip():
            raise ValueError(f"{self.sku}: model must not be empty")
        if not self.availabilities:
            raise ValueError(f"{self.sku}: at least one availability is needed")
        if (self.price is None) == (not self.city_prices):
            raise ValueError(f"{self.sku}: give either price or city_prices")
        prices = [self.price] if self.price is not None else list(self.city_prices.values())
        for price in [*prices, self.old_price]:
            if price is not None and (isinstance(price, bool) or price <= 0):
                raise ValueError(f"{self.sku}: prices are positive whole tenge, got {price!r}")


@dataclass
class FeedStats:
    """What a written feed contained."""

    offers: int = 0
    availabilities: int = 0
    zero_stock: int = 0


def iter_feed(
    offers: Iterable[FeedOffer],
    *,
    company: str,
    merchant_id: str,
    generated_at: datetime | None = None,
    stats: FeedStats | None = None,
) -> Iterator[str]:
    """Yield the price list as text chunks (for a streaming HTTP response or a file)."""
    stats = stats if stats is not None else FeedStats()
    moment = (generated_at or datetime.now(UTC)).isoformat(timespec="seconds")
    yield (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<kaspi_catalog date="{_text(moment)}" xmlns="{NAMESPACE}" xmlns:xsi="{XSI}"'
        f' xsi:schemaLocation="{SCHEMA_LOCATION}">\n'
        f"  <company>{_text(company)}</company>\n"
        f"  <merchantid>{_text(merchant_id)}</merchantid>\n"
        "  <offers>\n"
    )
    batch: list[str] = []
    for offer in offers:
        batch.append(_offer_xml(offer, stats))
        if len(batch) >= CHUNK_OFFERS:
            yield "".join(batch)
            batch.clear()
    if batch:
        yield "".join(batch)
    yield "  </offers>\n</kaspi_catalog>\n"


def write_feed(
    stream: TextIO,
    offers: Iterable[FeedOffer],
    *,
    company: str,
    merchant_id: str,
    generated_at: datetime | None = None,
) -> FeedStats:
    """Write the price list to a text stream (opened with encoding="utf-8") and count it."""
    stats = FeedStats()
    for chunk in iter_feed(
        offers, company=company, merchant_id=merchant_id, generated_at=generated_at, stats=stats
    ):
        stream.write(chunk)
    return stats


def _offer_xml(offer: FeedOffer, stats: FeedStats) -> str:
    stats.offers += 1
    stats.availabilities += len(offer.availabilities)
    stats.zero_stock += sum(1 for place in offer.availabilities if place.stock_count == 0)
    places = "".join(_availability_xml(place) for place in offer.availabilities)
    old = f' oldprice="{offer.old_price}"' if offer.old_price is not None else ""
    if offer.price is not None:
        price = f"      <price{old}>{offer.price}</price>\n"
    else:
        cities = "".join(
            f'        <cityprice cityId="{_text(city)}"{old}>{value}</cityprice>\n'
            for city, value in offer.city_prices.items()
        )
        price = f"      <cityprices>\n{cities}      </cityprices>\n"
    return (
        f'    <offer sku="{_text(offer.sku)}">\n'
        f"      <model>{_text(offer.model)}</model>\n"
        f"      <brand>{_text(offer.brand)}</brand>\n"
        f"      <availabilities>\n{places}      </availabilities>\n"
        f"{price}    </offer>\n"
    )


def _availability_xml(place: FeedAvailability) -> str:
    # Zero stock is published as "not available" rather than dropped: an offer missing from the
    # file would be taken off sale and need relinking in the cabinet.
    available = "yes" if place.stock_count > 0 else "no"
    pre_order = f' preOrder="{place.pre_order_days}"' if place.pre_order_days else ""
    return (
        f'        <availability available="{available}" storeId="{_text(place.store_id)}"'
        f'{pre_order} stockCount="{place.stock_count}"/>\n'
    )


def _text(value: str) -> str:
    """Escape for element text and attribute values (`" & > < '`), dropping invalid chars."""
    if _NEEDS_ESCAPING.search(value) is None:  # the common case: no new string at all
        return value
    return _INVALID_XML_CHARS.sub("", value).translate(_ESCAPES)
