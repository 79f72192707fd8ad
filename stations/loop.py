"""The station core: scan → journal → send or queue → prompt → print → sound; replay; heartbeat."""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime

from labels.layouts import unit_label
from labels.spec import LabelSpec
from stations.camera import Camera, ClipUploader, closes_receipt, make_camera, opens_receipt
from stations.client import (
    RequestRejected,
    ScanResponse,
    ServerUnreachable,
    StationClient,
    Unauthorized,
)
from stations.codes import is_marking_code, is_product_code
from stations.feedback import Feedback, unit_lpn
from stations.journal import Journal, JournalEntry, JournalError
from stations.printers import Printer, PrinterState, PrintQueue, open_printer
from stations.scanners import Deduper, Scan, Scanner, open_scanner
from stations.settings import Role, StationSettings
from stations.ui import Screen, View, make_view

log = logging.getLogger(__name__)

REPLAY_BACKOFF = (0.5, 10.0)
CLIP_BACKOFF_MAX = 30.0
# The server's heartbeat enum is coarser than our printer states.
HEARTBEAT_PRINTER = {PrinterState.RIBBON_OUT: "paper_out", PrinterState.NOT_READY: "offline"}


class Station:
    """One station: owns the journal, print queue and threads; scanner/printer/client injectable."""

    def __init__(
        self,
        settings: StationSettings,
        *,
        scanner: Scanner,
        printer: Printer,
        client: StationClient,
        journal: Journal,
        view: View,
        clock: Callable[[], float] = time.monotonic,
        camera: Camera | None = None,
    ) -> None:
        self.settings = settings
        self.scanner = scanner
        self.client = client
        self.journal = journal
        explicit = settings.station.model_fields_set
        # Offline start: a role given in config/flags wins, then the one the server last named.
        remembered = journal.get_meta("role")
        self.role = Role(remembered if remembered and "role" not in explicit else
                         settings.station.role)  # fmt: skip
        language = journal.get_meta("language") if "language" not in explicit else None
        self.prints = PrintQueue(printer, retry_seconds=settings.printer.retry_seconds)
        self.feedback = Feedback(
            view,
            self.prints,
            Screen(role=self.role.value, language=language or settings.station.language),
        )
        self.prints.on_status = self.feedback.printer_changed
        self._clock = clock
        self._dedupe = Deduper(settings.scanner.dedupe_seconds)
        self._send_lock = threading.Lock()
        self._online = False
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._scans: queue.Queue[Scan] = queue.Queue()
        self._threads: list[threading.Thread] = []
        self._token_refused = False
        # Newest journal entry the replayer may send; later ones are still being handled.
        self._released = journal.last_seq()
        self.camera = camera
        self.uploader = ClipUploader(journal.clips, client, settings.camera)
        self._clip_wake = threading.Event()
        if camera is not None:
            camera.on_clip = self._clip_wake.set

    @classmethod
    def from_settings(
        cls,
        settings: StationSettings,
        *,
        scanner: Scanner | None = None,
        printer: Printer | None = None,
        client: StationClient | None = None,
        journal: Journal | None = None,
        view: View | None = None,
        camera: Camera | None = None,
    ) -> Station:
        """Build a station from settings; anything passed in replaces what settings describe."""
        s = settings.station
        journal = journal or Journal(s.journal_file())
        return cls(
            settings,
            scanner=scanner or open_scanner(settings.scanner.url, settings.scanner),
            printer=printer or open_printer(settings.printer.url, settings.printer),
            client=client
            or StationClient(s.server_url, s.token, timeout=s.request_timeout_seconds),
            journal=journal,
            view=view or make_view(),
            camera=camera if camera is not None else make_camera(settings, journal),
        )

    @property
    def online(self) -> bool:
        """Whether the last contact with the server got an answer."""
        return self._online

    @property
    def view(self) -> View:
        """Where the screen is shown."""
        return self.feedback.view

    # -- life cycle --------------------------------------------------------------------------

    def connect(self) -> bool:
        """Ask the server who we are (API version, role, language); False when unreachable."""
        try:
            me = self.client.me()
        except ServerUnreachable as exc:
            log.warning("server unreachable at start, working offline: %s", exc)
            return False
        station = me.get("station") or {}
        if station.get("role") in set(Role):
            if station["role"] != self.role:
                log.warning("server says this is a %s station, not %s", station["role"], self.role)
            self.role = Role(station["role"])
            self.journal.set_meta("role", self.role.value)
        language = station.get("language")
        if language and "language" not in self.settings.station.model_fields_set:
            self.journal.set_meta("language", str(language))
            self.feedback.update(language=str(language))
        self.feedback.update(role=self.role.value)
        self._set_online(True)
        self.top_up_lpns()
        return True

    def start(self) -> None:
        """Start the print queue, scanner reader, replayer and heartbeat threads."""
        self.journal.prune()
        self.prints.start()
        if self.camera is not None:
            self.camera.on_failure = self._camera_failed
            self.camera.start()
        for name, target in (
            ("scanner", self._read_scanner),
            ("replayer", self._replay_loop),
            ("heartbeat", self._heartbeat_loop),
            ("clips", self._clip_loop),
        ):
            thread = threading.Thread(target=target, name=f"station-{name}", daemon=True)
            thread.start()
            self._threads.append(thread)
        self.feedback.update(
            show=True, prompt=self.feedback.say("start"), queued=self.journal.backlog()
        )

    def run(self) -> None:
        """Handle scans until `stop()` (the main thread's loop)."""
        while not self._stop.is_set():
            try:
                scan = self._scans.get(timeout=0.2)
            except queue.Empty:
                continue
            try:
                self.handle_scan(scan)
            except Exception as exc:  # a station that stops reading scans is worse than a bug
                log.exception("scan %r not handled", scan.code)
                self.feedback.tell("error", self.feedback.say("internal_error", error=exc), "error")

    def stop(self) -> None:
        """Stop every thread and release the devices."""
        self._stop.set()
        self._wake.set()
        self._clip_wake.set()
        for thread in self._threads:
            thread.join(timeout=10)
        if self.camera is not None:
            self.camera.stop()  # the running clip is finished and sent after the restart
        self.prints.stop()
        self.scanner.close()

    # -- one scan ----------------------------------------------------------------------------

    def handle_scan(self, scan: Scan) -> None:
        """Journal the scan, then send it live or handle it offline."""
        if scan.problem is not None:  # refused by the reader: never journalled, but told
            limit = self.settings.scanner.max_frame_length
            self._tell("error", self.feedback.say("scan_too_long", limit=limit), "error")
            return
        if self._dedupe.is_duplicate(scan.code, self._clock()):
            log.info("double read of %r ignored", scan.code)
            return
        entry = self.journal.record(scan.code, scan.symbology, scan.scanned_at)
        self.feedback.update(last_code=scan.code)
        try:
            # Offline, the lock is skipped: a replay probe may hold it for a whole timeout.
            if self._online and self._try_live(entry):
                return
            self._camera_scan(entry)  # offline the station decides alone
            self._handle_offline(entry)
        finally:
            # Only now may the replayer send it: an offline LPN is in the journal by then.
            self._released = entry.seq
            self._wake.set()

    def _try_live(self, entry: JournalEntry) -> bool:
        with self._send_lock:
            first = self.journal.first_pending()
            # Live only when nothing older waits: the server must see scans in order.
            live = self._online and first is not None and first.seq == entry.seq
            return live and self._send_live(entry)

    def _send_live(self, entry: JournalEntry) -> bool:
        """Send one scan now; False when the server did not answer (handle it offline)."""
        try:
            response = self.client.scan(entry.payload(offline=False))
        except ServerUnreachable as exc:
            self.journal.note_attempt(entry.event_id, str(exc))
            self._set_online(False)
            return False
        except Unauthorized as exc:
            self._refused(entry, exc)
            return False  # keep working as if offline; the notice names the real problem
        except RequestRejected as exc:
            self.journal.mark_failed(entry.event_id, f"{exc.code}: {exc.message}")
            self._tell("error", self.feedback.say("rejected", error=exc.message), "error")
            self._wake.set()  # the replayer reports it to the exceptions queue
            return True
        self.journal.mark_sent(entry.event_id, response.to_json())
        self.feedback.present(response, self.journal.backlog())
        # Online, an opening scan the server refused opens nothing (and must not cut the clip of
        # a receipt still open here).
        if response.result != "error" or not self._opens(entry):
            self._camera_scan(entry)
        return True

    def _handle_offline(self, entry: JournalEntry) -> None:
        queued = self.journal.backlog()
        if self.role is Role.RECEIPT and is_product_code(entry.code, entry.symbology):
            self._offline_unit(entry, queued)
        elif entry.code == "CMD:REPRINT" and self.prints.reprint_last():
            self.journal.mark_printed_locally(entry.event_id)
            self._tell("offline", self.feedback.say("offline_reprint"), "ok")
        else:
            self._tell("offline", self.feedback.say("offline_queued", queued=queued), "attention")

    def _offline_unit(self, entry: JournalEntry, queued: int) -> None:
        lpn = self.journal.assign_lpn(entry.event_id)
        if lpn is None:
            self._tell("error", self.feedback.say("offline_no_lpn", queued=queued), "error")
            return
        problem = self.feedback.print(self.offline_label(entry, lpn))
        if problem is None:  # otherwise the server's label prints on replay
            self.journal.mark_printed_locally(entry.event_id)
        text = self.feedback.say("offline_unit", lpn=lpn, queued=queued)
        self._tell("offline", text, "ok", warnings=(problem,) if problem else (),
                   lpns_left=self.journal.lpns_left())  # fmt: skip

    def offline_label(self, entry: JournalEntry, lpn: str) -> LabelSpec:
        """The unit label the station prints by itself: LPN, GTIN, date; the rest comes later."""
        gtin = entry.code[2:16] if is_marking_code(entry.code) else entry.code
        return unit_label(
            lpn=lpn,
            sku=gtin,
            title=self.feedback.say("offline_label_title"),
            received_on=date.today().isoformat(),
        )

    # -- replay ------------------------------------------------------------------------------

    def replay_once(self) -> bool:
        """Send the oldest pending event; True if it reached a verdict (sent or failed)."""
        with self._send_lock:
            entry = self.journal.first_pending()
            if entry is None or entry.seq > self._released:
                return False
            try:
                response = self.client.scan(entry.payload(offline=True))
            except ServerUnreachable as exc:
                self.journal.note_attempt(entry.event_id, str(exc))
                self._set_online(False)
                return False
            except Unauthorized as exc:
                self._refused(entry, exc)
                return False
            except RequestRejected as exc:
                told = self._void_label(entry, exc.message)
                self._replay_failed(entry, f"{exc.code}: {exc.message}", None, told=told)
                return True
            self._set_online(True)
            self._settle_replayed(entry, response)
        return True

    def _settle_replayed(self, entry: JournalEntry, response: ScanResponse) -> None:
        server_lpn = unit_lpn(response.context)
        mismatch = bool(entry.lpn and server_lpn and server_lpn != entry.lpn)
        # A label printed offline for a scan that made no unit (refused, or the product needs
        # its marking code first): the label must come off, and the supervisor must know.
        void = self._void_label(entry, response.text(self.feedback.language), server_lpn)
        if response.result == "error":
            self._replay_failed(entry, f"error: {response.text('en')}", response, told=void)
        elif mismatch:
            error = f"lpn_mismatch: label {entry.lpn} printed offline, server has {server_lpn}"
            told = self.feedback.say("lpn_mismatch", offline=entry.lpn, lpn=server_lpn)
            self._replay_failed(entry, error, response, told=told)
        elif void:
            error = f"lpn_void: label {entry.lpn} printed offline, no unit: {response.text('en')}"
            self._replay_failed(entry, error, response, told=void)
        else:
            self.journal.mark_sent(entry.event_id, response.to_json())
        # Labels the station already printed offline are not printed twice, unless wrong.
        if not entry.printed_locally or mismatch:
            self.feedback.print_all(response.print)
        self.feedback.update(show=True, queued=self.journal.backlog())

    def _void_label(
        self, entry: JournalEntry, answer: str, server_lpn: str | None = None
    ) -> str | None:
        """What to tell the operator when an offline label stands for no unit on the server."""
        if not (entry.lpn and entry.printed_locally) or server_lpn:
            return None
        return self.feedback.say("lpn_void", offline=entry.lpn, answer=answer)

    def _replay_failed(
        self,
        entry: JournalEntry,
        error: str,
        response: ScanResponse | None,
        *,
        told: str | None = None,
    ) -> None:
        self.journal.mark_failed(entry.event_id, error, response.to_json() if response else None)
        log.error("replay of %s (%r) failed: %s", entry.event_id, entry.code, error)
        told = told or self.feedback.say("replay_failed", code=entry.code, error=error)
        self._tell("error", told, "error")

    def report_failures(self) -> None:
        """Send failed events to the server's exception queue (kept until it accepts)."""
        for entry in self.journal.unreported_failures():
            error, _, detail = (entry.error or "failed").partition(": ")
            try:
                self.client.report_exception(
                    event_id=entry.event_id, code=entry.code, error=error, detail=detail
                )
            except ServerUnreachable:
                return
            except RequestRejected as exc:
                log.error("exception report for %s refused: %s", entry.event_id, exc)
                continue
            self.journal.mark_reported(entry.event_id)

    def _replay_loop(self) -> None:
        delay = REPLAY_BACKOFF[0]
        while not self._stop.is_set():
            try:
                progressed = self.replay_once()
                if self._online:
                    self.report_failures()
            except Exception:  # keep replaying later; the journal still holds everything
                log.exception("replay step failed")
                progressed = False
            if progressed:
                delay = REPLAY_BACKOFF[0]
                self._clip_wake.set()  # a clip may have waited for this scan to reach the server
                continue
            # Idle or offline: wait for a new scan, the heartbeat, or the backoff.
            self._wake.wait(delay if self.journal.backlog() else 5.0)
            self._wake.clear()
            delay = min(delay * 2, REPLAY_BACKOFF[1])

    # -- video of opened parcels -------------------------------------------------------------

    def _opens(self, entry: JournalEntry) -> bool:
        return self.role in (Role.RECEIPT, Role.UNIVERSAL) and opens_receipt(
            entry.code, entry.symbology
        )

    def _camera_scan(self, entry: JournalEntry) -> None:
        """Start or stop the recording for this scan (queued to the camera thread, no waiting)."""
        if self.camera is None:
            return
        if self._opens(entry):
            self.camera.opened(entry.event_id, entry.code, datetime.now(UTC))
        elif closes_receipt(entry.code):
            self.camera.closed(datetime.now(UTC))

    def _camera_failed(self, error: str) -> None:
        """Said once per failure: scanning goes on without video."""
        text = self.feedback.say("camera_failed", error=error[:120])
        self.feedback.update(warnings=(text,))
        self.view.show(self.feedback.screen, "attention")

    def _clip_loop(self) -> None:
        delay = REPLAY_BACKOFF[0]
        while not self._stop.is_set():
            try:
                progressed = self._online and self.uploader.send_once()
            except Exception:  # keep the clip; try again later
                log.exception("clip upload failed")
                progressed = False
            if progressed:
                delay = REPLAY_BACKOFF[0]
                continue
            self._clip_wake.wait(delay if self.journal.clips.backlog() else 5.0)
            self._clip_wake.clear()
            delay = min(delay * 2, CLIP_BACKOFF_MAX)

    # -- heartbeat, LPN blocks, devices ------------------------------------------------------

    def heartbeat_once(self) -> None:
        """Tell the server we are alive; the answer doubles as the online probe."""
        printer = self.prints.status.state
        try:
            self.client.heartbeat(
                queued=self.journal.backlog(),
                scanner=self.scanner.state.value,
                printer=HEARTBEAT_PRINTER.get(printer, printer.value),
            )
        except ServerUnreachable:
            self._set_online(False)
            return
        except RequestRejected as exc:
            log.error("heartbeat refused: %s", exc)
            return
        self._set_online(True)
        self.top_up_lpns()

    def top_up_lpns(self) -> None:
        """Reserve a new LPN block while online when the stock falls below the low-water mark."""
        if self.role is not Role.RECEIPT:
            return
        left = self.journal.lpns_left()
        if left < self.settings.station.lpn_low_water:
            try:
                first, last = self.client.lpn_block()
                left += self.journal.add_lpn_block(first, last)
                log.info("reserved LPN block %s..%s", first, last)
            except (ServerUnreachable, RequestRejected, JournalError, KeyError, ValueError) as exc:
                log.error("could not reserve an LPN block: %s", exc)
        self.feedback.update(lpns_left=left)

    def _heartbeat_loop(self) -> None:
        while not self._stop.wait(self.settings.station.heartbeat_seconds):
            try:
                self.heartbeat_once()
            except Exception:
                log.exception("heartbeat failed")

    def _read_scanner(self) -> None:
        # Its own thread so byte timing (frame gap) is measured while the main loop waits on HTTP.
        state = None
        while not self._stop.is_set():
            scan = self.scanner.read(0.2)
            if scan is not None:
                self._scans.put(scan)
            if self.scanner.state != state:
                state = self.scanner.state
                self.feedback.update(show=True, scanner=state.value)

    def _refused(self, entry: JournalEntry, exc: Unauthorized) -> None:
        """The server refuses our token: queue like offline, and say why once per episode."""
        self.journal.note_attempt(entry.event_id, str(exc))
        self._set_online(False)
        if not self._token_refused:
            log.error("server refuses the station token: %s", exc)
            self._token_refused = True
            self.feedback.update(notice=self.feedback.say("token_refused"))
            self.view.show(self.feedback.screen, "error")

    def _set_online(self, online: bool) -> None:
        if online and self._token_refused:
            self._token_refused = False
            self.feedback.update(notice=None)
        if online != self._online:
            log.warning("server %s", "reachable: online" if online else "unreachable: offline mode")
            self._online = online
            self._wake.set()
            self._clip_wake.set()
            self.feedback.update(show=True, online=online, queued=self.journal.backlog())

    def _tell(self, result: str, prompt: str, sound: str, **changes: object) -> None:
        changes.setdefault("warnings", ())  # warnings belong to the answer they came with
        self.feedback.tell(result, prompt, sound, queued=self.journal.backlog(), **changes)
