"""An invoice run over a month of billable events for 20 merchants, on PostgreSQL.

Builds the database `wms_bench_billing` (migrations, 20 merchants, a rate card with merchant
prices, tiers, minimums, a version change mid-month and per-zone storage), writes the events in
bulk SQL (`INSERT … SELECT generate_series`, not through the services), then times:

- `run_s`: `wms billing run --period 2026-01` as a service call — attaches every event to its
  merchant's draft and prices the month (one transaction, committed);
- `rerun_s`: the same run again over the drafts (nothing new: the totals must not change);
- `floor_s`: one aggregate query over the same events (`GROUP BY merchant, service`), the least
  any invoice run has to read.

Peak memory is the Python heap's peak during the first run (tracemalloc) and the process's
maximum resident set. Prints ONE JSON line; `*_ratio` = run ÷ floor.

    .venv/bin/python bench/billing.py            # 1 000 000 events
    .venv/bin/python bench/billing.py --quick    # 100 000 events, same keys, < 1 min
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa  # noqa: E402

from bench._common import emit, log, ratio  # noqa: E402

ADMIN_URL = os.environ.get(
    "WMS_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
DB_NAME = os.environ.get("WMS_BENCH_BILLING_DB", "wms_bench_billing")
MERCHANTS = 20

CARD = (
    (
        "merchant,service,qualifier,valid_from,valid_to,first_qty,price_first,price_additional,"
        "min_charge,max_charge,percent\n"
    )
    + """,receipt_order,,2025-01-01,,,300,,,,
,receipt_unit,,2025-01-01,2026-01-15,,150,,,,
,receipt_unit,,2026-01-16,,,160,,,,
M01,receipt_unit,,2025-01-01,,1000,130,110,,,
,inspection_unit,,2025-01-01,,,250,,,,
,inspection_unit,electronics,2025-01-01,,,450,,,,
,repack,,2025-01-01,,,300,,,,
,putaway,,2025-01-01,,,80,,,,
,photo,,2025-01-01,,,50,,,,
,storage_unit_day,stock_main,2025-01-01,,,15,,5000,,
,storage_unit_day,hold,2025-01-01,,,25,,,,
,storage_bin_day,stock_main,2025-01-01,,,400,,,,
,disposal,,2025-01-01,,,500,,,,
,claim_handling,,2025-01-01,,,,,1000,200000,10
"""
)
# (service, qualifier) cycled over the events; storage dominates as it does in a warehouse.
MIX = [
    ("receipt_order", ""),
    ("receipt_unit", ""),
    ("receipt_unit", ""),
    ("inspection_unit", "electronics"),
    ("inspection_unit", "appliances"),
    ("repack", ""),
    ("putaway", ""),
    ("photo", ""),
    ("storage_unit_day", "stock_main"),
    ("storage_unit_day", "stock_main"),
    ("storage_unit_day", "stock_main"),
    ("storage_unit_day", "hold"),
    ("storage_bin_day", "stock_main"),
    ("disposal", ""),
    ("claim_handling", ""),
    ("label", ""),  # no rate: listed on the invoice, not charged
]


def database_url() -> str:
    """The bench database's URL."""
    return ADMIN_URL.rsplit("/", 1)[0] + f"/{DB_NAME}"


