"""The browser station's server side through Flask's test client: login, CSRF, scope, replay."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
import sqlalchemy as sa

from wms.db.models import ScanEvent, Unit
from wms.services import accounts
from wms.services.demo import DEMO
from wms.services.uow import execute

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def token_of(demo: dict[str, Any], role: str) -> str:
    return next(s["token"] for s in demo["stations"] if s["role"] == role)


def log_in(client: Any, token: str) -> str:
    """Log the browser in with a station token; the page's CSRF token."""
    form = client.get("/station/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form)
    assert csrf is not None
    answer = client.post("/station/login", data={"csrf_token": csrf.group(1), "token": token})
    assert answer.status_code == 302, answer.get_data(as_text=True)
    page = client.get("/station")
    assert page.status_code == 200
    meta = re.search(r'name="csrf-token" content="([^"]+)"', page.get_data(as_text=True))
    assert meta is not None
    return meta.group(1)


def post_scan(client: Any, csrf: str, code: str, event_id: str | None = None) -> Any:
    body = {"event_id": event_id or str(uuid.uuid4()), "code": code}
    return client.post("/station/scan", json=body, headers={"X-CSRFToken": csrf})


def test_the_session_keeps_the_station_not_its_token(app: Any, demo: dict[str, Any]) -> None:
    client = app.test_client()
    token = token_of(demo, "receipt")
    log_in(client, token)
    with client.session_transaction() as session:
        assert set(session) >= {"station_id", "station_key"}
        assert token not in repr(dict(session))
    assert token not in client.get("/station").get_data(as_text=True)


def test_scans_need_the_csrf_header_and_a_well_formed_body(app: Any, demo: dict[str, Any]) -> None:
    client = app.test_client()
    csrf = log_in(client, token_of(demo, "receipt"))
    naked = client.post("/station/scan", json={"event_id": str(uuid.uuid4()), "code": "OP-0001"})
    assert naked.status_code == 400
    assert post_scan(client, csrf, "").status_code == 422
    assert post_scan(client, csrf, "OP-0001", event_id="not-a-uuid").status_code == 422
    assert post_scan(client, csrf, "OP-0001").get_json()["result"] == "ok"


def test_a_repeated_event_is_answered_from_the_store(
    app: Any, demo: dict[str, Any], database: Any
) -> None:
    client = app.test_client()
    csrf = log_in(client, token_of(demo, "receipt"))
    post_scan(client, csrf, "OP-0001")
    post_scan(client, csrf, "512345678")
    event = str(uuid.uuid4())
    ean = next(s["barcodes"][0] for s in demo["skus"] if s["sku"] == "ALT-HP-01")
    first = post_scan(client, csrf, ean, event_id=event).get_json()
    again = post_scan(client, csrf, ean, event_id=event).get_json()  # the answer was lost
    assert first == again
    with database.reading() as s:
        assert s.execute(sa.select(sa.func.count()).select_from(Unit)).scalar_one() == 1


def test_labels_are_pdfs_of_the_stations_own_answers(app: Any, demo: dict[str, Any]) -> None:
    receipt, other = app.test_client(), app.test_client()
    csrf = log_in(receipt, token_of(demo, "receipt"))
    log_in(other, token_of(demo, "universal"))
    post_scan(receipt, csrf, "OP-0001")
    post_scan(receipt, csrf, "512345678")
    ean = next(s["barcodes"][0] for s in demo["skus"] if s["sku"] == "ALT-PC-03")
    (label,) = post_scan(receipt, csrf, ean).get_json()["labels"]
    pdf = receipt.get(label["url"])
    assert (pdf.status_code, pdf.mimetype) == (200, "application/pdf")
    assert pdf.data.startswith(b"%PDF")
    assert other.get(label["url"]).status_code == 404  # another station's answer
    assert receipt.get(label["url"].replace("/0.pdf", "/1.pdf")).status_code == 404


def test_a_rotated_token_logs_the_page_out(app: Any, demo: dict[str, Any]) -> None:
    client = app.test_client()
    csrf = log_in(client, token_of(demo, "receipt"))
    execute(app.extensions["wms"].db, accounts.rotate_station_token, DEMO, "receipt-1")
    assert client.get("/station").headers["Location"].endswith("/station/login")
    refused = post_scan(client, csrf, "OP-0001")
    assert refused.status_code == 401
    assert refused.get_json()["error"]["code"] == "unauthenticated"
    assert log_in_fails(client, token_of(demo, "receipt"))


def log_in_fails(client: Any, token: str) -> bool:
    form = client.get("/station/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form)
    assert csrf is not None
    answer = client.post("/station/login", data={"csrf_token": csrf.group(1), "token": token})
    return bool(answer.status_code == 401)


def test_the_page_and_the_api_record_scans_alike(
    app: Any, demo: dict[str, Any], database: Any
) -> None:
    client = app.test_client()
    csrf = log_in(client, token_of(demo, "receipt"))
    answer = post_scan(client, csrf, "ЩЗ-0001").get_json()  # a wedge on a Russian layout
    assert answer["operator"] == "Айгуль Сапарова · OP-0001"
    assert any("USB-COM" in w for w in answer["warnings"])
    with database.reading() as s:
        (event,) = s.execute(sa.select(ScanEvent)).scalars().all()
        assert (event.code, event.kind, event.offline) == ("ЩЗ-0001", "badge", False)
