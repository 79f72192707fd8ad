"""The Kaspi orders client against the Kaspi sandbox: windows, paging, the return life cycle."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.marketplaces.conftest import Control
from wms.adapters.marketplaces.base import AccountError, MarketplaceAdapter, StockChannel
from wms.adapters.marketplaces.kaspi import KaspiAdapter, KaspiCredentials, windows
from wms.domain.returns import Marketplace, ReturnReason, ReturnType
from wms.sandbox.kaspi_data import DEFAULT_MERCHANT_ID
from wms.sandbox.kaspi_data import DEFAULT_TOKEN as TOKEN

ORDERS = "GET /v2/orders"
CYCLE = ("COMPLETED", "CANCELLING", "KASPI_DELIVERY_RETURN_REQUESTED", "RETURNED", "CANCELLED")
RETURNING = {"CANCELLING", "KASPI_DELIVERY_RETURN_REQUESTED", "RETURNED"}
JSON_API = {"X-Auth-Token": TOKEN, "Content-Type": "application/vnd.api+json"}


def shop(control: Control, orders: list[dict[str, Any]]) -> None:
    merchant = {"token": TOKEN, "merchant_id": DEFAULT_MERCHANT_ID, "orders": orders}
    control.seed({"merchants": [merchant]})


def since(days: float) -> tuple[datetime, datetime]:
    now = datetime.now(UTC)
    return now - timedelta(days=days), now


def by_code(notices) -> dict[str, Any]:
    return {n.order_code: n for n in notices}


def test_returns_over_60_days_are_fetched_in_14_day_windows_page_by_page(kaspi, kaspi_control):
    orders = [
        {"code": f"7{d:02d}{j}", "status": CYCLE[(d * 3 + j) % 5], "age_days": d + 0.1 + j * 0.3}
        for d in range(60)
        for j in range(3)
    ]
    orders += [{"code": "old-1", "status": "RETURNED", "age_days": 61}]
    orders += [{"code": "old-2", "status": "CANCELLING", "age_days": 75}]
    shop(kaspi_control, orders)
    adapter = KaspiAdapter(KaspiCredentials(TOKEN), base_url=kaspi.url, page_size=5)

    notices = list(adapter.list_returns(*since(60)))

    expected = {o["code"] for o in orders if o["status"] in RETURNING and o["age_days"] < 60}
    assert set(by_code(notices)) == expected
    assert len(notices) == len(expected) == 108
    pages = kaspi_control.log(ORDERS)
    assert {p["answer"] for p in pages} == {"200"}
    assert max(p["window_days"] for p in pages) <= 14
    first_pages = [p for p in pages if p["page"] == 0]
    assert len(first_pages) == 3 * 5  # three statuses × five windows (14+14+14+14+4 days)
    assert any(p["page"] > 0 for p in pages)  # windows with more than 5 orders were paged
    adapter.close()


def test_windows_cover_the_range_without_gaps_or_overlap():
    start, end = since(60)
    parts = list(windows(start, end))
    assert parts[0][0] == start
    assert parts[-1][1] == end
    assert all(b - a <= timedelta(days=14) for a, b in parts)
    assert all(parts[i][1] == parts[i + 1][0] for i in range(len(parts) - 1))


def test_orders_are_mapped_to_return_notices(kaspi_adapter, kaspi_control):
    shop(
        kaspi_control,
        [
            {"code": "A1", "status": "CANCELLING", "age_days": 1,
             "entries": [{"sku": "SKU-1", "quantity": 2, "name": "Чайник"}]},
            {"code": "A2", "status": "CANCELLING", "returnedToWarehouse": True, "age_days": 2,
             "entries": [{"sku": "SKU-2", "with_offer": False}, {"sku": "SKU-3"}]},
            {"code": "A3", "status": "KASPI_DELIVERY_RETURN_REQUESTED", "age_days": 3,
             "customer_id": "cust-42"},
            {"code": "A4", "status": "CANCELLING", "age_days": 4,
             "cancellationReason": "BUYER_NOT_REACHABLE"},
            {"code": "A5", "status": "RETURNED", "age_days": 5},
            {"code": "A6", "status": "COMPLETED", "age_days": 5},
        ],
    )  # fmt: skip

    notices = by_code(kaspi_adapter.list_returns(*since(14)))

    assert set(notices) == {"A1", "A2", "A3", "A4", "A5"}
    a1 = notices["A1"]
    assert a1.marketplace is Marketplace.KASPI
    assert a1.return_type is ReturnType.CANCELLED_IN_DELIVERY
    assert a1.reason is ReturnReason.CANCELLED
    assert a1.ready_for_pickup is False
    assert [(line.sku, line.quantity, line.name) for line in a1.lines] == [("SKU-1", 2, "Чайник")]
    assert a1.external_id != "A1"  # Kaspi's opaque id, not the human code
    assert a1.ordered_at is not None
    assert abs(a1.ordered_at - (datetime.now(UTC) - timedelta(days=1))) < timedelta(minutes=1)
    a2 = notices["A2"]
    assert a2.ready_for_pickup is True  # «Возвращены на склад»: go and collect it
    assert [line.sku for line in a2.lines] == ["SKU-2", "SKU-3"]  # SKU-2 via merchantProduct
    assert notices["A3"].return_type is ReturnType.CUSTOMER_RETURN
    assert notices["A3"].customer_id == "cust-42"
    assert notices["A4"].return_type is ReturnType.NOT_PICKED_UP
    assert notices["A5"].return_type is ReturnType.CUSTOMER_RETURN
    assert notices["A5"].reason is ReturnReason.OTHER


def test_merchant_product_lookups_are_cached(kaspi_adapter, kaspi_control):
    entry = {"sku": "SKU-9", "with_offer": False}
    shop(
        kaspi_control,
        [{"code": f"C{i}", "status": "RETURNED", "entries": [entry]} for i in range(3)],
    )
    notices = list(kaspi_adapter.list_returns(*since(3)))
    assert [n.lines[0].sku for n in notices] == ["SKU-9"] * 3
    assert len(kaspi_control.log("GET /v2/masterproducts/<product>/merchantProduct")) == 1


def test_the_return_life_cycle_moves_through_the_import(kaspi_adapter, kaspi_control):
    shop(kaspi_control, [{"code": "L1", "status": "ACCEPTED_BY_MERCHANT", "age_days": 1}])

    def status(**body: Any) -> httpx.Response:
        return kaspi_control.http.post("/_sandbox/orders/L1/status", json=body)

    def imported() -> list[Any]:
        return list(kaspi_adapter.list_returns(*since(3)))

    assert imported() == []
    assert status(status="CANCELLING").status_code == 200
    [in_transit] = imported()
    assert in_transit.ready_for_pickup is False
    refused = status(status="CANCELLED")
    assert refused.status_code == 409  # not collectable before it is back at the warehouse
    assert status(status="CANCELLING", returnedToWarehouse=True).status_code == 200
    [waiting] = imported()
    assert waiting.ready_for_pickup is True
    assert status(status="CANCELLED").json()["state"] == "ARCHIVE"
    assert imported() == []
    assert status(status="RETURNED").status_code == 409


def test_completed_orders_of_the_last_30_days_are_counted(kaspi_adapter, kaspi_control):
    recent = [{"status": "COMPLETED", "age_days": 1 + i * 2} for i in range(14)]
    older = [{"status": "COMPLETED", "age_days": 31 + i} for i in range(5)]
    others = [{"status": "RETURNED", "age_days": 3}, {"status": "CANCELLING", "age_days": 4}]
    shop(kaspi_control, recent + older + others)

    assert kaspi_adapter.count_completed_orders() == 14
    assert len(kaspi_control.log(ORDERS)) == 3  # one request per 14-day window, page size 1


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"page[number]": 0, "page[size]": 20}, "$ge] is required"),
        ({"page[number]": 0, "page[size]": 20, "ge": 0, "le": 15 * 86_400_000}, "14 days"),
        ({"page[number]": 0, "page[size]": 101, "ge": 0, "le": 1000}, "page[size]"),
        ({"ge": 0, "le": 1000}, "page[number] and page[size] are required"),
        ({"page[number]": 0, "page[size]": 5, "ge": 0, "le": 9, "status": "LOST"}, "unknown"),
    ],
)
def test_the_orders_api_refuses_bad_queries_with_json_api_errors(
    kaspi, kaspi_control, params, fragment
):
    shop(kaspi_control, [])
    query = {k: v for k, v in params.items() if k not in {"ge", "le", "status"}}
    if "ge" in params:
        query["filter[orders][creationDate][$ge]"] = params["ge"]
        query["filter[orders][creationDate][$le]"] = params["le"]
    if "status" in params:
        query["filter[orders][status]"] = params["status"]
    response = httpx.get(f"{kaspi.url}/v2/orders", params=query, headers=JSON_API)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/vnd.api+json"
    [error] = response.json()["errors"]
    assert error["status"] == "400"
    assert fragment in error["detail"]


def test_auth_and_media_type_are_checked(kaspi, kaspi_control):
    shop(kaspi_control, [])
    query = {"page[number]": 0, "page[size]": 5, "filter[orders][creationDate][$ge]": 0}
    wrong = httpx.get(
        f"{kaspi.url}/v2/orders", params=query, headers={**JSON_API, "X-Auth-Token": "x"}
    )
    assert wrong.status_code == 401
    assert wrong.json()["errors"][0]["title"] == "Unauthorized"
    plain = httpx.get(f"{kaspi.url}/v2/orders", params=query, headers={"X-Auth-Token": TOKEN})
    assert plain.status_code == 415


def test_a_bad_token_is_an_account_error(kaspi):
    adapter = KaspiAdapter(KaspiCredentials("stolen?"), base_url=kaspi.url)
    with pytest.raises(AccountError) as failure:
        list(adapter.list_returns(*since(3)))
    assert failure.value.http_status == 401
    assert "stolen?" not in repr(KaspiCredentials("stolen?"))
    adapter.close()


def test_a_failing_page_is_retried_and_the_import_completes(kaspi_adapter, kaspi_control):
    shop(kaspi_control, [{"code": "R1", "status": "RETURNED", "age_days": 1}])
    kaspi_control.faults("503", "drop")
    assert [n.order_code for n in kaspi_adapter.list_returns(*since(3))] == ["R1"]
    answers = [e["answer"] for e in kaspi_control.log(ORDERS)]
    assert answers[:3] == ["503", "drop", "200"]


def test_kaspi_is_a_returns_source_but_not_a_stock_channel(kaspi_adapter):
    assert isinstance(kaspi_adapter, MarketplaceAdapter)
    assert not isinstance(kaspi_adapter, StockChannel)  # stock goes out through the XML feed
