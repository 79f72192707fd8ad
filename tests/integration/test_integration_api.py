"""Integration endpoints: announcing returns, stock bookings, decisions, photos, OpenAPI."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from PIL import Image

from tests.integration.test_scan_flows import HEADPHONES, inspect, putaway, receive, stock
from tests.invariants import assert_invariants
from wms.db.models import Photo, Unit


def auth(demo: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {demo['integration']['token']}"}


ANNOUNCE = {
    "merchant": "ALTYN",
    "marketplace": "wildberries",
    "order_code": "WB-100200300",
    "return_type": "customer_return",
    "reason": "not_as_described",
    "external_id": "claim-7f3a",
    "customer_ref": "buyer-1",
    "reverse_logistics_cost": "1500.00",
    "lines": [{"sku": "ALT-KT-02", "quantity": 2, "price": "15990"}],
}


def test_an_announced_return_is_received_by_its_code(
    client: Any, demo: dict[str, Any], station: Any
) -> None:
    created = client.post("/api/v1/returns", json=ANNOUNCE, headers=auth(demo))
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert (body["state"], body["announced"], body["merchant"]) == ("expected", True, "ALTYN")
    again = client.post("/api/v1/returns", json=ANNOUNCE, headers=auth(demo))
    assert again.status_code == 200
    assert again.get_json()["id"] == body["id"]
    receipt = station("receipt")
    receipt.ok("OP-0001")
    opened = receipt.ok("WB-100200300")
    assert opened["context"]["return_order"]["number"] == body["number"]
    detail = client.get(f"/api/v1/returns/{body['id']}", headers=auth(demo)).get_json()
    assert detail["state"] == "receiving"
    assert detail["lines"] == [{"sku": "ALT-KT-02", "expected": 2, "received": 0}]


def test_an_idempotency_key_returns_the_first_answer(
    client: Any, demo: dict[str, Any], database: Any
) -> None:
    headers = auth(demo) | {"Idempotency-Key": "inbound-2026-11-23-001"}
    body = {
        "merchant": "ALTYN",
        "sku": "ALT-HP-01",
        "quantity": 3,
        "reference": "ASN-1",
        "bin": "BIN-M-01-02",
    }
    first = client.post("/api/v1/stock/inbound", json=body, headers=headers)
    second = client.post("/api/v1/stock/inbound", json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.get_json() == second.get_json()
    assert first.get_json()["on_hand"] == 5 + 3
    reused = client.post("/api/v1/stock/inbound", json={**body, "quantity": 4}, headers=headers)
    assert reused.status_code == 409
    assert stock(client, demo["integration"]["token"], "ALT-HP-01")["main"] == 8


def test_reservations_and_outbound_move_available_and_ship_returned_units_first(
    client: Any, demo: dict[str, Any], station: Any, database: Any
) -> None:
    token = demo["integration"]["token"]
    (lpn,) = receive(station("receipt"), "512345678", HEADPHONES)
    inspect(station("inspection"), lpn, [], "GRADE-RESELLABLE")
    putaway(station("putaway"), lpn, "BIN-M-01-02")
    base = {"merchant": "ALTYN", "sku": "ALT-HP-01"}
    reserved = client.post(
        "/api/v1/stock/reservations",
        json={**base, "quantity": 2, "reference": "o-1"},
        headers=auth(demo),
    )
    assert reserved.get_json() | {} == {
        **base,
        "channel": "main",
        "on_hand": 6,
        "reserved": 2,
        "available": 4,
    }
    shipped = client.post(
        "/api/v1/stock/outbound",
        json={
            **base,
            "quantity": 1,
            "reference": "o-1",
            "bin": "BIN-M-01-02",
            "from_reservation": True,
        },
        headers=auth(demo),
    )
    assert shipped.get_json()["on_hand"] == 5
    assert shipped.get_json()["reserved"] == 1
    with database.reading() as s:
        assert (
            s.execute(sa.select(Unit.state).where(Unit.lpn == lpn)).scalar_one().value == "shipped"
        )
    released = client.post(
        "/api/v1/stock/releases",
        json={**base, "quantity": 1, "reference": "o-1"},
        headers=auth(demo),
    )
    assert released.get_json()["available"] == 5
    counted = client.post(
        "/api/v1/stock/adjustments",
        json={
            **base,
            "bin": "BIN-M-01-01",
            "counted": 4,
            "reference": "count-1",
            "reason": "cycle count",
        },
        headers=auth(demo),
    )
    assert counted.get_json()["on_hand"] == 4
    assert stock(client, token, "ALT-HP-01")["main"] == 4
    assert_invariants(database)


def _jpeg(width: int = 640, height: int = 480) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


def test_a_photo_is_stored_with_a_thumbnail(
    client: Any, demo: dict[str, Any], station: Any, database: Any, settings: Any
) -> None:
    (lpn,) = receive(station("receipt"), "512345678", HEADPHONES)
    answer = client.post(
        f"/api/v1/units/{lpn}/photos",
        data={"photo": (io.BytesIO(_jpeg()), "evidence.jpg")},
        headers=station("inspection").headers,
        content_type="multipart/form-data",
    )
    assert answer.status_code == 201, answer.get_json()
    with database.reading() as s:
        photo = s.execute(sa.select(Photo)).scalar_one()
    root = Path(settings.storage.photo_dir)
    assert Image.open(root / photo.path).size == (640, 480)
    assert max(Image.open(root / photo.thumb_path).size) == 320
    unit = client.get(f"/api/v1/units/{lpn}", headers=auth(demo)).get_json()
    assert [p["id"] for p in unit["photos"]] == [photo.id]
    assert unit["history"][-1]["action"] == "photo"


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_openapi_document_is_valid_and_complete(client: Any, app: Any) -> None:
    from openapi_spec_validator import validate

    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    api_rules = {
        (r.rule.replace("<int:", "{").replace("<", "{").replace(">", "}"), m.lower())
        for r in app.url_map.iter_rules()
        if r.rule.startswith("/api/v1/") and not r.rule.endswith("openapi.json")
        for m in r.methods - {"HEAD", "OPTIONS"}
    }
    documented = {(path, method) for path, ops in document["paths"].items() for method in ops}
    assert api_rules == documented
    scan = document["paths"]["/api/v1/scan"]["post"]
    assert scan["security"] == [{"stationToken": []}]
    assert "ScanIn" in document["components"]["schemas"]
