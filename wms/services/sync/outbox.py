"""Claim outbox rows for a worker, settle them, and record the worker's heartbeat.

Rows are claimed with a conditional UPDATE (`FOR UPDATE SKIP LOCKED` on PostgreSQL, the
database write lock on SQLite) that stamps `claimed_by`/`claimed_until` and commits at once, so
no lock is held while the worker talks to a marketplace. A row whose worker died is claimable
again after `claimed_until`. Every settle statement is conditional on the claim, so a row that
another worker already finished is never overwritten.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from wms.db.models import JobHeartbeat, OutboxMessage, OutboxStatus
from wms.db.session import Database, dialect_insert
from wms.domain.stock import Channel
from wms.services import stock as stock_service
from wms.services.uow import UnitOfWork, execute

STOCK_TOPIC = stock_service.STOCK_TOPIC
WEBHOOK_PREFIX = "merchant."
# Writes to marketplaces (see `wms.services.marketplace_writes`).
WRITE_TOPICS = ("kaspi.arrived_backward", "claim.answer")
CHUNK = 500  # ids or keys per IN (...) list
SETTLE_PART = 2000  # settlements per transaction
MAX_ERROR = 2000
_TABLE = cast(sa.Table, OutboxMessage.__table__)


@dataclass(frozen=True)
class ClaimedRow:
    """An outbox row this worker holds until `settle`."""

    id: int
    topic: str
    key: str
    payload: dict[str, Any]
    attempts: int
    available_at: datetime

    @property
    def is_stock(self) -> bool:
        """A stock change (pushed to marketplaces) rather than a merchant webhook."""
        return self.topic == STOCK_TOPIC

    @property
    def is_write(self) -> bool:
        """A write to a marketplace (Kaspi status, claim answer)."""
        return self.topic in WRITE_TOPICS

    @property
    def version(self) -> int:
        """The stock total's version this row announced (0 for other topics)."""
        return int(self.payload.get("version") or 0)


