"""The station's camera: a real ffmpeg recording per opened parcel; a broken camera costs only video."""

from __future__ import annotations

import hashlib
import json
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from stations.camera import Camera, ffmpeg_command, opens_receipt, overlay_text
from stations.journal import ClipStatus, Journal
from stations.settings import CameraSection, load_station_settings
from tests.stations.fake_wms import FakeWms
from tests.stations.station_kit import RecordingView, make_station, scan, wait_for

TESTSRC = "lavfi:testsrc=size=320x240:rate=10"
EAN = "4006381333931"


def probe_seconds(path: Path) -> float:
    """The duration ffprobe reads from a file (0 if it cannot)."""
    done = subprocess.run(
        ["/usr/bin/ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "json",
         str(path)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        return 0.0
    return float(json.loads(done.stdout)["format"]["duration"])


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    j = Journal(tmp_path / "journal.sqlite")
    yield j
    j.close()


def camera(tmp_path: Path, journal: Journal, source: str = TESTSRC) -> tuple[Camera, list[str]]:
    cam = Camera(CameraSection(source=source, dir=str(tmp_path / "clips")), journal.clips)
    failures: list[str] = []
    cam.on_failure = failures.append
    cam.start()
    return cam, failures


@pytest.mark.parametrize(
    ("code", "opens"),
    [
        ("512345678", True),  # Kaspi order code
        ("WB-R-0042", True),
        ("CMD:BLIND", True),
        (EAN, False),
        ("LPN0000000001", False),
        ("OP-0001", False),
        ("BIN-A-01", False),
        ("CMD:CLOSE", False),
        ("", False),
    ],
)
def test_which_scans_open_a_parcel(code: str, opens: bool) -> None:
    assert opens_receipt(code, None) is opens


def test_a_receipt_is_recorded_to_a_finished_mp4_with_the_code_burnt_in(
    tmp_path: Path, journal: Journal
) -> None:
    cam, failures = camera(tmp_path, journal)
    try:
        cam.opened("ev-000000001", "512345678", datetime.now(UTC))
        assert cam.wait_idle(10)
        text_file = next((tmp_path / "clips").glob("*.txt"))
        assert text_file.read_text() == "512345678  %{localtime:%Y-%m-%d %T}"
        wait_for(lambda: any(p.stat().st_size for p in (tmp_path / "clips").glob("*.mp4")), 10)
        cam.closed(datetime.now(UTC))
        assert cam.wait_idle(20)
    finally:
        cam.stop()
    (clip,) = journal.clips.entries()
    assert clip.status is ClipStatus.PENDING
    assert (clip.start_event_id, clip.order_code) == ("ev-000000001", "512345678")
    path = Path(clip.path)
    assert clip.size == path.stat().st_size
    assert clip.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert probe_seconds(path) > 0  # "q" on stdin let ffmpeg finish the file
    assert not list((tmp_path / "clips").glob("*.txt"))
    assert not list((tmp_path / "clips").glob("*.log"))
    assert failures == []


def test_a_new_order_code_finishes_the_running_clip_and_starts_another(
    tmp_path: Path, journal: Journal
) -> None:
    cam, _ = camera(tmp_path, journal)
    try:
        cam.opened("ev-000000001", "512345678", datetime.now(UTC))
        wait_for(lambda: any(p.stat().st_size for p in (tmp_path / "clips").glob("*.mp4")), 10)
        cam.opened("ev-000000002", "512345679", datetime.now(UTC))
        assert cam.wait_idle(20)
        assert cam.recording
    finally:
        cam.stop()
    first, second = journal.clips.entries()
    assert first.order_code == "512345678"
    assert first.status is ClipStatus.PENDING
    # Stopping the station finishes the running clip: it is sent after the restart.
    assert second.order_code == "512345679"
    assert second.status is ClipStatus.PENDING


def test_a_missing_camera_is_told_once_and_loses_only_the_video(
    tmp_path: Path, journal: Journal
) -> None:
    cam, failures = camera(tmp_path, journal, source="/dev/video-not-plugged")
    try:
        for n in range(2):
            cam.opened(f"ev-00000000{n}", f"51234567{n}", datetime.now(UTC))
            assert cam.wait_idle(10)
            wait_for(lambda: not cam.recording, 10)  # ffmpeg gave up: noticed by the health check
            cam.closed(datetime.now(UTC))
            assert cam.wait_idle(10)
    finally:
        cam.stop()
    assert len(failures) == 1, failures
    assert "video-not-plugged" in failures[0]
    assert {c.status for c in journal.clips.entries()} == {ClipStatus.LOST}


def test_a_recording_cut_by_a_crash_is_marked_lost_at_the_next_start(
    tmp_path: Path, journal: Journal
) -> None:
    journal.clips.start("c-1", "ev-1", "512345678", str(tmp_path / "c-1.mp4"), datetime.now(UTC))
    cam, _ = camera(tmp_path, journal)
    cam.stop()
    (clip,) = journal.clips.entries()
    assert clip.status is ClipStatus.LOST
    assert journal.clips.next_to_send() is None


def test_scanning_goes_on_when_the_camera_fails(tmp_path: Path) -> None:
    wms = FakeWms().start()
    station = make_station(tmp_path, wms)
    broken = Camera(
        CameraSection(source="/dev/video-not-plugged", dir=str(tmp_path / "clips")),
        station.journal.clips,
    )
    station.camera = broken
    try:
        assert station.connect()
        station.start()
        for code in ("OP-0001", "512345678", EAN, "CMD:CLOSE"):
            station.handle_scan(scan(code))
        wait_for(lambda: broken.wait_idle(0) and not broken.recording, 10)
        assert wms.applied_codes() == ["OP-0001", "512345678", EAN, "CMD:CLOSE"]
        view = station.view
        assert isinstance(view, RecordingView)
        told = [
            w for s, _ in view.shown for w in s.warnings if w.startswith("Камера не записывает")
        ]
        assert told, "the operator is told"
    finally:
        station.stop()
        station.client.close()
        station.journal.close()
        wms.stop()


def test_the_ffmpeg_command_reads_the_source_and_draws_the_text(tmp_path: Path) -> None:
    settings = CameraSection(source="rtsp://10.0.0.30/stream1", crf=30, max_minutes=2)
    argv = ffmpeg_command(settings, tmp_path / "x.mp4", tmp_path / "x.txt")
    assert argv[argv.index("-i") + 1] == "rtsp://10.0.0.30/stream1"
    assert argv[argv.index("-rtsp_transport") + 1] == "tcp"
    assert argv[argv.index("-t") + 1] == "120"
    drawtext = argv[argv.index("-vf") + 1]
    assert f"textfile={tmp_path / 'x.txt'}" in drawtext
    assert "fontfile=/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf" in drawtext
    v4l2 = ffmpeg_command(CameraSection(source="/dev/video0"), tmp_path / "x.mp4", tmp_path / "t")
    assert v4l2[v4l2.index("-f") + 1 : v4l2.index("-f") + 4] == ["v4l2", "-i", "/dev/video0"]
    # A code with drawtext's own escape characters is shown as scanned.
    assert overlay_text("A%B\\C").startswith("A\\%B\\\\C  ")


def test_the_camera_section_is_read_from_the_environment() -> None:
    settings = load_station_settings(env={"WMS_CAMERA__SOURCE": TESTSRC, "WMS_CONFIG": ""})
    assert settings.camera.source == TESTSRC
    assert settings.camera.max_minutes == 30


def test_online_only_an_accepted_order_code_starts_a_recording(tmp_path: Path) -> None:
    wms = FakeWms().start()
    station = make_station(tmp_path, wms)
    cam = Camera(CameraSection(source=TESTSRC, dir=str(tmp_path / "clips")), station.journal.clips)
    station.camera = cam
    try:
        assert station.connect()
        station.start()
        station.handle_scan(scan("OP-0001"))
        station.handle_scan(scan("FAIL-404"))  # the server refuses this order code
        assert cam.wait_idle(10)
        assert not cam.recording
        station.handle_scan(scan("512345678"))
        assert cam.wait_idle(10)
        assert cam.recording
        station.handle_scan(scan("CMD:CLOSE"))
        assert cam.wait_idle(20)
        assert not cam.recording
        (clip,) = station.journal.clips.entries()
        assert (clip.order_code, clip.status) == ("512345678", ClipStatus.PENDING)
    finally:
        station.stop()
        station.client.close()
        station.journal.close()
        wms.stop()
