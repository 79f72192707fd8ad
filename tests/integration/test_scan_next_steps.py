"""Every step says what to do next (issue 10): inspection commands, putaway bins, moves."""

from __future__ import annotations

from typing import Any

from tests.integration.test_scan_flows import CASE, HEADPHONES, inspect, receive


def test_inspection_names_the_commands_and_grading_says_where_to_take_the_unit(
    station: Any,
) -> None:
    (lpn,) = receive(station("receipt"), "512345678", HEADPHONES)
    inspection = station("inspection")
    inspection.ok("OP-0002")
    started = inspection.ok(lpn)["prompt"]
    for command in ("CMD:USED", "CMD:PKG-DAMAGED", "CMD:GRADE-RESELLABLE", "CMD:GRADE-REPAIR"):
        assert command in started["ru"]
    assert "Предлагается: годен, новый — CMD:GRADE-RESELLABLE" in started["ru"]
    ticked = inspection.ok("CMD:NOT-WORKING")["prompt"]
    assert "CMD:GRADE-REPAIR" in ticked["ru"]
    graded = inspection.ok("CMD:GRADE-REPAIR")["prompt"]
    assert "ремонт → ремонт" not in graded["ru"]
    assert graded["ru"].startswith(f"{lpn}: «В ремонт». Отнесите в зону «ремонт»")
    assert graded["ru"].endswith("Сканируйте LPN единицы")
    assert "«Жөндеуге». «жөндеу» аймағына апарыңыз" in graded["kk"]


def test_putaway_suggests_a_bin_and_a_move_says_where_the_unit_is_now(station: Any) -> None:
    new, first_case, second_case = receive(station("receipt"), "512345678", HEADPHONES, CASE, CASE)
    inspect(station("inspection"), new, [], "GRADE-RESELLABLE")
    putaway = station("putaway")
    putaway.ok("OP-0003")
    # The demo's opening stock of this SKU lies in BIN-M-01-01: the same bin is suggested.
    asked = putaway.ok(new)
    assert "Предлагается ячейка BIN-M-01-01" in asked["prompt"]["ru"]
    assert "основной склад" in asked["prompt"]["ru"]
    done = putaway.ok("BIN-M-01-01")
    assert done["prompt"]["ru"] == f"{new} размещён в ячейку BIN-M-01-01. Сканируйте LPN единицы"

    # Resale bins hold nothing of the SKU: the emptiest one is suggested.
    repack = station("repack")
    repack.ok("OP-0003")
    for lpn in (first_case, second_case):
        inspect(station("inspection"), lpn, ["USED"], "GRADE-RESELLABLE-USED")
        repack.ok(lpn)
        repack.ok("CMD:REPACKED")
    putaway.ok(first_case)
    putaway.ok("BIN-S-01-01")
    # The second case: BIN-S-01-01 holds that SKU now.
    assert "BIN-S-01-01" in putaway.ok(second_case)["prompt"]["ru"]
    putaway.ok("CMD:CANCEL")

    # A unit in stock: where it is now, then where it went.
    where = putaway.ok(new)
    assert where["prompt"]["ru"].startswith(f"{new} сейчас в ячейке BIN-M-01-01")
    moved = putaway.ok("BIN-M-02-01")
    assert moved["prompt"]["ru"].startswith(f"{new} перемещён: теперь в ячейке BIN-M-02-01")
    assert "BIN-M-02-01" in moved["prompt"]["kk"]


def test_an_empty_zone_bin_is_suggested_when_nothing_of_the_sku_is_stored(station: Any) -> None:
    (case,) = receive(station("receipt"), "512345678", CASE)
    (hp,) = receive(station("receipt"), "7700012399", HEADPHONES)
    repack = station("repack")
    repack.ok("OP-0003")
    for lpn in (case, hp):
        inspect(station("inspection"), lpn, ["USED"], "GRADE-RESELLABLE-USED")
        repack.ok(lpn)
        repack.ok("CMD:REPACKED")
    putaway = station("putaway")
    putaway.ok("OP-0003")
    putaway.ok(case)
    putaway.ok("BIN-S-01-01")
    # BIN-S-01-01 holds one case now, BIN-S-01-02 nothing: the emptiest is suggested.
    assert "Предлагается ячейка BIN-S-01-02" in putaway.ok(hp)["prompt"]["ru"]


def test_a_station_is_told_its_first_prompt_before_any_scan(station: Any, client: Any) -> None:
    receipt = station("receipt")
    me = client.get("/api/v1/stations/me", headers=receipt.headers).get_json()
    assert me["prompt"]["ru"] == "Сканируйте свой бейдж"
    assert me["commands"] == ["CMD:REPRINT", "CMD:LOGOUT"]
    receipt.ok("OP-0001")
    receipt.ok("512345678")
    me = client.get("/api/v1/stations/me", headers=receipt.headers).get_json()
    assert me["prompt"]["kk"] == "Тауарды немесе CMD:CLOSE сканерлеңіз"
    assert "CMD:CLOSE" in me["commands"]
    inspection = station("inspection")
    inspection.ok("OP-0002")
    me = client.get("/api/v1/stations/me", headers=inspection.headers).get_json()
    assert me["prompt"]["en"] == "Scan the unit's LPN"


def test_a_scan_out_of_place_is_named_in_words_not_internal_codes(station: Any) -> None:
    receipt = station("receipt")
    receipt.ok("OP-0001")
    refused = receipt.fail("BIN-M-01-01")["prompt"]
    assert refused["ru"].startswith("Сейчас здесь не ждут: ячейка.")
    assert "(bin)" not in refused["ru"]
    assert refused["kk"].startswith("Мұнда қазір күтілмейді: ұяшық.")
    inspection = station("inspection")
    inspection.ok("OP-0002")
    command = inspection.fail("CMD:CLOSE")["prompt"]
    assert "«Закрыть приёмку» (CMD:CLOSE)" in command["ru"]
