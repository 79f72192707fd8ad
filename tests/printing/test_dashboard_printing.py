"""Printing from the dashboard: the floor's printers, a station's printer, reprints (both DBs)."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from tests.integration.dashboard import scenario
from tests.integration.dashboard.pages import logged_in, post_form
from wms.db.models import Merchant, Printer, PrintJob, Station
from wms.services import printers
from wms.services.uow import SYSTEM, execute


@pytest.fixture
def world(app: Any, demo: dict[str, Any]) -> scenario.World:
    db = app.extensions["wms"].db
    with db.reading() as s:
        merchants = dict(s.execute(sa.select(Merchant.code, Merchant.id)).all())
    return scenario.build(db, merchants)


@pytest.fixture
def printer(app: Any) -> Printer:
    return execute(
        app.extensions["wms"].db, printers.add_printer, SYSTEM, "ZEBRA-1", "tcp://h:9100"
    )


def jobs(app: Any) -> list[tuple[str, str | None, bool]]:
    with app.extensions["wms"].db.reading() as s:
        rows = s.execute(
            sa.select(PrintJob.kind, PrintJob.lpn, PrintJob.reprint).order_by(PrintJob.id)
        ).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def test_a_supervisor_reprints_unit_labels_and_a_slip_on_a_server_printer(
    app: Any, world: scenario.World, printer: Printer
) -> None:
    client = logged_in(app, "supervisor")
    lpn = world.lpns["A"]
    page = client.get(f"/units/{lpn}").get_data(as_text=True)
    assert f'action="/units/{lpn}/print"' in page
    assert "ZEBRA-1" in page
    answer = post_form(client, f"/units/{lpn}/print", {"printer": printer.id, "label": "unit"})
    assert answer.status_code == 303
    assert jobs(app) == [("unit", lpn, True)]
    order_id = world.ids["A"]
    answer = post_form(
        client, f"/returns/{order_id}/print", {"printer": printer.id, "label": "slip"}
    )
    assert answer.status_code == 303
    assert jobs(app)[-1] == ("return_slip", None, True)
    follow = client.get(f"/returns/{order_id}").get_data(as_text=True)
    assert "Отправлено на принтер ZEBRA-1: 1" in follow or "Sent to printer ZEBRA-1: 1" in follow


def test_bad_reprint_requests_change_nothing_and_merchants_cannot_print(
    app: Any, world: scenario.World, printer: Printer
) -> None:
    client = logged_in(app, "supervisor")
    lpn = world.lpns["A"]
    for data in ({"printer": 999, "label": "unit"}, {"printer": printer.id, "label": "x"}, {}):
        assert post_form(client, f"/units/{lpn}/print", data).status_code == 303
    assert jobs(app) == []
    merchant = logged_in(app, "altyn")
    answer = post_form(
        merchant,
        f"/units/{lpn}/print",
        {"printer": printer.id, "label": "unit"},
        page=f"/units/{lpn}",
    )
    assert answer.status_code == 403
    assert jobs(app) == []


def test_a_station_is_assigned_on_its_page_and_the_floor_lists_printers(
    app: Any, world: scenario.World, printer: Printer
) -> None:
    client = logged_in(app, "supervisor")
    db = app.extensions["wms"].db
    with db.reading() as s:
        station_id = s.execute(sa.select(Station.id).order_by(Station.id)).scalars().first()
    page = client.get(f"/stations/{station_id}")
    assert page.status_code == 200
    url = f"/stations/{station_id}/printer"
    answer = post_form(client, url, {"printer": printer.id}, page=f"/stations/{station_id}")
    assert answer.status_code == 303
    with db.reading() as s:
        assert s.get(Station, station_id).printer_id == printer.id  # type: ignore[union-attr]
    assert (
        post_form(client, url, {"printer": ""}, page=f"/stations/{station_id}").status_code == 303
    )
    with db.reading() as s:
        assert s.get(Station, station_id).printer_id is None  # type: ignore[union-attr]
    floor = client.get("/floor/live").get_data(as_text=True)
    assert 'id="printer-ZEBRA-1"' in floor
    assert client.get("/stations/99999").status_code == 404


def test_printers_are_added_listed_labelled_and_removed_on_the_printers_page(
    app: Any, demo: dict[str, Any]
) -> None:
    client = logged_in(app, "supervisor")
    page = "/printers"
    added = post_form(
        client,
        page,
        {"name": "zebra-7", "uri": "tcp://10.0.0.7", "dpi": "300", "label": "58x40"},
        page=page,
    )
    assert added.status_code == 303
    refused = post_form(
        client, page, {"name": "Z 8", "uri": "tcp://h", "dpi": "203", "label": "58x40"}, page=page
    )
    assert refused.status_code == 200
    assert "printer name" in refused.get_data(as_text=True)
    listing = client.get(page).get_data(as_text=True)
    assert 'id="printer-ZEBRA-7"' in listing
    assert "tcp://10.0.0.7:9100" in listing
    db = app.extensions["wms"].db
    with db.reading() as s:
        (printer,) = s.execute(sa.select(Printer)).scalars().all()
    assert (printer.name, printer.dpi) == ("ZEBRA-7", 300)
    pdf = client.get(f"/printers/{printer.id}/label.pdf")
    assert pdf.status_code == 200
    assert pdf.data.startswith(b"%PDF")
    assert post_form(client, f"/printers/{printer.id}/remove", {}, page=page).status_code == 303
    with db.reading() as s:
        assert s.execute(sa.select(Printer)).scalars().all() == []
    assert logged_in(app, "altyn").get(page).status_code == 403


def test_a_possible_duplicate_shows_on_the_floor_until_a_supervisor_checks_it(
    app: Any, demo: dict[str, Any], printer: Printer
) -> None:
    from labels import layouts
    from wms.db.models import AuditEvent
    from wms.services.uow import UnitOfWork

    db = app.extensions["wms"].db
    spec = layouts.unit_label(lpn="LPN0000000042", sku="S", title="T", order_code="1")
    with UnitOfWork(db) as uow:
        loaded = uow.session.get(Printer, printer.id)
        assert loaded is not None
        (job,) = printers.enqueue(uow, loaded, [spec])
        job.possible_duplicate = True
        uow.commit()
        job_id = job.id
    client = logged_in(app, "supervisor")
    floor = client.get("/floor/live").get_data(as_text=True)
    assert 'class="duplicate"' in floor
    assert "LPN0000000042" in floor
    url = f"/print-jobs/{job_id}/checked"
    assert post_form(client, url, {}, page="/floor").status_code == 303
    assert 'class="duplicate"' not in client.get("/floor/live").get_data(as_text=True)
    with db.reading() as s:
        actions = s.execute(
            sa.select(AuditEvent.action).where(AuditEvent.entity == "print_job")
        ).scalars()
        assert list(actions) == ["duplicate_checked"]
    post_form(client, url, {}, page="/floor")  # again: refused, nothing changes
    assert "не найдено или уже проверено" in client.get("/floor").get_data(as_text=True)
