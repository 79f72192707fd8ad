"""Receipt script: order code (or CMD:BLIND) → products / marking codes → CMD:CLOSE."""

from __future__ import annotations

import sqlalchemy as sa

from wms.db.models import Product, Unit
from wms.domain.barcodes import CodeKind
from wms.domain.commands import REASON_COMMANDS, TYPE_COMMANDS
from wms.domain.errors import InvalidInput
from wms.domain.returns import Marketplace
from wms.domain.units import UnitState
from wms.services import printing, receiving
from wms.services.scan.context import IDLE, Reply, ScanContext, attention, error, ok
from wms.services.units import unit_view

RECEIVING = "receiving"
AWAITING_MARKING = "awaiting_marking"
UNIT_CODES = (CodeKind.PRODUCT, CodeKind.GS1, CodeKind.MARKING_CODE)


def idle_prompt() -> Reply:
    """What a receipt station asks for when nothing is open."""
    return attention("receipt.scan_order")


def on_order_code(ctx: ScanContext) -> Reply:
    """Open receipt of the return with the scanned marketplace code."""
    if (busy := _busy_elsewhere(ctx)) is not None:
        return busy
    marketplace = Marketplace(ctx.code.marketplace) if ctx.code.marketplace else None
    order, announced = receiving.start_receipt(ctx.uow, ctx.actor, ctx.code.value, marketplace)
    ctx.set_step(RECEIVING, order_id=order.id)
    if announced:
        return ok("receipt.opened", number=order.number, code=order.order_code)
    return attention("receipt.unannounced", code=order.order_code, number=order.number)


def on_blind(ctx: ScanContext) -> Reply:
    """Open a blind return."""
    if (busy := _busy_elsewhere(ctx)) is not None:
        return busy
    order = receiving.open_blind(ctx.uow, ctx.actor)
    ctx.set_step(RECEIVING, order_id=order.id)
    return ok("receipt.blind_opened", number=order.number)


def _busy_elsewhere(ctx: ScanContext) -> Reply | None:
    order = ctx.order()
    if order is None or order.state.value != "receiving":
        return None
    if _live_units(ctx, order.id):
        return error("receipt.in_progress", number=order.number)
    ctx.reset()
    return None


def _live_units(ctx: ScanContext, order_id: int) -> int:
    return ctx.order_units(order_id)


def on_unit_code(ctx: ScanContext) -> Reply:
    """A product barcode or marking code: one more unit with its own LPN label."""
    order = ctx.order()
    if order is None:
        return error("receipt.scan_order")
    code = ctx.code
    data = ctx.state.data or {}
    marking = code.kind is CodeKind.MARKING_CODE
    if ctx.step == AWAITING_MARKING and not marking:
        return attention("receipt.marking_required", sku=data.get("pending_sku", ""))
    assert code.gtin is not None
    try:
        unit = receiving.add_unit(
            ctx.uow,
            ctx.actor,
            order.id,
            gtin=code.gtin,
            marking_code=code.raw if marking else None,
            marking_ki=code.identification_code if marking else None,
            no_marking=bool(data.get("no_marking")),
            lpn=ctx.offline_lpn,
        )
    except InvalidInput as exc:
        if exc.message_key != "receipt.marking_required":
            raise
        ctx.set_step(AWAITING_MARKING, order_id=order.id, data={"pending_sku": exc.params["sku"]})
        return attention("receipt.marking_required", sku=exc.params["sku"])
    ctx.set_step(RECEIVING, order_id=order.id)
    product = ctx.uow.session.get(Product, unit.product_id)
    spec = printing.unit_label(ctx.uow.session, unit, ctx.language)
    reply = ok(
        "receipt.unit_added",
        spec,
        lpn=unit.lpn,
        title=product.title if product else "",
        count=_live_units(ctx, order.id),
    )
    # Stations match a replayed offline scan to the unit it created through context.unit.
    reply.extra["unit"] = unit_view(ctx.uow.session, unit)
    return reply


def on_no_marking(ctx: ScanContext) -> Reply:
    """The unit's marking code is missing or unreadable: receive it for re-marking."""
    order = ctx.order()
    if order is None:
        return error("receipt.scan_order")
    ctx.set_step(RECEIVING, order_id=order.id, data={"no_marking": True})
    return attention("receipt.no_marking_needed")


def on_close(ctx: ScanContext) -> Reply:
    """Close the receipt, print the slip, notify the merchant."""
    order = ctx.order()
    if order is None:
        return error("receipt.scan_order")
    result = receiving.close_receipt(ctx.uow, ctx.actor, order.id)
    units = ctx.uow.session.execute(
        sa.select(Unit.lpn, Product.sku)
        .join(Product, Product.id == Unit.product_id)
        .where(Unit.return_order_id == order.id, Unit.state != UnitState.VOIDED)
        .order_by(Unit.id)
    ).all()
    slip = printing.return_slip(
        ctx.uow.session,
        order,
        [(lpn, sku) for lpn, sku in units],
        result.missing,
        result.extra,
        operator=ctx.operator.name if ctx.operator else None,
        lang=ctx.language,
    )
    ctx.reset()
    return ok(
        "receipt.closed",
        slip,
        number=order.number,
        units=len(units),
        missing=", ".join(result.missing) or "—",
        extra=", ".join(result.extra) or "—",
    )


def on_undo(ctx: ScanContext) -> Reply:
    """Remove the last unit received in this receipt (scanned by mistake)."""
    order = ctx.order()
    if order is None:
        return error("receipt.nothing_to_undo")
    lpn = ctx.uow.session.execute(
        sa.select(Unit.lpn)
        .where(Unit.return_order_id == order.id, Unit.state == UnitState.RECEIVED)
        .order_by(Unit.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if lpn is None:
        return error("receipt.nothing_to_undo")
    receiving.void_unit(ctx.uow, ctx.actor, lpn)
    return ok("receipt.undone", lpn=lpn)


def on_cancel(ctx: ScanContext) -> Reply:
    """Abandon the receipt step; an unannounced return without units is cancelled."""
    order = ctx.order()
    ctx.reset()
    if order is not None and not order.announced and not _live_units(ctx, order.id):
        receiving.cancel(ctx.uow, ctx.actor, order.id)
        return ok("receipt.abandoned", number=order.number)
    return ok("scan.cancelled", next=idle_prompt().prompt)


def on_describe(ctx: ScanContext, command: str) -> Reply:
    """Record the customer's reason or the return type (CMD:REASON-…, CMD:TYPE-…)."""
    order = ctx.order()
    if order is None:
        return error("receipt.scan_order")
    reason, rtype = REASON_COMMANDS.get(command), TYPE_COMMANDS.get(command)
    receiving.describe(ctx.uow, ctx.actor, order.id, reason=reason, return_type=rtype)
    chosen = reason or rtype
    return ok("receipt.described", value=chosen.value if chosen is not None else command)


def is_open(ctx: ScanContext) -> bool:
    """Whether a receipt is in progress at this station."""
    return ctx.step in (RECEIVING, AWAITING_MARKING) and ctx.state.return_order_id is not None


__all__ = ["IDLE", "UNIT_CODES", "is_open"]
