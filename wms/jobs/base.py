"""What a job is and what it gets (kept apart from the registry so jobs can import it)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from wms.db.session import Database
from wms.services.crypto import SecretBox
from wms.settings import Settings


@dataclass
class JobContext:
    """What a job gets: the database, settings, its period, and its memory between runs."""

    db: Database
    settings: Settings
    box: SecretBox
    now: datetime
    slot: datetime | None
    trigger: str
    worker: str
    #: Saved when the run succeeds (cursors, watermarks); a failed run's changes are dropped.
    state: dict[str, Any] = field(default_factory=dict)


class JobFailed(Exception):
    """A job that did part of its work and failed the rest (`result` still shows what it did)."""

    def __init__(self, message: str, result: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.result = dict(result or {})


JobFunction = Callable[[JobContext], Mapping[str, Any] | None]


@dataclass(frozen=True)
class Job:
    """A named job, what it runs, and when by default."""

    name: str
    run: JobFunction
    schedule: str
    summary: str
