"""Stock sync throughput against the marketplaces' own limits, and the Kaspi feed for many offers.

For Wildberries and Ozon the bench puts N changed offers in a fresh database (one outbox row
each, as `wms.services.stock` writes them), starts the sandbox with its real limits on a scaled
clock, and runs one `SyncWorker` until every row is done. It reports
- the wall time, the LOWER BOUND the limits impose on any client ((requests − burst) / rate),
  and their ratio (goal ≤ 1.05);
- a FLOOR measured in the same run: the same requests sent straight through the adapter and a
  token bucket, no database at all, and the worker's ratio to it.
For Kaspi it streams the price list of N offers from the database (`wms.services.sync.feed`)
and reports time and peak Python memory (tracemalloc), next to the floor of writing the same
offers from a list in memory.

    .venv/bin/python bench/sync.py [--quick] [--offers N] [--database-url URL]

Prints ONE JSON line on stdout; progress goes to stderr. Exit status 1 when a sandbox ends up
holding anything but the WMS's quantities.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench")]

import httpx  # noqa: E402
import sqlalchemy as sa  # noqa: E402

from wms.adapters.marketplaces.base import OfferKey, StockUpdate, chunked  # noqa: E402
from wms.adapters.marketplaces.factory import Endpoint, make_adapter, stock_limits  # noqa: E402
from wms.adapters.marketplaces.kaspi_feed import FeedAvailability, FeedOffer, write_feed  # noqa: E402
from wms.adapters.marketplaces.throttle import TokenBucket  # noqa: E402
from wms.db import migrate  # noqa: E402
from wms.db.base import utcnow  # noqa: E402
from wms.db.models import (  # noqa: E402
    MarketplaceAccount,
    Merchant,
    Offer,
    OutboxMessage,
    Product,
    StockTotal,  # noqa: E402
)
from wms.db.session import Database, make_engine, open_database  # noqa: E402
from wms.domain.returns import Marketplace  # noqa: E402
from wms.domain.stock import Channel  # noqa: E402
from wms.jobs.sync_worker import SyncWorker  # noqa: E402
from wms.services.crypto import SecretBox  # noqa: E402
from wms.services.sync import feed  # noqa: E402
from wms.services.sync.outbox import stock_key  # noqa: E402
from wms.settings import Settings  # noqa: E402

# Clock speed-ups of the sandboxes (and of the worker's buckets), set by --wb-scale/--ozon-scale.
# Wildberries runs at its real 300/min (100 000 offers are 100 requests); Ozon's 80/min would
# make 1 000 requests last 12 minutes, 20× keeps that under a minute.
SCALES = {"wildberries": 1.0, "ozon": 20.0}
WB_WAREHOUSE, OZON_WAREHOUSE = 658_434, 22_142_605_386_000
T0 = time.monotonic()


def log(message: str) -> None:
    """Progress on stderr."""
    print(f"[{time.monotonic() - T0:7.1f}s] {message}", file=sys.stderr, flush=True)


@dataclass
class Fixture:
    """A database with one merchant and an account per marketplace."""

    db: Database
    settings: Settings
    merchant_id: int
    accounts: dict[Marketplace, int]


def _settings(url: str, wb: Remote, oz: Remote) -> Settings:
    return Settings().with_overrides(
        database={"url": url, "pool_size": 5},
        server={"secret_key": "bench-sync-secret"},
        marketplaces={
            "wildberries": {"base_url": wb.url, "time_scale": SCALES["wildberries"]},
            "ozon": {"base_url": oz.url, "time_scale": SCALES["ozon"]},
            "kaspi": {"enabled": False},
        },
        sync={"batch_size": 10_000, "poll_interval_seconds": 0.05},
    )


def build(url: str, wb: Remote, oz: Remote) -> Fixture:
    """Migrate a fresh database and create the merchant and its accounts."""
    settings = _settings(url, wb, oz)
    engine = make_engine(settings.database, immediate=False)
    migrate.upgrade(engine)
    engine.dispose()
    db = open_database(settings.database)
    box = SecretBox(settings)
    credentials = {
        Marketplace.WILDBERRIES: {"token": "bench-wb"},
        Marketplace.OZON: {"client_id": "bench", "api_key": "bench-ozon"},
        Marketplace.KASPI: {"token": "bench-kaspi"},
    }
    with db.engine.begin() as conn:
        now = utcnow()
        merchant_id = conn.execute(
            sa.insert(Merchant)
            .values(code="BENCH", name="Бенч ЖШС", created_at=now)
            .returning(Merchant.id)
        ).scalar_one()
        accounts = {}
        for market, creds in credentials.items():
            accounts[market] = conn.execute(
                sa.insert(MarketplaceAccount)
                .values(
                    merchant_id=merchant_id,
                    marketplace=market,
                    name=f"bench {market.value}",
                    credentials_enc=box.encrypt_json(creds),
                    settings={"merchant_id": "30999999"},
                    created_at=now,
                )
                .returning(MarketplaceAccount.id)
            ).scalar_one()
    return Fixture(db, settings, merchant_id, accounts)


def add_offers(fix: Fixture, market: Marketplace, count: int, *, changed: bool) -> dict[str, int]:
    """`count` products listed on one marketplace with stock; one pending change each if asked.

    Returns {marketplace offer id: available}.
    """
    rng = random.Random(count)
    now = utcnow()
    with fix.db.engine.begin() as conn:
        first = (conn.execute(sa.select(sa.func.max(Product.id))).scalar() or 0) + 1
        ids = range(first, first + count)
        conn.execute(
            sa.insert(Product),
            [
                {
                    "id": i,
                    "merchant_id": fix.merchant_id,
                    "sku": f"B{i:07d}",
                    "title": f"Товар {i}",
                    "price": 1000 + i % 5000,
                    "category": "general",
                    "created_at": now,
                }
                for i in ids
            ],
        )
        offer_ids = {i: _offer_id(market, i) for i in ids}
        conn.execute(
            sa.insert(Offer),
            [
                {
                    "merchant_id": fix.merchant_id,
                    "account_id": fix.accounts[market],
                    "product_id": i,
                    "channel": Channel.MAIN,
                    "marketplace_sku": offer_ids[i][0],
                    "warehouse_ref": offer_ids[i][1],
                    "active": True,
                    "created_at": now,
                }
                for i in ids
            ],
        )
        amounts = {i: rng.randint(0, 40) for i in ids}
        conn.execute(
            sa.insert(StockTotal),
            [
                {
                    "merchant_id": fix.merchant_id,
                    "product_id": i,
                    "channel": Channel.MAIN,
                    "on_hand": amounts[i],
                    "reserved": 0,
                    "version": 1,
                    "updated_at": now,
                }
                for i in ids
            ],
        )
        if changed:
            conn.execute(
                sa.insert(OutboxMessage),
                [
                    {
                        "topic": "stock.changed",
                        "key": stock_key(fix.merchant_id, i, Channel.MAIN),
                        "payload": {
                            "merchant_id": fix.merchant_id,
                            "product_id": i,
                            "channel": "main",
                            "on_hand": amounts[i],
                            "reserved": 0,
                            "available": amounts[i],
                            "version": 1,
                        },
                        "status": "pending",
                        "attempts": 0,
                        "created_at": now,
                        "available_at": now,
                    }
                    for i in ids
                ],
            )
    return {offer_ids[i][0]: amounts[i] for i in ids}


def _offer_id(market: Marketplace, index: int) -> tuple[str, str]:
    if market is Marketplace.WILDBERRIES:
        return str(40_000_000 + index), str(WB_WAREHOUSE)
    if market is Marketplace.OZON:
        return f"OZ-{index:07d}", str(OZON_WAREHOUSE)
    return f"K{index:07d}", "PP1"


def lower_bound(market: Marketplace, offers: int) -> tuple[int, float]:
    """Requests needed and the least time the marketplace's limits allow for them."""
    scale = SCALES[market.value]
    limits = stock_limits(market, scale)
    assert limits is not None
    requests = math.ceil(offers / limits.max_batch)
    return requests, max(requests - limits.burst, 0) / limits.rate_per_second


