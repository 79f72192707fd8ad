"""Billing pages: staff see revenue per merchant and service; a merchant only its own."""

from __future__ import annotations

from typing import Any

from tests.integration.billing.test_api import _bill_today
from tests.integration.dashboard.pages import logged_in


def test_staff_see_revenue_and_invoices(app: Any, station: Any) -> None:
    ids = _bill_today(app, station)
    supervisor = logged_in(app, "supervisor")
    page = supervisor.get("/billing")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    revenue = html.split('id="revenue"', 1)[1].split("</table>", 1)[0]
    # ALTYN's receipt at its own price, inspection of electronics; in Russian by default.
    assert "Приёмка единицы" in revenue
    assert "130,00" in revenue
    assert "Инспекция единицы" in revenue
    assert "450,00" in revenue
    assert "ALTYN" in html
    detail = supervisor.get(f"/billing/invoices/{ids['ALTYN']}").get_data(as_text=True)
    assert "1\u00a0075,20" in detail
    events = detail.split('id="events"', 1)[1]
    assert events.count("<tr>") == 1 + 4  # header + four events
    pdf = supervisor.get(f"/billing/invoices/{ids['ALTYN']}.pdf")
    assert pdf.status_code == 200
    assert pdf.data.startswith(b"%PDF")
    xlsx = supervisor.get(f"/billing/invoices/{ids['ALTYN']}.xlsx")
    assert xlsx.status_code == 200
    assert xlsx.data[:2] == b"PK"
    assert supervisor.get("/billing?period=2026-13").status_code in (400, 422)


def test_a_merchant_sees_only_its_own(app: Any, station: Any) -> None:
    ids = _bill_today(app, station)
    altyn = logged_in(app, "altyn")
    html = altyn.get("/billing").get_data(as_text=True)
    assert "ALTYN" in html
    assert "KOKTEM" not in html
    assert altyn.get(f"/billing/invoices/{ids['ALTYN']}").status_code == 200
    for url in (f"/billing/invoices/{ids['KOKTEM']}", f"/billing/invoices/{ids['KOKTEM']}.pdf"):
        assert altyn.get(url).status_code == 404, url
    # Asking for another merchant still shows one's own (the URL echoes the parameter only).
    forced = altyn.get("/billing?merchant=KOKTEM").get_data(as_text=True)
    tables = forced.split('id="revenue"', 1)[1]
    assert "KOKTEM" not in tables
    assert "ALTYN" in tables
    assert app.test_client().get("/billing").status_code == 302  # to the login page
