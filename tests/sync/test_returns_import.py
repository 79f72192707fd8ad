"""`wms returns import` against the three sandboxes, and Kaspi's completed-order counts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from tests.marketplaces.conftest import Control
from tests.sync.conftest import seed_demo, seed_sandboxes
from wms.cli import cli
from wms.db.models import MerchantOrderCount, ReturnLine, ReturnOrder
from wms.domain.returns import Marketplace
from wms.sandbox import kaspi as kaspi_sandbox
from wms.sandbox.server import SandboxHandle
from wms.services.crypto import SecretBox
from wms.services.returns_import import FIRST_WINDOW, OVERLAP, import_returns

DAY_MS = 86_400_000


@pytest.fixture
def kaspi() -> Iterator[SandboxHandle]:
    with kaspi_sandbox.start_in_thread(seed={"merchants": []}, poll_interval=0) as handle:
        yield handle


@pytest.fixture
def import_settings(sync_settings: Any, kaspi: SandboxHandle) -> Any:
    return sync_settings.with_overrides(marketplaces={"kaspi": {"base_url": kaspi.url}})


@pytest.fixture
def seeded(
    database: Any, import_settings: Any, kaspi: Any, wb_control: Any, ozon_control: Any
) -> Iterator[Any]:
    """Demo data, and sandboxes holding the demo accounts with returns of the demo's articles."""
    seed_demo(database, import_settings)
    kaspi_control = Control(kaspi)
    seed_sandboxes(
        database,
        import_settings,
        ("kaspi", kaspi_control),
        ("wildberries", wb_control),
        ("ozon", ozon_control),
    )
    yield database
    kaspi_control.close()


def _orders(db: Any) -> list[tuple[str, str, str, str]]:
    with db.reading() as s:
        return [
            (m.value, code, t.value, state.value)
            for m, code, t, state in s.execute(
                sa.select(
                    ReturnOrder.marketplace,
                    ReturnOrder.order_code,
                    ReturnOrder.return_type,
                    ReturnOrder.state,
                ).where(
                    ReturnOrder.external_id.is_not(None),
                    ~ReturnOrder.external_id.startswith("demo-"),
                )
            ).all()
        ]


def test_returns_of_all_three_marketplaces_are_announced_once(
    seeded: Any, import_settings: Any, kaspi: Any
) -> None:
    box = SecretBox(import_settings)
    reports = import_returns(seeded, import_settings, box)
    assert all(not r.errors for r in reports), [r.errors for r in reports]
    created = {r.account: r.created for r in reports}
    assert created["ALTYN wildberries"] == 2
    assert created["KOKTEM ozon"] == 2
    assert created["ALTYN kaspi"] > 0
    orders = _orders(seeded)
    assert {m for m, *_ in orders} == {"kaspi", "wildberries", "ozon"}
    assert {state for *_, state in orders} == {"expected"}
    again = import_returns(seeded, import_settings, box)  # from where the last one stopped
    assert sum(r.created for r in again) == 0
    assert all(r.since == reports[0].until - OVERLAP for r in again)
    everything = import_returns(seeded, import_settings, box, since=reports[0].until - FIRST_WINDOW)
    assert sum(r.created for r in everything) == 0
    # The sandbox also holds the demo's own Kaspi returns (on their way back to the dock).
    with seeded.reading() as s:
        demo_kaspi = s.execute(
            sa.select(sa.func.count()).where(ReturnOrder.external_id.startswith("demo-"))
        ).scalar_one()
    assert demo_kaspi == 3
    assert sum(r.existing for r in everything) == len(orders) + demo_kaspi
    with seeded.reading() as s:
        lines = s.execute(
            sa.select(ReturnLine.marketplace_sku, ReturnLine.product_id, ReturnOrder.marketplace)
            .join(ReturnOrder, ReturnOrder.id == ReturnLine.return_order_id)
            .where(ReturnOrder.marketplace.in_([Marketplace.WILDBERRIES, Marketplace.OZON]))
        ).all()
    # WB names the nmId, Ozon its offer_id: both are mapped to our SKU through the offers.
    assert lines
    assert all(product_id is not None for _sku, product_id, _m in lines)
    assert {sku for sku, _p, _m in lines} <= {
        "ALT-HP-01",
        "ALT-KT-02",
        "ALT-PC-03",
        "KKT-SC-01",
        "KKT-SN-42",
        "KKT-TS-M",
    }


def test_kaspi_completed_orders_are_counted_per_day(
    seeded: Any, import_settings: Any, kaspi: Any
) -> None:
    reports = import_returns(
        seeded, import_settings, SecretBox(import_settings), marketplace=Marketplace.KASPI
    )
    assert {r.marketplace for r in reports} == {"kaspi"}
    assert all(r.count_days == 30 for r in reports)
    # The sandbox's own count of COMPLETED orders of the last 30 days, per merchant.
    now = datetime.now(UTC)
    since = int((now - timedelta(days=30)).timestamp() * 1000)
    expected = {}
    stock = httpx.get(f"{kaspi.url}/_sandbox/stock").json()["merchants"]
    for merchant_id in stock:
        token = {"30500001": "kaspi-demo-ALTYN", "30500002": "kaspi-demo-KOKTEM"}[merchant_id]
        total = 0
        for start in range(since, int(now.timestamp() * 1000), 14 * DAY_MS):
            answer = httpx.get(
                f"{kaspi.url}/v2/orders",
                params={
                    "page[number]": 0,
                    "page[size]": 1,
                    "filter[orders][status]": "COMPLETED",
                    "filter[orders][creationDate][$ge]": start,
                    "filter[orders][creationDate][$le]": min(
                        start + 14 * DAY_MS - 1, int(now.timestamp() * 1000)
                    ),
                },
                headers={"X-Auth-Token": token, "Content-Type": "application/vnd.api+json"},
            )
            total += answer.json()["meta"]["totalCount"]
        expected[merchant_id] = total
    with seeded.reading() as s:
        rows = s.execute(
            sa.select(
                MerchantOrderCount.merchant_id, sa.func.sum(MerchantOrderCount.completed_orders)
            )
            .group_by(MerchantOrderCount.merchant_id)
            .order_by(MerchantOrderCount.merchant_id)
        ).all()
    assert [int(n) for _m, n in rows] == [expected["30500001"], expected["30500002"]]
    assert all(n > 0 for n in expected.values())


def test_the_cli_imports_from_a_day_and_reports_json(seeded: Any, import_settings: Any) -> None:
    env = {
        "WMS_DATABASE__URL": import_settings.database.url,
        "WMS_SERVER__SECRET_KEY": import_settings.server.secret_key,
        "WMS_MARKETPLACES__KASPI__BASE_URL": import_settings.marketplaces.kaspi.base_url,
        "WMS_MARKETPLACES__WILDBERRIES__BASE_URL": import_settings.marketplaces.wildberries.base_url,
        "WMS_MARKETPLACES__OZON__BASE_URL": import_settings.marketplaces.ozon.base_url,
    }
    since = (datetime.now(UTC) - timedelta(days=3)).strftime("%Y-%m-%d")
    result = CliRunner().invoke(
        cli, ["returns", "import", "--marketplace", "ozon", "--since", since, "--json"], env=env
    )
    assert result.exit_code == 0, result.output
    reports = json.loads(result.output)
    assert {r["marketplace"] for r in reports} == {"ozon"}
    assert sum(r["created"] for r in reports) == 4  # every seeded Ozon return is < 3 days old
    assert all(r["since"].startswith(since) for r in reports)
