"""Every class of bad input gets a clear 4xx error envelope and changes nothing in the database."""

from __future__ import annotations

import io
from typing import Any

import pytest

from tests.conftest import now_iso, snapshot
from tests.integration.test_scan_flows import HEADPHONES, receive

GOOD_SCAN = {
    "event_id": "e-12345678",
    "code": "OP-0001",
    "symbology": None,
    "scanned_at": "2026-11-23T10:00:00+00:00",
}

SCAN_CASES = [
    ("not json", "text/plain", "OP-0001", 415),
    ("broken json", "application/json", '{"event_id": ', 400),
    ("json array", "application/json", "[1, 2]", 422),
    ("empty object", "application/json", "{}", 422),
    ("missing code", "application/json", {k: v for k, v in GOOD_SCAN.items() if k != "code"}, 422),
    ("extra field", "application/json", {**GOOD_SCAN, "station": "other"}, 422),
    ("code not a string", "application/json", {**GOOD_SCAN, "code": 4600000000000}, 422),
    ("event id too short", "application/json", {**GOOD_SCAN, "event_id": "x"}, 422),
    ("event id bad chars", "application/json", {**GOOD_SCAN, "event_id": "id with spaces!"}, 422),
    ("code over 4 KB", "application/json", {**GOOD_SCAN, "code": "7" * 4097}, 422),
    ("bad symbology", "application/json", {**GOOD_SCAN, "symbology": "d2"}, 422),
    ("naive time", "application/json", {**GOOD_SCAN, "scanned_at": "2026-11-23T10:00:00"}, 422),
    ("not a time", "application/json", {**GOOD_SCAN, "scanned_at": "yesterday"}, 422),
    ("bad offline lpn", "application/json", {**GOOD_SCAN, "lpn": "LPN12"}, 422),
    ("offline not bool", "application/json", {**GOOD_SCAN, "offline": "maybe"}, 422),
]


@pytest.mark.parametrize(
    ("case", "content_type", "body", "status"), SCAN_CASES, ids=[c[0] for c in SCAN_CASES]
)
def test_malformed_scans_are_refused_without_a_trace(
    client: Any, database: Any, station: Any, case: str, content_type: str, body: Any, status: int
) -> None:
    headers = station("receipt").headers | {"Content-Type": content_type}
    before = snapshot(database)
    data = body if isinstance(body, str) else __import__("json").dumps(body)
    answer = client.post("/api/v1/scan", data=data, headers=headers)
    assert answer.status_code == status, answer.get_json()
    error = answer.get_json()["error"]
    assert error["code"]
    assert error["message"]
    assert snapshot(database) == before


def test_an_oversized_body_is_refused(client: Any, database: Any, station: Any) -> None:
    before = snapshot(database)
    huge = '{"code": "' + "x" * 2_000_000 + '"}'
    answer = client.post(
        "/api/v1/scan",
        data=huge,
        headers=station("receipt").headers | {"Content-Type": "application/json"},
    )
    assert answer.status_code == 413
    assert snapshot(database) == before


def test_unknown_routes_and_methods_answer_json(client: Any, station: Any) -> None:
    headers = station("receipt").headers
    missing = client.get("/api/v1/nope", headers=headers)
    assert missing.status_code == 404
    assert missing.get_json()["error"]["code"] == "not_found"
    wrong = client.delete("/api/v1/scan", headers=headers)
    assert wrong.status_code == 405
    assert wrong.get_json()["error"]["code"] == "method_not_allowed"


