"""What works at every station: badge login, logout, reprint, cancel, and the refusals."""

from __future__ import annotations

import sqlalchemy as sa

from labels.spec import LabelSpec
from wms.db.models import Operator, Station
from wms.domain.barcodes import CodeKind
from wms.domain.errors import NotFound
from wms.services import printers
from wms.services.scan import receipt
from wms.services.scan.context import OperatorInfo, Reply, ScanContext, error, ok


def on_badge(ctx: ScanContext) -> Reply:
    """Log the operator with this badge in at the station."""
    operator = ctx.uow.session.execute(
        sa.select(Operator).where(Operator.badge == ctx.code.value, Operator.active.is_(True))
    ).scalar_one_or_none()
    if operator is None:
        return error("scan.badge_unknown", badge=ctx.code.value)
    ctx.state.operator_id = operator.id
    ctx.operator = OperatorInfo.of(operator)
    ctx.uow.audit("station", ctx.station.id, "login", ctx.actor, badge=operator.badge)
    return ok("scan.logged_in", name=operator.name, next=ctx.next_prompt())


def on_logout(ctx: ScanContext) -> Reply:
    """Log the operator out (the step and its work item stay for the next one)."""
    if ctx.operator is not None:
        ctx.uow.audit("station", ctx.station.id, "logout", ctx.actor)
    ctx.state.operator_id = None
    ctx.operator = None
    return ok("scan.logged_out")


def on_reprint(ctx: ScanContext) -> Reply:
    """Print the last labels again."""
    printed = (ctx.state.data or {}).get("last_print") or []
    if not printed:
        return error("scan.nothing_to_reprint")
    return ok("scan.reprinted", *(LabelSpec.from_dict(d) for d in printed))


def on_printer(ctx: ScanContext) -> Reply:
    """A printer label: this station's labels go to that server printer from now on."""
    try:
        printer = printers.printer_by_name(ctx.uow.session, ctx.code.value)
    except NotFound as exc:
        return error(exc.message_key, **exc.params)
    ctx.uow.session.execute(
        sa.update(Station).where(Station.id == ctx.station.id).values(printer_id=printer.id)
    )
    ctx.uow.audit("station", ctx.station.id, "printer", ctx.actor, printer=printer.name)
    reply = ok("print.assigned", name=printer.name)
    reply.extra["printer"] = {"name": printer.name, "queued": 0}
    return reply


def on_cancel(ctx: ScanContext) -> Reply:
    """Abandon the current step."""
    ctx.reset()
    return ok("scan.cancelled", next=ctx.next_prompt())


def on_cancel_receipt(ctx: ScanContext) -> Reply:
    """Abandon the receipt in progress (see receipt.on_cancel)."""
    return receipt.on_cancel(ctx)


def refuse_unknown(ctx: ScanContext) -> Reply:
    """A code nobody can read."""
    return error("scan.unknown_code", problem=ctx.code.problem or "unrecognised")


def refuse_login_first(ctx: ScanContext) -> Reply:
    """Nothing but a badge works without an operator."""
    return error("scan.login_first")


def refuse_not_here(ctx: ScanContext) -> Reply:
    """A code or command this station does not take at this step."""
    scanned = ctx.scanned
    what = scanned.value if isinstance(scanned, CodeKind) else f"CMD:{scanned}"
    return error("scan.not_here", what=what, next=ctx.next_prompt())


def refuse_scan_lpn_first(ctx: ScanContext) -> Reply:
    """A unit command while no unit is in the step it needs."""
    return error("lpn.scan")
