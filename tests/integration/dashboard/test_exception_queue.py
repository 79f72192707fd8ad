"""The exceptions queue as supervisors read it (issue 10): repeats collapse, long codes are cut
on the list, messages are in the reader's language, what fixed itself closes itself."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from tests.conftest import Station
from tests.integration.dashboard.pages import logged_in
from wms.db.models import ExceptionStatus, FloorException
from wms.services.floor_exceptions import close_self_resolved
from wms.services.uow import execute


def open_exceptions(app: Any) -> list[FloorException]:
    with app.extensions["wms"].db.reading() as s:
        return list(
            s.execute(
                sa.select(FloorException).where(FloorException.status == ExceptionStatus.OPEN)
            ).scalars()
        )


def test_identical_garbage_scans_are_one_row_with_a_count_and_a_short_code(
    app: Any, station: Any
) -> None:
    receipt: Station = station("receipt")
    receipt.ok("OP-0001")
    garbage = "%" * 2000
    for _ in range(3):
        receipt.fail(garbage)
    receipt.fail("%%other%%")
    rows = open_exceptions(app)
    assert {r.code: r.payload.get("repeats", 1) for r in rows} == {"%%other%%": 1, garbage: 3}
    page = logged_in(app, "supervisor").get("/floor").get_data(as_text=True)
    assert "×3" in page
    # The list shows 39 characters and an ellipsis; the whole code only inside <details>.
    assert f"<summary><code>{'%' * 39}…</code></summary>" in page
    assert page.count(garbage) == 1
    # The message is the answer's own Russian, not the stored English.
    assert "Код не распознан (слишком длинный)" in page
    assert "Code not recognised" not in page


def test_a_failed_replay_closes_itself_when_the_operator_redoes_the_scan(
    app: Any, station: Any, client: Any
) -> None:
    receipt: Station = station("receipt")
    reported = client.post(
        "/api/v1/stations/exceptions",
        json={"event_id": "e-0000001", "code": "512345678", "error": "refused on replay"},
        headers=receipt.headers,
    )
    assert reported.status_code == 201
    db = app.extensions["wms"].db
    assert execute(db, close_self_resolved) == []  # nothing redone yet
    receipt.fail("512345678")  # no operator yet: refused, stays open
    assert execute(db, close_self_resolved) == []
    receipt.ok("OP-0001")
    receipt.ok("512345678")  # redone: it went through
    assert execute(db, close_self_resolved) == [reported.get_json()["id"]]
    assert open_exceptions(app) == []
    with db.reading() as s:
        item = s.get(FloorException, reported.get_json()["id"])
        assert item is not None
        assert item.resolved_by == "self-resolved"
