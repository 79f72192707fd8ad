"""Video of every opened parcel: an ffmpeg recording from the order code to `CMD:CLOSE`.

The recorder runs on its own thread so starting or finishing ffmpeg never delays a scan, and a
camera that fails only costs the video: the operator is told once and keeps scanning. Finished
clips go into the journal's clip queue; `ClipUploader` sends them when the server is reachable.
"""

from __future__ import annotations

import hashlib
import logging
import queue
import subprocess
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from stations.client import (
    RequestRejected,
    ServerUnreachable,
    StationClient,
    TooEarly,
    Unauthorized,
)
from stations.codes import UNIQUE_PREFIXES, is_product_code
from stations.journal import ClipEntry, ClipJournal, ClipStatus, EventStatus, Journal
from stations.settings import CameraSection, StationSettings

log = logging.getLogger(__name__)

OPEN_COMMANDS = frozenset({"CMD:BLIND"})
CLOSE_COMMANDS = frozenset({"CMD:CLOSE", "CMD:LOGOUT"})
# Characters that would need two levels of ffmpeg filter escaping in a file path.
_FILTER_SPECIALS = set("'\\:,;[]=")
STOP_TIMEOUT = 15.0
HEALTH_SECONDS = 1.0


class CameraError(ValueError):
    """The `[camera]` settings cannot be used."""


def opens_receipt(code: str, symbology: str | None) -> bool:
    """Whether a scan at a receipt station opens a parcel: an order/return code or `CMD:BLIND`."""
    if code in OPEN_COMMANDS:
        return True
    return bool(code.strip()) and not (
        code.startswith(UNIQUE_PREFIXES) or is_product_code(code, symbology)
    )


def closes_receipt(code: str) -> bool:
    """Whether a scan ends the recording."""
    return code in CLOSE_COMMANDS


def input_args(source: str) -> list[str]:
    """ffmpeg input options for a V4L2 device, an RTSP URL or a lavfi test source."""
    if source.startswith("lavfi:"):
        # A generated picture runs as fast as the CPU allows unless read at its own rate.
        return ["-re", "-f", "lavfi", "-i", source.removeprefix("lavfi:")]
    if source.startswith(("rtsp://", "rtsps://")):
        return ["-rtsp_transport", "tcp", "-i", source]
    if source.startswith("/dev/"):
        return ["-f", "v4l2", "-i", source]
    raise CameraError(f"camera source must be /dev/videoN, rtsp://… or lavfi:…, not {source!r}")


def _filter_path(path: Path) -> str:
    text = str(path)
    if _FILTER_SPECIALS & set(text):
        raise CameraError(
            f"camera path {text!r} must not contain any of {''.join(_FILTER_SPECIALS)}"
        )
    return text


def overlay_text(order_code: str) -> str:
    """What is burnt into the picture: the order code and the station's local date and time."""
    # drawtext expands %{…} and treats "\" as an escape: a scanned code is shown as it is.
    safe = order_code.replace("\\", "\\\\").replace("%", "\\%")
    return f"{safe}  %{{localtime:%Y-%m-%d %T}}"


def ffmpeg_command(settings: CameraSection, out: Path, text_file: Path) -> list[str]:
    """The ffmpeg command line of one recording."""
    drawtext = (
        f"drawtext=fontfile={_filter_path(Path(settings.font))}"
        f":textfile={_filter_path(text_file)}"
        ":x=16:y=16:fontsize=h/18:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=8"
    )
    return [
        settings.ffmpeg, "-hide_banner", "-nostats", "-loglevel", "error", "-y",
        *input_args(settings.source),
        "-t", str(int(settings.max_minutes * 60)),
        "-vf", drawtext,
        "-an", "-c:v", "libx264", "-preset", "veryfast", "-crf", str(settings.crf),
        "-pix_fmt", "yuv420p", "-movflags", "+faststart",
        str(out),
    ]  # fmt: skip


@dataclass
class _Recording:
    clip_id: str
    order_code: str
    path: Path
    text_file: Path
    log_file: Path
    started_at: datetime
    process: subprocess.Popen[bytes]


