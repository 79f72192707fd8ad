"""Every route of the URL map declares who may call it, and refuses everyone else."""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa

from wms.db.models import User
from wms.services import accounts
from wms.services.uow import execute
from wms.web.auth import Access

# Routes anyone may call, and why.
PUBLIC_ENDPOINTS = {
    "static": "CSS, JS and images of the pages",
    "ops.healthz": "load balancer health check, no data",
    "ops.readyz": "readiness check: database reachable, migrations at head; no data",
    "ops.metrics_view": "Prometheus; bearer token or direct loopback only (checked inside)",
    "ui.login": "the login form itself",
    "station_page.login": "the browser station's token form itself",
    "station_page.service_worker": "the handheld page's service worker script (static JS)",
    "api.openapi_json": "the API description, no data",
}
PUBLIC_PREFIXES = ("feeds.",)  # Kaspi feed: authenticated by the secret token in its URL

Caller = str  # anonymous | station | integration | supervisor | merchant


def _url(rule: Any) -> str:
    samples = {"int": "1", "path": "x", "string": "LPN0000000001", "default": "x"}

    def fill(match: re.Match[str]) -> str:
        converter = match.group(1) or "default"
        return samples.get(converter, "x")

    return re.sub(r"<(?:(\w+)(?:\([^)]*\))?:)?\w+>", fill, rule.rule)


def _routes(app: Any) -> list[tuple[str, str, str, Access | None]]:
    out = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        access = getattr(view, "wms_access", None)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            out.append((rule.endpoint, method, _url(rule), access))
    return out


def _login(client: Any, database: Any, login: str) -> None:
    with database.reading() as s:
        user = s.execute(sa.select(User).where(User.login == login)).scalar_one()
    session_id = execute(database, accounts.open_session, user.id)
    with client.session_transaction() as session:
        session["sid"] = session_id


def _request(
    app: Any, database: Any, demo: dict[str, Any], caller: Caller, method: str, url: str
) -> Any:
    client = app.test_client()
    headers = {}
    if caller == "station":
        headers["Authorization"] = f"Bearer {demo['stations'][0]['token']}"
    elif caller == "integration":
        headers["Authorization"] = f"Bearer {demo['integration']['token']}"
    elif caller in ("supervisor", "altyn"):
        _login(client, database, caller)
    return client.open(url, method=method, headers=headers, json={} if method != "GET" else None)


def _refused(response: Any) -> bool:
    if response.status_code in (401, 403):
        return True
    if response.status_code in (301, 302, 303) and "/login" in response.headers.get("Location", ""):
        return True
    # Flask-WTF refuses a cookie-less form post before the view runs.
    return response.status_code == 400 and b"CSRF" in response.data


def _allowed(access: Access, caller: Caller) -> bool:
    if access.public:
        return True
    kind = {"supervisor": "user", "altyn": "user"}.get(caller, caller)
    if kind not in access.kinds:
        return False
    if caller == "supervisor":
        return any(r.value == "supervisor" for r in access.user_roles)
    if caller == "altyn":
        return any(r.value == "merchant" for r in access.user_roles)
    if caller == "station":
        return any(
            r.value == "receipt" for r in access.station_roles
        )  # demo station 0 is receipt-1
    return True


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_every_route_declares_its_access(app: Any) -> None:
    undeclared = [f"{m} {url} ({ep})" for ep, m, url, access in _routes(app) if access is None]
    assert not undeclared, "routes without an access rule: " + ", ".join(undeclared)
    public = {ep for ep, _m, _u, access in _routes(app) if access is not None and access.public}
    assert public <= set(PUBLIC_ENDPOINTS) | {ep for ep in public if ep.startswith(PUBLIC_PREFIXES)}


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.parametrize("caller", ["anonymous", "station", "integration", "supervisor", "altyn"])
def test_callers_outside_a_routes_access_are_refused(
    app: Any, database: Any, demo: dict[str, Any], caller: Caller
) -> None:
    checked = 0
    for endpoint, method, url, access in _routes(app):
        assert access is not None
        if access.public:
            continue
        response = _request(app, database, demo, caller, method, url)
        if caller == "anonymous" or not _allowed(access, caller):
            assert _refused(response), (
                f"{caller} got {response.status_code} on {method} {url} ({endpoint})"
            )
            checked += 1
        else:
            # Allowed callers get past authentication (any answer but 401/forbidden; a 404 for
            # the sample ids, a 422 for the empty body, a CSRF refusal for cookie writes are fine).
            assert response.status_code != 401, f"{caller} refused on {method} {url}"
            body = response.get_json(silent=True) or {}
            assert body.get("error", {}).get("code") != "forbidden", (
                f"{caller} forbidden on {method} {url}"
            )
            assert response.status_code < 500, f"{method} {url} answered {response.status_code}"
    assert checked > 0


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_bad_tokens_are_refused(client: Any, demo: dict[str, Any]) -> None:
    for header in ("Bearer st_nope", "Bearer it_nope", "Bearer", "Basic YWJjOmRlZg==", "st_demo_x"):
        answer = client.get("/api/v1/stations/me", headers={"Authorization": header})
        assert answer.status_code == 401, header
        assert answer.get_json()["error"]["code"] == "unauthenticated"


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_cookie_writes_to_the_api_need_the_csrf_token(
    app: Any, database: Any, demo: dict[str, Any]
) -> None:
    client = app.test_client()
    _login(client, database, "supervisor")
    answer = client.post("/api/v1/units/LPN0000000001/decision", json={"decision": "dispose"})
    assert answer.status_code == 403
    assert answer.get_json()["error"]["code"] == "csrf_failed"


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_merchant_sees_only_its_own_goods(app: Any, database: Any, station: Any) -> None:
    from tests.integration.test_scan_flows import EAN, receive

    (altyn_unit,) = receive(station("receipt"), "512345678", EAN["ALT-HP-01"])
    (koktem_unit,) = receive(station("receipt"), "512345679", EAN["KKT-SC-01"])
    client = app.test_client()
    _login(client, database, "altyn")
    assert client.get(f"/api/v1/units/{altyn_unit}").status_code == 200
    assert client.get(f"/api/v1/units/{koktem_unit}").status_code == 404
    listed = client.get("/api/v1/returns").get_json()["items"]
    assert listed
    assert {r["merchant"] for r in listed} == {"ALTYN"}
    assert client.get("/api/v1/stock?sku=KKT-SC-01&merchant=KOKTEM").status_code == 404
    assert client.get("/api/v1/stock?sku=ALT-HP-01").status_code == 200