def run_worker(fix: Fixture) -> float:
    """Run one worker until no row is pending; returns the wall time."""
    worker = SyncWorker(fix.db, fix.settings, SecretBox(fix.settings), name="bench")
    stop = threading.Event()
    started = time.monotonic()
    try:
        while True:
            worker.run(stop, once=True)
            with fix.db.reading() as s:
                left = s.execute(
                    sa.select(sa.func.count()).where(OutboxMessage.status == "pending")
                ).scalar_one()
            if not left:
                break
            time.sleep(0.01)
    finally:
        worker.close()
    return time.monotonic() - started


def floor_push(
    market: Marketplace,
    url: str,
    credentials: dict[str, str],
    values: dict[str, int],
    safety: float,
) -> float:
    """The same pushes straight through the adapter and a token bucket: no database."""
    scale = SCALES[market.value]
    limits = stock_limits(market, scale)
    assert limits is not None
    bucket = TokenBucket(limits.rate_per_second * safety, limits.burst)
    adapter = make_adapter(market, credentials, Endpoint(url, scale), throttle=bucket)
    warehouse = str(WB_WAREHOUSE if market is Marketplace.WILDBERRIES else OZON_WAREHOUSE)
    items = [StockUpdate(OfferKey(k, warehouse), v) for k, v in values.items()]
    started = time.monotonic()
    for batch in chunked(items, limits.max_batch):
        results = adapter.push_stock(batch)  # type: ignore[attr-defined]
        if not all(r.is_ok for r in results):
            raise SystemExit(f"floor push failed: {next(r for r in results if not r.is_ok)}")
    adapter.close()
    return time.monotonic() - started


