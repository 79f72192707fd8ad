"""Unit of work: one transaction, audit events and outbox rows written inside it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Any, Concatenate, ParamSpec, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from wms.db.base import utcnow
from wms.db.models import AuditEvent, BillableEvent, OutboxMessage, OutboxStatus
from wms.db.session import Database, dialect_insert
from wms.settings import Settings

P = ParamSpec("P")
T = TypeVar("T")


@dataclass(frozen=True)
class Actor:
    """Who acts: an operator at a station, a dashboard user, an integration client, the system."""

    name: str
    kind: str = "system"  # operator | user | integration | station | system
    operator_id: int | None = None
    station_id: int | None = None
    user_id: int | None = None
    #: Set when the actor may only touch one merchant's goods.
    merchant_id: int | None = None
    role: str | None = None

    def may_access(self, merchant_id: int | None) -> bool:
        """Whether the actor's merchant scope covers this merchant."""
        return self.merchant_id is None or self.merchant_id == merchant_id


SYSTEM = Actor("system")
_AUDIT: sa.Table = AuditEvent.__table__  # type: ignore[assignment]
_OUTBOX: sa.Table = OutboxMessage.__table__  # type: ignore[assignment]
_BILLABLE: sa.Table = BillableEvent.__table__  # type: ignore[assignment]


class UnitOfWork:
    """A session and its transaction; leaving without `commit()` rolls everything back.

    Services find their settings here (`uow.settings.sla.decision_hours` …): the application
    passes the settings it was configured with, so no service keeps a copy of a default.
    """

    def __init__(
        self,
        db: Database,
        clock: Callable[[], datetime] = utcnow,
        *,
        settings: Settings | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings if settings is not None else db.settings
        self._session: Session | None = None
        self.committed = False
        # Audit rows are append-only and never read back by the transaction that writes them:
        # they are kept here and written with one INSERT at commit.
        self._audit: list[dict[str, Any]] = []
        # Billable events by idempotency key, written with the audit rows (one INSERT, keys
        # already stored are skipped): billing the work costs a scan one statement.
        self._billable: dict[str, dict[str, Any]] = {}

    def __enter__(self) -> UnitOfWork:
        self._session = self.db.sessions()
        self.committed = False
        self._audit = []
        self._billable = {}
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._session is not None
        if not self.committed:
            self._session.rollback()
        self._session.close()
        self._session = None

    @property
    def session(self) -> Session:
        """The open session (only inside `with uow:`)."""
        if self._session is None:
            raise RuntimeError("UnitOfWork used outside its `with` block")
        return self._session

    def now(self) -> datetime:
        """The time of this transaction's clock."""
        return self.clock()

    def commit(self) -> None:
        """Write the pending audit and outbox rows and commit the transaction."""
        self.write_records()
        self.session.commit()
        self.committed = True

    def rollback(self) -> None:
        """Throw away everything done so far and keep the unit of work usable."""
        self.session.rollback()
        self._audit = []
        self._billable = {}

    def write_records(self) -> None:
        """Write the audit rows recorded so far (commit does it)."""
        if self._audit:
            # Core executemany: one INSERT for all rows, no ORM objects.
            self.session.execute(_AUDIT.insert(), self._audit)
            self._audit = []
        if self._billable:
            insert = dialect_insert(self.session)(_BILLABLE)
            rows = list(self._billable.values())
            self.session.execute(insert.on_conflict_do_nothing(index_elements=["key"]), rows)
            self._billable = {}

    def records_mark(self) -> tuple[int, int]:
        """How many audit rows and billable events are pending (see `discard_records`)."""
        return len(self._audit), len(self._billable)

    def discard_records(self, mark: tuple[int, int]) -> None:
        """Forget the audit rows and billable events recorded after `mark` (a refused step's)."""
        audit, billed = mark
        del self._audit[audit:]
        for key in list(self._billable)[billed:]:
            del self._billable[key]

    def bill(self, row: dict[str, Any]) -> None:
        """Queue a billable event (written at commit; a key seen before is kept once)."""
        self._billable.setdefault(row["key"], row)

    def audit(
        self,
        entity: str,
        entity_id: int,
        action: str,
        actor: Actor,
        *,
        from_state: str | None = None,
        to_state: str | None = None,
        **payload: Any,
    ) -> None:
        """Record who did what to which object (written at commit)."""
        self._audit.append(
            {
                "entity": entity,
                "entity_id": entity_id,
                "action": action,
                "from_state": from_state,
                "to_state": to_state,
                "operator_id": actor.operator_id,
                "station_id": actor.station_id,
                "actor": actor.name,
                "payload": payload,
                "created_at": self.now(),
            }
        )

    def outbox(self, topic: str, key: str, payload: dict[str, Any]) -> None:
        """Queue a side effect to be delivered after commit by a worker."""
        now = self.now()
        # Written at once (the sync coalesces with rows of the same transaction), as Core.
        self.session.execute(
            _OUTBOX.insert(),
            {
                "topic": topic,
                "key": key,
                "payload": payload,
                "status": OutboxStatus.PENDING,
                "attempts": 0,
                "created_at": now,
                "available_at": now,
            },
        )


def execute(
    db: Database,
    fn: Callable[Concatenate[UnitOfWork, P], T],
    /,
    *args: P.args,
    **kwargs: P.kwargs,
) -> T:
    """Run one use case in its own transaction and commit it."""
    with UnitOfWork(db) as uow:
        result = fn(uow, *args, **kwargs)
        uow.commit()
        return result
