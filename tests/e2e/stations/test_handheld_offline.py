"""The handheld page in Chromium: login by the station barcode, buttons, and the offline journal
(IndexedDB + service worker) replaying exactly once after an outage and a reload."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.stations.site import WmsServer
from tests.e2e.stations.test_browser_station import CHROMIUM_ARGS, decode_pdf, scan
from tests.support import CHROMIUM, need_chromium

pytestmark = [pytest.mark.e2e, pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def handheld() -> Iterator[Any]:
    need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        # A handheld: small touch screen.
        context = browser.new_context(
            viewport={"width": 480, "height": 800}, locale="ru-RU", has_touch=True
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page
        context.close()
        browser.close()


def login_code(server: WmsServer, station: str) -> str:
    """What `wms labels render station_login` prints, read back from the PDF's barcode."""
    import subprocess

    from tests.e2e.stations.site import executable, server_env

    pdf = subprocess.run(
        [executable("wms"), "labels", "render", "station_login", "--format", "pdf",
         "--station", station, "-o", "-"],
        env=server_env(server.db_path, server.site.secret_key), capture_output=True, check=True,
    ).stdout  # fmt: skip
    [code] = decode_pdf(pdf)
    return code


def scan_login(page: Any, server: WmsServer, station: str) -> str:
    """Log the page in by scanning the station's login card; the code it carries."""
    page.goto(f"{server.url}/station")
    assert page.url.endswith("/station/login")
    code = login_code(server, station)
    page.keyboard.type(code)  # the wedge scanner types into the field
    page.keyboard.press("Enter")
    page.wait_for_url(f"{server.url}/station")
    page.wait_for_function("() => document.body.dataset.journal === 'open'")
    return code


def test_login_by_scanning_the_station_barcode_and_tapping_command_buttons(
    handheld: Any, server: WmsServer
) -> None:
    page = handheld
    code = scan_login(page, server, "receipt-1")
    # The card scanned again on the page is a secret: told, never stored or sent.
    assert scan(page, code).startswith("Это штрихкод входа станции")
    assert server.query("SELECT count(*) FROM scan_events WHERE code = ?", (code,)) == [(0,)]
    assert scan(page, "OP-0001").startswith("Здравствуйте")
    scan(page, "512345678")
    close = page.locator("#commands button[data-code='CMD:CLOSE']")
    assert close.text_content() == "Закрыть приёмку"
    box = close.bounding_box()
    assert box is not None
    assert box["height"] >= 60  # a gloved thumb: at least ~16 mm
    assert box["width"] >= 60
    lpn = re.findall(r"LPN\d{10}", scan(page, server.site.ean("ALT-HP-01")))[0]
    before = page.locator("#prompt").text_content()
    page.locator("#commands button[data-code='CMD:UNDO']").tap()
    page.wait_for_function("b => document.querySelector('#prompt').textContent !== b", arg=before)
    codes = [c for (c,) in server.query("SELECT code FROM scan_events ORDER BY id")]
    assert codes[-1] == "CMD:UNDO"
    assert server.query("SELECT state FROM units WHERE lpn = ?", (lpn,)) == [("voided",)]


def test_twenty_scans_offline_a_reload_and_the_network_back_apply_exactly_once(
    handheld: Any, server: WmsServer
) -> None:
    page = handheld
    scan_login(page, server, "receipt-1")
    page.wait_for_function("() => Number(document.body.dataset.lpnsLeft || 0) >= 20")
    page.wait_for_function("() => navigator.serviceWorker.ready.then(r => !!r.active)", polling=200)
    scan(page, "OP-0001")
    scan(page, "512345678")
    ean = server.site.ean("ALT-HP-01")

    server.kill()  # the network is cut: nothing answers
    offline_lpns = []
    for _ in range(20):
        prompt = scan(page, ean)
        found = re.findall(r"LPN\d{10}", prompt)
        assert found, prompt
        offline_lpns.append(found[0])
    assert len(set(offline_lpns)) == 20
    assert page.evaluate("document.body.dataset.queued") == "20"
    page.reload()  # the service worker brings the page back without the network
    page.wait_for_function("() => document.body.dataset.journal === 'open'")
    assert page.locator("#scan").count() == 1

    server.start()  # the network is back
    page.wait_for_function("() => document.body.dataset.queued === '0'", timeout=60_000)
    page.wait_for_function("() => Number(document.body.dataset.replayedLabels || 0) === 20")
    units = {lpn for (lpn,) in server.query("SELECT lpn FROM units")}
    assert set(offline_lpns) <= units  # each unit made with the LPN its offline label shows
    order_units = server.query(
        "SELECT count(*) FROM units u JOIN return_orders o ON o.id = u.return_order_id "
        "WHERE o.order_code = '512345678'"
    )
    assert order_units == [(20,)]
    events = server.query(
        "SELECT count(*), count(DISTINCT event_id) FROM scan_events WHERE code = ?", (ean,)
    )
    assert events == [(20, 20)]
    links = page.locator("#labels a")
    assert links.count() == 20
    titles = [links.nth(i).text_content() for i in range(20)]
    assert titles == [f"Этикетка {lpn}" for lpn in offline_lpns]
    pdf = page.request.get(f"{server.url}{links.nth(19).get_attribute('href')}")
    assert offline_lpns[19] in decode_pdf(pdf.body())
