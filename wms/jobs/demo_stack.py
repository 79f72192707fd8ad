"""`wms serve --with-sandboxes`: the three sandboxes seeded from the database, plus a sync worker.

So `make run` shows the whole loop on one machine: a putaway reaches the Wildberries and Ozon
sandboxes within a second, and the Kaspi sandbox pulls the demo price list every minute.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from wms.db.session import Database
from wms.jobs.sync_worker import SyncWorker
from wms.sandbox import kaspi, ozon, wildberries
from wms.sandbox.server import SandboxHandle
from wms.services.crypto import SecretBox
from wms.services.returns_import import import_returns
from wms.services.sync.demo import sandbox_seeds
from wms.settings import Settings

log = logging.getLogger(__name__)
KASPI_POLL_SECONDS = 60.0  # the real Kaspi pulls hourly; the demo should show fetches sooner


@dataclass
class DemoStack:
    """What was started; `stop()` ends it all."""

    sandboxes: list[SandboxHandle] = field(default_factory=list)
    worker: SyncWorker | None = None
    thread: threading.Thread | None = None
    stopping: threading.Event = field(default_factory=threading.Event)

    def stop(self) -> None:
        """Stop the worker, then the sandboxes."""
        self.stopping.set()
        if self.thread is not None:
            self.thread.join(timeout=30)
        if self.worker is not None:
            self.worker.close()
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
    box = SecretBox(settings)
    stack.worker = SyncWorker(db, settings, box, name="sync:serve")
    stack.thread = threading.Thread(
        target=_work, args=(stack, db, settings, box), name="sync-worker", daemon=True
    )
    stack.thread.start()
    announce("sync worker running (heartbeat sync:serve)")
    return stack


def _work(stack: DemoStack, db: Database, settings: Settings, box: SecretBox) -> None:
    try:
        reports = import_returns(db, settings, box)
        log.info("returns import: %s", ", ".join(f"{r.account} +{r.created}" for r in reports))
    except Exception:
        log.exception("returns import at start-up failed")
    assert stack.worker is not None
    stack.worker.run(stack.stopping)
