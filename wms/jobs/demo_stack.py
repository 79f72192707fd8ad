"""`wms serve --with-sandboxes`: the three sandboxes seeded from the database, plus the worker.

So `make run` shows the whole loop on one machine: a putaway reaches the Wildberries and Ozon
sandboxes within a second, the Kaspi sandbox pulls the demo price list every minute, and the
scheduled jobs (returns import, default decisions, rollups …) run as `wms worker` runs them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from wms.db.session import Database
from wms.jobs.worker import Worker
from wms.sandbox import kaspi, ozon, wildberries
from wms.sandbox.server import SandboxHandle
from wms.services.crypto import SecretBox
from wms.services.sync.demo import sandbox_seeds
from wms.settings import Settings

log = logging.getLogger(__name__)
KASPI_POLL_SECONDS = 60.0  # the real Kaspi pulls hourly; the demo should show fetches sooner


@dataclass
class DemoStack:
    """What was started; `stop()` ends it all."""

    sandboxes: list[SandboxHandle] = field(default_factory=list)
    worker: Worker | None = None

    def stop(self) -> None:
        """Stop the worker, then the sandboxes."""
        if self.worker is not None:
            self.worker.stop(timeout=30)
        for handle in self.sandboxes:
            handle.stop()


def _port(url: str, default: int) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname or "127.0.0.1", parts.port or default


def start(
    db: Database, settings: Settings, server_url: str, announce: Callable[[str], None] = print
) -> DemoStack:
    """Start the sandboxes (skipping ports already in use) and a worker thread."""
    with db.reading() as session:
        seeds = sandbox_seeds(session, settings, server_url)
    stack = DemoStack()
    endpoints = settings.marketplaces
    starters: list[tuple[str, str, int, Callable[..., SandboxHandle], dict[str, object]]] = [
        (
            "kaspi",
            endpoints.kaspi.base_url,
            8101,
            kaspi.start_in_thread,
            {"seed": seeds["kaspi"], "poll_interval": KASPI_POLL_SECONDS},
        ),
        (
            "wildberries",
            endpoints.wildberries.base_url,
            8102,
            wildberries.start_in_thread,
            {"seed": seeds["wildberries"]},
        ),
        ("ozon", endpoints.ozon.base_url, 8103, ozon.start_in_thread, {"seed": seeds["ozon"]}),
    ]
    for name, url, default, start_one, options in starters:
        host, port = _port(url, default)
        try:
            handle = start_one(port, host=host, **options)
        except OSError as exc:
            announce(
                f"{name} sandbox not started ({host}:{port}: {exc.strerror}); "
                "using whatever listens there"
            )
            continue
        stack.sandboxes.append(handle)
        announce(f"{name} sandbox on {handle.url}")
    stack.worker = Worker(db, settings, SecretBox(settings), name="serve")
    stack.worker.start()
    announce("worker running: stock sync and scheduled jobs (`wms jobs list`)")
    return stack