@dataclass(frozen=True)
class Settlement:
    """What happens to a claimed row: done, parked, retried later or released untouched."""

    row: ClaimedRow
    status: OutboxStatus
    attempts: int
    available_at: datetime
    error: str | None = None


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    """Consecutive slices of at most `size` items."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def stock_key(merchant_id: int, product_id: int, channel: Channel | str) -> str:
    """The outbox key of a stock total (the same as `wms.services.stock` writes)."""
    value = channel.value if isinstance(channel, Channel) else Channel(channel).value
    return f"stock:{merchant_id}:{product_id}:{value}"


def claim(uow: UnitOfWork, worker: str, limit: int, lease_seconds: float) -> list[ClaimedRow]:
    """Claim up to `limit` due rows of the topics the sync worker delivers, oldest first."""
    now = uow.now()
    due = (
        sa.select(OutboxMessage.id)
        .where(
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.available_at <= now,
            sa.or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
            sa.or_(
                OutboxMessage.topic == STOCK_TOPIC,
                OutboxMessage.topic.startswith(WEBHOOK_PREFIX, autoescape=True),
                OutboxMessage.topic.in_(WRITE_TOPICS),
            ),
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    if uow.session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    stmt = (
        sa.update(_TABLE)
        .where(_TABLE.c.id.in_(due.scalar_subquery()))
        .values(claimed_by=worker, claimed_until=now + timedelta(seconds=lease_seconds))
        .returning(
            _TABLE.c.id,
            _TABLE.c.topic,
            _TABLE.c.key,
            _TABLE.c.payload,
            _TABLE.c.attempts,
            _TABLE.c.available_at,
        )
    )
    rows = [ClaimedRow(*row) for row in uow.session.execute(stmt).all()]
    return sorted(rows, key=lambda r: r.id)


def settle(uow: UnitOfWork, worker: str, settlements: Iterable[Settlement]) -> int:
    """Write the outcome of claimed rows (only rows this worker still holds); returns the count."""
    now = uow.now()
    params = [
        {
            "row_id": s.row.id,
            "new_status": s.status,
            "new_attempts": s.attempts,
            "new_available_at": s.available_at,
            "new_error": s.error[:MAX_ERROR] if s.error else None,
            "new_processed_at": now if s.status is not OutboxStatus.PENDING else None,
        }
        for s in settlements
    ]
    if not params:
        return 0
    stmt = (
        sa.update(_TABLE)
        .where(
            _TABLE.c.id == sa.bindparam("row_id"),
            _TABLE.c.claimed_by == worker,
            _TABLE.c.status == OutboxStatus.PENDING,
        )
        .values(
            status=sa.bindparam("new_status"),
            attempts=sa.bindparam("new_attempts"),
            available_at=sa.bindparam("new_available_at"),
            # A release without a note keeps the last error the dashboard shows.
            last_error=sa.func.coalesce(sa.bindparam("new_error"), _TABLE.c.last_error),
            processed_at=sa.bindparam("new_processed_at"),
            claimed_by=None,
            claimed_until=None,
        )
    )
    uow.session.execute(stmt, params)
    return len(params)


def settle_in_parts(db: Database, worker: str, settlements: list[Settlement]) -> None:
    """Settle in short transactions, so pushes of the next round can record in between."""
    finished = [s.row.id for s in settlements if s.status is OutboxStatus.DONE]
    others = [s for s in settlements if s.status is not OutboxStatus.DONE]
    for part in chunks(finished, SETTLE_PART):
        execute(db, _finish_done, worker, list(part))
    for part in chunks(others, SETTLE_PART):
        execute(db, settle, worker, part)


def _finish_done(uow: UnitOfWork, worker: str, ids: list[int]) -> None:
    """Delivered rows: one statement per slice of ids instead of one per row."""
    for part in chunks(ids):
        uow.session.execute(
            sa.update(_TABLE)
            .where(
                _TABLE.c.id.in_(part),
                _TABLE.c.claimed_by == worker,
                _TABLE.c.status == OutboxStatus.PENDING,
            )
            .values(
                status=OutboxStatus.DONE,
                processed_at=uow.now(),
                claimed_by=None,
                claimed_until=None,
            )
        )


def done(row: ClaimedRow) -> Settlement:
    """Delivered (or nothing to deliver)."""
    return Settlement(row, OutboxStatus.DONE, row.attempts, row.available_at)


def retry_or_park(
    row: ClaimedRow, error: str, wait: float, now: datetime, max_attempts: int
) -> Settlement:
    """One more failed attempt: try again after `wait` seconds, or park after the last attempt."""
    attempts = row.attempts + 1
    if attempts >= max_attempts:
        return Settlement(row, OutboxStatus.PARKED, attempts, row.available_at, error)
    return Settlement(row, OutboxStatus.PENDING, attempts, now + timedelta(seconds=wait), error)


def park(row: ClaimedRow, error: str) -> Settlement:
    """A permanent failure: a person must look at it."""
    return Settlement(row, OutboxStatus.PARKED, row.attempts + 1, row.available_at, error)


def release(row: ClaimedRow, until: datetime, note: str | None = None) -> Settlement:
    """Not attempted (account paused, offer busy or cooling down): due again at `until`."""
    return Settlement(row, OutboxStatus.PENDING, row.attempts, until, note)


def backoff(attempt: int, base: float, cap: float, rng: random.Random) -> float:
    """Seconds before retry number `attempt`: exponential, ±50 % jitter, at most `cap`."""
    delay = min(cap, base * 2.0 ** max(attempt - 1, 0))
    return float(min(cap, delay * rng.uniform(0.5, 1.5)))


def mark_superseded(uow: UnitOfWork, versions: dict[str, int]) -> int:
    """Mark pending stock rows done whose version a delivered value already covers."""
    covered: list[int] = []
    keys = sorted(versions)
    for part in chunks(keys):
        rows = uow.session.execute(
            sa.select(OutboxMessage.id, OutboxMessage.key, OutboxMessage.payload).where(
                OutboxMessage.status == OutboxStatus.PENDING,
                OutboxMessage.topic == STOCK_TOPIC,
                OutboxMessage.key.in_(part),
            )
        ).all()
        covered += [
            row_id
            for row_id, key, payload in rows
            if int((payload or {}).get("version") or 0) <= versions[key]
        ]
    now = uow.now()
    for part in chunks(covered):
        uow.session.execute(
            sa.update(_TABLE)
            .where(_TABLE.c.id.in_(part), _TABLE.c.status == OutboxStatus.PENDING)
            .values(status=OutboxStatus.DONE, processed_at=now, claimed_by=None, claimed_until=None)
        )
    return len(covered)


def queue_stock(uow: UnitOfWork, merchant_id: int, product_id: int, channel: Channel) -> None:
    """Ask the worker to push a key's current total (new or re-activated offers need it).

    Nothing is queued while a row of the key is pending: the worker pushes the current total to
    every offer of the key anyway, the new one included.
    """
    key = stock_key(merchant_id, product_id, channel)
    waiting = uow.session.execute(
        sa.select(OutboxMessage.id)
        .where(OutboxMessage.key == key, OutboxMessage.status == OutboxStatus.PENDING)
        .limit(1)
    ).first()
    if waiting is not None:
        return
    snap = stock_service.total(
        uow.session, stock_service.StockKey(merchant_id, product_id, channel)
    )
    uow.outbox(
        STOCK_TOPIC,
        key,
        {
            "merchant_id": merchant_id,
            "product_id": product_id,
            "channel": channel.value,
            "on_hand": snap.on_hand,
            "reserved": snap.reserved,
            "available": snap.available,
            "version": snap.version,
        },
    )


def beat(uow: UnitOfWork, name: str, info: dict[str, Any]) -> None:
    """Upsert the worker's heartbeat row."""
    session = uow.session
    now = uow.now()
    insert = dialect_insert(session)
    stmt = insert(JobHeartbeat).values(name=name, beat_at=now, info=info)
    stmt = stmt.on_conflict_do_update(index_elements=["name"], set_={"beat_at": now, "info": info})
    session.execute(stmt)


def pending_stock_rows(session: Session) -> int:
    """How many stock changes still wait (tests and the CLI summary)."""
    return int(
        session.execute(
            sa.select(sa.func.count()).where(
                OutboxMessage.topic == STOCK_TOPIC, OutboxMessage.status == OutboxStatus.PENDING
            )
        ).scalar_one()
    )
