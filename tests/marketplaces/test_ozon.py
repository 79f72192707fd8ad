"""The Ozon adapter against the Ozon sandbox over real HTTP."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.marketplaces.conftest import OZON_WAREHOUSE, Control
from wms.adapters.marketplaces.base import AccountError, ItemStatus, OfferKey, StockUpdate
from wms.adapters.marketplaces.ozon import LIMITS, OzonAdapter, OzonCredentials
from wms.adapters.marketplaces.throttle import TokenBucket
from wms.domain.returns import ReturnReason, ReturnType
from wms.sandbox import ozon as ozon_sandbox
from wms.sandbox.ozon_data import DEFAULT_API_KEY, DEFAULT_CLIENT_ID

STOCKS = "POST /v2/products/stocks"
CREDENTIALS = OzonCredentials(DEFAULT_CLIENT_ID, DEFAULT_API_KEY)
HEADERS = {"Client-Id": DEFAULT_CLIENT_ID, "Api-Key": DEFAULT_API_KEY}


def key(offer: str, warehouse: int = OZON_WAREHOUSE) -> OfferKey:
    return OfferKey(offer, str(warehouse))


def held(control: Control) -> dict[str, int]:
    warehouses = control.stock()["accounts"]["Demo seller"]["warehouses"]
    return dict(warehouses[str(OZON_WAREHOUSE)])


def many_products(control: Control, count: int, **extra) -> list[str]:
    offers = [f"BULK-{i:04d}" for i in range(count)]
    account = {"client_id": DEFAULT_CLIENT_ID, "api_key": DEFAULT_API_KEY, **extra}
    control.seed({"accounts": [{**account, "products": [{"offer_id": o} for o in offers]}]})
    return offers


def test_batches_never_exceed_100_pairs(ozon_adapter, ozon_control):
    offers = many_products(ozon_control, 250)
    results = ozon_adapter.push_stock([StockUpdate(key(o), 4) for o in offers])
    assert all(r.is_ok for r in results)
    assert [e["items"] for e in ozon_control.log(STOCKS)] == [100, 100, 50]
    assert set(held(ozon_control).values()) == {4}
    assert len(held(ozon_control)) == 250


def test_per_item_errors_inside_http_200_are_mapped(ozon_adapter, ozon_control):
    ozon_adapter.push_stock([StockUpdate(key("OZ-002"), 5)])
    batch = [
        StockUpdate(key("OZ-001"), 3),
        StockUpdate(key("NO-SUCH"), 1),
        StockUpdate(key("OZ-DRAFT"), 1),
        StockUpdate(key("OZ-004", 77), 1),
        StockUpdate(key("OZ-002"), 5),  # unchanged
    ]
    results = {r.key.offer_id: r for r in ozon_adapter.push_stock(batch)}

    assert results["OZ-001"].is_ok
    assert (results["NO-SUCH"].status, results["NO-SUCH"].code) == (
        ItemStatus.PERMANENT,
        "NOT_FOUND",
    )
    assert (results["OZ-DRAFT"].status, results["OZ-DRAFT"].code) == (
        ItemStatus.PERMANENT,
        "INVALID_STATE",
    )
    assert results["OZ-004"].code == "WAREHOUSE_NOT_FOUND"
    assert results["OZ-002"].is_ok
    assert results["OZ-002"].code == "SKU_STOCK_NOT_CHANGE"  # counts as success
    assert ozon_control.requests()["answers"] == {f"{STOCKS} 200": 2}
    assert held(ozon_control) == {"OZ-001": 3, "OZ-002": 5}


def test_one_update_per_pair_per_30_seconds_with_a_scaled_clock():
    scale = 30.0  # 30 sandbox seconds pass in one real second
    with ozon_sandbox.start_in_thread(time_scale=scale) as handle:
        adapter = OzonAdapter(CREDENTIALS, base_url=handle.url, limits=LIMITS.scaled(scale))
        assert adapter.push_stock([StockUpdate(key("OZ-001"), 1)])[0].is_ok

        [again] = adapter.push_stock([StockUpdate(key("OZ-001"), 2)])
        assert again.status is ItemStatus.TRANSIENT
        assert again.code == "TOO_MANY_REQUESTS"
        assert again.retry_after == pytest.approx(1.0)  # 30 s on a 30× clock

        time.sleep(again.retry_after + 0.1)
        assert adapter.push_stock([StockUpdate(key("OZ-001"), 2)])[0].is_ok
        control = Control(handle)
        assert held(control)["OZ-001"] == 2
        control.close()
        adapter.close()


def test_quantities_are_capped_below_one_million(ozon_adapter, ozon_control):
    [result] = ozon_adapter.push_stock([StockUpdate(key("OZ-001"), 2_500_000)])
    assert result.is_ok
    assert result.sent_quantity == 999_999
    assert held(ozon_control)["OZ-001"] == 999_999


def test_read_back_returns_free_stock_across_cursor_pages(ozon_adapter, ozon_control):
    rows = [
        {"offer_id": f"R-{i:04d}", "warehouse_id": OZON_WAREHOUSE, "stock": i} for i in range(1200)
    ]
    ozon_control.seed(
        {
            "accounts": [
                {
                    "client_id": DEFAULT_CLIENT_ID,
                    "api_key": DEFAULT_API_KEY,
                    "products": [{"offer_id": "R-0007", "reserved": {str(OZON_WAREHOUSE): 2}}],
                    "stocks": rows,
                }
            ]
        }
    )
    keys = [key("R-0007"), key("R-1199"), key("NOT-THERE")]
    assert ozon_adapter.read_stock(keys) == {keys[0]: 7, keys[1]: 1199, keys[2]: 0}
    assert len(ozon_control.log("POST /v1/product/info/warehouse/stocks")) == 2


def test_requests_outside_the_contract_get_rpc_status_400(ozon):
    with httpx.Client(base_url=ozon.url, headers=HEADERS) as http:
        too_many = {"stocks": [{"offer_id": "OZ-001", "stock": 1, "warehouse_id": 1}] * 101}
        response = http.post("/v2/products/stocks", json=too_many)
        assert response.status_code == 400
        assert response.json() == {
            "code": 3,
            "message": "invalid ProductsStocksRequest.Stocks: "
            "value must contain between 1 and 100 items",
            "details": [],
        }
        missing = http.post(
            "/v2/products/stocks", json={"stocks": [{"offer_id": "OZ-001", "stock": 1}]}
        )
        assert missing.status_code == 400
        assert "Stocks[0]: embedded message failed validation" in missing.json()["message"]


def test_bad_credentials_are_an_account_error_with_rpc_status_403(ozon):
    adapter = OzonAdapter(OzonCredentials(DEFAULT_CLIENT_ID, "wrong"), base_url=ozon.url)
    with pytest.raises(AccountError) as failure:
        adapter.push_stock([StockUpdate(key("OZ-001"), 1)])
    assert failure.value.http_status == 403
    assert failure.value.code == "rpc_7"
    assert "wrong" not in repr(OzonCredentials(DEFAULT_CLIENT_ID, "wrong"))
    adapter.close()


def test_80_per_minute_is_enforced_and_a_scaled_throttle_stays_under_it():
    with ozon_sandbox.start_in_thread(time_scale=6) as handle:
        control = Control(handle)
        greedy = OzonAdapter(CREDENTIALS, base_url=handle.url)
        results = [
            greedy.push_stock([StockUpdate(key(f"OZ-00{n % 9 + 1}"), n)])[0] for n in range(15)
        ]
        limited = [r for r in results if r.code == "rate_limited"]
        assert limited, "15 requests at once must exceed the bucket"
        assert all(r.status is ItemStatus.TRANSIENT and r.retry_after for r in limited)
        greedy.close()

        control.reset()
        polite = OzonAdapter(
            CREDENTIALS,
            base_url=handle.url,
            throttle=TokenBucket.for_limits(LIMITS.scaled(6)),
            limits=LIMITS.scaled(6),
        )
        for n in range(20):
            polite.push_stock([StockUpdate(key("OZ-001"), n)])
        assert control.requests()["answers"] == {f"{STOCKS} 200": 20}
        polite.close()
        control.close()


@pytest.mark.parametrize(("fault", "code"), [("502", "http_502"), ("drop", "connection")])
def test_transport_faults_are_transient(ozon_adapter, ozon_control, fault, code):
    ozon_control.faults(fault)
    [result] = ozon_adapter.push_stock([StockUpdate(key("OZ-001"), 1)])
    assert result.status is ItemStatus.TRANSIENT
    assert result.code == code


def test_returns_are_paged_with_last_id_and_mapped(ozon_adapter, ozon_control):
    returns = [{"offer_id": "OZ-001", "reason": "Брак", "age_hours": 2} for _ in range(1100)]
    returns += [{"offer_id": "OZ-002", "schema": "FBO", "age_hours": 2}]  # not our warehouse
    returns += [{"offer_id": "OZ-003", "age_hours": 24 * 20}]  # outside the window
    account = {"client_id": DEFAULT_CLIENT_ID, "api_key": DEFAULT_API_KEY, "returns": returns}
    ozon_control.seed({"accounts": [account]})
    now = datetime.now(UTC)

    notices = list(ozon_adapter.list_returns(now - timedelta(days=7), now))

    assert len(notices) == 1100 + 3  # plus the three of the demo seed
    assert len({n.external_id for n in notices}) == len(notices)
    assert {n.lines[0].sku for n in notices} == {"OZ-001", "OZ-002", "OZ-003"}
    pages = ozon_control.log("POST /v1/returns/list")
    assert [p["returned"] for p in pages] == [500, 500, 103]
    by_reason = {n.reason_text: n for n in notices}
    assert by_reason["Брак"].return_type is ReturnType.CUSTOMER_RETURN
    assert by_reason["Брак"].reason is ReturnReason.DEFECTIVE
    not_collected = by_reason["Покупатель не забрал заказ"]
    assert not_collected.return_type is ReturnType.NOT_PICKED_UP
    assert by_reason["Не подошел размер"].ready_for_pickup is True
    assert by_reason["Не подошел размер"].reason is ReturnReason.CHANGED_MIND
