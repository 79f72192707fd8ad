"""Importing Wildberries buyer claims against WB's own limits.

The bench puts N open claims in a Wildberries sandbox (its own process, WB's real claims limits
— 20 requests/min, burst 10 — on a scaled clock), then runs `wms claims import`'s service
(`import_claims` with the claim core's recorder) into a fresh database. It reports
- the wall time, the LOWER BOUND the limits impose on any client ((requests − burst) / rate for
  the ⌈N/200⌉ open pages plus one archive page) and their ratio (goal ≤ 1.05);
- a FLOOR measured in the same run: the same pages read straight through the adapter and a
  token bucket, no database at all, and the import's ratio to it.

    .venv/bin/python bench/claims.py [--quick] [--claims N] [--scale S] [--database-url URL]

Prints ONE JSON line on stdout; progress goes to stderr. Exit status 1 when the database does
not end up with one claim case per claim.
"""

from __future__ import annotations

import argparse
import math
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench")]

import httpx  # noqa: E402
import sqlalchemy as sa  # noqa: E402

from bench._common import emit, free_port, log, ratio  # noqa: E402
from wms.adapters.marketplaces.claims import WB_PAGE, WildberriesClaims  # noqa: E402
from wms.adapters.marketplaces.factory import claim_limits  # noqa: E402
from wms.adapters.marketplaces.throttle import TokenBucket  # noqa: E402
from wms.db import migrate  # noqa: E402
from wms.db.base import utcnow  # noqa: E402
from wms.db.models import Claim, MarketplaceAccount, Merchant  # noqa: E402
from wms.db.session import make_engine, open_database  # noqa: E402
from wms.domain.returns import Marketplace  # noqa: E402
from wms.services.claims_exchange import record_claims  # noqa: E402
from wms.services.claims_import import import_claims  # noqa: E402
from wms.services.crypto import SecretBox  # noqa: E402
from wms.settings import Settings  # noqa: E402

WB = Marketplace.WILDBERRIES


def claims_seed(token: str, count: int) -> dict[str, Any]:
    """`count` open claims of the last 14 days, with photos, a video, actions and a price."""
    claims = [
        {
            "id": f"{token[:4]}0000-0000-4000-8000-{i:012d}"[-36:],
            "nm_id": 100_000 + i % 500,
            "status": 0,
            "status_ex": 0,
            "age_hours": 1 + (i * 0.03) % 300,
            "user_comment": "Брак: не включается",
            "photos": [f"//photos.wbbasket.ru/claims/{i}/1.webp"],
            "video_paths": [f"//photos.wbbasket.ru/claims/{i}/1.mp4"] if i % 4 == 0 else [],
            "actions": ["approve1", "approve2", "autorefund1", "reject1", "rejectcustom"],
            "price": 12_990 + i % 100,
            "currency_code": "398",
        }
        for i in range(count)
    ]
    return {"accounts": [{"token": token, "name": token, "claims": claims}]}


def bound(count: int, scale: float) -> tuple[int, float]:
    """Requests needed and the least time WB's limits allow for them."""
    limits = claim_limits(WB, scale)
    assert limits is not None
    requests = max(math.ceil(count / WB_PAGE), 1) + 1  # open pages + one (empty) archive page
    return requests, max(requests - limits.burst, 0) / limits.rate_per_second


def start_sandbox(scale: float) -> tuple[str, subprocess.Popen[bytes]]:
    """The WB sandbox in its own process (a marketplace must not share our interpreter)."""
    port = free_port()
    seed = Path(tempfile.gettempdir()) / "wms-bench-claims-empty.json"
    seed.write_text('{"accounts": []}', encoding="utf-8")
    command = [
        sys.executable,
        "-m",
        "wms.sandbox.wildberries",
        "--port",
        str(port),
        "--time-scale",
        str(scale),
        "--seed",
        str(seed),
    ]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            if httpx.get(f"{url}/_sandbox/health", timeout=1).is_success:
                return url, process
        except httpx.HTTPError:
            time.sleep(0.05)
    process.kill()
    raise SystemExit("the wildberries sandbox did not start")


