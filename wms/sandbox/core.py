"""What every sandbox shares: scaled clock, rate buckets, fault injection, counters, serving.

A sandbox is a Flask app served by a threaded werkzeug server on a real socket. Marketplace
routes live in the subclasses; the `/_sandbox/*` routes (inspect stock, counters, seed, reset,
force faults) are added here and are never subject to faults, latency or auth.
"""

from __future__ import annotations

import contextlib
import json
import logging
import random
import socket
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, g, request

from wms.adapters.marketplaces.throttle import TokenBucket

log = logging.getLogger(__name__)

FAULT_KINDS = ("429", "500", "502", "503", "timeout", "drop")
# "lost": the request is applied, then the answer never comes (a timeout after the write) —
# only on demand, never among the random kinds.
ALL_FAULT_KINDS = (*FAULT_KINDS, "lost")
CONTROL_PREFIX = "/_sandbox/"


class ScaledClock:
    """Sandbox time in seconds, running `scale` times faster than real time."""

    def __init__(self, scale: float = 1.0, real: Callable[[], float] = time.monotonic) -> None:
        if scale <= 0:
            raise ValueError("time scale must be positive")
        self.scale = scale
        self._real = real
        self._start = real()

    def now(self) -> float:
        """Sandbox seconds since start."""
        return (self._real() - self._start) * self.scale

    def to_real(self, sandbox_seconds: float) -> float:
        """How long `sandbox_seconds` last on the wall clock."""
        return sandbox_seconds / self.scale


class RateBucket:
    """The marketplace's token bucket: the server's one `TokenBucket`, run in sandbox time.

    A cost may push it below zero (a WB 409 is charged as 10 requests); waits are reported in
    real seconds.
    """

    def __init__(self, clock: ScaledClock, per_minute: float, burst: int) -> None:
        self.clock = clock
        self.capacity = float(burst)
        self._bucket = TokenBucket(per_minute / 60.0, burst, clock=clock.now)

    def take(self, cost: float = 1.0) -> float | None:
        """Take `cost` tokens, or take none and return the real seconds to wait."""
        wait = self._bucket.try_acquire(cost)
        return None if wait <= 0 else self.clock.to_real(wait)

    def charge(self, cost: float) -> None:
        """Take `cost` more tokens (a WB 409 is charged as 10 requests)."""
        self._bucket.penalize(cost)

    def reset_after(self) -> float:
        """Real seconds until the bucket is full again."""
        return self.clock.to_real(self._bucket.seconds_until_full())


@dataclass
class SandboxOptions:
    """How a sandbox runs: address, faults, latency, time scale, seed data."""

    host: str = "127.0.0.1"
    port: int = 0
    fail_rate: float = 0.0
    fault_kinds: tuple[str, ...] = FAULT_KINDS
    fault_seed: int | None = None
    latency_ms: float = 0.0
    time_scale: float = 1.0
    timeout_sleep: float = 35.0  # real seconds a "timeout" fault holds the request
    quiet: bool = True
    seed: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        if not 0.0 <= self.fail_rate <= 1.0:
            raise ValueError("fail rate must be within 0..1")
        unknown = set(self.fault_kinds) - set(ALL_FAULT_KINDS)
        if unknown:
            raise ValueError(f"unknown fault kinds {sorted(unknown)}; known: {ALL_FAULT_KINDS}")


class FaultInjector:
    """Decide per request whether to misbehave: at random (`fail_rate`) or forced (`force`)."""

    def __init__(self, rate: float, kinds: Iterable[str], seed: int | None) -> None:
        self.rate = rate
        self.kinds = tuple(kinds)
        self._random = random.Random(seed)
        self._forced: deque[str] = deque()
        self._lock = threading.Lock()

    def force(self, kinds: Iterable[str]) -> None:
        """Make the next requests fail with these kinds, in order."""
        kinds = list(kinds)
        unknown = set(kinds) - set(ALL_FAULT_KINDS)
        if unknown:
            raise ValueError(f"unknown fault kinds {sorted(unknown)}")
        with self._lock:
            self._forced.extend(kinds)

    def pick(self) -> str | None:
        """The fault for this request, or None."""
        with self._lock:
            if self._forced:
                return self._forced.popleft()
            if self.kinds and self.rate > 0 and self._random.random() < self.rate:
                return self._random.choice(self.kinds)
            return None

    def clear(self) -> None:
        """Forget forced faults."""
        with self._lock:
            self._forced.clear()


