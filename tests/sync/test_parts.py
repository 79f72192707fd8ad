"""Small parts of the sync without a database: backoff, the lease-guarded throttle, credential
and identifier checks, webhook signatures."""

from __future__ import annotations

import random
import time

import pytest

from wms.adapters.marketplaces.base import TransientError
from wms.adapters.marketplaces.factory import credential_problems
from wms.adapters.marketplaces.throttle import TokenBucket
from wms.domain.returns import Marketplace
from wms.jobs.lanes import GuardedThrottle
from wms.services.offers import identity_problem
from wms.services.sync.outbox import backoff


@pytest.mark.parametrize("attempt", [1, 2, 3, 6, 30])
def test_backoff_doubles_with_jitter_and_a_cap(attempt: int) -> None:
    rng = random.Random(attempt)
    waits = [backoff(attempt, 2.0, 600.0, rng) for _ in range(200)]
    nominal = min(600.0, 2.0 * 2 ** (attempt - 1))
    assert all(0.5 * nominal <= w <= min(600.0, 1.5 * nominal) for w in waits)
    assert len({round(w, 6) for w in waits}) > 100  # jittered, not one value


def test_the_guard_uses_the_prepaid_token_and_refuses_after_the_deadline() -> None:
    bucket = TokenBucket(rate=1.0, capacity=1)
    guard = GuardedThrottle(bucket)
    guard.arm(time.monotonic() + 60)
    guard.acquire()  # prepaid: the bucket keeps its token
    assert bucket.tokens == pytest.approx(1.0, abs=0.01)
    guard.acquire()  # from the bucket
    assert bucket.tokens < 0.1
    guard.arm(time.monotonic() - 1)  # the lease would end before an answer
    with pytest.raises(TransientError, match="lease"):
        guard.acquire()
    guard.disarm()


@pytest.mark.parametrize(
    ("marketplace", "credentials", "problem"),
    [
        (Marketplace.WILDBERRIES, {"token": "t"}, None),
        (Marketplace.WILDBERRIES, {}, "'token' is required"),
        (Marketplace.OZON, {"client_id": "1"}, "'api_key' is required"),
        (Marketplace.OZON, {"client_id": "1", "api_key": "k", "x": "y"}, "unknown fields: x"),
        (Marketplace.OTHER, {"token": "t"}, "has no API"),
    ],
)
def test_credential_checks(
    marketplace: Marketplace, credentials: dict[str, str], problem: str | None
) -> None:
    found = "; ".join(credential_problems(marketplace, credentials))
    assert (problem in found) if problem else not found


@pytest.mark.parametrize(
    ("marketplace", "sku", "warehouse", "ok"),
    [
        (Marketplace.KASPI, "ALT-HP-01", "PP1", True),
        (Marketplace.KASPI, "A" * 21, "PP1", False),
        (Marketplace.KASPI, "Сумка", "PP1", False),  # Latin letters and digits only
        (Marketplace.KASPI, "SKU1", "PP 1", False),
        (Marketplace.WILDBERRIES, "12345", "658434", True),
        (Marketplace.WILDBERRIES, "0", "658434", False),
        (Marketplace.WILDBERRIES, "12345", "PP1", False),
        (Marketplace.OZON, "PH-11042", "22142605386000", True),
        (Marketplace.OZON, "PH-11042", "main", False),
    ],
)
def test_marketplace_identifiers(
    marketplace: Marketplace, sku: str, warehouse: str, ok: bool
) -> None:
    assert (identity_problem(marketplace, sku, warehouse) is None) is ok
