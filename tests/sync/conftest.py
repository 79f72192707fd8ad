"""Sync fixtures: sandboxes on real sockets, settings pointing at them, a fleet of offers."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from tests.marketplaces.conftest import ContractRecorder, Control
from wms.db.models import (
    Bin,
    MarketplaceAccount,
    Merchant,
    Offer,
    OutboxMessage,
    OutboxStatus,
    Product,
    StockTotal,
)
from wms.db.session import Database
from wms.domain import stock as stock_rules
from wms.domain.returns import Marketplace
from wms.domain.stock import Channel, ZoneKind
from wms.jobs.sync_worker import SyncWorker
from wms.sandbox import ozon as ozon_sandbox
from wms.sandbox import wildberries as wb_sandbox
from wms.sandbox.server import SandboxHandle
from wms.services import catalog
from wms.services import demo as demo_service
from wms.services.accounts import configure_passwords
from wms.services.accounts_marketplace import create_account
from wms.services.crypto import SecretBox
from wms.services.sync.demo import sandbox_seeds
from wms.services.uow import SYSTEM, UnitOfWork, execute
from wms.settings import Settings

WB_TIME_SCALE = 50.0  # 250 requests/s: the limits still apply, only faster
OZON_TIME_SCALE = 100.0  # the 30 s per-pair window becomes 0.3 s
WB_WAREHOUSE = 658_434
OZON_WAREHOUSE = 22_142_605_386_000


@pytest.fixture
def wb() -> Iterator[SandboxHandle]:
    """A strict-contract Wildberries sandbox with no accounts (tests seed their own)."""
    with wb_sandbox.start_in_thread(
        strict_contract=True, seed={"accounts": []}, time_scale=WB_TIME_SCALE, timeout_sleep=1.0
    ) as handle:
        yield handle


@pytest.fixture
def ozon() -> Iterator[SandboxHandle]:
    """An Ozon sandbox with no accounts."""
    with ozon_sandbox.start_in_thread(
        seed={"accounts": []}, time_scale=OZON_TIME_SCALE, timeout_sleep=1.0
    ) as handle:
        yield handle


@pytest.fixture
def wb_control(wb: SandboxHandle) -> Iterator[Control]:
    control = Control(wb)
    yield control
    control.close()


@pytest.fixture
def ozon_control(ozon: SandboxHandle) -> Iterator[Control]:
    control = Control(ozon)
    yield control
    control.close()


@pytest.fixture
def sync_settings(settings: Settings, wb: SandboxHandle, ozon: SandboxHandle) -> Settings:
    """The test database's settings, pointed at the sandboxes, with short timeouts and retries."""
    return settings.with_overrides(
        marketplaces={
            "wildberries": {"base_url": wb.url, "time_scale": WB_TIME_SCALE},
            "ozon": {"base_url": ozon.url, "time_scale": OZON_TIME_SCALE},
            "kaspi": {"base_url": "http://127.0.0.1:9"},
        },
        sync={
            "http_timeout_seconds": 0.5,
            "lease_seconds": 2,
            "retry_base_seconds": 0.02,
            "retry_max_seconds": 0.5,
            "poll_interval_seconds": 0.05,
            "max_attempts": 60,
            "account_pause_seconds": 0.5,
            "batch_size": 1000,
        },
    )


@pytest.fixture
def contract_client(strict_contract: Any) -> Iterator[httpx.Client]:
    """An HTTP client that checks every Wildberries request against the official OpenAPI files."""
    recorder = ContractRecorder(strict_contract)

    def check(request: httpx.Request) -> None:
        if request.url.path.startswith("/api/v3/"):
            recorder(request)

    with httpx.Client(timeout=5, event_hooks={"request": [check]}) as client:
        yield client
    assert not recorder.violations, "\n".join(recorder.violations)


@pytest.fixture(scope="session")
def strict_contract() -> Any:
    from wms.sandbox.openapi import OpenApiContract

    return OpenApiContract.for_wildberries(strict=True)


def make_worker(
    db: Database, settings: Settings, name: str = "test-worker", client: httpx.Client | None = None
) -> SyncWorker:
    """A worker with repeatable jitter."""
    return SyncWorker(
        db, settings, SecretBox(settings), name=name, client=client, rng=random.Random(7)
    )


def drain(worker: SyncWorker, db: Database, timeout: float = 20.0) -> None:
    """Run rounds until no stock or webhook row is pending (retries included)."""
    stop = threading.Event()
    timer = threading.Timer(timeout, stop.set)
    timer.start()
    try:
        while not stop.is_set():
            worker.run(stop, once=True)
            if pending(db) == 0:
                return
            stop.wait(0.02)
    finally:
        timer.cancel()
    raise AssertionError(f"outbox not drained in {timeout} s: {pending(db)} rows pending")


