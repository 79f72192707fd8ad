"""The print service in `wms worker`: one lane (thread) per printer with waiting jobs.

A lane holds the printer's lease, so one worker feeds a printer at a time and jobs go out in
order; a printer out of paper keeps only its own lane waiting. Before each job: `~HS` (not
ready → wait and record the state), `~HQOD` where the printer answers it, then the job is marked
`sending`, sent, and marked printed. A job a dead worker left in `sending` is settled by the
odometer, or resent and flagged as a possible duplicate.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TypeVar

from wms.adapters.printers import PrinterLink, SendFailed, link_for
from wms.db.session import Database
from wms.domain.printing import InFlight, JobState
from wms.domain.printing import resolve_in_flight as decide
from wms.services import print_queue
from wms.services.print_queue import Lane, NextJob
from wms.services.uow import UnitOfWork
from wms.settings import PrintingSettings

log = logging.getLogger(__name__)
T = TypeVar("T")
LinkFactory = Callable[[str], PrinterLink]


class PrintService:
    """Finds printers with work and runs a lane for each one it can lease."""

    def __init__(
        self,
        db: Database,
        settings: PrintingSettings,
        *,
        name: str,
        links: LinkFactory | None = None,
    ) -> None:
        self.db = db
        self.settings = settings
        self.name = name
        timeout = settings.status_timeout_seconds
        self.links: LinkFactory = links or (lambda uri: link_for(uri, timeout=timeout))
        self._lanes: dict[int, threading.Thread] = {}

    def run(self, stopping: threading.Event) -> None:
        """Look for work every `poll_seconds` until `stopping` is set."""
        while not stopping.is_set():
            try:
                self.start_lanes(stopping)
            except Exception:  # a database hiccup must not end the service
                log.exception("print service: looking for work failed")
            stopping.wait(self.settings.poll_seconds)
        for thread in list(self._lanes.values()):
            thread.join(timeout=self.settings.status_timeout_seconds * 3)

    def start_lanes(self, stopping: threading.Event) -> list[int]:
        """Start a lane for each printer with work that this worker can lease."""
        self._lanes = {pid: t for pid, t in self._lanes.items() if t.is_alive()}
        started = []
        for printer_id in self._tx(print_queue.printers_with_work):
            if printer_id in self._lanes:
                continue
            lane = self._tx(
                print_queue.take_lease, printer_id, self.name, self.settings.lease_seconds
            )
            if lane is None:
                continue  # another worker feeds it
            thread = threading.Thread(
                target=self.run_lane, args=(lane, stopping), name=f"print:{lane.name}", daemon=True
            )
            self._lanes[printer_id] = thread
            thread.start()
            started.append(printer_id)
        return started

    def run_lane(self, lane: Lane, stopping: threading.Event) -> None:
        """Feed one printer until its queue is empty, the worker stops or the lease is lost."""
        link = self.links(lane.uri)
        try:
            _LaneRun(self, lane, link, stopping).run()
        except Exception:
            log.exception("print lane %s failed; another pass will pick it up", lane.name)
        finally:
            try:
                self._tx(print_queue.release_lease, lane.printer_id, self.name)
            except Exception:
                log.exception("print lane %s: releasing the lease failed", lane.name)

    def _tx(self, fn: Callable[..., T], *args: object) -> T:
        with UnitOfWork(self.db) as uow:
            result = fn(uow, *args)
            uow.commit()
            return result


class _LaneRun:
    """One pass over a printer's queue."""

    def __init__(
        self, service: PrintService, lane: Lane, link: PrinterLink, stopping: threading.Event
    ) -> None:
        self.service, self.lane, self.link, self.stopping = service, lane, link, stopping
        self.settings = service.settings
        self.worker = service.name
        # Learned on the first ask: a printer that does not answer ~HQOD is not asked again.
        self.has_odometer: bool | None = None

    def tx(self, fn: Callable[..., T], *args: object) -> T:
        return self.service._tx(fn, *args)

    def run(self) -> None:
        pid = self.lane.printer_id
        while not self.stopping.is_set():
            if not self.tx(print_queue.renew_lease, pid, self.worker, self.settings.lease_seconds):
                log.warning("print lane %s: lease lost, stopping", self.lane.name)
                return
            job = self.tx(print_queue.next_job, pid)
            if job is None:
                return
            if job.state is JobState.SENDING:
                self.settle_in_flight(job)
                continue
            if not self.print_one(job):
                self.stopping.wait(self.settings.retry_seconds)

    def odometer(self) -> int | None:
        if self.has_odometer is False:
            return None
        reading = self.link.odometer()
        self.has_odometer = reading is not None
        return reading

    def settle_in_flight(self, job: NextJob) -> None:
        """A job a previous holder marked `sending` and never confirmed."""
        status = self.link.status()
        outcome = decide(job.odometer_before, self.odometer() if status.ready else None)
        if outcome is InFlight.UNKNOWN and not status.ready:
            # Cannot ask the meter now; wait for the printer rather than guess.
            self.tx(print_queue.record_status, self.lane.printer_id, status, None)
            self.stopping.wait(self.settings.retry_seconds)
            return
        log.warning("print lane %s: in-flight job %s %s", self.lane.name, job.id, outcome.value)
        self.tx(print_queue.resolve_in_flight, self.lane.printer_id, self.worker, job, outcome)

    def print_one(self, job: NextJob) -> bool:
        """Status, odometer, mark sending, send, mark printed; False when the job must wait."""
        pid = self.lane.printer_id
        status = self.link.status()
        odometer = self.odometer() if status.ready else None
        self.tx(print_queue.record_status, pid, status, odometer)
        if not status.ready:
            return False
        if not self.tx(print_queue.mark_sending, pid, self.worker, job, odometer):
            return True  # someone else moved it (lease lost): the loop re-reads
        try:
            self.link.send(job.payload)
        except SendFailed as exc:
            log.warning("print lane %s: job %s not sent: %s", self.lane.name, job.id, exc)
            self.tx(print_queue.mark_send_failed, pid, self.worker, job, str(exc))
            return False
        self.tx(print_queue.mark_printed, pid, self.worker, job)
        log.info("printed %s on %s", job.title, self.lane.name)
        return True
