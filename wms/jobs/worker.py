"""`wms worker`: the stock sync, the scheduler of every other job and the print service.

The sync runs on its own thread (it is a loop of overlapping rounds, see `sync_worker`), the
scheduler on another, the print service on a third (with a lane thread per busy printer); a
stop event ends them all. Any number of workers may run against one
PostgreSQL database: outbox rows, offers and job periods are all leased in the database.
"""

from __future__ import annotations

import logging
import os
import socket
import threading

from wms.db.session import Database
from wms.jobs.printing import PrintService
from wms.jobs.scheduler import Scheduler
from wms.jobs.sync_worker import SyncWorker
from wms.services.crypto import SecretBox
from wms.settings import Settings

log = logging.getLogger(__name__)


class Worker:
    """Sync and scheduler threads sharing one stop event."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        box: SecretBox,
        *,
        name: str | None = None,
        sync: bool = True,
        jobs: bool = True,
        printing: bool = True,
    ) -> None:
        base = name or f"{socket.gethostname()}:{os.getpid()}"
        self.stopping = threading.Event()
        self.sync = SyncWorker(db, settings, box, name=f"sync:{base}") if sync else None
        self.scheduler = Scheduler(db, settings, box, name=f"worker:{base}") if jobs else None
        self.printing = (
            PrintService(db, settings.printing, name=f"print:{base}") if printing else None
        )
        self.threads: list[threading.Thread] = []

    def start(self) -> None:
        """Start the threads and return."""
        if self.sync is not None:
            sync = self.sync
            self.threads.append(
                threading.Thread(target=sync.run, args=(self.stopping,), name="sync", daemon=True)
            )
        if self.scheduler is not None:
            scheduler = self.scheduler
            self.threads.append(
                threading.Thread(
                    target=scheduler.run, args=(self.stopping,), name="scheduler", daemon=True
                )
            )
        if self.printing is not None:
            service = self.printing
            self.threads.append(
                threading.Thread(
                    target=service.run, args=(self.stopping,), name="printing", daemon=True
                )
            )
        for thread in self.threads:
            thread.start()

    def wait(self) -> None:
        """Block until stopped (signals reach the main thread between waits)."""
        while not self.stopping.wait(0.5):
            if not any(t.is_alive() for t in self.threads):
                log.error("worker threads ended by themselves")
                break

    def stop(self, timeout: float = 60) -> None:
        """Ask both loops to stop, let running jobs finish, close everything."""
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=timeout)
        if self.sync is not None:
            self.sync.close()
        if self.scheduler is not None:
            self.scheduler.close()
