"""The station's SQLite journal: every scan before it is sent, replay order, reserved LPN blocks."""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

from stations.codes import format_lpn, parse_lpn

SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,       -- replay order
    event_id TEXT NOT NULL UNIQUE,
    code TEXT NOT NULL,                          -- raw scan, GS (0x1D) kept
    symbology TEXT,
    scanned_at TEXT NOT NULL,
    lpn TEXT UNIQUE,                             -- assigned offline from a reserved block
    printed_locally INTEGER NOT NULL DEFAULT 0,  -- the station already printed for this scan
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    response TEXT,
    error TEXT,
    reported INTEGER NOT NULL DEFAULT 0,         -- a failure was reported to the server
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_events_status_seq ON events (status, seq);
CREATE TABLE IF NOT EXISTS lpn_blocks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    first INTEGER NOT NULL,
    last INTEGER NOT NULL,
    next INTEGER NOT NULL,                       -- next number to hand out; > last = used up
    reserved_at TEXT NOT NULL,
    CHECK (first <= next AND next <= last + 1)
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
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


class EventStatus(StrEnum):
    """Where a journalled scan is: waiting, accepted by the server, or given up on."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


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


class JournalError(Exception):
    """The journal refused an operation (e.g. an overlapping LPN block)."""


@dataclass(frozen=True)
class JournalEntry:
    """One journalled scan."""

    seq: int
    event_id: str
    code: str
    symbology: str | None
    scanned_at: str
    lpn: str | None
    printed_locally: bool
    status: EventStatus
    attempts: int
    response: dict[str, Any] | None
    error: str | None
    reported: bool

    def payload(self, *, offline: bool) -> dict[str, Any]:
        """The body of `POST /api/v1/scan` for this event."""
        return {
            "event_id": self.event_id,
            "code": self.code,
            "symbology": self.symbology,
            "scanned_at": self.scanned_at,
            "lpn": self.lpn,
            "offline": offline,
        }


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class Journal:
    """Thread-safe; each change is its own committed transaction (WAL, synchronous=FULL)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        # FULL: a scan acknowledged to the operator survives a power cut, not only a crash.
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("PRAGMA busy_timeout=5000")
        with self._lock:
            self._db.executescript(SCHEMA)  # idempotent (IF NOT EXISTS); commits by itself
        self.clips = ClipJournal(self)

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    # -- scans -------------------------------------------------------------------------------

    def record(
        self, code: str, symbology: str | None, scanned_at: datetime, *, event_id: str | None = None
    ) -> JournalEntry:
        """Store a new scan as pending and return it (before anything is sent)."""
        event_id = event_id or str(uuid.uuid4())
        stamp = _now()
        with self._tx() as db:
            db.execute(
                "INSERT INTO events (event_id, code, symbology, scanned_at, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (event_id, code, symbology, scanned_at.isoformat(), stamp, stamp),
            )
        return self.get(event_id)

    def get(self, event_id: str) -> JournalEntry:
        """One entry by event id; KeyError if unknown."""
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM events WHERE event_id = ?", (event_id,)
            ).fetchone()
        if row is None:
            raise KeyError(event_id)
        return _entry(row)

    def first_pending(self) -> JournalEntry | None:
        """The oldest event not yet accepted: the only one that may be sent next."""
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM events WHERE status = 'pending' ORDER BY seq LIMIT 1"
            ).fetchone()
        return _entry(row) if row else None

    def last_seq(self) -> int:
        """The sequence number of the newest entry (0 when empty)."""
        with self._lock:
            row = self._db.execute("SELECT coalesce(max(seq), 0) FROM events")
            return int(row.fetchone()[0])

    def backlog(self) -> int:
        """How many events wait to be sent."""
        with self._lock:
            row = self._db.execute("SELECT count(*) FROM events WHERE status = 'pending'")
            return int(row.fetchone()[0])

    def entries(self, status: EventStatus | None = None) -> list[JournalEntry]:
        """All entries in order (optionally of one status)."""
        sql, args = "SELECT * FROM events ORDER BY seq", tuple[str, ...]()
        if status is not None:
            sql, args = "SELECT * FROM events WHERE status = ? ORDER BY seq", (status.value,)
        with self._lock:
            return [_entry(r) for r in self._db.execute(sql, args).fetchall()]

    def mark_sent(self, event_id: str, response: Mapping[str, Any]) -> None:
        """The server answered 2xx: store its response; the event is done."""
        self._finish(event_id, EventStatus.SENT, response, None)

    def mark_failed(
        self, event_id: str, error: str, response: Mapping[str, Any] | None = None
    ) -> None:
        """The server refused the event for good; it leaves the replay queue."""
        self._finish(event_id, EventStatus.FAILED, response, error)

    def note_attempt(self, event_id: str, error: str) -> None:
        """A send did not reach a verdict (server unreachable); the event stays pending."""
        with self._tx() as db:
            db.execute(
                "UPDATE events SET attempts = attempts + 1, error = ?, updated_at = ?"
                " WHERE event_id = ? AND status = 'pending'",
                (error, _now(), event_id),
            )

    def mark_printed_locally(self, event_id: str) -> None:
        """The station printed for this scan itself (offline label, local reprint)."""
        with self._tx() as db:
            db.execute(
                "UPDATE events SET printed_locally = 1, updated_at = ? WHERE event_id = ?",
                (_now(), event_id),
            )

    def unreported_failures(self) -> list[JournalEntry]:
        """Failed events the server's exception queue has not heard about yet."""
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM events WHERE status = 'failed' AND reported = 0 ORDER BY seq"
            ).fetchall()
        return [_entry(r) for r in rows]

    def mark_reported(self, event_id: str) -> None:
        """The server accepted the exception report for this event."""
        with self._tx() as db:
            db.execute("UPDATE events SET reported = 1 WHERE event_id = ?", (event_id,))

    def prune(self, older_than: timedelta = timedelta(days=30)) -> int:
        """Delete settled events older than this; pending and unreported ones are kept."""
        cutoff = (datetime.now(UTC) - older_than).isoformat()
        with self._tx() as db:
            cursor = db.execute(
                "DELETE FROM events WHERE updated_at < ? AND (status = 'sent' OR"
                " (status = 'failed' AND reported = 1))",
                (cutoff,),
            )
            # Clips the server has (files already deleted) or that could never be sent.
            db.execute(
                "DELETE FROM clips WHERE updated_at < ? AND status IN ('sent', 'lost')", (cutoff,)
            )
            return cursor.rowcount

    def _finish(
        self,
        event_id: str,
        status: EventStatus,
        response: Mapping[str, Any] | None,
        error: str | None,
    ) -> None:
        body = json.dumps(dict(response), ensure_ascii=False) if response is not None else None
        with self._tx() as db:
            cursor = db.execute(
                "UPDATE events SET status = ?, response = ?, error = ?, attempts = attempts + 1,"
                " updated_at = ? WHERE event_id = ? AND status = 'pending'",
                (status.value, body, error, _now(), event_id),
            )
            if cursor.rowcount != 1:
                raise JournalError(f"event {event_id} is not pending")

    # -- LPN blocks --------------------------------------------------------------------------

    def add_lpn_block(self, first: str, last: str) -> int:
        """Store a block the server reserved for this station; return how many LPNs it holds."""
        low, high = parse_lpn(first), parse_lpn(last)
        if low > high:
            raise JournalError(f"empty LPN block {first}..{last}")
        with self._tx() as db:
            overlap = db.execute(
                "SELECT first, last FROM lpn_blocks WHERE NOT (last < ? OR first > ?)", (low, high)
            ).fetchone()
            if overlap is not None:
                raise JournalError(
                    f"LPN block {first}..{last} overlaps a stored block "
                    f"{format_lpn(overlap['first'])}..{format_lpn(overlap['last'])}"
                )
            db.execute(
                "INSERT INTO lpn_blocks (first, last, next, reserved_at) VALUES (?, ?, ?, ?)",
                (low, high, low, _now()),
            )
        return high - low + 1

    def assign_lpn(self, event_id: str) -> str | None:
        """Give this event the next free LPN (once; atomic); None when every block is used up."""
        with self._tx() as db:
            row = db.execute("SELECT lpn FROM events WHERE event_id = ?", (event_id,)).fetchone()
            if row is None:
                raise KeyError(event_id)
            if row["lpn"] is not None:
                return str(row["lpn"])
            block = db.execute(
                "SELECT id, next FROM lpn_blocks WHERE next <= last ORDER BY first LIMIT 1"
            ).fetchone()
            if block is None:
                return None
            lpn = format_lpn(block["next"])
            db.execute("UPDATE lpn_blocks SET next = next + 1 WHERE id = ?", (block["id"],))
            db.execute(
                "UPDATE events SET lpn = ?, updated_at = ? WHERE event_id = ?",
                (lpn, _now(), event_id),
            )
        return lpn

    def lpns_left(self) -> int:
        """Unused LPNs across all reserved blocks."""
        with self._lock:
            row = self._db.execute("SELECT coalesce(sum(last - next + 1), 0) FROM lpn_blocks")
            return int(row.fetchone()[0])

    # -- small key/value memory (last role and language seen from the server) ----------------

    def get_meta(self, key: str) -> str | None:
        """A remembered value."""
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else None

    def set_meta(self, key: str, value: str) -> None:
        """Remember a value across restarts."""
        with self._tx() as db:
            db.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )


class ClipJournal:
    """The clip queue inside the journal database (same connection, same lock)."""

    def __init__(self, journal: Journal) -> None:
        self._journal = journal

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


def _entry(row: sqlite3.Row) -> JournalEntry:
    return JournalEntry(
        seq=row["seq"],
        event_id=row["event_id"],
        code=row["code"],
        symbology=row["symbology"],
        scanned_at=row["scanned_at"],
        lpn=row["lpn"],
        printed_locally=bool(row["printed_locally"]),
        status=EventStatus(row["status"]),
        attempts=row["attempts"],
        response=json.loads(row["response"]) if row["response"] else None,
        error=row["error"],
        reported=bool(row["reported"]),
    )
