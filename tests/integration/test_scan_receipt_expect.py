"""Receipt that knows what to expect (issue 10), through `/api/v1/scan`, on both databases."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from wms.db.models import ReturnOrder, Unit
from wms.domain.orders import ReturnOrderState
from wms.services.demo import PRODUCTS, ean13

EAN = {sku: ean13(base) for _m, sku, *_x, base in PRODUCTS}
TITLE = {sku: title for _m, sku, title, *_x in PRODUCTS}
HEADPHONES, CASE, KETTLE = EAN["ALT-HP-01"], EAN["ALT-PC-03"], EAN["ALT-KT-02"]
SCARF = EAN["KKT-SC-01"]  # another merchant's (KOKTEM) product


def counts(answer: dict[str, Any]) -> dict[str, tuple[int, int]]:
    """SKU → (scanned, expected) from the answer's context."""
    return {x["sku"]: (x["scanned"], x["expected"]) for x in answer["context"]["expected"]}


def units_of(database: Any, order_code: str) -> list[str]:
    with database.reading() as s:
        return list(
            s.execute(
                sa.select(Unit.lpn)
                .join(ReturnOrder, ReturnOrder.id == Unit.return_order_id)
                .where(ReturnOrder.order_code == order_code, Unit.state != "voided")
            ).scalars()
        )


def test_receipt_shows_the_announced_lines_and_counts_every_scan(station: Any) -> None:
    receipt = station("receipt")
    logged_in = receipt.ok("OP-0001")
    assert "CMD:BLIND" in logged_in["context"]["commands"]
    opened = receipt.ok("512345678")
    assert counts(opened) == {"ALT-HP-01": (0, 1), "ALT-PC-03": (0, 2)}
    names = {x["name"] for x in opened["context"]["expected"]}
    assert names == {TITLE["ALT-HP-01"], TITLE["ALT-PC-03"]}
    assert f"{TITLE['ALT-PC-03']} 0/2" in opened["prompt"]["ru"]
    assert {"CMD:CLOSE", "CMD:UNDO", "CMD:CANCEL"} <= set(opened["context"]["commands"])
    assert "CMD:CONFIRM" not in opened["context"]["commands"]

    first = receipt.ok(CASE)
    assert counts(first) == {"ALT-HP-01": (0, 1), "ALT-PC-03": (1, 2)}
    assert "1 из 2" in first["prompt"]["ru"]
    assert "Ещё ожидается" in first["prompt"]["ru"]
    assert "×1" in first["prompt"]["ru"]
    receipt.ok(CASE)
    last = receipt.ok(HEADPHONES)
    assert counts(last) == {"ALT-HP-01": (1, 1), "ALT-PC-03": (2, 2)}
    assert "CMD:CLOSE" in last["prompt"]["ru"]  # everything is in: close
    closed = receipt.ok("CMD:CLOSE")
    # After close the station says what comes next.
    assert "Сканируйте код заказа" in closed["prompt"]["ru"]


def test_more_than_announced_asks_for_confirmation_and_makes_no_silent_unit(
    station: Any, database: Any
) -> None:
    receipt = station("receipt")
    receipt.ok("OP-0001")
    receipt.ok("512345678")
    first = receipt.ok(HEADPHONES)
    assert len(first["print"]) == 1
    again = receipt.post(HEADPHONES)  # the same EAN twice: one headphone was announced
    assert again["result"] == "action_required"
    assert again["print"] == []
    assert "Сверх заявленного количества" in again["prompt"]["ru"]
    assert "Хабарланған саннан артық" in again["prompt"]["kk"]
    assert "over the announced quantity" in again["prompt"]["en"].lower()
    assert "CMD:CONFIRM" in again["context"]["commands"]
    assert len(units_of(database, "512345678")) == 1
    assert counts(again)["ALT-HP-01"] == (1, 1)

    confirmed = receipt.ok("CMD:CONFIRM")
    (label,) = confirmed["print"]
    assert label["kind"] == "unit"
    assert counts(confirmed)["ALT-HP-01"] == (2, 1)
    assert any("сверх заявки" in w["ru"] for w in confirmed["context"]["warnings"])
    assert len(units_of(database, "512345678")) == 2

    # An extra not confirmed: CMD:CANCEL drops it, the receipt stays open.
    receipt.post(HEADPHONES)
    dropped = receipt.ok("CMD:CANCEL")
    assert dropped["print"] == []
    assert dropped["context"]["return_order"]["state"] == "receiving"
    assert len(units_of(database, "512345678")) == 2
    closed = receipt.ok("CMD:CLOSE")
    assert "ALT-HP-01 × 1" in closed["prompt"]["en"]  # flagged extra at close


