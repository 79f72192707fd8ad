"""Random sequences of real service calls keep the stock and life-cycle invariants (hypothesis)."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.integration.test_scan_flows import EAN
from tests.invariants import violations
from wms.db.models import AuditEvent, Unit
from wms.db.session import open_database
from wms.domain.errors import DomainError
from wms.domain.grading import Check, Decision, GradeChoice
from wms.domain.stock import Channel
from wms.domain.units import UNIT_TRANSITIONS, UnitAction, UnitState
from wms.services import demo, inspection, inventory, putaway, receiving, workflow
from wms.services.uow import Actor, UnitOfWork, execute
from wms.settings import Settings

ACTOR = Actor("property", kind="system", station_id=None)
SKUS = ["ALT-HP-01", "ALT-PC-03", "KKT-SC-01"]
BINS = ["BIN-M-01-01", "BIN-M-01-02", "BIN-S-01-01", "BIN-H-01", "BIN-PK-01"]

step = st.one_of(
    st.tuples(st.just("receive"), st.sampled_from(SKUS), st.integers(1, 3)),
    st.tuples(st.just("advance"), st.integers(0, 30)),
    st.tuples(st.just("advance"), st.integers(0, 30)),
    st.tuples(
        st.just("grade"),
        st.integers(0, 30),
        st.sampled_from(list(GradeChoice)),
        st.sets(st.sampled_from(list(Check)), max_size=2),
    ),
    st.tuples(st.just("repair"), st.integers(0, 30), st.booleans()),
    st.tuples(st.just("repack"), st.integers(0, 30)),
    st.tuples(st.just("putaway"), st.integers(0, 30), st.sampled_from(BINS)),
    st.tuples(st.just("decide"), st.integers(0, 30), st.sampled_from(list(Decision))),
    st.tuples(
        st.just("stock"),
        st.sampled_from(["inbound", "outbound", "reserve", "release"]),
        st.sampled_from(SKUS),
        st.integers(1, 4),
    ),
)


@pytest.fixture(scope="module")
def demo_template(
    tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path
) -> tuple[Path, Settings]:
    path = tmp_path_factory.mktemp("property") / "demo.sqlite"
    shutil.copyfile(sqlite_template, path)
    cfg = Settings().with_overrides(
        database={"url": f"sqlite:///{path}"}, server={"secret_key": "property"}
    )
    db = open_database(cfg.database)
    execute(db, demo.seed, cfg)
    db.dispose()
    return path, cfg


def _apply(
    uow: UnitOfWork, op: tuple[Any, ...], lpns: list[str], merchants: dict[str, int]
) -> None:
    kind = op[0]
    if kind == "receive":
        _, sku, count = op
        order = receiving.open_blind(uow, ACTOR)
        for _ in range(count):
            lpns.append(receiving.add_unit(uow, ACTOR, order.id, gtin="0" + EAN[sku]).lpn)
        receiving.close_receipt(uow, ACTOR, order.id)
        return
    if kind == "stock":
        _, what, sku, qty = op
        merchant = merchants["KOKTEM" if sku.startswith("KKT") else "ALTYN"]
        key = inventory.key_for(uow.session, ACTOR, merchant, sku, Channel.MAIN)
        if what == "inbound":
            inventory.inbound(uow, ACTOR, key, "BIN-M-01-02", qty, "p")
        elif what == "outbound":
            inventory.outbound(uow, ACTOR, key, qty, "p")
        elif what == "reserve":
            inventory.reserve(uow, ACTOR, key, qty, "p")
        else:
            inventory.release(uow, ACTOR, key, qty, "p")
        return
    if not lpns:
        return
    lpn = lpns[op[1] % len(lpns)]
    if kind == "advance":
        _advance(uow, lpn)
    elif kind == "grade":
        inspection.grade_unit(uow, ACTOR, lpn, op[2], op[3])
    elif kind == "repair":
        (workflow.repair_done if op[2] else workflow.repair_failed)(uow, ACTOR, lpn)
    elif kind == "repack":
        workflow.repack(uow, ACTOR, lpn)
    elif kind == "putaway":
        putaway.putaway(uow, ACTOR, lpn, op[2])
    elif kind == "decide":
        workflow.decide(uow, ACTOR, lpn, op[2])


_NEXT_BIN = {Channel.MAIN: "BIN-M-01-01", Channel.RESALE: "BIN-S-01-02"}


def _advance(uow: UnitOfWork, lpn: str) -> None:
    """Do the right next step for the unit, so random runs reach stock and decisions often."""
    unit = uow.session.execute(sa.select(Unit).where(Unit.lpn == lpn)).scalar_one()
    if unit.state is UnitState.RECEIVED:
        inspection.grade_unit(uow, ACTOR, lpn, GradeChoice.RESELLABLE_NEW, [])
    elif unit.state is UnitState.IN_REPAIR:
        workflow.repair_done(uow, ACTOR, lpn)
    elif unit.state is UnitState.AWAITING_REPACK:
        workflow.repack(uow, ACTOR, lpn)
    elif unit.state is UnitState.AWAITING_PUTAWAY:
        putaway.putaway(uow, ACTOR, lpn, _NEXT_BIN[unit.channel or Channel.MAIN])
    elif unit.state is UnitState.AWAITING_DECISION:
        workflow.decide(uow, ACTOR, lpn, Decision.RESALE)
    elif unit.state is UnitState.IN_STOCK:
        other = "BIN-M-01-02" if unit.channel is Channel.MAIN else "BIN-S-01-01"
        putaway.move_unit(uow, ACTOR, lpn, other)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(step, min_size=1, max_size=25))
def test_random_service_calls_keep_the_invariants(
    demo_template: tuple[Path, Settings], ops: list[tuple[Any, ...]]
) -> None:
    template, cfg = demo_template
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "run.sqlite"
        shutil.copyfile(template, path)
        db = open_database(cfg.with_overrides(database={"url": f"sqlite:///{path}"}).database)
        with db.reading() as s:
            merchants = dict(s.execute(sa.text("SELECT code, id FROM merchants")).all())
        lpns: list[str] = []
        for op in ops:
            # Refused operations must leave no trace; the invariants below prove it.
            with contextlib.suppress(DomainError):
                execute(db, _apply, op, lpns, merchants)
        assert violations(db) == []
        with db.reading() as s:
            for event in s.execute(
                sa.select(AuditEvent).where(AuditEvent.entity == "unit")
            ).scalars():
                if event.action in UnitAction.__members__.values() and event.from_state:
                    key = (UnitState(event.from_state), UnitAction(event.action))
                    assert UNIT_TRANSITIONS[key].value == event.to_state
            states = s.execute(sa.select(Unit.state, sa.func.count()).group_by(Unit.state)).all()
            assert sum(n for _s, n in states) == len(lpns)
        db.dispose()
