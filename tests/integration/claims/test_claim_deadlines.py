"""Claim deadlines: the worker's job reminds merchants; overdue claims show on the floor page."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from tests.integration.claims.conftest import import_claim, wb_claim
from tests.integration.dashboard.pages import logged_in
from tests.integration.test_scan_flows import HEADPHONES, receive
from wms.db.models import Claim, JobState, OutboxMessage
from wms.jobs.registry import JOBS
from wms.jobs.worker import Worker
from wms.services.claims_deadlines import remind
from wms.services.crypto import SecretBox
from wms.services.uow import UnitOfWork, execute


def reminders(db: Any) -> list[dict[str, Any]]:
    with db.reading() as s:
        rows = s.execute(
            sa.select(OutboxMessage.payload)
            .where(OutboxMessage.topic == "merchant.claim_due")
            .order_by(OutboxMessage.id)
        ).scalars()
        return list(rows)


def test_the_worker_reminds_due_and_overdue_claims_once_per_period(
    app: Any, station: Any, settings: Any
) -> None:
    db = app.extensions["wms"].db
    now = datetime.now(UTC)
    overdue_id, _ = import_claim(db, wb_claim("overdue-1", answer_due_at=now - timedelta(hours=1)))
    import_claim(db, wb_claim("later-1", answer_due_at=now + timedelta(days=5)))
    settled_id, _ = import_claim(db, wb_claim("done-1", answer_due_at=now - timedelta(days=1)))
    receive(station("receipt"), "512345678", HEADPHONES)  # a draft, ours to file in 72 h
    with UnitOfWork(db) as uow:
        uow.session.execute(
            sa.update(Claim)
            .where(Claim.external_id.is_(None))
            .values(due_at=now + timedelta(hours=2))
        )
        uow.session.execute(sa.update(Claim).where(Claim.id == settled_id).values(state="closed"))
        uow.commit()

    off = {job.name: "off" for job in JOBS}
    cfg = settings.with_overrides(
        jobs={"tick_seconds": 0.05, "schedule": {**off, "claim_deadlines": "every 1s"}}
    )
    worker = Worker(db, cfg, SecretBox(cfg), name="t", sync=False)
    worker.start()
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and len(reminders(db)) < 2:
            time.sleep(0.1)
    finally:
        worker.stop()
    sent = reminders(db)
    assert sorted((r["overdue"], r["state"]) for r in sent) == [
        (False, "draft"),
        (True, "under_review"),
    ]
    assert all(r["merchant_id"] for r in sent)
    with db.reading() as s:
        job = s.get(JobState, "claim_deadlines")
    assert job is not None
    # Within the repeat period nothing is sent again.
    assert execute(db, remind).reminded == []
    assert len(reminders(db)) == 2

    page = logged_in(app, "supervisor").get("/floor").get_data(as_text=True)
    assert 'id="overdue-claims"' in page
    overdue_number = next(r["claim"] for r in sent if r["overdue"])
    assert overdue_number in page
    assert f"/claims/{overdue_id}" in page
