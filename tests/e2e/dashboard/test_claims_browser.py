"""The claim page in Chromium: a merchant answers a WB claim from the portal, a supervisor
files a draft; refusals show in Russian and nothing else happens."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from tests.e2e.dashboard.conftest import Site
from wms.db.models import Claim, Merchant, OutboxMessage
from wms.domain.claims import ClaimState

COMMENT = "Покупатель прислал фото другого товара; наш товар отправлен исправным"


def wb_claim(site: Site) -> tuple[int, str]:
    with site.db.reading() as s:
        claim_id, code = s.execute(
            sa.select(Claim.id, Merchant.code)
            .join(Merchant, Merchant.id == Claim.merchant_id)
            .where(Claim.external_id == "demo-wb-claim-1")
        ).one()
    return claim_id, code


def test_a_merchant_answers_a_wb_claim_rejectcustom_in_the_portal(site: Site, login: Any) -> None:
    claim_id, merchant = wb_claim(site)
    user, other = ("altyn", "koktem") if merchant == "ALTYN" else ("koktem", "altyn")
    portal = login(user)
    portal.go("/claims")
    portal.page.click(f"tr[data-claim] a[href='/claims/{claim_id}']")
    portal.page.wait_for_load_state("networkidle")
    assert "на рассмотрении" in portal.page.inner_text("#claim-state")
    assert portal.page.locator("#actions").count() == 0  # staff actions are not offered

    portal.page.select_option("#answer select[name=action]", "rejectcustom")
    portal.page.fill("#answer textarea[name=comment]", "коротко")
    portal.page.click("#answer button[type=submit]")
    portal.page.wait_for_load_state("networkidle")
    assert "Комментарий должен быть от 10 до 1000 символов" in portal.page.inner_text(".flash")
    assert "на рассмотрении" in portal.page.inner_text("#claim-state")

    portal.page.select_option("#answer select[name=action]", "rejectcustom")
    portal.page.fill("#answer textarea[name=comment]", COMMENT)
    portal.page.click("#answer button[type=submit]")
    portal.page.wait_for_load_state("networkidle")
    assert "отклонена" in portal.page.inner_text("#claim-state")
    assert COMMENT in portal.page.inner_text("#claim-timeline")
    portal.shot("claim-answered")
    assert portal.errors == []
    with site.db.reading() as s:
        payload = s.execute(
            sa.select(OutboxMessage.payload).where(
                OutboxMessage.topic == "claim.answer",
                OutboxMessage.key.like(f"claim.answer:{claim_id}:%"),
            )
        ).scalar_one()
    assert (payload["action"], payload["comment"]) == ("rejectcustom", COMMENT)

    stranger = login(other)
    response = stranger.go(f"/claims/{claim_id}")
    assert response.status == 404


def test_a_supervisor_submits_a_draft_and_gets_its_pack(site: Site, login: Any) -> None:
    with site.db.reading() as s:
        claim_id = (
            s.execute(sa.select(Claim.id).where(Claim.state == ClaimState.DRAFT).order_by(Claim.id))
            .scalars()
            .first()
        )
    assert claim_id is not None
    desk = login("supervisor")
    desk.go(f"/claims/{claim_id}")
    assert "черновик" in desk.page.inner_text("#claim-state")
    desk.page.click("#actions button[data-action=submit]")
    desk.page.wait_for_load_state("networkidle")
    assert "подана" in desk.page.inner_text("#claim-state")
    assert "зафиксирован при подаче" in desk.page.inner_text("main")
    pdf = desk.page.request.get(f"{site.url}/claims/{claim_id}/pack.pdf")
    assert pdf.ok
    assert pdf.body().startswith(b"%PDF")
    desk.shot("claim-submitted")
    assert desk.errors == []
