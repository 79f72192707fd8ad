"""`wms claims import` against the WB and Ozon sandboxes: claim cases with media, actions and
amounts, idempotent; returns linked; answers delivered; Ozon compensation settles a case."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from click.testing import CliRunner

from tests.marketplaces.conftest import Control
from tests.sync.conftest import drain, make_worker, seed_demo, seed_sandboxes
from wms.cli import cli
from wms.db.models import Claim, MarketplaceAccount, ReturnOrder
from wms.domain.claims import ClaimState
from wms.domain.returns import Marketplace
from wms.services import claims as claim_service
from wms.services.claims_exchange import record_claims, track_ozon_compensation
from wms.services.claims_import import import_claims
from wms.services.crypto import SecretBox
from wms.services.returns_import import import_returns
from wms.services.uow import SYSTEM, UnitOfWork, execute

WB = Marketplace.WILDBERRIES


def _env(settings: Any) -> dict[str, str]:
    return {
        "WMS_DATABASE__URL": settings.database.url,
        "WMS_SERVER__SECRET_KEY": settings.server.secret_key,
        "WMS_MARKETPLACES__KASPI__ENABLED": "false",
        "WMS_MARKETPLACES__WILDBERRIES__BASE_URL": settings.marketplaces.wildberries.base_url,
        "WMS_MARKETPLACES__WILDBERRIES__TIME_SCALE": "50",
        "WMS_MARKETPLACES__OZON__BASE_URL": settings.marketplaces.ozon.base_url,
        "WMS_MARKETPLACES__OZON__TIME_SCALE": "100",
    }


def _claims(db: Any) -> dict[str, Claim]:
    with db.reading() as s:
        found = s.execute(sa.select(Claim).where(Claim.external_id.is_not(None))).scalars()
        return {c.external_id: c for c in found if c.external_id}


def _answer(uow: UnitOfWork, claim_id: int, action: str, **extra: Any) -> None:
    claim = claim_service.get_claim(uow.session, claim_id, SYSTEM)
    claim_service.answer(uow, SYSTEM, claim, action, **extra)


def test_claims_are_imported_answered_linked_and_compensated(
    database: Any, sync_settings: Any, wb_control: Control, ozon_control: Control
) -> None:
    seed_demo(database, sync_settings)
    seed_sandboxes(database, sync_settings, ("wildberries", wb_control), ("ozon", ozon_control))

    result = CliRunner().invoke(cli, ["claims", "import", "--json"], env=_env(sync_settings))
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    created = {r["account"]: r["created"] for r in report["accounts"]}
    assert created == {
        "ALTYN wildberries": 3,
        "KOKTEM wildberries": 3,
        "ALTYN ozon": 1,
        "KOKTEM ozon": 1,
    }
    claims = _claims(database)
    assert len(claims) == 8
    open_wb = [c for c in claims.values() if c.marketplace is WB and c.external_actions]
    assert len(open_wb) == 2
    first = open_wb[0]
    assert first.state is ClaimState.UNDER_REVIEW
    assert "rejectcustom" in first.external_actions
    assert len(first.media) == 3
    assert first.media[2].endswith(".mp4")
    assert first.claimed_tiyn == 1_499_000
    # WB already approved the other claims (goods travel back): their cases say so.
    assert {c.state for c in claims.values() if c.marketplace is WB and not c.external_actions} == {
        ClaimState.APPROVED
    }

    again = import_claims(database, sync_settings, SecretBox(sync_settings), record_claims)
    assert sum(r.created for r in again) == 0
    assert sum(r.updated for r in again) == 8
    assert len(_claims(database)) == 8

    # The goods of approved claims come back: the returns import announces them, and the next
    # claims import links each case to its return.
    import_returns(database, sync_settings, SecretBox(sync_settings), marketplace=WB)
    import_claims(database, sync_settings, SecretBox(sync_settings), record_claims, marketplace=WB)
    with database.reading() as s:
        linked = s.execute(
            sa.select(Claim.external_id, ReturnOrder.external_id).join(
                ReturnOrder, ReturnOrder.id == Claim.return_order_id
            )
        ).all()
    assert len(linked) == 4
    assert all(claim == order for claim, order in linked)

    # Answers: rejectcustom on a WB claim, a compensation with an amount on an Ozon request.
    ozon_case = next(c for c in claims.values() if c.marketplace is Marketplace.OZON)
    execute(database, _answer, first.id, "rejectcustom", comment="Фото не относится к товару")
    execute(database, _answer, ozon_case.id, "1020", amount_tiyn=450_050)
    worker = make_worker(database, sync_settings)
    try:
        drain(worker, database, timeout=60)
    finally:
        worker.close()
    held = wb_control.http.get(f"/_sandbox/claims/{first.external_id}").json()
    assert held["answers"] == [{"action": "rejectcustom", "comment": "Фото не относится к товару"}]
    rfbs = ozon_control.http.get(f"/_sandbox/rfbs/{ozon_case.external_id}").json()
    assert [a["compensation_amount"] for a in rfbs["answers"]] == [4500.5]
    answered = _claims(database)
    for case in (first, ozon_case):
        assert answered[case.external_id].last_answer["delivery"] == "applied"
        assert answered[case.external_id].last_answer["delivered_at"]

    # Ozon reports the posting's return as compensated: the other Ozon case settles with money.
    other = next(
        c for c in claims.values() if c.marketplace is Marketplace.OZON and c.id != ozon_case.id
    )
    posting = other.external_data["order_code"]
    with database.reading() as s:
        account = s.get(MarketplaceAccount, other.account_id)
        assert account is not None
        creds = SecretBox(sync_settings).decrypt_json(account.credentials_enc)
    ozon_control.seed(
        {
            "accounts": [
                {
                    "client_id": creds["client_id"],
                    "api_key": creds["api_key"],
                    "returns": [{"posting_number": posting, "status": "ReturnCompensated"}],
                }
            ]
        }
    )
    reports = track_ozon_compensation(database, sync_settings, SecretBox(sync_settings))
    assert sum(r.settled for r in reports) == 1, reports
    settled = _claims(database)[other.external_id]
    assert settled.state is ClaimState.SETTLED
    assert settled.recovered_tiyn > 0
