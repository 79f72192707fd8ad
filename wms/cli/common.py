"""Helpers shared by CLI commands: settings, database, error reporting."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import click

from wms.db.session import Database, open_database
from wms.domain.errors import DomainError
from wms.settings import Settings, SettingsError, load_settings

F = TypeVar("F", bound=Callable[..., Any])


def settings() -> Settings:
    """Load settings or exit with the configuration error."""
    try:
        loaded = load_settings()
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from exc
    from wms.domain.kpi import set_warehouse_tz
    from wms.services.accounts import configure_passwords

    configure_passwords(loaded.security)
    set_warehouse_tz(loaded.warehouse.tz)
    return loaded


def database() -> Database:
    """Open the configured database."""
    return open_database(settings())


def domain_errors(fn: F) -> F:
    """Turn domain errors into a clean CLI error (exit code 1) instead of a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except DomainError as exc:
            raise click.ClickException(str(exc)) from exc

    return wrapper  # type: ignore[return-value]