def integration(demo: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {demo['integration']['token']}"}


ANNOUNCE = {
    "merchant": "ALTYN",
    "marketplace": "kaspi",
    "order_code": "511111111",
    "return_type": "customer_return",
    "lines": [{"sku": "ALT-HP-01", "quantity": 1}],
}
INTEGRATION_CASES = [
    ("unknown merchant", "POST", "/api/v1/returns", {**ANNOUNCE, "merchant": "NOPE"}, 404),
    ("unknown marketplace", "POST", "/api/v1/returns", {**ANNOUNCE, "marketplace": "amazon"}, 422),
    (
        "zero quantity",
        "POST",
        "/api/v1/returns",
        {**ANNOUNCE, "lines": [{"sku": "ALT-HP-01", "quantity": 0}]},
        422,
    ),
    ("negative cost", "POST", "/api/v1/returns", {**ANNOUNCE, "reverse_logistics_cost": "-1"}, 422),
    ("too many lines", "POST", "/api/v1/returns", {**ANNOUNCE, "lines": [{"sku": "A"}] * 501}, 422),
    (
        "inbound without bin",
        "POST",
        "/api/v1/stock/inbound",
        {"merchant": "ALTYN", "sku": "ALT-HP-01", "quantity": 1, "reference": "r1"},
        422,
    ),
    (
        "unknown bin",
        "POST",
        "/api/v1/stock/inbound",
        {
            "merchant": "ALTYN",
            "sku": "ALT-HP-01",
            "quantity": 1,
            "reference": "r1",
            "bin": "BIN-ZZ",
        },
        404,
    ),
    (
        "unknown sku",
        "POST",
        "/api/v1/stock/inbound",
        {
            "merchant": "ALTYN",
            "sku": "NOPE",
            "quantity": 1,
            "reference": "r1",
            "bin": "BIN-M-01-01",
        },
        404,
    ),
    (
        "outbound beyond stock",
        "POST",
        "/api/v1/stock/outbound",
        {"merchant": "ALTYN", "sku": "ALT-HP-01", "quantity": 6, "reference": "r1"},
        409,
    ),
    (
        "reserve beyond available",
        "POST",
        "/api/v1/stock/reservations",
        {"merchant": "ALTYN", "sku": "ALT-HP-01", "quantity": 6, "reference": "r1"},
        409,
    ),
    (
        "release more than reserved",
        "POST",
        "/api/v1/stock/releases",
        {"merchant": "ALTYN", "sku": "ALT-HP-01", "quantity": 1, "reference": "r1"},
        409,
    ),
    (
        "negative count",
        "POST",
        "/api/v1/stock/adjustments",
        {
            "merchant": "ALTYN",
            "sku": "ALT-HP-01",
            "bin": "BIN-M-01-01",
            "counted": -1,
            "reference": "c",
            "reason": "x",
        },
        422,
    ),
    (
        "unknown channel",
        "POST",
        "/api/v1/stock/reservations",
        {
            "merchant": "ALTYN",
            "sku": "ALT-HP-01",
            "channel": "outlet",
            "quantity": 1,
            "reference": "r1",
        },
        422,
    ),
    (
        "decision on unknown unit",
        "POST",
        "/api/v1/units/LPN0000099999/decision",
        {"decision": "dispose"},
        404,
    ),
    ("unknown decision", "POST", "/api/v1/units/LPN0000000001/decision", {"decision": "burn"}, 422),
    ("list limit zero", "GET", "/api/v1/returns?limit=0", None, 422),
    ("list limit text", "GET", "/api/v1/returns?limit=many", None, 422),
    ("unknown list filter", "GET", "/api/v1/returns?colour=red", None, 422),
    ("stock without sku", "GET", "/api/v1/stock?merchant=ALTYN", None, 422),
    ("stock without merchant", "GET", "/api/v1/stock?sku=ALT-HP-01", None, 422),
    ("return not found", "GET", "/api/v1/returns/99999", None, 404),
]


@pytest.mark.parametrize(
    ("case", "method", "url", "body", "status"),
    INTEGRATION_CASES,
    ids=[c[0] for c in INTEGRATION_CASES],
)
def test_bad_integration_requests_are_refused_without_change(
    client: Any,
    database: Any,
    demo: dict[str, Any],
    case: str,
    method: str,
    url: str,
    body: Any,
    status: int,
) -> None:
    before = snapshot(database)
    answer = client.open(url, method=method, json=body, headers=integration(demo))
    assert answer.status_code == status, answer.get_json()
    assert set(answer.get_json()["error"]) == {"code", "message", "details"}
    assert snapshot(database) == before


def test_a_decision_on_a_unit_not_awaiting_one_is_refused(
    client: Any, database: Any, demo: dict[str, Any], station: Any
) -> None:
    (lpn,) = receive(station("receipt"), "512345678", HEADPHONES)
    before = snapshot(database)
    answer = client.post(
        f"/api/v1/units/{lpn}/decision", json={"decision": "dispose"}, headers=integration(demo)
    )
    assert answer.status_code == 409
    assert answer.get_json()["error"]["code"] == "illegal_transition"
    assert snapshot(database) == before


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        (b"", 422),
        (b"not an image at all", 422),
        (b"GIF89a" + b"\0" * 64, 422),
        (b"\xff" * 1_200_000, 413),
    ],
    ids=["empty", "text", "gif", "too-large"],
)
def test_bad_photo_uploads_are_refused(
    client: Any, database: Any, station: Any, payload: bytes, status: int
) -> None:
    (lpn,) = receive(station("receipt"), "512345678", HEADPHONES)
    before = snapshot(database)
    answer = client.post(
        f"/api/v1/units/{lpn}/photos",
        data={"photo": (io.BytesIO(payload), "p.jpg")},
        headers=station("inspection").headers,
        content_type="multipart/form-data",
    )
    assert answer.status_code == status, answer.get_json()
    assert snapshot(database) == before


def test_a_scan_with_a_repeated_event_id_from_another_station_is_its_own_event(
    client: Any, station: Any, database: Any
) -> None:
    body = {
        "event_id": "shared-1234",
        "code": "OP-0001",
        "symbology": None,
        "scanned_at": now_iso(),
    }
    first = client.post("/api/v1/scan", json=body, headers=station("receipt").headers).get_json()
    second = client.post(
        "/api/v1/scan", json=body, headers=station("inspection").headers
    ).get_json()
    assert first["context"]["station"] == "receipt-1"
    assert second["context"]["station"] == "inspection-1"
