"""The acceptance runs: 10 000 stock changes over 2 000 offers with 20 % injected failures end
with the sandboxes holding exactly the WMS's available quantities; with two workers on
PostgreSQL no key ever receives an older value after a newer one."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

import pytest

from tests.invariants import assert_invariants
from tests.support import need_postgres
from tests.sync.changes import StockWriter
from tests.sync.conftest import (
    Fleet,
    build_fleet,
    make_worker,
    pending,
    rows_by_status,
    sandbox_stock,
    seed_sandboxes,
    stock_bin,
    wait_drained,
    wms_available,
)
from wms.db.session import Database

CHANGES, OFFERS = 10_000, 2_000


def _write_changes(db: Database, fleet: Fleet, count: int, *, grow_only: bool, seed: int) -> None:
    # Paced like a busy warehouse, so the worker runs many rounds (and meets many faults).
    writer = StockWriter(db, fleet.merchant_id, stock_bin(db, fleet.bin_code), seed)
    writer.run(fleet.product_ids, count, grow_only=grow_only, batch=100, pause=0.02)


def _faults(control: Any, rate: float) -> None:
    # Every kind at least once, then `rate` of the requests at random.
    kinds = ["429", "500", "502", "503", "timeout", "drop"]
    answer = control.http.post("/_sandbox/faults", json={"next": kinds, "fail_rate": rate})
    assert answer.status_code == 200


def _run_workers(
    database: Database, settings: Any, names: list[str], client: Any
) -> tuple[threading.Event, list[threading.Thread], list[Any]]:
    stop = threading.Event()
    workers = [make_worker(database, settings, name, client) for name in names]
    threads = [threading.Thread(target=w.run, args=(stop,), daemon=True) for w in workers]
    for thread in threads:
        thread.start()
    return stop, threads, workers


def _stop(stop: threading.Event, threads: list[threading.Thread], workers: list[Any]) -> None:
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    for worker in workers:
        worker.close()


@pytest.mark.slow
def test_twenty_percent_failures_end_with_the_wms_quantities(
    database: Database, sync_settings: Any, wb_control: Any, ozon_control: Any, contract_client: Any
) -> None:
    fleet = build_fleet(database, sync_settings, OFFERS)
    seed_sandboxes(database, sync_settings, ("wildberries", wb_control), ("ozon", ozon_control))
    for control in (wb_control, ozon_control):
        _faults(control, 0.2)
    # Small rounds make many requests, so that the faults really hit the worker.
    small = sync_settings.with_overrides(sync={"batch_size": 100})
    stop, threads, workers = _run_workers(database, small, ["chaos"], contract_client)
    try:
        _write_changes(database, fleet, CHANGES, grow_only=False, seed=1)
        wait_drained(database, timeout=120)
    finally:
        _stop(stop, threads, workers)
    expected = wms_available(database)
    got = sandbox_stock(wb_control, ozon_control)
    wrong = {k: (v, got.get(k, 0)) for k, v in expected.items() if got.get(k, 0) != v}
    assert len(expected) == OFFERS
    assert not wrong, f"{len(wrong)} offers differ (wms, sandbox): {list(wrong.items())[:5]}"
    assert rows_by_status(database) == {"done": CHANGES}
    assert_invariants(database)
    faults: Counter[str] = Counter()
    for control in (wb_control, ozon_control):  # the faults really happened
        faults.update(control.requests()["faults"])
    assert sum(faults.values()) >= 20, faults
    assert set(faults) == {"429", "500", "502", "503", "timeout", "drop"}, faults


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_two_workers_never_send_an_older_value(
    database: Database, sync_settings: Any, wb_control: Any, ozon_control: Any, contract_client: Any
) -> None:
    need_postgres()
    fleet = build_fleet(database, sync_settings, 400)
    seed_sandboxes(database, sync_settings, ("wildberries", wb_control), ("ozon", ozon_control))
    for control in (wb_control, ozon_control):
        _faults(control, 0.1)
    stop, threads, workers = _run_workers(database, sync_settings, ["w1", "w2"], contract_client)
    try:
        # Every key only grows, so "never older after newer" means every key's history of
        # received amounts is non-decreasing.
        _write_changes(database, fleet, 4_000, grow_only=True, seed=2)
        wait_drained(database, timeout=120)
    finally:
        _stop(stop, threads, workers)
    histories = {
        **wb_control.http.get("/_sandbox/history").json()["keys"],
        **ozon_control.http.get("/_sandbox/history").json()["keys"],
    }
    backwards = {k: v for k, v in histories.items() if v != sorted(v)}
    assert not backwards, list(backwards.items())[:5]
    assert sum(len(v) for v in histories.values()) > len(histories)  # keys were pushed repeatedly
    assert all(w.totals["confirmed"] > 0 for w in workers), [dict(w.totals) for w in workers]
    expected = wms_available(database)
    assert sandbox_stock(wb_control, ozon_control) == expected
    assert pending(database) == 0
