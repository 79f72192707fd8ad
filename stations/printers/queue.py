"""The station's print queue: status before each job, jobs kept until the printer takes them."""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from labels.spec import LabelSpec
from stations.printers.base import Printer, PrinterError, PrinterState, PrinterStatus
from stations.printers.render import render_label

log = logging.getLogger(__name__)

StatusListener = Callable[[PrinterStatus, int], None]


@dataclass(frozen=True)
class PrintJob:
    """One rendered label waiting for the printer."""

    title: str
    payload: bytes


class PrintQueue:
    """Holds rendered labels and feeds them to the printer in order, one worker thread."""

    def __init__(
        self,
        printer: Printer,
        *,
        retry_seconds: float = 3.0,
        idle_poll_seconds: float = 15.0,
        on_status: StatusListener | None = None,
    ) -> None:
        self.printer = printer
        self.retry_seconds = retry_seconds
        self.idle_poll_seconds = idle_poll_seconds
        self.on_status = on_status
        self._jobs: deque[PrintJob] = deque()
        self._last: PrintJob | None = None
        self._status = PrinterStatus(PrinterState.NOT_READY, "not checked yet")
        self._cond = threading.Condition()
        self._stopping = False
        self._thread: threading.Thread | None = None

    @property
    def status(self) -> PrinterStatus:
        """The latest reading."""
        return self._status

    @property
    def pending(self) -> int:
        """Labels waiting for the printer."""
        return len(self._jobs)

    def submit(self, spec: LabelSpec) -> PrintJob:
        """Render now (at the printer's dpi) and queue; RenderError if the spec is unusable."""
        title = f"{spec.kind.value} {spec.fields.get('lpn') or spec.fields.get('order_code') or ''}"
        return self.submit_payload(title.strip(), render_label(spec, self.printer))

    def submit_payload(self, title: str, payload: bytes) -> PrintJob:
        """Queue already-rendered bytes."""
        job = PrintJob(title, payload)
        with self._cond:
            self._jobs.append(job)
            self._cond.notify_all()
        return job

    def reprint_last(self) -> bool:
        """Queue the last printed label again; False if nothing was printed yet."""
        last = self._last
        if last is None:
            return False
        self.submit_payload(f"{last.title} (reprint)", last.payload)
        return True

    def work_once(self) -> bool:
        """Check status and print the oldest job; True when the queue is empty afterwards."""
        self._print_next()
        return not self._jobs

    def _print_next(self) -> bool:
        """Print the oldest job if the printer is ready; True when one went out."""
        if not self._jobs:
            return False
        status = self.refresh_status()
        if not status.ready:
            return False
        job = self._jobs[0]
        try:
            self.printer.print(job.payload)
        except PrinterError as exc:
            log.warning("print of %s failed, kept for retry: %s", job.title, exc)
            self._set_status(PrinterStatus(PrinterState.OFFLINE, str(exc)))
            return False
        with self._cond:
            self._jobs.popleft()
        self._last = job
        log.info("printed %s on %s", job.title, self.printer.description)
        if self.on_status is not None:
            self.on_status(self._status, len(self._jobs))  # one label fewer waiting
        return True

    def refresh_status(self) -> PrinterStatus:
        """Read the printer status now and tell the listener if it changed."""
        status = self.printer.status()
        self._set_status(status)
        return status

    def wait_idle(self, timeout: float) -> bool:
        """Wait until every job is printed (for tools and tests); False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._jobs, timeout)

    def start(self) -> None:
        """Start the worker thread."""
        self._thread = threading.Thread(target=self._work, name="print-queue", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the worker; unprinted jobs stay in memory until the process exits."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)

    def _work(self) -> None:
        self.refresh_status()
        while not self._stopping:
            with self._cond:
                # wait_for checks first: a stop() that came while we were printing is not missed.
                self._cond.wait_for(lambda: self._jobs or self._stopping, self.idle_poll_seconds)
                has_jobs = bool(self._jobs)
            if self._stopping:
                return
            if not has_jobs:
                self.refresh_status()  # keeps the UI honest about paper out while idle
            elif self._print_next():
                with self._cond:
                    self._cond.notify_all()  # wake wait_idle(); the next job goes out at once
            else:
                with self._cond:
                    self._cond.wait_for(lambda: self._stopping, self.retry_seconds)

    def _set_status(self, status: PrinterStatus) -> None:
        changed = status.state is not self._status.state
        self._status = status
        if changed:
            log.info("printer %s: %s (%s)", self.printer.description, status.state, status.detail)
        if self.on_status is not None and (changed or self._jobs):
            self.on_status(status, len(self._jobs))
