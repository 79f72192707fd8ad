"""Wildberries requests against the official OpenAPI files (02-products, 09-communications)."""

from __future__ import annotations

import filecmp
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.marketplaces.conftest import WB_WAREHOUSE, ContractRecorder
from wms.adapters.marketplaces.base import OfferKey, StockUpdate
from wms.sandbox import wildberries as wb_sandbox
from wms.sandbox.openapi import (
    SHARED_SPEC_DIR,
    SPEC_DIR_ENV,
    VENDORED_SPEC_DIR,
    WB_SPEC_FILES,
    OpenApiContract,
    default_spec_dir,
    load_document,
    resolve_refs,
)
from wms.sandbox.wb_data import DEFAULT_TOKEN

STOCKS = "/api/v3/stocks/{warehouseId}"
GOOD_PUT = {"stocks": [{"chrtId": 10_000_001, "amount": 3}]}
SKU_INSTEAD_OF_CHRT_ID = {"stocks": [{"sku": "2000000000013", "amount": 3}]}
TOO_MANY = {"stocks": [{"chrtId": 10_000_001 + i, "amount": 1} for i in range(1001)]}


def test_every_request_the_adapter_sends_validates_against_the_spec(
    wb_adapter, contract_recorder: ContractRecorder
):
    keys = [OfferKey(str(10_000_001 + i), str(WB_WAREHOUSE)) for i in range(3)]
    wb_adapter.push_stock([StockUpdate(k, 2) for k in keys] + [StockUpdate(OfferKey("1", "1"), 1)])
    wb_adapter.read_stock(keys)
    list(wb_adapter.list_returns(datetime.now(UTC) - timedelta(days=3), datetime.now(UTC)))

    assert set(contract_recorder.seen) == {
        f"PUT /api/v3/stocks/{WB_WAREHOUSE}",
        "PUT /api/v3/stocks/1",
        f"POST /api/v3/stocks/{WB_WAREHOUSE}",
        "GET /api/v1/claims",
    }
    assert contract_recorder.violations == []  # the fixture asserts this again at teardown


def test_strict_reading_refuses_sku_instead_of_chrt_id(strict_contract: OpenApiContract):
    operation = strict_contract.operation("put", STOCKS)
    problems = strict_contract.body_errors(operation, SKU_INSTEAD_OF_CHRT_ID)
    assert any("'sku' was unexpected" in p for p in problems)
    assert any("'chrtId' is a required property" in p for p in problems)
    assert strict_contract.body_errors(operation, GOOD_PUT) == []


def test_wbs_own_reading_lets_a_misspelt_field_through():
    """The documented trap: WB validates no field names, so only our strict reading catches it."""
    lenient = OpenApiContract.for_wildberries()
    operation = lenient.operation("put", STOCKS)
    assert lenient.body_errors(operation, SKU_INSTEAD_OF_CHRT_ID) == []


@pytest.mark.parametrize("strict", [True, False])
def test_more_than_1000_items_break_the_spec_either_way(strict: bool):
    contract = OpenApiContract.for_wildberries(strict=strict)
    problems = contract.body_errors(contract.operation("put", STOCKS), TOO_MANY)
    assert problems == ["body/stocks: violates maxItems=1000"]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (SKU_INSTEAD_OF_CHRT_ID, "IncorrectRequestBody"),
        (TOO_MANY, "IncorrectRequestBody"),
        ({"stocks": []}, "IncorrectRequestBody"),
        ({"stocks": [{"chrtId": "10000001", "amount": 1}]}, "IncorrectRequestBody"),
        ({"items": [{"chrtId": 10_000_001, "amount": 1}]}, "IncorrectRequestBody"),
    ],
)
def test_strict_sandbox_answers_400_to_bodies_that_break_the_contract(wb, wb_control, body, code):
    with httpx.Client(base_url=wb.url, headers={"Authorization": DEFAULT_TOKEN}) as http:
        response = http.put(f"/api/v3/stocks/{WB_WAREHOUSE}", json=body)
    assert response.status_code == 400
    assert response.json() == {"code": code, "message": "Incorrect required body"}
    assert wb_control.requests()["counters"]["contract_rejects"] == 1


