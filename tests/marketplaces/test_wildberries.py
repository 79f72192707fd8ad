"""The Wildberries adapter against the WB sandbox over real HTTP, every request contract-checked."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.marketplaces.conftest import WB_WAREHOUSE, Control
from wms.adapters.marketplaces.base import (
    AccountError,
    ItemStatus,
    OfferKey,
    StockUpdate,
)
from wms.adapters.marketplaces.throttle import TokenBucket
from wms.adapters.marketplaces.wildberries import (
    LIMITS,
    WildberriesAdapter,
    WildberriesCredentials,
)
from wms.domain.returns import Marketplace, ReturnReason, ReturnType
from wms.sandbox import wildberries as wb_sandbox
from wms.sandbox.wb_data import DEFAULT_TOKEN

PUT = "PUT /api/v3/stocks/<warehouse>"
SMALL = [str(10_000_001 + i) for i in range(20)]  # seeded small-goods sizes
BULKY = "20000001"  # an SGT size: refused on the MGT warehouse


def key(chrt: str, warehouse: int = WB_WAREHOUSE) -> OfferKey:
    return OfferKey(chrt, str(warehouse))


def updates(*pairs: tuple[str, int]) -> list[StockUpdate]:
    return [StockUpdate(key(chrt), qty) for chrt, qty in pairs]


def held(control: Control, warehouse: int = WB_WAREHOUSE) -> dict[str, int]:
    return dict(control.stock()["accounts"]["Demo seller"]["warehouses"].get(str(warehouse), {}))


def open_account(control: Control, warehouses: list[int]) -> None:
    control.seed(
        {
            "accounts": [
                {
                    "token": DEFAULT_TOKEN,
                    "open_catalog": True,
                    "warehouses": [{"id": w, "cargoType": 1} for w in warehouses],
                }
            ]
        }
    )


def test_push_sets_absolute_amounts_and_read_back_returns_them(wb_adapter, wb_control):
    results = wb_adapter.push_stock(updates((SMALL[0], 7), (SMALL[1], 0), (SMALL[2], 3)))
    assert [r.status for r in results] == [ItemStatus.OK] * 3
    assert [r.sent_quantity for r in results] == [7, 0, 3]
    assert held(wb_control) == {SMALL[0]: 7, SMALL[1]: 0, SMALL[2]: 3}

    wb_adapter.push_stock(updates((SMALL[0], 2)))  # absolute, not a delta
    assert held(wb_control)[SMALL[0]] == 2
    # WB omits zero stocks from the answer; the adapter reads them as 0.
    back = wb_adapter.read_stock([key(SMALL[0]), key(SMALL[1]), key(SMALL[2]), key(SMALL[3])])
    assert back == {key(SMALL[0]): 2, key(SMALL[1]): 0, key(SMALL[2]): 3, key(SMALL[3]): 0}


def test_batches_never_exceed_1000_items_and_are_split_per_warehouse(wb_adapter, wb_control):
    open_account(wb_control, [WB_WAREHOUSE, 700_001])
    items = [StockUpdate(key(str(30_000_000 + i)), i % 50) for i in range(2500)]
    items += [StockUpdate(key(str(40_000_000 + i), 700_001), 1) for i in range(10)]

    results = wb_adapter.push_stock(items)

    assert all(r.is_ok for r in results)
    sizes = [entry["items"] for entry in wb_control.log(PUT)]
    assert sorted(sizes) == [10, 500, 1000, 1000]
    assert len(held(wb_control)) == 2500
    assert len(held(wb_control, 700_001)) == 10


def test_409_marks_named_items_permanent_and_resends_the_rest(wb_adapter, wb_control):
    batch = updates((SMALL[0], 5), ("99999999", 1), (BULKY, 2), (SMALL[1], 6))

    results = {r.key.offer_id: r for r in wb_adapter.push_stock(batch)}

    assert results["99999999"].status is ItemStatus.PERMANENT
    assert results["99999999"].code == "NotFound"
    assert results[BULKY].status is ItemStatus.PERMANENT
    assert results[BULKY].code == "CargoWarehouseRestrictionSGT"
    assert results[SMALL[0]].is_ok
    assert results[SMALL[1]].is_ok
    assert held(wb_control) == {SMALL[0]: 5, SMALL[1]: 6}
    assert [e["answer"] for e in wb_control.log(PUT)] == ["409", "204"]


def test_409_without_chrt_ids_is_bisected_down_to_the_failing_item(wb_http):
    # Older WB answers name items by `sku` only (see the spec's examples): nothing to match on.
    # Each 409 costs 10 requests, so the adapter needs its throttle to get through the bisection.
    with wb_sandbox.start_in_thread(strict_contract=True, time_scale=50) as handle:
        control = Control(handle)
        sizes = [{"chrtId": int(c)} for c in SMALL[:7]]
        warehouses = [{"id": WB_WAREHOUSE}]
        control.seed(
            {
                "accounts": [
                    {
                        "token": "legacy",
                        "legacy_conflicts": True,
                        "warehouses": warehouses,
                        "sizes": sizes,
                    }
                ]
            }
        )
        adapter = WildberriesAdapter(
            WildberriesCredentials("legacy"),
            base_url=handle.url,
            client=wb_http,
            throttle=TokenBucket.for_limits(LIMITS.scaled(50)),
        )
        batch = [StockUpdate(key(c), 1) for c in SMALL[:7]] + [StockUpdate(key("12345"), 1)]

        results = {r.key.offer_id: r for r in adapter.push_stock(batch)}

        assert results["12345"].status is ItemStatus.PERMANENT
        assert results["12345"].code == "NotFound"
        assert all(results[c].is_ok for c in SMALL[:7])
        answers = [e["answer"] for e in control.log(PUT)]
        assert answers.count("409") == 4
        assert "429" not in answers
        stock = control.stock()["accounts"]["legacy"]["warehouses"][str(WB_WAREHOUSE)]
        assert stock == {c: 1 for c in SMALL[:7]}
        control.close()


def test_amounts_over_100000_are_capped(wb_adapter, wb_control):
    [result] = wb_adapter.push_stock(updates((SMALL[0], 250_000)))
    assert result.is_ok
    assert result.sent_quantity == 100_000
    assert held(wb_control)[SMALL[0]] == 100_000


def test_store_is_processing_is_transient_until_the_window_ends(wb_http):
    with wb_sandbox.start_in_thread(strict_contract=True, time_scale=100) as handle:
        adapter = WildberriesAdapter(
            WildberriesCredentials(DEFAULT_TOKEN), base_url=handle.url, client=wb_http
        )
        control = Control(handle)
        control.http.post(f"/_sandbox/warehouses/{WB_WAREHOUSE}/processing", json={"seconds": 50})

        first = adapter.push_stock(updates((SMALL[0], 1), (SMALL[1], 2)))
        assert {r.status for r in first} == {ItemStatus.TRANSIENT}
        assert {r.code for r in first} == {"StoreIsProcessing"}
        assert all(r.retry_after and r.retry_after > 0 for r in first)
        assert held(control) == {}

        wait_until(lambda: all(r.is_ok for r in adapter.push_stock(updates((SMALL[0], 1)))))
        assert held(control) == {SMALL[0]: 1}
        control.close()


def test_unknown_warehouse_is_a_permanent_not_found(wb_adapter):
    results = wb_adapter.push_stock([StockUpdate(key(SMALL[0], 1), 1)])
    assert results[0].status is ItemStatus.PERMANENT
    assert results[0].code == "NotFound"


def test_bad_keys_are_refused_without_a_request(wb_adapter, wb_control):
    results = wb_adapter.push_stock([StockUpdate(OfferKey("abc", str(WB_WAREHOUSE)), 1)])
    assert results[0].status is ItemStatus.PERMANENT
    assert results[0].code == "invalid_key"
    assert wb_control.requests()["total"] == 0


def test_bad_token_raises_account_error_and_never_logs_the_token(wb, wb_http, caplog):
    caplog.set_level(logging.DEBUG)
    adapter = WildberriesAdapter(
        WildberriesCredentials("s3cret-token"), base_url=wb.url, client=wb_http
    )
    with pytest.raises(AccountError) as failure:
        adapter.push_stock(updates((SMALL[0], 1)))
    assert failure.value.http_status == 401
    with pytest.raises(AccountError):
        list(adapter.list_returns(datetime.now(UTC) - timedelta(days=1), datetime.now(UTC)))
    assert "s3cret-token" not in caplog.text
    assert "s3cret-token" not in repr(WildberriesCredentials("s3cret-token"))


def test_banned_seller_gets_406_as_an_account_error(wb_adapter, wb_control):
    wb_control.seed({"accounts": [{"token": DEFAULT_TOKEN, "banned": True}]})
    with pytest.raises(AccountError) as failure:
        wb_adapter.push_stock(updates((SMALL[0], 1)))
    assert failure.value.code == "StatusNotAcceptable"
    assert failure.value.http_status == 406


def test_a_token_without_the_marketplace_category_gets_403(wb, wb_http, wb_control):
    wb_control.seed({"accounts": [{"token": "returns-only", "categories": ["returns"]}]})
    adapter = WildberriesAdapter(
        WildberriesCredentials("returns-only"), base_url=wb.url, client=wb_http
    )
    with pytest.raises(AccountError) as failure:
        adapter.push_stock(updates((SMALL[0], 1)))
    assert (failure.value.http_status, failure.value.code) == (403, "AccessDenied")
    assert list(adapter.iter_claims(is_archive=False)) == []  # its own category still works
    adapter.close()


def test_sandbox_enforces_the_bucket_and_the_adapter_reports_retry_after(wb_adapter, wb_control):
    results = [wb_adapter.push_stock(updates((SMALL[0], n)))[0] for n in range(25)]

    limited = [r for r in results if r.status is ItemStatus.TRANSIENT]
    assert limited, "a burst of 25 must exceed WB's bucket of 20"
    assert {r.code for r in limited} == {"TooManyRequests"}
    assert all(r.retry_after is not None and 0 < r.retry_after <= 1 for r in limited)
    assert wb_control.requests()["answers"][f"{PUT} 429"] == len(limited)


def test_a_409_is_charged_as_ten_requests(wb, wb_control):
    http = httpx.Client(base_url=wb.url, headers={"Authorization": DEFAULT_TOKEN})
    unknown = {"stocks": [{"chrtId": 1, "amount": 1}]}
    assert http.put(f"/api/v3/stocks/{WB_WAREHOUSE}", json=unknown).status_code == 409
    assert http.put(f"/api/v3/stocks/{WB_WAREHOUSE}", json=unknown).status_code == 409
    # 20 tokens - 2 × 10: the next request, however valid, must wait.
    valid = {"stocks": [{"chrtId": int(SMALL[0]), "amount": 1}]}
    limited = http.put(f"/api/v3/stocks/{WB_WAREHOUSE}", json=valid)
    assert limited.status_code == 429
    assert limited.headers["content-type"] == "application/problem+json"
    assert float(limited.headers["X-Ratelimit-Retry"]) > 0
    assert limited.json()["title"] == "too many requests"
    assert limited.json()["status"] == 429
    http.close()


def test_a_throttle_built_from_the_limits_never_gets_a_429(wb_http):
    scale = 20
    with wb_sandbox.start_in_thread(strict_contract=True, time_scale=scale) as handle:
        adapter = WildberriesAdapter(
            WildberriesCredentials(DEFAULT_TOKEN),
            base_url=handle.url,
            client=wb_http,
            throttle=TokenBucket.for_limits(LIMITS.scaled(scale)),
        )
        results = [adapter.push_stock(updates((SMALL[n % 20], n)))[0] for n in range(60)]
        assert all(r.is_ok for r in results)
        control = Control(handle)
        assert control.requests()["answers"] == {f"{PUT} 204": 60}
        control.close()


@pytest.mark.parametrize(
    ("fault", "code"),
    [("500", "http_500"), ("503", "http_503"), ("drop", "connection"), ("429", "TooManyRequests")],
)
def test_transient_faults_become_transient_results(wb_adapter, wb_control, fault, code):
    wb_control.faults(fault)
    results = wb_adapter.push_stock(updates((SMALL[0], 1), (SMALL[1], 1)))
    assert {r.status for r in results} == {ItemStatus.TRANSIENT}
    assert {r.code for r in results} == {code}
    assert all(r.is_ok for r in wb_adapter.push_stock(updates((SMALL[0], 1), (SMALL[1], 1))))


def test_a_timeout_is_transient(wb_http):
    with wb_sandbox.start_in_thread(strict_contract=True, timeout_sleep=3) as handle:
        adapter = WildberriesAdapter(
            WildberriesCredentials(DEFAULT_TOKEN), base_url=handle.url, client=wb_http, timeout=0.3
        )
        control = Control(handle)
        control.faults("timeout")
        [result] = adapter.push_stock(updates((SMALL[0], 1)))
        assert result.status is ItemStatus.TRANSIENT
        assert result.code == "timeout"
        control.close()


def test_claims_are_paged_by_offset_and_mapped_to_return_notices(wb, wb_http, wb_control):
    claims = [
        {"nm_id": 500 + i, "user_comment": "Брак", "age_hours": 1 + i / 100} for i in range(430)
    ]
    claims += [{"nm_id": 9, "status": 0, "status_ex": 0, "age_hours": 2}]  # still pending
    claims += [{"nm_id": 8, "status_ex": 8, "age_hours": 2}]  # back on sale at WB
    claims += [{"nm_id": 7, "is_archive": True, "user_comment": "пришёл другой товар"}]
    claims += [{"nm_id": 6, "age_hours": 24 * 6}]  # before the window asked for
    wb_control.seed({"accounts": [{"token": "claims-seller", "claims": claims}]})
    adapter = WildberriesAdapter(
        WildberriesCredentials("claims-seller"), base_url=wb.url, client=wb_http
    )
    now = datetime.now(UTC)

    notices = list(adapter.list_returns(now - timedelta(days=5), now))

    assert len(notices) == 431
    assert {n.lines[0].sku for n in notices} >= {"500", "929", "7"}
    assert {"9", "8", "6"}.isdisjoint(n.lines[0].sku for n in notices)
    swapped = next(n for n in notices if n.lines[0].sku == "7")
    assert swapped.reason is ReturnReason.WRONG_ITEM
    first = next(n for n in notices if n.lines[0].sku == "500")
    assert first.marketplace is Marketplace.WILDBERRIES
    assert first.return_type is ReturnType.CLAIM_RETURN
    assert first.reason is ReturnReason.DEFECTIVE
    assert first.returned_at is not None
    assert first.returned_at.utcoffset() == timedelta(hours=3)
    assert first.order_code.startswith("v5o_")
    assert first.lines[0].quantity == 1
    pages = wb_control.log("GET /api/v1/claims")
    assert len(pages) == 4  # offsets 0, 200, 400 of 433 open claims + one archive page
    adapter.close()


def test_claims_token_failure_is_an_account_error(wb, wb_http):
    adapter = WildberriesAdapter(WildberriesCredentials("nope"), base_url=wb.url, client=wb_http)
    with pytest.raises(AccountError):
        list(adapter.iter_claims(is_archive=False))


def test_a_misspelt_field_is_a_silent_no_op_on_the_lenient_sandbox():
    with wb_sandbox.start_in_thread() as handle:  # WB's own behaviour: names not validated
        control = Control(handle)
        http = httpx.Client(base_url=handle.url, headers={"Authorization": DEFAULT_TOKEN})
        body = {"stocks": [{"sku": "2000000000013", "amount": 5}]}
        response = http.put(f"/api/v3/stocks/{WB_WAREHOUSE}", json=body)
        assert response.status_code == 204
        assert held(control) == {}
        assert control.requests()["counters"]["noop_items"] == 1
        http.close()
        control.close()


def wait_until(check, timeout: float = 5.0) -> None:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError("condition not met in time")
