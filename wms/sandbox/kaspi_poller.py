"""The Kaspi side of the price list: fetch a merchant's feed URL and apply it as a snapshot.

Like Kaspi, the poller replaces the merchant's catalogue with the file's content: offers in the
file are on sale with the file's availabilities, offers missing from it are taken off sale. A
file that cannot be read (HTTP error, broken XML, another merchant's id) changes nothing. Every
fetch is recorded. The XML is parsed incrementally while it downloads, one offer at a time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any
from xml.etree.ElementTree import Element, ParseError, XMLPullParser  # noqa: S405 - see _parse

import httpx

from wms.sandbox.kaspi_data import Merchant

NS = "{kaspiShopping}"
FETCH_TIMEOUT = 30.0
KEEP_FETCHES = 200


class FeedError(Exception):
    """The file is not a usable price list for this merchant."""


def fetch_and_apply(
    merchant: Merchant, client: httpx.Client, lock: threading.RLock
) -> dict[str, Any]:
    """Fetch the merchant's feed once, apply it if it is valid, record and return the fetch."""
    started = time.monotonic()
    record: dict[str, Any] = {
        "at": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "url": merchant.feed_url,
        "status": None,
        "ok": False,
        "not_modified": False,
        "error": None,
    }
    try:
        record.update(_fetch(merchant, client, lock))
        record["ok"] = True
    except (httpx.HTTPError, FeedError) as exc:
        record["error"] = f"{type(exc).__name__}: {exc}"
    record["duration_ms"] = round((time.monotonic() - started) * 1000, 1)
    with lock:
        merchant.fetches.append(record)
        del merchant.fetches[:-KEEP_FETCHES]
    return record


def _fetch(merchant: Merchant, client: httpx.Client, lock: threading.RLock) -> dict[str, Any]:
    if not merchant.feed_url:
        raise FeedError("no feed URL configured")
    headers = {}
    if merchant.etag:
        headers["If-None-Match"] = merchant.etag
    if merchant.last_modified:
        headers["If-Modified-Since"] = merchant.last_modified
    with client.stream(
        "GET", merchant.feed_url, headers=headers, timeout=FETCH_TIMEOUT
    ) as response:
        if response.status_code == 304:
            return {"status": 304, "not_modified": True}
        if response.status_code != 200:
            raise FeedError(f"HTTP {response.status_code}")
        size = 0

        def chunks() -> Iterator[bytes]:
            nonlocal size
            for chunk in response.iter_bytes():
                size += len(chunk)
                yield chunk

        offers = _parse(chunks(), merchant.merchant_id)
        etag, modified = response.headers.get("ETag"), response.headers.get("Last-Modified")
    with lock:
        summary = _apply(merchant, offers)
        merchant.etag, merchant.last_modified = etag, modified
    return {"status": 200, "bytes": size, **summary}


def _parse(chunks: Iterator[bytes], merchant_id: str) -> dict[str, dict[str, Any]]:
    """Read the price list into {sku: offer}, checking root, merchant id and duplicates.

    Our own server's file: the expat behind ElementTree refuses external entities and caps
    entity expansion, which is the protection a sandbox needs.
    """
    parser: XMLPullParser[Element] = XMLPullParser(events=("start", "end"))
    offers: dict[str, dict[str, Any]] = {}
    root: Element | None = None
    try:
        for chunk in chunks:
            parser.feed(chunk)
            for event, element in _element_events(parser):
                if root is None:
                    root = _check_root(element)
                elif event == "end":
                    _on_end(element, offers, merchant_id)
        parser.close()
    except ParseError as exc:
        raise FeedError(f"not well-formed XML: {exc}") from exc
    return offers


def _element_events(parser: XMLPullParser[Element]) -> Iterator[tuple[str, Element]]:
    for item in parser.read_events():
        match item:
            case (str(event), Element() as element):  # start/end events carry elements
                yield event, element


def _check_root(element: Element) -> Element:
    if element.tag != f"{NS}kaspi_catalog":
        raise FeedError(f"root must be kaspi_catalog in namespace kaspiShopping, not {element.tag}")
    if not element.get("date"):
        raise FeedError("kaspi_catalog@date is required")
    return element


def _on_end(element: Element, offers: dict[str, dict[str, Any]], merchant_id: str) -> None:
    if element.tag == f"{NS}merchantid" and (element.text or "").strip() != merchant_id:
        raise FeedError(f"merchantid {element.text!r} is not {merchant_id!r}")
    if element.tag != f"{NS}offer":
        return
    sku = element.get("sku")
    if not sku:
        raise FeedError("offer without sku")
    if sku in offers:
        raise FeedError(f"sku {sku!r} appears twice")
    offers[sku] = _offer(element)
    element.clear()  # keep memory flat while reading a large file


def _offer(element: Element) -> dict[str, Any]:
    availabilities = {}
    for place in element.iter(f"{NS}availability"):
        store = place.get("storeId", "")
        stock = int(place.get("stockCount") or 0)
        pre_order = place.get("preOrder")
        availabilities[store] = {
            "available": place.get("available") == "yes",
            "stockCount": stock,
            "preOrder": int(pre_order) if pre_order else None,
        }
    price = element.findtext(f"{NS}price")
    city_prices = {c.get("cityId", ""): int(c.text or 0) for c in element.iter(f"{NS}cityprice")}
    return {
        "model": element.findtext(f"{NS}model") or "",
        "brand": element.findtext(f"{NS}brand") or "",
        "price": int(price) if price else None,
        "city_prices": city_prices,
        "availabilities": availabilities,
    }


def _apply(merchant: Merchant, offers: dict[str, dict[str, Any]]) -> dict[str, int]:
    """Full snapshot: the file's offers go on sale, every other known offer comes off."""
    removed = 0
    for sku, state in merchant.offers.items():
        if sku not in offers and state["on_sale"]:
            state["on_sale"] = False
            state["availabilities"] = {}
            removed += 1
    for sku, offer in offers.items():
        merchant.offers[sku] = {**offer, "on_sale": True}
    available = sum(
        1 for o in offers.values() if any(a["available"] for a in o["availabilities"].values())
    )
    return {"offers": len(offers), "available": available, "removed": removed}


class FeedPoller:
    """Fetch every merchant's feed every `interval_real` seconds (None: only on request)."""

    def __init__(
        self,
        merchants: Callable[[], list[Merchant]],
        lock: threading.RLock,
        interval_real: float | None,
    ) -> None:
        self._merchants = merchants
        self._lock = lock
        self._interval = interval_real
        self._stop = threading.Event()
        self._client = httpx.Client()
        self._thread = threading.Thread(target=self._run, name="kaspi-feed-poller", daemon=True)

    def start(self) -> None:
        """Start polling (the first fetch happens after one interval)."""
        self._thread.start()

    def stop(self) -> None:
        """Stop polling and close the HTTP client."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=FETCH_TIMEOUT)
        self._client.close()

    def poll_once(self) -> list[dict[str, Any]]:
        """Fetch every merchant that has a feed URL now."""
        with self._lock:
            targets = [m for m in self._merchants() if m.feed_url]
        return [fetch_and_apply(m, self._client, self._lock) for m in targets]

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            self.poll_once()
