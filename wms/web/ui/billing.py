"""Billing pages: revenue per merchant and service, invoices, one invoice with its events.

Staff see every merchant; a merchant login sees only its own invoices and events (the queries
take the scope from the principal, `invoicing.get` refuses another merchant's invoice).
"""

from __future__ import annotations

import io
from typing import Any

from flask import Response, abort, render_template, request, send_file

from wms.domain.billing import Period
from wms.domain.invoices import invoice_term
from wms.services import billing_queries as q
from wms.services import invoice_documents as documents
from wms.services import invoicing
from wms.web.auth import current, protect
from wms.web.context import wms
from wms.web.ui import ANY_USER, bp, params
from wms.web.ui.i18n import current_language

EVENTS_PAGE = 200


def _helpers(lang: str) -> dict[str, Any]:
    return {
        "service_name": lambda service: documents.service_name(str(service), lang),
        "invoice_state": lambda state: invoice_term(getattr(state, "value", state))[lang],
        "doc_word": lambda key: documents.word(key, lang),
        "tenge": documents.money_text,
    }


@bp.route("/billing")
@protect(ANY_USER)
def billing_page() -> Any:
    """Revenue per merchant and service for a month, and the invoices."""
    principal = current()
    with wms().db.reading() as db:
        merchant_id = params.merchant(db, principal)
        known = q.periods(db, merchant_id)
        chosen = params.text("period", 7)
        period = str(Period.parse(chosen)) if chosen else (known[0] if known else None)
        revenue = q.revenue(db, period, merchant_id) if period else []
        rows = q.invoices(db, q.InvoiceFilter(merchant_id=merchant_id, period=period), limit=500)
        merchants = params.merchant_codes(db, principal)
    by_merchant: dict[str, Any] = {}
    for r in revenue:
        by_merchant[r.merchant] = by_merchant.get(r.merchant, 0) + r.net
    return render_template(
        "ui/billing.html",
        revenue=revenue,
        by_merchant=by_merchant,
        invoices=rows,
        periods=known,
        period=period,
        merchants=merchants,
        args=request.args,
        **_helpers(current_language()),
    )


@bp.route("/billing/invoices/<int:invoice_id>")
@protect(ANY_USER)
def invoice_page(invoice_id: int) -> Any:
    """One invoice: its lines and the events behind them, a page at a time."""
    principal = current()
    after = params.integer("after", minimum=0)
    with wms().db.reading() as db:
        invoice = invoicing.get(db, invoice_id, principal.actor)
        head = documents.heading(db, invoice, current_language())
        lines = list(invoice.lines)
        events = q.events(db, invoice, after=after, limit=EVENTS_PAGE)
        db.expunge_all()
    more = len(events) == EVENTS_PAGE
    return render_template(
        "ui/invoice.html",
        invoice=invoice,
        head=head,
        lines=lines,
        events=events,
        next_after=events[-1].id if more else None,
        **_helpers(current_language()),
    )


@bp.route("/billing/invoices/<int:invoice_id>.<kind>")
@protect(ANY_USER)
def invoice_download(invoice_id: int, kind: str) -> Response:
    """The invoice as PDF, or as XLSX with every event behind each line."""
    principal = current()
    if kind not in ("pdf", "xlsx"):
        abort(404)
    lang = current_language()
    out = io.BytesIO()
    with wms().db.reading() as db:
        invoice = invoicing.get(db, invoice_id, principal.actor)
        name = (invoice.number or f"draft-{invoice.id}") + f"-{invoice.period}.{kind}"
        if kind == "pdf":
            out.write(documents.render_pdf(db, invoice, lang))
        else:
            documents.write_xlsx(db, invoice, out, lang)
    out.seek(0)
    mimetype = (
        "application/pdf"
        if kind == "pdf"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return send_file(out, mimetype=mimetype, as_attachment=True, download_name=name)
