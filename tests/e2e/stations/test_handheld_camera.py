"""Camera scanning on a handheld without a scanner: Chromium's fake camera shows a product barcode
(ffmpeg turns a rendered EAN-13 into the video), the page decodes it and receives the unit."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from barcode import EAN13
from barcode.writer import ImageWriter
from PIL import Image

from tests.e2e.stations.site import WmsServer
from tests.e2e.stations.test_browser_station import CHROMIUM_ARGS, scan
from tests.e2e.stations.test_handheld_offline import scan_login
from tests.support import CHROMIUM, need_chromium, need_tool

pytestmark = [pytest.mark.e2e, pytest.mark.browser, pytest.mark.slow]


def camera_video(ean: str, directory: Path) -> Path:
    """A few seconds of Y4M video of the EAN-13 barcode, as a phone camera would see it."""
    need_tool("ffmpeg")
    drawn = EAN13(ean[:12], writer=ImageWriter()).render({"module_width": 0.5, "dpi": 200})
    frame = Image.new("RGB", (1280, 720), "white")
    drawn.thumbnail((1100, 600))
    frame.paste(drawn, ((1280 - drawn.width) // 2, (720 - drawn.height) // 2))
    still = directory / "barcode.png"
    frame.save(still)
    video = directory / "camera.y4m"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-loop", "1", "-i", str(still), "-t", "2", "-r", "5",
         "-pix_fmt", "yuv420p", str(video)],
        check=True,
    )  # fmt: skip
    return video


@pytest.fixture
def camera_page(server: WmsServer, tmp_path: Path) -> Iterator[Any]:
    need_chromium()
    from playwright.sync_api import sync_playwright

    video = camera_video(server.site.ean("ALT-HP-01"), tmp_path)
    args = [*CHROMIUM_ARGS, "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream", f"--use-file-for-fake-video-capture={video}"]  # fmt: skip
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
        context = browser.new_context(
            viewport={"width": 480, "height": 800}, locale="ru-RU", permissions=["camera"]
        )
        page = context.new_page()
        page.set_default_timeout(20_000)
        yield page
        context.close()
        browser.close()


def test_a_product_shown_to_the_camera_is_received(camera_page: Any, server: WmsServer) -> None:
    page = camera_page
    scan_login(page, server, "receipt-1")
    scan(page, "OP-0001")
    scan(page, "512345678")
    before = page.locator("#prompt").text_content()
    page.locator("#camera-open").click()
    page.wait_for_function("b => document.querySelector('#prompt').textContent !== b", arg=before)
    prompt = str(page.locator("#prompt").text_content())
    assert re.search(r"LPN\d{10}", prompt), prompt
    # Linux Chromium has no BarcodeDetector: there the vendored decoder reads it.
    native = page.evaluate("'BarcodeDetector' in window")
    assert page.evaluate("document.body.dataset.cameraDecoder") == ("native" if native else "zxing")
    assert page.evaluate("document.body.dataset.camera") == "closed"
    codes = [c for (c,) in server.query("SELECT code FROM scan_events ORDER BY id")]
    assert codes[-1] == server.site.ean("ALT-HP-01")
