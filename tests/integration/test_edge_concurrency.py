"""Issue 11 on PostgreSQL: twins racing with one idempotency key or external id, and the login
rate limit under fifty parallel wrong passwords."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa

from tests.integration.dashboard.pages import csrf
from wms.db.models import IdempotencyRecord, LoginAttempt, ReturnOrder, StockTotal

pytestmark = pytest.mark.parametrize("backend", ["postgres"], indirect=True)

TWINS = 20


def together(app: Any, count: int, call: Callable[[Any, int], Any]) -> list[Any]:
    """Run `call(client, i)` in `count` threads released at once; their answers in order."""
    barrier = threading.Barrier(count)
    answers: list[Any] = [None] * count

    def run(i: int) -> None:
        client = app.test_client()
        prepared = call(client, -1 - i)  # setup (a CSRF token …) before the start line
        barrier.wait()
        answers[i] = call(client, i) if prepared is None else prepared(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return answers


def _post(url: str, body: dict[str, Any], headers: dict[str, str]) -> Callable[[Any, int], Any]:
    def call(client: Any, i: int) -> Any:
        if i < 0:
            return None
        answer = client.post(url, json=body, headers=headers)
        return answer.status_code, answer.get_json()

    return call


ANNOUNCE = {
    "merchant": "ALTYN",
    "marketplace": "kaspi",
    "order_code": "599999999",
    "return_type": "customer_return",
    "lines": [{"sku": "ALT-HP-01", "quantity": 1}],
}


def test_twenty_twins_with_one_idempotency_key_take_effect_once(
    app: Any, database: Any, demo: dict[str, Any]
) -> None:
    headers = {"Authorization": f"Bearer {demo['integration']['token']}", "Idempotency-Key": "k1"}
    move = {
        "merchant": "ALTYN",
        "sku": "ALT-HP-01",
        "quantity": 3,
        "reference": "race-1",
        "bin": "BIN-M-01-01",
    }
    with database.reading() as s:
        before = sum(s.execute(sa.select(StockTotal.on_hand)).scalars())
    answers = together(app, TWINS, _post("/api/v1/stock/inbound", move, headers))
    assert [status for status, _ in answers] == [201] * TWINS, answers
    assert all(body == answers[0][1] for _, body in answers)
    with database.reading() as s:
        assert sum(s.execute(sa.select(StockTotal.on_hand)).scalars()) == before + 3
        assert s.execute(sa.select(sa.func.count()).select_from(IdempotencyRecord)).scalar() == 1


def test_twenty_twins_with_one_external_id_create_one_return(
    app: Any, database: Any, demo: dict[str, Any]
) -> None:
    headers = {"Authorization": f"Bearer {demo['integration']['token']}"}
    body = {**ANNOUNCE, "external_id": "ext-race-1"}
    answers = together(app, TWINS, _post("/api/v1/returns", body, headers))
    statuses = sorted(status for status, _ in answers)
    assert statuses == [200] * (TWINS - 1) + [201], answers
    assert len({body["id"] for _, body in answers}) == 1
    with database.reading() as s:
        found = s.execute(
            sa.select(sa.func.count()).where(ReturnOrder.external_id == "ext-race-1")
        ).scalar()
        assert found == 1


def test_twenty_twins_with_one_key_and_external_id_get_identical_answers(
    app: Any, database: Any, demo: dict[str, Any]
) -> None:
    headers = {"Authorization": f"Bearer {demo['integration']['token']}", "Idempotency-Key": "k2"}
    body = {**ANNOUNCE, "external_id": "ext-race-2"}
    answers = together(app, TWINS, _post("/api/v1/returns", body, headers))
    assert answers == [answers[0]] * TWINS
    assert answers[0][0] == 201


def test_fifty_parallel_wrong_passwords_verify_exactly_the_limit(
    app: Any, database: Any, demo: dict[str, Any]
) -> None:
    limit = app.extensions["wms"].settings.security.login_rate_limit_per_minute

    def call(client: Any, i: int) -> Any:
        if i < 0:
            token = csrf(client)

            def attempt(_: int) -> int:
                data = {"csrf_token": token, "login": "supervisor", "password": "wrong"}
                return int(client.post("/login", data=data).status_code)

            return attempt
        return None

    statuses = together(app, 50, call)
    assert sorted(statuses) == [401] * limit + [429] * (50 - limit)
    with database.reading() as s:
        verified = s.execute(sa.select(sa.func.count()).select_from(LoginAttempt)).scalar()
    assert verified == limit
