"""`wms db upgrade|downgrade|check`."""

from __future__ import annotations

import click
import sqlalchemy as sa

from wms.cli.common import settings
from wms.db import migrate
from wms.db.session import make_engine


def _engine() -> sa.Engine:
    return make_engine(settings().database, immediate=False)


@click.group("db")
def db_group() -> None:
    """Database migrations."""


@db_group.command("upgrade")
@click.argument("revision", default="head")
def upgrade_cmd(revision: str) -> None:
    """Upgrade the database schema (default: to the newest revision)."""
    engine = _engine()
    migrate.upgrade(engine, revision)
    click.echo(f"database at {migrate.current_revision(engine)}")
    engine.dispose()


@db_group.command("downgrade")
@click.argument("revision", default="-1")
def downgrade_cmd(revision: str) -> None:
    """Downgrade the schema (default: one revision; `base` removes everything)."""
    engine = _engine()
    migrate.downgrade(engine, revision)
    click.echo(f"database at {migrate.current_revision(engine)}")
    engine.dispose()


@db_group.command("check")
def check_cmd() -> None:
    """Fail unless the database is at head and the models match the migrations."""
    engine = _engine()
    try:
        migrate.check(engine)
    except migrate.DriftError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        engine.dispose()
    click.echo("no drift: database at head, models match the migrations")


@db_group.command("revision")
@click.argument("message")
@click.option("--rev-id", help="revision id (default: random)")
def revision_cmd(message: str, rev_id: str | None) -> None:
    """Draft a migration from the model changes (review and edit it by hand before committing)."""
    import tempfile

    import sqlalchemy as sa
    from alembic import command

    with tempfile.TemporaryDirectory() as tmp:
        engine = sa.create_engine(f"sqlite:///{tmp}/draft.sqlite")
        migrate.upgrade(engine)
        with engine.begin() as conn:
            command.revision(
                migrate.alembic_config(conn), message=message, autogenerate=True, rev_id=rev_id
            )
        engine.dispose()
