"""Scan load: N stations drive full unit life cycles through `POST /api/v1/scan` under gunicorn.

For each backend (SQLite, PostgreSQL) the bench
1. makes a fresh database, migrates it, seeds the demo data and registers one universal station
   and one operator badge per simulated station (in-process, with the same service calls that
   `wms db upgrade`, `wms demo --json` and `wms station add` make: one process start per station
   would cost more than a whole `--quick` run);
2. measures the FLOOR: a bare Flask app (`floor_app` below) doing one INSERT per request into a
   table of the same database, served by the same gunicorn configuration, driven by the same
   clients. It is what any Flask + SQLAlchemy write endpoint costs on this machine;
3. measures the WMS (`gunicorn "wms:create_app()"`): every station logs in once, then does
   receipts of several units (Kaspi order code or CMD:BLIND → one EAN per unit → CMD:CLOSE)
   followed, per unit, by inspection and putaway (LPN → CMD:GRADE-RESELLABLE → LPN → bin);
4. checks the database against what the clients did: units in stock, stock totals and bins,
   ledger rows, scan events, floor rows.

Each station is one thread with one keep-alive connection; a station's scans are serialised by
the server (station session row lock), so concurrency comes from many stations, as on a floor.
A warm-up is excluded; throughput counts requests that finished inside the measured window.
When it closes, stations stop where they are and the check accounts for the units in flight.

Prints ONE JSON line on stdout (logs go to stderr). Exit status 1 when a request failed or the
check found a difference; a missed target is reported (`meets_target: false`), not a failure.

    .venv/bin/python bench/scan_load.py [--quick] [--backend sqlite|postgres|both] [--stations N]
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

# Run as a script, this folder is sys.path[0] and `bench/labels.py` would shadow the `labels`
# package the server imports; the repository root goes first instead (it also makes `wms`
# importable whatever the state of the editable install).
_HERE = Path(__file__).resolve().parent
_REPO = _HERE.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
if str(_REPO) not in sys.path:
    sys.path.insert(0, str(_REPO))

import httpx  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from flask import Flask, jsonify, request  # noqa: E402

from bench._common import emit, free_port, latency_ms, log, per_second, ratio  # noqa: E402

PG_ADMIN_URL = os.environ.get(
    "WMS_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
# Targets of issue 2: the scan endpoint keeps at least half the floor's throughput and at most
# twice its p99 latency.
TARGET_THROUGHPUT_RATIO = 0.5
TARGET_P99_RATIO = 2.0
MAIN_STOCK_ZONE = "stock_main"
SERVER_READY_TIMEOUT_S = 30.0
REQUEST_TIMEOUT_S = 60.0

FLOOR_TABLE = sa.Table(
    "bench_floor",
    sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("station", sa.String(40), nullable=False),
    sa.Column("event_id", sa.String(64), nullable=False),
    sa.Column("code", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)


class LoadError(Exception):
    """A request failed or answered something the life cycle did not expect."""


class WindowClosed(Exception):  # noqa: N818 (a signal, not an error)
    """The measured window is over: the station stops where it is (its next scan is not sent)."""


# --------------------------------------------------------------------------------------------
# The floor: a bare Flask app on the same database (imported by gunicorn in its workers).


def floor_engine(url: str) -> sa.Engine:
    """An engine configured like any careful app would: WAL and a busy timeout on SQLite."""
    if sa.make_url(url).get_backend_name() != "sqlite":
        return sa.create_engine(url, pool_size=10, max_overflow=10)
    engine = sa.create_engine(url, connect_args={"timeout": 15, "check_same_thread": False})

    @sa.event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: Any, _record: Any) -> None:
        # The same durability as the WMS engine (WAL + synchronous=NORMAL), so the comparison
        # is about the work per request, not about fsyncs.
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.close()

    return engine


def floor_app() -> Flask:
    """The FLOOR: `POST /floor` parses JSON, INSERTs one row, answers JSON (for gunicorn)."""
    engine = floor_engine(os.environ["WMS_DATABASE__URL"])
    insert = FLOOR_TABLE.insert()
    app = Flask("scan_load_floor")

    def write() -> Any:
        body = request.get_json(force=True)
        row = {
            "station": str(body["station"]),
            "event_id": str(body["event_id"]),
            "code": str(body["code"]),
            "created_at": datetime.now(UTC),
        }
        with engine.begin() as conn:
            conn.execute(insert, row)
        return jsonify(result="ok")

    app.add_url_rule("/floor", view_func=write, methods=["POST"])
    app.add_url_rule("/healthz", view_func=lambda: jsonify(status="ok"))
    return app


# --------------------------------------------------------------------------------------------
# Options and the per-backend site (fresh database with demo data and bench stations).


@dataclass(frozen=True)
class Options:
    """What to run."""

    backends: tuple[str, ...]
    stations: int
    warmup_s: float
    duration_s: float
    units_per_receipt: int
    workers: int
    threads: int
    quick: bool


@dataclass(frozen=True)
class BenchStation:
    """One simulated station: its name, bearer token and the badge its operator scans."""

    index: int
    name: str
    token: str
    badge: str


@dataclass(frozen=True)
class Site:
    """A fresh database ready for the run."""

    backend: str
    url: str
    secret_key: str
    stations: tuple[BenchStation, ...]
    skus: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]  # merchant, ((sku, ean), ...)
    bins: tuple[str, ...]


@contextmanager
def fresh_database(backend: str, workdir: Path) -> Iterator[str]:
    """An empty database of the backend, dropped afterwards (its SQLAlchemy URL)."""
    if backend == "sqlite":
        yield f"sqlite:///{workdir / 'wms-bench.sqlite'}"
        return
    name = f"wms_bench_scan_{os.getpid()}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        yield sa.make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def postgres_reachable() -> str | None:
    """None when the PostgreSQL admin URL answers, else why not."""
    engine = sa.create_engine(PG_ADMIN_URL)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except sa.exc.SQLAlchemyError as exc:
        return f"PostgreSQL unreachable at {PG_ADMIN_URL}: {type(exc).__name__}"
    finally:
        engine.dispose()
    return None


def prepare_site(backend: str, url: str, count: int) -> Site:
    """Migrate, seed the demo data, register `count` universal stations and operators."""
    from wms.db import migrate
    from wms.db.models import StationRole
    from wms.db.session import make_engine, open_database
    from wms.services import accounts
    from wms.services import demo as demo_service
    from wms.services.uow import Actor, execute
    from wms.settings import Settings

    secret_key = "bench-" + secrets.token_hex(16)
    settings = Settings().with_overrides(database={"url": url}, server={"secret_key": secret_key})
    engine = make_engine(settings.database, immediate=False)
    migrate.upgrade(engine)
    FLOOR_TABLE.create(engine)
    engine.dispose()
    db = open_database(settings.database)
    actor = Actor("bench", kind="system")
    try:
        demo = execute(db, demo_service.seed, settings).data
        stations = []
        for i in range(1, count + 1):
            name, badge = f"bench-{i:03d}", f"OP-B{i:03d}"
            _station, token = execute(
                db, accounts.create_station, actor, name, StationRole.UNIVERSAL
            )
            execute(db, accounts.create_operator, actor, f"Bench operator {i}", badge)
            stations.append(BenchStation(i, name, token, badge))
    finally:
        db.dispose()
    return Site(backend, url, secret_key, tuple(stations), _unmarked_skus(demo), _main_bins(demo))


def _unmarked_skus(demo: dict[str, Any]) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    # Marked SKUs would need a GS1 marking code per unit; a receipt holds one merchant's goods
    # (a blind return takes the merchant of its first product).
    by_merchant: dict[str, list[tuple[str, str]]] = {}
    for sku in demo["skus"]:
        if not sku["marked"]:
            by_merchant.setdefault(sku["merchant"], []).append((sku["sku"], sku["barcodes"][0]))
    return tuple((merchant, tuple(items)) for merchant, items in sorted(by_merchant.items()))


def _main_bins(demo: dict[str, Any]) -> tuple[str, ...]:
    return tuple(b["bin"] for b in demo["bins"] if b["zone"] == MAIN_STOCK_ZONE)


# --------------------------------------------------------------------------------------------
# gunicorn


def server_env(site: Site) -> dict[str, str]:
    """The environment of a server process: only the bench's WMS settings, none of the shell's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WMS_")}
    env.update(
        WMS_DATABASE__URL=site.url,
        WMS_SERVER__SECRET_KEY=site.secret_key,
        PYTHONPATH=str(_REPO),
    )
    return env


