"""The browser station `/station` in Debian's Chromium against the real server process."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pypdfium2
import pytest
import zxingcpp

from tests.e2e.stations.site import ROOT, WmsServer
from tests.support import CHROMIUM, need_chromium

pytestmark = [pytest.mark.e2e, pytest.mark.browser, pytest.mark.slow]

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
SCREENSHOT = ROOT / "test-artifacts" / "screenshots" / "station.png"


@pytest.fixture
def browser_page() -> Iterator[Any]:
    need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 800, "height": 600}, locale="ru-RU")
        page = context.new_page()
        page.set_default_timeout(10_000)
        yield page
        context.close()
        browser.close()


def scan(page: Any, code: str) -> str:
    """Type a code into the page like a wedge scanner (keys, then Enter); the new prompt."""
    before = page.locator("#prompt").text_content()
    page.keyboard.type(code)
    page.keyboard.press("Enter")
    page.wait_for_function(
        "before => document.querySelector('#prompt').textContent !== before", arg=before
    )
    return str(page.locator("#prompt").text_content())


def decode_pdf(pdf: bytes) -> list[str]:
    """Barcodes on the first page of a PDF, rasterised at a label printer's 203 dpi."""
    document = pypdfium2.PdfDocument(pdf)
    image = document[0].render(scale=203 / 72).to_pil()
    return [found.text for found in zxingcpp.read_barcodes(image)]


def test_a_handheld_receives_a_return_in_the_browser(browser_page: Any, server: WmsServer) -> None:
    page = browser_page
    problems: list[str] = []
    page.on(
        "console",
        lambda m: problems.append(f"{m.text} {m.location}") if m.type == "error" else None,
    )
    page.on("pageerror", lambda e: problems.append(str(e)))

    page.goto(f"{server.url}/station")
    assert page.url.endswith("/station/login")  # no station in this browser yet
    page.fill("#token", "st_wrong")
    page.click("button[type=submit]")
    assert "Неверный" in page.locator(".error").text_content()
    assert [p for p in problems if "401 (UNAUTHORIZED)" not in p] == []  # the refused form
    problems.clear()
    page.fill("#token", server.site.token("receipt"))
    page.click("button[type=submit]")
    page.wait_for_url(f"{server.url}/station")
    assert page.locator("#prompt").text_content() == "Сканируйте свой бейдж"
    stored = page.evaluate("JSON.stringify(localStorage) + JSON.stringify(sessionStorage)")
    assert server.site.token("receipt") not in stored + page.content()
    assert page.evaluate("document.activeElement.id") == "scan"

    assert scan(page, "OP-0001").startswith("Здравствуйте, Айгуль Сапарова")
    assert page.locator("#operator").text_content() == "Айгуль Сапарова · OP-0001"
    assert "512345678" in scan(page, "512345678")
    assert "result-ok" in page.evaluate("document.body.className")
    assert page.evaluate("document.body.dataset.sound") == "ok"
    prompt = scan(page, server.site.ean("ALT-HP-01"))
    lpn = prompt.split(":")[0]
    assert lpn.startswith("LPN")
    link = page.locator("#labels a")
    assert link.text_content() == f"Этикетка {lpn}"
    label_url = str(link.get_attribute("href"))
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))

    # Focus stays on the scan input whatever the operator touches.
    page.click("#prompt")
    page.mouse.click(5, 300)
    page.wait_for_function("() => document.activeElement.id === 'scan'")
    assert "закрыт" in scan(page, "CMD:CLOSE")

    # An unknown code: the error colour (and sound); the server keeps the unit either way.
    assert scan(page, "%%garbage%%").startswith("Код не распознан")
    assert "result-error" in page.evaluate("document.body.className")
    assert page.evaluate("document.body.dataset.sound") == "error"
    # The beep is WebAudio, started by the first key the scanner typed (a user gesture).
    assert page.evaluate("document.body.dataset.audio") == "running"

    unit = server.unit(lpn)["unit"]
    assert (unit["state"], unit["sku"], unit["order_code"]) == (
        "received",
        "ALT-HP-01",
        "512345678",
    )
    codes = [c for (c,) in server.query("SELECT code FROM scan_events ORDER BY id")]
    assert codes == [
        "OP-0001",
        "512345678",
        server.site.ean("ALT-HP-01"),
        "CMD:CLOSE",
        "%%garbage%%",
    ]

    # The unit label of the receipt as PDF (a label printer on the handheld's print dialog).
    pdf = page.request.get(f"{server.url}{label_url}")
    assert pdf.headers["content-type"] == "application/pdf"
    assert lpn in decode_pdf(pdf.body())
    assert problems == []
