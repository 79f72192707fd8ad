"""Operations endpoints: `/healthz` (alive), `/readyz` (database and migrations), `/metrics`.

`/metrics` is for the operator's Prometheus: with `[metrics] token` set it wants that bearer
token; without one it answers only requests made directly on the loopback interface (no proxy
headers), so a reverse proxy in front never exposes it by accident. It holds no merchant data.
"""

from __future__ import annotations

import functools
import hmac
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, Flask, Response, g, jsonify, request

from wms import metrics
from wms.db import migrate
from wms.web.auth import PUBLIC, Principal, protect
from wms.web.context import wms

bp = Blueprint("ops", __name__)
LOOPBACK = frozenset({"127.0.0.1", "::1"})
PROXY_HEADERS = ("X-Forwarded-For", "X-Real-IP", "Forwarded")


@functools.lru_cache(maxsize=1)
def _head() -> str | None:
    return migrate.head_revision()


@bp.route("/healthz")
@protect(PUBLIC)
def healthz() -> Response:
    """The process answers (load balancers, systemd watchdogs)."""
    return jsonify(status="ok")


@bp.route("/readyz")
@protect(PUBLIC)
def readyz() -> Any:
    """Ready to serve: the database answers and its schema is at the code's migration head."""
    checks: dict[str, str] = {}
    try:
        current = migrate.current_revision(wms().db.engine)
        checks["database"] = "ok"
    except sa.exc.SQLAlchemyError as exc:
        checks["database"] = f"unreachable: {type(exc).__name__}"
        current = None
    head = _head()
    if checks["database"] == "ok":
        checks["migrations"] = (
            f"at head {head}" if current == head else f"database at {current}, code at {head}"
        )
    ready = checks["database"] == "ok" and current == head
    body = {"status": "ready" if ready else "not_ready", "checks": checks}
    return jsonify(body), 200 if ready else 503


def _may_scrape() -> bool:
    token = wms().settings.metrics.token
    if token:
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(given.strip(), token)
    direct = not any(h in request.headers for h in PROXY_HEADERS)
    return direct and request.remote_addr in LOOPBACK


@bp.route("/metrics")
@protect(PUBLIC)
def metrics_view() -> Any:
    """Prometheus text format: this process's events and the database's state."""
    if not _may_scrape():
        return jsonify(error={"code": "forbidden", "message": "metrics are not public"}), 403
    body, content_type = metrics.exposition(wms().db)
    return Response(body, content_type=content_type)


@contextmanager
def scan_metrics(principal: Principal) -> Iterator[dict[str, Any]]:
    """Count a scan answered at the web edge by result and station role, with its latency
    (an exception counts as result "failed")."""
    started = time.perf_counter()
    answer: dict[str, Any] = {}
    role = principal.station_role.value if principal.station_role else "unknown"
    try:
        yield answer
    except BaseException:
        metrics.scan_answered("failed", role, time.perf_counter() - started)
        raise
    metrics.scan_answered(str(answer.get("result", "unknown")), role, time.perf_counter() - started)


def _area() -> str:
    endpoint = request.endpoint or ""
    return endpoint.split(".", 1)[0] if "." in endpoint else (endpoint or "none")


def install(app: Flask) -> None:
    """Register the endpoints and count every request by status and area."""
    app.register_blueprint(bp)

    @app.before_request
    def _started() -> None:
        g.wms_started = time.perf_counter()

    @app.after_request
    def _count(response: Response) -> Response:
        started = g.pop("wms_started", None)
        area = _area()
        metrics.HTTP_REQUESTS.labels(status=str(response.status_code), area=area).inc()
        if started is not None:
            metrics.HTTP_SECONDS.labels(area=area).observe(time.perf_counter() - started)
        return response
