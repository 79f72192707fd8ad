"""The built-in jobs doing their work with nobody typing a command: default decisions after
the SLA, the Kaspi-feed watchdog, retention."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from tests.integration.dashboard import scenario
from wms.db.models import (
    Alarm,
    AuditEvent,
    ExceptionStatus,
    FeedFetch,
    FloorException,
    JobState,
    MarketplaceAccount,
    Merchant,
    OutboxMessage,
    ScanEvent,
    Unit,
)
from wms.domain.returns import Marketplace
from wms.domain.units import UnitState
from wms.jobs.registry import JOBS
from wms.jobs.worker import Worker
from wms.services import retention, watchdog
from wms.services.crypto import SecretBox
from wms.services.uow import UnitOfWork, execute


def _only(settings: Any, **schedules: str) -> Any:
    off = {job.name: "off" for job in JOBS}
    return settings.with_overrides(jobs={"tick_seconds": 0.05, "schedule": {**off, **schedules}})


def test_the_worker_applies_the_default_decision_after_the_sla(
    app: Any, demo: Any, settings: Any
) -> None:
    db = app.extensions["wms"].db
    with db.reading() as s:
        merchants = dict(s.execute(sa.select(Merchant.code, Merchant.id)).all())
    world = scenario.build(db, merchants)  # KOKTEM's unit B waits for a decision
    lpn = world.lpns["B"]
    with UnitOfWork(db) as uow:
        uow.session.execute(
            sa.update(Merchant).where(Merchant.code == "KOKTEM").values(default_decision="dispose")
        )
        uow.session.execute(
            sa.update(Unit)
            .where(Unit.lpn == lpn)
            .values(decision_due_at=datetime.now(UTC) + timedelta(seconds=1))
        )
        uow.commit()
    cfg = _only(settings, default_decisions="every 1s")
    worker = Worker(db, cfg, SecretBox(cfg), name="t", sync=False)
    worker.start()
    try:
        deadline = time.monotonic() + 20
        state = UnitState.AWAITING_DECISION
        while time.monotonic() < deadline and state is UnitState.AWAITING_DECISION:
            time.sleep(0.1)
            with db.reading() as s:
                state = s.execute(sa.select(Unit.state).where(Unit.lpn == lpn)).scalar_one()
    finally:
        worker.stop()
    assert state is UnitState.DISPOSED
    with db.reading() as s:
        unit_id = s.execute(sa.select(Unit.id).where(Unit.lpn == lpn)).scalar_one()
        event = s.execute(
            sa.select(AuditEvent)
            .where(AuditEvent.entity == "unit", AuditEvent.entity_id == unit_id)
            .order_by(AuditEvent.id.desc())
            .limit(1)
        ).scalar_one()
        job = s.get(JobState, "default_decisions")
    assert event.actor == "system"
    assert event.created_at >= datetime.now(UTC) - timedelta(seconds=30)
    assert job.runs >= 1
    assert job.last_status == "ok"


def _kaspi_account(db: Any) -> MarketplaceAccount:
    with db.reading() as s:
        return (
            s.execute(
                sa.select(MarketplaceAccount)
                .where(MarketplaceAccount.marketplace == Marketplace.KASPI)
                .order_by(MarketplaceAccount.id)
                .limit(1)
            )
            .scalars()
            .one()
        )


def test_a_silent_kaspi_feed_raises_one_alarm_and_a_fetch_clears_it(app: Any, demo: Any) -> None:
    db = app.extensions["wms"].db
    account = _kaspi_account(db)
    now = datetime.now(UTC)
    with UnitOfWork(db) as uow:
        uow.session.execute(
            sa.update(MarketplaceAccount).values(created_at=now - timedelta(hours=5))
        )
        uow.session.add(
            FeedFetch(account_id=account.id, created_at=now - timedelta(hours=3), status=200)
        )
        uow.commit()
    first = execute(db, watchdog.watch_kaspi_feeds, 2)
    assert account.name in first.raised
    again = execute(db, watchdog.watch_kaspi_feeds, 2)
    assert again.raised == []  # one alarm per silence, not one per run
    with db.reading() as s:
        alarms = s.execute(sa.select(Alarm).where(Alarm.cleared_at.is_(None))).scalars().all()
        hooks = s.execute(
            sa.select(OutboxMessage.topic, OutboxMessage.payload).where(
                OutboxMessage.topic.like("merchant.kaspi_feed%")
            )
        ).all()
    assert len(alarms) == first.open
    assert any(a.subject == f"account:{account.id}" for a in alarms)
    stale = [p for t, p in hooks if t == "merchant.kaspi_feed_stale"]
    assert any(p["account"] == account.name for p in stale)
    assert all(p["merchant_id"] for p in stale)
    # the dashboard shows it
    from tests.integration.dashboard.pages import logged_in

    page = logged_in(app, "supervisor").get("/sync").get_data(as_text=True)
    assert "Kaspi" in page
    assert account.name in page
    with UnitOfWork(db) as uow:
        uow.session.add(FeedFetch(account_id=account.id, created_at=now, status=200))
        uow.commit()
    cleared = execute(db, watchdog.watch_kaspi_feeds, 2)
    assert account.name in cleared.cleared
    with db.reading() as s:
        restored = s.execute(
            sa.select(sa.func.count()).where(OutboxMessage.topic == "merchant.kaspi_feed_restored")
        ).scalar_one()
    assert restored == 1


def test_retention_trims_old_answers_and_closed_exceptions_only(
    app: Any, demo: Any, settings: Any
) -> None:
    db = app.extensions["wms"].db
    old = datetime.now(UTC) - timedelta(days=400)
    answer = {
        "result": "ok",
        "prompt": {"ru": "Готово", "en": "Done", "kk": "Дайын"},
        "sound": "ok",
        "print": [{"kind": "unit", "lpn": "LPN0000000001"}],
        "context": {"unit": {"lpn": "LPN0000000001"}},
    }
    with UnitOfWork(db) as uow:
        station = uow.session.execute(sa.text("SELECT id FROM stations LIMIT 1")).scalar_one()
        for i, at in enumerate((old, datetime.now(UTC))):
            uow.session.add(
                ScanEvent(
                    station_id=station,
                    event_id=f"ev-{i}",
                    code="LPN0000000001",
                    kind="lpn",
                    scanned_at=at,
                    received_at=at,
                    result="ok",
                    response=answer,
                )
            )
        for status, resolved in (
            (ExceptionStatus.RESOLVED, old),
            (ExceptionStatus.RESOLVED, datetime.now(UTC)),
            (ExceptionStatus.OPEN, None),
        ):
            uow.session.add(
                FloorException(
                    kind="unknown_barcode",
                    status=status,
                    message="x",
                    resolved_at=resolved,
                    created_at=old,
                )
            )
        uow.commit()
    trimmed = execute(db, retention.trim, settings.retention, 0)
    assert trimmed.scan_answers == 1
    assert trimmed.closed_exceptions == 1
    with db.reading() as s:
        answers = dict(s.execute(sa.select(ScanEvent.event_id, ScanEvent.response)).all())
        left = s.execute(sa.select(FloorException.status)).scalars().all()
    assert answers["ev-0"]["print"] == []
    assert answers["ev-0"]["prompt"] == answer["prompt"]
    assert answers["ev-1"] == answer
    assert sorted(left) == [ExceptionStatus.OPEN, ExceptionStatus.RESOLVED]
    again = execute(db, retention.trim, settings.retention, trimmed.scan_cursor)
    assert again.scan_answers == 0
