"""Receipt script: order code (or CMD:BLIND) → products / marking codes → CMD:CLOSE."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from wms.db.models import ReturnLine, ReturnOrder, Unit
from wms.domain import barcodes
from wms.domain.barcodes import Classified, CodeKind
from wms.domain.commands import REASON_COMMANDS, TYPE_COMMANDS
from wms.domain.orders import ReturnOrderState
from wms.domain.prompts import LANGS, render
from wms.domain.returns import Marketplace
from wms.domain.station_session import Step
from wms.domain.units import UnitState
from wms.services import printing, receiving
from wms.services.scan.context import Reply, ScanContext, attention, error, ok
from wms.services.units import get_unit, unit_view


def on_order_code(ctx: ScanContext) -> Reply:
    """Open receipt of the return with the scanned marketplace code."""
    current = ctx.order()
    same = current is not None and current.order_code == ctx.code.value
    if same and current.state is ReturnOrderState.RECEIVING:
        return ok("receipt.already_open", number=current.number, next=_progress(ctx, current))
    left = _leave_current(ctx)
    if isinstance(left, Reply):
        return left
    marketplace = Marketplace(ctx.code.marketplace) if ctx.code.marketplace else None
    order, announced = receiving.start_receipt(ctx.uow, ctx.actor, ctx.code.value, marketplace)
    ctx.set_step(Step.RECEIVING, order=order)
    if not announced:
        ctx.unit_counts[order.id] = 0  # opened just now
        ctx.no_lines_yet(order)
        reply = attention("receipt.unannounced", code=order.order_code, number=order.number)
    else:
        reply = ok(
            "receipt.opened",
            number=order.number,
            code=order.order_code,
            lines=_lines_text(ctx.lines(order)),
        )
    return _after(left, reply)


def on_blind(ctx: ScanContext) -> Reply:
    """Open a blind return."""
    left = _leave_current(ctx)
    if isinstance(left, Reply):
        return left
    order = receiving.open_blind(ctx.uow, ctx.actor)
    ctx.set_step(Step.RECEIVING, order=order)
    ctx.unit_counts[order.id] = 0  # opened just now
    ctx.no_lines_yet(order)
    return _after(left, ok("receipt.blind_opened", number=order.number))


def _leave_current(ctx: ScanContext) -> Reply | dict[str, str] | None:
    """Leave the receipt in progress for another one: refused while it has units.

    An empty unannounced return is cancelled (it was only opened by its scan); the note saying
    so is returned to go in front of the next prompt.
    """
    order = ctx.order()
    if order is None or order.state is not ReturnOrderState.RECEIVING:
        return None
    if ctx.order_units(order.id):
        return error("receipt.in_progress", number=order.number)
    ctx.reset()
    if order.announced:
        return None
    receiving.cancel_order(ctx.uow, ctx.actor, order)
    return render("receipt.empty_cancelled", number=order.number, code=order.order_code or "—")


def _after(note: dict[str, str] | None, reply: Reply) -> Reply:
    """The reply with a note in front of its prompt."""
    if note:
        reply.prompt = {lang: f"{note[lang]} {text}" for lang, text in reply.prompt.items()}
    return reply


def _lines_text(lines: list[ReturnLine]) -> dict[str, str]:
    """Announced lines as the operator reads them: «title 1/2; title 0/1»."""
    if not lines:
        return render("receipt.nothing_announced")
    return _listed([f"{_title(line)} {line.received_qty}/{line.expected_qty}" for line in lines])


# A prompt names this many lines; the rest are counted (the whole list is in context.expected).
PROMPT_LINES = 5


def _listed(items: list[str]) -> dict[str, str]:
    shown = "; ".join(items[:PROMPT_LINES])
    if len(items) <= PROMPT_LINES:
        return dict.fromkeys(LANGS, shown)
    more = render("receipt.more_lines", count=len(items) - PROMPT_LINES)
    return {lang: f"{shown}; {more[lang]}" for lang in LANGS}


def _title(line: ReturnLine) -> str:
    return line.product.title if line.product else line.marketplace_sku or "?"


def _progress(ctx: ScanContext, order: ReturnOrder) -> dict[str, str]:
    """What is still expected, or that everything announced is in (then CMD:CLOSE)."""
    if not order.announced:
        return render("receipt.scan_product")
    waiting = [ln for ln in ctx.lines(order) if ln.received_qty < ln.expected_qty]
    if not waiting:
        return render("receipt.all_in")
    text = _listed([f"{_title(ln)} ×{ln.expected_qty - ln.received_qty}" for ln in waiting])
    return render("receipt.still_expected", lines=text)


def on_unit_code(ctx: ScanContext) -> Reply:
    """A product barcode or marking code: one more unit with its own LPN label."""
    order = ctx.order()
    if order is None:
        return error("receipt.scan_order")
    return _add_unit(ctx, order, ctx.code)


def _add_unit(ctx: ScanContext, order: ReturnOrder, code: Classified) -> Reply:
    data = ctx.state.data or {}
    marking = code.kind is CodeKind.MARKING_CODE
    if ctx.step is Step.AWAITING_MARKING and not marking:
        return attention("receipt.marking_required", sku=data.get("pending_sku", ""))
    assert code.gtin is not None
    product = receiving.product_to_receive(ctx.uow, ctx.actor, order, code.gtin)
    lines = ctx.lines(order)
    extra = receiving.over_announced(order, lines, product)
    # Offline scans were labelled already: taken and flagged, never asked about (nothing lost).
    offline = ctx.offline_lpn is not None or bool(getattr(ctx.request, "offline", False))
    if extra and marking and code.identification_code:
        # The same marking code again is the same item, not one more: say that first.
        receiving.refuse_duplicate_marking(ctx.uow.session, code.identification_code)
    if extra and data.get("extra_ok") != product.sku and not offline:
        mine = receiving.lines_of(lines, product)
        ctx.set_step(
            Step.CONFIRM_EXTRA,
            order=order,
            data={
                "extra_code": code.raw,
                "extra_symbology": getattr(ctx.request, "symbology", None),
                "extra_sku": product.sku,
                "no_marking": bool(data.get("no_marking")),
            },
        )
        return attention(
            "receipt.over_announced",
            title=product.title,
            expected=sum(ln.expected_qty for ln in mine),
            scanned=sum(ln.received_qty for ln in mine),
        )
    received = receiving.receive_unit(
        ctx.uow,
        ctx.actor,
        order,
        product,
        marking_code=code.raw if marking else None,
        marking_ki=code.identification_code if marking else None,
        no_marking=bool(data.get("no_marking")),
        lpn=ctx.offline_lpn,
        lines=lines,
    )
    if isinstance(received, receiving.MarkingRequired):
        step_data: dict[str, Any] = {"pending_sku": received.sku}
        if extra:
            step_data["extra_ok"] = product.sku
        ctx.set_step(Step.AWAITING_MARKING, order=order, data=step_data)
        return attention("receipt.marking_required", sku=received.sku)
    unit = received
    ctx.set_step(Step.RECEIVING, order=order)
    if order.announced:
        mine = receiving.lines_of(lines, product)
        reply = ok(
            "receipt.unit_counted",
            printing.unit_label(unit, ctx.language),
            lpn=unit.lpn,
            title=product.title,
            scanned=sum(ln.received_qty for ln in mine),
            expected=sum(ln.expected_qty for ln in mine),
            next=_progress(ctx, order),
        )
        if extra:
            reply.warnings.append(render("receipt.extra_taken", lpn=unit.lpn, title=product.title))
    else:
        reply = ok(
            "receipt.unit_added",
            printing.unit_label(unit, ctx.language),
            lpn=unit.lpn,
            title=product.title,
            count=ctx.order_units(order.id),
        )
    # Stations match a replayed offline scan to the unit it created through context.unit.
    reply.extra["unit"] = unit_view(unit)
    return reply


def on_confirm_extra(ctx: ScanContext) -> Reply:
    """CMD:CONFIRM: the unit over the announced quantity is really there; receive it."""
    order = ctx.order()
    if order is None:
        return error("receipt.scan_order")
    data = ctx.state.data or {}
    code = barcodes.classify(str(data.get("extra_code", "")), data.get("extra_symbology"))
    if code.gtin is None:
        ctx.set_step(Step.RECEIVING, order=order)
        return error("receipt.scan_product")
    ctx.set_step(
        Step.RECEIVING,
        order=order,
        data={"extra_ok": data.get("extra_sku"), "no_marking": bool(data.get("no_marking"))},
    )
    return _add_unit(ctx, order, code)


def on_drop_extra(ctx: ScanContext) -> Reply:
    """CMD:CANCEL while a unit over the announced quantity waits: it is not received."""
    order = ctx.order()
    if order is None:
        return error("receipt.scan_order")
    sku = (ctx.state.data or {}).get("extra_sku", "")
    ctx.set_step(Step.RECEIVING, order=order)
    return ok("receipt.extra_dropped", sku=sku, next=_progress(ctx, order))


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
        next=ctx.next_prompt(),
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
    unit = receiving.void(ctx.uow, ctx.actor, get_unit(ctx.uow.session, lpn, ctx.actor))
    ctx.unit_counts.pop(order.id, None)
    # The label stays on the item unless the operator is told which one to peel off.
    return ok("receipt.undone", lpn=lpn, title=unit.product.title, next=_progress(ctx, order))


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
