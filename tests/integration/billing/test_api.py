"""The accounting API: invoices, lines and events, scoped to the caller's merchant."""

from __future__ import annotations

from typing import Any

from tests.integration.dashboard.pages import logged_in
from tests.integration.test_scan_flows import HEADPHONES, inspect, putaway, receive
from wms.domain.billing import Period
from wms.domain.kpi import local_date
from wms.services import invoicing
from wms.services.uow import SYSTEM, execute


def _bill_today(app: Any, station: Any) -> dict[str, int]:
    (lpn,) = receive(station("receipt"), "512345678", HEADPHONES)
    inspect(station("inspection"), lpn, [], "GRADE-RESELLABLE")
    putaway(station("putaway"), lpn, "BIN-M-01-02")
    db = app.extensions["wms"].db
    from wms.db.base import utcnow

    results = execute(db, invoicing.run, SYSTEM, Period.of(local_date(utcnow())))
    return {r.merchant: r.invoice_id for r in results}


def test_integration_reads_invoices_lines_and_events(
    app: Any, client: Any, demo: Any, station: Any
) -> None:
    ids = _bill_today(app, station)
    headers = {"Authorization": f"Bearer {demo['integration']['token']}"}
    listed = client.get("/api/v1/invoices?merchant=ALTYN", headers=headers)
    assert listed.status_code == 200, listed.get_json()
    (invoice,) = listed.get_json()["invoices"]
    assert (invoice["id"], invoice["state"]) == (ids["ALTYN"], "draft")
    one = client.get(f"/api/v1/invoices/{ids['ALTYN']}", headers=headers).get_json()
    services = {line["service"]: line for line in one["lines"]}
    # The demo card: receipt order 300, ALTYN's receipt unit 130, inspection (electronics) 450,
    # putaway 80; VAT 12 %.
    assert {k: v["net"] for k, v in services.items()} == {
        "receipt_order": "300.00",
        "receipt_unit": "130.00",
        "inspection_unit": "450.00",
        "putaway": "80.00",
    }
    assert one["total"] == "1075.20"
    first = client.get(f"/api/v1/invoices/{ids['ALTYN']}/events?limit=3", headers=headers)
    page = first.get_json()
    assert len(page["events"]) == 3
    rest = client.get(
        f"/api/v1/invoices/{ids['ALTYN']}/events?after={page['next_after']}", headers=headers
    ).get_json()
    keys = [e["key"] for e in page["events"] + rest["events"]]
    assert len(keys) == len(set(keys)) == 4
    assert rest["next_after"] is None
    bad = client.get("/api/v1/invoices?period=2026-13", headers=headers)
    assert bad.status_code == 422
    assert client.get("/api/v1/invoices").status_code == 401
    document = client.get("/api/v1/openapi.json").get_json()
    assert {"/api/v1/invoices", "/api/v1/invoices/{invoice_id}/events"} <= set(document["paths"])


def test_a_merchant_sees_only_its_own_invoices(app: Any, demo: Any, station: Any) -> None:
    ids = _bill_today(app, station)
    altyn = logged_in(app, "altyn")
    listed = altyn.get("/api/v1/invoices").get_json()["invoices"]
    assert {i["merchant"] for i in listed} == {"ALTYN"}
    assert altyn.get(f"/api/v1/invoices/{ids['KOKTEM']}").status_code == 404
    assert altyn.get(f"/api/v1/invoices/{ids['KOKTEM']}/events").status_code == 404
    assert altyn.get("/api/v1/invoices?merchant=KOKTEM").get_json()["invoices"] == []
