"""Stock by merchant, SKU, channel and zone/bin, with the ledger behind each figure."""

from __future__ import annotations

from typing import Any

from flask import render_template, request

from wms.domain.stock import Channel, ZoneKind
from wms.web.auth import current, protect
from wms.web.context import wms
from wms.web.ui import ANY_USER, bp, params
from wms.web.ui.queries import stock as q


@bp.route("/stock")
@protect(ANY_USER)
def stock() -> Any:
    """Sellable stock per SKU and channel, and the units still being processed."""
    principal = current()
    offset = params.integer("offset", maximum=1_000_000) or 0
    with wms().db.reading() as db:
        channel = params.choice("channel", [c.value for c in Channel])
        f = q.StockFilter(
            merchant_id=params.merchant(db, principal),
            q=params.text("q"),
            channel=Channel(channel) if channel else None,
            zone=params.choice("zone", [z.value for z in ZoneKind]),
        )
        rows, more = q.totals(db, f, offset=offset)
        process = q.in_process(db, f.merchant_id)
        merchants = params.merchant_codes(db, principal)
    return render_template(
        "ui/stock.html",
        rows=rows,
        more=more,
        offset=offset,
        page=q.PAGE,
        process=process,
        merchants=merchants,
        args=request.args,
        channels=list(Channel),
        zones=list(ZoneKind),
        available=q.available,
    )


@bp.route("/stock/<int:product_id>")
@protect(ANY_USER)
def stock_detail(product_id: int) -> Any:
    """One SKU: totals per channel, quantities per bin, and the ledger rows behind them."""
    principal = current()
    before = params.integer("before", minimum=1)
    channel = params.choice("channel", [c.value for c in Channel])
    bin_code = params.text("bin", 40)
    with wms().db.reading() as db:
        page = q.detail(
            db,
            product_id,
            principal.merchant_id,
            channel=Channel(channel) if channel else None,
            bin_code=bin_code,
            before=before,
        )
    return render_template(
        "ui/stock_detail.html", page=page, args=request.args, available=q.available
    )