class Camera:
    """Records clips on its own thread; `opened`/`closed` only queue a command and return."""

    def __init__(self, settings: CameraSection, clips: ClipJournal) -> None:
        input_args(settings.source)  # refuse an unusable source at start, not at the first parcel
        self.settings = settings
        self.dir = Path(settings.dir)
        self.dir.mkdir(parents=True, exist_ok=True)
        _filter_path(self.dir)
        self.clips = clips
        #: Told (once per failure episode) when the camera or ffmpeg fails.
        self.on_failure: Callable[[str], None] = lambda error: None
        #: Told when a clip is finished and queued for upload.
        self.on_clip: Callable[[], None] = lambda: None
        self._commands: queue.Queue[tuple[str, tuple[object, ...]]] = queue.Queue()
        self._current: _Recording | None = None
        self._failed = False  # the operator was told; quiet until a recording works again
        self._thread = threading.Thread(target=self._run, name="station-camera", daemon=True)
        self._idle = threading.Event()
        self._idle.set()

    def start(self) -> None:
        """Start the recorder thread (recordings a crash interrupted are marked lost)."""
        for clip in self.clips.recover():
            log.error(
                "clip %s of %s was interrupted by a stop: lost", clip.clip_id, clip.order_code
            )
        self._thread.start()

    def opened(self, event_id: str, order_code: str, at: datetime) -> None:
        """A parcel is opened: finish any clip still running, start a new one."""
        self._send("open", event_id, order_code, at)

    def closed(self, at: datetime) -> None:
        """The receipt is closed: finish the clip."""
        self._send("close", at)

    def stop(self) -> None:
        """Finish the running clip (kept and sent later) and end the thread."""
        if not self._thread.is_alive():
            return
        self._send("stop")
        self._thread.join(timeout=STOP_TIMEOUT + 5)

    def wait_idle(self, timeout: float) -> bool:
        """Wait until every queued command is done (tests, shutdown)."""
        return self._idle.wait(timeout)

    @property
    def recording(self) -> bool:
        """Whether a clip is being recorded."""
        return self._current is not None

    # -- the recorder thread -----------------------------------------------------------------

    def _send(self, command: str, *args: object) -> None:
        self._idle.clear()
        self._commands.put((command, args))

    def _run(self) -> None:
        while True:
            try:
                command, args = self._commands.get(timeout=HEALTH_SECONDS)
            except queue.Empty:
                self._check_health()
                continue
            try:
                if command == "open":
                    self._finish(datetime.now(UTC))
                    self._begin(str(args[0]), str(args[1]), args[2])  # type: ignore[arg-type]
                elif command == "close":
                    self._finish(args[0])  # type: ignore[arg-type]
                elif command == "stop":
                    self._finish(datetime.now(UTC))
                    return
            except Exception:  # the camera must never take the station down
                log.exception("camera command %s failed", command)
            finally:
                if self._commands.empty():
                    self._idle.set()

    def _begin(self, event_id: str, order_code: str, at: datetime) -> None:
        clip_id = str(uuid.uuid4())
        path = self.dir / f"{clip_id}.mp4"
        text_file, log_file = path.with_suffix(".txt"), path.with_suffix(".log")
        text_file.write_text(overlay_text(order_code), encoding="utf-8")
        self.clips.start(clip_id, event_id, order_code, str(path), at)
        try:
            with log_file.open("wb") as errors:
                process = subprocess.Popen(
                    ffmpeg_command(self.settings, path, text_file),
                    stdin=subprocess.PIPE,
                    stdout=subprocess.DEVNULL,
                    stderr=errors,
                )
        except OSError as exc:
            self.clips.settle(clip_id, ClipStatus.LOST, f"ffmpeg did not start: {exc}")
            self._failed_now(f"ffmpeg did not start: {exc}")
            return
        self._current = _Recording(clip_id, order_code, path, text_file, log_file, at, process)
        log.info("recording %s for %s", clip_id, order_code)

    def _finish(self, at: datetime) -> None:
        rec, self._current = self._current, None
        if rec is None:
            return
        code = _stop(rec.process)
        rec.text_file.unlink(missing_ok=True)
        size = rec.path.stat().st_size if rec.path.exists() else 0
        if code != 0 or size == 0:
            error = _tail(rec.log_file) or f"ffmpeg exit code {code}"
            self.clips.settle(rec.clip_id, ClipStatus.LOST, error)
            self._failed_now(error)
            return
        rec.log_file.unlink(missing_ok=True)
        self.clips.finish(rec.clip_id, max(at, rec.started_at), size, _sha256(rec.path))
        self._failed = False
        log.info("clip %s of %s: %d bytes", rec.clip_id, rec.order_code, size)
        self.on_clip()

    def _check_health(self) -> None:
        rec = self._current
        if rec is None or rec.process.poll() is None:
            return
        if rec.process.returncode == 0:
            # The length cap was reached: keep what was recorded.
            self._finish(datetime.now(UTC))
            return
        self._current = None
        rec.text_file.unlink(missing_ok=True)
        error = _tail(rec.log_file) or f"ffmpeg exit code {rec.process.returncode}"
        self.clips.settle(rec.clip_id, ClipStatus.LOST, error)
        self._failed_now(error)

    def _failed_now(self, error: str) -> None:
        log.error("camera failed: %s", error)
        if not self._failed:
            self._failed = True
            self.on_failure(error)


def _stop(process: subprocess.Popen[bytes]) -> int:
    """End a recording so the MP4 is finished: "q" on stdin, then SIGTERM, then SIGKILL."""
    if process.poll() is None and process.stdin is not None:
        try:
            process.stdin.write(b"q")
            process.stdin.flush()
        except OSError:  # ffmpeg already gone
            pass
    try:
        return process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.terminate()  # ffmpeg also finishes the file on SIGTERM
    try:
        return process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.wait()
    finally:
        if process.stdin is not None:
            process.stdin.close()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fp:
        while chunk := fp.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def _tail(path: Path, limit: int = 300) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return ""
    return text[-limit:]


def make_camera(settings: StationSettings, journal: Journal) -> Camera | None:
    """The camera `[camera] source` names, or None when the station records no video."""
    if not settings.camera.source:
        return None
    return Camera(settings.camera, journal.clips)


class ClipUploader:
    """Sends finished clips in journal order, each after its opening scan reached the server."""

    def __init__(self, clips: ClipJournal, client: StationClient, settings: CameraSection) -> None:
        self.clips = clips
        self.client = client
        self.timeout = settings.upload_timeout_seconds

    def send_once(self) -> bool:
        """Upload the next clip; True if it reached a verdict (stored or refused)."""
        clip = self.clips.next_to_send()
        if clip is None:
            return False
        path = Path(clip.path)
        if not path.is_file():
            self.clips.settle(clip.clip_id, ClipStatus.LOST, f"file missing: {path}")
            return True
        try:
            stored = self.client.upload_clip(clip.clip_id, path, _meta(clip), timeout=self.timeout)
        except TooEarly as exc:
            # The server has no record of the opening scan: wait, unless it was refused for good.
            if self.clips.start_event_status(clip) is EventStatus.FAILED:
                self._refused(clip, "opening scan refused by the server")
                return True
            self.clips.note_attempt(clip.clip_id, str(exc))
            return False
        except Unauthorized as exc:
            self.clips.note_attempt(clip.clip_id, str(exc))
            return False
        except ServerUnreachable as exc:
            self.clips.note_attempt(clip.clip_id, str(exc))
            return False
        except RequestRejected as exc:
            self._refused(clip, f"{exc.code}: {exc.message}")
            return True
        self.clips.settle(clip.clip_id, ClipStatus.SENT)
        path.unlink(missing_ok=True)  # the server keeps it now
        log.info("clip %s sent: %s", clip.clip_id, stored)
        return True

    def _refused(self, clip: ClipEntry, error: str) -> None:
        # The file stays on disk for a supervisor; the exceptions queue says where it is.
        self.clips.settle(clip.clip_id, ClipStatus.FAILED, error)
        log.error("clip %s (%s) refused: %s", clip.clip_id, clip.order_code, error)
        try:
            self.client.report_exception(
                event_id=clip.clip_id,
                code=clip.order_code,
                error="clip_refused",
                detail=f"{error}; file kept at {clip.path}",
            )
        except (ServerUnreachable, RequestRejected) as exc:
            log.error("could not report the refused clip: %s", exc)


def _meta(clip: ClipEntry) -> dict[str, str]:
    return {
        "start_event_id": clip.start_event_id,
        "order_code": clip.order_code[:64],
        "started_at": clip.started_at,
        "ended_at": clip.ended_at or clip.started_at,
        "sha256": clip.sha256 or "",
    }
