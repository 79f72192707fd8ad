"""Returns: searchable lists of units and orders, CSV/XLSX exports, the return-order page, slips."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import Response, render_template, request

from labels.pdf import render_pdf
from wms.db.base import utcnow
from wms.domain.errors import InvalidInput
from wms.domain.orders import ReturnOrderState
from wms.domain.returns import Marketplace, ReturnReason, ReturnType
from wms.domain.units import UnitState
from wms.services import clips, printing
from wms.web.auth import Principal, current, protect
from wms.web.context import wms
from wms.web.ui import ANY_USER, bp, params
from wms.web.ui.exports import csv_download, xlsx_download
from wms.web.ui.queries import returns as q
from wms.web.ui.queries.detail import order_page

VIEWS = ("units", "orders")


def _filter(db: Any, principal: Principal, view: str) -> q.ReturnFilter:
    states = ReturnOrderState if view == "orders" else UnitState
    return q.ReturnFilter(
        q=params.text("q"),
        merchant_id=params.merchant(db, principal),
        marketplace=params.choice("marketplace", [m.value for m in Marketplace]),
        return_type=params.choice("type", [t.value for t in ReturnType]),
        reason=params.choice("reason", [r.value for r in ReturnReason]),
        state=params.choice("state", [s.value for s in states]),
        date_from=params.day("from"),
        date_to=params.day("to"),
    )


@bp.route("/returns")
@protect(ANY_USER)
def returns_list() -> Any:
    """Returned units (or return orders) newest first, with filters and exports."""
    principal = current()
    view = params.choice("view", VIEWS) or "units"
    before = params.integer("before", minimum=1)
    with wms().db.reading() as db:
        f = _filter(db, principal, view)
        search = q.search_orders if view == "orders" else q.search_units
        rows, next_before = search(db, f, before=before)
        merchants = params.merchant_codes(db, principal)
    states = ReturnOrderState if view == "orders" else UnitState
    return render_template(
        "ui/returns.html",
        view=view,
        rows=rows,
        next_before=next_before,
        merchants=merchants,
        args=request.args,
        filters={k: v for k, v in request.args.items() if k != "before"},
        marketplaces=list(Marketplace),
        types=list(ReturnType),
        reasons=list(ReturnReason),
        states=list(states),
    )


def _export_query() -> tuple[str, q.ReturnFilter, tuple[str, ...]]:
    principal = current()
    view = params.choice("view", VIEWS) or "units"
    with wms().db.reading() as db:
        f = _filter(db, principal, view)
        found = q.count_capped(db, q.export_statement(view, f), q.EXPORT_MAX + 1)
    if found > q.EXPORT_MAX:
        raise InvalidInput("export.too_many", max=q.EXPORT_MAX)
    columns = q.ORDER_COLUMNS if view == "orders" else q.UNIT_COLUMNS
    return view, f, columns


def _rows(view: str, f: q.ReturnFilter) -> Iterator[tuple[Any, ...]]:
    with wms().db.reading() as db:
        yield from q.export_rows(db, view, f)


@bp.route("/returns.csv")
@protect(ANY_USER)
def returns_csv() -> Response:
    """The filtered list as CSV (at most 100 000 rows, streamed)."""
    view, f, columns = _export_query()
    stamp = utcnow().strftime("%Y%m%d-%H%M")
    return csv_download(f"returns-{view}-{stamp}.csv", columns, lambda: _rows(view, f))


@bp.route("/returns.xlsx")
@protect(ANY_USER)
def returns_xlsx() -> Response:
    """The filtered list as an Excel workbook (at most 100 000 rows)."""
    view, f, columns = _export_query()
    stamp = utcnow().strftime("%Y%m%d-%H%M")
    return xlsx_download(f"returns-{view}-{stamp}.xlsx", [(view, columns, lambda: _rows(view, f))])


@bp.route("/returns/<int:order_id>")
@protect(ANY_USER)
def return_order(order_id: int) -> Any:
    """A return order: lines, units, clips, history and floor exceptions."""
    with wms().db.reading() as db:
        page = order_page(db, current().actor, order_id)
        videos = clips.order_clips(db, current().actor, page.order.id)
    return render_template("ui/order.html", page=page, clips=videos, now=utcnow())


@bp.route("/returns/<int:order_id>/slip.pdf")
@protect(ANY_USER)
def return_slip(order_id: int) -> Response:
    """The return-order slip as PDF (reprint)."""
    with wms().db.reading() as db:
        page = order_page(db, current().actor, order_id)
        units = [(u.lpn, u.sku) for u in page.units if u.state is not UnitState.VOIDED]
        flags = page.order.flags or {}
        spec = printing.return_slip(
            page.order, units, list(flags.get("missing", [])), list(flags.get("extra", []))
        )
    return _pdf(render_pdf(spec), f"{page.order.number}.pdf")


def _pdf(data: bytes, filename: str) -> Response:
    return Response(
        data,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )
