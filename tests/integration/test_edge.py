"""Issue 11: each class of bad input found by the fuzzer is a clear 4xx on both databases and
changes nothing (`snapshot` before and after)."""

from __future__ import annotations

import io
import json
import uuid
from typing import Any
from urllib.parse import urlencode

import pytest

from tests.conftest import now_iso, snapshot
from tests.integration.dashboard.pages import csrf, logged_in
from wms.domain.limits import MAX_ORDER_CODE

NUL = "\x00"
BIG = 2**31  # one past PostgreSQL's INTEGER
HUGE = 2**63  # one past SQLite's INTEGER


def integration(demo: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {demo['integration']['token']}"}


def scan_body(**extra: Any) -> dict[str, Any]:
    return {"event_id": str(uuid.uuid4()), "code": "OP-0001", "scanned_at": now_iso(), **extra}


ANNOUNCE = {
    "merchant": "ALTYN",
    "marketplace": "kaspi",
    "order_code": "511111111",
    "return_type": "customer_return",
    "lines": [{"sku": "ALT-HP-01", "quantity": 1}],
}


def refused(answer: Any, *statuses: int) -> dict[str, Any]:
    """A 4xx of the expected kind with the JSON error envelope."""
    assert answer.status_code in statuses, (answer.status_code, answer.get_data(as_text=True))
    error = answer.get_json()["error"]
    assert error["code"]
    assert error["message"]
    return error  # type: ignore[no-any-return]


# -- NUL characters ----------------------------------------------------------------------------


def test_nul_in_api_bodies_and_queries_is_refused_without_change(
    client: Any, database: Any, demo: dict[str, Any], station: Any
) -> None:
    st = station("receipt").headers
    it = integration(demo)
    before = snapshot(database)
    calls = [
        ("POST", "/api/v1/scan", st, scan_body(code=f"OP{NUL}1")),
        ("POST", "/api/v1/stations/heartbeat", st, {"queued": 0, "scanner": f"ok{NUL}"}),
        (
            "POST",
            "/api/v1/stations/exceptions",
            st,
            {"event_id": "e1", "code": "x", "error": f"boom{NUL}"},
        ),
        ("POST", "/api/v1/returns", it, {**ANNOUNCE, "order_code": f"5{NUL}1"}),
        ("POST", "/api/v1/returns", it, {**ANNOUNCE, f"k{NUL}": 1}),
        ("GET", f"/api/v1/returns?q=a{NUL}b", it, None),
        ("GET", f"/api/v1/stock?sku=A{NUL}&merchant=ALTYN", it, None),
        ("GET", f"/api/v1/units/LPN{NUL}1", st, None),
        ("GET", f"/api/v1/offers?sku=A{NUL}", it, None),
    ]
    for method, url, headers, body in calls:
        answer = client.open(url, method=method, json=body, headers=headers)
        error = refused(answer, 400)
        assert "NUL" in error["message"], (url, error)
    assert snapshot(database) == before


def test_nul_in_the_login_form_and_dashboard_searches_is_refused(
    app: Any, client: Any, database: Any, demo: dict[str, Any]
) -> None:
    token = csrf(client)
    before = snapshot(database)
    answer = client.post(
        "/login", data={"csrf_token": token, "login": f"super{NUL}visor", "password": "x"}
    )
    assert answer.status_code == 400
    assert "U+0000" in answer.get_data(as_text=True)
    assert snapshot(database) == before
    supervisor = logged_in(app, "supervisor")
    for url in (f"/returns?q=a{NUL}", f"/stock?q={NUL}", f"/units/LPN{NUL}"):
        page = supervisor.get(url)
        assert page.status_code == 400, url
        assert "U+0000" in page.get_data(as_text=True)


# -- ids and cursors past the column's range ---------------------------------------------------


@pytest.mark.parametrize("number", [BIG, HUGE, 10**30])
def test_ids_and_cursors_past_the_integer_range(
    app: Any, client: Any, demo: dict[str, Any], number: int
) -> None:
    it = integration(demo)
    refused(client.get(f"/api/v1/returns/{number}", headers=it), 404)
    refused(client.get(f"/api/v1/returns?cursor={number}", headers=it), 422)
    refused(client.get(f"/api/v1/offers?cursor={number}", headers=it), 422)
    supervisor = logged_in(app, "supervisor")
    for url in (f"/returns/{number}", f"/stock/{number}", f"/photos/{number}"):
        assert supervisor.get(url).status_code == 404, url
    for url in (f"/returns?before={number}", f"/stock?before=1&offset={number}"):
        assert supervisor.get(url).status_code == 400, url


# -- filters, JSON shape, timestamps -----------------------------------------------------------


def test_an_unknown_state_filter_is_refused(client: Any, demo: dict[str, Any]) -> None:
    error = refused(client.get("/api/v1/returns?state=lost", headers=integration(demo)), 422)
    assert error["details"]["errors"][0]["field"] == "state"
    good = client.get("/api/v1/returns?state=expected", headers=integration(demo))
    assert good.status_code == 200


def test_json_nested_a_thousand_levels_deep_is_refused(
    client: Any, database: Any, demo: dict[str, Any], station: Any
) -> None:
    before = snapshot(database)
    deep = "[" * 1000 + "]" * 1000
    for url, headers in (
        ("/api/v1/scan", station("receipt").headers),
        ("/api/v1/returns", integration(demo)),
    ):
        for body in (deep, '{"code": ' + deep + "}", '{"a":' * 1000 + "1" + "}" * 1000):
            answer = client.post(
                url, data=body, headers=headers | {"Content-Type": "application/json"}
            )
            refused(answer, 400)
    assert snapshot(database) == before


@pytest.mark.parametrize(
    "stamp", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00", "1900-01-01T00:00:00Z"]
)
def test_timestamps_whose_utc_conversion_overflows_are_refused(
    client: Any, database: Any, demo: dict[str, Any], station: Any, stamp: str
) -> None:
    before = snapshot(database)
    answer = client.post(
        "/api/v1/scan", json=scan_body(scanned_at=stamp), headers=station("receipt").headers
    )
    assert refused(answer, 422)["details"]["errors"][0]["field"] == "scanned_at"
    answer = client.post(
        "/api/v1/returns", json={**ANNOUNCE, "ordered_at": stamp}, headers=integration(demo)
    )
    refused(answer, 422)
    assert snapshot(database) == before


# -- strict types ------------------------------------------------------------------------------


@pytest.mark.parametrize("quantity", [True, "2", " 2 ", 2.0])
def test_quantities_are_not_coerced(
    client: Any, database: Any, demo: dict[str, Any], quantity: Any
) -> None:
    before = snapshot(database)
    body = {**ANNOUNCE, "lines": [{"sku": "ALT-HP-01", "quantity": quantity}]}
    refused(client.post("/api/v1/returns", json=body, headers=integration(demo)), 422)
    move = {"merchant": "ALTYN", "sku": "ALT-HP-01", "quantity": quantity, "reference": "r"}
    refused(client.post("/api/v1/stock/reservations", json=move, headers=integration(demo)), 422)
    assert snapshot(database) == before


@pytest.mark.parametrize("offline", ["yes", "true", 1])
def test_offline_must_be_a_boolean(client: Any, database: Any, station: Any, offline: Any) -> None:
    before = snapshot(database)
    answer = client.post(
        "/api/v1/scan", json=scan_body(offline=offline), headers=station("receipt").headers
    )
    refused(answer, 422)
    assert snapshot(database) == before


def test_the_same_event_id_with_another_code_is_a_conflict(
    client: Any, database: Any, station: Any
) -> None:
    receipt = station("receipt")
    first = receipt.post("OP-0001", event_id="evt-00000001")
    assert receipt.post("OP-0001", event_id="evt-00000001") == first  # an honest retry
    before = snapshot(database)
    answer = client.post(
        "/api/v1/scan",
        json=scan_body(event_id="evt-00000001", code="OP-0002"),
        headers=receipt.headers,
    )
    error = refused(answer, 409)
    assert "evt-00000001" in error["message"]
    assert snapshot(database) == before


# -- return slips, headers, body caps ----------------------------------------------------------


def test_order_codes_longer_than_the_slip_prints_are_refused(
    client: Any, database: Any, demo: dict[str, Any]
) -> None:
    before = snapshot(database)
    body = {**ANNOUNCE, "order_code": "7" * (MAX_ORDER_CODE + 1), "external_id": "long-1"}
    refused(client.post("/api/v1/returns", json=body, headers=integration(demo)), 422)
    assert snapshot(database) == before
    longest = {**ANNOUNCE, "order_code": "7" * MAX_ORDER_CODE, "external_id": "long-2"}
    assert (
        client.post("/api/v1/returns", json=longest, headers=integration(demo)).status_code == 201
    )


def test_the_slip_prints_the_longest_accepted_order_code(
    app: Any, client: Any, demo: dict[str, Any]
) -> None:
    longest = {**ANNOUNCE, "order_code": "7" * MAX_ORDER_CODE, "external_id": "long-3"}
    created = client.post("/api/v1/returns", json=longest, headers=integration(demo))
    assert created.status_code == 201
    slip = logged_in(app, "supervisor").get(f"/returns/{created.get_json()['id']}/slip.pdf")
    assert slip.status_code == 200
    assert slip.data.startswith(b"%PDF")


def test_405_names_the_allowed_methods(app: Any, client: Any, station: Any) -> None:
    answer = client.delete("/api/v1/scan", headers=station("receipt").headers)
    assert answer.status_code == 405
    assert answer.headers["Allow"].split(", ").count("POST") == 1
    assert answer.get_json()["error"]["code"] == "method_not_allowed"
    page = logged_in(app, "supervisor").put("/floor")
    assert page.status_code == 405
    assert "GET" in page.headers["Allow"]


SECURITY_HEADERS = ("X-Content-Type-Options", "Content-Security-Policy", "Referrer-Policy")


def test_security_headers_on_api_feed_and_static_responses(
    client: Any, station: Any, demo: dict[str, Any]
) -> None:
    answers = [
        client.get("/api/v1/stations/me", headers=station("receipt").headers),
        client.get("/api/v1/openapi.json"),
        client.get("/api/v1/nope"),
        client.get("/feeds/kaspi/" + "x" * 43 + ".xml"),
        client.get("/static/" + _a_static_file()),
        client.get("/healthz"),
    ]
    for answer in answers:
        for name in SECURITY_HEADERS:
            assert answer.headers.get(name), (answer.request.path, name)
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        answer.close()


def _a_static_file() -> str:
    from pathlib import Path

    import wms

    static = Path(wms.__file__).parent / "web" / "static"
    first = next(p for p in sorted(static.rglob("*")) if p.is_file())
    return first.relative_to(static).as_posix()


def test_the_json_cap_applies_to_chunked_bodies(client: Any, database: Any, station: Any) -> None:
    before = snapshot(database)
    body = json.dumps(scan_body(code="7" * 100)).encode()
    # Over the 1 MB JSON cap, under the upload cap (1 MB + 64 KB in the test settings).
    huge = body[:-1] + b', "pad": "' + b"x" * 1_030_000 + b'"}'
    answer = client.post(
        "/api/v1/scan",
        input_stream=io.BytesIO(huge),
        headers=station("receipt").headers
        | {"Content-Type": "application/json", "Transfer-Encoding": "chunked"},
        # What gunicorn and the werkzeug server set for a chunked body they de-chunk.
        environ_overrides={"wsgi.input_terminated": True},
    )
    refused(answer, 413)
    assert snapshot(database) == before


@pytest.mark.parametrize(
    "target",
    ["/%09/evil.example", "//evil.example", "/\\evil.example", "/%2F/evil.example", "/x\r\nSet: y"],
)
def test_login_never_redirects_off_site(client: Any, demo: dict[str, Any], target: str) -> None:
    answer = client.post(
        "/login?" + urlencode({"next": target}),
        data={"csrf_token": csrf(client), "login": "supervisor", "password": "supervisor-demo"},
    )
    assert answer.status_code == 302
    location = answer.headers["Location"]
    assert location == "/", location


def test_login_keeps_a_same_site_next(client: Any, demo: dict[str, Any]) -> None:
    answer = client.post(
        "/login?" + urlencode({"next": "/returns?q=a b&view=orders"}),
        data={"csrf_token": csrf(client), "login": "supervisor", "password": "supervisor-demo"},
    )
    assert answer.headers["Location"] == "/returns?q=a%20b&view=orders"


def test_openapi_documents_every_error_answer_and_the_state_enums(client: Any) -> None:
    doc = client.get("/api/v1/openapi.json").get_json()
    for path, operations in doc["paths"].items():
        for method, op in operations.items():
            codes = set(op["responses"])
            assert {"400", "401", "403", "404", "409", "422"} <= codes, (method, path)
            if "requestBody" in op:
                assert {"413", "415"} <= codes, (method, path)
    state = next(
        p for p in doc["paths"]["/api/v1/returns"]["get"]["parameters"] if p["name"] == "state"
    )
    assert state["schema"]["anyOf"][0]["enum"] == [
        "expected",
        "receiving",
        "received",
        "completed",
        "cancelled",
    ]
    assert doc["components"]["schemas"]["ReturnOut"]["properties"]["state"] == {
        "$ref": "#/components/schemas/ReturnOrderState"
    }
    assert "200" in doc["paths"]["/api/v1/returns"]["post"]["responses"]


def test_the_station_page_is_as_strict_as_the_api(
    app: Any, database: Any, demo: dict[str, Any]
) -> None:
    from tests.e2e.stations.test_station_page import log_in, token_of

    client = app.test_client()
    token = log_in(client, token_of(demo, "receipt"))
    headers = {"X-CSRFToken": token}
    before = snapshot(database)
    event = str(uuid.uuid4())
    bad_bodies = [
        ({"event_id": event, "code": f"OP{NUL}0001"}, 400),
        ({"event_id": event, "code": 4600000000000}, 422),
        ({"event_id": event, "code": ["OP-0001"]}, 422),
        ({"event_id": event, "code": "OP-0001", "offline": "yes"}, 422),
    ]
    for body, status in bad_bodies:
        answer = client.post("/station/scan", json=body, headers=headers)
        assert answer.status_code == status, (body, answer.get_data(as_text=True))
    deep = '{"event_id": "' + event + '", "code": ' + "[" * 500 + "]" * 500 + "}"
    answer = client.post(
        "/station/scan", data=deep, headers=headers | {"Content-Type": "application/json"}
    )
    assert answer.status_code == 400
    assert snapshot(database) == before


def test_a_multipart_part_without_a_name_is_not_a_server_error(
    client: Any, database: Any, station: Any
) -> None:
    """Found by the fuzzer: `name=""` parts reach the form with the key None."""
    boundary = "b0undary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name=""\r\n\r\n{{}}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="x"\r\n\r\nfalse\r\n--{boundary}--\r\n'
    )
    before = snapshot(database)
    answer = client.post(
        "/api/v1/units/LPN0000000001/photos",
        data=body.encode(),
        headers=station("inspection").headers
        | {"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert 400 <= answer.status_code < 500, answer.get_data(as_text=True)
    assert snapshot(database) == before
