"""A tiny per-process cache with expiry, for hot look-ups that may lag the database by seconds."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class TtlCache(Generic[V]):
    """Values expire `ttl` seconds after they were stored; the oldest go first when full."""

    def __init__(self, ttl: float, max_size: int = 10_000) -> None:
        self.ttl = ttl
        self.max_size = max_size
        self._items: dict[Hashable, tuple[float, V]] = {}
        self._lock = threading.Lock()

    def get_or_load(self, key: Hashable, load: Callable[[], V | None]) -> V | None:
        """The cached value, or `load()` (cached unless it returned None)."""
        now = time.monotonic()
        with self._lock:
            hit = self._items.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]
        value = load()
        if value is not None:
            with self._lock:
                if len(self._items) >= self.max_size:
                    # Dicts keep insertion order: drop the oldest tenth at once.
                    for old in list(self._items)[: self.max_size // 10 or 1]:
                        del self._items[old]
                self._items[key] = (now + self.ttl, value)
        return value

    def clear(self) -> None:
        """Forget everything (tests, or after an administrative change in this process)."""
        with self._lock:
            self._items.clear()