@dataclass
class Remote:
    """A sandbox in its own process (like a marketplace, it must not share our interpreter)."""

    url: str
    process: subprocess.Popen[bytes]


def _start(name: str, scale: float) -> Remote:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [
        sys.executable,
        "-m",
        f"wms.sandbox.{name}",
        "--port",
        str(port),
        "--time-scale",
        str(scale),
        "--seed",
        str(_empty_seed()),
    ]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            if httpx.get(f"{url}/_sandbox/health", timeout=1).is_success:
                return Remote(url, process)
        except httpx.HTTPError:
            time.sleep(0.05)
    process.kill()
    raise SystemExit(f"the {name} sandbox did not start")


def _empty_seed() -> Path:
    path = Path(tempfile.gettempdir()) / "wms-bench-empty-seed.json"
    path.write_text('{"accounts": [], "merchants": []}', encoding="utf-8")
    return path


@contextmanager
def sandboxes() -> Iterator[tuple[Remote, Remote]]:
    """Both sandboxes, each in its own process, with the bench seller on Wildberries."""
    wb, oz = _start("wildberries", SCALES["wildberries"]), _start("ozon", SCALES["ozon"])
    seed = {
        "accounts": [
            {
                "token": "bench-wb",
                "name": "bench",
                "open_catalog": True,
                "warehouses": [{"id": WB_WAREHOUSE}],
            }
        ]
    }
    assert httpx.post(f"{wb.url}/_sandbox/seed", json=seed).is_success
    try:
        yield wb, oz
    finally:
        for remote in (wb, oz):
            remote.process.terminate()
            remote.process.wait(timeout=10)


def seed_ozon(oz: Remote, values: dict[str, int], client_id: str, key: str) -> None:
    """Ozon refuses unknown products: register every offer."""
    products = [{"offer_id": o, "product_id": 500_000 + n} for n, o in enumerate(values)]
    spec = {
        "client_id": client_id,
        "api_key": key,
        "name": client_id,
        "warehouses": [OZON_WAREHOUSE],
        "products": products,
    }
    assert httpx.post(f"{oz.url}/_sandbox/seed", json={"accounts": [spec]}, timeout=120).is_success


def held(handle: Remote, account: str) -> dict[str, int]:
    """What the sandbox holds for one account's only warehouse."""
    stock = httpx.get(f"{handle.url}/_sandbox/stock", timeout=60).json()["accounts"][account]
    (values,) = stock["warehouses"].values()
    return {str(k): int(v) for k, v in values.items()}


def push_phase(
    fix: Fixture,
    market: Marketplace,
    handle: Remote,
    offers: int,
    floor_handle: Remote,
    account: str,
) -> dict[str, Any]:
    """One marketplace: the worker's wall time, the limits' bound and the floor."""
    name = "wb" if market is Marketplace.WILDBERRIES else "ozon"
    values = add_offers(fix, market, offers, changed=True)
    if market is Marketplace.OZON:
        seed_ozon(handle, values, "bench", "bench-ozon")
        seed_ozon(floor_handle, values, "floor", "floor-key")
    requests, bound = lower_bound(market, offers)
    log(f"{name}: {offers} offers, {requests} requests, lower bound {bound:.1f} s")
    wall = run_worker(fix)
    got = held(handle, account)
    wrong = sum(1 for k, v in values.items() if got.get(k, 0) != v)
    log(f"{name}: worker {wall:.1f} s, {wrong} offers differ")
    creds = (
        {"token": "floor-wb"}
        if market is Marketplace.WILDBERRIES
        else {"client_id": "floor", "api_key": "floor-key"}
    )
    floor = floor_push(market, floor_handle.url, creds, values, fix.settings.sync.rate_safety)
    log(f"{name}: floor {floor:.1f} s")
    return {
        f"{name}_offers": offers,
        f"{name}_requests": requests,
        f"{name}_wall_s": round(wall, 2),
        f"{name}_bound_s": round(bound, 2),
        f"{name}_ratio": round(wall / bound, 3) if bound else None,
        f"{name}_floor_s": round(floor, 2),
        f"{name}_vs_floor_ratio": round(wall / floor, 3) if floor else None,
        f"{name}_offers_wrong": wrong,
    }