def build(events: int) -> None:
    """A fresh database with merchants, the rate card and `events` billable events."""
    from wms.db import migrate

    admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{DB_NAME}"')
    admin.dispose()
    engine = sa.create_engine(database_url())
    migrate.upgrade(engine)
    services = ",".join(f"'{s}'" for s, _ in MIX)
    qualifiers = ",".join(f"'{q}'" for _, q in MIX)
    with engine.begin() as conn:
        for n in range(1, MERCHANTS + 1):
            conn.execute(
                sa.text(
                    "INSERT INTO merchants (code, name, resale_discount_percent, handling_fee,"
                    " active, created_at) VALUES (:c, :n, 7, 0, true, now())"
                ),
                {"c": f"M{n:02d}", "n": f"Продавец {n}"},
            )
        # Merchant ids are 1..20; events spread over the month, every merchant every service.
        # (Only constants of this file are formatted into the statement.)
        conn.exec_driver_sql(
            f"""
            INSERT INTO billable_events
                (key, merchant_id, service, qualifier, day, occurred_at, quantity, amount, ref)
            SELECT 'bench:' || i,
                   1 + mod(i, {MERCHANTS}),
                   (ARRAY[{services}])[1 + mod(i / {MERCHANTS}, {len(MIX)})],
                   (ARRAY[{qualifiers}])[1 + mod(i / {MERCHANTS}, {len(MIX)})],
                   DATE '2026-01-01' + mod(i, 31)::int,
                   TIMESTAMPTZ '2026-01-01 06:00+00' + mod(i, 31) * INTERVAL '1 day',
                   1,
                   CASE WHEN mod(i / {MERCHANTS}, {len(MIX)}) = {len(MIX) - 2}
                        THEN 1000 + mod(i, 50000) ELSE 0 END,
                   'LPN' || lpad(i::text, 10, '0')
            FROM generate_series(1, {events}) AS i
            """  # noqa: S608
        )
        conn.exec_driver_sql("ANALYZE billable_events")
    engine.dispose()


def main() -> None:
    """Build, run, re-run, measure the floor, print the JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 000 events instead of 1 000 000")
    parser.add_argument("--events", type=int, default=None)
    args = parser.parse_args()
    events = args.events or (100_000 if args.quick else 1_000_000)

    import csv
    import io

    from wms.db.session import open_database
    from wms.domain.billing import Period
    from wms.services import billing, invoicing
    from wms.services.uow import SYSTEM, UnitOfWork, execute
    from wms.settings import Settings

    log(f"building {events:,} events for {MERCHANTS} merchants")
    build(events)
    db = open_database(Settings().with_overrides(database={"url": database_url()}).database)
    reader = csv.DictReader(io.StringIO(CARD))
    execute(db, billing.import_rates, SYSTEM, list(reader), list(reader.fieldnames or []))
    period = Period(2026, 1)

    log("invoice run")
    tracemalloc.start()
    started = time.perf_counter()
    with UnitOfWork(db) as uow:
        results = invoicing.run(uow, SYSTEM, period)
        uow.commit()
    run_s = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    totals = {r.merchant: r.total for r in results}
    billed = sum(r.events + r.unpriced for r in results)
    if billed != events:
        raise SystemExit(f"billed {billed} of {events} events")

    log("re-run of the drafts")
    started = time.perf_counter()
    again = execute(db, invoicing.run, SYSTEM, period)
    rerun_s = time.perf_counter() - started
    if {r.merchant: r.total for r in again} != totals:
        raise SystemExit("a re-run changed a total")

    log("floor: one aggregate query")
    floor = sa.text(
        "SELECT merchant_id, service, sum(quantity), sum(amount), count(*) FROM billable_events"
        " WHERE day BETWEEN '2026-01-01' AND '2026-01-31' GROUP BY merchant_id, service"
    )
    with db.engine.connect() as conn:
        started = time.perf_counter()
        groups = conn.execute(floor).all()
        floor_s = time.perf_counter() - started
    db.dispose()
    emit(
        {
            "bench": "billing",
            "events": events,
            "merchants": MERCHANTS,
            "invoices": len(results),
            "groups": len(groups),
            "total_kzt": str(sum(totals.values(), Decimal(0))),
            "run_s": round(run_s, 3),
            "rerun_s": round(rerun_s, 3),
            "floor_s": round(floor_s, 3),
            "run_ratio": ratio(run_s, floor_s),
            "rerun_ratio": ratio(rerun_s, floor_s),
            "peak_python_mib": round(peak / 2**20, 1),
            "max_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "load_1m": round(os.getloadavg()[0], 2),
        }
    )


if __name__ == "__main__":
    main()
