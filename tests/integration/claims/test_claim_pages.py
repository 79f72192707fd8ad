"""Claims queue and claim page: filters, merchant isolation, forms with CSRF, refusals."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from tests.conftest import snapshot
from tests.integration.claims.conftest import claim_row
from tests.integration.dashboard.pages import csrf, logged_in
from tests.integration.test_scan_flows import HEADPHONES, receive
from wms.db.models import Claim, OutboxMessage
from wms.domain.claims import ClaimState

COMMENT = "Покупатель вернул другой товар, фото приложены"


def shortage_id(database: Any) -> int:
    with database.reading() as s:
        return int(s.execute(sa.select(Claim.id).where(Claim.external_id.is_(None))).scalar_one())


def post(client: Any, url: str, page: str, data: dict[str, Any]) -> Any:
    return client.post(url, data={"csrf_token": csrf(client, page), **data})


def test_queue_filters_and_claim_page(
    app: Any, station: Any, database: Any, wb_claim_id: int
) -> None:
    receive(station("receipt"), "512345678", HEADPHONES)
    client = logged_in(app, "supervisor")
    page = client.get("/claims").get_data(as_text=True)
    assert page.count('data-claim="CL-') == 2
    page = client.get("/claims?marketplace=wildberries").get_data(as_text=True)
    assert page.count('data-claim="CL-') == 1
    page = client.get("/claims?state=draft&merchant=ALTYN").get_data(as_text=True)
    assert page.count('data-claim="CL-') == 1
    assert "черновик" in page  # state names in the page's language (ru by default)
    assert client.get("/claims?state=lost").status_code == 400
    assert client.get("/claims?due=overdue").get_data(as_text=True).count('data-claim="') == 0

    page = client.get(f"/claims/{wb_claim_id}").get_data(as_text=True)
    assert "https://photos.wbstatic.net/claim/1.webp" in page
    assert 'value="rejectcustom"' in page
    assert "15990.00 ₸" in page
    pdf = client.get(f"/claims/{wb_claim_id}/pack.pdf")
    assert pdf.status_code == 200
    assert pdf.data.startswith(b"%PDF")


def test_a_merchant_sees_and_answers_only_its_own_claims(
    app: Any, station: Any, database: Any, wb_claim_id: int
) -> None:
    koktem, altyn = logged_in(app, "koktem"), logged_in(app, "altyn")
    assert 'data-claim="' not in koktem.get("/claims").get_data(as_text=True)
    assert koktem.get(f"/claims/{wb_claim_id}").status_code == 404
    before = snapshot(database)
    refused = post(koktem, f"/claims/{wb_claim_id}/answer", "/claims", {"action": "approve1"})
    assert refused.status_code == 404
    assert snapshot(database) == before

    page = f"/claims/{wb_claim_id}"
    short = post(altyn, f"{page}/answer", page, {"action": "rejectcustom", "comment": "нет"})
    assert short.status_code == 303
    assert "Комментарий должен быть от 10 до 1000 символов" in altyn.get(page).get_data(
        as_text=True
    )
    assert snapshot(database) == before
    # The merchant portal shows no staff actions.
    assert 'data-action="submit"' not in altyn.get(page).get_data(as_text=True)
    assert post(altyn, f"{page}/act", page, {"action": "close"}).status_code == 403

    done = post(altyn, f"{page}/answer", page, {"action": "rejectcustom", "comment": COMMENT})
    assert done.status_code == 303
    assert claim_row(database, wb_claim_id).state is ClaimState.REJECTED
    with database.reading() as s:
        payload = s.execute(
            sa.select(OutboxMessage.payload).where(OutboxMessage.topic == "claim.answer")
        ).scalar_one()
    assert payload["comment"] == COMMENT


def test_staff_actions_refuse_bad_amounts_in_the_users_language(
    app: Any, station: Any, database: Any, demo: Any
) -> None:
    receive(station("receipt"), "512345678", HEADPHONES)
    claim_id = shortage_id(database)
    client = logged_in(app, "supervisor")
    page = f"/claims/{claim_id}"
    assert post(client, f"{page}/act", page, {"action": "submit"}).status_code == 303
    claimed = claim_row(database, claim_id).claimed_tiyn
    before = snapshot(database)
    too_much = f"{claimed // 100 + 1}.00"
    post(client, f"{page}/act", page, {"action": "approve_partially", "amount": too_much})
    assert "больше нуля и меньше" in client.get(page).get_data(as_text=True)
    post(client, f"{page}/act", page, {"action": "settle"})
    assert "действие «закрыть с возмещением» невозможно" in client.get(page).get_data(as_text=True)
    post(client, f"{page}/act", page, {"action": "approve_partially", "amount": "abc"})
    assert "не распознана" in client.get(page).get_data(as_text=True)
    assert snapshot(database) == before
    # Without the CSRF token nothing happens.
    assert client.post(f"{page}/act", data={"action": "close"}).status_code == 400
    assert snapshot(database) == before

    half = f"{claimed // 200}.00"
    post(client, f"{page}/act", page, {"action": "approve_partially", "amount": half})
    claim = claim_row(database, claim_id)
    assert claim.state is ClaimState.PARTIALLY_APPROVED
    assert claim.offered_tiyn == claimed // 200 * 100
    line = claim.lines[0]
    post(client, f"{page}/lines/{line.id}", page, {"op": "split", "qty": "1"})
    assert len(claim_row(database, claim_id).lines) == 2


def test_kpis_by_marketplace_reason_and_merchant(
    app: Any, station: Any, database: Any, wb_claim_id: int
) -> None:
    receive(station("receipt"), "512345678", HEADPHONES)
    client = logged_in(app, "supervisor")
    page = client.get("/claims/kpis").get_data(as_text=True)
    assert 'data-group="wildberries"' in page
    assert 'data-group="kaspi"' in page
    page = client.get("/claims/kpis?by=reason").get_data(as_text=True)
    assert 'data-group="buyer_claim"' in page
    assert "недостача" not in page  # reasons, not origins
    assert "не доставлен" in page
    assert client.get("/claims/kpis?by=colour").status_code == 400
    koktem = logged_in(app, "koktem").get("/claims/kpis?by=merchant").get_data(as_text=True)
    assert 'data-group="ALTYN"' not in koktem
