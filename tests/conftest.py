"""Fixtures: settings and databases (SQLite and PostgreSQL), the app, clients, demo data.

Databases are migrated once per test session (per xdist worker) and then:
- SQLite: each test copies the migrated template file (fast, fully isolated);
- PostgreSQL: each test truncates every table of a per-worker database.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.support import PG_ADMIN_URL, need_postgres
from wms.db import migrate
from wms.db.base import Base
from wms.db.session import Database, make_engine, open_database
from wms.settings import Settings

BACKENDS = ["sqlite", "postgres"]


def _worker() -> str:
    # Unique per test run and worker: two runs on one machine must not drop each other's databases.
    run = os.environ.get(
        "PYTEST_XDIST_TESTRUNUID",
        str(os.getppid() if "PYTEST_XDIST_WORKER" in os.environ else os.getpid()),
    )
    return f"{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{run[:8]}"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite database file to copy for each test."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.sqlite"
    settings = Settings().with_overrides(database={"url": f"sqlite:///{path}"})
    engine = make_engine(settings.database, immediate=False)
    migrate.upgrade(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A migrated PostgreSQL database of this xdist worker."""
    need_postgres()
    name = f"wms_test_{_worker()}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    engine = sa.create_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    yield url
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def truncate_all(url: str) -> None:
    """Empty every table of a PostgreSQL test database."""
    engine = sa.create_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Run the test on SQLite and on PostgreSQL."""
    return str(request.param)


@pytest.fixture
def db_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, migrated, empty database of the requested backend."""
    if backend == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        target = tmp_path / "wms.sqlite"
        shutil.copyfile(template, target)
        return f"sqlite:///{target}"
    url = request.getfixturevalue("postgres_url")
    truncate_all(url)
    return str(url)


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    """Settings pointing at the test database and a temporary photo directory."""
    return Settings().with_overrides(
        database={"url": db_url, "pool_size": 5},
        storage={"photo_dir": str(tmp_path / "photos"), "max_upload_mb": 1},
        clips={"dir": str(tmp_path / "clips")},
        server={"secret_key": "test-secret-key-" + uuid.uuid4().hex},
        # A cheap argon2 profile keeps tests fast; production uses the RFC 9106 default.
        security={"argon2_time_cost": 1, "argon2_memory_kib": 8192, "argon2_parallelism": 1},
    )


@pytest.fixture
def database(settings: Settings) -> Iterator[Database]:
    """The opened database."""
    db = open_database(settings.database)
    yield db
    db.dispose()


@pytest.fixture
def app(settings: Settings) -> Iterator[Any]:
    """The Flask application on the test database."""
    from wms import create_app

    application = create_app(settings)
    application.config["TESTING"] = True
    yield application
    application.extensions["wms"].db.dispose()


@pytest.fixture
def client(app: Any) -> Any:
    """A test client."""
    return app.test_client()


@pytest.fixture
def demo(app: Any) -> dict[str, Any]:
    """Demo data seeded into the test database (the same data `wms demo --json` prints)."""
    from wms.services import demo as demo_service
    from wms.services.uow import execute

    wms = app.extensions["wms"]
    return execute(wms.db, demo_service.seed, wms.settings).data


def now_iso() -> str:
    """The current time as ISO 8601 with a zone."""
    return dt.datetime.now(dt.UTC).isoformat()


class Station:
    """Drives `/api/v1/scan` like a station does."""

    def __init__(self, client: Any, token: str) -> None:
        self.client = client
        self.token = token

    @property
    def headers(self) -> dict[str, str]:
        """Authorization header."""
        return {"Authorization": f"Bearer {self.token}"}

    def post(self, code: str, *, event_id: str | None = None, **extra: Any) -> dict[str, Any]:
        """Send one scan and return the JSON answer (asserting HTTP 200)."""
        body = {
            "event_id": event_id or str(uuid.uuid4()),
            "code": code,
            "symbology": None,
            "scanned_at": now_iso(),
            **extra,
        }
        response = self.client.post("/api/v1/scan", json=body, headers=self.headers)
        assert response.status_code == 200, response.get_json()
        return response.get_json()  # type: ignore[no-any-return]

    def ok(self, code: str, **extra: Any) -> dict[str, Any]:
        """Send a scan that must succeed (result ok or action_required)."""
        answer = self.post(code, **extra)
        assert answer["result"] in ("ok", "action_required"), answer["prompt"]["en"]
        return answer

    def fail(self, code: str, **extra: Any) -> dict[str, Any]:
        """Send a scan that must be refused."""
        answer = self.post(code, **extra)
        assert answer["result"] == "error", answer["prompt"]["en"]
        return answer


@pytest.fixture
def station(client: Any, demo: dict[str, Any]) -> Callable[[str], Station]:
    """Make a station driver by role (receipt, inspection, …, universal)."""
    tokens = {s["role"]: s["token"] for s in demo["stations"]}
    return lambda role: Station(client, tokens[role])


def snapshot(db: Database, *, ignore: tuple[str, ...] = ()) -> dict[str, list[str]]:
    """Every row of every table (small test databases): proves that nothing changed."""
    out: dict[str, list[str]] = {}
    with db.reading() as session:
        for table in Base.metadata.sorted_tables:
            if table.name in ignore:
                continue
            rows = session.execute(sa.select(table)).all()
            out[table.name] = sorted(repr(tuple(row)) for row in rows)
    return out
