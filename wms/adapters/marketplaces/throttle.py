"""The token bucket of the server: thread-safe, on any clock; built from a marketplace's `Limits`.

The client side throttles its requests with it, and the sandboxes run the marketplace's own
bucket with it on their scaled clock (`wms.sandbox.core.RateBucket`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from wms.adapters.marketplaces.base import Limits


class NoThrottle:
    """A throttle that never waits (tests, or a caller that throttles elsewhere)."""

    def acquire(self, cost: float = 1.0) -> None:
        """Return at once."""

    def penalize(self, cost: float) -> None:
        """Ignore the charge."""


class TokenBucket:
    """`capacity` tokens, refilled at `rate` per second; a request takes `cost` tokens.

    Tokens may go negative after `penalize`, which delays the next requests the way the
    marketplace's own bucket does after an expensive error.
    """

    def __init__(
        self,
        rate: float,
        capacity: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate <= 0 or capacity < 1:
            raise ValueError("rate must be positive and capacity at least 1")
        self.rate = rate
        self.capacity = capacity
        self._clock = clock
        self._sleep = sleep
        self._tokens = float(capacity)
        self._stamp = clock()
        self._lock = threading.Lock()

    @classmethod
    def for_limits(cls, limits: Limits, safety: float = 0.9) -> TokenBucket:
        """A bucket a little below the published limits.

        The marketplace counts arrivals, we count departures: network jitter can bunch requests
        together, so staying `safety` below the limit avoids 429s that cost more than the margin.
        """
        capacity = max(1.0, int(limits.burst * safety))
        return cls(limits.rate_per_second * safety, capacity)

    def acquire(self, cost: float = 1.0) -> None:
        """Block until `cost` tokens are available, then take them."""
        while True:
            wait = self.try_acquire(cost)
            if wait <= 0:
                return
            self._sleep(wait)

    def try_acquire(self, cost: float = 1.0) -> float:
        """Take `cost` tokens and return 0, or return the seconds to wait before trying again."""
        with self._lock:
            self._refill()
            needed = min(cost, self.capacity)
            if self._tokens >= needed:
                self._tokens -= cost
                return 0.0
            return (needed - self._tokens) / self.rate

    def penalize(self, cost: float) -> None:
        """Take `cost` more tokens, going below zero if needed."""
        with self._lock:
            self._refill()
            self._tokens -= cost

    def pause(self, seconds: float) -> None:
        """Hold every request for `seconds` (a 429 with Retry-After empties the bucket)."""
        with self._lock:
            self._refill()
            self._tokens = min(self._tokens, 0.0) - seconds * self.rate

    def seconds_until_full(self) -> float:
        """Seconds until the bucket holds its whole capacity again."""
        with self._lock:
            self._refill()
            return max(self.capacity - self._tokens, 0.0) / self.rate

    @property
    def tokens(self) -> float:
        """Tokens available now (may be negative)."""
        with self._lock:
            self._refill()
            return self._tokens

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self.capacity, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now
