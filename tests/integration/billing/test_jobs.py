"""The billing jobs of the worker: the nightly storage snapshot and the monthly invoice run."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa

from tests.integration.test_scan_flows import HEADPHONES, inspect, putaway, receive
from wms.db.models import BillableEvent, Invoice
from wms.jobs import tasks
from wms.jobs.base import JobContext
from wms.jobs.registry import JOBS, schedules
from wms.services.crypto import SecretBox


def _ctx(app: Any, slot: datetime) -> JobContext:
    wms = app.extensions["wms"]
    box = SecretBox(wms.settings)
    return JobContext(wms.db, wms.settings, box, slot, slot, "schedule", "test")


def test_jobs_are_registered_with_their_schedules(settings: Any) -> None:
    names = {job.name for job in JOBS}
    assert {"storage_snapshot", "billing_run"} <= names
    found = schedules(settings, {job.name: job for job in JOBS})
    assert found["billing_run"].cron == "30 2 1 * *"


def test_snapshot_then_monthly_run(app: Any, station: Any) -> None:
    (lpn,) = receive(station("receipt"), "512345678", HEADPHONES)
    inspect(station("inspection"), lpn, [], "GRADE-RESELLABLE")
    putaway(station("putaway"), lpn, "BIN-M-01-02")
    # 23:55 on 31 March in Almaty is 17:55 UTC.
    night = datetime(2026, 3, 31, 17, 55, tzinfo=UTC)
    first = tasks.storage_snapshot(_ctx(app, night))
    again = tasks.storage_snapshot(_ctx(app, night))
    db = app.extensions["wms"].db
    with db.reading() as session:
        stored = session.scalar(
            sa.select(sa.func.count()).where(BillableEvent.day == date(2026, 3, 31))
        )
    assert first["day"] == "2026-03-31"
    assert (
        stored == first["events"] == again["events"] == 2
    )  # the unit and its bin  # the second run added nothing
    result = tasks.billing_run(_ctx(app, datetime(2026, 3, 31, 20, 30, tzinfo=UTC)))  # 1 April
    assert result["period"] == "2026-03"
    with db.reading() as session:
        periods = set(session.scalars(sa.select(Invoice.period)))
    assert periods == {"2026-03"}
    assert result["drafts"] == 2  # both demo merchants