def test_lenient_sandbox_still_refuses_1001_items():
    with (
        wb_sandbox.start_in_thread() as handle,
        httpx.Client(base_url=handle.url, headers={"Authorization": DEFAULT_TOKEN}) as http,
    ):
        response = http.put(f"/api/v3/stocks/{WB_WAREHOUSE}", json=TOO_MANY)
        assert response.status_code == 400
        assert response.json()["code"] == "IncorrectRequestBody"


def test_amount_over_the_maximum_is_wbs_409_upload_data_limit_not_a_400(wb):
    with httpx.Client(base_url=wb.url, headers={"Authorization": DEFAULT_TOKEN}) as http:
        body = {"stocks": [{"chrtId": 10_000_001, "amount": 100_001}]}
        response = http.put(f"/api/v3/stocks/{WB_WAREHOUSE}", json=body)
    assert response.status_code == 409
    assert response.json() == [
        {
            "code": "UploadDataLimit",
            "message": "Upload limit exceeded.",
            "data": [{"sku": "", "chrtId": 10_000_001, "amount": 100_001}],
        }
    ]


def test_a_warehouse_id_that_is_not_an_integer_is_an_incorrect_parameter(wb):
    with httpx.Client(base_url=wb.url, headers={"Authorization": DEFAULT_TOKEN}) as http:
        response = http.put("/api/v3/stocks/main", json=GOOD_PUT)
    assert response.status_code == 400
    assert response.json()["code"] == "IncorrectParameter"


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"limit": 50}, "'is_archive' is required"),
        ({"is_archive": "false", "limit": 201}, "maximum of 200"),
        ({"is_archive": "yes"}, "not a valid boolean"),
        ({"is_archive": "false", "offset": -1}, "minimum of 0"),
    ],
)
def test_claims_parameters_are_checked_against_the_spec(wb, params, fragment):
    with httpx.Client(base_url=wb.url, headers={"Authorization": DEFAULT_TOKEN}) as http:
        response = http.get("/api/v1/claims", params=params)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["title"] == "Invalid query params"
    assert fragment in response.json()["detail"]


def test_unauthorised_calls_get_problem_json_401(wb):
    with httpx.Client(base_url=wb.url, headers={"Authorization": "wrong"}) as http:
        response = http.put(f"/api/v3/stocks/{WB_WAREHOUSE}", json=GOOD_PUT)
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["title"] == "unauthorized"
    assert body["status"] == 401
    assert body["statusText"] == "Unauthorized"


def test_refs_are_resolved_from_the_document():
    document = load_document(str(default_spec_dir() / "02-products.yaml"))
    operation = document["paths"][STOCKS]["put"]
    assert operation["parameters"] == [{"$ref": "#/components/parameters/Warehouse"}]
    resolved = resolve_refs(operation, document)
    assert resolved["parameters"][0]["name"] == "warehouseId"
    assert resolved["responses"]["403"]["content"]["application/json"]["schema"]["type"] == "object"


def test_the_spec_folder_is_configurable(monkeypatch, tmp_path):
    for name in WB_SPEC_FILES:
        (tmp_path / name).write_bytes((VENDORED_SPEC_DIR / name).read_bytes())
    monkeypatch.setenv(SPEC_DIR_ENV, str(tmp_path))
    assert default_spec_dir() == tmp_path
    contract = OpenApiContract.for_wildberries()
    assert contract.match("put", f"/api/v3/stocks/{WB_WAREHOUSE}") is not None


def test_the_vendored_copy_is_the_official_file():
    for name in WB_SPEC_FILES:
        vendored = VENDORED_SPEC_DIR / name
        assert load_document(str(vendored))["openapi"].startswith("3.0")
        shared = SHARED_SPEC_DIR / name
        if shared.exists():  # the reference folder is only present on development machines
            assert filecmp.cmp(vendored, shared, shallow=False), (
                f"{name} drifted from the reference"
            )
