"""The station's clip queue: recorded videos waiting to be uploaded, kept in the journal's file."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from stations.journal import EventStatus, Journal

SCHEMA = """
CREATE TABLE IF NOT EXISTS clips (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,       -- upload order
    clip_id TEXT NOT NULL UNIQUE,
    start_event_id TEXT NOT NULL,                -- the scan that opened the receipt
    order_code TEXT NOT NULL,
    path TEXT NOT NULL,
    started_at TEXT NOT NULL,
    ended_at TEXT,
    size INTEGER,
    sha256 TEXT,
    status TEXT NOT NULL DEFAULT 'recording'
        CHECK (status IN ('recording', 'pending', 'sent', 'failed', 'lost')),
    attempts INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_clips_status_seq ON clips (status, seq);
"""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class ClipStatus(StrEnum):
    """Where a clip is: being recorded, waiting to be sent, sent, refused, or never finished."""

    RECORDING = "recording"
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    LOST = "lost"


@dataclass(frozen=True)
class ClipEntry:
    """One recorded (or recording) clip in the journal."""

    clip_id: str
    start_event_id: str
    order_code: str
    path: str
    started_at: str
    ended_at: str | None
    size: int | None
    sha256: str | None
    status: ClipStatus
    attempts: int
    error: str | None


class ClipJournal:
    """The clip queue inside the journal database (same connection, same lock)."""

    def __init__(self, journal: Journal) -> None:
        self._journal = journal
        with journal._lock:
            journal._db.executescript(SCHEMA)  # idempotent; older journals gain the table

    def start(
        self, clip_id: str, start_event_id: str, order_code: str, path: str, started_at: datetime
    ) -> None:
        """A recording began (before ffmpeg runs, so a crash leaves a trace)."""
        stamp = _now()
        with self._journal._tx() as db:
            db.execute(
                "INSERT INTO clips (clip_id, start_event_id, order_code, path, started_at,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (clip_id, start_event_id, order_code, path, started_at.isoformat(), stamp, stamp),
            )

    def finish(self, clip_id: str, ended_at: datetime, size: int, sha256: str) -> None:
        """The recording is a finished file: queue it for upload."""
        with self._journal._tx() as db:
            db.execute(
                "UPDATE clips SET status = 'pending', ended_at = ?, size = ?, sha256 = ?,"
                " updated_at = ? WHERE clip_id = ? AND status = 'recording'",
                (ended_at.isoformat(), size, sha256, _now(), clip_id),
            )

    def settle(self, clip_id: str, status: ClipStatus, error: str | None = None) -> None:
        """Sent, refused for good, or lost (no usable file): it leaves the upload queue."""
        with self._journal._tx() as db:
            db.execute(
                "UPDATE clips SET status = ?, error = coalesce(?, error), updated_at = ?"
                " WHERE clip_id = ?",
                (status.value, error, _now(), clip_id),
            )

    def note_attempt(self, clip_id: str, error: str) -> None:
        """An upload did not reach a verdict; the clip stays queued."""
        with self._journal._tx() as db:
            db.execute(
                "UPDATE clips SET attempts = attempts + 1, error = ?, updated_at = ?"
                " WHERE clip_id = ?",
                (error, _now(), clip_id),
            )

    def next_to_send(self) -> ClipEntry | None:
        """The oldest finished clip whose opening scan is no longer waiting in the journal."""
        with self._journal._lock:
            row = self._journal._db.execute(
                "SELECT c.* FROM clips c LEFT JOIN events e ON e.event_id = c.start_event_id"
                " WHERE c.status = 'pending' AND coalesce(e.status, 'sent') != 'pending'"
                " ORDER BY c.seq LIMIT 1"
            ).fetchone()
        return _clip(row) if row else None

    def start_event_status(self, clip: ClipEntry) -> EventStatus | None:
        """What became of the scan that opened the clip's receipt (None if pruned)."""
        try:
            return self._journal.get(clip.start_event_id).status
        except KeyError:
            return None

    def get(self, clip_id: str) -> ClipEntry:
        """One clip by id; KeyError if unknown."""
        with self._journal._lock:
            row = self._journal._db.execute(
                "SELECT * FROM clips WHERE clip_id = ?", (clip_id,)
            ).fetchone()
        if row is None:
            raise KeyError(clip_id)
        return _clip(row)

    def entries(self) -> list[ClipEntry]:
        """Every clip, oldest first."""
        with self._journal._lock:
            rows = self._journal._db.execute("SELECT * FROM clips ORDER BY seq").fetchall()
        return [_clip(r) for r in rows]

    def backlog(self) -> int:
        """Finished clips waiting to be sent."""
        with self._journal._lock:
            row = self._journal._db.execute("SELECT count(*) FROM clips WHERE status = 'pending'")
            return int(row.fetchone()[0])

    def recover(self) -> list[ClipEntry]:
        """At start: recordings the station died in the middle of cannot be finished: lost."""
        with self._journal._lock:
            rows = self._journal._db.execute(
                "SELECT * FROM clips WHERE status = 'recording'"
            ).fetchall()
        lost = [_clip(r) for r in rows]
        for clip in lost:
            self.settle(clip.clip_id, ClipStatus.LOST, "station stopped while recording")
        return lost


def _clip(row: sqlite3.Row) -> ClipEntry:
    return ClipEntry(
        clip_id=row["clip_id"],
        start_event_id=row["start_event_id"],
        order_code=row["order_code"],
        path=row["path"],
        started_at=row["started_at"],
        ended_at=row["ended_at"],
        size=row["size"],
        sha256=row["sha256"],
        status=ClipStatus(row["status"]),
        attempts=row["attempts"],
        error=row["error"],
    )
