"""Dashboard pages and KPI queries over a million returned units on PostgreSQL.

Builds the database `wms_bench_dashboard` (migrations + demo data through the services, then a
year of returns written with `INSERT … SELECT generate_series`, not through the services),
renders every main page through the Flask test client as a supervisor and as a merchant, and
times the KPI queries on their own. The floor is a single indexed lookup (a unit by its LPN)
measured in the same run; `*_ratio` = p95 of the page ÷ p95 of the floor. Prints ONE JSON line.

    .venv/bin/python bench/dashboard.py            # 1 000 000 units, 15 renders per page
    .venv/bin/python bench/dashboard.py --quick    # 50 000 units, same keys, < 1 min
    .venv/bin/python bench/dashboard.py --keep     # reuse the database of the last run
    .venv/bin/python bench/dashboard.py --explain  # EXPLAIN ANALYZE of the KPI queries (stderr)
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa  # noqa: E402

ADMIN_URL = os.environ.get(
    "WMS_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
# WMS_BENCH_DASHBOARD_DB names the database (so parallel checkouts do not share one).
DB_NAME = os.environ.get("WMS_BENCH_DASHBOARD_DB", "wms_bench_dashboard")
MERCHANTS, PRODUCTS = 20, 2000
SQL_DIR = Path(__file__).resolve().parent / "dashboard_data.sql"


def log(message: str) -> None:
    """Progress for people, on stderr."""
    print(f"[dashboard] {message}", file=sys.stderr, flush=True)


def p95(samples: list[float]) -> float:
    """95th percentile (linear between closest ranks), in milliseconds."""
    ordered = sorted(samples)
    pos = (len(ordered) - 1) * 0.95
    low, high = math.floor(pos), math.ceil(pos)
    value = ordered[low] + (ordered[high] - ordered[low]) * (pos - low)
    return round(value * 1000, 2)


def database_url() -> str:
    """The bench database's URL."""
    return ADMIN_URL.rsplit("/", 1)[0] + f"/{DB_NAME}"


def recreate_database() -> None:
    """Drop and create the bench database, then migrate it."""
    from wms.db import migrate

    admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{DB_NAME}"')
    admin.dispose()
    engine = sa.create_engine(database_url())
    migrate.upgrade(engine)
    engine.dispose()


def generate(settings: Any, units: int) -> None:
    """Demo data through the services, then `units` returns of a year in bulk SQL."""
    from wms.db.session import open_database
    from wms.services import demo
    from wms.services.uow import execute

    db = open_database(settings.database)
    execute(db, demo.seed, settings)
    db.dispose()
    engine = sa.create_engine(database_url(), isolation_level="AUTOCOMMIT")
    script = SQL_DIR.read_text(encoding="utf-8")
    params = {"units": units, "merchants": MERCHANTS, "products": PRODUCTS}
    with engine.connect() as conn:
        cursor = conn.connection.cursor()  # raw DBAPI: no parameters, so "%" is just modulo
        for number, statement in enumerate(s for s in script.split(";\n") if s.strip()):
            started = time.perf_counter()
            cursor.execute(_bind(statement, params))
            lines = statement.strip().splitlines()
            title = next(ln for ln in lines if not ln.startswith("--"))[:70]
            log(f"  sql {number:2d} {time.perf_counter() - started:6.1f}s  {title}")
    engine.dispose()


def roll_up(settings: Any, *, fresh: bool) -> float:
    """Run the KPI rollup as the worker would: every day on a new database, else what changed."""
    from wms.db.base import utcnow
    from wms.db.session import open_database
    from wms.services import kpi_rollup

    db = open_database(settings.database)
    now = utcnow()
    state: dict[str, Any] = {}
    with db.reading() as s:
        rolled = s.execute(sa.text("SELECT count(*) FROM kpi_rolled_days")).scalar_one()
    if rolled and not fresh:  # catch up like an incremental run
        state = {"watermark": now.isoformat()}
    started = time.perf_counter()
    report = kpi_rollup.refresh(db, state, now)
    elapsed = round(time.perf_counter() - started, 1)
    log(f"  rollup: {report.days} days, {report.durations:,} durations in {elapsed} s")
    db.dispose()
    return elapsed


def _bind(statement: str, params: dict[str, int]) -> str:
    return re.sub(r":(units|merchants|products)\b", lambda m: str(params[m.group(1)]), statement)


def _login(app: Any, user: str, password: str) -> Any:
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert token, "no CSRF token on the login page"
    answer = client.post(
        "/login", data={"csrf_token": token.group(1), "login": user, "password": password}
    )
    assert answer.status_code == 302, f"{user} could not log in"
    return client