def wait_drained(db: Database, timeout: float = 60.0) -> None:
    """Wait until workers running elsewhere leave no row pending."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pending(db) == 0:
            return
        time.sleep(0.05)
    raise AssertionError(f"outbox not drained in {timeout} s: {pending(db)} rows pending")


# The sync tests run no Kaspi (its URL is a dead port): the ARRIVED_BACKWARD write-backs of
# the demo receipts they close retry for ever there and are not what these tests wait for
# (tests/e2e/sync/test_kaspi_arrived_backward.py delivers them to a Kaspi sandbox).
UNSERVED_TOPICS = ("kaspi.arrived_backward",)


def pending(db: Database) -> int:
    with db.reading() as s:
        return int(
            s.execute(
                sa.select(sa.func.count()).where(
                    OutboxMessage.status == OutboxStatus.PENDING,
                    OutboxMessage.topic.not_in(UNSERVED_TOPICS),
                )
            ).scalar_one()
        )


def rows_by_status(db: Database) -> dict[str, int]:
    with db.reading() as s:
        rows = s.execute(
            sa.select(OutboxMessage.status, sa.func.count())
            .where(OutboxMessage.topic.not_in(UNSERVED_TOPICS))
            .group_by(OutboxMessage.status)
        ).all()
    return {status.value: n for status, n in rows}


def seed_demo(db: Database, settings: Settings) -> dict[str, Any]:
    """The demo data (with the tests' cheap password hashing)."""
    configure_passwords(settings.security)
    return execute(db, demo_service.seed, settings).data


def seed_sandboxes(db: Database, settings: Settings, *controls: tuple[str, Control]) -> None:
    """Load every account and offer of the database into the sandboxes."""
    with db.reading() as s:
        seeds = sandbox_seeds(s, settings, "http://127.0.0.1:9")
    for name, control in controls:
        control.seed(seeds[name])


def wms_available(db: Database) -> dict[tuple[str, str, str], int]:
    """(marketplace, warehouse, offer id) → the WMS's available quantity, for every offer."""
    with db.reading() as s:
        rows = s.execute(
            sa.select(
                MarketplaceAccount.marketplace,
                Offer.warehouse_ref,
                Offer.marketplace_sku,
                StockTotal.on_hand,
                StockTotal.reserved,
            )
            .join(MarketplaceAccount, MarketplaceAccount.id == Offer.account_id)
            .outerjoin(
                StockTotal,
                sa.and_(
                    StockTotal.merchant_id == Offer.merchant_id,
                    StockTotal.product_id == Offer.product_id,
                    StockTotal.channel == Offer.channel,
                ),
            )
            .where(Offer.active)
        ).all()
    return {
        (m.value, wh, sku): stock_rules.available(on or 0, res or 0) for m, wh, sku, on, res in rows
    }


def sandbox_stock(wb: Control | None, ozon: Control | None) -> dict[tuple[str, str, str], int]:
    """The same keys as `wms_available`, read from the sandboxes' inspection routes."""
    out: dict[tuple[str, str, str], int] = {}
    for name, control in (("wildberries", wb), ("ozon", ozon)):
        if control is None:
            continue
        for account in control.stock()["accounts"].values():
            for warehouse, items in account["warehouses"].items():
                for sku, amount in items.items():
                    out[(name, warehouse, sku)] = amount
    return out


@dataclass
class Fleet:
    """A merchant with products, each listed on WB or Ozon (main channel), and a stock bin."""

    merchant_id: int
    product_ids: list[int]
    bin_code: str


def build_fleet(
    db: Database,
    settings: Settings,
    products: int,
    *,
    marketplaces: tuple[Marketplace, ...] = (Marketplace.WILDBERRIES, Marketplace.OZON),
    code: str = "FLEET",
) -> Fleet:
    """`products` SKUs, offers spread over `marketplaces`, all in one call (bulk inserts)."""
    box = SecretBox(settings)

    def build(uow: UnitOfWork) -> Fleet:
        merchant = catalog.create_merchant(uow, SYSTEM, code, f"{code} Ltd")
        warehouse = catalog.ensure_warehouse(uow, "ALA-1", "test")
        zone = catalog.ensure_zone(uow, warehouse, ZoneKind.STOCK_MAIN, "main")
        catalog.add_bin(uow, SYSTEM, zone, f"BIN-{code}-01")
        accounts = {
            m: create_account(
                uow,
                SYSTEM,
                box,
                code,
                m,
                f"{code} {m.value}",
                _creds(m, code),
                {"merchant_id": "30999999"} if m is Marketplace.KASPI else {},
            )
            for m in marketplaces
        }
        rows = [
            Product(
                merchant_id=merchant.id,
                sku=f"{code}-{i:05d}",
                title=f"Item {i}",
                price=Decimal(1000 + i),
            )
            for i in range(products)
        ]
        uow.session.add_all(rows)
        uow.session.flush()
        offers = []
        for i, product in enumerate(rows):
            market = marketplaces[i % len(marketplaces)]
            sku, warehouse_ref = _ids(market, i, product.sku)
            offers.append(
                Offer(
                    merchant_id=merchant.id,
                    account_id=accounts[market].id,
                    product_id=product.id,
                    channel=Channel.MAIN,
                    marketplace_sku=sku,
                    warehouse_ref=warehouse_ref,
                    marketplace_item_id=str(70_000_000 + i),
                )
            )
        uow.session.add_all(offers)
        return Fleet(merchant.id, [p.id for p in rows], f"BIN-{code}-01")

    return execute(db, build)


def _creds(marketplace: Marketplace, code: str) -> dict[str, str]:
    if marketplace is Marketplace.OZON:
        return {"client_id": f"c-{code}", "api_key": f"k-{code}"}
    return {"token": f"{marketplace.value}-{code}"}


def _ids(marketplace: Marketplace, index: int, sku: str) -> tuple[str, str]:
    if marketplace is Marketplace.WILDBERRIES:
        return str(50_000_000 + index), str(WB_WAREHOUSE)
    if marketplace is Marketplace.OZON:
        return sku, str(OZON_WAREHOUSE)
    return sku, "PP1"


def stock_bin(db: Database, code: str) -> int:
    with db.reading() as s:
        return int(s.execute(sa.select(Bin.id).where(Bin.code == code)).scalar_one())


def merchant_code(db: Database, merchant_id: int) -> str:
    with db.reading() as s:
        return str(
            s.execute(sa.select(Merchant.code).where(Merchant.id == merchant_id)).scalar_one()
        )
