"""The sync worker against real sandboxes: delivery, coalescing, retries, parking, pauses,
leases, reintegration and the heartbeat."""

from __future__ import annotations

import time
from typing import Any

import pytest
import sqlalchemy as sa

from tests.integration.test_scan_flows import HEADPHONES, inspect, putaway, receive
from tests.sync.conftest import (
    build_fleet,
    drain,
    make_worker,
    rows_by_status,
    sandbox_stock,
    seed_demo,
    seed_sandboxes,
    wms_available,
)
from wms.db.models import (
    JobHeartbeat,
    MarketplaceAccount,
    Offer,
    OutboxMessage,
    Product,
    SyncAccount,
    Unit,
)
from wms.domain.returns import Marketplace
from wms.domain.stock import Channel
from wms.services import inventory
from wms.services.stock import StockKey
from wms.services.sync import leases
from wms.services.sync.plan import PushItem
from wms.services.uow import SYSTEM, execute


@pytest.fixture
def demo_db(database: Any, sync_settings: Any, wb_control: Any, ozon_control: Any) -> Any:
    """Demo data in the database, its accounts and offers in both sandboxes."""
    seed_demo(database, sync_settings)
    seed_sandboxes(database, sync_settings, ("wildberries", wb_control), ("ozon", ozon_control))
    return database


def _key(db: Any, sku: str, channel: Channel = Channel.MAIN) -> StockKey:
    with db.reading() as s:
        product = s.execute(sa.select(Product).where(Product.sku == sku)).scalar_one()
    return StockKey(product.merchant_id, product.id, channel)


def _offer_ids(db: Any, sku: str, marketplace: Marketplace) -> list[str]:
    with db.reading() as s:
        return list(
            s.execute(
                sa.select(Offer.marketplace_sku)
                .join(Product, Product.id == Offer.product_id)
                .join(MarketplaceAccount, MarketplaceAccount.id == Offer.account_id)
                .where(Product.sku == sku, MarketplaceAccount.marketplace == marketplace)
                .where(Offer.channel == Channel.MAIN)
            ).scalars()
        )


def _errors(db: Any) -> list[str]:
    with db.reading() as s:
        return [e for e in s.execute(sa.select(OutboxMessage.last_error)).scalars() if e]


def test_the_demo_stock_reaches_both_sandboxes(
    demo_db: Any, sync_settings: Any, wb_control: Any, ozon_control: Any, contract_client: Any
) -> None:
    worker = make_worker(demo_db, sync_settings, client=contract_client)
    drain(worker, demo_db)
    worker.close()
    expected = wms_available(demo_db)
    got = sandbox_stock(wb_control, ozon_control)
    pushed = {k: v for k, v in expected.items() if k[0] != "kaspi"}
    assert pushed
    assert {k: got.get(k) for k in pushed} == pushed
    assert any(v > 0 for v in pushed.values())
    assert set(rows_by_status(demo_db)) == {"done"}
    with demo_db.reading() as s:
        offers = s.execute(
            sa.select(Offer, MarketplaceAccount.marketplace).join(MarketplaceAccount)
        ).all()
        for offer, marketplace in offers:
            if marketplace is not Marketplace.KASPI:
                assert offer.pushed_version is not None
                assert offer.confirmed_at is not None
                assert offer.lease_owner is None
        beat = s.execute(sa.select(JobHeartbeat)).scalar_one()
    assert beat.name == "test-worker"
    assert beat.info["totals"]["confirmed"] == len(pushed)


def test_changes_of_one_key_become_one_push_of_the_newest_value(
    demo_db: Any, sync_settings: Any, wb_control: Any, ozon_control: Any
) -> None:
    worker = make_worker(demo_db, sync_settings)
    drain(worker, demo_db)  # the opening stock
    key = _key(demo_db, "ALT-KT-02")
    for qty in (1, 2, 3, 4, 5):
        execute(demo_db, inventory.inbound, SYSTEM, key, "BIN-M-01-02", qty, "coalesce")
    drain(worker, demo_db)
    worker.close()
    (chrt,) = _offer_ids(demo_db, "ALT-KT-02", Marketplace.WILDBERRIES)
    history = wb_control.http.get("/_sandbox/history").json()["keys"]
    (values,) = [v for k, v in history.items() if k.endswith(f"/{chrt}")]
    assert values == [5, 20]  # the opening stock, then one push of 5 + 15
    assert worker.totals["superseded"] + worker.totals["done"] >= 5


