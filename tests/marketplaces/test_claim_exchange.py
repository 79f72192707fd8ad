"""Claim adapters against the sandboxes: WB claims (list, answer), Ozon rFBS requests (list, get,
action/set, arbitration, compensation statuses), Kaspi ARRIVED_BACKWARD; requests checked
against the official specs on both ends (our recorder and the sandbox)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest

from tests.marketplaces.conftest import ContractRecorder, Control
from wms.adapters.marketplaces.base import PermanentError
from wms.adapters.marketplaces.claims import ALREADY, APPLIED, ClaimChannel, WildberriesClaims
from wms.adapters.marketplaces.kaspi import KaspiAdapter, KaspiCredentials
from wms.adapters.marketplaces.ozon_claims import OzonClaims
from wms.domain.claim_exchange import ClaimAnswer, ClaimVerdict, check_answer
from wms.domain.errors import InvalidInput
from wms.domain.returns import Marketplace
from wms.sandbox.kaspi_data import DEFAULT_MERCHANT_ID
from wms.sandbox.kaspi_data import DEFAULT_TOKEN as KASPI_TOKEN
from wms.sandbox.openapi import OpenApiContract
from wms.sandbox.ozon_data import DEFAULT_API_KEY, DEFAULT_CLIENT_ID
from wms.sandbox.server import SandboxHandle
from wms.sandbox.wb_data import DEFAULT_TOKEN as WB_TOKEN
from wms.sandbox.wb_data import OPEN_ACTIONS

WB = Marketplace.WILDBERRIES
OZON = Marketplace.OZON


@pytest.fixture
def wb_claims(wb: SandboxHandle) -> Iterator[tuple[WildberriesClaims, ContractRecorder]]:
    # The schema's own reading: `comment` is optional outside rejectcustom/approvecc1.
    recorder = ContractRecorder(OpenApiContract.for_wildberries())
    with httpx.Client(timeout=5, event_hooks={"request": [recorder]}) as http:
        claims = WildberriesClaims(WB_TOKEN, base_url=wb.url, client=http, page_size=7)
        yield claims, recorder
    assert not recorder.violations, recorder.violations


@pytest.fixture
def ozon_claims(ozon: SandboxHandle) -> Iterator[OzonClaims]:
    claims = OzonClaims(DEFAULT_CLIENT_ID, DEFAULT_API_KEY, base_url=ozon.url, timeout=5)
    yield claims
    claims.close()


def _seed_wb(control: Control, count: int, archived: int) -> None:
    claims: list[dict[str, Any]] = [
        {
            "id": f"00000000-0000-4000-8000-{i:012d}",
            "nm_id": 196_320_200 + i,
            "status": 0,
            "status_ex": 0,
            "age_hours": 1 + i,
            "photos": [f"//photos.wbbasket.ru/claims/{i}/1.webp"],
            "video_paths": [f"//photos.wbbasket.ru/claims/{i}/1.mp4"] if i % 2 else [],
            "actions": OPEN_ACTIONS,
            "price": 12_990,
        }
        for i in range(count)
    ]
    claims += [
        {"id": f"10000000-0000-4000-8000-{i:012d}", "is_archive": True, "age_hours": 50 + i}
        for i in range(archived)
    ]
    control.seed({"accounts": [{"token": WB_TOKEN, "claims": claims}]})


def test_wb_claims_open_and_archived_are_listed_page_by_page_with_media_and_actions(
    wb_claims: tuple[WildberriesClaims, ContractRecorder], wb_control: Control
) -> None:
    channel, recorder = wb_claims
    assert isinstance(channel, ClaimChannel)
    wb_control.reset()
    _seed_wb(wb_control, 20, 9)
    opened = list(channel.list_claims())
    archived = list(channel.list_claims(archived=True))
    ours = [c for c in opened if c.external_id.startswith("00000000-")]
    assert len(ours) == 20
    assert len({c.external_id for c in opened}) == len(opened)  # no page read twice
    assert len([c for c in archived if c.external_id.startswith("10000000-")]) == 9
    assert all(c.archived and not c.answerable for c in archived)
    first = next(c for c in ours if c.external_id.endswith("000000000001"))
    assert first.photos == ("//photos.wbbasket.ru/claims/1/1.webp",)
    assert first.videos == ("//photos.wbbasket.ru/claims/1/1.mp4",)
    assert [a.code for a in first.actions] == OPEN_ACTIONS
    assert first.price == Decimal("12990")
    assert first.verdict is ClaimVerdict.PENDING
    pages = [e for e in wb_control.log("GET /api/v1/claims")]
    assert {p["answer"] for p in pages} == {"200"}
    assert len(pages) >= 5  # 7 per page: the open claims took several pages
    assert recorder.seen


def test_wb_rejectcustom_is_applied_once_and_a_resend_reads_already(
    wb_claims: tuple[WildberriesClaims, ContractRecorder], wb_control: Control
) -> None:
    channel, _ = wb_claims
    wb_control.reset()
    _seed_wb(wb_control, 2, 0)
    claim = channel.get_claim("00000000-0000-4000-8000-000000000000")
    assert claim is not None
    answer = ClaimAnswer(WB, claim.external_id, "rejectcustom", "Фото не относится к товару")
    check_answer(claim, answer)
    assert channel.answer(answer) == APPLIED
    assert channel.answer(answer) == ALREADY  # a retry after a lost answer
    held = wb_control.http.get(f"/_sandbox/claims/{claim.external_id}").json()
    assert held["answers"] == [{"action": "rejectcustom", "comment": "Фото не относится к товару"}]
    assert held["actions"] == []
    assert held["status"] == 1
    after = channel.get_claim(claim.external_id)
    assert after is not None
    assert after.verdict is ClaimVerdict.REJECTED
    assert not after.answerable
    assert wb_control.requests()["counters"]["claims_answered"] == 1


@pytest.mark.parametrize(
    ("action", "comment", "why"),
    [
        ("approvecc1", None, "not one of the claim's actions"),
        ("rejectcustom", None, "comment is required"),
        ("rejectcustom", "коротко", "too short"),
        ("rejectcustom", "я" * 1001, "maxLength"),
        ("approve1", "Комментарий к одобрению", "not applicable"),
    ],
)
def test_the_wb_sandbox_refuses_what_wb_refuses_and_the_domain_refuses_it_first(
    wb_claims: tuple[WildberriesClaims, ContractRecorder],
    wb_control: Control,
    action: str,
    comment: str | None,
    why: str,
) -> None:
    channel, recorder = wb_claims
    wb_control.reset()
    _seed_wb(wb_control, 1, 0)
    claim = channel.get_claim("00000000-0000-4000-8000-000000000000")
    assert claim is not None
    answer = ClaimAnswer(WB, claim.external_id, action, comment)
    with pytest.raises(InvalidInput):
        check_answer(claim, answer)
    with pytest.raises(PermanentError):
        channel.answer(answer)
    recorder.violations.clear()  # the over-long/short comments break the schema on purpose
    log = wb_control.log("PATCH /api/v1/claim")
    assert [e["answer"] for e in log] == ["400"]
    assert why in str(log[0]["contract"])
    held = wb_control.http.get(f"/_sandbox/claims/{claim.external_id}").json()
    assert held.get("answers", []) == []
    assert held["actions"] == OPEN_ACTIONS


def test_ozon_rfbs_requests_are_read_and_compensated_with_an_amount(
    ozon_claims: OzonClaims, ozon_control: Control
) -> None:
    (claim,) = list(ozon_claims.list_claims())
    assert claim.sku == "OZ-004"
    assert claim.price == Decimal("15990")
    assert claim.photos == ("https://cdn.ozon.ru/rfbs/90000001/1.jpg",)
    assert {a.code for a in claim.actions} == {"1", "1020", "-1"}
    assert {r.id for r in claim.rejection_reasons} == {"1", "2", "3"}
    too_much = ClaimAnswer(OZON, claim.external_id, "1020", compensation_amount=Decimal("20000"))
    with pytest.raises(InvalidInput):
        check_answer(claim, too_much)
    answer = ClaimAnswer(OZON, claim.external_id, "1020", compensation_amount=Decimal("4500.50"))
    check_answer(claim, answer)
    assert ozon_claims.answer(answer) == APPLIED
    assert ozon_claims.answer(answer) == ALREADY
    held = ozon_control.http.get(f"/_sandbox/rfbs/{claim.external_id}").json()
    assert held["answers"] == [
        {"compensation_amount": 4500.5, "id": 1020, "return_id": int(claim.external_id)}
    ]
    assert held["state"]["group_state"] == "Approved"
    assert list(ozon_claims.list_claims()) == []
    (closed,) = list(ozon_claims.list_claims(archived=True))
    assert closed.verdict is ClaimVerdict.APPROVED
    assert ozon_control.requests()["counters"]["rfbs_actions_applied"] == 1


def test_ozon_rejection_needs_a_reason_and_a_comment(
    ozon_claims: OzonClaims, ozon_control: Control
) -> None:
    (claim,) = list(ozon_claims.list_claims())
    bare = ClaimAnswer(OZON, claim.external_id, "-1")
    with pytest.raises(InvalidInput):
        check_answer(claim, bare)
    with pytest.raises(PermanentError):
        ozon_claims.answer(bare)
    reject = ClaimAnswer(OZON, claim.external_id, "-1", "Следы носки", rejection_reason_id="3")
    check_answer(claim, reject)
    assert ozon_claims.answer(reject) == APPLIED
    again = ozon_claims.get_claim(claim.external_id)
    assert again is not None
    assert again.verdict is ClaimVerdict.REJECTED
    assert again.marketplace_comment == "Следы носки"


def test_the_ozon_sandbox_checks_bodies_against_ozons_spec(ozon: SandboxHandle) -> None:
    headers = {"Client-Id": DEFAULT_CLIENT_ID, "Api-Key": DEFAULT_API_KEY}
    with httpx.Client(base_url=ozon.url, headers=headers, timeout=5) as http:
        assert http.post("/v2/returns/rfbs/list", json={"filter": {}}).status_code == 400
        assert http.post("/v2/returns/rfbs/get", json={"return_id": "x"}).status_code == 400
        wrong = {"return_id": 90000001, "id": 1020, "compensation": 5}
        answer = http.post("/v1/returns/rfbs/action/set", json=wrong)
        assert answer.status_code == 400
        assert "compensation" in answer.json()["message"]
        assert http.post("/v2/posting/fbs/arbitration", json={}).status_code == 400


def test_ozon_arbitration_opens_a_dispute_for_a_lost_posting_only(
    ozon_claims: OzonClaims, ozon_control: Control
) -> None:
    assert ozon_claims.open_arbitration(["30000999-0001-1"]) is True
    with pytest.raises(PermanentError):
        ozon_claims.open_arbitration(["30000999-0001-1"])  # already in arbitration
    with pytest.raises(PermanentError):
        ozon_claims.open_arbitration(["12345678-0001-1"])
    assert ozon_control.requests()["counters"]["arbitrations_opened"] == 1


def test_ozon_compensation_is_read_from_return_visual_statuses(
    ozon_claims: OzonClaims, ozon_control: Control
) -> None:
    ozon_control.seed(
        {
            "accounts": [
                {
                    "client_id": DEFAULT_CLIENT_ID,
                    "api_key": DEFAULT_API_KEY,
                    "returns": [
                        {"posting_number": "555-0001-1", "status": "ReturnCompensated"},
                        {"posting_number": "556-0001-1", "status": "WaitingCompensation"},
                    ],
                }
            ]
        }
    )
    found = {s.posting_number: s for s in ozon_claims.return_statuses(["555-0001-1", "556-0001-1"])}
    assert found["555-0001-1"].compensated
    assert found["555-0001-1"].visual_status == ("ReturnCompensated")
    assert not found["556-0001-1"].compensated


def test_kaspi_arrived_backward_only_from_cancelling_or_return_requested(
    kaspi: SandboxHandle, kaspi_control: Control
) -> None:
    orders = [
        {"code": "610000001", "status": "CANCELLING", "age_days": 2},
        {"code": "610000002", "status": "KASPI_DELIVERY_RETURN_REQUESTED", "age_days": 40},
        {"code": "610000003", "status": "COMPLETED", "age_days": 2},
    ]
    merchant = {"token": KASPI_TOKEN, "merchant_id": DEFAULT_MERCHANT_ID, "orders": orders}
    kaspi_control.seed({"merchants": [merchant]})
    adapter = KaspiAdapter(KaspiCredentials(KASPI_TOKEN), base_url=kaspi.url)
    ids = {o["attributes"]["code"]: o["id"] for o in _orders(adapter)}
    assert adapter.mark_arrived_backward(ids["610000001"], "610000001", None) == "applied"
    assert adapter.mark_arrived_backward(ids["610000001"], "610000001", None) == "already"
    assert adapter.mark_arrived_backward(ids["610000002"], "610000002", None) == "applied"
    assert adapter.mark_arrived_backward(ids["610000003"], "610000003", None) == "skipped:COMPLETED"
    with pytest.raises(PermanentError):
        adapter.mark_arrived_backward(ids["610000001"], "999", None)  # code of no order
    for code, writes in (("610000001", 1), ("610000002", 1), ("610000003", 0)):
        view = kaspi_control.http.get(f"/_sandbox/orders/{code}").json()
        assert len(view["writes"]) == writes
    adapter.close()


def _orders(adapter: KaspiAdapter) -> list[dict[str, Any]]:
    return [
        o for code in ("610000001", "610000002", "610000003") if (o := adapter.find_order(code))
    ]


def test_the_vendored_ozon_spec_is_the_official_file() -> None:
    import filecmp

    from wms.sandbox.openapi import (
        OZON_SPEC_FILE,
        SHARED_OZON_SPEC,
        VENDORED_SPEC_DIR,
        load_json_document,
    )

    vendored = VENDORED_SPEC_DIR / OZON_SPEC_FILE
    assert "/v1/returns/rfbs/action/set" in load_json_document(str(vendored))["paths"]
    if SHARED_OZON_SPEC.exists():  # the reference folder is only on development machines
        assert filecmp.cmp(vendored, SHARED_OZON_SPEC, shallow=False)
