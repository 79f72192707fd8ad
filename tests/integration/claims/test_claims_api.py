"""Claims API: merchant-scoped, in the OpenAPI document, refusals in the caller's language."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import snapshot
from tests.integration.test_scan_flows import HEADPHONES, receive
from wms.services import accounts
from wms.services.uow import SYSTEM, UnitOfWork


def client_token(database: Any, merchant: str | None, name: str) -> dict[str, str]:
    with UnitOfWork(database) as uow:
        _client, token = accounts.create_integration_client(uow, SYSTEM, name, merchant)
        uow.commit()
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def tokens(database: Any, demo: dict[str, Any]) -> dict[str, dict[str, str]]:
    return {
        "all": {"Authorization": f"Bearer {demo['integration']['token']}"},
        "ALTYN": client_token(database, "ALTYN", "altyn-erp"),
        "KOKTEM": client_token(database, "KOKTEM", "koktem-erp"),
    }


def test_open_act_answer_and_read_claims_through_the_api(
    client: Any, station: Any, database: Any, tokens: Any, wb_claim_id: int
) -> None:
    (lpn,) = receive(station("receipt"), "512345678", HEADPHONES)
    body = {"reason": "damaged_in_transit", "lines": [{"lpn": lpn, "amount": "12500.50"}]}

    # Another merchant cannot claim for ALTYN's unit, nor see ALTYN's claims.
    before = snapshot(database)
    refused = client.post(
        "/api/v1/claims", json=body, headers=tokens["KOKTEM"] | {"Accept-Language": "kk"}
    )
    assert refused.status_code == 404
    assert lpn in refused.get_json()["error"]["message"]
    assert snapshot(database) == before
    assert client.get("/api/v1/claims", headers=tokens["KOKTEM"]).get_json()["items"] == []
    assert client.get(f"/api/v1/claims/{wb_claim_id}", headers=tokens["KOKTEM"]).status_code == 404

    created = client.post("/api/v1/claims", json=body, headers=tokens["ALTYN"])
    assert created.status_code == 201, created.get_json()
    claim = created.get_json()
    assert (claim["state"], claim["claimed"], claim["merchant"]) == ("draft", "12500.50", "ALTYN")
    assert claim["lines"][0]["lpn"] == lpn
    url = f"/api/v1/claims/{claim['id']}"

    answer = client.post(url + "/actions", json={"action": "submit"}, headers=tokens["all"])
    assert answer.get_json()["state"] == "submitted"
    assert answer.get_json()["pack_sha256"]

    before = snapshot(database)
    too_much = client.post(
        url + "/actions",
        json={"action": "approve_partially", "amount": "12500.51"},
        headers=tokens["all"] | {"Accept-Language": "ru"},
    )
    assert too_much.status_code == 422
    assert "больше нуля и меньше 12500.50" in too_much.get_json()["error"]["message"]
    not_allowed = client.post(
        f"/api/v1/claims/{wb_claim_id}/answer",
        json={"action": "approve2"},
        headers=tokens["ALTYN"] | {"Accept-Language": "kk"},
    )
    assert not_allowed.status_code == 422
    assert "approve2" in not_allowed.get_json()["error"]["message"]
    assert "Маркетплейс" in not_allowed.get_json()["error"]["message"]
    assert (
        client.post(url + "/actions", json={"action": "won"}, headers=tokens["all"]).status_code
        == 422
    )
    assert snapshot(database) == before

    approved = client.post(
        url + "/actions",
        json={"action": "approve_partially", "amount": "10000"},
        headers=tokens["all"],
    ).get_json()
    assert (approved["state"], approved["offered"]) == ("partially_approved", "10000.00")
    line = approved["lines"][0]["id"]
    got = client.post(
        f"{url}/lines/{line}",
        json={"op": "record_recovery", "amount": "10000"},
        headers=tokens["all"],
    ).get_json()
    assert got["recovered"] == "10000.00"
    closed = client.post(f"{url}/lines/{line}", json={"op": "close_line"}, headers=tokens["all"])
    assert closed.get_json()["state"] == "settled"

    answered = client.post(
        f"/api/v1/claims/{wb_claim_id}/answer",
        json={"action": "autorefund1"},
        headers=tokens["ALTYN"],
    )
    assert answered.status_code == 200, answered.get_json()
    assert answered.get_json()["state"] == "approved"
    listed = client.get("/api/v1/claims?state=settled", headers=tokens["ALTYN"]).get_json()
    assert [c["id"] for c in listed["items"]] == [claim["id"]]


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_claims_are_in_the_openapi_document(client: Any) -> None:
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert set(paths["/api/v1/claims"]) == {"get", "post"}
    assert "post" in paths["/api/v1/claims/{claim_id}/answer"]
