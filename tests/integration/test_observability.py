"""/metrics in the Prometheus text format (parsed with prometheus_client's own parser), the
scan counters moving at the web edge, /healthz and /readyz."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from prometheus_client.parser import text_string_to_metric_families

from wms.db import migrate


def _scrape(client: Any, **kwargs: Any) -> dict[str, dict[tuple[tuple[str, str], ...], float]]:
    answer = client.get("/metrics", **kwargs)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.content_type.startswith("text/plain")
    out: dict[str, dict[tuple[tuple[str, str], ...], float]] = {}
    for family in text_string_to_metric_families(answer.get_data(as_text=True)):
        for sample in family.samples:
            out.setdefault(sample.name, {})[tuple(sorted(sample.labels.items()))] = sample.value
    return out


def _value(metrics: dict[str, Any], name: str, **labels: str) -> float:
    return float(metrics.get(name, {}).get(tuple(sorted(labels.items())), 0.0))


def test_a_scan_moves_its_counter_and_the_state_is_read_from_the_database(
    client: Any, station: Callable[[str], Any], demo: dict[str, Any]
) -> None:
    before = _scrape(client)
    receipt = station("receipt")
    receipt.ok("OP-0001")
    receipt.fail("NOT-A-CODE-123")
    after = _scrape(client)
    ok = _value(after, "wms_scans_total", result="ok", role="receipt")
    assert ok - _value(before, "wms_scans_total", result="ok", role="receipt") == 1
    errors = _value(after, "wms_scans_total", result="error", role="receipt")
    assert errors - _value(before, "wms_scans_total", result="error", role="receipt") == 1
    latency = _value(after, "wms_scan_seconds_count", role="receipt")
    assert latency - _value(before, "wms_scan_seconds_count", role="receipt") == 2
    requests = _value(after, "wms_http_requests_total", status="200", area="api")
    assert requests - _value(before, "wms_http_requests_total", status="200", area="api") == 2
    # state from the database: the receipt station is online, the demo's stock waits
    assert _value(after, "wms_database_up") == 1
    assert _value(after, "wms_stations_online", role="receipt") == 1
    assert _value(after, "wms_stations_online", role="repair") == 0
    assert {"kaspi", "wildberries", "ozon", "webhook"} <= {
        dict(k)["marketplace"] for k in after["wms_outbox_pending"]
    }
    assert _value(after, "wms_outbox_pending", marketplace="wildberries") > 0
    assert _value(after, "wms_outbox_oldest_age_seconds", marketplace="wildberries") >= 0
    # no merchant data in any label
    labels = {v for samples in after.values() for key in samples for _k, v in key}
    assert not labels & {"ALTYN", "KOKTEM", "ALT-HP-01"}


def test_metrics_need_the_token_or_a_direct_loopback_call(app: Any, settings: Any) -> None:
    client = app.test_client()
    assert client.get("/metrics").status_code == 200  # the test client calls from 127.0.0.1
    proxied = client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
    assert proxied.status_code == 403
    remote = client.get("/metrics", environ_overrides={"REMOTE_ADDR": "203.0.113.9"})
    assert remote.status_code == 403
    from wms import create_app

    locked = create_app(settings.with_overrides(metrics={"token": "s3cret-scrape"}))
    try:
        c = locked.test_client()
        assert c.get("/metrics").status_code == 403
        assert c.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 403
        good = c.get(
            "/metrics",
            headers={"Authorization": "Bearer s3cret-scrape", "X-Forwarded-For": "203.0.113.9"},
            environ_overrides={"REMOTE_ADDR": "203.0.113.9"},
        )
        assert good.status_code == 200
    finally:
        locked.extensions["wms"].db.dispose()


def test_healthz_and_readyz(app: Any, client: Any, database: Any) -> None:
    assert client.get("/healthz").get_json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.get_json()["status"] == "ready"
    assert migrate.head_revision() in ready.get_json()["checks"]["migrations"]
    with database.engine.begin() as conn:  # a database one migration behind the code
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '0005'"))
    behind = client.get("/readyz")
    assert behind.status_code == 503
    assert "database at 0005" in behind.get_json()["checks"]["migrations"]


def test_readyz_says_when_the_database_is_away(settings: Any) -> None:
    from wms import create_app

    away = create_app(
        settings.with_overrides(database={"url": "postgresql+psycopg://postgres@127.0.0.1:1/x"})
    )
    try:
        answer = away.test_client().get("/readyz")
        assert answer.status_code == 503
        assert answer.get_json()["checks"]["database"].startswith("unreachable")
        assert away.test_client().get("/healthz").status_code == 200
        metrics = away.test_client().get("/metrics").get_data(as_text=True)
        assert "wms_database_up 0.0" in metrics
    finally:
        away.extensions["wms"].db.dispose()


def test_json_logs_are_one_object_per_line(capsys: Any) -> None:
    import json
    import logging

    from wms import logs

    root = logging.getLogger()
    level = root.level
    try:
        logs.configure(json_logs=True)
        logging.getLogger("wms.jobs.scheduler").warning("job %s failed", "reconcile")
        line = capsys.readouterr().err.strip().splitlines()[-1]
        record = json.loads(line)
        assert record["level"] == "WARNING"
        assert record["logger"] == "wms.jobs.scheduler"
        assert record["message"] == "job reconcile failed"
    finally:
        for handler in [h for h in root.handlers if getattr(h, "wms_handler", False)]:
            root.removeHandler(handler)
        root.setLevel(level)