def test_a_key_only_on_kaspi_is_done_without_a_request(
    database: Any, sync_settings: Any, wb_control: Any, ozon_control: Any
) -> None:
    fleet = build_fleet(database, sync_settings, 3, marketplaces=(Marketplace.KASPI,))
    for product in fleet.product_ids:
        key = StockKey(fleet.merchant_id, product, Channel.MAIN)
        execute(database, inventory.inbound, SYSTEM, key, fleet.bin_code, 2, "kaspi")
    worker = make_worker(database, sync_settings)
    drain(worker, database)
    worker.close()
    assert rows_by_status(database) == {"done": 3}
    assert wb_control.requests()["total"] == 0
    assert ozon_control.requests()["total"] == 0


def test_unknown_offers_are_parked_with_the_reason(
    database: Any, sync_settings: Any, wb_control: Any, ozon_control: Any
) -> None:
    fleet = build_fleet(database, sync_settings, 2)
    # The sandboxes know the accounts and warehouses but not these sizes and products.
    wb_control.seed({"accounts": [{"token": "wildberries-FLEET", "warehouses": [{"id": 658434}]}]})
    ozon_control.seed(
        {
            "accounts": [
                {"client_id": "c-FLEET", "api_key": "k-FLEET", "warehouses": [22142605386000]}
            ]
        }
    )
    for product in fleet.product_ids:
        key = StockKey(fleet.merchant_id, product, Channel.MAIN)
        execute(database, inventory.inbound, SYSTEM, key, fleet.bin_code, 1, "park")
    worker = make_worker(database, sync_settings)
    drain(worker, database)
    worker.close()
    assert rows_by_status(database) == {"parked": 2}
    errors = " | ".join(_errors(database))
    assert "NotFound" in errors
    assert "50000000@658434" in errors
    assert "NOT_FOUND" in errors
    assert "FLEET-00001@22142605386000" in errors


def test_transient_failures_are_retried_until_delivered(
    demo_db: Any, sync_settings: Any, wb_control: Any, ozon_control: Any
) -> None:
    wb_control.faults("503", "drop", "429")
    ozon_control.faults("500", "timeout")
    worker = make_worker(demo_db, sync_settings)
    drain(worker, demo_db)
    worker.close()
    assert set(rows_by_status(demo_db)) == {"done"}
    with demo_db.reading() as s:
        attempts = s.execute(sa.select(sa.func.max(OutboxMessage.attempts))).scalar_one()
    assert attempts >= 2
    pushed = {k: v for k, v in wms_available(demo_db).items() if k[0] != "kaspi"}
    got = sandbox_stock(wb_control, ozon_control)
    assert {k: got.get(k) for k in pushed} == pushed


def test_a_failure_that_never_ends_is_parked_after_the_last_attempt(
    demo_db: Any, sync_settings: Any, wb_control: Any
) -> None:
    settings = sync_settings.with_overrides(
        sync={"max_attempts": 3},
        marketplaces={"ozon": {"enabled": False}},
    )
    wb_control.faults(*["503"] * 20)
    worker = make_worker(demo_db, settings)
    drain(worker, demo_db)
    worker.close()
    assert set(rows_by_status(demo_db)) == {"parked"}
    with demo_db.reading() as s:
        rows = s.execute(sa.select(OutboxMessage.attempts, OutboxMessage.last_error)).all()
    assert {attempts for attempts, _ in rows} == {3}
    assert all("http_503" in error for _, error in rows)


