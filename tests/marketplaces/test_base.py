"""Shared adapter types, the token bucket, reason mapping, the fake marketplace (no sockets)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from wms.adapters.marketplaces.base import (
    ItemResult,
    ItemStatus,
    Limits,
    MarketplaceAdapter,
    OfferKey,
    StockChannel,
    StockUpdate,
    TransientError,
    all_results,
    capped,
    chunked,
    ensure_unique,
)
from wms.adapters.marketplaces.fake import FakeMarketplace
from wms.adapters.marketplaces.http import retry_after, with_retries
from wms.adapters.marketplaces.ozon import LIMITS as OZON_LIMITS
from wms.adapters.marketplaces.ozon import OzonAdapter, OzonCredentials
from wms.adapters.marketplaces.reasons import classify_reason
from wms.adapters.marketplaces.throttle import TokenBucket
from wms.adapters.marketplaces.wildberries import LIMITS as WB_LIMITS
from wms.adapters.marketplaces.wildberries import WildberriesAdapter, WildberriesCredentials
from wms.domain.returns import ReturnReason

KEY = OfferKey("123", "9")


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.mark.parametrize("quantity", [-1, 1.5, True, "3"])
def test_stock_updates_are_absolute_non_negative_integers(quantity):
    with pytest.raises((TypeError, ValueError)):
        StockUpdate(KEY, quantity)


def test_item_results_say_what_to_do_next():
    assert ItemResult.ok(KEY, 5).is_ok
    retry = ItemResult.transient(KEY, "timeout", retry_after=2.0)
    assert (retry.status, retry.retry_after, retry.is_ok) == (ItemStatus.TRANSIENT, 2.0, False)
    assert ItemResult.permanent(KEY, "NotFound", "no such size").status is ItemStatus.PERMANENT
    items = [StockUpdate(KEY, 1), StockUpdate(OfferKey("5", "9"), 2)]
    failed = all_results(items, TransientError("http_503", retry_after=1.5))
    assert {r.retry_after for r in failed.values()} == {1.5}


def test_a_batch_naming_a_key_twice_is_refused():
    with pytest.raises(ValueError, match="coalesce"):
        ensure_unique([StockUpdate(KEY, 1), StockUpdate(KEY, 2)])


def test_chunks_and_caps():
    assert [list(c) for c in chunked([1, 2, 3, 4, 5], 2)] == [[1, 2], [3, 4], [5]]
    assert capped(250_000, WB_LIMITS) == 100_000
    assert capped(5, WB_LIMITS) == 5
    assert capped(10**9, Limits(max_batch=1, requests_per_minute=1, burst=1)) == 10**9


def test_limits_describe_the_marketplaces_and_scale_with_a_sandbox_clock():
    assert (WB_LIMITS.max_batch, WB_LIMITS.requests_per_minute, WB_LIMITS.burst) == (1000, 300, 20)
    assert WB_LIMITS.error_cost == 10
    assert (OZON_LIMITS.max_batch, OZON_LIMITS.requests_per_minute) == (100, 80)
    assert OZON_LIMITS.min_item_interval == 30
    fast = OZON_LIMITS.scaled(30)
    assert fast.rate_per_second == pytest.approx(40.0)
    assert fast.min_item_interval == pytest.approx(1.0)
    with pytest.raises(ValueError, match="positive"):
        OZON_LIMITS.scaled(0)


def test_token_bucket_allows_a_burst_then_the_sustained_rate():
    clock = FakeClock()
    bucket = TokenBucket(rate=5, capacity=20, clock=clock, sleep=clock.sleep)
    for _ in range(20):
        bucket.acquire()
    assert clock.slept == []
    bucket.acquire()
    assert sum(clock.slept) == pytest.approx(0.2)  # one token at 5 per second


def test_token_bucket_charges_an_expensive_error_up_front():
    clock = FakeClock()
    bucket = TokenBucket(rate=5, capacity=20, clock=clock, sleep=clock.sleep)
    bucket.acquire()
    bucket.penalize(9)  # a WB 409 counts as 10
    assert bucket.tokens == pytest.approx(10)
    bucket.penalize(15)
    assert bucket.tokens == pytest.approx(-5)
    assert bucket.try_acquire() == pytest.approx(1.2)  # back to 1 token takes 6 / 5 s


def test_token_bucket_pause_holds_every_request():
    clock = FakeClock()
    bucket = TokenBucket(rate=10, capacity=5, clock=clock, sleep=clock.sleep)
    bucket.pause(2.0)
    bucket.acquire()
    assert sum(clock.slept) == pytest.approx(2.1)


def test_a_bucket_for_limits_keeps_a_safety_margin():
    bucket = TokenBucket.for_limits(WB_LIMITS)
    assert bucket.rate == pytest.approx(4.5)
    assert bucket.capacity == 18


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Брак: не включается", ReturnReason.DEFECTIVE),
        ("Товар не соответствует описанию", ReturnReason.NOT_AS_DESCRIBED),
        ("Пришёл другой товар", ReturnReason.WRONG_ITEM),
        ("Подделка, не оригинал", ReturnReason.COUNTERFEIT),
        ("Не подошел размер", ReturnReason.CHANGED_MIND),
        ("Покупатель не забрал заказ", ReturnReason.NOT_PICKED_UP),
        ("Повреждена упаковка", ReturnReason.DAMAGED_IN_TRANSIT),
        ("Отмена заказа", ReturnReason.CANCELLED),
        ("???", ReturnReason.OTHER),
        (None, ReturnReason.OTHER),
    ],
)
def test_free_text_reasons_are_classified(text, reason):
    assert classify_reason(text) is reason


def test_secrets_are_not_in_reprs():
    assert "tok-123" not in repr(WildberriesCredentials("tok-123"))
    assert "key-456" not in repr(OzonCredentials("100", "key-456"))


def test_adapters_satisfy_the_protocols():
    wb = WildberriesAdapter(WildberriesCredentials("t"), base_url="http://127.0.0.1:9")
    ozon = OzonAdapter(OzonCredentials("1", "k"), base_url="http://127.0.0.1:9")
    fake = FakeMarketplace()
    for adapter in (wb, ozon, fake):
        assert isinstance(adapter, StockChannel)
        assert isinstance(adapter, MarketplaceAdapter)
    wb.close()
    ozon.close()


def test_the_fake_applies_batches_and_plays_scripted_failures():
    fake = FakeMarketplace(limits=Limits(max_batch=2, requests_per_minute=60, burst=1))
    other = OfferKey("7", "9")
    fake.script[other] = [ItemResult.transient(other, "timeout")]
    results = fake.push_stock(
        [StockUpdate(KEY, 3), StockUpdate(other, 4), StockUpdate(OfferKey("8", "9"), 0)]
    )
    assert [r.status for r in results] == [ItemStatus.OK, ItemStatus.TRANSIENT, ItemStatus.OK]
    assert [len(batch) for batch in fake.pushes] == [2, 1]
    assert fake.read_stock([KEY, other]) == {KEY: 3, other: 0}
    assert fake.push_stock([StockUpdate(other, 4)])[0].is_ok


def test_retry_after_reads_seconds_or_an_http_date():
    assert (
        retry_after(httpx.Response(429, headers={"X-Ratelimit-Retry": "2"}), "X-Ratelimit-Retry")
        == 2
    )
    assert retry_after(httpx.Response(429, headers={"Retry-After": "0.25"})) == 0.25
    later = (datetime.now(UTC) + timedelta(seconds=30)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    waited = retry_after(httpx.Response(503, headers={"Retry-After": later}))
    assert waited is not None
    assert 25 < waited <= 30
    assert retry_after(httpx.Response(503)) is None


def test_reads_are_retried_on_transient_errors_only():
    clock = FakeClock()
    calls: list[int] = []

    def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise TransientError("http_503", retry_after=0.5 if len(calls) == 1 else None)
        return "done"

    assert with_retries(flaky, sleep=clock.sleep) == "done"
    assert clock.slept == [0.5, 1.0]


def test_reads_give_up_after_the_last_attempt():
    clock = FakeClock()

    def down() -> str:
        raise TransientError("connection")

    with pytest.raises(TransientError):
        with_retries(down, attempts=3, sleep=clock.sleep)
    assert len(clock.slept) == 2


def test_adapters_and_sandboxes_stay_out_of_the_database_and_web_layers():
    import ast
    from pathlib import Path

    forbidden = ("wms.db", "wms.services", "wms.web", "wms.jobs")
    root = Path(__file__).resolve().parents[2] / "wms"
    offenders = []
    for folder in ("adapters", "sandbox"):
        for path in (root / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = []
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module]
                offenders += [f"{path.name}: {n}" for n in names if n.startswith(forbidden)]
    assert offenders == []
