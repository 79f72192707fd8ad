"""Unit scripts: inspection (checklist, grade), repair, repack, putaway; each starts with an LPN."""

from __future__ import annotations

from wms.domain import grading
from wms.domain.commands import CHECK_COMMANDS, COMMANDS_BY_CODE, GRADE_COMMANDS
from wms.domain.errors import IllegalTransition
from wms.domain.grading import Check, GradeChoice, expected_zone
from wms.domain.prompts import render
from wms.domain.station_session import StationRole, Step
from wms.domain.units import UnitState
from wms.services import inspection, printing, putaway, workflow
from wms.services.scan.context import Reply, ScanContext, attention, error, ok
from wms.services.units import get_unit

# Which step an LPN scan starts, by unit state, and which station role does it.
STEP_FOR_STATE = {
    UnitState.RECEIVED: (Step.INSPECTING, StationRole.INSPECTION),
    UnitState.IN_REPAIR: (Step.REPAIRING, StationRole.REPAIR),
    UnitState.AWAITING_REPACK: (Step.REPACKING, StationRole.REPACK),
    UnitState.AWAITING_PUTAWAY: (Step.PUTAWAY, StationRole.PUTAWAY),
    UnitState.IN_STOCK: (Step.PUTAWAY, StationRole.PUTAWAY),
    UnitState.AWAITING_DECISION: (Step.PUTAWAY, StationRole.PUTAWAY),
    UnitState.CLAIMED: (Step.PUTAWAY, StationRole.PUTAWAY),
}


def _zone_name(ctx: ScanContext) -> str:
    unit = ctx.unit()
    zone = expected_zone(unit.state, unit.channel) if unit else None
    return zone.value if zone else ""


def on_lpn(ctx: ScanContext) -> Reply:
    """Start working on the scanned unit, in the step its state and the station allow."""
    unit = get_unit(ctx.uow.session, ctx.code.value, ctx.actor)
    step_role = STEP_FOR_STATE.get(unit.state)
    role = ctx.station.role
    if step_role is None or (role is not StationRole.UNIVERSAL and role is not step_role[1]):
        return error("unit.wrong_station", lpn=unit.lpn, state=unit.state.value)
    step = step_role[0]
    title = unit.product.title
    if step is Step.INSPECTING:
        rules = inspection.unit_rules(ctx.uow.session, unit)
        # The grades this merchant and category allow, kept for the commands the station shows.
        allowed = [c.value for c in GradeChoice if c in rules.allowed]
        ctx.set_step(step, unit=unit, data={"checks": [], "grades": allowed})
        suggested = grading.suggest([], rules)
        grades = [f"CMD:{code}" for code, c in GRADE_COMMANDS.items() if c.value in allowed]
        return ok(
            "inspection.started",
            lpn=unit.lpn,
            title=title,
            checks=", ".join(f"CMD:{code}" for code in CHECK_COMMANDS),
            grades=", ".join(grades),
            suggested=suggested.value,
            command=_grade_command(suggested),
        )
    ctx.set_step(step, unit=unit)
    if step is Step.REPAIRING:
        return ok("work.started", lpn=unit.lpn, title=title, next=render("repair.next"))
    if step is Step.REPACKING:
        return ok("work.started", lpn=unit.lpn, title=title, next=render("repack.next"))
    zone = expected_zone(unit.state, unit.channel)
    if unit.bin is not None:
        return attention("putaway.where_now", lpn=unit.lpn, bin=unit.bin.code, zone=_zone_name(ctx))
    suggested = putaway.suggest_bin(ctx.uow.session, unit, zone) if zone else None
    if suggested is None:
        return attention("putaway.scan_bin", lpn=unit.lpn, zone=_zone_name(ctx))
    return attention("putaway.suggest_bin", lpn=unit.lpn, zone=_zone_name(ctx), bin=suggested)


def _grade_command(choice: GradeChoice) -> str:
    return next(f"CMD:{code}" for code, c in GRADE_COMMANDS.items() if c is choice)


