"""Concurrent writers on PostgreSQL: no lost updates, no older stock value after a newer one."""

from __future__ import annotations

import threading
from typing import Any

import pytest
import sqlalchemy as sa

from tests.integration.test_scan_flows import HEADPHONES, receive
from tests.invariants import assert_invariants
from wms.db.models import OutboxMessage, StockTotal
from wms.domain.grading import GradeChoice
from wms.services import inspection, putaway
from wms.services.uow import Actor, execute

WORKERS = 20


def _run_together(jobs: list[Any]) -> list[BaseException]:
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job: Any) -> None:
        barrier.wait()
        try:
            job()
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_twenty_concurrent_putaways_of_one_sku_give_exactly_twenty(
    station: Any, database: Any, demo: dict[str, Any]
) -> None:
    receipt = station("receipt")
    # One receipt (an order is received once); units past the announced two are confirmed.
    lpns = receive(receipt, "512345678", *[HEADPHONES] * WORKERS)
    actor = Actor("test", kind="system")
    for lpn in lpns:
        execute(database, inspection.grade_unit, actor, lpn, GradeChoice.RESELLABLE_NEW, [])
    with database.reading() as s:
        total = s.execute(sa.select(StockTotal).where(StockTotal.channel == "main")).scalars().all()
        before = {t.product_id: t.on_hand for t in total}
    bins = ["BIN-M-01-01", "BIN-M-01-02"]
    jobs = [
        (lambda lpn=lpn, i=i: execute(database, putaway.putaway, actor, lpn, bins[i % 2]))
        for i, lpn in enumerate(lpns)
    ]
    assert _run_together(jobs) == []
    with database.reading() as s:
        after = {
            t.product_id: t
            for t in s.execute(sa.select(StockTotal).where(StockTotal.channel == "main")).scalars()
        }
        pushes = s.execute(
            sa.select(OutboxMessage.id, OutboxMessage.payload)
            .where(OutboxMessage.topic == "stock.changed")
            .order_by(OutboxMessage.id)
        ).all()
    changed = [pid for pid, t in after.items() if t.on_hand != before.get(pid)]
    assert len(changed) == 1
    assert after[changed[0]].on_hand == before[changed[0]] + WORKERS
    # In commit order (outbox id) the pushed versions and quantities only ever go up.
    mine = [p for _id, p in pushes if p["product_id"] == changed[0] and p["channel"] == "main"]
    versions = [p["version"] for p in mine]
    assert versions == sorted(versions)
    assert len(set(versions)) == len(versions)
    assert [p["available"] for p in mine[-WORKERS:]] == sorted(
        p["available"] for p in mine[-WORKERS:]
    )
    assert_invariants(database)


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_the_same_unit_put_away_twice_at_once_counts_once(
    station: Any, database: Any, demo: dict[str, Any]
) -> None:
    (lpn,) = receive(station("receipt"), "512345678", HEADPHONES)
    actor = Actor("test", kind="system")
    execute(database, inspection.grade_unit, actor, lpn, GradeChoice.RESELLABLE_NEW, [])
    jobs = [lambda: execute(database, putaway.putaway, actor, lpn, "BIN-M-01-02")] * 6
    errors = _run_together(jobs)
    assert len(errors) == 5
    assert all(type(e).__name__ == "IllegalTransition" for e in errors)
    assert_invariants(database)


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_concurrent_scans_of_one_event_id_apply_once(
    client: Any, station: Any, database: Any, app: Any
) -> None:
    receipt = station("receipt")
    receipt.ok("OP-0001")
    receipt.ok("512345678")
    body = {
        "event_id": "same-event-42",
        "code": HEADPHONES,
        "symbology": None,
        "scanned_at": "2026-11-23T10:00:00Z",
    }
    answers: list[Any] = []

    def scan() -> None:
        answers.append(
            app.test_client().post("/api/v1/scan", json=body, headers=receipt.headers).get_json()
        )

    assert _run_together([scan] * 8) == []
    assert len({a["print"][0]["fields"]["lpn"] for a in answers}) == 1
    with database.reading() as s:
        units = s.execute(sa.text("SELECT count(*) FROM units")).scalar_one()
    assert units == 1
