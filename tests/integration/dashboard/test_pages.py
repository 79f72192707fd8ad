"""The dashboard pages through Flask's test client: roles, merchant scope, CSRF, languages, exports,
decisions, photos, labels and clear 4xx pages for bad parameters (on SQLite and PostgreSQL).
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from PIL import Image

from tests.integration.dashboard import scenario
from tests.integration.dashboard.pages import csrf, logged_in, login, post_form
from wms.db.models import FloorException, LoginAttempt, Merchant, Photo, Product, Unit, User
from wms.domain.units import UnitState
from wms.services import putaway, workflow
from wms.services.uow import UnitOfWork

PAGES = [
    "/kpis",
    "/kpis?days=7",
    "/returns",
    "/returns?view=orders",
    "/decisions",
    "/reasons",
    "/stock",
]
STAFF_PAGES = ["/floor", "/floor/live", "/sync"]


@pytest.fixture
def world(app: Any, demo: dict[str, Any]) -> scenario.World:
    """Demo data plus the hand-timed scenario (ALTYN: A in stock, C awaiting repack;
    KOKTEM: B awaiting decision)."""
    db = app.extensions["wms"].db
    with db.reading() as s:
        merchants = dict(s.execute(sa.select(Merchant.code, Merchant.id)).all())
    return scenario.build(db, merchants)


@pytest.mark.parametrize("url", PAGES + STAFF_PAGES)
def test_every_page_renders_for_a_supervisor(app: Any, world: Any, url: str) -> None:
    answer = logged_in(app, "supervisor").get(url)
    assert answer.status_code == 200
    assert "Content-Security-Policy" in answer.headers


@pytest.mark.parametrize("url", PAGES)
def test_every_merchant_page_renders_for_a_merchant(app: Any, world: Any, url: str) -> None:
    assert logged_in(app, "altyn").get(url).status_code == 200


@pytest.mark.parametrize("url", STAFF_PAGES + ["/exceptions/1/resolve"])
def test_supervisor_pages_are_forbidden_to_merchants(app: Any, world: Any, url: str) -> None:
    client = logged_in(app, "altyn")
    answer = client.get(url) if "resolve" not in url else post_form(client, url, {"note": "x"})
    assert answer.status_code == 403


def test_anonymous_visitors_are_sent_to_the_login(app: Any, world: Any) -> None:
    answer = app.test_client().get("/kpis")
    assert answer.status_code == 302
    assert "/login" in answer.headers["Location"]
    live = app.test_client().get("/floor/live", headers={"HX-Request": "true"})
    assert live.status_code == 401
    assert live.headers["HX-Redirect"].startswith("/login")


def test_a_merchant_sees_and_touches_only_its_own_goods(app: Any, world: Any) -> None:
    client = logged_in(app, "altyn")
    foreign_lpn, foreign_order = world.lpns["B"], world.ids["B"]
    for url in (
        f"/units/{foreign_lpn}",
        f"/units/{foreign_lpn}/label.pdf",
        f"/returns/{foreign_order}",
        f"/returns/{foreign_order}/slip.pdf",
    ):
        assert client.get(url).status_code == 404, url
    decided = post_form(client, f"/units/{foreign_lpn}/decision", {"decision": "dispose"})
    assert decided.status_code == 404
    listed = client.get("/returns?merchant=KOKTEM").get_data(as_text=True)
    assert foreign_lpn not in listed
    assert world.lpns["A"] in listed
    rows = list(csv.reader(io.StringIO(client.get("/returns.csv").get_data(as_text=True))))
    assert {row[4] for row in rows[1:]} == {"ALTYN"}
    billing = client.get("/kpis/billing.csv?days=7").get_data(as_text=True)
    assert "KOKTEM" not in billing
    assert "KOKTEM" not in client.get("/kpis").get_data(as_text=True)
    with app.extensions["wms"].db.reading() as s:
        koktem_product = s.execute(sa.select(Product.id).where(Product.sku == "KKT-SC-01")).scalar()
    assert client.get(f"/stock/{koktem_product}").status_code == 404
    with app.extensions["wms"].db.reading() as s:
        state = s.execute(sa.select(Unit.state).where(Unit.lpn == foreign_lpn)).scalar_one()
    assert state is UnitState.AWAITING_DECISION


def test_a_merchant_decides_for_its_own_unit_and_the_stock_follows(app: Any, world: Any) -> None:
    db = app.extensions["wms"].db
    client = logged_in(app, "koktem")
    lpn = world.lpns["B"]
    assert "Решить" in client.get(f"/units/{lpn}").get_data(as_text=True)
    answer = post_form(client, f"/units/{lpn}/decision", {"decision": "resale", "note": "уценить"})
    assert answer.status_code == 303
    page = client.get(f"/units/{lpn}").get_data(as_text=True)
    assert "Решение сохранено" in page
    assert "уценить" in page
    with UnitOfWork(db) as uow:
        unit = workflow.repack(uow, world.actors["bench"], lpn)
        putaway.putaway(uow, world.actors["shelf"], lpn, "BIN-S-01-01")
        product_id = unit.product_id
        uow.commit()
    stock = client.get("/stock?channel=resale").get_data(as_text=True)
    assert "KKT-SC-01" in stock
    detail = client.get(f"/stock/{product_id}?channel=resale").get_data(as_text=True)
    assert lpn in detail
    assert "BIN-S-01-01" in detail


def test_a_supervisor_applies_overdue_default_decisions(app: Any, world: Any) -> None:
    db = app.extensions["wms"].db
    with UnitOfWork(db) as uow:  # KOKTEM decides "dispose" by default and B is overdue
        uow.session.execute(
            sa.update(Merchant).where(Merchant.code == "KOKTEM").values(default_decision="dispose")
        )
        uow.session.execute(
            sa.update(Unit)
            .where(Unit.lpn == world.lpns["B"])
            .values(decision_due_at=datetime.now(UTC) - timedelta(hours=1))
        )
        uow.commit()
    client = logged_in(app, "supervisor")
    answer = post_form(client, "/decisions/apply-defaults", {})
    assert answer.status_code == 303
    assert "применены: 1" in client.get("/decisions").get_data(as_text=True)
    with db.reading() as s:
        state = s.execute(sa.select(Unit.state).where(Unit.lpn == world.lpns["B"])).scalar_one()
    assert state is UnitState.DISPOSED
    assert post_form(logged_in(app, "koktem"), "/decisions/apply-defaults", {}).status_code == 403


def test_a_refused_decision_says_why_and_changes_nothing(app: Any, world: Any) -> None:
    client = logged_in(app, "supervisor")
    lpn = world.lpns["A"]  # in stock: nothing to decide
    answer = post_form(client, f"/units/{lpn}/decision", {"decision": "dispose"})
    assert answer.status_code == 303
    assert "невозможно" in client.get(f"/units/{lpn}").get_data(as_text=True)
    bad = post_form(client, f"/units/{lpn}/decision", {"decision": "burn"})
    assert bad.status_code == 303


def test_forms_without_a_csrf_token_are_refused(app: Any, world: Any) -> None:
    client = logged_in(app, "supervisor")
    lpn = world.lpns["B"]
    answer = client.post(f"/units/{lpn}/decision", data={"decision": "dispose"})
    assert answer.status_code == 400
    assert b"CSRF" in answer.data
    assert client.post("/logout").status_code == 400
    assert client.post("/login", data={"login": "supervisor", "password": "x"}).status_code == 400
    with app.extensions["wms"].db.reading() as s:
        assert s.execute(sa.select(Unit.state).where(Unit.lpn == lpn)).scalar_one() is (
            UnitState.AWAITING_DECISION
        )


@pytest.mark.parametrize(
    "url",
    [
        "/kpis?days=13",
        "/returns?from=2026-13-01",
        "/returns?state=lost",
        "/returns?before=x",
        "/kpis?days=abc",
        "/kpis?from=2026-03-10&to=2026-03-01",
        "/reasons?category=nope",
        "/stock?channel=gold",
        "/stock?offset=-1",
        "/returns?q=" + "x" * 300,
        "/kpis/billing.pdf",
        "/kpis?from=2020-01-01&to=2026-01-01",
    ],
)
def test_bad_parameters_get_a_clear_4xx_page(app: Any, world: Any, url: str) -> None:
    answer = logged_in(app, "supervisor").get(url)
    assert answer.status_code == 400, answer.status_code
    assert "Неверный запрос" in answer.get_data(as_text=True)


def test_unknown_objects_are_404_pages(app: Any, world: Any) -> None:
    client = logged_in(app, "supervisor")
    for url in (
        "/units/LPN9999999999",
        "/returns/999999",
        "/photos/999999",
        "/stock/999999",
        "/returns?merchant=NOBODY",
    ):
        assert client.get(url).status_code == 404, url


def test_exports_stream_csv_and_xlsx(app: Any, world: Any) -> None:
    client = logged_in(app, "supervisor")
    answer = client.get("/returns.csv?reason=defective")
    assert answer.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(answer.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][0] == "lpn"
    assert [r[0] for r in rows[1:]] == [world.lpns["A"]]
    book = load_workbook(io.BytesIO(client.get("/returns.xlsx?view=orders").data))
    sheet = book.active
    assert sheet.cell(1, 1).value == "number"
    assert sheet.max_row >= 5
    billing = load_workbook(
        io.BytesIO(client.get("/kpis/billing.xlsx?from=2026-03-14&to=2026-03-20").data)
    )
    assert billing.sheetnames == ["summary", "lines"]
    assert billing["lines"].max_row == 4  # header + A, B, C


def test_an_export_larger_than_the_bound_is_refused(
    app: Any, world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wms.web.ui.queries import returns

    monkeypatch.setattr(returns, "EXPORT_MAX", 2)
    answer = logged_in(app, "supervisor").get("/returns.csv")
    assert answer.status_code == 422
    assert "2" in answer.get_data(as_text=True)


def test_photos_upload_and_are_served_only_inside_the_scope(app: Any, world: Any) -> None:
    client = logged_in(app, "koktem")
    lpn = world.lpns["B"]
    image = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(image, "PNG")
    answer = client.post(
        f"/units/{lpn}/photos",
        data={
            "csrf_token": csrf(client, f"/units/{lpn}"),
            "photo": (io.BytesIO(image.getvalue()), "x.png"),
        },
        content_type="multipart/form-data",
    )
    assert answer.status_code == 303
    with app.extensions["wms"].db.reading() as s:
        photo_id = s.execute(sa.select(Photo.id)).scalar_one()
    thumb = client.get(f"/photos/{photo_id}/thumb")
    assert thumb.status_code == 200
    assert thumb.mimetype == "image/jpeg"
    assert logged_in(app, "altyn").get(f"/photos/{photo_id}").status_code == 404
    assert logged_in(app, "supervisor").get(f"/photos/{photo_id}").status_code == 200
    junk = client.post(
        f"/units/{lpn}/photos",
        data={
            "csrf_token": csrf(client, f"/units/{lpn}"),
            "photo": (io.BytesIO(b"not an image"), "x.png"),
        },
        content_type="multipart/form-data",
    )
    assert junk.status_code == 303
    assert "Фото добавлено" not in client.get(f"/units/{lpn}").get_data(as_text=True)


def test_labels_reprint_as_pdf(app: Any, world: Any) -> None:
    client = logged_in(app, "altyn")
    label = client.get(f"/units/{world.lpns['A']}/label.pdf")
    assert label.mimetype == "application/pdf"
    assert label.data.startswith(b"%PDF")
    assert client.get(f"/returns/{world.ids['A']}/slip.pdf").data.startswith(b"%PDF")
    assert client.get(f"/units/{world.lpns['A']}/resale.pdf").status_code == 404  # main channel


def test_resolving_an_exception_from_the_floor(app: Any, world: Any) -> None:
    db = app.extensions["wms"].db
    with UnitOfWork(db) as uow:
        item = FloorException(kind="replay_failed", code="LPN1", message="replay failed")
        uow.session.add(item)
        uow.session.flush()
        item_id = item.id
        uow.commit()
    client = logged_in(app, "supervisor")
    assert "replay failed" in client.get("/floor").get_data(as_text=True)
    empty = post_form(client, f"/exceptions/{item_id}/resolve", {"note": "  "}, "/floor")
    assert empty.status_code == 303
    done = post_form(client, f"/exceptions/{item_id}/resolve", {"note": "scanned again"}, "/floor")
    assert done.status_code == 303
    again = post_form(client, f"/exceptions/{item_id}/resolve", {"note": "twice"}, "/floor")
    assert again.status_code == 303
    with db.reading() as s:
        resolved = s.get(FloorException, item_id)
        assert resolved is not None
        assert resolved.resolution == "scanned again"


def test_the_language_is_chosen_per_user_and_remembered(app: Any, world: Any) -> None:
    client = logged_in(app, "supervisor")
    assert "Склад сейчас" in client.get("/floor").get_data(as_text=True)
    answer = post_form(client, "/language", {"language": "en", "next": "/floor"}, "/floor")
    assert answer.headers["Location"] == "/floor"
    assert ">Floor<" in client.get("/floor").get_data(as_text=True)
    post_form(client, "/language", {"language": "kk", "next": "/kpis"}, "/floor")
    assert "Көрсеткіштер" in client.get("/kpis").get_data(as_text=True)
    with app.extensions["wms"].db.reading() as s:
        assert (
            s.execute(sa.select(User.language).where(User.login == "supervisor")).scalar() == "kk"
        )
    again = logged_in(app, "supervisor")  # a new session keeps the user's language
    assert "Көрсеткіштер" in again.get("/kpis").get_data(as_text=True)
    bad = post_form(client, "/language", {"language": "de"}, "/floor")
    assert bad.status_code == 302


def test_login_failures_are_limited_per_login_name(app: Any, world: Any) -> None:
    client = app.test_client()
    limit = app.extensions["wms"].settings.security.login_rate_limit_per_minute
    for _ in range(limit):
        assert login(client, "altyn", "wrong-password").status_code == 401
    assert login(client, "altyn").status_code == 429  # even the right password waits
    assert login(client, "koktem").status_code == 302  # other logins are not affected
    with UnitOfWork(app.extensions["wms"].db) as uow:  # a minute later
        for attempt in uow.session.execute(sa.select(LoginAttempt)).scalars():
            attempt.failed_at = datetime.now(UTC) - timedelta(minutes=2)
        uow.commit()
    assert login(app.test_client(), "altyn").status_code == 302


def test_login_redirects_only_to_local_pages(app: Any, world: Any) -> None:
    client = app.test_client()
    token = csrf(client, "/login?next=//evil.example/x")
    answer = client.post(
        "/login?next=//evil.example/x",
        data={"csrf_token": token, "login": "supervisor", "password": "supervisor-demo"},
    )
    assert answer.headers["Location"] == "/"
    assert logged_in(app, "supervisor").get("/").headers["Location"] == "/floor"
    assert logged_in(app, "altyn").get("/").headers["Location"] == "/kpis"


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_simulation_fills_the_dashboard_once(app: Any, demo: dict[str, Any]) -> None:
    from wms.services.simulate import simulate

    wms = app.extensions["wms"]
    first = simulate(wms.db, wms.settings, 3, scale=0.25)
    assert first["returns"] > 5
    assert first["units_received"] > 3
    assert "skipped" in simulate(wms.db, wms.settings, 3)
    client = logged_in(app, "supervisor")
    for url in ["/floor", "/kpis", "/reasons", "/decisions", "/returns", "/stock"]:
        assert client.get(url).status_code == 200, url
    with wms.db.reading() as s:
        assert s.execute(sa.select(sa.func.count()).select_from(Unit)).scalar_one() > 3
