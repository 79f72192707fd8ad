"""Helpers any bench can use: stderr logging, the one JSON line on stdout, percentiles, ports.

Benches print exactly one JSON object on stdout (so a CI job can `json.loads` it) and send
everything meant for people to stderr.
"""

from __future__ import annotations

import json
import math
import socket
import sys
import time
from collections.abc import Mapping, Sequence
from typing import Any

_T0 = time.monotonic()


def log(message: str) -> None:
    """A progress line on stderr, stamped with seconds since the bench started."""
    print(f"[{time.monotonic() - _T0:7.1f}s] {message}", file=sys.stderr, flush=True)


def emit(record: Mapping[str, Any]) -> None:
    """Write the bench's single JSON result line to stdout."""
    sys.stdout.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def percentile(samples: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100), linear between closest ranks (numpy's default method).

    Raises ValueError on an empty sample: a percentile of nothing would be a silent lie.
    """
    if not samples:
        raise ValueError("percentile of an empty sample")
    if not 0 <= q <= 100:
        raise ValueError(f"percentile out of range: {q}")
    ordered = sorted(samples)
    position = (len(ordered) - 1) * q / 100
    low, high = math.floor(position), math.ceil(position)
    if low == high:
        return float(ordered[low])
    weight = position - low
    return float(ordered[low] * (1 - weight) + ordered[high] * weight)


def latency_ms(seconds: Sequence[float], prefix: str = "") -> dict[str, float]:
    """p50, p99 and max of latencies given in seconds, as milliseconds rounded to 0.01 ms."""
    return {
        f"{prefix}p50_ms": round(percentile(seconds, 50) * 1000, 2),
        f"{prefix}p99_ms": round(percentile(seconds, 99) * 1000, 2),
        f"{prefix}max_ms": round(max(seconds) * 1000, 2),
    }


def per_second(count: int, seconds: float) -> float:
    """A rate rounded to 0.1, guarding against a zero-length window."""
    return round(count / seconds, 1) if seconds > 0 else 0.0


def ratio(numerator: float, denominator: float) -> float | None:
    """numerator / denominator rounded to 0.001, or None when the denominator is zero."""
    return round(numerator / denominator, 3) if denominator else None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (for a server the bench starts)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