def test_a_refused_account_pauses_and_its_rows_wait(
    database: Any, sync_settings: Any, wb_control: Any, ozon_control: Any
) -> None:
    seed_demo(database, sync_settings)
    seed_sandboxes(database, sync_settings, ("ozon", ozon_control))  # WB knows no token: 401
    worker = make_worker(database, sync_settings)
    # The first round after a quiet spell is small; go on until both WB accounts were tried.
    for _ in range(20):
        worker.run_round()
        with database.reading() as s:
            paused = s.execute(sa.select(SyncAccount).where(SyncAccount.paused_until.is_not(None)))
            reasons = [p.pause_reason for p in paused.scalars()]
        if len(reasons) >= 2:
            break
    with database.reading() as s:
        pending = s.execute(
            sa.select(OutboxMessage.attempts, OutboxMessage.last_error).where(
                OutboxMessage.status == "pending"
            )
        ).all()
    assert len(reasons) == 2
    assert all(r.startswith("HTTP 401") for r in reasons)
    assert pending
    assert all(attempts == 0 for attempts, _ in pending)
    assert all("paused" in (error or "") for _, error in pending)
    assert ozon_control.stock()["accounts"]["ALTYN ozon"]["warehouses"]  # Ozon went ahead
    worker.run_round()  # the next heartbeat shows the pauses
    with database.reading() as s:
        beat = s.execute(sa.select(JobHeartbeat)).scalar_one()
    assert len(beat.info["paused_accounts"]) == 2
    seed_sandboxes(database, sync_settings, ("wildberries", wb_control))
    time.sleep(0.6)  # the first pause lasts account_pause_seconds
    drain(worker, database)
    worker.close()
    assert set(rows_by_status(database)) == {"done"}
    with database.reading() as s:
        assert set(s.execute(sa.select(SyncAccount.paused_until)).scalars()) == {None}


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_only_the_lease_holder_pushes_and_versions_never_go_back(
    database: Any, sync_settings: Any
) -> None:
    fleet = build_fleet(database, sync_settings, 1, marketplaces=(Marketplace.WILDBERRIES,))
    with database.reading() as s:
        offer = s.execute(sa.select(Offer)).scalar_one()
    assert execute(database, leases.lease, "a", [offer.id], 30) == {offer.id: -1}
    assert execute(database, leases.lease, "b", [offer.id], 30) == {}
    item = PushItem(
        offer.id, offer.account_id, f"stock:{fleet.merchant_id}:{offer.product_id}:main", None, 7, 7
    )  # type: ignore[arg-type]
    execute(database, leases.record, "b", [leases.Confirmed(item, 7)])  # not b's lease
    with database.reading() as s:
        assert s.get(Offer, offer.id).pushed_version is None  # type: ignore[union-attr]
    execute(database, leases.record, "a", [leases.Confirmed(item, 7)])
    assert execute(database, leases.lease, "b", [offer.id], 30) == {offer.id: 7}
    older = PushItem(item.offer_id, item.account_id, item.key, None, 3, 3)  # type: ignore[arg-type]
    execute(database, leases.record, "b", [leases.Confirmed(older, 3)])
    with database.reading() as s:
        found = s.get(Offer, offer.id)
        assert found is not None
        assert (found.pushed_version, found.pushed_quantity) == (7, 7)
        assert found.lease_owner is None


def test_a_putaway_is_reintegrated_once_a_marketplace_confirmed_it(
    demo_db: Any, sync_settings: Any, station: Any, wb_control: Any
) -> None:
    worker = make_worker(demo_db, sync_settings)
    drain(worker, demo_db)
    (lpn,) = receive(station("receipt"), "512345678", HEADPHONES)
    inspect(station("inspection"), lpn, [], "GRADE-RESELLABLE")
    putaway(station("putaway"), lpn, "BIN-M-01-02")
    with demo_db.reading() as s:
        unit = s.execute(sa.select(Unit).where(Unit.lpn == lpn)).scalar_one()
        assert unit.putaway_version is not None
        assert unit.reintegrated_at is None
    drain(worker, demo_db)
    worker.close()
    (chrt,) = _offer_ids(demo_db, "ALT-HP-01", Marketplace.WILDBERRIES)
    amounts = wb_control.stock()["accounts"]["ALTYN wildberries"]["warehouses"]["658434"]
    assert amounts[chrt] == 6  # 5 opening + the returned unit
    with demo_db.reading() as s:
        unit = s.execute(sa.select(Unit).where(Unit.lpn == lpn)).scalar_one()
        assert unit.reintegrated_at is not None
        assert unit.putaway_at is not None
        assert unit.reintegrated_at >= unit.putaway_at
