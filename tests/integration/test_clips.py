"""Video clips: a station's upload attached to the return order, idempotent, limited, scoped, purged."""

from __future__ import annotations

import hashlib
import subprocess
import threading
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from tests.conftest import Station, snapshot
from tests.integration.dashboard.pages import logged_in
from tests.integration.test_scan_flows import HEADPHONES
from wms.db.models import AuditEvent, Clip, ReturnOrder
from wms.services import clips
from wms.settings import Settings

FFMPEG = "/usr/bin/ffmpeg"


@pytest.fixture(scope="module")
def mp4(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """One second of ffmpeg's test picture as a finished MP4 (small)."""
    out = tmp_path_factory.mktemp("clip") / "clip.mp4"
    subprocess.run(
        [FFMPEG, "-v", "error", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=10",
         "-t", "1", "-c:v", "libx264", "-pix_fmt", "yuv420p", str(out)],
        check=True,
    )  # fmt: skip
    return out.read_bytes()


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The shared test settings with a small clip limit (so 'too large' is cheap to show)."""
    return settings.with_overrides(clips={"max_upload_mb": 0.1})


def open_receipt(station: Any) -> tuple[Station, str]:
    """Badge, order code (its event id returned), one unit, close: a receipt as recorded."""
    receipt = station("receipt")
    receipt.ok("OP-0001")
    event_id = str(uuid.uuid4())
    receipt.ok("512345678", event_id=event_id)
    receipt.ok(HEADPHONES)
    receipt.ok("CMD:CLOSE")
    return receipt, event_id


def put(client: Any, token: str, clip_id: str, body: bytes, start: str, **extra: Any) -> Any:
    """Upload a clip like a station does."""
    started = datetime.now(UTC) - timedelta(minutes=1)
    query = {
        "start_event_id": start,
        "order_code": "512345678",
        "started_at": started.isoformat(),
        "ended_at": (started + timedelta(seconds=40)).isoformat(),
        "sha256": hashlib.sha256(body).hexdigest(),
        **extra,
    }
    headers = {"Authorization": f"Bearer {token}", "Content-Type": extra.pop("ctype", "video/mp4")}
    query.pop("ctype", None)
    return client.put(f"/api/v1/clips/{clip_id}?{urlencode(query)}", data=body, headers=headers)


def test_a_clip_is_attached_to_the_order_its_first_scan_opened_once(
    station: Any, client: Any, database: Any, settings: Settings, mp4: bytes
) -> None:
    receipt, start = open_receipt(station)
    clip_id = str(uuid.uuid4())
    first = put(client, receipt.token, clip_id, mp4, start)
    assert first.status_code == 201, first.get_json()
    body = first.get_json()
    assert body["created"] is True
    assert body["size"] == len(mp4)
    assert 900 <= body["duration_ms"] <= 1100  # the movie header says one second
    again = put(client, receipt.token, clip_id, mp4, start)
    assert again.status_code == 200
    assert again.get_json() == {**body, "created": False}
    with database.reading() as s:
        clip = s.execute(sa.select(Clip)).scalar_one()
        order = s.get(ReturnOrder, clip.return_order_id)
        assert order is not None
        assert order.order_code == "512345678"
        assert body["return_order"] == order.number
        assert clip.merchant_id == order.merchant_id
        assert clip.operator_id is not None
        assert clip.sha256 == hashlib.sha256(mp4).hexdigest()
        audit = s.execute(sa.select(AuditEvent).where(AuditEvent.action == "clip")).scalar_one()
        assert audit.entity_id == order.id
    stored = Path(settings.clips.dir) / clip.path
    assert stored.read_bytes() == mp4
    assert not any((Path(settings.clips.dir) / "tmp").iterdir())  # no leftovers
    # The same clip id with other bytes is a conflict, not a second clip.
    other = put(client, receipt.token, clip_id, mp4[:-1] + b"\0", start)
    assert other.status_code == 409
    with database.reading() as s:
        evidence = clips.evidence_clips(s, Path(settings.clips.dir), clip.return_order_id)
    assert [(e.path, e.sha256) for e in evidence] == [(stored.resolve(), clip.sha256)]


def test_bad_uploads_are_refused_and_change_nothing(
    station: Any, client: Any, database: Any, demo: dict[str, Any], settings: Settings, mp4: bytes
) -> None:
    receipt, start = open_receipt(station)
    before = snapshot(database)
    cases = {
        415: put(client, receipt.token, str(uuid.uuid4()), mp4, start, ctype="application/json"),
        # Not an MP4, though labelled as one.
        422: put(client, receipt.token, str(uuid.uuid4()), b"\0" * 5000, start),
        # The scan that opened the receipt has not reached the server: the station retries later.
        425: put(client, receipt.token, str(uuid.uuid4()), mp4, str(uuid.uuid4())),
        413: put(client, receipt.token, str(uuid.uuid4()), b"\0" * 200_000, start),
        400: put(client, receipt.token, "bad id!", mp4, start),
    }
    for status, answer in cases.items():
        assert answer.status_code == status, (status, answer.get_json())
        assert "error" in answer.get_json()
    # An unfinished recording (the recorder was killed: no movie header) is refused.
    cut = mp4[: mp4.index(b"moov") - 4] if b"moov" in mp4 else mp4[:100]
    unfinished = put(client, receipt.token, str(uuid.uuid4()), cut, start)
    assert unfinished.status_code == 422
    assert unfinished.get_json()["error"]["details"]["prompt"]["ru"].startswith("Видео не дописано")
    # The checksum the station computed must match what arrived.
    damaged = put(client, receipt.token, str(uuid.uuid4()), mp4, start, sha256="0" * 64)
    assert damaged.status_code == 422
    # Only receipt stations record; no token, no upload.
    tokens = {s["role"]: s["token"] for s in demo["stations"]}
    assert put(client, tokens["inspection"], str(uuid.uuid4()), mp4, start).status_code == 403
    assert client.put(f"/api/v1/clips/{uuid.uuid4()}", data=mp4).status_code == 401
    assert snapshot(database) == before
    assert not list(Path(settings.clips.dir).rglob("*.mp4"))


def test_the_order_page_plays_clips_within_the_merchant_scope(
    app: Any, station: Any, client: Any, database: Any, mp4: bytes
) -> None:
    receipt, start = open_receipt(station)
    clip_id = put(client, receipt.token, str(uuid.uuid4()), mp4, start).get_json()["id"]
    with database.reading() as s:
        order_id = s.execute(sa.select(Clip.return_order_id)).scalar_one()
    supervisor = logged_in(app, "supervisor")
    page = supervisor.get(f"/returns/{order_id}").get_data(as_text=True)
    assert f"/clips/{clip_id}.mp4" in page
    assert "<video" in page
    video = supervisor.get(f"/clips/{clip_id}.mp4", headers={"Range": "bytes=0-99"})
    assert video.status_code == 206
    assert video.mimetype == "video/mp4"
    assert video.get_data() == mp4[:100]
    # The order is ALTYN's: its merchant plays it, another merchant does not even see it.
    own = logged_in(app, "altyn")
    assert f"/clips/{clip_id}.mp4" in own.get(f"/returns/{order_id}").get_data(as_text=True)
    assert own.get(f"/clips/{clip_id}.mp4").get_data() == mp4
    other = logged_in(app, "koktem")
    assert other.get(f"/clips/{clip_id}.mp4").status_code == 404
    assert other.get(f"/returns/{order_id}").status_code == 404
    assert client.get(f"/clips/{clip_id}.mp4").status_code in (302, 401)


def test_purge_deletes_old_clips_and_their_files_but_keeps_held_ones(
    station: Any, client: Any, database: Any, settings: Settings, mp4: bytes, monkeypatch: Any
) -> None:
    receipt, start = open_receipt(station)
    old, held, fresh = (str(uuid.uuid4()) for _ in range(3))
    for clip_id in (old, held, fresh):
        assert put(client, receipt.token, clip_id, mp4, start).status_code == 201
    with database.sessions() as s, s.begin():
        s.execute(
            sa.update(Clip)
            .where(Clip.client_id.in_([old, held]))
            .values(created_at=datetime.now(UTC) - timedelta(days=200))
        )
        s.execute(sa.update(Clip).where(Clip.client_id == held).values(hold=True))
    paths = {c: Path(settings.clips.dir) / p for c, p in _paths(database).items()}
    monkeypatch.setenv("WMS_DATABASE__URL", settings.database.url)
    monkeypatch.setenv("WMS_CLIPS__DIR", settings.clips.dir)
    monkeypatch.delenv("WMS_CONFIG", raising=False)
    from wms.cli import cli

    dry = CliRunner().invoke(cli, ["clips", "purge", "--dry-run"])
    assert dry.exit_code == 0
    assert "would delete 1 clips older than 180 days" in dry.output
    assert len(_paths(database)) == 3
    done = CliRunner().invoke(cli, ["clips", "purge"])
    assert done.exit_code == 0, done.output
    assert set(_paths(database)) == {held, fresh}
    assert not paths[old].exists()
    assert paths[held].exists()
    assert paths[fresh].exists()
    listed = CliRunner().invoke(cli, ["clips", "list", "512345678"])
    assert listed.exit_code == 0
    assert hashlib.sha256(mp4).hexdigest() in listed.output
    # The scheduled job does the same (here run at once, as `wms jobs run` does).
    with database.sessions() as s, s.begin():
        s.execute(
            sa.update(Clip)
            .where(Clip.client_id == fresh)
            .values(created_at=datetime.now(UTC) - timedelta(days=181))
        )
    job = CliRunner().invoke(cli, ["jobs", "run", "clips_purge"])
    assert job.exit_code == 0, job.output
    assert set(_paths(database)) == {held}
    assert not paths[fresh].exists()


def _paths(database: Any) -> dict[str, str]:
    with database.reading() as s:
        return dict(s.execute(sa.select(Clip.client_id, Clip.path)).all())


def test_the_same_clip_sent_four_times_at_once_is_stored_once(
    app: Any, station: Any, client: Any, database: Any, settings: Settings, mp4: bytes
) -> None:
    receipt, start = open_receipt(station)
    clip_id = str(uuid.uuid4())
    barrier = threading.Barrier(4)
    answers: list[int] = []

    def send() -> None:
        own = app.test_client()
        barrier.wait()
        answers.append(put(own, receipt.token, clip_id, mp4, start).status_code)

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(answers) == [200, 200, 200, 201]
    assert len(_paths(database)) == 1
    assert len(list(Path(settings.clips.dir).rglob("*.mp4"))) == 1
    assert not any((Path(settings.clips.dir) / "tmp").iterdir())