def feed_phase(fix: Fixture, offers: int) -> dict[str, Any]:
    """Stream the Kaspi price list of `offers` offers: time, bytes and peak memory."""
    add_offers(fix, Marketplace.KASPI, offers, changed=False)
    with fix.db.reading() as s:
        account = s.get(MarketplaceAccount, fix.accounts[Marketplace.KASPI])
        assert account is not None
        source = feed.FeedSource(account.id, fix.merchant_id, "Бенч ЖШС", "30999999", 7)

    def stream() -> int:
        return sum(len(chunk) for chunk in feed.stream(fix.db, feed.FeedProgress(source)))

    size, seconds = _timed(stream)
    size, peak = _peak(stream)
    in_memory = [
        FeedOffer(f"K{i:07d}", f"Товар {i}", "", (FeedAvailability("PP1", i % 40),), price=1000 + i)
        for i in range(offers)
    ]
    _, floor = _timed(lambda: write_feed(io.StringIO(), in_memory, company="x", merchant_id="1"))
    log(f"kaspi feed: {offers} offers, {size / 1e6:.1f} MB in {seconds:.2f} s, peak {peak:.1f} MB")
    return {
        "kaspi_offers": offers,
        "kaspi_feed_s": round(seconds, 3),
        "kaspi_feed_mb": round(size / 1e6, 2),
        "kaspi_feed_peak_mb": round(peak, 2),
        "kaspi_floor_s": round(floor, 3),
        "kaspi_feed_vs_floor_ratio": round(seconds / floor, 3) if floor else None,
    }


def _timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    started = time.monotonic()
    result = fn()
    return result, time.monotonic() - started


def _peak(fn: Callable[[], Any]) -> tuple[Any, float]:
    tracemalloc.start()
    try:
        result = fn()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak / 1e6


def main() -> int:
    """Run the phases and print the JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller runs, same keys (< 1 min)")
    parser.add_argument("--offers", type=int, help="offers per marketplace (default 100 000)")
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument("--wb-scale", type=float, default=SCALES["wildberries"])
    parser.add_argument("--ozon-scale", type=float, default=SCALES["ozon"])
    args = parser.parse_args()
    SCALES.update(wildberries=args.wb_scale, ozon=args.ozon_scale)
    wb_offers = args.offers or (40_000 if args.quick else 100_000)
    ozon_offers = args.offers or (10_000 if args.quick else 100_000)
    with tempfile.TemporaryDirectory() as tmp, sandboxes() as (wb, oz), sandboxes() as (fwb, foz):
        httpx.post(
            f"{fwb.url}/_sandbox/seed",
            json={
                "accounts": [
                    {
                        "token": "floor-wb",
                        "name": "floor",
                        "open_catalog": True,
                        "warehouses": [{"id": WB_WAREHOUSE}],
                    }
                ]
            },
        )
        url = args.database_url or f"sqlite:///{tmp}/bench.sqlite"
        fix = build(url, wb, oz)
        record: dict[str, Any] = {
            "bench": "sync",
            "quick": args.quick,
            "database": fix.db.dialect,
            "wb_time_scale": SCALES["wildberries"],
            "ozon_time_scale": SCALES["ozon"],
        }
        record |= push_phase(fix, Marketplace.WILDBERRIES, wb, wb_offers, fwb, "bench")
        record |= push_phase(fix, Marketplace.OZON, oz, ozon_offers, foz, "bench")
        record |= feed_phase(fix, wb_offers if args.quick else 100_000)
        fix.db.dispose()
    print(json.dumps(record, ensure_ascii=False))
    return 1 if record["wb_offers_wrong"] or record["ozon_offers_wrong"] else 0


if __name__ == "__main__":
    sys.exit(main())
