"""The scan protocol's rules: idempotency, sessions, commands, marking codes, offline LPNs."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

from tests.conftest import snapshot
from tests.integration.test_scan_flows import CASE, EAN, HEADPHONES, receive
from tests.invariants import assert_invariants
from wms.db.models import FloorException, ReturnOrder, ScanEvent, Unit
from wms.domain.keyboard_layouts import type_through

SNEAKERS_GTIN = "0" + EAN["KKT-SN-42"]
CRYPTO = "YXiyCTcmfQIzHpdlRJRsSb3ZDeAb4WB4XW/b9BtqNhQ="


def marking_code(serial: str) -> str:
    """A Честный ЗНАК / ISMET DataMatrix text as a scanner sends it (GS separators kept)."""
    return f"01{SNEAKERS_GTIN}21{serial}\x1d91EE06\x1d92{CRYPTO}"


def test_the_same_event_twice_returns_the_stored_answer_and_changes_nothing(
    station: Any, database: Any
) -> None:
    receipt = station("receipt")
    receipt.ok("OP-0001")
    receipt.ok("512345678")
    event_id = str(uuid.uuid4())
    first = receipt.ok(HEADPHONES, event_id=event_id)
    before = snapshot(database)
    again = receipt.post(HEADPHONES, event_id=event_id)
    assert again == first
    assert snapshot(database) == before
    # A different code under the same id is a station bug, not a retry (issue 11): 409.
    other = {"event_id": event_id, "code": CASE, "scanned_at": "2026-11-23T10:00:00+00:00"}
    answer = receipt.client.post("/api/v1/scan", json=other, headers=receipt.headers)
    assert answer.status_code == 409
    assert answer.get_json()["error"]["code"] == "conflict"
    assert snapshot(database) == before


def test_an_operator_must_scan_a_badge_first(station: Any, database: Any) -> None:
    receipt = station("receipt")
    answer = receipt.fail("512345678")
    assert answer["prompt"]["ru"] == "Сканируйте свой бейдж"
    assert answer["sound"] == "error"
    assert receipt.fail("OP-9999")["prompt"]["en"] == "Badge OP-9999 is not registered"
    hello = receipt.ok("OP-0001")
    assert hello["context"]["operator"] == {"name": "Айгуль Сапарова", "badge": "OP-0001"}
    assert receipt.ok("CMD:LOGOUT")["context"]["operator"] is None
    receipt.fail("512345678")


def test_reprint_repeats_the_last_labels_and_cancel_abandons_the_step(station: Any) -> None:
    receipt = station("receipt")
    receipt.ok("OP-0001")
    assert receipt.fail("CMD:REPRINT")["prompt"]["en"] == "Nothing to reprint"
    receipt.ok("512345678")
    label = receipt.ok(HEADPHONES)["print"]
    assert receipt.ok("CMD:REPRINT")["print"] == label
    assert receipt.ok("CMD:CANCEL")["context"]["step"] == "idle"
    # The announced return stays open with its unit; scanning its code again continues it.
    again = receipt.ok("512345678")
    assert again["context"]["return_order"]["units"] == 1


def test_undo_removes_the_last_unit_of_an_open_receipt(station: Any, database: Any) -> None:
    receipt = station("receipt")
    receipt.ok("OP-0001")
    receipt.ok("512345678")
    receipt.ok(HEADPHONES)
    lpn = receipt.ok(CASE)["print"][0]["fields"]["lpn"]
    assert lpn in receipt.ok("CMD:UNDO")["prompt"]["en"]
    closed = receipt.ok("CMD:CLOSE")
    assert "ALT-PC-03 × 2" in closed["prompt"]["en"]  # both cases are now missing
    with database.reading() as s:
        assert (
            s.execute(sa.select(Unit.state).where(Unit.lpn == lpn)).scalar_one().value == "voided"
        )
        kinds = s.execute(sa.select(FloorException.kind)).scalars().all()
    assert kinds == ["missing_line"]


def test_a_blind_return_learns_its_merchant_from_the_first_product(
    station: Any, database: Any
) -> None:
    receipt = station("receipt")
    receipt.ok("OP-0001")
    opened = receipt.ok("CMD:BLIND")
    number = opened["context"]["return_order"]["number"]
    receipt.ok("CMD:REASON-DEFECTIVE")
    receipt.ok("CMD:TYPE-NOT-PICKED-UP")
    receipt.ok(EAN["KKT-SC-01"])
    # A product of another merchant cannot join this return: named as such (issue 10).
    assert "belongs to merchant" in receipt.fail(HEADPHONES)["prompt"]["en"]
    receipt.ok("CMD:CLOSE")
    with database.reading() as s:
        order = s.execute(sa.select(ReturnOrder).where(ReturnOrder.number == number)).scalar_one()
        assert (order.reason.value, order.return_type.value, order.state.value) == (
            "defective",
            "not_picked_up",
            "received",
        )
        assert order.merchant_id is not None
        assert not order.flags["missing"]
        assert not order.flags["extra"]


def test_an_unknown_order_code_opens_an_unannounced_return(station: Any) -> None:
    receipt = station("receipt")
    receipt.ok("OP-0001")
    answer = receipt.ok("598765432")
    assert answer["result"] == "action_required"
    assert answer["context"]["return_order"]["announced"] is False
    assert receipt.ok("CMD:CANCEL")["prompt"]["en"].startswith("Receipt RO-")


def test_marked_goods_need_their_marking_code_once(station: Any, database: Any) -> None:
    receipt = station("receipt")
    receipt.ok("OP-0001")
    receipt.ok("512345679")
    asked = receipt.post(EAN["KKT-SN-42"])
    assert asked["result"] == "action_required"
    assert "DataMatrix" in asked["prompt"]["en"]
    assert receipt.post(EAN["KKT-SN-42"])["result"] == "action_required"
    code = marking_code("k3LInNbH_oG0Q")
    added = receipt.ok(code, symbology="]d2")
    lpn = added["print"][0]["fields"]["lpn"]
    duplicate = receipt.fail(code, symbology="]d2")
    assert lpn in duplicate["prompt"]["en"]
    assert "already in the warehouse" in duplicate["prompt"]["en"]
    # No readable code: the unit is received and flagged for re-marking.
    # The order announced one pair: a second one is over the announced quantity (issue 10).
    receipt.ok("CMD:NO-MARKING")
    assert "Over the announced" in receipt.ok(EAN["KKT-SN-42"])["prompt"]["en"]
    remark = receipt.ok("CMD:CONFIRM")["print"][0]["fields"]["lpn"]
    with database.reading() as s:
        units = {u.lpn: u for u in s.execute(sa.select(Unit)).scalars()}
        assert units[lpn].marking_code == code
        assert units[lpn].marking_ki == f"01{SNEAKERS_GTIN}21k3LInNbH_oG0Q"
        assert units[remark].needs_remarking is True


def test_offline_receipt_uses_the_stations_reserved_lpns(
    station: Any, client: Any, demo: dict[str, Any]
) -> None:
    receipt = station("receipt")
    block = client.post("/api/v1/stations/lpn-block", json={"size": 3}, headers=receipt.headers)
    assert block.status_code == 201
    first = block.get_json()["first"]
    assert block.get_json()["count"] == 3
    receipt.ok("OP-0001", offline=True)
    receipt.ok("512345678", offline=True)
    answer = receipt.ok(HEADPHONES, lpn=first, offline=True)
    assert answer["print"][0]["fields"]["lpn"] == first
    used = receipt.fail(CASE, lpn=first, offline=True)
    assert "already used" in used["prompt"]["en"]
    other = station("universal")
    other.ok("OP-0002")
    other.ok("512345680")
    foreign = other.fail(EAN["ALT-KT-02"], lpn=block.get_json()["last"])
    assert "not from this station" in foreign["prompt"]["en"]


def test_a_failed_offline_replay_lands_in_the_exceptions_queue(station: Any, database: Any) -> None:
    receipt = station("receipt")
    receipt.post("OP-0001", offline=True)
    receipt.post("CMD:CLOSE", offline=True)
    receipt.post("%%garbage%%")
    with database.reading() as s:
        kinds = sorted(s.execute(sa.select(FloorException.kind)).scalars())
    assert kinds == ["replay_failed", "unknown_barcode"]


def test_a_bin_of_the_wrong_zone_names_the_right_zone(station: Any) -> None:
    (lpn,) = receive(station("receipt"), "512345678", HEADPHONES)
    inspection = station("inspection")
    inspection.ok("OP-0002")
    inspection.ok(lpn)
    inspection.ok("CMD:USED")
    refused = inspection.fail("CMD:GRADE-RESELLABLE")
    assert refused["prompt"]["en"] == (
        "Grade resellable, new refused: signs of use. Suggested: resellable, used"
    )
    assert refused["context"]["checks"] == ["signs_of_use"]  # the checklist survives the refusal
    inspection.ok("CMD:USED")  # untick: nothing is wrong after all
    inspection.ok("CMD:GRADE-RESELLABLE")
    putaway = station("putaway")
    putaway.ok("OP-0003")
    putaway.ok(lpn)
    wrong = putaway.fail("BIN-S-01-01")
    assert (
        wrong["prompt"]["ru"] == "Ячейка BIN-S-01-01 в зоне «ресейл», нужна зона «основной склад»"
    )
    putaway.ok("BIN-M-01-01")


def test_stations_only_do_their_own_work(station: Any) -> None:
    (lpn,) = receive(station("receipt"), "512345678", HEADPHONES)
    repack = station("repack")
    repack.ok("OP-0003")
    assert "not for this station" in repack.fail(lpn)["prompt"]["en"]
    assert repack.fail("CMD:CLOSE")["result"] == "error"
    receipt = station("receipt")
    assert receipt.fail(lpn)["result"] == "error"


def test_a_cyrillic_keyboard_layout_is_repaired_and_reported(station: Any) -> None:
    (lpn,) = receive(station("receipt"), "512345678", HEADPHONES)
    inspection = station("inspection")
    typed = type_through("OP-0002", "ru")
    assert typed != "OP-0002"
    hello = inspection.ok(typed)
    assert hello["context"]["operator"]["badge"] == "OP-0002"
    assert "USB-COM" in hello["context"]["warnings"][0]["en"]
    started = inspection.ok(type_through(lpn, "kk"))
    assert started["context"]["unit"]["lpn"] == lpn
    assert inspection.ok(type_through("CMD:GRADE-RESELLABLE", "ru"))["result"] == "ok"


def test_every_scan_is_stored_with_its_answer(station: Any, database: Any) -> None:
    receipt = station("receipt")
    receipt.post("OP-0001")
    receipt.post("nonsense")
    with database.reading() as s:
        events = s.execute(sa.select(ScanEvent).order_by(ScanEvent.id)).scalars().all()
    assert [(e.code, e.result) for e in events] == [("OP-0001", "ok"), ("nonsense", "error")]
    assert events[1].response["prompt"]["en"].startswith("Code not recognised")


def test_station_housekeeping_endpoints(station: Any, client: Any, database: Any) -> None:
    receipt = station("receipt")
    me = client.get("/api/v1/stations/me", headers=receipt.headers).get_json()
    assert me["station"] == {"name": "receipt-1", "role": "receipt", "language": "ru"}
    assert me["api_version"] == 1
    beat = client.post(
        "/api/v1/stations/heartbeat",
        json={"queued": 7, "scanner": "disconnected", "printer": "paper_out"},
        headers=receipt.headers,
    )
    assert beat.status_code == 204
    reported = client.post(
        "/api/v1/stations/exceptions",
        json={"event_id": "e-1234567", "code": "4600000000000", "error": "refused on replay"},
        headers=receipt.headers,
    )
    assert reported.status_code == 201
    found = client.post(
        "/api/v1/classify", json={"code": "ДЗТ0000000123"}, headers=receipt.headers
    ).get_json()
    assert (found["kind"], found["value"], found["layout_fixed"]) == ("lpn", "LPN0000000123", "ru")
    with database.reading() as s:
        assert s.execute(sa.select(FloorException.kind)).scalars().all() == ["replay_failed"]
    assert_invariants(database)
