"""Per-application objects the handlers use (settings, database, secret box)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Concatenate, ParamSpec, TypeVar

from flask import current_app

from wms.db.session import Database
from wms.services.crypto import SecretBox
from wms.services.uow import UnitOfWork, execute
from wms.settings import Settings

P = ParamSpec("P")
T = TypeVar("T")


@dataclass
class Wms:
    """What `create_app` puts into `app.extensions["wms"]`."""

    settings: Settings
    db: Database
    secrets: SecretBox


def wms() -> Wms:
    """The current application's WMS objects."""
    return current_app.extensions["wms"]  # type: ignore[no-any-return]


def run(fn: Callable[Concatenate[UnitOfWork, P], T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    """Run a use case in its own transaction (the service layer commits, not the handler)."""
    return execute(wms().db, fn, *args, **kwargs)
