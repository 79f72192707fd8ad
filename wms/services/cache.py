"""The one per-process cache with expiry, for look-ups that may lag the database by seconds.

Built on `cachetools.TTLCache` (expiry and size bound); this module adds what every user here
needs: a lock (gunicorn threads share the cache), load-on-miss, and "a miss is not cached".
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from cachetools import TTLCache

V = TypeVar("V")


class TtlCache(Generic[V]):
    """Values expire `ttl` seconds after they were stored; the least recently used go first."""

    def __init__(self, ttl: float, max_size: int = 10_000) -> None:
        self.ttl = ttl
        self._items: TTLCache[Hashable, tuple[float, V]] = TTLCache(
            maxsize=max_size, ttl=ttl, timer=time.monotonic
        )
        self._lock = threading.Lock()

    def get_or_load(self, key: Hashable, load: Callable[[], V | None]) -> V | None:
        """The cached value, or `load()` (cached unless it returned None)."""
        found = self.get_with_time(key, load)
        return found[0] if found is not None else None

    def get_with_time(self, key: Hashable, load: Callable[[], V | None]) -> tuple[V, float] | None:
        """The value and the wall-clock time it was loaded at (the page shows it), or None."""
        with self._lock:
            hit = self._items.get(key)
        if hit is not None:
            return hit[1], hit[0]
        # Loaded outside the lock: a slow load must not hold up hits on other keys.
        value = load()
        if value is None:
            return None
        loaded_at = time.time()
        with self._lock:
            self._items[key] = (loaded_at, value)
        return value, loaded_at

    def clear(self) -> None:
        """Forget everything (tests, or after an administrative change in this process)."""
        with self._lock:
            self._items.clear()
