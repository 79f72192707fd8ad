"""The sync CLI: accounts (credentials encrypted), the feed URL, webhooks, `sync run --once`,
`sync reconcile` and `sync status`."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result

from tests.sync.conftest import seed_demo, seed_sandboxes
from wms.cli import cli
from wms.db.models import MarketplaceAccount, Merchant
from wms.domain.stock import Channel
from wms.services import inventory
from wms.services.crypto import SecretBox
from wms.services.stock import StockKey
from wms.services.uow import SYSTEM, execute

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def _env(settings: Any) -> dict[str, str]:
    endpoints = settings.marketplaces
    return {
        "WMS_DATABASE__URL": settings.database.url,
        "WMS_SERVER__SECRET_KEY": settings.server.secret_key,
        "WMS_SERVER__PUBLIC_URL": "https://wms.example.kz",
        "WMS_MARKETPLACES__WILDBERRIES__BASE_URL": endpoints.wildberries.base_url,
        "WMS_MARKETPLACES__WILDBERRIES__TIME_SCALE": str(endpoints.wildberries.time_scale),
        "WMS_MARKETPLACES__OZON__BASE_URL": endpoints.ozon.base_url,
        "WMS_MARKETPLACES__OZON__TIME_SCALE": str(endpoints.ozon.time_scale),
        "WMS_SYNC__HTTP_TIMEOUT_SECONDS": "2",
        "WMS_SYNC__LEASE_SECONDS": "10",
    }


def _run(settings: Any, *args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=stdin, env=_env(settings))


def test_account_add_stores_credentials_encrypted(
    demo: dict[str, Any], sync_settings: Any, database: Any
) -> None:
    secret = '{"client_id": "4242", "api_key": "very-secret-ozon-key"}'
    added = _run(sync_settings, "account", "add", "ALTYN", "ozon", "Second Ozon", stdin=secret)
    assert added.exit_code == 0, added.output
    with database.reading() as s:
        account = s.execute(
            sa.select(MarketplaceAccount).where(MarketplaceAccount.name == "Second Ozon")
        ).scalar_one()
    assert account.credentials_enc is not None
    assert "very-secret" not in account.credentials_enc
    assert SecretBox(sync_settings).decrypt_json(account.credentials_enc)["api_key"] == (
        "very-secret-ozon-key"
    )
    listed = json.loads(_run(sync_settings, "account", "list", "--json").output)
    assert "Second Ozon" in {a["name"] for a in listed}
    assert "very-secret" not in json.dumps(listed)
    bad = _run(sync_settings, "account", "add", "ALTYN", "ozon", "Third", stdin='{"api_key": "x"}')
    assert bad.exit_code == 1
    assert "'client_id' is required" in bad.output
    kaspi = _run(sync_settings, "account", "add", "ALTYN", "kaspi", "K2", stdin='{"token": "t"}')
    assert "setting 'merchant_id' is required" in kaspi.output
    not_json = _run(sync_settings, "account", "add", "ALTYN", "ozon", "X", stdin="token=abc")
    assert "not JSON" in not_json.output


def test_feed_url_rotates_the_secret_token(
    demo: dict[str, Any], sync_settings: Any, database: Any, client: Any
) -> None:
    first = _run(sync_settings, "account", "feed-url", "ALTYN:ALTYN kaspi")
    assert first.exit_code == 0, first.output
    url = first.output.strip()
    assert url.startswith("https://wms.example.kz/feeds/kaspi/")
    token = url.rsplit("/", 1)[1].removesuffix(".xml")
    with database.reading() as s:
        stored = s.execute(
            sa.select(MarketplaceAccount.feed_token_hash).where(
                MarketplaceAccount.name == "ALTYN kaspi"
            )
        ).scalar_one()
    assert stored == hashlib.sha256(token.encode()).hexdigest()
    assert client.get(f"/feeds/kaspi/{token}.xml", buffered=True).status_code == 200
    second = _run(sync_settings, "account", "feed-url", "ALTYN:ALTYN kaspi").output.strip()
    assert second != url
    assert client.get(f"/feeds/kaspi/{token}.xml").status_code == 404
    wrong = _run(sync_settings, "account", "feed-url", "ALTYN:ALTYN ozon")
    assert "only Kaspi accounts" in wrong.output


def test_webhook_url_and_secret(demo: dict[str, Any], sync_settings: Any, database: Any) -> None:
    set_ = _run(sync_settings, "account", "webhook", "KOKTEM", "https://koktem.kz/hooks")
    assert set_.exit_code == 0, set_.output
    secret = set_.output.split("(shown once): ")[1].strip()
    with database.reading() as s:
        merchant = s.execute(sa.select(Merchant).where(Merchant.code == "KOKTEM")).scalar_one()
    assert merchant.webhook_url == "https://koktem.kz/hooks"
    assert merchant.webhook_secret_enc is not None
    assert SecretBox(sync_settings).decrypt(merchant.webhook_secret_enc) == secret
    assert (
        "absolute http(s) URL"
        in _run(sync_settings, "account", "webhook", "KOKTEM", "ftp://x").output
    )
    cleared = _run(sync_settings, "account", "webhook", "KOKTEM", "--clear")
    assert "turned off" in cleared.output


def test_sync_run_once_then_reconcile_finds_only_real_drift(
    database: Any, sync_settings: Any, wb_control: Any, ozon_control: Any
) -> None:
    seed_demo(database, sync_settings)
    seed_sandboxes(database, sync_settings, ("wildberries", wb_control), ("ozon", ozon_control))
    ran = _run(sync_settings, "sync", "run", "--once", "--worker-id", "cli-test")
    assert ran.exit_code == 0, ran.output
    assert json.loads(ran.output.strip().splitlines()[-1])["confirmed"] == 24
    clean = json.loads(_run(sync_settings, "sync", "reconcile", "--json").output)
    assert {c["account"] for c in clean} == {
        "ALTYN wildberries",
        "ALTYN ozon",
        "KOKTEM wildberries",
        "KOKTEM ozon",
    }
    assert all(c["drift"] == [] and c["checked"] == 6 and c["error"] is None for c in clean)
    # Someone edits WB by hand, and a change is waiting for the worker.
    wb_control.seed(
        {
            "accounts": [
                {
                    "token": "wildberries-demo-ALTYN",
                    "stocks": [{"warehouseId": 658434, "chrtId": 31000000, "amount": 99}],
                }
            ]
        }
    )
    with database.reading() as s:
        merchant_id = s.execute(
            sa.select(Merchant.id).where(Merchant.code == "KOKTEM")
        ).scalar_one()
        product = s.execute(sa.text("select id from products where sku = 'KKT-SC-01'")).scalar_one()
    key = StockKey(merchant_id, product, Channel.MAIN)
    execute(database, inventory.reserve, SYSTEM, key, 1, "order-1")
    report = json.loads(_run(sync_settings, "sync", "reconcile", "--json").output)
    drift = {c["account"]: c["drift"] for c in report}
    assert [(d["offer"], d["wms"], d["marketplace"]) for d in drift["ALTYN wildberries"]] == [
        ("31000000@658434", 5, 99)
    ]
    assert drift["KOKTEM ozon"] == []
    in_flight = {c["account"]: c["in_flight"] for c in report}
    assert in_flight["KOKTEM ozon"] == 1
    assert in_flight["KOKTEM wildberries"] == 1
    text = _run(sync_settings, "sync", "reconcile", "--marketplace", "wildberries").output
    assert "ALTYN ALTYN wildberries (wildberries): 6 offers, 0 in flight, 1 drifting" in text
    status = json.loads(_run(sync_settings, "sync", "status", "--json").output)
    assert {"topic": "stock.changed", "status": "pending", "rows": 1} in status["outbox"]
    assert [w["name"] for w in status["workers"]] == ["cli-test"]
