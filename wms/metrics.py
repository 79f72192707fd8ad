"""Prometheus metrics: counted where things happen (web edge, worker), state read from the DB.

Two kinds, on purpose:
- **Events** (HTTP requests, scans and their latency, marketplace pushes, job durations) are
  prometheus_client counters and histograms in the process that saw them. Under gunicorn every
  worker is a process of its own: with `PROMETHEUS_MULTIPROC_DIR` set (the systemd units in
  docs/operations.md do), each process writes its values to that directory and `/metrics`
  adds them up, worker processes of `wms worker` on the same host included.
- **State** (outbox depth and oldest age per marketplace, stations online, job runs, failures
  and last success, open alarms, worker heartbeats) is read from the database at scrape time,
  so every replica reports the same truth and nothing is lost when a process restarts.

No label carries merchant data: marketplaces, station roles, results, job names, status codes.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import REGISTRY, Collector

from wms.db.session import Database

FAST = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5, 5.0)
SLOW = (0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 3600.0)

HTTP_REQUESTS = Counter(
    "wms_http_requests", "HTTP requests answered, by status code and area", ["status", "area"]
)
HTTP_SECONDS = Histogram(
    "wms_http_request_seconds", "Time to answer an HTTP request", ["area"], buckets=FAST
)
SCANS = Counter(
    "wms_scans", "Station scans answered, by result and station role", ["result", "role"]
)
SCAN_SECONDS = Histogram(
    "wms_scan_seconds", "Time to answer a scan at the API edge", ["role"], buckets=FAST
)
PUSH_SECONDS = Histogram(
    "wms_push_seconds",
    "Time of one stock push request to a marketplace",
    ["marketplace"],
    buckets=FAST[4:] + (10.0, 30.0),
)
PUSHED_ITEMS = Counter(
    "wms_pushed_items",
    "Offers in stock pushes, by marketplace and outcome",
    ["marketplace", "outcome"],
)
JOB_SECONDS = Histogram(
    "wms_job_seconds", "Duration of scheduled job runs in this process", ["job"], buckets=SLOW
)


def scan_answered(result: str, role: str, seconds: float) -> None:
    """Count one answered scan (the web edge calls this)."""
    SCANS.labels(result=result, role=role).inc()
    SCAN_SECONDS.labels(role=role).observe(seconds)


def push_made(marketplace: str, seconds: float, outcomes: dict[str, int]) -> None:
    """Record one push request and what became of its offers."""
    PUSH_SECONDS.labels(marketplace=marketplace).observe(seconds)
    for outcome, n in outcomes.items():
        PUSHED_ITEMS.labels(marketplace=marketplace, outcome=outcome).inc(n)


def job_finished(job: str, ok: bool, seconds: float) -> None:
    """Record a job run's duration (runs and failures are counted in the database)."""
    JOB_SECONDS.labels(job=job).observe(seconds)


class DatabaseCollector(Collector):
    """Gauges and counters read from the database when scraped."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def collect(self) -> Iterator[Metric]:
        """Read the state; a database that cannot be read shows as `wms_database_up 0`."""
        from wms.services import monitoring

        up = GaugeMetricFamily("wms_database_up", "Whether /metrics could read the database")
        try:
            with self.db.reading() as session:
                state = monitoring.snapshot(session)
        except sa.exc.SQLAlchemyError:
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from _families(state)


def _families(state: Any) -> Iterator[Metric]:
    now: datetime = state.now
    depth = GaugeMetricFamily(
        "wms_outbox_pending", "Outbox rows waiting, per marketplace", labels=["marketplace"]
    )
    age = GaugeMetricFamily(
        "wms_outbox_oldest_age_seconds",
        "Age of the oldest waiting outbox row, per marketplace",
        labels=["marketplace"],
    )
    parked = GaugeMetricFamily(
        "wms_outbox_parked", "Outbox rows parked for a person", labels=["marketplace"]
    )
    for lane in state.outbox:
        depth.add_metric([lane.marketplace], lane.pending)
        oldest = 0.0 if lane.oldest is None else max(0.0, (now - lane.oldest).total_seconds())
        age.add_metric([lane.marketplace], oldest)
        parked.add_metric([lane.marketplace], lane.parked)
    yield from (depth, age, parked)
    stations = GaugeMetricFamily(
        "wms_stations_online", "Stations heard from in the last minute, by role", labels=["role"]
    )
    for role, n in sorted(state.stations_online.items()):
        stations.add_metric([role], n)
    yield stations
    runs = CounterMetricFamily("wms_job_runs", "Job runs (all workers)", labels=["job"])
    failures = CounterMetricFamily("wms_job_failures", "Failed job runs", labels=["job"])
    failing = GaugeMetricFamily(
        "wms_job_failing", "1 while a job's last run failed (retrying)", labels=["job"]
    )
    last_ok = GaugeMetricFamily(
        "wms_job_last_success_timestamp_seconds", "When a job last succeeded", labels=["job"]
    )
    for job in state.jobs:
        runs.add_metric([job.name], job.runs)
        failures.add_metric([job.name], job.failures)
        failing.add_metric([job.name], 1 if job.last_status == "failed" else 0)
        if job.last_ok_at is not None:
            last_ok.add_metric([job.name], job.last_ok_at.timestamp())
    yield from (runs, failures, failing, last_ok)
    alarms = GaugeMetricFamily("wms_alarms_open", "Open alarms, by kind", labels=["kind"])
    for kind, n in sorted(state.alarms.items()):
        alarms.add_metric([kind], n)
    yield alarms
    beats = GaugeMetricFamily(
        "wms_worker_heartbeat_age_seconds",
        "Seconds since the freshest heartbeat of each worker kind",
        labels=["kind"],
    )
    for kind, at in sorted(state.heartbeats.items()):
        beats.add_metric([kind], max(0.0, (now - at).total_seconds()))
    yield beats


def exposition(db: Database) -> tuple[bytes, str]:
    """The text to serve: this process's (or all processes') events plus the database state."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
        registry.register(DatabaseCollector(db))
        return generate_latest(registry), CONTENT_TYPE_LATEST
    registry.register(DatabaseCollector(db))
    return generate_latest(REGISTRY) + generate_latest(registry), CONTENT_TYPE_LATEST
