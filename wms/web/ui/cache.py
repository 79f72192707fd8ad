"""A short-lived cache of the analytics pages' figures, per application (each gunicorn worker keeps
its own). Over a million units a month of KPIs takes seconds to aggregate; figures a minute old
are as good for a supervisor, and the page says when they were computed.

The cache itself is the one TTL cache of the server (`wms.services.cache.TtlCache`).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from flask import current_app

from wms.services.cache import TtlCache

T = TypeVar("T")
TTL_SECONDS = 60.0
MAX_ENTRIES = 256


def _store() -> TtlCache[Any]:
    store: TtlCache[Any] = current_app.extensions.setdefault(
        "wms_ui_cache", TtlCache(TTL_SECONDS, MAX_ENTRIES)
    )
    return store


def remember(key: Hashable, compute: Callable[[], T]) -> tuple[T, float]:
    """The cached value of `key` (computed now if missing or stale) and when it was computed."""
    found = _store().get_with_time(key, compute)
    assert found is not None, "analytics figures are never None"
    value: T = found[0]
    return value, found[1]


def clear() -> None:
    """Forget every cached figure (tests, benchmarks)."""
    _store().clear()