def floor_read(url: str, scale: float, safety: float) -> tuple[float, int]:
    """The same pages straight through the adapter and a token bucket: no database."""
    limits = claim_limits(WB, scale)
    assert limits is not None
    bucket = TokenBucket(limits.rate_per_second * safety, limits.burst)
    channel = WildberriesClaims("floor-wb", base_url=url, throttle=bucket, limits=limits)
    started = time.monotonic()
    seen = sum(1 for _ in channel.list_claims()) + sum(
        1 for _ in channel.list_claims(archived=True)
    )
    channel.close()
    return time.monotonic() - started, seen


def build(url: str, sandbox: str, scale: float) -> tuple[Any, Settings]:
    """A fresh database with one merchant and its WB account."""
    settings = Settings().with_overrides(
        database={"url": url, "pool_size": 5},
        server={"secret_key": "bench-claims-secret"},
        marketplaces={
            "wildberries": {"base_url": sandbox, "time_scale": scale},
            "ozon": {"enabled": False},
            "kaspi": {"enabled": False},
        },
    )
    engine = make_engine(settings.database, immediate=False)
    migrate.upgrade(engine)
    engine.dispose()
    db = open_database(settings.database)
    box = SecretBox(settings)
    with db.engine.begin() as conn:
        now = utcnow()
        merchant = conn.execute(
            sa.insert(Merchant)
            .values(code="BENCH", name="Бенч ЖШС", created_at=now)
            .returning(Merchant.id)
        ).scalar_one()
        conn.execute(
            sa.insert(MarketplaceAccount).values(
                merchant_id=merchant,
                marketplace=WB,
                name="bench wildberries",
                credentials_enc=box.encrypt_json({"token": "bench-wb"}),
                settings={},
                created_at=now,
            )
        )
    return db, settings


def main() -> int:
    """Seed, read through the floor, import through the WMS, print the JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer claims, same keys (< 1 min)")
    parser.add_argument("--claims", type=int, help="claims to import (default 10 000)")
    parser.add_argument("--scale", type=float, help="sandbox clock speed-up (1: WB's own)")
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    args = parser.parse_args()
    count = args.claims or (2_400 if args.quick else 10_000)
    scale = args.scale or 1.0
    sandbox, process = start_sandbox(scale)
    try:
        for token in ("bench-wb", "floor-wb"):
            httpx.post(f"{sandbox}/_sandbox/seed", json=claims_seed(token, count), timeout=60)
        requests, lower = bound(count, scale)
        log(f"{count} claims, {requests} requests, bound {lower:.1f} s at scale {scale}")
        with tempfile.TemporaryDirectory() as tmp:
            db, settings = build(
                args.database_url or f"sqlite:///{tmp}/bench.sqlite", sandbox, scale
            )
            floor, floor_seen = floor_read(sandbox, scale, settings.sync.rate_safety)
            log(f"floor {floor:.1f} s ({floor_seen} claims)")
            started = time.monotonic()
            reports = import_claims(db, settings, SecretBox(settings), record_claims)
            wall = time.monotonic() - started
            with db.reading() as session:
                cases = session.execute(sa.select(sa.func.count()).select_from(Claim)).scalar_one()
            dialect = db.dialect
            db.dispose()
        log(f"import {wall:.1f} s, {cases} claim cases, errors {[r.errors for r in reports]}")
    finally:
        process.terminate()
        process.wait(timeout=10)
    emit(
        {
            "bench": "claims",
            "quick": args.quick,
            "database": dialect,
            "time_scale": scale,
            "claims": count,
            "requests": requests,
            "bound_s": round(lower, 2),
            "import_s": round(wall, 2),
            "import_ratio": ratio(wall, lower),
            "floor_s": round(floor, 2),
            "floor_ratio": ratio(floor, lower),
            "import_vs_floor_ratio": ratio(wall, floor),
            "claims_per_s": round(count / wall, 1) if wall else None,
            "cases": cases,
        }
    )
    return 0 if cases == count and floor_seen == count else 1


if __name__ == "__main__":
    sys.exit(main())
