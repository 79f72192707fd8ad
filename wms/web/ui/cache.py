"""A short-lived cache of the analytics pages' figures, per application (each gunicorn worker keeps
its own). Over a million units a month of KPIs takes seconds to aggregate; figures a minute old
are as good for a supervisor, and the page says when they were computed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from flask import current_app

T = TypeVar("T")
TTL_SECONDS = 60.0
MAX_ENTRIES = 256
_LOCK = threading.Lock()


def _store() -> dict[Hashable, tuple[float, Any]]:
    store: dict[Hashable, tuple[float, Any]] = current_app.extensions.setdefault("wms_ui_cache", {})
    return store


def remember(key: Hashable, compute: Callable[[], T], ttl: float = TTL_SECONDS) -> tuple[T, float]:
    """The cached value of `key` (computed now if missing or stale) and when it was computed."""
    now = time.time()
    store = _store()
    with _LOCK:
        hit = store.get(key)
    if hit is not None and now - hit[0] < ttl:
        return hit[1], hit[0]
    value = compute()
    with _LOCK:
        if len(store) >= MAX_ENTRIES:
            for old in sorted(store, key=lambda k: store[k][0])[: MAX_ENTRIES // 4]:
                del store[old]
        store[key] = (now, value)
    return value, now


def clear() -> None:
    """Forget every cached figure (tests, benchmarks)."""
    with _LOCK:
        _store().clear()
