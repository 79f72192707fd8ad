"""A real server (werkzeug, in a thread) on a migrated SQLite database with the demo data and a few
simulated days, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from tests.support import CHROMIUM, free_port, need_chromium
from wms.db import migrate
from wms.db.session import Database, make_engine
from wms.settings import Settings

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORDS = {
    "supervisor": "supervisor-demo",
    "altyn": "altyn-demo-pass",
    "koktem": "koktem-demo-pass",
}


@dataclass
class Site:
    """The served dashboard."""

    url: str
    db: Database
    settings: Settings


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """Migrate, seed the demo, simulate four days, serve on a free port."""
    need_chromium()
    from wms import create_app
    from wms.services import demo
    from wms.services.simulate import simulate
    from wms.services.uow import execute

    folder = tmp_path_factory.mktemp("dashboard-site")
    settings = Settings().with_overrides(
        database={"url": f"sqlite:///{folder / 'wms.sqlite'}"},
        storage={"photo_dir": str(folder / "photos")},
        server={"secret_key": "e2e-dashboard-secret"},
    )
    engine = make_engine(settings.database, immediate=False)
    migrate.upgrade(engine)
    engine.dispose()
    app = create_app(settings)
    db = app.extensions["wms"].db
    execute(db, demo.seed, settings)
    simulate(db, settings, 4, scale=0.4)
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Site(f"http://127.0.0.1:{port}", db, settings)
    server.shutdown()
    thread.join(timeout=5)
    db.dispose()


@pytest.fixture(scope="module")
def browser(site: Site) -> Iterator[Any]:
    """Chromium (Debian's, never downloaded)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Session:
    """A logged-in browser page that records console errors."""

    page: Any
    base: str
    errors: list[str]

    def go(self, path: str) -> Any:
        """Open a page of the site and wait until it is quiet."""
        response = self.page.goto(self.base + path)
        self.page.wait_for_load_state("networkidle")
        return response

    def shot(self, name: str) -> None:
        """Save a full-page screenshot as a test artefact."""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.fixture
def login(site: Site, browser: Any) -> Iterator[Callable[[str], Session]]:
    """Open a fresh browser context and log in as a demo user."""
    contexts: list[Any] = []

    def open_as(user: str) -> Session:
        context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="ru-RU")
        contexts.append(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        session = Session(page, site.url, errors)
        session.go("/login")
        page.fill("input[name=login]", user)
        page.fill("input[name=password]", PASSWORDS[user])
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        assert "/login" not in page.url, f"{user} could not log in"
        return session

    yield open_as
    for context in contexts:
        context.close()