class History:
    """Every value applied per stock key, in order (`/_sandbox/history`).

    Tests use it to check that a key never went back to an older value; a cap keeps a long demo
    from growing without bound (`truncated` tells when values were dropped).
    """

    def __init__(self, cap: int = 2_000_000) -> None:
        self._lock = threading.Lock()
        self._cap = cap
        self.reset()

    def reset(self) -> None:
        """Forget everything."""
        with self._lock:
            self.values: dict[str, list[int]] = {}
            self.count = 0
            self.truncated = False

    def record(self, key: str, value: int) -> None:
        """Remember that `key` was set to `value`."""
        with self._lock:
            if self.count >= self._cap:
                self.truncated = True
                return
            self.values.setdefault(key, []).append(value)
            self.count += 1

    def snapshot(self) -> dict[str, Any]:
        """The history as JSON-ready data."""
        with self._lock:
            keys = {key: list(values) for key, values in self.values.items()}
            return {"keys": keys, "count": self.count, "truncated": self.truncated}


class Stats:
    """Counters per route and answer, plus the last requests, for `/_sandbox/requests`."""

    def __init__(self, keep: int = 2000) -> None:
        self._lock = threading.Lock()
        self._keep = keep
        self.reset()

    def reset(self) -> None:
        """Zero everything."""
        with self._lock:
            self.routes: Counter[str] = Counter()
            self.answers: Counter[str] = Counter()
            self.faults: Counter[str] = Counter()
            self.counters: Counter[str] = Counter()
            self.recent: deque[dict[str, Any]] = deque(maxlen=self._keep)

    def record(self, route: str, answer: str, fault: str | None, note: dict[str, Any]) -> None:
        """Count one answered request."""
        with self._lock:
            self.routes[route] += 1
            self.answers[f"{route} {answer}"] += 1
            if fault:
                self.faults[fault] += 1
            self.recent.append({"route": route, "answer": answer, "at": _now_iso(), **note})

    def bump(self, name: str, by: int = 1) -> None:
        """Count a sandbox-specific event (validation rejects, no-op items, ...)."""
        with self._lock:
            self.counters[name] += by

    def snapshot(self, with_log: bool) -> dict[str, Any]:
        """The counters as JSON-ready data."""
        with self._lock:
            data: dict[str, Any] = {
                "total": sum(self.routes.values()),
                "routes": dict(self.routes),
                "answers": dict(self.answers),
                "faults": dict(self.faults),
                "counters": dict(self.counters),
            }
            if with_log:
                data["log"] = list(self.recent)
            return data


def json_response(
    data: Any,
    status: int = 200,
    content_type: str = "application/json",
    headers: Mapping[str, str] | None = None,
) -> Response:
    """A JSON answer with the exact content type the marketplace uses."""
    body = json.dumps(data, ensure_ascii=False)
    return Response(body, status=status, content_type=content_type, headers=dict(headers or {}))


