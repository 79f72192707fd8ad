"""Exact percentiles from rolled-up durations: a histogram finds the bucket, the bucket's own
values give the value (pure arithmetic; the queries that feed it live in `wms.web`).

Durations are kept twice per closed day: every value with its bucket, and the count per
bucket. Buckets are ordered ranges (eight per doubling of the duration), so the nearest-rank
percentile lies in the bucket where the running count first reaches its rank; only that
bucket's values are read, and only the few around the rank. Values of the still-open day join
in as a short list. The result is the same value `wms.domain.kpi.percentile` returns over all
the durations together, not an estimate.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence

from wms.domain import kpi

PER_DOUBLING = 8
# Upper bounds: bucket b holds values v with THRESHOLDS[b-1] <= v < THRESHOLDS[b] (b = 0 below
# one second, the last bucket above ~6 years). Compared, never computed with logarithms, so every
# database and Python agree on where a value belongs.
THRESHOLDS: tuple[float, ...] = tuple(2.0 ** (k / PER_DOUBLING) for k in range(0, 28 * 8 + 1))


def bucket_of(seconds: float) -> int:
    """The bucket of a duration."""
    return bisect_right(THRESHOLDS, seconds)


def locate(histogram: Mapping[int, int], rank: int) -> tuple[int, int]:
    """(bucket, rank inside it) of the value with this 1-based rank over all buckets."""
    seen = 0
    for bucket in sorted(histogram):
        count = histogram[bucket]
        if seen + count >= rank:
            return bucket, rank - seen
        seen += count
    raise ValueError(f"rank {rank} beyond {seen} values")


def window(rank: int, extra: int) -> tuple[int, int]:
    """Which stored values of a bucket can be the rank-th of stored ∪ `extra` more values:
    (offset, how many), read in ascending order."""
    offset = max(0, rank - extra - 1)
    return offset, rank - offset


def nth(stored: Sequence[float], offset: int, extra: Iterable[float], rank: int) -> float:
    """The rank-th smallest (1-based) of a bucket's stored values ∪ `extra`, given the stored
    values from position `offset` on (as `window` asked for) and every extra value."""
    merged = sorted([*stored, *extra])
    return merged[rank - offset - 1]


def percent_ranks(count: int, percents: Sequence[int]) -> list[int]:
    """The nearest ranks of the percentiles (as `kpi.percentile` takes them)."""
    return [kpi.nearest_rank(count, p) for p in percents]
