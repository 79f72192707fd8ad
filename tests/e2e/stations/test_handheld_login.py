"""Handheld login by a station barcode (secret, revocable, rate limited) and command buttons."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pypdfium2
import pytest
import sqlalchemy as sa
import zxingcpp
from click.testing import CliRunner

from wms.db.models import Station, User
from wms.domain.station_login import is_login_code
from wms.domain.station_session import StationRole
from wms.services import accounts, station_login
from wms.services.uow import execute
from wms.web.station_commands import command_buttons

on_sqlite = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def code_of(app: Any, name: str = "receipt-1") -> str:
    wms = app.extensions["wms"]
    with wms.db.reading() as db:
        station = db.execute(sa.select(Station).where(Station.name == name)).scalar_one()
        return station_login.current_code(station, wms.settings.server.secret_key)


def submit_login(client: Any, value: str) -> Any:
    form = client.get("/station/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form)
    assert csrf is not None
    return client.post("/station/login", data={"csrf_token": csrf.group(1), "token": value})


def page_csrf(client: Any) -> str:
    page = client.get("/station")
    assert page.status_code == 200
    meta = re.search(r'name="csrf-token" content="([^"]+)"', page.get_data(as_text=True))
    assert meta is not None
    return meta.group(1)


def scan(client: Any, csrf: str, code: str) -> dict[str, Any]:
    body = {"event_id": str(uuid.uuid4()), "code": code}
    answer = client.post("/station/scan", json=body, headers={"X-CSRFToken": csrf})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    data: dict[str, Any] = answer.get_json()
    return data


def as_supervisor(app: Any) -> Any:
    client = app.test_client()
    with app.extensions["wms"].db.reading() as db:
        user = db.execute(sa.select(User).where(User.login == "supervisor")).scalar_one()
    session_id = execute(app.extensions["wms"].db, accounts.open_session, user.id)
    with client.session_transaction() as session:
        session["sid"] = session_id  # a server-side dashboard session (issue 11)
    return client


def decode_pdf(pdf: bytes) -> list[str]:
    image = pypdfium2.PdfDocument(pdf)[0].render(scale=300 / 72).to_pil()
    return [found.text for found in zxingcpp.read_barcodes(image)]


@on_sqlite
def test_the_login_barcode_opens_the_station_and_is_not_the_token(
    app: Any, demo: dict[str, Any]
) -> None:
    code = code_of(app)
    token = next(s["token"] for s in demo["stations"] if s["name"] == "receipt-1")
    assert is_login_code(code)
    assert len(code) < len(token)
    assert token not in code
    client = app.test_client()
    assert submit_login(client, code).status_code == 302
    with client.session_transaction() as session:
        assert code not in repr(dict(session))
    csrf = page_csrf(client)
    assert scan(client, csrf, "OP-0001")["operator"].endswith("OP-0001")
    # Another station's code opens that station, not this one.
    other = app.test_client()
    assert submit_login(other, code_of(app, "inspection-1")).status_code == 302
    assert "inspection-1" in other.get("/station").get_data(as_text=True)


@on_sqlite
def test_a_scanner_in_russian_layout_still_logs_in(app: Any, demo: dict[str, Any]) -> None:
    code = code_of(app)
    assert submit_login(app.test_client(), "ЫД" + code[2:]).status_code == 302


@on_sqlite
def test_wrong_codes_are_rate_limited_per_address(app: Any, demo: dict[str, Any]) -> None:
    code = code_of(app)
    forged = code[:7] + ("0" if code[7] != "0" else "1") + code[8:]
    client = app.test_client()
    limit = app.extensions["wms"].settings.security.login_rate_limit_per_minute
    for _ in range(limit):
        assert submit_login(client, forged).status_code == 401
    # Throttled: even the right code is not checked now, from this address.
    throttled = submit_login(client, code)
    assert throttled.status_code == 429
    assert "Подождите минуту" in throttled.get_data(as_text=True)
    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "10.0.0.9"
    assert submit_login(elsewhere, code).status_code == 302


@on_sqlite
def test_the_dashboard_shows_the_code_and_a_new_one_revokes_the_old_and_its_sessions(
    app: Any, demo: dict[str, Any]
) -> None:
    old = code_of(app)
    handheld = app.test_client()
    assert submit_login(handheld, old).status_code == 302
    supervisor = as_supervisor(app)
    page = supervisor.get("/stations/receipt-1")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Вход станции receipt-1" in html
    assert old not in html  # shown as a barcode only
    assert page.headers["Cache-Control"] == "no-store"
    svg = supervisor.get("/stations/receipt-1/login.svg")
    assert svg.mimetype == "image/svg+xml"
    assert b"<svg" in svg.data
    assert decode_pdf(supervisor.get("/stations/receipt-1/login.pdf").data) == [old]

    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert csrf is not None
    revoked = supervisor.post("/stations/receipt-1/login", data={"csrf_token": csrf.group(1)})
    assert revoked.status_code == 302
    new = code_of(app)
    assert new != old
    assert handheld.get("/station").headers["Location"].endswith("/station/login")
    assert submit_login(app.test_client(), old).status_code == 401
    assert submit_login(app.test_client(), new).status_code == 302
    # Operators and stations have no business here.
    assert app.test_client().get("/stations/receipt-1").status_code in (302, 401)


@on_sqlite
def test_wms_labels_render_station_login_prints_the_current_code(
    app: Any, demo: dict[str, Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    from wms.cli import cli

    settings = app.extensions["wms"].settings
    monkeypatch.setenv("WMS_CONFIG", "")
    monkeypatch.setenv("WMS_DATABASE__URL", settings.database.url)
    monkeypatch.setenv("WMS_SERVER__SECRET_KEY", settings.server.secret_key)
    out = tmp_path / "login.pdf"
    result = CliRunner().invoke(
        cli,
        ["labels", "render", "station_login", "--format", "pdf", "--station", "receipt-1",
         "-o", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert decode_pdf(out.read_bytes()) == [code_of(app)]
    missing = CliRunner().invoke(cli, ["labels", "render", "station_login", "--format", "pdf"])
    assert missing.exit_code == 2
    assert "--station" in missing.output


@on_sqlite
def test_buttons_follow_the_step_and_are_named_in_the_stations_language(
    app: Any, demo: dict[str, Any]
) -> None:
    client = app.test_client()
    assert submit_login(client, code_of(app)).status_code == 302
    page = client.get("/station").get_data(as_text=True)
    assert "receipt-1 · приёмка" in page  # the role in words, not "receipt"
    assert 'data-code="CMD:LOGOUT"' in page
    assert 'data-code="CMD:CLOSE"' not in page
    csrf = page_csrf(client)
    logged_in = scan(client, csrf, "OP-0001")
    assert {"CMD:BLIND", "CMD:LOGOUT"} <= {c["code"] for c in logged_in["commands"]}
    opened = scan(client, csrf, "512345678")
    buttons = {c["code"]: c["label"] for c in opened["commands"]}
    assert buttons["CMD:CLOSE"] == "Закрыть приёмку"
    assert buttons["CMD:UNDO"] == "Удалить последнюю единицу"
    assert "CMD:CANCEL" in buttons
    assert "CMD:GRADE-RESELLABLE" not in buttons
    ean = next(s["barcodes"][0] for s in demo["skus"] if s["sku"] == "ALT-HP-01")
    assert scan(client, csrf, ean)["result"] == "ok"
    closed = scan(client, csrf, "CMD:CLOSE")
    assert closed["result"] == "ok", closed
    assert "CMD:CLOSE" not in {c["code"] for c in closed["commands"]}


def test_the_servers_command_list_wins_when_the_answer_carries_one() -> None:
    context = {"step": "receiving", "operator": {"badge": "OP-1"}, "commands": ["CMD:CLOSE"]}
    assert command_buttons(context, StationRole.RECEIPT, "kk") == [
        {"code": "CMD:CLOSE", "label": "Қабылдауды жабу", "group": "receipt"}
    ]
    inspecting = {"step": "inspecting", "operator": {"badge": "OP-1"}}
    codes = [b["code"] for b in command_buttons(inspecting, StationRole.INSPECTION, "en")]
    assert "CMD:GRADE-REPAIR" in codes
    assert "CMD:USED" in codes
    assert "CMD:CLOSE" not in codes


@on_sqlite
def test_the_pages_offline_endpoints_reserve_lpns_replay_with_them_and_report_failures(
    app: Any, demo: dict[str, Any]
) -> None:
    client = app.test_client()
    assert submit_login(client, code_of(app)).status_code == 302
    csrf = page_csrf(client)
    headers = {"X-CSRFToken": csrf}
    block = client.post("/station/lpn-block", json={}, headers=headers)
    assert block.status_code == 201
    first = block.get_json()["first"]
    assert block.get_json()["count"] == app.extensions["wms"].settings.warehouse.lpn_block_size
    scan(client, csrf, "OP-0001")
    scan(client, csrf, "512345678")
    ean = next(s["barcodes"][0] for s in demo["skus"] if s["sku"] == "ALT-HP-01")
    body = {"event_id": str(uuid.uuid4()), "code": ean, "lpn": first, "offline": True,
            "scanned_at": "2026-12-03T10:00:00+00:00"}  # fmt: skip
    replayed = client.post("/station/scan", json=body, headers=headers).get_json()
    assert replayed["lpn"] == first  # the unit carries the label printed offline
    again = client.post("/station/scan", json=body, headers=headers).get_json()
    assert again["lpn"] == first  # answered from the store, applied once
    with app.extensions["wms"].db.reading() as db:
        assert (
            db.execute(sa.text("SELECT count(*) FROM units WHERE lpn = :l"), {"l": first}).scalar()
            == 1
        )
    report = {"event_id": str(uuid.uuid4()), "code": ean, "error": "error", "detail": "refused"}
    assert client.post("/station/exceptions", json=report, headers=headers).status_code == 201
    with app.extensions["wms"].db.reading() as db:
        kinds = db.execute(sa.text("SELECT kind, code FROM floor_exceptions")).all()
    assert ("replay_failed", ean) in [tuple(k) for k in kinds]

    inspection = app.test_client()
    assert submit_login(inspection, code_of(app, "inspection-1")).status_code == 302
    refused = inspection.post(
        "/station/lpn-block", json={}, headers={"X-CSRFToken": page_csrf(inspection)}
    )
    assert refused.status_code == 403
