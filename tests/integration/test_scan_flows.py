"""The full scan scripts of DESIGN 4.1 through the HTTP API, one per grade path, on both databases."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from tests.conftest import Station
from tests.invariants import assert_invariants
from wms.db.models import OutboxMessage, ReturnOrder, Unit
from wms.services.demo import PRODUCTS, ean13

EAN = {sku: ean13(base) for _m, sku, *_x, base in PRODUCTS}
HEADPHONES, CASE = EAN["ALT-HP-01"], EAN["ALT-PC-03"]


def stock(client: Any, token: str, sku: str, merchant: str = "ALTYN") -> dict[str, int]:
    """Available quantity per channel of a SKU."""
    answer = client.get(
        f"/api/v1/stock?sku={sku}&merchant={merchant}", headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 200, answer.get_json()
    return {c["channel"]: c["available"] for c in answer.get_json()["channels"]}


def receive(receipt: Station, order_code: str, *eans: str) -> list[str]:
    """Badge, order code, products, CMD:CLOSE at the receipt station; returns the LPNs."""
    receipt.ok("OP-0001")
    receipt.ok(order_code)
    lpns = []
    for ean in eans:
        answer = receipt.ok(ean)
        if not answer["print"] and "CMD:CONFIRM" in answer["context"]["commands"]:
            answer = receipt.ok("CMD:CONFIRM")  # more than announced: confirmed (issue 10)
        (label,) = answer["print"]
        assert label["kind"] == "unit"
        lpns.append(label["fields"]["lpn"])
    closed = receipt.ok("CMD:CLOSE")
    assert [p["kind"] for p in closed["print"]] == ["return_slip"]
    return lpns


def inspect(inspection: Station, lpn: str, checks: list[str], grade: str) -> dict[str, Any]:
    """LPN, checklist commands, grade command at the inspection station."""
    inspection.ok("OP-0002")
    inspection.ok(lpn)
    for check in checks:
        inspection.ok(f"CMD:{check}")
    answer = inspection.ok(f"CMD:{grade}")
    assert answer["print"][0]["kind"] == "unit"
    return answer


def putaway(station: Station, lpn: str, bin_code: str) -> None:
    """LPN, then bin, at the putaway station."""
    station.ok("OP-0003")
    assert station.ok(lpn)["result"] == "action_required"
    assert "put away" in station.ok(bin_code)["prompt"]["en"]


def repack(station: Station, lpn: str) -> list[str]:
    """LPN then CMD:REPACKED; returns the kinds of labels printed."""
    station.ok("OP-0003")
    station.ok(lpn)
    return [p["kind"] for p in station.ok("CMD:REPACKED")["print"]]


def unit_state(database: Any, lpn: str) -> tuple[str, str | None]:
    with database.reading() as s:
        unit = s.execute(sa.select(Unit).where(Unit.lpn == lpn)).scalar_one()
        return unit.state.value, unit.channel.value if unit.channel else None


def last_stock_push(database: Any) -> dict[str, Any]:
    with database.reading() as s:
        row = s.execute(
            sa.select(OutboxMessage.payload)
            .where(OutboxMessage.topic == "stock.changed")
            .order_by(OutboxMessage.id.desc())
            .limit(1)
        ).scalar_one()
        return dict(row)


@pytest.mark.parametrize(
    ("checks", "grade", "path", "channel", "bin_code"),
    [
        ([], "GRADE-RESELLABLE", ["putaway"], "main", "BIN-M-01-02"),
        (["PKG-DAMAGED"], "GRADE-RESELLABLE", ["repack", "putaway"], "main", "BIN-M-01-02"),
        (["USED"], "GRADE-RESELLABLE-USED", ["repack", "putaway"], "resale", "BIN-S-01-01"),
        (
            ["NOT-WORKING"],
            "GRADE-REPAIR",
            ["repair-done", "repack", "putaway"],
            "resale",
            "BIN-S-01-02",
        ),
    ],
    ids=["new", "damaged-box", "used", "repaired"],
)
def test_resellable_paths_end_in_stock(
    station: Any,
    client: Any,
    database: Any,
    demo: dict[str, Any],
    checks: list[str],
    grade: str,
    path: list[str],
    channel: str,
    bin_code: str,
) -> None:
    token = demo["integration"]["token"]
    before = stock(client, token, "ALT-HP-01")
    (lpn,) = receive(station("receipt"), "512345678", HEADPHONES)
    inspect(station("inspection"), lpn, checks, grade)
    if "repair-done" in path:
        repair = station("repair")
        repair.ok("OP-0003")
        repair.ok(lpn)
        assert repair.ok("CMD:REPAIR-DONE")["print"][0]["fields"]["lpn"] == lpn
    if "repack" in path:
        labels = repack(station("repack"), lpn)
        assert labels == (["unit", "resale_sticker"] if channel == "resale" else ["unit"])
    putaway(station("putaway"), lpn, bin_code)
    after = stock(client, token, "ALT-HP-01")
    assert after.get(channel, 0) == before.get(channel, 0) + 1
    other = "main" if channel == "resale" else "resale"
    assert after.get(other, 0) == before.get(other, 0)
    assert unit_state(database, lpn) == ("in_stock", channel)
    push = last_stock_push(database)
    assert (push["channel"], push["available"]) == (channel, after[channel])
    assert_invariants(database)


@pytest.mark.parametrize(
    ("decision", "final"),
    [("dispose", "disposed"), ("return_to_merchant", "returned_to_merchant"), ("claim", "claimed")],
)
def test_non_returnable_units_wait_for_a_decision(
    station: Any, client: Any, database: Any, demo: dict[str, Any], decision: str, final: str
) -> None:
    token = demo["integration"]["token"]
    before = stock(client, token, "ALT-HP-01")
    (lpn,) = receive(station("receipt"), "512345678", HEADPHONES)
    answer = inspect(station("inspection"), lpn, ["WRONG-ITEM"], "GRADE-NON-RETURNABLE")
    assert answer["print"][0]["fields"]["next_zone"] == "карантин"
    assert unit_state(database, lpn)[0] == "awaiting_decision"
    with database.reading() as s:
        topics = s.execute(sa.select(OutboxMessage.topic)).scalars().all()
    assert "merchant.unit_non_returnable" in topics
    refused = station("inspection").post(lpn)  # a unit awaiting decision is not inspected again
    assert refused["result"] == "error"
    decided = client.post(
        f"/api/v1/units/{lpn}/decision",
        json={"decision": decision},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert decided.status_code == 200, decided.get_json()
    assert decided.get_json()["unit"]["state"] == final
    assert stock(client, token, "ALT-HP-01") == before
    assert_invariants(database)


def test_failed_repair_then_resale_decision_ends_in_resale_stock(
    station: Any, client: Any, database: Any, demo: dict[str, Any]
) -> None:
    token = demo["integration"]["token"]
    (lpn,) = receive(station("receipt"), "512345678", HEADPHONES)
    inspect(station("inspection"), lpn, ["NOT-WORKING"], "GRADE-REPAIR")
    repair = station("repair")
    repair.ok("OP-0003")
    repair.ok(lpn)
    repair.ok("CMD:REPAIR-FAILED")
    assert unit_state(database, lpn)[0] == "awaiting_decision"
    headers = {"Authorization": f"Bearer {token}"}
    answer = client.post(
        f"/api/v1/units/{lpn}/decision", json={"decision": "resale"}, headers=headers
    )
    assert answer.status_code == 200
    assert repack(station("repack"), lpn) == ["unit", "resale_sticker"]
    putaway(station("putaway"), lpn, "BIN-S-01-01")
    assert unit_state(database, lpn) == ("in_stock", "resale")
    history = client.get(f"/api/v1/units/{lpn}", headers=headers).get_json()["history"]
    assert [h["action"] for h in history] == [
        "receive",
        "grade_repair",
        "repair_failed",
        "decide_resale",
        "repack",
        "putaway",
    ]
    assert_invariants(database)


def test_a_universal_station_does_every_step_and_the_order_completes(
    station: Any, client: Any, database: Any, demo: dict[str, Any]
) -> None:
    universal = station("universal")
    first, second, third = receive(universal, "512345678", HEADPHONES, CASE, CASE)
    for lpn in (first, second):
        inspect(universal, lpn, [], "GRADE-RESELLABLE")
        putaway(universal, lpn, "BIN-M-01-02")
    inspect(universal, third, ["WRONG-ITEM"], "GRADE-NON-RETURNABLE")
    with database.reading() as s:
        order = s.execute(
            sa.select(ReturnOrder).where(ReturnOrder.order_code == "512345678")
        ).scalar_one()
        assert order.state.value == "received"
    headers = {"Authorization": f"Bearer {demo['integration']['token']}"}
    client.post(f"/api/v1/units/{third}/decision", json={"decision": "dispose"}, headers=headers)
    with database.reading() as s:
        order = s.execute(
            sa.select(ReturnOrder).where(ReturnOrder.order_code == "512345678")
        ).scalar_one()
        assert order.state.value == "completed"
        assert order.completed_at is not None
    assert stock(client, demo["integration"]["token"], "ALT-PC-03")["main"] == 5 + 1
    assert_invariants(database)
