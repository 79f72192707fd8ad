"""Engines and sessions: SQLite (WAL, foreign keys, busy timeout) or PostgreSQL."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker

from wms.settings import DatabaseSettings, Settings

DB_UID = "wms_db_uid"
WRITES = "wms_writes"


def dialect_insert(session: Session) -> Any:
    """The INSERT construct with ON CONFLICT of the session's database (PostgreSQL or SQLite)."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
    return insert


def is_sqlite(url: str | sa.URL) -> bool:
    """Whether the URL points at SQLite."""
    return sa.make_url(url).get_backend_name() == "sqlite"


def _ensure_sqlite_dir(url: sa.URL) -> None:
    if url.database and url.database != ":memory:" and not url.database.startswith("file:"):
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)


def make_engine(settings: DatabaseSettings, *, immediate: bool = True) -> sa.Engine:
    """Create an engine; on SQLite `immediate` makes every transaction take the write lock first."""
    url = sa.make_url(settings.url)
    if url.get_backend_name() != "sqlite":
        return sa.create_engine(
            url,
            echo=settings.echo,
            pool_size=settings.pool_size,
            max_overflow=settings.pool_size,
            pool_pre_ping=True,
        )
    _ensure_sqlite_dir(url)
    engine = sa.create_engine(
        url,
        echo=settings.echo,
        connect_args={
            "timeout": settings.sqlite_busy_timeout_ms / 1000,
            "check_same_thread": False,
        },
    )
    _configure_sqlite(engine, settings.sqlite_busy_timeout_ms, immediate)
    return engine


def _configure_sqlite(engine: sa.Engine, busy_timeout_ms: int, immediate: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        # Let SQLAlchemy emit BEGIN itself (pysqlite's implicit BEGIN is deferred and breaks
        # SAVEPOINTs and lock ordering).
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        # A writer that starts deferred and upgrades later can fail with "database is locked"
        # without waiting; BEGIN IMMEDIATE queues writers on the busy timeout instead.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def writes_in(session: Session) -> int:
    """How many times this session has written (flushes and DML statements) so far."""
    return int(session.info.get(WRITES, 0))


def _count_writes(factory: sessionmaker[Session]) -> None:
    # A refused scan that wrote nothing can be answered in its own transaction; one that wrote
    # must roll back first (services.scan.handler). This tells the two apart.
    def flushed(session: Session, _context: Any) -> None:
        session.info[WRITES] = writes_in(session) + 1

    def executed(state: ORMExecuteState) -> None:
        if not state.is_select:
            state.session.info[WRITES] = writes_in(state.session) + 1

    event.listen(factory, "after_flush", flushed)
    event.listen(factory, "do_orm_execute", executed)


@dataclass
class Database:
    """The engines and session factories of one application."""

    engine: sa.Engine
    read_engine: sa.Engine
    sessions: sessionmaker[Session]
    read_sessions: sessionmaker[Session]
    uid: str = ""
    #: The settings the application runs with; every unit of work hands them to the services.
    settings: Settings = field(default_factory=Settings)

    @property
    def dialect(self) -> str:
        """`sqlite` or `postgresql`."""
        return self.engine.dialect.name

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for queries only; it never commits."""
        session = self.read_sessions()
        try:
            yield session
        finally:
            # close() ends the transaction without expiring what was loaded, so callers may
            # still read the (now detached) objects after the block.
            session.close()

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
        if self.read_engine is not self.engine:
            self.read_engine.dispose()


def open_database(config: Settings | DatabaseSettings) -> Database:
    """Open the application's database (given only `[database]`, the rest are defaults)."""
    if isinstance(config, Settings):
        app_settings, settings = config, config.database
    else:
        app_settings, settings = Settings().with_overrides(database=config.model_dump()), config
    engine = make_engine(settings, immediate=True)
    read_engine = make_engine(settings, immediate=False) if is_sqlite(settings.url) else engine
    # Process-level caches key their entries by this id, never by id() of an object that may be
    # garbage-collected and reused for another database.
    uid = uuid.uuid4().hex
    sessions = sessionmaker(engine, expire_on_commit=False, info={DB_UID: uid})
    _count_writes(sessions)
    return Database(
        engine=engine,
        read_engine=read_engine,
        sessions=sessions,
        read_sessions=sessionmaker(read_engine, expire_on_commit=False, info={DB_UID: uid}),
        uid=uid,
        settings=app_settings,
    )


def serialize_on(session: Session, namespace: str, key: str) -> None:
    """Make transactions about the same `key` run one after the other, until this one ends.

    PostgreSQL: a transaction-scoped advisory lock on a hash of (namespace, key); a waiter's next
    statement then sees what the holder committed. SQLite needs nothing: every writing
    transaction starts with BEGIN IMMEDIATE, which already takes the database's write lock.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    session.execute(
        sa.text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
        {"key": f"{namespace}:{key}"},
    )
