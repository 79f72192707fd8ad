"""A guard on the hot path: SQL statements per scan kind, on both databases.

Counts every statement the server sends while answering one scan (token check, station session,
the step's work, the stored answer). A change that makes a scan kind need more statements fails
here; lower the budget when a change makes one cheaper. Not a timing: see bench/scan_load.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa

from tests.conftest import Station
from wms.services.demo import PRODUCTS, ean13

EAN = {sku: ean13(base) for _m, sku, *_x, base in PRODUCTS}

# Statements per scan of a warm station (caches filled by an earlier scan), per backend.
# Statements per scan of a warm station, per backend (SQLite adds its BEGIN IMMEDIATE). Before
# issue 14 (PostgreSQL): badge 6, order 10, product 16, close 14, LPN 12 / 9, grade 15,
# refusal 11, bin 16 — see bench/README.md. Issue 13 adds one INSERT of billable events to the
# steps that bill work (close, grade, bin): written with the audit rows at commit.
BUDGET = {
    "badge": {"sqlite": 6, "postgres": 5},
    "order": {"sqlite": 8, "postgres": 7},
    "product": {"sqlite": 13, "postgres": 12},
    "close": {"sqlite": 13, "postgres": 12},
    "lpn_inspect": {"sqlite": 6, "postgres": 5},
    "grade": {"sqlite": 10, "postgres": 9},
    "lpn_putaway": {"sqlite": 5, "postgres": 4},
    "refused": {"sqlite": 7, "postgres": 6},
    "bin": {"sqlite": 15, "postgres": 14},
}


@contextmanager
def counting(app: Any) -> Iterator[list[str]]:
    """Collect the SQL of every statement sent on the app's engines."""
    db = app.extensions["wms"].db
    engines = {db.engine, db.read_engine}
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(" ".join(statement.split())[:160])

    for engine in engines:
        sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        for engine in engines:
            sa.event.remove(engine, "before_cursor_execute", record)


def test_statements_per_scan_kind(app: Any, station: Any, backend: str) -> None:
    universal: Station = station("universal")
    counts: dict[str, int] = {}
    statements: dict[str, list[str]] = {}

    def scan(name: str, code: str, result: str = "ok", *, count: bool) -> dict[str, Any]:
        with counting(app) as seen:
            answer = universal.post(code)
        assert answer["result"] == result, answer["prompt"]["en"]
        if count:
            counts[name], statements[name] = len(seen), list(seen)
        return answer

    # The second pass is counted: the first fills the per-process caches (station token,
    # station, operator, zone kinds) and creates the counters, as a running warehouse has.
    for count, order_code in ((False, "7700012345"), (True, "7700012346")):
        scan("badge", "OP-0001", count=count)
        scan("order", order_code, "action_required", count=count)
        lpn = scan("product", EAN["ALT-HP-01"], count=count)["print"][0]["fields"]["lpn"]
        scan("close", "CMD:CLOSE", count=count)
        scan("lpn_inspect", lpn, count=count)
        scan("grade", "CMD:GRADE-RESELLABLE", count=count)
        scan("lpn_putaway", lpn, "action_required", count=count)
        # A bin of the wrong zone: refused, stored, nothing changed.
        scan("refused", "BIN-S-01-01", "error", count=count)
        scan("bin", "BIN-M-01-02", count=count)
    print(backend, counts)  # with -s: the figures for bench/README.md
    over = {
        name: (counts[name], BUDGET[name][backend], statements[name])
        for name in counts
        if counts[name] > BUDGET[name][backend]
    }
    assert not over, over
