"""Receipt script: order code (or CMD:BLIND) → products / marking codes → CMD:CLOSE."""

from __future__ import annotations

import sqlalchemy as sa

from wms.db.models import Unit
from wms.domain.barcodes import CodeKind
from wms.domain.commands import REASON_COMMANDS, TYPE_COMMANDS
from wms.domain.orders import ReturnOrderState
from wms.domain.returns import Marketplace
from wms.domain.station_session import Step
from wms.domain.units import UnitState
from wms.services import printing, receiving
from wms.services.scan.context import Reply, ScanContext, attention, error, ok
from wms.services.units import get_unit, unit_view


def on_order_code(ctx: ScanContext) -> Reply:
    """Open receipt of the return with the scanned marketplace code."""
    if (busy := _busy_elsewhere(ctx)) is not None:
        return busy
    marketplace = Marketplace(ctx.code.marketplace) if ctx.code.marketplace else None
    order, announced = receiving.start_receipt(ctx.uow, ctx.actor, ctx.code.value, marketplace)
    ctx.set_step(Step.RECEIVING, order=order)
    if not announced:
        ctx.unit_counts[order.id] = 0  # opened just now
    if announced:
        return ok("receipt.opened", number=order.number, code=order.order_code)
    return attention("receipt.unannounced", code=order.order_code, number=order.number)


def on_blind(ctx: ScanContext) -> Reply:
    """Open a blind return."""
    if (busy := _busy_elsewhere(ctx)) is not None:
        return busy
    order = receiving.open_blind(ctx.uow, ctx.actor)
    ctx.set_step(Step.RECEIVING, order=order)
    ctx.unit_counts[order.id] = 0  # opened just now
    return ok("receipt.blind_opened", number=order.number)


def _busy_elsewhere(ctx: ScanContext) -> Reply | None:
    order = ctx.order()
    if order is None or order.state is not ReturnOrderState.RECEIVING:
        return None
    if ctx.order_units(order.id):
        return error("receipt.in_progress", number=order.number)
    ctx.reset()
    return None


def on_unit_code(ctx: ScanContext) -> Reply:
    """A product barcode or marking code: one more unit with its own LPN label."""
    order = ctx.order()
    if order is None:
        return error("receipt.scan_order")
    code = ctx.code
    data = ctx.state.data or {}
    marking = code.kind is CodeKind.MARKING_CODE
    if ctx.step is Step.AWAITING_MARKING and not marking:
        return attention("receipt.marking_required", sku=data.get("pending_sku", ""))
    assert code.gtin is not None
    received = receiving.receive_unit(
        ctx.uow,
        ctx.actor,
        order,
        receiving.product_to_receive(ctx.uow, ctx.actor, order, code.gtin),
        marking_code=code.raw if marking else None,
        marking_ki=code.identification_code if marking else None,
        no_marking=bool(data.get("no_marking")),
        lpn=ctx.offline_lpn,
    )
    if isinstance(received, receiving.MarkingRequired):
        ctx.set_step(Step.AWAITING_MARKING, order=order, data={"pending_sku": received.sku})
        return attention("receipt.marking_required", sku=received.sku)
    unit = received
    ctx.set_step(Step.RECEIVING, order=order)
    reply = ok(
        "receipt.unit_added",
        printing.unit_label(unit, ctx.language),
        lpn=unit.lpn,
        title=unit.product.title,
        count=ctx.order_units(order.id),
    )
    # Stations match a replayed offline scan to the unit it created through context.unit.
    reply.extra["unit"] = unit_view(unit)
    return reply


def on_no_marking(ctx: ScanContext) -> Reply:
    """The unit's marking code is missing or unreadable: receive it for re-marking."""
    order = ctx.order()
    if order is None:
        return error("receipt.scan_order")
    ctx.set_step(Step.RECEIVING, order=order, data={"no_marking": True})
    return attention("receipt.no_marking_needed")


def on_close(ctx: ScanContext) -> Reply:
    """Close the receipt, print the slip, notify the merchant."""
    order = ctx.order()
    if order is None:
        return error("receipt.scan_order")
    result = receiving.close(ctx.uow, ctx.actor, order)
    slip = printing.return_slip(
        order,
        result.units,
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
        units=len(result.units),
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
    # The order is locked already (ctx.order); `void` checks it is still in receipt.
    receiving.void(ctx.uow, ctx.actor, get_unit(ctx.uow.session, lpn, ctx.actor))
    return ok("receipt.undone", lpn=lpn)


def on_cancel(ctx: ScanContext) -> Reply:
    """Abandon the receipt step; an unannounced return without units is cancelled."""
    order = ctx.order()
    ctx.reset()
    if order is not None and not order.announced and not ctx.order_units(order.id):
        receiving.cancel_order(ctx.uow, ctx.actor, order)
        return ok("receipt.abandoned", number=order.number)
    return ok("scan.cancelled", next=ctx.next_prompt())


def on_describe(ctx: ScanContext) -> Reply:
    """Record the customer's reason or the return type (CMD:REASON-…, CMD:TYPE-…)."""
    order = ctx.order()
    if order is None:
        return error("receipt.scan_order")
    command = ctx.code.value
    reason, rtype = REASON_COMMANDS.get(command), TYPE_COMMANDS.get(command)
    receiving.describe_order(ctx.uow, ctx.actor, order, reason=reason, return_type=rtype)
    chosen = reason or rtype
    return ok("receipt.described", value=chosen.value if chosen is not None else command)
