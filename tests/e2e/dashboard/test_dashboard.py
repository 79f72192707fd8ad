"""The dashboard in a real browser: every page renders cleanly, filters work, a decision on the page
moves the unit and the stock, merchants stay inside their own data, forms need their CSRF token."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
import sqlalchemy as sa
from PIL import Image

from tests.e2e.dashboard.conftest import Session, Site
from wms.db.models import Merchant, Photo, Product, ReturnOrder, Unit
from wms.domain.units import UnitState
from wms.services import putaway, workflow
from wms.services.uow import Actor, UnitOfWork

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.slow]
STAFF_PAGES = {
    "floor": "/floor",
    "returns": "/returns",
    "return-orders": "/returns?view=orders",
    "decisions": "/decisions",
    "kpis": "/kpis",
    "reasons": "/reasons",
    "stock": "/stock",
    "sync": "/sync",
}
MERCHANT_PAGES = {
    "kpis": "/kpis",
    "returns": "/returns",
    "decisions": "/decisions",
    "stock": "/stock",
}


def _one(site: Site, stmt: Any) -> Any:
    with site.db.reading() as s:
        return s.execute(stmt).first()


def _merchant_id(site: Site, code: str) -> int:
    return int(_one(site, sa.select(Merchant.id).where(Merchant.code == code))[0])


def _unit(site: Site, merchant: str, state: UnitState) -> str:
    row = _one(
        site,
        sa.select(Unit.lpn)
        .where(Unit.merchant_id == _merchant_id(site, merchant), Unit.state == state)
        .order_by(Unit.id),
    )
    assert row, f"the simulation left no {merchant} unit {state.value}"
    return str(row[0])


def test_every_supervisor_page_renders_without_console_errors(login: Any) -> None:
    session: Session = login("supervisor")
    for name, path in STAFF_PAGES.items():
        response = session.go(path)
        assert response.status == 200, path
        assert session.page.locator("h1").count() == 1
        session.shot(f"supervisor-{name}")
    assert session.errors == []
    charts = session.go("/kpis") and session.page.locator("canvas.chart")
    assert charts.count() >= 1
    assert session.page.evaluate("() => !!document.querySelector('canvas.chart[data-drawn]')")


def test_unit_and_order_pages_render_with_history_and_labels(site: Site, login: Any) -> None:
    session = login("supervisor")
    lpn = _unit(site, "ALTYN", UnitState.IN_STOCK)
    session.go(f"/units/{lpn}")
    assert session.page.locator("ol.timeline li").count() >= 3
    session.shot("supervisor-unit")
    label = session.page.request.get(f"{site.url}/units/{lpn}/label.pdf")
    assert label.ok
    assert label.body().startswith(b"%PDF")
    session.page.click("dl.facts a[href^='/returns/']")
    session.page.wait_for_load_state("networkidle")
    assert re.search(r"/returns/\d+$", session.page.url)
    session.shot("supervisor-return-order")
    assert session.errors == []


def test_search_and_filters_narrow_the_returns_list(site: Site, login: Any) -> None:
    session = login("supervisor")
    lpn = _unit(site, "KOKTEM", UnitState.IN_STOCK)
    session.go("/returns")
    session.page.fill("input[name=q]", lpn)
    session.page.click("form.filters button[type=submit]")
    session.page.wait_for_load_state("networkidle")
    rows = session.page.locator("#results tbody tr")
    assert rows.count() == 1
    assert lpn in rows.first.inner_text()
    session.go("/returns")
    session.page.select_option("select[name=merchant]", "KOKTEM")
    session.page.select_option("select[name=state]", "in_stock")
    session.page.click("form.filters button[type=submit]")
    session.page.wait_for_load_state("networkidle")
    texts = session.page.locator("#results tbody tr").all_inner_texts()
    assert texts
    assert all("KOKTEM" in t for t in texts)
    assert "merchant=KOKTEM" in session.page.url
    session.go("/returns?view=orders&state=expected")
    assert session.page.locator("#results tbody tr").count() >= 1
    assert session.errors == []


def test_a_decision_on_the_page_changes_the_unit_and_the_stock(site: Site, login: Any) -> None:
    session = login("altyn")
    lpn = _unit(site, "ALTYN", UnitState.AWAITING_DECISION)
    product_id = int(_one(site, sa.select(Unit.product_id).where(Unit.lpn == lpn))[0])
    sku = _one(site, sa.select(Product.sku).where(Product.id == product_id))[0]
    waiting_before = _waiting(session)
    session.go(f"/units/{lpn}")
    session.page.check("input[name=decision][value=resale]")
    session.page.click("form.decision-form button[type=submit]")
    session.page.wait_for_load_state("networkidle")
    assert "Решение сохранено" in session.page.inner_text("main")
    assert "ждёт переупаковки" in session.page.inner_text("h1")
    assert _waiting(session) == waiting_before - 1
    before = _available(session, product_id)
    with UnitOfWork(site.db) as uow:  # the repack and putaway stations do their part
        operator = Actor("Ерлан Жумабаев", kind="operator")
        workflow.repack(uow, operator, lpn)
        putaway.putaway(uow, operator, lpn, "BIN-S-01-02")
        uow.commit()
    assert _available(session, product_id) == before + 1
    ledger = session.page.locator("#ledger tbody tr").first.inner_text()
    assert lpn in ledger
    assert "BIN-S-01-02" in ledger
    session.go(f"/stock?q={sku}&channel=resale")
    session.shot("merchant-stock-after-decision")
    assert session.errors == []


def _waiting(session: Session) -> int:
    session.go("/stock")
    row = session.page.locator("section.card table tbody tr", has_text="ALTYN").first
    return int(row.locator("td").nth(5).inner_text().replace("\u00a0", "").replace(" ", ""))


def _available(session: Session, product_id: int) -> int:
    session.go(f"/stock/{product_id}?channel=resale")
    cells = session.page.locator("section.card table tbody tr", has_text="ресейл").first
    if cells.count() == 0:
        return 0
    return int(cells.locator("td").nth(3).inner_text().replace("\u00a0", "").replace(" ", ""))


def test_merchant_portal_pages_render(login: Any) -> None:
    session = login("koktem")
    for name, path in MERCHANT_PAGES.items():
        assert session.go(path).status == 200
        session.shot(f"merchant-{name}")
    assert "Склад сейчас" not in session.page.inner_text("header")
    assert session.errors == []


def test_a_merchant_cannot_see_or_change_another_merchants_data(site: Site, login: Any) -> None:
    session = login("altyn")
    foreign = _unit(site, "KOKTEM", UnitState.IN_STOCK)
    foreign_order = int(_one(site, sa.select(Unit.return_order_id).where(Unit.lpn == foreign))[0])
    foreign_product = int(_one(site, sa.select(Unit.product_id).where(Unit.lpn == foreign))[0])
    for path in (
        f"/units/{foreign}",
        f"/returns/{foreign_order}",
        f"/stock/{foreign_product}",
        f"/units/{foreign}/label.pdf",
        f"/returns/{foreign_order}/slip.pdf",
    ):
        assert session.go(path).status == 404, path
    for path in ("/floor", "/sync"):
        assert session.go(path).status == 403, path
    photo = _one(site, sa.select(Photo.id).where(Photo.merchant_id == _merchant_id(site, "KOKTEM")))
    if photo is None:
        photo = (_koktem_photo(site, login),)
    assert session.page.request.get(f"{site.url}/photos/{photo[0]}/thumb").status == 404
    assert session.page.request.get(f"{site.url}/photos/{photo[0]}").status == 404
    exported = session.page.request.get(f"{site.url}/returns.csv?merchant=KOKTEM").text()
    merchants = {row[4] for row in list(csv.reader(io.StringIO(exported.lstrip("\ufeff"))))[1:]}
    assert merchants == {"ALTYN"}
    session.go("/decisions")
    token = session.page.locator("input[name=csrf_token]").first.get_attribute("value")
    answer = session.page.request.post(
        f"{site.url}/units/{foreign}/decision", form={"csrf_token": token, "decision": "dispose"}
    )
    assert answer.status == 404
    state = _one(site, sa.select(Unit.state).where(Unit.lpn == foreign))[0]
    assert state is UnitState.IN_STOCK


def _koktem_photo(site: Site, login: Any) -> int:
    session = login("koktem")
    lpn = _unit(site, "KOKTEM", UnitState.IN_STOCK)
    session.go(f"/units/{lpn}")
    picture = io.BytesIO()
    Image.new("RGB", (120, 90), (40, 120, 200)).save(picture, "PNG")
    session.page.set_input_files(
        "input[name=photo]",
        {"name": "box.png", "mimeType": "image/png", "buffer": picture.getvalue()},
    )
    session.page.click("form.upload button[type=submit]")
    session.page.wait_for_load_state("networkidle")
    thumb = session.page.locator(".photos img").first
    assert session.page.evaluate("img => img.naturalWidth", thumb.element_handle()) > 0
    row = _one(
        site, sa.select(Photo.id).join(Unit, Unit.id == Photo.unit_id).where(Unit.lpn == lpn)
    )
    return int(row[0])


def test_forms_without_their_csrf_token_are_refused(site: Site, login: Any) -> None:
    session = login("supervisor")
    # Any merchant's unit awaiting a decision (the newest: other tests take the oldest); the
    # simulation's claims decide some units, so one merchant may have none left.
    row = _one(
        site,
        sa.select(Unit.lpn)
        .where(Unit.state == UnitState.AWAITING_DECISION)
        .order_by(Unit.id.desc()),
    )
    assert row, "the simulation left no unit awaiting_decision"
    lpn = row[0]
    session.go(f"/units/{lpn}")
    session.page.evaluate(
        "() => document.querySelectorAll('input[name=csrf_token]').forEach(e => e.remove())"
    )
    session.page.check("input[name=decision][value=dispose]")
    with session.page.expect_response(re.compile(r"/decision$")) as answer:
        session.page.click("form.decision-form button[type=submit]")
    assert answer.value.status == 400
    assert "Форма отклонена" in session.page.inner_text("main")
    bare = session.page.request.post(f"{site.url}/logout", form={})
    assert bare.status == 400
    state = _one(site, sa.select(Unit.state).where(Unit.lpn == lpn))[0]
    assert state is UnitState.AWAITING_DECISION


def test_the_language_switch_and_the_live_floor(site: Site, login: Any) -> None:
    session = login("supervisor")
    session.go("/floor")
    with session.page.expect_navigation():
        session.page.select_option("#language", "en")
    assert session.page.inner_text("h1") == "Floor"
    with session.page.expect_response(re.compile(r"/floor/live$"), timeout=20_000) as live:
        pass  # htmx refreshes the live part every 10 s
    assert live.value.status == 200
    assert "Backlog per stage" in session.page.inner_text("#live")
    with session.page.expect_navigation():
        session.page.select_option("#language", "kk")
    assert "Қойма" in session.page.inner_text("h1")
    with session.page.expect_navigation():
        session.page.select_option("#language", "ru")
    assert session.errors == []


def test_a_kazakh_screenshot_of_the_kpis(login: Any) -> None:
    session = login("koktem")
    session.go("/kpis")
    with session.page.expect_navigation():
        session.page.select_option("#language", "kk")
    session.shot("merchant-kpis-kk")
    assert "Көрсеткіштер" in session.page.inner_text("h1")
    with session.page.expect_navigation():
        session.page.select_option("#language", "ru")


def test_the_order_page_of_a_return(site: Site, login: Any) -> None:
    session = login("supervisor")
    order = _one(site, sa.select(ReturnOrder.id).where(ReturnOrder.state == "completed"))
    assert session.go(f"/returns/{order[0]}").status == 200
    assert session.page.locator("ol.timeline li").count() >= 2
