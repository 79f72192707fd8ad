"""Claim cases through the services on SQLite and PostgreSQL: sources, life cycle, answers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from tests.conftest import snapshot
from tests.integration.claims.conftest import (
    SUPERVISOR,
    claim_row,
    import_claim,
    merchant_actor,
    wb_claim,
)
from tests.integration.test_scan_flows import CASE, HEADPHONES, inspect, receive
from wms.db.models import AuditEvent, BillableEvent, Claim, Merchant, OutboxMessage, Unit
from wms.domain.claims import ClaimAction, ClaimOrigin, ClaimReason, ClaimState, Remedy
from wms.domain.errors import IllegalTransition, InvalidInput, NotFound
from wms.services import claims as claim_service
from wms.services.claims import LineSpec, to_tiyn
from wms.services.uow import UnitOfWork


def claims_of(database: Any) -> list[Claim]:
    with database.reading() as s:
        rows = s.execute(sa.select(Claim).order_by(Claim.id)).scalars().all()
        for row in rows:
            _ = list(row.lines)
        return list(rows)


def test_swapped_item_at_inspection_and_a_shortage_at_receipt_propose_claims(
    station: Any, database: Any, demo: dict[str, Any]
) -> None:
    # Announced: headphones + 2 cases; only the headphones come, and they are someone else's.
    (lpn,) = receive(station("receipt"), "512345678", HEADPHONES)
    (shortage,) = claims_of(database)
    assert shortage.origin is ClaimOrigin.RECEIPT_SHORTAGE
    assert shortage.reason is ClaimReason.NOT_DELIVERED
    assert shortage.state is ClaimState.DRAFT
    assert [(ln.sku, ln.qty) for ln in shortage.lines] == [("ALT-PC-03", 2)]
    assert shortage.claimed_tiyn == shortage.lines[0].claimed_tiyn > 0
    assert shortage.due_at is not None

    inspect(station("inspection"), lpn, ["WRONG-ITEM"], "GRADE-NON-RETURNABLE")
    proposed = claims_of(database)[1]
    with database.reading() as s:
        unit = s.execute(sa.select(Unit).where(Unit.lpn == lpn)).scalar_one()
        topics = s.execute(sa.select(OutboxMessage.topic)).scalars().all()
    assert proposed.origin is ClaimOrigin.INSPECTION
    assert proposed.reason is ClaimReason.SWAPPED_ITEM
    assert proposed.return_order_id == unit.return_order_id
    assert [(ln.unit_id, ln.remedy) for ln in proposed.lines] == [
        (unit.id, Remedy.COMPENSATION_NO_RETURN)
    ]
    assert proposed.claimed_tiyn == to_tiyn(unit.value)
    assert topics.count("merchant.claim_proposed") == 2


def test_nothing_is_proposed_for_a_clean_grade(station: Any, database: Any, demo: Any) -> None:
    # Everything announced arrived; a damaged box on a defective return is no carrier's fault.
    lpns = receive(station("receipt"), "512345678", HEADPHONES, CASE, CASE)
    inspect(station("inspection"), lpns[0], ["PKG-DAMAGED", "NOT-WORKING"], "GRADE-REPAIR")
    assert claims_of(database) == []


def open_manual(database: Any, actor: Any, lpn: str, amount: int = 500_000) -> int:
    with UnitOfWork(database) as uow:
        unit = claim_service_unit(uow, lpn)
        merchant = uow.session.get(Merchant, unit.merchant_id)
        claim = claim_service.open_claim(
            uow,
            actor,
            merchant,
            [LineSpec(claimed_tiyn=amount, qty=1, unit=unit, product=unit.product)],
            reason=ClaimReason.DAMAGED_IN_TRANSIT,
            order=unit.order,
        )
        uow.commit()
        return claim.id


def claim_service_unit(uow: UnitOfWork, lpn: str) -> Unit:
    from wms.services.units import get_unit

    return get_unit(uow.session, lpn, SUPERVISOR)


def run(database: Any, claim_id: int, fn: Any, *args: Any, **kw: Any) -> Claim:
    with UnitOfWork(database) as uow:
        claim = claim_service.get_claim(uow.session, claim_id, SUPERVISOR)
        fn(uow, SUPERVISOR, claim, *args, **kw)
        uow.commit()
    return claim_row(database, claim_id)


def test_a_claim_by_hand_through_partial_approval_split_and_partial_closure(
    station: Any, database: Any, demo: dict[str, Any]
) -> None:
    lpns = receive(station("receipt"), "512345678", HEADPHONES, CASE, CASE)
    claim_id = open_manual(database, SUPERVISOR, lpns[0], 300_000)
    with pytest.raises(InvalidInput) as err:  # the same unit cannot be on two open claims
        open_manual(database, SUPERVISOR, lpns[0])
    assert err.value.message_key == "claim.unit_taken"
    claim = run(database, claim_id, claim_service.act, ClaimAction.SUBMIT)
    assert claim.state is ClaimState.SUBMITTED
    assert claim.submitted_at is not None
    line_id = claim.lines[0].id
    with pytest.raises(InvalidInput):  # one piece cannot be split
        run(database, claim_id, claim_service.split_line, line_id, 1)
    claim = run(
        database,
        claim_id,
        claim_service.act,
        ClaimAction.APPROVE_PARTIALLY,
        offers={line_id: 120_000},
    )
    assert (claim.state, claim.offered_tiyn) == (ClaimState.PARTIALLY_APPROVED, 120_000)
    before = snapshot(database)
    with pytest.raises(InvalidInput) as err:
        run(database, claim_id, claim_service.record_recovery, line_id, 300_001)
    assert "3000.01" in err.value.render("ru")
    assert snapshot(database) == before
    claim = run(database, claim_id, claim_service.record_recovery, line_id, 120_000)
    claim = run(database, claim_id, claim_service.close_line, line_id)
    assert claim.state is ClaimState.SETTLED
    assert (claim.claimed_tiyn, claim.recovered_tiyn) == (300_000, 120_000)
    claim = run(database, claim_id, claim_service.act, ClaimAction.REOPEN)
    assert claim.state is ClaimState.UNDER_REVIEW
    assert claim.recovered_tiyn == 120_000
    with database.reading() as s:
        timeline = s.execute(
            sa.select(AuditEvent.action, AuditEvent.to_state)
            .where(AuditEvent.entity == "claim", AuditEvent.entity_id == claim_id)
            .order_by(AuditEvent.id)
        ).all()
    assert [a for a, _ in timeline] == [
        "open",
        "submit",
        "approve_partially",
        "record_recovery",
        "close_line",
        "reopen",
    ]


def test_split_line_of_a_shortage_claim(station: Any, database: Any, demo: Any) -> None:
    receive(station("receipt"), "512345678", HEADPHONES)
    (claim,) = claims_of(database)
    line = claim.lines[0]
    claim = run(database, claim.id, claim_service.split_line, line.id, 1)
    assert [ln.qty for ln in claim.lines] == [1, 1]
    assert sum(ln.claimed_tiyn for ln in claim.lines) == claim.claimed_tiyn == line.claimed_tiyn
    assert claim.lines[1].split_from_id == line.id


def test_another_merchants_unit_or_claim_is_refused(
    station: Any, database: Any, demo: dict[str, Any]
) -> None:
    (lpn,) = receive(station("receipt"), "512345678", HEADPHONES)
    koktem = merchant_actor(database, "KOKTEM")
    before = snapshot(database)
    with pytest.raises(NotFound):
        open_manual(database, koktem, lpn)
    (shortage,) = claims_of(database)
    with UnitOfWork(database) as uow, pytest.raises(NotFound) as err:
        claim_service.get_claim(uow.session, shortage.id, koktem)
    assert err.value.render("kk").endswith("талабы табылмады")
    assert snapshot(database) == before


def test_import_is_idempotent_and_updates_status(database: Any, wb_claim_id: int) -> None:
    claim = claim_row(database, wb_claim_id)
    assert claim.state is ClaimState.UNDER_REVIEW
    assert claim.external_actions == ["autorefund1", "approve1", "rejectcustom"]
    assert claim.media == ["https://photos.wbstatic.net/claim/1.webp"]
    assert claim.claimed_tiyn == 1_599_000
    again, created = import_claim(database, wb_claim())
    assert (again, created) == (wb_claim_id, False)
    _, _ = import_claim(
        database, wb_claim(external_status="1", outcome=ClaimAction.REJECT, actions=[])
    )
    claim = claim_row(database, wb_claim_id)
    assert claim.state is ClaimState.REJECTED
    assert claim.external_status == "1"
    assert len(claims_of(database)) == 1


@pytest.mark.parametrize(
    ("action", "comment", "key"),
    [
        ("approve2", None, "claim.action_not_allowed"),
        ("rejectcustom", "коротко", "claim.comment_length"),
        ("rejectcustom", "x" * 1001, "claim.comment_length"),
    ],
)
def test_bad_answers_change_nothing(
    database: Any, wb_claim_id: int, action: str, comment: str | None, key: str
) -> None:
    before = snapshot(database)
    with UnitOfWork(database) as uow:
        claim = claim_service.get_claim(uow.session, wb_claim_id, SUPERVISOR)
        with pytest.raises(InvalidInput) as err:
            claim_service.answer(uow, SUPERVISOR, claim, action, comment=comment)
    assert err.value.message_key == key
    assert snapshot(database) == before


def test_an_answer_moves_the_claim_and_queues_it_for_the_marketplace(
    database: Any, wb_claim_id: int
) -> None:
    altyn = merchant_actor(database, "ALTYN")
    comment = "Товар был исправен при отправке, видео упаковки приложено"
    with UnitOfWork(database) as uow:
        claim = claim_service.get_claim(uow.session, wb_claim_id, altyn)
        claim_service.answer(uow, altyn, claim, "rejectcustom", comment=comment)
        uow.commit()
    claim = claim_row(database, wb_claim_id)
    assert claim.state is ClaimState.REJECTED
    assert claim.last_answer["action"] == "rejectcustom"
    with database.reading() as s:
        (row,) = s.execute(
            sa.select(OutboxMessage).where(OutboxMessage.topic == "claim.answer")
        ).scalars()
    assert row.payload["external_id"] == claim.external_id
    assert row.payload["comment"] == comment
    assert row.payload["account_id"] == claim.account_id
    # An answered claim is not answered twice by the life cycle.
    with UnitOfWork(database) as uow:
        answered = claim_service.get_claim(uow.session, claim.id, altyn)
        with pytest.raises(IllegalTransition):
            claim_service.act(uow, altyn, answered, ClaimAction.SUBMIT)


def test_a_claim_without_a_marketplace_id_cannot_be_answered(
    station: Any, database: Any, demo: Any
) -> None:
    receive(station("receipt"), "512345678", HEADPHONES)
    (shortage,) = claims_of(database)
    with UnitOfWork(database) as uow:
        claim = claim_service.get_claim(uow.session, shortage.id, SUPERVISOR)
        with pytest.raises(InvalidInput) as err:
            claim_service.answer(uow, SUPERVISOR, claim, "approve1")
    assert err.value.message_key == "claim.not_marketplace"


@pytest.mark.parametrize(
    ("path", "unit_after"),
    [
        ((ClaimAction.APPROVE, ClaimAction.SETTLE), "claim_settled"),
        ((ClaimAction.REJECT, ClaimAction.CLOSE), "awaiting_decision"),
    ],
)
def test_the_units_follow_their_claim(
    station: Any, database: Any, demo: Any, path: tuple[ClaimAction, ...], unit_after: str
) -> None:
    lpn = receive(station("receipt"), "512345678", HEADPHONES, CASE, CASE)[0]
    inspect(station("inspection"), lpn, ["WRONG-ITEM"], "GRADE-NON-RETURNABLE")
    (claim,) = claims_of(database)

    def unit_state() -> str:
        with database.reading() as s:
            return s.execute(sa.select(Unit.state).where(Unit.lpn == lpn)).scalar_one().value

    assert unit_state() == "awaiting_decision"
    run(database, claim.id, claim_service.act, ClaimAction.SUBMIT)
    assert unit_state() == "claimed"  # filing the case is the decision to claim
    for action in path:
        run(database, claim.id, claim_service.act, action)
    assert unit_state() == unit_after
    with database.reading() as s:
        billed = s.execute(
            sa.select(BillableEvent.amount, BillableEvent.ref).where(
                BillableEvent.service == "claim_handling"
            )
        ).all()
    settled = claim_row(database, claim.id)
    if unit_after == "claim_settled":  # a won claim is billed on what it recovered
        assert billed == [(Decimal(settled.recovered_tiyn) / 100, settled.number)]
    else:
        assert billed == []