@contextmanager
def gunicorn(app: str, site: Site, opts: Options, log_path: Path) -> Iterator[tuple[str, int]]:
    """Serve `app` with the bench's gunicorn configuration; yields (base URL, master pid)."""
    port = free_port()
    cmd = [
        sys.executable, "-m", "gunicorn",
        "--bind", f"127.0.0.1:{port}",
        "--worker-class", "gthread",
        "--workers", str(opts.workers),
        "--threads", str(opts.threads),
        "--chdir", str(_REPO),
        # Stations send their next scan right away; a short keep-alive would not hurt, but a
        # slow SQLite write must not turn into a reconnect.
        "--keep-alive", "30",
        "--timeout", "120",
        "--graceful-timeout", "5",
        app,
    ]  # fmt: skip
    with log_path.open("ab") as out:
        proc = subprocess.Popen(cmd, env=server_env(site), stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    began = time.monotonic()
    try:
        _wait_ready(base, proc, log_path)
        log(f"{site.backend}: {app} up in {time.monotonic() - began:.1f}s")
        yield base, proc.pid
    finally:
        began = time.monotonic()
        _stop(proc)
        log(f"{site.backend}: {app} stopped in {time.monotonic() - began:.1f}s")


def _wait_ready(base: str, proc: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + SERVER_READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise LoadError(f"gunicorn exited ({proc.returncode}):\n{_tail(log_path)}")
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise LoadError(f"gunicorn not ready after {SERVER_READY_TIMEOUT_S}s:\n{_tail(log_path)}")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    # Quick shutdown: the load is over, there is nothing in flight to finish gracefully.
    proc.send_signal(signal.SIGQUIT)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _tail(path: Path, lines: int = 30) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


# --------------------------------------------------------------------------------------------
# CPU accounting (Linux /proc): who used the two cores during the measured window.


def _proc_ticks(pid: int) -> tuple[int, int]:
    """(parent pid, user+system clock ticks) of a process."""
    raw = Path(f"/proc/{pid}/stat").read_text()
    fields = raw[raw.rindex(")") + 2 :].split()
    return int(fields[1]), int(fields[11]) + int(fields[12])


def _busy_ticks() -> int:
    """Clock ticks all CPUs spent busy (not idle, not waiting for I/O) since boot."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(f) for f in fields[:8])
    return user + nice + system + irq + softirq + steal


@dataclass(frozen=True)
class CpuSnapshot:
    """Busy ticks of the whole machine and, per process of ours, its group and ticks so far."""

    machine: int
    processes: dict[int, tuple[str, int]]


def cpu_snapshot(server_pid: int, database: str) -> CpuSnapshot | None:
    """Ticks of the bench client, the gunicorn tree and the PostgreSQL backends of `database`.

    PostgreSQL names each backend process after its database, so other people's sessions on a
    shared server are not counted as ours. None where there is no /proc.
    """
    if not Path("/proc/stat").exists():
        return None
    processes: dict[int, tuple[str, int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        pid = int(entry.name)
        try:
            ppid, ticks = _proc_ticks(pid)
            group = _group(pid, ppid, server_pid, database)
        except (OSError, ValueError, IndexError):
            continue  # the process ended while we looked
        if group is not None:
            processes[pid] = (group, ticks)
    return CpuSnapshot(_busy_ticks(), processes)


def _group(pid: int, ppid: int, server_pid: int, database: str) -> str | None:
    if pid == os.getpid():
        return "client"
    if server_pid in (pid, ppid):
        return "server"
    title = Path(f"/proc/{pid}/cmdline").read_bytes()
    if title.startswith(b"postgres:") and f" {database} ".encode() in title:
        return "postgres"
    return None


def cpu_share(before: CpuSnapshot, after: CpuSnapshot, seconds: float) -> dict[str, float]:
    """Cores used per group over the window (2.0 = both cores of this machine busy).

    Per process, so a process that ends in between does not count negative; one that starts in
    between counts whole (ours start during the warm-up). "other" is everything else that ran
    meanwhile: near 0 on a quiet machine, up to 2 when someone's tests share the box.
    """
    hz = os.sysconf("SC_CLK_TCK")
    used = dict.fromkeys(("client", "server", "postgres"), 0.0)
    for pid, (group, ticks) in after.processes.items():
        used[group] += (ticks - before.processes.get(pid, (group, 0))[1]) / hz / seconds
    machine = (after.machine - before.machine) / hz / seconds
    shares = {k: round(v, 2) for k, v in used.items()}
    shares["other"] = round(max(machine - sum(used.values()), 0.0), 2)
    return shares


# --------------------------------------------------------------------------------------------
# Load driving


@dataclass
class Window:
    """The measured interval on the perf_counter clock, set once every station is ready."""

    start: float = 0.0
    end: float = float("inf")

    def over(self) -> bool:
        """Whether the measured interval has ended (stations stop starting new work)."""
        return time.perf_counter() >= self.end


@dataclass
class Tally:
    """What one station did (only its own thread writes it)."""

    samples: list[tuple[float, float, str]] = field(default_factory=list)  # end, latency, step
    units: list[float] = field(default_factory=list)  # end times of putaways
    stocked: Counter[tuple[str, str, str]] = field(default_factory=Counter)  # merchant, sku, bin
    received: int = 0  # units registered (LPN printed)
    receipts: int = 0  # receipts closed
    receipt_open: bool = False  # stopped between the order code and CMD:CLOSE
    error: str | None = None


class StationClient:
    """One simulated station: one keep-alive connection, every request timed."""

    def __init__(self, base: str, station: BenchStation, tally: Tally, window: Window) -> None:
        self.station = station
        self.tally = tally
        self.window = window
        self.http = httpx.Client(
            base_url=base,
            headers={"Authorization": f"Bearer {station.token}"},
            timeout=REQUEST_TIMEOUT_S,
            limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
        )

    def post(self, path: str, body: dict[str, Any], step: str) -> dict[str, Any]:
        """POST JSON, record the latency, return the JSON answer (LoadError unless HTTP 200)."""
        began = time.perf_counter()
        try:
            response = self.http.post(path, json=body)
        except httpx.HTTPError as exc:
            raise LoadError(f"{self.station.name} {step}: {exc!r}") from exc
        ended = time.perf_counter()
        self.tally.samples.append((ended, ended - began, step))
        if response.status_code != 200:
            raise LoadError(
                f"{self.station.name} {step}: HTTP {response.status_code} {response.text[:300]}"
            )
        return response.json()  # type: ignore[no-any-return]

    def scan(self, code: str, step: str, expect: str = "ok") -> dict[str, Any]:
        """Send one scan; its `result` must be the expected one.

        Once the window is over the scan is not sent (WindowClosed): stations stop mid-cycle, so
        the run ends on time, and the check counts the units left in flight.
        """
        if self.window.over():
            raise WindowClosed
        body = {
            "event_id": str(uuid.uuid4()),
            "code": code,
            "symbology": None,
            "scanned_at": datetime.now(UTC).isoformat(),
        }
        answer = self.post("/api/v1/scan", body, step)
        if answer.get("result") != expect:
            prompt = (answer.get("prompt") or {}).get("en")
            raise LoadError(
                f"{self.station.name} {step} {code!r}: {answer.get('result')} "
                f"(expected {expect}): {prompt}"
            )
        return answer

    def close(self) -> None:
        """Drop the connection."""
        self.http.close()


StationLoop = Callable[[StationClient, Window, threading.Event], None]


def drive(
    base: str,
    stations: tuple[BenchStation, ...],
    opts: Options,
    loop: StationLoop,
    prologue: Callable[[StationClient], None] | None = None,
    on_window: Callable[[Window, threading.Event], None] | None = None,
) -> tuple[list[Tally], Window]:
    """Run `loop` in one thread per station; warm-up then the measured window.

    `prologue` (e.g. the badge scan) runs before the clock starts; `on_window` runs in the main
    thread while the load is on (CPU sampling).
    """
    tallies = [Tally() for _ in stations]
    window = Window()
    abort = threading.Event()

    def start_clock() -> None:
        window.start = time.perf_counter() + opts.warmup_s
        window.end = window.start + opts.duration_s

    barrier = threading.Barrier(len(stations), action=start_clock)

    def run(station: BenchStation, tally: Tally) -> None:
        client = StationClient(base, station, tally, window)
        try:
            if prologue is not None:
                prologue(client)
            barrier.wait()
            loop(client, window, abort)
        except WindowClosed:
            pass
        except threading.BrokenBarrierError:
            tally.error = tally.error or "another station failed before the start"
        except Exception as exc:  # any failure must stop the run and be reported
            tally.error = f"{type(exc).__name__}: {exc}"
            abort.set()
            barrier.abort()
        finally:
            client.close()

    threads = [
        threading.Thread(target=run, args=(s, t), name=s.name, daemon=True)
        for s, t in zip(stations, tallies, strict=True)
    ]
    for thread in threads:
        thread.start()
    if on_window is not None:
        on_window(window, abort)
    for thread in threads:
        thread.join()
    return tallies, window


def wait_until(moment: Callable[[], float], abort: Callable[[], bool]) -> None:
    """Sleep until perf_counter reaches `moment()` (re-read: the window is set late)."""
    while time.perf_counter() < moment() and not abort():
        time.sleep(0.02)


# --------------------------------------------------------------------------------------------
# The life cycle at a universal station


@dataclass(frozen=True)
class Plan:
    """What a station scans: SKUs per merchant, main-stock bins, units per receipt."""

    skus: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]
    bins: tuple[str, ...]
    units_per_receipt: int


def login(client: StationClient) -> None:
    """The operator's badge, once per station (before the clock starts)."""
    client.scan(client.station.badge, "badge")


def receipt_cycle(client: StationClient, plan: Plan, number: int) -> None:
    """One receipt of several units, each inspected and put away into main stock."""
    index = client.station.index
    merchant, skus = plan.skus[(index + number) % len(plan.skus)]
    tally = client.tally
    if number % 2 == 0:
        # An unannounced Kaspi order (10 digits, unique per station and receipt).
        client.scan(f"7{index:03d}{number:06d}", "open", expect="action_required")
    else:
        client.scan("CMD:BLIND", "open")
    tally.receipt_open = True
    received: list[tuple[str, str]] = []
    for k in range(plan.units_per_receipt):
        sku, ean = skus[(number + k) % len(skus)]
        answer = client.scan(ean, "product")
        received.append((_printed_lpn(answer, client), sku))
        tally.received += 1
        units = ((answer.get("context") or {}).get("return_order") or {}).get("units")
        if units != k + 1:
            raise LoadError(f"{client.station.name}: receipt shows {units} units, expected {k + 1}")
    client.scan("CMD:CLOSE", "close")
    tally.receipt_open = False
    tally.receipts += 1
    for k, (lpn, sku) in enumerate(received):
        bin_code = plan.bins[(index + number + k) % len(plan.bins)]
        client.scan(lpn, "inspect")
        client.scan("CMD:GRADE-RESELLABLE", "grade")
        client.scan(lpn, "putaway", expect="action_required")
        client.scan(bin_code, "bin")
        tally.units.append(time.perf_counter())
        tally.stocked[(merchant, sku, bin_code)] += 1


def _printed_lpn(answer: dict[str, Any], client: StationClient) -> str:
    for spec in answer.get("print") or []:
        if spec.get("kind") == "unit" and spec.get("fields", {}).get("lpn"):
            return str(spec["fields"]["lpn"])
    raise LoadError(f"{client.station.name}: a received unit printed no LPN label")


def scan_loop(plan: Plan) -> StationLoop:
    """Receipts, one after the other, until the window closes (WindowClosed ends the thread)."""

    def loop(client: StationClient, window: Window, abort: threading.Event) -> None:
        number = 0
        while not window.over() and not abort.is_set():
            receipt_cycle(client, plan, number)
            number += 1

    return loop


def floor_loop(client: StationClient, window: Window, abort: threading.Event) -> None:
    """Floor requests until the window closes."""
    n = 0
    while not window.over() and not abort.is_set():
        body = {"station": client.station.name, "event_id": str(uuid.uuid4()), "code": f"F{n}"}
        if client.post("/floor", body, "floor").get("result") != "ok":
            raise LoadError(f"{client.station.name}: floor answered without result ok")
        n += 1


# --------------------------------------------------------------------------------------------
# Results


def errors_of(tallies: list[Tally]) -> list[str]:
    """Every station's failure."""
    return [t.error for t in tallies if t.error]


def measure(tallies: list[Tally], window: Window, opts: Options) -> dict[str, Any]:
    """Throughput and latency of the requests that finished inside the window."""
    inside = [
        (latency, step)
        for t in tallies
        for ended, latency, step in t.samples
        if window.start <= ended < window.end
    ]
    if not inside:
        raise LoadError("no request finished inside the measured window")
    latencies = [latency for latency, _step in inside]
    units = sum(1 for t in tallies for ended in t.units if window.start <= ended < window.end)
    by_step: dict[str, list[float]] = {}
    for latency, step in inside:
        by_step.setdefault(step, []).append(latency)
    return {
        "requests": len(inside),
        "per_s": per_second(len(inside), opts.duration_s),
        "units_per_s": per_second(units, opts.duration_s),
        **latency_ms(latencies),
        "step_p50_ms": {s: latency_ms(v)["p50_ms"] for s, v in sorted(by_step.items())},
    }


def backend_result(floor: dict[str, Any], scan: dict[str, Any]) -> dict[str, Any]:
    """The figures of one backend, side by side, with the targets."""
    throughput_ratio = ratio(scan["per_s"], floor["per_s"])
    p99_ratio = ratio(scan["p99_ms"], floor["p99_ms"])
    meets_throughput = throughput_ratio is not None and throughput_ratio >= TARGET_THROUGHPUT_RATIO
    meets_p99 = p99_ratio is not None and p99_ratio <= TARGET_P99_RATIO
    return {
        "scans_per_s": scan["per_s"],
        "units_per_s": scan["units_per_s"],
        "p50_ms": scan["p50_ms"],
        "p99_ms": scan["p99_ms"],
        "max_ms": scan["max_ms"],
        "floor_per_s": floor["per_s"],
        "floor_p50_ms": floor["p50_ms"],
        "floor_p99_ms": floor["p99_ms"],
        "floor_max_ms": floor["max_ms"],
        "throughput_ratio": throughput_ratio,
        "p99_ratio": p99_ratio,
        "meets_throughput_target": meets_throughput,
        "meets_p99_target": meets_p99,
        "meets_target": meets_throughput and meets_p99,
        "scans_measured": scan["requests"],
        "floor_measured": floor["requests"],
        "step_p50_ms": scan["step_p50_ms"],
        "cpu_cores": {"floor": floor["cpu"], "scan": scan["cpu"]},
    }


# --------------------------------------------------------------------------------------------
# Checking the database against what the clients did


def stock_by_api(base: str, site: Site) -> dict[tuple[str, str], dict[str, int]]:
    """Main-channel on-hand per SKU and per bin, read through `GET /api/v1/stock`."""
    out: dict[tuple[str, str], dict[str, int]] = {}
    headers = {"Authorization": f"Bearer {site.stations[0].token}"}
    with httpx.Client(base_url=base, headers=headers, timeout=REQUEST_TIMEOUT_S) as http:
        for merchant, skus in site.skus:
            for sku, _ean in skus:
                response = http.get("/api/v1/stock", params={"sku": sku, "merchant": merchant})
                if response.status_code != 200:
                    raise LoadError(f"stock of {merchant}/{sku}: HTTP {response.status_code}")
                figures = {"on_hand": 0}
                for channel in response.json()["channels"]:
                    if channel["channel"] == "main":
                        figures["on_hand"] = channel["on_hand"]
                        figures.update({b["bin"]: b["quantity"] for b in channel["bins"]})
                out[(merchant, sku)] = figures
    return out


def check_stock(
    before: dict[tuple[str, str], dict[str, int]],
    after: dict[tuple[str, str], dict[str, int]],
    tallies: list[Tally],
) -> list[str]:
    """Stock totals and bins moved by exactly the units the stations put away."""
    stocked: Counter[tuple[str, str, str]] = Counter()
    for t in tallies:
        stocked.update(t.stocked)
    problems = []
    for key, figures in after.items():
        added = sum(n for (m, s, _b), n in stocked.items() if (m, s) == key)
        if figures["on_hand"] != before[key]["on_hand"] + added:
            problems.append(
                f"{key}: on hand {figures['on_hand']}, expected {before[key]['on_hand']} + {added}"
            )
        for (m, s, bin_code), n in stocked.items():
            if (m, s) == key and figures.get(bin_code, 0) != before[key].get(bin_code, 0) + n:
                problems.append(f"{key} in {bin_code}: {figures.get(bin_code, 0)}, +{n} expected")
    return problems


def check_database(site: Site, tallies: list[Tally]) -> list[str]:
    """Units, ledger, stock and scan events in the database match the clients' counts."""
    from wms.db.models import ReturnOrder, ScanEvent, Station, StockLedgerEntry, Unit
    from wms.domain.orders import ReturnOrderState
    from wms.domain.stock import LedgerKind
    from wms.domain.units import UnitState

    units = sum(len(t.units) for t in tallies)
    received = sum(t.received for t in tallies)
    scans = sum(len(t.samples) for t in tallies)
    bench_events = (
        sa.select(sa.func.count())
        .select_from(ScanEvent)
        .join(Station, Station.id == ScanEvent.station_id)
        .where(Station.name.in_([s.name for s in site.stations]))
    )
    count = sa.func.count
    expected = {
        "units in stock": (sa.select(count()).where(Unit.state == UnitState.IN_STOCK), units),
        # Units the window closed on are somewhere between receipt and putaway.
        "units received": (sa.select(count()).select_from(Unit), received),
        "receipts still open": (
            sa.select(count()).where(ReturnOrder.state == ReturnOrderState.RECEIVING),
            sum(t.receipt_open for t in tallies),
        ),
        "putaway ledger rows": (
            sa.select(count()).where(StockLedgerEntry.kind == LedgerKind.RETURN_PUTAWAY),
            units,
        ),
        "scan events": (bench_events, scans),
        "scan events with an error": (bench_events.where(ScanEvent.result == "error"), 0),
        **_ledger_checks(),
    }
    engine = sa.create_engine(site.url)
    try:
        with engine.connect() as conn:
            found = {name: conn.execute(stmt).scalar_one() for name, (stmt, _) in expected.items()}
    finally:
        engine.dispose()
    return [f"{name}: {found[name]}, expected {want}" for name, (_, want) in expected.items()
            if found[name] != want]  # fmt: skip


def _ledger_checks() -> dict[str, tuple[Any, int]]:
    # Totals and bin levels are kept next to the ledger for speed; under concurrent putaways
    # they must still equal the ledger's sums (a lost update would show here).
    from wms.db.models import Bin, StockLedgerEntry, StockLevel, StockTotal, Zone
    from wms.domain.stock import SELLABLE_ZONES

    ledger = StockLedgerEntry
    total = sa.func.coalesce(sa.func.sum(ledger.quantity), 0)
    same_key = (ledger.merchant_id, ledger.product_id, ledger.channel)
    sellable = (
        sa.select(total)
        .join(Bin, Bin.id == ledger.bin_id)
        .join(Zone, Zone.id == Bin.zone_id)
        .where(*(a == b for a, b in zip(same_key, _key(StockTotal), strict=True)))
        .where(Zone.kind.in_(SELLABLE_ZONES))
        .scalar_subquery()
    )
    in_bin = (
        sa.select(total)
        .where(*(a == b for a, b in zip(same_key, _key(StockLevel), strict=True)))
        .where(ledger.bin_id == StockLevel.bin_id)
        .scalar_subquery()
    )
    off_totals = sa.select(sa.func.count()).where(StockTotal.on_hand != sellable)
    off_levels = sa.select(sa.func.count()).where(StockLevel.quantity != in_bin)
    return {
        "stock totals off their ledger": (off_totals, 0),
        "bin levels off their ledger": (off_levels, 0),
    }


def _key(model: Any) -> tuple[Any, Any, Any]:
    return model.merchant_id, model.product_id, model.channel


def check_floor(site: Site, tallies: list[Tally]) -> list[str]:
    """One floor row per floor request answered."""
    engine = sa.create_engine(site.url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.select(sa.func.count()).select_from(FLOOR_TABLE)).scalar_one()
    finally:
        engine.dispose()
    sent = sum(len(t.samples) for t in tallies)
    return [] if rows == sent else [f"floor rows: {rows}, expected {sent}"]


# --------------------------------------------------------------------------------------------
# One backend


def load_phase(
    name: str,
    base: str,
    server_pid: int,
    site: Site,
    opts: Options,
    loop: StationLoop,
    prologue: Callable[[StationClient], None] | None = None,
) -> tuple[list[Tally], dict[str, Any]]:
    """Drive one server; raises LoadError listing the stations' failures."""
    cpu: dict[str, float] = {}

    def sample_cpu(window: Window, abort: threading.Event) -> None:
        wait_until(lambda: window.start or float("inf"), abort.is_set)
        if abort.is_set():
            return
        database = sa.make_url(site.url).database or ""
        before, began = cpu_snapshot(server_pid, database), time.perf_counter()
        wait_until(lambda: window.end, abort.is_set)
        after = cpu_snapshot(server_pid, database)
        if before is not None and after is not None:
            cpu.update(cpu_share(before, after, time.perf_counter() - began))

    log(f"{site.backend} {name}: {len(site.stations)} stations, "
        f"{opts.warmup_s:g}s warm-up + {opts.duration_s:g}s")  # fmt: skip
    tallies, window = drive(base, site.stations, opts, loop, prologue, sample_cpu)
    if failures := errors_of(tallies):
        raise LoadError(f"{site.backend} {name}: {len(failures)} station(s) failed; first: "
                        f"{failures[0]}")  # fmt: skip
    figures = measure(tallies, window, opts)
    figures["cpu"] = cpu
    log(f"{site.backend} {name}: {figures['per_s']}/s p50 {figures['p50_ms']} ms "
        f"p99 {figures['p99_ms']} ms cpu {cpu}")  # fmt: skip
    return tallies, figures


def run_backend(backend: str, opts: Options, workdir: Path) -> dict[str, Any]:
    """Floor then scans on a fresh database of one backend; raises LoadError on any failure."""
    with fresh_database(backend, workdir) as url:
        began = time.monotonic()
        site = prepare_site(backend, url, opts.stations)
        log(f"{backend}: database ready in {time.monotonic() - began:.1f}s")
        server_log = workdir / f"gunicorn-{backend}.log"
        with gunicorn("bench.scan_load:floor_app()", site, opts, server_log) as (base, pid):
            floor_tallies, floor = load_phase("floor", base, pid, site, opts, floor_loop)
        plan = Plan(site.skus, site.bins, opts.units_per_receipt)
        with gunicorn("wms:create_app()", site, opts, server_log) as (base, pid):
            stock_before = stock_by_api(base, site)
            tallies, scan = load_phase("scan", base, pid, site, opts, scan_loop(plan), login)
            problems = check_stock(stock_before, stock_by_api(base, site), tallies)
        problems += check_database(site, tallies) + check_floor(site, floor_tallies)
        if problems:
            raise LoadError(f"{backend}: the database disagrees with the clients: {problems}")
        units = sum(len(t.units) for t in tallies)
        in_flight = sum(t.received for t in tallies) - units
        log(f"{backend}: verified: {units} units in stock, {in_flight} in flight, "
            f"{sum(t.receipts for t in tallies)} receipts closed; stock, bins, ledger and scan "
            f"events match")  # fmt: skip
        return {
            **backend_result(floor, scan),
            "units_in_stock": units,
            "units_in_flight": in_flight,
            "verified": True,
        }


# --------------------------------------------------------------------------------------------
# Command line


def parse_args(argv: list[str] | None = None) -> Options:
    """Options from the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--stations", type=int, default=16, help="simulated stations (threads)")
    parser.add_argument("--quick", action="store_true", help="short run (a few seconds a phase)")
    parser.add_argument("--duration", type=float, help="measured seconds per phase")
    parser.add_argument("--warmup", type=float, help="warm-up seconds per phase (not measured)")
    parser.add_argument("--units-per-receipt", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    args = parser.parse_args(argv)
    if args.stations < 1 or args.units_per_receipt < 1 or args.workers < 1 or args.threads < 1:
        parser.error("--stations, --units-per-receipt, --workers and --threads must be >= 1")
    duration = args.duration if args.duration is not None else (3.0 if args.quick else 30.0)
    warmup = args.warmup if args.warmup is not None else (1.0 if args.quick else 5.0)
    backends = ("sqlite", "postgres") if args.backend == "both" else (args.backend,)
    return Options(
        backends=backends,
        stations=args.stations,
        warmup_s=warmup,
        duration_s=duration,
        units_per_receipt=args.units_per_receipt,
        workers=args.workers,
        threads=args.threads,
        quick=args.quick,
    )


def main(argv: list[str] | None = None) -> int:
    """Run the bench; print one JSON line; 0 unless a request or the check failed."""
    opts = parse_args(argv)
    record: dict[str, Any] = {
        "bench": "scan_load",
        "stations": opts.stations,
        "quick": opts.quick,
        "warmup_s": opts.warmup_s,
        "duration_s": opts.duration_s,
        "units_per_receipt": opts.units_per_receipt,
        "gunicorn": f"gthread --workers {opts.workers} --threads {opts.threads}",
        "cpus": os.cpu_count(),
        "loadavg_1m_at_start": round(os.getloadavg()[0], 2),
        "targets": {"throughput_ratio_min": TARGET_THROUGHPUT_RATIO,
                    "p99_ratio_max": TARGET_P99_RATIO},
    }  # fmt: skip
    failed = False
    workdir = Path(tempfile.mkdtemp(prefix="wms-bench-scan-"))
    try:
        for backend in opts.backends:
            record[backend], ok = _one_backend(backend, opts, workdir)
            failed = failed or not ok
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    record["ok"] = not failed
    emit(record)
    return 1 if failed else 0


def _one_backend(backend: str, opts: Options, workdir: Path) -> tuple[dict[str, Any], bool]:
    if backend == "postgres" and (why := postgres_reachable()) is not None:
        # Asked for explicitly it is a failure; as part of "both" the SQLite figures still count.
        log(f"postgres: skipped: {why}")
        return {"skipped": why}, len(opts.backends) > 1
    try:
        return run_backend(backend, opts, workdir), True
    except LoadError as exc:
        log(f"{backend}: FAILED: {exc}")
        return {"error": str(exc)}, False


if __name__ == "__main__":
    sys.exit(main())
