"""Migrations: upgrade → check → downgrade → upgrade on SQLite and PostgreSQL; drift is caught."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.support import PG_ADMIN_URL, need_postgres
from wms.db import migrate
from wms.db.base import Base


@pytest.fixture
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of the kind the test is parametrised with (dropped afterwards)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'm.sqlite'}"
        return
    need_postgres()
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"wms_migrate_{os.getpid()}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def _tables(engine: sa.Engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names()) - {"alembic_version"}


@pytest.mark.parametrize("fresh_url", ["sqlite", "postgres"], indirect=True)
def test_upgrade_check_downgrade_upgrade(fresh_url: str) -> None:
    engine = sa.create_engine(fresh_url)
    migrate.upgrade(engine)
    migrate.check(engine)
    assert _tables(engine) == set(Base.metadata.tables)
    migrate.downgrade(engine, "base")
    assert _tables(engine) == set()
    migrate.upgrade(engine)
    migrate.check(engine)
    assert migrate.current_revision(engine) == migrate.head_revision()
    engine.dispose()


@pytest.mark.parametrize("fresh_url", ["sqlite", "postgres"], indirect=True)
def test_check_reports_drift_and_a_database_behind_head(fresh_url: str) -> None:
    engine = sa.create_engine(fresh_url)
    migrate.upgrade(engine, "0001")
    with pytest.raises(migrate.DriftError, match="migrations head is"):
        migrate.check(engine)
    migrate.upgrade(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP INDEX ix_units_state_since")
    with pytest.raises(migrate.DriftError, match="ix_units_state_since"):
        migrate.check(engine)
    engine.dispose()


def test_every_revision_downgrades_one_step_at_a_time(tmp_path: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'steps.sqlite'}")
    migrate.upgrade(engine)
    seen: list[Any] = []
    while (rev := migrate.current_revision(engine)) is not None:
        seen.append(rev)
        migrate.downgrade(engine, "-1")
    assert seen[0] == migrate.head_revision()
    assert _tables(engine) == set()
    engine.dispose()
