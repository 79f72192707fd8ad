"""The real WMS server as a process: migrated and seeded once, then served from copies.

`wms db upgrade` and `wms demo --json` run once per test session into a template SQLite file;
each test serves its own copy with `wms serve`, so tests never see each other's scans and a test
may SIGKILL its server and start it again on the same database.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.support import free_port, need

ROOT = Path(__file__).resolve().parents[3]
BIN = Path(sys.executable).parent
READY_TIMEOUT = 30.0


def executable(name: str) -> str:
    """A console script of this virtualenv (`wms`, `wms-station`)."""
    path = BIN / name
    need(path.exists(), f"the '{name}' command in {BIN}")
    return str(path)


def server_env(db_path: Path, secret_key: str, **extra: str) -> dict[str, str]:
    """Environment of a server process: the test's settings only, none of the shell's WMS_*."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WMS_")}
    env.update(
        WMS_CONFIG="",
        WMS_DATABASE__URL=f"sqlite:///{db_path}",
        WMS_SERVER__SECRET_KEY=secret_key,
        # A cheap argon2 profile: the demo seeds dashboard logins on every run.
        WMS_SECURITY__ARGON2_TIME_COST="1",
        WMS_SECURITY__ARGON2_MEMORY_KIB="8192",
        # The editable install may not map the `wms` package for scripts run outside the repo.
        PYTHONPATH=str(ROOT),
        **extra,
    )
    return env


@dataclass(frozen=True)
class DemoSite:
    """A migrated, seeded template database and what `wms demo --json` said about it."""

    template: Path
    secret_key: str
    demo: dict[str, Any]

    def token(self, role: str) -> str:
        """The demo station token of a role (receipt, inspection, … universal)."""
        return next(s["token"] for s in self.demo["stations"] if s["role"] == role)

    @property
    def integration_token(self) -> str:
        """Bearer token of the demo integration client (reads stock and units)."""
        return str(self.demo["integration"]["token"])

    def ean(self, sku: str) -> str:
        """The first barcode of a demo SKU."""
        return next(s["barcodes"][0] for s in self.demo["skus"] if s["sku"] == sku)

    def bin_of(self, zone: str) -> str:
        """The first demo bin of a zone."""
        return next(b["bin"] for b in self.demo["bins"] if b["zone"] == zone)


def build_site(directory: Path) -> DemoSite:
    """Run `wms db upgrade` and `wms demo --json` on a fresh SQLite file."""
    wms = executable("wms")
    db = directory / "template.sqlite"
    secret = "e2e-" + uuid.uuid4().hex
    env = server_env(db, secret)
    for args in (["db", "upgrade"], ["demo", "--json"]):
        done = subprocess.run(
            [wms, *args], env=env, cwd=directory, capture_output=True, text=True, timeout=120,
            check=False,
        )  # fmt: skip
        assert done.returncode == 0, f"wms {' '.join(args)} failed:\n{done.stderr}"
    return DemoSite(db, secret, json.loads(done.stdout))


@dataclass
class WmsServer:
    """`wms serve` on a copy of the demo database; can be killed and started again."""

    site: DemoSite
    directory: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0

    def __post_init__(self) -> None:
        self.db_path = self.directory / "wms.sqlite"
        shutil.copyfile(self.site.template, self.db_path)
        self.log_path = self.directory / "server.log"
        self.http = httpx.Client(base_url=self.url, timeout=10)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> WmsServer:
        """Start the server and wait until /healthz answers."""
        assert self.process is None or self.process.poll() is not None
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [executable("wms"), "serve", "--port", str(self.port)],
                env=server_env(self.db_path, self.site.secret_key),
                cwd=self.directory, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        self.starts += 1
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"wms serve exited:\n{self.log_tail()}")
            try:
                if self.http.get("/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.05)
        raise AssertionError(f"wms serve not ready in {READY_TIMEOUT:g} s:\n{self.log_tail()}")

    def kill(self) -> None:
        """SIGKILL: no clean shutdown, in-flight requests die with it."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        """SIGTERM (then SIGKILL), close the client."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
        self.http.close()

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    # -- looking at the server's state -------------------------------------------------------

    def api(self, method: str, path: str, *, token: str, body: Any = None) -> Any:
        """Call /api/v1 with a bearer token; the JSON answer (asserting a 2xx)."""
        answer = self.http.request(
            method, f"/api/v1{path}", json=body, headers={"Authorization": f"Bearer {token}"}
        )
        assert answer.is_success, f"{method} {path}: {answer.status_code} {answer.text[:300]}"
        return answer.json() if answer.content else None

    def stock(self, sku: str, merchant: str) -> dict[str, int]:
        """Available quantity per channel of a SKU, as an integration sees it."""
        token = self.site.integration_token
        data = self.api("GET", f"/stock?sku={sku}&merchant={merchant}", token=token)
        return {c["channel"]: c["available"] for c in data["channels"]}

    def unit(self, lpn: str) -> dict[str, Any]:
        """A unit with its history, as an integration sees it."""
        return dict(self.api("GET", f"/units/{lpn}", token=self.site.integration_token))

    def query(self, sql: str, params: Mapping[str, Any] | tuple[Any, ...] = ()) -> list[Any]:
        """Rows of a read-only SQL query on the server's database (works while it is down too)."""
        with sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True, timeout=10) as db:
            return db.execute(sql, params).fetchall()

    def station_row(self, name: str) -> dict[str, Any]:
        """What the server recorded about a station (heartbeat, devices)."""
        (row,) = self.query(
            "SELECT queued_scans, scanner_status, printer_status FROM stations WHERE name = ?",
            (name,),
        )
        return dict(zip(("queued_scans", "scanner_status", "printer_status"), row, strict=True))