def test_an_order_received_before_says_when_where_and_by_whom(station: Any, database: Any) -> None:
    receipt = station("receipt")
    receipt.ok("OP-0001")
    receipt.ok("512345680")
    receipt.ok(KETTLE)
    receipt.ok("CMD:CLOSE")
    with database.reading() as s:
        before = s.execute(sa.select(sa.func.count()).select_from(ReturnOrder)).scalar_one()
    again = receipt.fail("512345680")
    ru = again["prompt"]["ru"]
    for said in ("уже принят", "receipt-1", "Айгуль Сапарова"):
        assert said in ru, ru
    assert "не открыт" in ru
    assert again["context"]["return_order"] is None
    with database.reading() as s:
        after = s.execute(sa.select(sa.func.count()).select_from(ReturnOrder)).scalar_one()
    assert after == before


def test_an_empty_unannounced_return_is_cancelled_when_the_next_order_is_scanned(
    station: Any, database: Any
) -> None:
    receipt = station("receipt")
    receipt.ok("OP-0001")
    first = receipt.ok("7700099001")
    number = first["context"]["return_order"]["number"]
    nxt = receipt.ok("512345678")
    assert f"Пустой возврат {number}" in nxt["prompt"]["ru"]
    assert "cancelled" in nxt["prompt"]["en"]
    with database.reading() as s:
        state = s.execute(
            sa.select(ReturnOrder.state).where(ReturnOrder.number == number)
        ).scalar_one()
    assert state is ReturnOrderState.CANCELLED


def test_another_merchants_product_is_named_as_such(station: Any, database: Any) -> None:
    receipt = station("receipt")
    receipt.ok("OP-0001")
    receipt.ok("CMD:BLIND")
    receipt.ok(HEADPHONES)  # the blind return is ALTYN's now
    refused = receipt.fail(SCARF)
    assert "Көктем Киім" in refused["prompt"]["ru"], refused["prompt"]["ru"]
    assert "Алтын Электроникс" in refused["prompt"]["ru"]
    assert "catalogue" not in refused["prompt"]["en"]
    assert refused["context"]["return_order"]["units"] == 1


def test_undo_says_which_label_to_take_off(station: Any) -> None:
    receipt = station("receipt")
    receipt.ok("OP-0001")
    receipt.ok("512345678")
    receipt.ok(CASE)
    lpn = receipt.ok(HEADPHONES)["print"][0]["fields"]["lpn"]
    undone = receipt.ok("CMD:UNDO")
    assert f"этикетку {lpn}" in undone["prompt"]["ru"]
    assert TITLE["ALT-HP-01"] in undone["prompt"]["ru"]
    assert f"{lpn} жапсырмасын" in undone["prompt"]["kk"]
    assert counts(undone)["ALT-HP-01"] == (0, 1)


def test_inspection_answers_name_the_commands_of_the_step(station: Any) -> None:
    receipt = station("receipt")
    receipt.ok("OP-0001")
    receipt.ok("512345680")
    lpn = receipt.ok(KETTLE)["print"][0]["fields"]["lpn"]
    receipt.ok("CMD:CLOSE")
    inspection = station("inspection")
    idle = inspection.ok("OP-0002")
    assert "CMD:GRADE-RESELLABLE" not in idle["context"]["commands"]
    started = inspection.ok(lpn)
    commands = started["context"]["commands"]
    assert {"CMD:GRADE-RESELLABLE", "CMD:GRADE-REPAIR", "CMD:USED", "CMD:CANCEL"} <= set(commands)
    assert "CMD:CLOSE" not in commands


def test_a_long_announcement_names_five_lines_and_counts_the_rest() -> None:
    from wms.services.scan.receipt import _listed

    said = _listed([f"Товар {i} 0/1" for i in range(8)])
    assert said["ru"].endswith("Товар 4 0/1; и ещё строк: 3")
    assert said["kk"].endswith("тағы 3 жол")
    assert "Товар 5" not in said["ru"]
