"""Unit scripts: inspection (checklist, grade), repair, repack, putaway; each starts with an LPN."""

from __future__ import annotations

from wms.db.models import Product, StationRole, Unit
from wms.domain.commands import CHECK_COMMANDS, GRADE_COMMANDS
from wms.domain.errors import IllegalTransition
from wms.domain.grading import Check, expected_zone
from wms.domain.prompts import render
from wms.domain.units import UnitState
from wms.services import inspection, printing, putaway, units, workflow
from wms.services.scan.context import Reply, ScanContext, attention, error, ok

INSPECTING = "inspecting"
REPAIRING = "repairing"
REPACKING = "repacking"
PUTAWAY = "putaway"

# Which step an LPN scan starts, by unit state, and which station roles may do it.
STEP_FOR_STATE = {
    UnitState.RECEIVED: (INSPECTING, StationRole.INSPECTION),
    UnitState.IN_REPAIR: (REPAIRING, StationRole.REPAIR),
    UnitState.AWAITING_REPACK: (REPACKING, StationRole.REPACK),
    UnitState.AWAITING_PUTAWAY: (PUTAWAY, StationRole.PUTAWAY),
    UnitState.IN_STOCK: (PUTAWAY, StationRole.PUTAWAY),
    UnitState.AWAITING_DECISION: (PUTAWAY, StationRole.PUTAWAY),
    UnitState.CLAIMED: (PUTAWAY, StationRole.PUTAWAY),
}


def _title(ctx: ScanContext, unit: Unit) -> str:
    product = ctx.uow.session.get(Product, unit.product_id)
    return product.title if product else unit.lpn


def on_lpn(ctx: ScanContext) -> Reply:
    """Start working on the scanned unit, in the step its state and the station allow."""
    unit = units.get_unit(ctx.uow.session, ctx.code.value, ctx.actor)
    step_role = STEP_FOR_STATE.get(unit.state)
    role = ctx.station.role
    if step_role is None or (role is not StationRole.UNIVERSAL and role is not step_role[1]):
        return error("unit.wrong_station", lpn=unit.lpn, state=unit.state.value)
    step = step_role[0]
    ctx.set_step(step, unit_id=unit.id, data={"checks": []} if step == INSPECTING else None)
    title = _title(ctx, unit)
    if step == INSPECTING:
        suggested = inspection.suggest_grade(ctx.uow.session, unit, [])
        return ok("inspection.started", lpn=unit.lpn, title=title, suggested=suggested.value)
    if step == REPAIRING:
        return ok("work.started", lpn=unit.lpn, title=title, next=render("repair.next"))
    if step == REPACKING:
        return ok("work.started", lpn=unit.lpn, title=title, next=render("repack.next"))
    zone = expected_zone(unit.state, unit.channel)
    return attention("putaway.scan_bin", lpn=unit.lpn, zone=zone.value if zone else "")


def on_check(ctx: ScanContext, command: str) -> Reply:
    """Tick or untick a checklist item for the unit under inspection."""
    unit = ctx.unit()
    if ctx.step != INSPECTING or unit is None:
        return error("lpn.scan")
    check = CHECK_COMMANDS[command]
    ticked = set((ctx.state.data or {}).get("checks", []))
    turned_on = check.value not in ticked
    ticked.symmetric_difference_update({check.value})
    ctx.update_data(checks=sorted(ticked))
    suggested = inspection.suggest_grade(ctx.uow.session, unit, [Check(c) for c in ticked])
    key = "inspection.check_on" if turned_on else "inspection.check_off"
    return ok(key, check=check.value, suggested=suggested.value)


def on_grade(ctx: ScanContext, command: str) -> Reply:
    """Grade the unit under inspection and print its updated label."""
    unit = ctx.unit()
    if ctx.step != INSPECTING or unit is None:
        return error("lpn.scan")
    checks = [Check(c) for c in (ctx.state.data or {}).get("checks", [])]
    outcome = inspection.grade_unit(
        ctx.uow,
        ctx.actor,
        unit.lpn,
        GRADE_COMMANDS[command],
        checks,
        decision_hours=ctx.decision_hours,
    )
    ctx.reset()
    spec = printing.unit_label(ctx.uow.session, unit, ctx.language)
    return ok(
        "inspection.graded",
        spec,
        lpn=unit.lpn,
        grade=outcome.choice.value,
        zone=outcome.next_zone.value,
    )


def on_repair(ctx: ScanContext, done: bool) -> Reply:
    """Finish a repair, successful or not."""
    unit = ctx.unit()
    if ctx.step != REPAIRING or unit is None:
        return error("lpn.scan")
    if done:
        workflow.repair_done(ctx.uow, ctx.actor, unit.lpn)
    else:
        workflow.repair_failed(ctx.uow, ctx.actor, unit.lpn)
    ctx.reset()
    zone = expected_zone(unit.state, unit.channel)
    spec = printing.unit_label(ctx.uow.session, unit, ctx.language)
    key = "repair.done" if done else "repair.failed"
    return ok(key, spec, lpn=unit.lpn, zone=zone.value if zone else "")


def on_repacked(ctx: ScanContext) -> Reply:
    """The unit is repacked: a new unit label, and a resale sticker for the resale channel."""
    unit = ctx.unit()
    if ctx.step != REPACKING or unit is None:
        return error("lpn.scan")
    workflow.repack(ctx.uow, ctx.actor, unit.lpn)
    ctx.reset()
    specs = [printing.unit_label(ctx.uow.session, unit, ctx.language)]
    sticker = printing.resale_sticker(ctx.uow.session, unit)
    if sticker is not None:
        specs.append(sticker)
    zone = expected_zone(unit.state, unit.channel)
    return ok("repack.done", *specs, lpn=unit.lpn, zone=zone.value if zone else "")


def on_bin(ctx: ScanContext) -> Reply:
    """Put the unit away into (or move it to) the scanned bin."""
    unit = ctx.unit()
    if ctx.step != PUTAWAY or unit is None:
        return error("lpn.scan")
    bin_code = ctx.code.value
    if unit.state is UnitState.AWAITING_PUTAWAY:
        putaway.putaway(ctx.uow, ctx.actor, unit.lpn, bin_code)
        ctx.reset()
        return ok("putaway.done", lpn=unit.lpn, bin=bin_code)
    try:
        putaway.move_unit(ctx.uow, ctx.actor, unit.lpn, bin_code)
    except IllegalTransition:
        return error("unit.wrong_station", lpn=unit.lpn, state=unit.state.value)
    ctx.reset()
    return ok("putaway.moved", lpn=unit.lpn, bin=bin_code)
