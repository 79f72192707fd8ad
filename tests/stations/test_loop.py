"""The station loop against a fake WMS on a real HTTP server: online, offline, replay."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from stations.journal import EventStatus
from stations.loop import Station
from stations.printers import PrinterState
from tests.stations.fake_wms import LAYOUT_WARNING, FakeWms
from tests.stations.fakes import FakeZebra
from tests.stations.ptys import Pty
from tests.stations.station_kit import (
    RecordingView,
    make_station,
    printed,
    printed_lpns,
    scan,
    wait_for,
)

EAN = "4601234567893"
MARKING = "010469025752852321k3LInNbH_oG0Q\x1d91EE06"


@pytest.fixture
def wms() -> Iterator[FakeWms]:
    server = FakeWms().start()
    yield server
    server.stop()


@pytest.fixture
def station(tmp_path: Path, wms: FakeWms) -> Iterator[Station]:
    st = make_station(tmp_path, wms)
    st.prints.start()
    yield st
    st.prints.stop()
    st.client.close()


def view(st: Station) -> RecordingView:
    assert isinstance(st.view, RecordingView)
    return st.view


def test_online_scans_are_answered_printed_and_journalled(
    station: Station, wms: FakeWms, tmp_path: Path
) -> None:
    assert station.connect()
    assert station.journal.lpns_left() == 200  # block reserved at start (below low water)
    for code in ("OP-0001", EAN, EAN, MARKING, "CMD:CLOSE"):
        station.handle_scan(scan(code))
    assert station.prints.wait_idle(5)
    assert wms.applied_codes() == ["OP-0001", EAN, EAN, MARKING, "CMD:CLOSE"]
    assert [b["offline"] for b in wms.applied] == [False] * 5
    assert [b["lpn"] for b in wms.applied] == [None] * 5
    assert view(station).answers()[0] == ("ok", "Сканируйте заказ", "ok")
    assert view(station).last.operator == "Айгерим OP-0001"
    assert printed_lpns(tmp_path) == ["LPN9000000001", "LPN9000000002", "LPN9000000003"]
    assert "^FDKSP-1^FS" in printed(tmp_path)[-1] or "KSP-1" in printed(tmp_path)[-1]
    assert station.journal.backlog() == 0
    assert {e.status for e in station.journal.entries()} == {EventStatus.SENT}
    assert station.journal.lpns_left() == 200  # online units use the server's LPNs


def test_server_warnings_are_shown_in_the_screen_language(station: Station) -> None:
    station.connect()
    station.handle_scan(scan("ЩЗ-0001"))
    assert view(station).last.warnings == (LAYOUT_WARNING["ru"],)
    assert view(station).last.operator == "Айгерим OP-0001"


def test_double_reads_of_unique_codes_are_dropped_but_ean_repeats_count(
    station: Station, wms: FakeWms
) -> None:
    station.connect()
    for code in ("OP-0001", "OP-0001", EAN, EAN, EAN):
        station.handle_scan(scan(code))
    assert wms.applied_codes() == ["OP-0001", EAN, EAN, EAN]


def test_offline_receipt_prints_reserved_lpns_and_replays_in_order_exactly_once(
    station: Station, wms: FakeWms, tmp_path: Path
) -> None:
    station.connect()
    station.handle_scan(scan("OP-0001"))
    wms.stop()
    codes = [EAN, MARKING, "KSP-778812", EAN, "CMD:CLOSE"]
    for code in codes:
        station.handle_scan(scan(code, "]d2" if code == MARKING else None))
    assert not station.online
    assert station.prints.wait_idle(5)
    assert printed_lpns(tmp_path) == ["LPN0000000201", "LPN0000000202", "LPN0000000203"]
    assert view(station).last.result == "offline"
    assert "5" in view(station).last.prompt  # "offline, 5 queued"
    assert view(station).last.queued == 5
    assert wms.applied_codes() == ["OP-0001"]

    wms.start()
    while station.replay_once():
        pass
    assert station.prints.wait_idle(5)
    assert wms.applied_codes() == ["OP-0001", *codes]
    replayed = wms.applied[1:]
    assert [b["offline"] for b in replayed] == [True] * 5
    assert [b["lpn"] for b in replayed] == [
        "LPN0000000201",
        "LPN0000000202",
        None,
        "LPN0000000203",
        None,
    ]
    assert replayed[1]["code"] == MARKING  # GS survived journal and JSON
    # The server's unit labels for offline units are not printed again; the slip is.
    assert printed_lpns(tmp_path) == ["LPN0000000201", "LPN0000000202", "LPN0000000203"]
    assert "KSP-1" in printed(tmp_path)[-1]
    assert station.journal.backlog() == 0
    # Replaying again changes nothing: every event is settled.
    assert station.replay_once() is False
    assert len(wms.applied) == 6


def test_other_roles_only_queue_when_offline(tmp_path: Path, wms: FakeWms) -> None:
    wms.role = "inspection"
    st = make_station(tmp_path, wms)
    st.connect()
    assert st.role.value == "inspection"
    wms.stop()
    st.handle_scan(scan(EAN))
    st.handle_scan(scan("LPN0000000042"))
    assert st.journal.lpns_left() == 0
    assert [e.lpn for e in st.journal.entries()] == [None, None]
    assert view(st).answers()[-1][0] == "offline"
    assert view(st).answers()[-1][2] == "attention"
    assert "2" in view(st).last.prompt
    st.client.close()


def test_replay_failures_are_shown_reported_and_skipped(
    station: Station, wms: FakeWms, tmp_path: Path
) -> None:
    station.connect()
    wms.stop()
    for code in ("FAIL-ORDER", "REJECT-ME", EAN):
        station.handle_scan(scan(code))
    wms.start()
    while station.replay_once():
        pass
    station.report_failures()
    entries = station.journal.entries()
    assert [e.status for e in entries] == [EventStatus.FAILED, EventStatus.FAILED, EventStatus.SENT]
    assert wms.applied_codes() == ["FAIL-ORDER", EAN]
    assert [(x["code"], x["error"]) for x in wms.exceptions] == [
        ("FAIL-ORDER", "error"),
        ("REJECT-ME", "bad_code"),
    ]
    assert {x["event_id"] for x in wms.exceptions} == {entries[0].event_id, entries[1].event_id}
    errors = [a for a in view(station).answers() if a[0] == "error"]
    assert len(errors) == 2
    assert "REJECT-ME" in errors[1][1]
    station.report_failures()
    assert len(wms.exceptions) == 2  # reported once


def test_a_lost_answer_is_replayed_with_the_same_event_id(station: Station, wms: FakeWms) -> None:
    station.connect()
    wms.drop_next_answer = True
    station.handle_scan(scan("CMD:CLOSE"))
    assert not station.online
    [entry] = station.journal.entries()
    assert entry.status is EventStatus.PENDING
    assert station.replay_once()
    assert wms.applied_codes() == ["CMD:CLOSE"]  # applied once, answered twice
    assert station.journal.get(entry.event_id).status is EventStatus.SENT


def test_lost_answer_for_a_unit_shows_an_lpn_mismatch_and_prints_the_server_label(
    station: Station, wms: FakeWms, tmp_path: Path
) -> None:
    station.connect()
    wms.drop_next_answer = True
    station.handle_scan(scan(EAN))  # server assigned its LPN, station printed its own
    assert station.replay_once()
    station.report_failures()
    assert station.prints.wait_idle(5)
    assert printed_lpns(tmp_path) == ["LPN0000000201", "LPN9000000001"]
    assert view(station).answers()[-1] == (
        "error",
        "Замените этикетку LPN0000000201 на LPN9000000001 (напечатана). Передано супервайзеру",
        "error",
    )
    [report] = wms.exceptions
    assert report["error"] == "lpn_mismatch"
    assert "LPN0000000201" in report["detail"]


def test_an_offline_label_for_a_scan_that_made_no_unit_is_called_void(
    station: Station, wms: FakeWms, tmp_path: Path
) -> None:
    station.connect()
    wms.marked.add(EAN)
    wms.stop()
    station.handle_scan(scan(EAN))  # offline: a label, though the server will want a DataMatrix
    wms.start()
    assert station.replay_once()
    station.report_failures()
    assert station.prints.wait_idle(5)
    assert printed_lpns(tmp_path) == ["LPN0000000201"]
    assert view(station).answers()[-1] == (
        "error",
        "Снимите этикетку LPN0000000201: сервер не создал единицу (Сканируйте DataMatrix). "
        "Передано супервайзеру",
        "error",
    )
    [report] = wms.exceptions
    assert report["error"] == "lpn_void"
    assert report["detail"].startswith("label LPN0000000201 printed offline, no unit")


def test_an_offline_label_that_could_not_be_made_comes_from_the_server_on_replay(
    station: Station, wms: FakeWms, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    station.connect()
    wms.stop()
    monkeypatch.setattr(station.feedback, "print", lambda spec: "label failed")
    station.handle_scan(scan(EAN))
    monkeypatch.undo()
    assert not station.journal.entries()[-1].printed_locally
    wms.start()
    assert station.replay_once()
    assert station.prints.wait_idle(5)
    assert printed_lpns(tmp_path) == ["LPN0000000201"]  # the reserved LPN, printed now


def test_a_refused_token_is_told_once_and_scans_queue_until_it_is_fixed(
    tmp_path: Path, wms: FakeWms
) -> None:
    st = make_station(tmp_path, wms)
    st.connect()
    wms.token = "rotated"
    st.handle_scan(scan("OP-0001"))
    st.handle_scan(scan("CMD:CANCEL"))
    assert not st.replay_once()
    assert not st.online
    assert "токен" in (view(st).last.notice or "")
    assert [sound for _, sound in view(st).shown].count("error") == 1
    assert view(st).answers()[-1][0] == "offline"
    assert [e.status for e in st.journal.entries()] == [EventStatus.PENDING] * 2
    assert wms.applied == []
    wms.token = st.settings.station.token
    while st.replay_once():
        pass
    assert wms.applied_codes() == ["OP-0001", "CMD:CANCEL"]
    assert view(st).last.notice is None
    st.client.close()


def test_no_reserved_lpn_left_offline_is_an_error_but_the_scan_is_kept(
    tmp_path: Path, wms: FakeWms
) -> None:
    st = make_station(tmp_path, wms)
    wms.stop()
    assert st.connect() is False
    st.handle_scan(scan(EAN))
    assert view(st).answers()[-1][0] == "error"
    assert st.journal.backlog() == 1
    st.client.close()


def test_heartbeat_reports_backlog_and_devices_and_probes_the_server(
    station: Station, wms: FakeWms
) -> None:
    station.connect()
    wms.stop()
    station.handle_scan(scan("CMD:CANCEL"))
    station.heartbeat_once()
    assert not station.online
    wms.start()
    station.heartbeat_once()
    assert station.online
    assert wms.heartbeats[-1] == {"queued": 1, "scanner": "connecting", "printer": "ok"}


def test_paper_out_during_receipt_tells_the_operator_and_prints_later(
    tmp_path: Path, wms: FakeWms
) -> None:
    zebra = FakeZebra()
    zebra.state.paper_out = True
    st = make_station(tmp_path, wms, printer_url=zebra.url)
    st.prints.start()
    try:
        st.connect()
        st.handle_scan(scan(EAN))
        wait_for(lambda: view(st).last.labels_waiting == 1)
        assert view(st).last.printer == PrinterState.PAPER_OUT.value
        assert view(st).last.notice == "Принтер: нет бумаги. Этикеток ждёт: 1"
        assert zebra.jobs == []
        zebra.state.paper_out = False
        [job] = zebra.wait_jobs(1)
        assert b"^FDLPN9000000001^FS" in job
        wait_for(lambda: view(st).last.labels_waiting == 0 and view(st).last.notice is None)
    finally:
        st.prints.stop()
        st.client.close()
        zebra.close()


def test_the_running_station_reads_a_pty_scanner_end_to_end(
    tmp_path: Path, wms: FakeWms, pty_pair: Pty
) -> None:
    st = make_station(tmp_path, wms, scanner_url=pty_pair.path)
    st.connect()
    st.start()
    runner = threading.Thread(target=st.run, daemon=True)
    runner.start()
    try:
        wait_for(lambda: view(st).last.scanner == "ok")
        pty_pair.send(b"]C0OP-0007\r\n]E04601234567893\r\n")
        wait_for(lambda: len(wms.applied) == 2)
        wms.stop()
        pty_pair.send(b"]E04601234567893\r\n")
        wait_for(lambda: st.journal.lpns_left() == 199)
        wms.start()
        wait_for(lambda: len(wms.applied) == 3 and st.journal.backlog() == 0)
        wait_for(lambda: len(wms.heartbeats) >= 1)
    finally:
        st.stop()
        runner.join(5)
        st.client.close()
    assert [(b["code"], b["symbology"], b["offline"]) for b in wms.applied] == [
        ("OP-0007", "]C0", False),
        (EAN, "]E0", False),
        (EAN, "]E0", True),
    ]
    assert wms.applied[2]["lpn"] == "LPN0000000201"


def test_offline_scans_do_not_wait_for_a_replay_probe_in_flight(
    station: Station, wms: FakeWms, tmp_path: Path
) -> None:
    station.connect()
    wms.stop()
    station.handle_scan(scan("CMD:CANCEL"))  # now offline with a backlog
    with station._send_lock:  # the replayer is stuck sending to a dead server
        worker = threading.Thread(target=station.handle_scan, args=(scan(EAN),))
        worker.start()
        worker.join(5)
        assert not worker.is_alive()
    assert station.prints.wait_idle(5)
    assert printed_lpns(tmp_path) == ["LPN0000000201"]


def test_the_replayer_never_sends_a_scan_still_being_handled(
    station: Station, wms: FakeWms
) -> None:
    station.connect()
    entry = station.journal.record(EAN, None, scan(EAN).scanned_at)  # handle_scan mid-way
    assert station.replay_once() is False
    assert wms.applied == []
    assert station.journal.get(entry.event_id).status is EventStatus.PENDING
