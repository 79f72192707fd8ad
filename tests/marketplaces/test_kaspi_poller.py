"""The Kaspi sandbox's poller pulls our price list and applies it as a full snapshot."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tests.marketplaces.conftest import Control
from wms.adapters.marketplaces.kaspi import FeedAvailability, FeedOffer, write_feed
from wms.sandbox import kaspi as kaspi_sandbox
from wms.sandbox.kaspi_data import DEFAULT_MERCHANT_ID
from wms.sandbox.kaspi_data import DEFAULT_TOKEN as TOKEN


class FeedServer:
    """Our side: serves whatever feed the test sets, with an ETag, like the WMS will."""

    def __init__(self) -> None:
        self.body = b""
        self.etag = '"0"'
        self.status = 200
        self.hits = 0
        feed = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                feed.hits += 1
                if feed.status != 200:
                    self.send_error(feed.status)
                    return
                if self.headers.get("If-None-Match") == feed.etag:
                    self.send_response(304)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/xml; charset=utf-8")
                self.send_header("ETag", feed.etag)
                self.send_header("Content-Length", str(len(feed.body)))
                self.end_headers()
                self.wfile.write(feed.body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/kaspi/{DEFAULT_MERCHANT_ID}.xml"

    def publish(self, offers: list[FeedOffer], merchant_id: str = DEFAULT_MERCHANT_ID) -> None:
        buffer = io.StringIO()
        write_feed(buffer, offers, company="Demo shop", merchant_id=merchant_id)
        self.body = buffer.getvalue().encode("utf-8")
        self.etag = f'"{int(self.etag.strip(chr(34))) + 1}"'

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def offer(sku: str, *stock: tuple[str, int]) -> FeedOffer:
    places = tuple(FeedAvailability(store, count) for store, count in stock)
    return FeedOffer(sku, f"Модель {sku}", "Brand", places, price=1000)


@pytest.fixture
def feed() -> Iterator[FeedServer]:
    server = FeedServer()
    yield server
    server.stop()


@pytest.fixture
def shop(feed: FeedServer) -> Iterator[Control]:
    seed = {"merchants": [{"token": TOKEN, "merchant_id": DEFAULT_MERCHANT_ID}]}
    with kaspi_sandbox.start_in_thread(seed=seed, feed_url=feed.url, poll_interval=0) as handle:
        control = Control(handle)
        yield control
        control.close()


def poll(control: Control) -> dict[str, Any]:
    response = control.http.post("/_sandbox/poll")
    assert response.status_code == 200
    [fetch] = response.json()["fetches"]
    return dict(fetch)


def catalogue(control: Control) -> dict[str, Any]:
    return dict(control.stock()["merchants"][DEFAULT_MERCHANT_ID]["offers"])


def test_a_fetch_applies_the_file_as_the_merchants_catalogue(feed, shop):
    feed.publish([offer("A", ("PP1", 3), ("PP2", 0)), offer("B", ("PP1", 0))])

    fetch = poll(shop)

    assert fetch["ok"] is True
    assert (fetch["status"], fetch["offers"], fetch["available"], fetch["removed"]) == (
        200,
        2,
        1,
        0,
    )
    offers = catalogue(shop)
    assert offers["A"]["on_sale"] is True
    assert offers["A"]["availabilities"] == {
        "PP1": {"available": True, "stockCount": 3, "preOrder": None},
        "PP2": {"available": False, "stockCount": 0, "preOrder": None},
    }
    assert offers["B"]["availabilities"]["PP1"]["available"] is False


def test_an_offer_missing_from_the_next_file_is_taken_off_sale(feed, shop):
    feed.publish([offer("A", ("PP1", 3)), offer("B", ("PP1", 1))])
    poll(shop)
    feed.publish([offer("A", ("PP1", 2))])

    fetch = poll(shop)

    assert fetch["removed"] == 1
    offers = catalogue(shop)
    assert offers["A"]["availabilities"]["PP1"]["stockCount"] == 2
    assert offers["B"]["on_sale"] is False
    assert offers["B"]["availabilities"] == {}
    view = shop.stock()["merchants"][DEFAULT_MERCHANT_ID]
    assert (view["on_sale"], view["removed"], view["fetch_count"]) == (1, 1, 2)


def test_an_unchanged_file_is_not_downloaded_again(feed, shop):
    feed.publish([offer("A", ("PP1", 3))])
    poll(shop)
    fetch = poll(shop)
    assert fetch["status"] == 304
    assert fetch["not_modified"] is True
    assert catalogue(shop)["A"]["on_sale"] is True


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b"<kaspi_catalog", "not well-formed"),
        (b'<?xml version="1.0"?><catalog date="x"/>', "root must be kaspi_catalog"),
        (b"", "no element found"),
    ],
)
def test_a_broken_file_changes_nothing_and_is_recorded(feed, shop, body, error):
    feed.publish([offer("A", ("PP1", 3))])
    poll(shop)
    feed.body, feed.etag = body, '"broken"'

    fetch = poll(shop)

    assert fetch["ok"] is False
    assert error in fetch["error"]
    assert catalogue(shop)["A"]["on_sale"] is True


def test_another_merchants_file_is_refused(feed, shop):
    feed.publish([offer("A", ("PP1", 3))], merchant_id="999")
    fetch = poll(shop)
    assert fetch["ok"] is False
    assert "merchantid" in fetch["error"]
    assert catalogue(shop) == {}


def test_an_unreachable_feed_is_recorded_as_a_failed_fetch(feed, shop):
    feed.status = 503
    fetch = poll(shop)
    assert fetch["ok"] is False
    assert "HTTP 503" in fetch["error"]
    assert shop.http.get("/_sandbox/fetches").json()[DEFAULT_MERCHANT_ID][-1]["error"]


def test_the_poller_fetches_on_its_own_on_a_scaled_clock(feed):
    feed.publish([offer("A", ("PP1", 1))])
    seed = {"merchants": [{"token": TOKEN, "merchant_id": DEFAULT_MERCHANT_ID}]}
    # Hourly on Kaspi's clock is every 0.25 s at 14 400×.
    with kaspi_sandbox.start_in_thread(
        seed=seed, feed_url=feed.url, poll_interval=3600, time_scale=14_400
    ) as handle:
        control = Control(handle)
        deadline = time.monotonic() + 10
        while feed.hits < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert feed.hits >= 3
        assert catalogue(control)["A"]["on_sale"] is True
        control.close()
