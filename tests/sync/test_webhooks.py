"""Merchant webhooks from the outbox, against a real local receiver that checks signatures."""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from tests.integration.test_scan_flows import HEADPHONES, receive
from tests.sync.conftest import drain, make_worker
from wms.db.models import Merchant, OutboxMessage
from wms.services import webhooks
from wms.services.crypto import SecretBox
from wms.services.uow import SYSTEM, UnitOfWork, execute


class Receiver:
    """A merchant's endpoint: answers from a script, verifies every signature it gets."""

    def __init__(self, secret: str = "") -> None:
        self.secret = secret
        self.script: deque[tuple[int, float]] = deque()  # (status, delay) per request
        self.received: list[dict[str, Any]] = []
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/hooks"

    def app(self, environ: Any, start_response: Any) -> Any:
        request = Request(environ)
        body = request.get_data()
        status, delay = self.script.popleft() if self.script else (200, 0.0)
        self.received.append(
            {
                "event": request.headers.get("X-WMS-Event"),
                "delivery": request.headers.get("X-WMS-Delivery"),
                "valid": webhooks.verify(
                    self.secret,
                    request.headers.get("X-WMS-Timestamp", ""),
                    body,
                    request.headers.get("X-WMS-Signature", ""),
                    now=time.time(),
                ),
                "json": json.loads(body),
            }
        )
        time.sleep(delay)
        return Response("ok" if status < 400 else "no", status=status)(environ, start_response)

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    hook = Receiver()
    yield hook
    hook.stop()


@pytest.fixture
def hook_settings(sync_settings: Any) -> Any:
    # Webhooks only: the marketplaces are switched off, their stock rows finish untouched.
    return sync_settings.with_overrides(
        sync={"webhook_timeout_seconds": 0.5, "max_attempts": 4},
        marketplaces={"wildberries": {"enabled": False}, "ozon": {"enabled": False}},
    )


def _subscribe(database: Any, settings: Any, receiver: Receiver, merchant: str = "ALTYN") -> None:
    secret = execute(
        database, webhooks.configure, SYSTEM, SecretBox(settings), merchant, receiver.url
    )
    assert secret
    receiver.secret = secret


def _event(database: Any, merchant: str = "ALTYN", topic: str = "merchant.decision_needed") -> int:
    def write(uow: UnitOfWork) -> int:
        merchant_id = uow.session.execute(
            sa.select(Merchant.id).where(Merchant.code == merchant)
        ).scalar_one()
        uow.outbox(
            topic, f"webhook:test:{time.time_ns()}", {"merchant_id": merchant_id, "lpn": "X"}
        )
        uow.session.flush()
        return int(uow.session.execute(sa.select(sa.func.max(OutboxMessage.id))).scalar_one())

    return execute(database, write)


def _row(database: Any, row_id: int) -> OutboxMessage:
    with database.reading() as s:
        row = s.get(OutboxMessage, row_id)
        assert row is not None
        return row


def test_a_closed_receipt_reaches_the_merchant_signed(
    station: Any, database: Any, hook_settings: Any, receiver: Receiver
) -> None:
    _subscribe(database, hook_settings, receiver)
    (lpn,) = receive(station("receipt"), "512345678", HEADPHONES)
    worker = make_worker(database, hook_settings)
    drain(worker, database)
    worker.close()
    (hook,) = [r for r in receiver.received if r["event"] == "merchant.receipt_closed"]
    assert hook["valid"]
    assert hook["json"]["merchant"] == "ALTYN"
    assert hook["json"]["data"]["units"] == [{"lpn": lpn, "sku": "ALT-HP-01"}]
    assert _row(database, int(hook["delivery"])).status.value == "done"


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_tampered_body_fails_verification(hook_settings: Any) -> None:
    body = b'{"a":1}'
    signature = webhooks.sign("s3cret", "1700000000", body)
    assert webhooks.verify("s3cret", "1700000000", body, signature, now=1700000010)
    assert not webhooks.verify("s3cret", "1700000000", b'{"a":2}', signature, now=1700000010)
    assert not webhooks.verify("other", "1700000000", body, signature, now=1700000010)
    assert not webhooks.verify("s3cret", "1700000000", body, signature, now=1700009999)


def test_refusals_park_and_failures_retry(
    demo: dict[str, Any], database: Any, hook_settings: Any, receiver: Receiver
) -> None:
    _subscribe(database, hook_settings, receiver)
    gone = _event(database)
    receiver.script.extend([(410, 0.0)])
    worker = make_worker(database, hook_settings)
    drain(worker, database)
    row = _row(database, gone)
    assert row.status.value == "parked"
    assert row.last_error is not None
    assert row.last_error.startswith("HTTP 410")
    flaky = _event(database)
    receiver.script.extend([(500, 0.0), (429, 0.0), (200, 1.0), (200, 0.0)])  # 1 s > timeout
    drain(worker, database)
    worker.close()
    row = _row(database, flaky)
    assert row.status.value == "done"
    assert row.attempts == 3
    attempts = [r for r in receiver.received if r["delivery"] == str(flaky)]
    assert len(attempts) == 4
    assert all(a["valid"] for a in attempts)


def test_failures_end_parked_and_merchants_without_a_url_get_nothing(
    demo: dict[str, Any], database: Any, hook_settings: Any, receiver: Receiver
) -> None:
    _subscribe(database, hook_settings, receiver, "ALTYN")
    failing = _event(database, "ALTYN")
    silent = _event(database, "KOKTEM")  # KOKTEM has no webhook URL
    receiver.script.extend([(503, 0.0)] * 10)
    worker = make_worker(database, hook_settings)
    drain(worker, database)
    worker.close()
    row = _row(database, failing)
    assert (row.status.value, row.attempts) == ("parked", 4)
    assert row.last_error is not None
    assert "HTTP 503" in row.last_error
    assert _row(database, silent).status.value == "done"
    assert {r["delivery"] for r in receiver.received} == {str(failing)}
