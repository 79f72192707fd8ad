"""Run Alembic from code: upgrade, downgrade, and the drift check behind `wms db check`."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

import wms.db.models  # noqa: F401  (registers every table)
from wms.db.base import Base

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"


class DriftError(Exception):
    """The database or the models differ from what the migrations describe."""


def alembic_config(connection: sa.Connection | None = None) -> Config:
    """An Alembic config pointing at our migrations, optionally bound to a connection."""
    cfg = Config(str(MIGRATIONS_DIR / "alembic.ini"))
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def upgrade(engine: sa.Engine, revision: str = "head") -> None:
    """Upgrade the database to `revision`."""
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), revision)


def downgrade(engine: sa.Engine, revision: str = "-1") -> None:
    """Downgrade the database to `revision` (`base` removes every table)."""
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), revision)


def head_revision() -> str | None:
    """The newest revision in `migrations/versions`."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: sa.Engine) -> str | None:
    """The revision the database is at (None when never migrated)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def check(engine: sa.Engine) -> None:
    """Raise DriftError unless the database is at head and matches the models exactly."""
    current, head = current_revision(engine), head_revision()
    if current != head:
        raise DriftError(f"database is at revision {current}, migrations head is {head}")
    with engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": True}
        )
        diffs = compare_metadata(ctx, Base.metadata)
    if diffs:
        lines = "\n".join(f"  {d!r}" for d in diffs)
        raise DriftError(f"models and migrations differ ({len(diffs)} changes):\n{lines}")
