"""Buyer claims end to end through real processes, on SQLite and PostgreSQL: `wms claims import`
reads the WB and Ozon sandboxes, the merchant answers (the claim core's service, as the portal
does), and the worker process (`wms sync run`) delivers: the WB sandbox holds the rejectcustom
answer, the Ozon request is compensated with an amount; a claim answered approve2 is linked to
its return when the goods are received at the station."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from tests.e2e.sync.worker import ROOT, start_sync_worker, sync_env
from tests.marketplaces.conftest import Control
from wms.db.models import Claim, Product, ProductBarcode, ReturnOrder, Station
from wms.domain.claims import ClaimState
from wms.domain.returns import Marketplace
from wms.domain.station_session import StationRole
from wms.sandbox import ozon as ozon_sandbox
from wms.sandbox import wildberries as wb_sandbox
from wms.sandbox.server import SandboxHandle
from wms.services import claims as claim_service
from wms.services import receiving
from wms.services.sync.demo import sandbox_seeds
from wms.services.uow import SYSTEM, Actor, UnitOfWork, execute

pytestmark = pytest.mark.e2e
DEADLINE = 30.0
COMMENT = "Фото не относится к товару из заказа"


@pytest.fixture
def sandboxes(
    settings: Any, demo: dict[str, Any], database: Any
) -> Iterator[tuple[Control, Control]]:
    """The WB (strict contract) and Ozon sandboxes holding the demo's accounts and claims."""
    with (
        wb_sandbox.start_in_thread(strict_contract=True, seed={"accounts": []}) as wb,
        ozon_sandbox.start_in_thread(seed={"accounts": []}) as ozon,
    ):
        controls = Control(wb), Control(ozon)
        with database.reading() as s:
            seeds = sandbox_seeds(s, settings, "http://127.0.0.1:9")
        controls[0].seed(seeds["wildberries"])
        controls[1].seed(seeds["ozon"])
        yield controls
        for control in controls:
            control.close()


def _env(settings: Any, wb: SandboxHandle, ozon: SandboxHandle) -> dict[str, str]:
    return sync_env(settings, wildberries=wb.url, ozon=ozon.url)


def _wms(env: dict[str, str], *args: str) -> dict[str, Any]:
    command = [sys.executable, "-c", "from wms.cli import main; main()", *args]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return dict(json.loads(done.stdout)) if done.stdout.strip().startswith("{") else {}


def _answer(uow: UnitOfWork, claim_id: int, action: str, **extra: Any) -> None:
    claim = claim_service.get_claim(uow.session, claim_id, SYSTEM)
    claim_service.answer(uow, SYSTEM, claim, action, **extra)


def _receive(uow: UnitOfWork, order_id: int, gtin: str) -> None:
    station = uow.session.execute(
        sa.select(Station.id).where(Station.role == StationRole.RECEIPT).limit(1)
    ).scalar_one()
    actor = Actor("e2e-receipt", kind="station", station_id=station)
    order = uow.session.get(ReturnOrder, order_id)
    assert order is not None
    order, announced = receiving.start_receipt(
        uow, actor, order.order_code or "", order.marketplace
    )
    assert announced
    receiving.add_unit(uow, actor, order.id, gtin=gtin, no_marking=True)
    receiving.close(uow, actor, order)


def _until(check: Any, worker: subprocess.Popen[str], what: str) -> Any:
    started = time.monotonic()
    while time.monotonic() - started < DEADLINE:
        found = check()
        if found:
            return found
        assert worker.poll() is None, worker.communicate()[1][-2000:]
        time.sleep(0.1)
    raise AssertionError(f"{what} did not happen within {DEADLINE} s")


def test_claims_are_imported_answered_through_the_worker_and_linked_on_receipt(
    settings: Any, database: Any, sandboxes: tuple[Control, Control]
) -> None:
    wb, ozon = sandboxes
    env = _env(settings, wb.handle, ozon.handle)
    report = _wms(env, "claims", "import", "--json")
    assert sum(r["created"] for r in report["accounts"]) == 8
    with database.reading() as s:
        cases = list(s.execute(sa.select(Claim)).scalars())
    wb_open = [c for c in cases if c.marketplace is Marketplace.WILDBERRIES and c.external_actions]
    ozon_open = [c for c in cases if c.marketplace is Marketplace.OZON]
    rejected, goods_back = wb_open
    assert len(rejected.media) == 3  # two photos and the video
    execute(database, _answer, rejected.id, "rejectcustom", comment=COMMENT)
    execute(database, _answer, goods_back.id, "approve2")
    execute(database, _answer, ozon_open[0].id, "1020", amount_tiyn=325_000)

    worker = start_sync_worker(env)
    try:
        _until(
            lambda: wb.http.get(f"/_sandbox/claims/{rejected.external_id}").json().get("answers"),
            worker,
            "the WB answer",
        )
        _until(
            lambda: ozon.http.get(f"/_sandbox/rfbs/{ozon_open[0].external_id}").json()["answers"],
            worker,
            "the Ozon compensation",
        )
        _until(
            lambda: wb.http.get(f"/_sandbox/claims/{goods_back.external_id}").json().get("answers"),
            worker,
            "the approve2 answer",
        )
    finally:
        worker.send_signal(signal.SIGTERM)
        out, err = worker.communicate(timeout=30)
    assert worker.returncode == 0, err[-2000:]
    assert json.loads(out.strip().splitlines()[-1]).get("written") == 3, err[-3000:]
    held = wb.http.get(f"/_sandbox/claims/{rejected.external_id}").json()
    assert held["answers"] == [{"action": "rejectcustom", "comment": COMMENT}]
    assert held["status"] == 1
    rfbs = ozon.http.get(f"/_sandbox/rfbs/{ozon_open[0].external_id}").json()
    assert [a["compensation_amount"] for a in rfbs["answers"]] == [3250.0]
    assert rfbs["state"]["group_state"] == "Approved"

    # approve2: WB sends the goods back; the returns import announces them, the station
    # receives them, and the claim case is linked to that return.
    _wms(env, "returns", "import", "--marketplace", "wildberries", "--json")
    with database.reading() as s:
        order = s.execute(
            sa.select(ReturnOrder).where(ReturnOrder.external_id == goods_back.external_id)
        ).scalar_one()
        (sku,) = {line.sku for line in goods_back.lines}
        gtin = s.execute(
            sa.select(ProductBarcode.gtin)
            .join(Product, Product.id == ProductBarcode.product_id)
            .where(Product.sku == sku, Product.merchant_id == goods_back.merchant_id)
            .limit(1)
        ).scalar_one()
        assert s.get(Claim, goods_back.id).return_order_id is None  # type: ignore[union-attr]
    # The srid is no code a scanner reads (WB returns are matched at the dock by other means),
    # so the receipt is driven through the same services the receipt station calls.
    execute(database, _receive, order.id, gtin)
    with database.reading() as s:
        linked = s.get(Claim, goods_back.id)
        assert linked is not None
        assert linked.return_order_id == order.id
        assert linked.state in (ClaimState.APPROVED, ClaimState.UNDER_REVIEW)