def on_check(ctx: ScanContext) -> Reply:
    """Tick or untick a checklist item for the unit under inspection."""
    unit = ctx.unit()
    if unit is None:
        return error("lpn.scan")
    check = CHECK_COMMANDS[ctx.code.value]
    ticked = set((ctx.state.data or {}).get("checks", []))
    turned_on = check.value not in ticked
    ticked.symmetric_difference_update({check.value})
    ctx.update_data(checks=sorted(ticked))
    suggested = inspection.suggest_grade(ctx.uow.session, unit, [Check(c) for c in ticked])
    key = "inspection.check_on" if turned_on else "inspection.check_off"
    return ok(key, check=check.value, suggested=suggested.value, command=_grade_command(suggested))


def on_grade(ctx: ScanContext) -> Reply:
    """Grade the unit under inspection and print its updated label."""
    unit = ctx.unit()
    if unit is None:
        return error("lpn.scan")
    checks = [Check(c) for c in (ctx.state.data or {}).get("checks", [])]
    choice = GRADE_COMMANDS[ctx.code.value]
    outcome = inspection.grade(ctx.uow, ctx.actor, unit, choice, checks)
    ctx.reset()
    command = COMMANDS_BY_CODE[ctx.code.value]
    return ok(
        "inspection.graded",
        printing.unit_label(unit, ctx.language),
        lpn=unit.lpn,
        # The command's caption ("В ремонт"), not the zone's name twice ("ремонт → ремонт").
        grade={"ru": command.ru, "en": command.en, "kk": command.kk},
        zone=outcome.next_zone.value,
        next=ctx.next_prompt(),
    )


def on_repair_done(ctx: ScanContext) -> Reply:
    """The repair worked."""
    return _finish_repair(ctx, done=True)


def on_repair_failed(ctx: ScanContext) -> Reply:
    """The repair failed."""
    return _finish_repair(ctx, done=False)


def _finish_repair(ctx: ScanContext, *, done: bool) -> Reply:
    unit = ctx.unit()
    if unit is None:
        return error("lpn.scan")
    workflow.finish_repair(ctx.uow, ctx.actor, unit, done=done)
    zone = _zone_name(ctx)
    ctx.reset()
    spec = printing.unit_label(unit, ctx.language)
    return ok("repair.done" if done else "repair.failed", spec, lpn=unit.lpn, zone=zone)


def on_repacked(ctx: ScanContext) -> Reply:
    """The unit is repacked: a new unit label, and a resale sticker for the resale channel."""
    unit = ctx.unit()
    if unit is None:
        return error("lpn.scan")
    workflow.repacked(ctx.uow, ctx.actor, unit)
    zone = _zone_name(ctx)
    ctx.reset()
    specs = [printing.unit_label(unit, ctx.language)]
    sticker = printing.resale_sticker(unit, ctx.uow.settings.warehouse.price_rounding_tenge)
    if sticker is not None:
        specs.append(sticker)
    return ok("repack.done", *specs, lpn=unit.lpn, zone=zone)


def on_bin(ctx: ScanContext) -> Reply:
    """Put the unit away into (or move it to) the scanned bin."""
    unit = ctx.unit()
    if unit is None:
        return error("lpn.scan")
    bin_code = ctx.code.value
    if unit.state is UnitState.AWAITING_PUTAWAY:
        putaway.put_away(ctx.uow, ctx.actor, unit, bin_code)
        ctx.reset()
        return ok("putaway.done", lpn=unit.lpn, bin=bin_code, next=ctx.next_prompt())
    try:
        putaway.move(ctx.uow, ctx.actor, unit, bin_code)
    except IllegalTransition:
        return error("unit.wrong_station", lpn=unit.lpn, state=unit.state.value)
    zone = _zone_name(ctx)
    ctx.reset()
    return ok("putaway.moved", lpn=unit.lpn, bin=bin_code, zone=zone, next=ctx.next_prompt())
