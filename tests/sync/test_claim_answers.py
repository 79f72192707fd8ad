"""Claim answers queued in the outbox reach the WB and Ozon sandboxes exactly once through the
sync worker, while the sandboxes answer 429, 5xx, time out, drop connections and lose answers
they applied; on SQLite and PostgreSQL."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from tests.marketplaces.conftest import Control
from tests.sync.conftest import drain, make_worker, rows_by_status, seed_demo, seed_sandboxes
from wms.db.models import MarketplaceAccount, OutboxMessage
from wms.domain.claim_exchange import ClaimAnswer
from wms.domain.returns import Marketplace
from wms.sandbox.wb_data import OPEN_ACTIONS
from wms.services.marketplace_writes import CLAIM_ANSWER, queue_claim_answer
from wms.services.sync.demo import sandbox_seeds
from wms.services.uow import UnitOfWork, execute

FAULTS = ["429", "500", "timeout", "lost", "503", "drop", "502", "lost", "429", "timeout"]
WB_CLAIMS = 12
OZON_REQUESTS = 6


def _uuid(i: int) -> str:
    return f"20000000-0000-4000-8000-{i:012d}"


@pytest.fixture
def accounts(database: Any, sync_settings: Any, wb_control: Control, ozon_control: Control) -> Any:
    """Demo accounts in the sandboxes, with open WB claims and new Ozon rFBS requests."""
    seed_demo(database, sync_settings)
    seed_sandboxes(database, sync_settings, ("wildberries", wb_control), ("ozon", ozon_control))
    with database.reading() as s:
        seeds = sandbox_seeds(s, sync_settings, "http://127.0.0.1:9")
        wb_id = (
            s.execute(
                sa.select(MarketplaceAccount.id).where(
                    MarketplaceAccount.marketplace == Marketplace.WILDBERRIES
                )
            )
            .scalars()
            .first()
        )
        ozon_id = (
            s.execute(
                sa.select(MarketplaceAccount.id).where(
                    MarketplaceAccount.marketplace == Marketplace.OZON
                )
            )
            .scalars()
            .first()
        )
    wb_account = next(a for a in seeds["wildberries"]["accounts"])
    claims = [
        {"id": _uuid(i), "status": 0, "status_ex": 0, "actions": OPEN_ACTIONS, "age_hours": 1}
        for i in range(WB_CLAIMS)
    ]
    wb_control.seed({"accounts": [{"token": wb_account["token"], "claims": claims}]})
    ozon_account = next(a for a in seeds["ozon"]["accounts"])
    requests = [
        {"return_id": 70_000_000 + i, "offer_id": "KKT-SC-01", "price": "8000"}
        for i in range(OZON_REQUESTS)
    ]
    ozon_control.seed(
        {
            "accounts": [
                {
                    "client_id": ozon_account["client_id"],
                    "api_key": ozon_account["api_key"],
                    "rfbs": requests,
                }
            ]
        }
    )
    return wb_id, ozon_id


def _answers() -> list[ClaimAnswer]:
    wb = Marketplace.WILDBERRIES
    out = [
        ClaimAnswer(wb, _uuid(i), "rejectcustom", f"Ответ номер {i}: фото не о товаре")
        if i % 3 == 0
        else ClaimAnswer(wb, _uuid(i), "approve2" if i % 3 == 1 else "autorefund1")
        for i in range(WB_CLAIMS)
    ]
    out += [
        ClaimAnswer(
            Marketplace.OZON,
            str(70_000_000 + i),
            "1020",
            compensation_amount=Decimal("1500.25") + i,
        )
        for i in range(OZON_REQUESTS)
    ]
    return out


def _queue(uow: UnitOfWork, wb_id: int, ozon_id: int, answers: list[ClaimAnswer]) -> int:
    queued = 0
    for answer in answers:
        account_id = wb_id if answer.marketplace is Marketplace.WILDBERRIES else ozon_id
        account = uow.session.get(MarketplaceAccount, account_id)
        assert account is not None
        queued += queue_claim_answer(uow, account, answer)
        queued += queue_claim_answer(uow, account, answer)  # a double click queues nothing
    return queued


def test_every_answer_is_applied_exactly_once_through_faults(
    database: Any, sync_settings: Any, accounts: Any, wb_control: Control, ozon_control: Control
) -> None:
    wb_id, ozon_id = accounts
    answers = _answers()
    worker = make_worker(database, sync_settings)
    try:
        drain(worker, database, timeout=60)  # the demo's opening stock first: faults hit answers
        assert execute(database, _queue, wb_id, ozon_id, answers) == len(answers)
        wb_control.faults(*FAULTS)
        ozon_control.faults(*FAULTS)
        drain(worker, database, timeout=120)
    finally:
        worker.close()

    assert rows_by_status(database).get("parked", 0) == 0
    for answer in answers[:WB_CLAIMS]:
        held = wb_control.http.get(f"/_sandbox/claims/{answer.external_id}").json()
        assert held["answers"] == [{"action": answer.action, "comment": answer.comment}]
    for answer in answers[WB_CLAIMS:]:
        held = ozon_control.http.get(f"/_sandbox/rfbs/{answer.external_id}").json()
        assert [a["compensation_amount"] for a in held["answers"]] == [
            float(answer.compensation_amount or 0)
        ]
    assert wb_control.requests()["counters"]["claims_answered"] == WB_CLAIMS
    assert ozon_control.requests()["counters"]["rfbs_actions_applied"] == OZON_REQUESTS
    # Every fault was met, and a lost answer was resent and read back as "already".
    for control in (wb_control, ozon_control):
        faults = control.requests()["faults"]
        assert faults.get("lost") == 2, faults
    assert worker.write_lane.sent["applied"] + worker.write_lane.sent["already"] == len(answers)
    assert worker.write_lane.sent["already"] >= 1
    with database.reading() as s:
        done = s.execute(
            sa.select(sa.func.count()).where(
                OutboxMessage.topic == CLAIM_ANSWER, OutboxMessage.status == "done"
            )
        ).scalar_one()
    assert done == len(answers)
