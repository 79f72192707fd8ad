"""The station journal: order, states, crash safety, LPN blocks that never hand out twice."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from stations.journal import EventStatus, Journal, JournalError

NOW = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
MARKING = "010469025752852321k3LInNbH_oG0Q\x1d91EE06"


def test_scans_are_stored_pending_in_order_with_raw_codes(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.sqlite")
    a = journal.record("4601234567893", "]E0", NOW)
    b = journal.record(MARKING, "]d2", NOW)
    assert journal.backlog() == 2
    assert journal.first_pending() == a
    assert journal.get(b.event_id).code == MARKING
    assert b.payload(offline=True) == {
        "event_id": b.event_id,
        "code": MARKING,
        "symbology": "]d2",
        "scanned_at": "2025-03-01T09:30:00+00:00",
        "lpn": None,
        "offline": True,
        "printed_locally": False,
    }
    journal.mark_sent(a.event_id, {"result": "ok"})
    assert journal.first_pending() == journal.get(b.event_id)
    assert journal.get(a.event_id).response == {"result": "ok"}


def test_only_pending_events_change_state(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.sqlite")
    entry = journal.record("CMD:CLOSE", None, NOW)
    journal.note_attempt(entry.event_id, "server unreachable")
    assert journal.get(entry.event_id).status is EventStatus.PENDING
    journal.mark_failed(entry.event_id, "validation_error")
    with pytest.raises(JournalError):
        journal.mark_sent(entry.event_id, {"result": "ok"})
    failed = journal.get(entry.event_id)
    assert failed.status is EventStatus.FAILED
    assert failed.attempts == 2
    assert journal.unreported_failures() == [failed]
    journal.mark_reported(entry.event_id)
    assert journal.unreported_failures() == []
    assert journal.backlog() == 0


CRASHER = """
import os, signal, sys
from datetime import datetime, UTC
from stations.journal import Journal
j = Journal(sys.argv[1])
j.add_lpn_block("LPN0000000001", "LPN0000000005")
for i in range(6):
    e = j.record(f"460123456789{i}", None, datetime.now(UTC))
    if i == 0:
        j.mark_sent(e.event_id, {"result": "ok"})
    else:
        j.assign_lpn(e.event_id)
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_killed_station_reopens_with_every_scan_and_no_lpn_reused(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(CRASHER), str(path)], check=False)
    assert done.returncode == -9
    journal = Journal(path)
    pending = journal.entries(EventStatus.PENDING)
    assert [e.code for e in pending] == [f"460123456789{i}" for i in range(1, 6)]
    assert [e.lpn for e in pending] == [f"LPN000000000{i}" for i in range(1, 6)]
    assert journal.lpns_left() == 0
    extra = journal.record("4601234567893", None, NOW)
    assert journal.assign_lpn(extra.event_id) is None
    journal.add_lpn_block("LPN0000000006", "LPN0000000007")
    assert journal.assign_lpn(extra.event_id) == "LPN0000000006"
    assert journal.assign_lpn(extra.event_id) == "LPN0000000006"  # same event: same LPN


def test_overlapping_or_empty_blocks_are_refused(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.sqlite")
    assert journal.add_lpn_block("LPN0000000201", "LPN0000000400") == 200
    with pytest.raises(JournalError, match="overlaps"):
        journal.add_lpn_block("LPN0000000400", "LPN0000000450")
    with pytest.raises(JournalError, match="empty"):
        journal.add_lpn_block("LPN0000000500", "LPN0000000499")
    with pytest.raises(ValueError, match="not an LPN"):
        journal.add_lpn_block("LPN12", "LPN0000000499")
    assert journal.lpns_left() == 200


def test_concurrent_writers_never_share_an_lpn(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    Journal(path).add_lpn_block("LPN0000001000", "LPN0000001099")
    got: list[str | None] = []
    lock = threading.Lock()

    def worker() -> None:
        journal = Journal(path)  # own connection, like a second process
        for _ in range(30):
            entry = journal.record("4601234567893", None, NOW)
            lpn = journal.assign_lpn(entry.event_id)
            with lock:
                got.append(lpn)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    handed = [lpn for lpn in got if lpn is not None]
    assert len(handed) == 100
    assert len(set(handed)) == 100
    assert got.count(None) == 20


def test_meta_survives_reopening(tmp_path: Path) -> None:
    Journal(tmp_path / "j.sqlite").set_meta("role", "receipt")
    assert Journal(tmp_path / "j.sqlite").get_meta("role") == "receipt"
    assert Journal(tmp_path / "j.sqlite").get_meta("nothing") is None