def _samples(db: Any) -> dict[str, Any]:
    with db.reading() as s:
        row = lambda sql: s.execute(sa.text(sql)).first()  # noqa: E731
        return {
            "lpns": [
                r[0]
                for r in s.execute(
                    sa.text("SELECT lpn FROM units TABLESAMPLE SYSTEM (1) LIMIT 200")
                ).all()
            ],
            "deciding": row("SELECT lpn FROM units WHERE state = 'awaiting_decision' LIMIT 1")[0],
            "order": row("SELECT return_order_id FROM units WHERE state = 'in_stock' LIMIT 1")[0],
            "product": row("SELECT product_id FROM stock_totals ORDER BY on_hand DESC LIMIT 1")[0],
            "merchant": row("SELECT min(code) FROM merchants WHERE code LIKE 'BM%'")[0],
        }


def pages(samples: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """Page name → (user, URL)."""
    lpn, m = samples["lpns"][0], samples["merchant"]
    return {
        "floor": ("supervisor", "/floor"),
        "floor_live": ("supervisor", "/floor/live"),
        "returns": ("supervisor", "/returns"),
        "returns_search": ("supervisor", f"/returns?q={lpn}"),
        "returns_filtered": (
            "supervisor",
            f"/returns?merchant={m}&reason=defective&state=in_stock",
        ),
        "return_orders": ("supervisor", "/returns?view=orders"),
        "order": ("supervisor", f"/returns/{samples['order']}"),
        "unit": ("supervisor", f"/units/{samples['deciding']}"),
        "decisions": ("supervisor", "/decisions"),
        "kpis": ("supervisor", "/kpis"),
        "kpis_merchant": ("merchant", "/kpis"),
        "reasons": ("supervisor", "/reasons"),
        "stock": ("supervisor", "/stock"),
        "stock_detail": ("supervisor", f"/stock/{samples['product']}"),
        "sync": ("supervisor", "/sync"),
    }


CACHED = ("kpis", "kpis_merchant", "reasons")


def time_pages(app: Any, samples: dict[str, Any], rounds: int) -> dict[str, float]:
    """p95 render time per page in ms (one warm-up render each).

    The analytics pages cache their figures for a minute: `<page>` is measured cold (cache
    cleared before every render), `<page>_cached` warm.
    """
    from wms.web.ui import cache

    users = {
        "supervisor": ("supervisor", "supervisor-demo"),
        "merchant": ("altyn", "altyn-demo-pass"),
    }
    clients = {key: _login(app, *cred) for key, cred in users.items()}
    out = {}
    runs = [(name, user, url, True) for name, (user, url) in pages(samples).items()]
    runs += [(f"{name}_cached", *pages(samples)[name], False) for name in CACHED]
    for name, user, url, cold in runs:
        client = clients[user]
        times = []
        for i in range(rounds + 1):
            if cold:
                with app.app_context():
                    cache.clear()
            started = time.perf_counter()
            answer = client.get(url)
            body = answer.data
            elapsed = time.perf_counter() - started
            assert answer.status_code == 200, f"{url}: {answer.status_code} {body[:300]!r}"
            if i:
                times.append(elapsed)
        out[name] = p95(times)
        log(f"  page {name:16s} p95 {out[name]:9.1f} ms")
    return out


def time_queries(db: Any, settings: Any, rounds: int) -> dict[str, float]:
    """p95 of each KPI query on its own, in ms."""
    from wms.db.base import utcnow
    from wms.web.ui.queries import analytics, floor, rolled
    from wms.web.ui.queries.sql import last_days, today

    now = utcnow()
    month, quarter = last_days(now, 30), last_days(now, 90)
    sla = settings.sla.model_dump()
    rf = analytics.ReasonFilter()
    queries: dict[str, Callable[[Any], Any]] = {
        "backlog": lambda s: floor.backlog(s, now, sla),
        "throughput": lambda s: floor.throughput_today(s, now),
        "processing": lambda s: analytics.processing_spreads(s, month, None),
        "resale_share": lambda s: analytics.resale_share(s, month, None),
        "reintegration": lambda s: analytics.reintegration(s, month, None),
        "costs": lambda s: analytics.costs(s, month, None),
        "quality": lambda s: analytics.quality_rates(s, today(now), None),
        "losses": lambda s: analytics.losses(s, month, None, now),
        "repeat_buyers": lambda s: analytics.repeat_buyers(s, month, None),
        "reasons_daily": lambda s: analytics.reasons_daily(s, quarter, rf),
        "reasons_by_sku": lambda s: analytics.reasons_by(s, quarter, rf, "sku"),
        # the same figures from the rollups (what the pages read)
        "processing_rolled": lambda s: rolled.processing_spreads(s, month, None),
        "reintegration_rolled": lambda s: rolled.reintegration(s, month, None),
        "costs_rolled": lambda s: rolled.costs(s, month, None),
        "reasons_daily_rolled": lambda s: rolled.reasons_daily(s, quarter, rf),
        "reasons_by_sku_rolled": lambda s: rolled.reasons_by(s, quarter, rf, "sku"),
    }
    out = {}
    for name, query in queries.items():
        times = []
        for i in range(rounds + 1):
            with db.reading() as s:
                started = time.perf_counter()
                query(s)
                if i:
                    times.append(time.perf_counter() - started)
        out[name] = p95(times)
        log(f"  query {name:15s} p95 {out[name]:9.1f} ms")
    return out


def time_floor(db: Any, lpns: list[str], rounds: int) -> float:
    """p95 of a single indexed lookup: one unit by its LPN."""
    from wms.db.models import Unit

    times = []
    with db.reading() as s:
        for i in range(max(rounds * 10, 50)):
            lpn = lpns[i % len(lpns)]
            started = time.perf_counter()
            s.execute(sa.select(Unit).where(Unit.lpn == lpn)).scalar_one()
            times.append(time.perf_counter() - started)
            s.expunge_all()
    return p95(times[5:])


def explain(db: Any) -> None:
    """EXPLAIN ANALYZE of the heaviest KPI queries, to stderr."""
    from wms.db.base import utcnow
    from wms.web.ui.queries import analytics
    from wms.web.ui.queries.sql import last_days

    period = last_days(utcnow(), 30)
    with db.reading() as s:
        stay = analytics.stay_rows(s, period, None)
        for title, stmt in (
            ("stays by stage", sa.select(stay.c.grp, sa.func.count()).group_by(stay.c.grp)),
        ):
            compiled = stmt.compile(s.get_bind(), compile_kwargs={"literal_binds": True})
            plan = s.execute(sa.text(f"EXPLAIN (ANALYZE, BUFFERS) {compiled}")).scalars()
            log(f"EXPLAIN {title}:\n    " + "\n    ".join(plan))


def main() -> None:
    """Build (or reuse) the data, measure, print one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="50 000 units, fewer rounds")
    parser.add_argument("--keep", action="store_true", help="reuse the last run's database")
    parser.add_argument("--units", type=int, help="number of units (default 1 000 000)")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE to stderr")
    args = parser.parse_args()
    units = args.units or (50_000 if args.quick else 1_000_000)
    rounds = 4 if args.quick else 15
    try:
        sa.create_engine(ADMIN_URL).connect().close()
    except sa.exc.OperationalError as exc:
        log(f"PostgreSQL not reachable at {ADMIN_URL}: {exc}")
        print(json.dumps({"bench": "dashboard", "skipped": "PostgreSQL not reachable"}))
        return
    from wms import create_app
    from wms.settings import Settings

    settings = Settings().with_overrides(
        database={"url": database_url(), "pool_size": 5},
        server={"secret_key": "bench-dashboard"},
        storage={"photo_dir": "/tmp/wms-bench-dashboard-photos"},  # noqa: S108
    )
    started = time.perf_counter()
    if not args.keep:
        log(f"building {units:,} units in {DB_NAME}")
        recreate_database()
        generate(settings, units)
    build_s = round(time.perf_counter() - started, 1)
    rollup_s = roll_up(settings, fresh=not args.keep)
    app = create_app(settings)
    db = app.extensions["wms"].db
    samples = _samples(db)
    if args.explain:
        explain(db)
    floor_ms = time_floor(db, samples["lpns"], rounds)
    log(f"  floor (unit by LPN) p95 {floor_ms:.3f} ms")
    page_ms = time_pages(app, samples, rounds)
    query_ms = time_queries(db, settings, rounds)
    with db.reading() as s:
        counted = s.execute(sa.text("SELECT count(*) FROM units")).scalar_one()
    db.dispose()
    result: dict[str, Any] = {
        "bench": "dashboard",
        "units": counted,
        "build_s": build_s,
        "rollup_s": rollup_s,
        "rounds": rounds,
        "at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "baseline_lookup_p95_ms": floor_ms,
    }
    for name, ms in page_ms.items():
        result[f"{name}_p95_ms"] = ms
        result[f"{name}_ratio"] = round(ms / floor_ms, 1) if floor_ms else None
    for name, ms in query_ms.items():
        result[f"q_{name}_p95_ms"] = ms
        result[f"q_{name}_ratio"] = round(ms / floor_ms, 1) if floor_ms else None
    print(json.dumps(result, separators=(",", ":")))


if __name__ == "__main__":
    main()
