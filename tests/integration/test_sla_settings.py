"""Every decision deadline comes from `[sla] decision_hours` (or the merchant's own SLA)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from tests.conftest import Station
from tests.integration.test_scan_flows import HEADPHONES, inspect, receive
from wms.db.models import Merchant, Unit
from wms.domain.grading import Decision
from wms.services import workflow
from wms.services.uow import SYSTEM, UnitOfWork
from wms.settings import Settings

HOURS = 7.5


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The test settings with an unusual decision SLA, so a default cannot pass for it."""
    return settings.with_overrides(sla={"decision_hours": HOURS})


@pytest.fixture
def app(settings: Settings) -> Iterator[Any]:
    """The application configured with those settings."""
    from wms import create_app

    application = create_app(settings)
    application.config["TESTING"] = True
    yield application
    application.extensions["wms"].db.dispose()


def due_after(database: Any, lpn: str) -> float:
    """How many hours after its last state change a unit's decision is due (to the second)."""
    with database.reading() as s:
        unit = s.execute(sa.select(Unit).where(Unit.lpn == lpn)).scalar_one()
        assert unit.decision_due_at is not None
        return round((unit.decision_due_at - unit.state_since).total_seconds()) / 3600


def test_grading_failed_repair_and_rejected_claim_use_the_configured_sla(
    app: Any, station: Any
) -> None:
    database = app.extensions["wms"].db
    receipt: Station = station("receipt")
    non_returnable, repaired, claimed = receive(receipt, "512345678", *[HEADPHONES] * 3)
    inspect(station("inspection"), non_returnable, ["WRONG-ITEM"], "GRADE-NON-RETURNABLE")
    assert due_after(database, non_returnable) == HOURS

    inspect(station("inspection"), repaired, ["NOT-WORKING"], "GRADE-REPAIR")
    repair: Station = station("repair")
    repair.ok("OP-0003")
    repair.ok(repaired)
    repair.ok("CMD:REPAIR-FAILED")
    assert due_after(database, repaired) == HOURS

    inspect(station("inspection"), claimed, ["WRONG-ITEM"], "GRADE-NON-RETURNABLE")
    with UnitOfWork(database) as uow:  # the application's settings travel with its database
        workflow.decide(uow, SYSTEM, claimed, Decision.CLAIM)
        workflow.settle_claim(uow, SYSTEM, claimed, compensated=False)
        uow.commit()
    assert due_after(database, claimed) == HOURS


def test_the_merchants_own_sla_wins(app: Any, station: Any) -> None:
    database = app.extensions["wms"].db
    with UnitOfWork(database) as uow:
        uow.session.execute(sa.update(Merchant).values(decision_sla_hours=30))
        uow.commit()
    (lpn,) = receive(station("receipt"), "512345678", HEADPHONES)
    inspect(station("inspection"), lpn, ["WRONG-ITEM"], "GRADE-NON-RETURNABLE")
    assert due_after(database, lpn) == 30
