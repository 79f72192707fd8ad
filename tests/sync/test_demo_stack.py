"""`wms serve --with-sandboxes`: the sandboxes come up seeded from the database and the demo's
stock reaches Wildberries and Ozon through the worker thread."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from tests.support import free_port
from tests.sync.conftest import seed_demo
from wms.db.models import JobState
from wms.jobs import demo_stack

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def test_the_demo_stack_syncs_the_demo(database: Any, settings: Any) -> None:
    ports = {name: free_port() for name in ("kaspi", "wildberries", "ozon")}
    cfg = settings.with_overrides(
        marketplaces={
            name: {"base_url": f"http://127.0.0.1:{port}"} for name, port in ports.items()
        },
        sync={"poll_interval_seconds": 0.05},
    )
    seed_demo(database, cfg)
    said: list[str] = []
    stack = demo_stack.start(database, cfg, "http://127.0.0.1:9", said.append)
    try:
        assert len(stack.sandboxes) == 3
        deadline = time.monotonic() + 20
        wb = f"http://127.0.0.1:{ports['wildberries']}/_sandbox/stock"
        while time.monotonic() < deadline:
            accounts = httpx.get(wb).json()["accounts"]
            if accounts.get("ALTYN wildberries", {}).get("warehouses", {}).get("658434"):
                break
            time.sleep(0.1)
        amounts = accounts["ALTYN wildberries"]["warehouses"]["658434"]
        assert amounts["31000000"] == 5  # ALT-HP-01, main: the demo's opening stock
        kaspi = httpx.get(f"http://127.0.0.1:{ports['kaspi']}/_sandbox/stock").json()
        feeds = [m["feed_url"] for m in kaspi["merchants"].values()]
        assert len(feeds) == 2
        assert all(url.startswith("http://127.0.0.1:9/feeds/kaspi/kf_demo_") for url in feeds)
        # The real worker runs the scheduled jobs too: the returns import ran at start-up.
        while time.monotonic() < deadline:
            with database.reading() as session:
                row = session.get(JobState, "returns_import")
                if row is not None and row.last_status is not None:
                    break
            time.sleep(0.1)
        assert row is not None
        assert row.last_status == "ok", row.last_error
    finally:
        stack.stop()
    assert any("worker running: stock sync and scheduled jobs" in line for line in said)