class Sandbox:
    """Base class: control routes, faults, latency and counters around a marketplace's routes."""

    name = "sandbox"

    def __init__(self, options: SandboxOptions | None = None) -> None:
        self.options = options or SandboxOptions()
        self.clock = ScaledClock(self.options.time_scale)
        self.faults = FaultInjector(
            self.options.fail_rate, self.options.fault_kinds, self.options.fault_seed
        )
        self.stats = Stats()
        self.history = History()
        self.lock = threading.RLock()
        self.stopping = threading.Event()
        self.app = Flask(f"wms.sandbox.{self.name}")
        self.app.before_request(self._before)
        self.app.after_request(self._after)
        self._add_control_routes()
        self.add_routes(self.app)
        self.reset()

    # -- for subclasses -----------------------------------------------------------------------

    def add_routes(self, app: Flask) -> None:
        """Register the marketplace's routes."""
        raise NotImplementedError

    def clear_state(self) -> None:
        """Forget all marketplace data."""
        raise NotImplementedError

    def apply_seed(self, seed: Mapping[str, Any]) -> dict[str, Any]:
        """Load accounts, offers, orders ... and say how many of each."""
        raise NotImplementedError

    def stock_view(self) -> dict[str, Any]:
        """What the marketplace holds now, as JSON-ready data."""
        raise NotImplementedError

    def error_response(self, status: int, title: str, detail: str = "") -> Response:
        """The marketplace's error body for faults (429, 5xx)."""
        return json_response({"title": title, "detail": detail, "status": status}, status)

    # -- life cycle ---------------------------------------------------------------------------

    def reset(self) -> None:
        """Back to the start-up seed, with zeroed counters and no forced faults."""
        with self.lock:
            self.clear_state()
            self.apply_seed(self.options.seed or self.default_seed())
        self.stats.reset()
        self.history.reset()
        self.faults.clear()

    def default_seed(self) -> dict[str, Any]:
        """Demo data used when no seed is given."""
        return {}

    def sleep(self, real_seconds: float) -> None:
        """Sleep, but wake up when the sandbox stops."""
        self.stopping.wait(real_seconds)

    def note(self, **values: Any) -> None:
        """Attach details to the current request's log entry."""
        g.note = {**getattr(g, "note", {}), **values}

    # -- hooks --------------------------------------------------------------------------------

    def _before(self) -> Response | None:
        g.started = time.monotonic()
        if request.path.startswith(CONTROL_PREFIX):
            return None
        if self.options.latency_ms > 0:
            self.sleep(self.options.latency_ms / 1000.0)
        fault = self.faults.pick()
        if fault is None:
            return None
        g.fault = fault
        if fault == "lost":
            return None  # served normally; `_after` loses the answer
        if fault == "drop":
            _drop_connection(request.environ)
            return Response(b"", status=599)
        if fault == "timeout":
            self.sleep(self.options.timeout_sleep)
            return self.error_response(504, "gateway timeout", "sandbox timeout fault")
        status = int(fault)
        if status == 429:
            return self.rate_limited(self.clock.to_real(1.0))
        return self.error_response(status, "sandbox fault", f"injected {status}")

    def rate_limited(self, wait_real: float) -> Response:
        """A 429 in the marketplace's format."""
        return self.error_response(429, "too many requests", f"retry in {wait_real:.3f} s")

    def _after(self, response: Response) -> Response:
        rule = request.url_rule.rule if request.url_rule else request.path
        route = f"{request.method} {rule}"
        fault = getattr(g, "fault", None)
        answer = fault if fault in ("drop", "timeout", "lost") else str(response.status_code)
        if not request.path.startswith(CONTROL_PREFIX):
            self.stats.record(route, answer, fault, getattr(g, "note", {}))
        if fault == "lost":
            self.sleep(self.options.timeout_sleep)
            return self.error_response(504, "gateway timeout", "sandbox lost the answer")
        return response

    def _add_control_routes(self) -> None:
        app = self.app

        @app.get("/_sandbox/health")
        def health() -> Response:
            return json_response({"ok": True, "sandbox": self.name})

        @app.get("/_sandbox/config")
        def config() -> Response:
            data = asdict(self.options)
            data.pop("seed", None)
            return json_response({"sandbox": self.name, **data})

        @app.get("/_sandbox/stock")
        def stock() -> Response:
            with self.lock:
                return json_response(self.stock_view())

        @app.get("/_sandbox/history")
        def history() -> Response:
            return json_response(self.history.snapshot())

        @app.get("/_sandbox/requests")
        def requests_() -> Response:
            return json_response(self.stats.snapshot(request.args.get("log") == "1"))

        @app.post("/_sandbox/seed")
        def seed() -> Response:
            data = request.get_json(silent=True)
            if not isinstance(data, dict):
                return json_response({"error": "seed must be a JSON object"}, 400)
            try:
                with self.lock:
                    loaded = self.apply_seed(data)
            except (KeyError, TypeError, ValueError) as exc:
                return json_response({"error": f"bad seed: {exc!r}"}, 400)
            return json_response({"loaded": loaded})

        @app.post("/_sandbox/reset")
        def reset() -> Response:
            self.reset()
            return json_response({"reset": True})

        @app.post("/_sandbox/faults")
        def faults() -> Response:
            data = request.get_json(silent=True) or {}
            try:
                self.faults.force(data.get("next") or [])
                if "fail_rate" in data:
                    self.faults.rate = float(data["fail_rate"])
            except (TypeError, ValueError) as exc:
                return json_response({"error": str(exc)}, 400)
            return json_response({"fail_rate": self.faults.rate})


def _drop_connection(environ: Mapping[str, Any]) -> None:
    """Close the TCP connection without an answer (the client sees a disconnect)."""
    sock = environ.get("werkzeug.socket")
    if isinstance(sock, socket.socket):
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")
