"""What a scan script works with: station, session, operator, and the reply it builds."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from labels.spec import LabelSpec
from wms.db.models import Operator, ReturnOrder, StationSession, Unit
from wms.domain import prompts
from wms.domain.barcodes import Classified, CodeKind
from wms.domain.station_session import RECEIPT_STEPS, Input, StationRole, Step
from wms.services.units import get_order, get_unit_by_id, unit_count, unit_view
from wms.services.uow import Actor, UnitOfWork


@dataclass(frozen=True)
class StationInfo:
    """What a scan needs to know about its station."""

    id: int
    name: str
    role: StationRole
    language: str


@dataclass(frozen=True)
class OperatorInfo:
    """The logged-in operator as a scan needs them."""

    id: int
    name: str
    badge: str
    language: str | None

    @classmethod
    def of(cls, row: Operator) -> OperatorInfo:
        """Copy the fields of an operator row."""
        return cls(row.id, row.name, row.badge, row.language)


@dataclass
class Reply:
    """The three-way answer to a scan (DESIGN 4.1)."""

    result: str = "ok"  # ok | error | action_required
    prompt: dict[str, str] = field(default_factory=dict)
    prints: list[LabelSpec] = field(default_factory=list)
    warnings: list[dict[str, str]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def sound(self) -> str:
        """The sound the station plays."""
        return {"ok": "ok", "error": "error"}.get(self.result, "attention")


def ok(key: str, *specs: LabelSpec, **params: Any) -> Reply:
    """A successful step."""
    return Reply("ok", prompts.render(key, **params), list(specs))


def attention(key: str, **params: Any) -> Reply:
    """The operator must do something before the step can finish."""
    return Reply("action_required", prompts.render(key, **params))


def error(key: str, **params: Any) -> Reply:
    """The scan was refused; nothing changed."""
    return Reply("error", prompts.render(key, **params))


_UNLOADED: Any = object()


@dataclass
class ScanContext:
    """One scan being handled inside its unit of work.

    The session's work items (the return being received, the unit being worked on) are loaded
    once per scan, locked, with everything the step and the answer need (services.units).
    """

    uow: UnitOfWork
    station: StationInfo
    state: StationSession
    code: Classified
    offline_lpn: str | None
    operator: OperatorInfo | None = None
    unit_counts: dict[int, int] = field(default_factory=dict)
    #: The scan request (handler.ScanRequest), kept to reopen the scan after a rollback.
    request: Any = None
    #: The server printer this station's labels go to (None: the station prints them).
    printer_id: int | None = None
    _order: ReturnOrder | None = field(default=_UNLOADED, repr=False)
    _unit: Unit | None = field(default=_UNLOADED, repr=False)

    @property
    def language(self) -> str:
        """Language of labels printed at this station."""
        if self.operator is not None and self.operator.language:
            return self.operator.language
        return self.station.language

    @property
    def actor(self) -> Actor:
        """The operator at this station as the actor of audit events."""
        name = (
            f"{self.operator.name} ({self.operator.badge})" if self.operator else self.station.name
        )
        return Actor(
            name=name,
            kind="operator" if self.operator else "station",
            operator_id=self.operator.id if self.operator else None,
            station_id=self.station.id,
        )

    @property
    def step(self) -> Step:
        """The current step of the station session (a receipt step needs its return)."""
        step = Step(self.state.step)
        if step in RECEIPT_STEPS and self.state.return_order_id is None:
            return Step.IDLE
        return step

    @property
    def scanned(self) -> Input:
        """What was scanned, as the session table looks it up: a command's code or a kind."""
        return self.code.value if self.code.kind is CodeKind.COMMAND else self.code.kind

    @property
    def receipt_open(self) -> bool:
        """Whether a receipt is in progress at this station."""
        return self.step in RECEIPT_STEPS

    def set_step(
        self,
        step: Step,
        *,
        order: ReturnOrder | None = None,
        unit: Unit | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        """Move the station session to a step with its work item (already loaded and locked)."""
        self.state.step = step.value
        self.state.return_order_id = order.id if order is not None else None
        self.state.unit_id = unit.id if unit is not None else None
        self._order, self._unit = order, unit
        last_print = self.state.data.get("last_print") if self.state.data else None
        new_data = dict(data or {})
        if last_print:
            new_data["last_print"] = last_print
        self.state.data = new_data

    def reset(self) -> None:
        """Back to idle, keeping the operator and what was last printed."""
        self.set_step(Step.IDLE)

    def update_data(self, **values: Any) -> None:
        """Change step data (assigning a new dict so the JSON column is saved)."""
        self.state.data = {**(self.state.data or {}), **values}

    def snapshot(self) -> tuple[Any, ...]:
        """What a step may change in memory before it is refused (see `restore`)."""
        state = self.state
        return (
            (state.step, state.return_order_id, state.unit_id, state.data, state.operator_id),
            self.operator,
            self._order,
            self._unit,
            self.uow.records_mark(),
        )

    def restore(self, snapshot: tuple[Any, ...]) -> None:
        """Undo in-memory changes of a refused step that wrote nothing to the database."""
        fields, self.operator, self._order, self._unit, records = snapshot
        self.uow.discard_records(records)
        state = self.state
        state.step, state.return_order_id, state.unit_id, state.data, state.operator_id = fields
        session = self.uow.session
        for obj in list(session.new):
            session.expunge(obj)
        for obj in list(session.dirty):
            if obj is not state:
                session.expire(obj)
        self.unit_counts.clear()

    def order(self) -> ReturnOrder | None:
        """The return order being received, if any (loaded and locked once per scan)."""
        if self._order is _UNLOADED:
            order_id = self.state.return_order_id
            self._order = (
                None if order_id is None else get_order(self.uow.session, order_id, self.actor)
            )
        return self._order

    def unit(self) -> Unit | None:
        """The unit being worked on, if any (its aggregate loaded and locked once per scan)."""
        if self._unit is _UNLOADED:
            unit_id = self.state.unit_id
            self._unit = None if unit_id is None else get_unit_by_id(self.uow.session, unit_id)
        return self._unit

    def order_units(self, order_id: int) -> int:
        """Live units of an order (counted once per scan; call after the scan's changes)."""
        if order_id not in self.unit_counts:
            self.unit_counts[order_id] = unit_count(self.uow.session, order_id)
        return self.unit_counts[order_id]

    def next_prompt(self) -> dict[str, str]:
        """What this station asks for next."""
        if self.receipt_open:
            return prompts.render("receipt.scan_product")
        if self.station.role in (StationRole.RECEIPT, StationRole.UNIVERSAL):
            return prompts.render("receipt.scan_order")
        return prompts.render("lpn.scan")

    def describe(self) -> dict[str, Any]:
        """The `context` part of the response."""
        order, unit = self.order(), self.unit()
        out: dict[str, Any] = {
            "station": self.station.name,
            "role": self.station.role.value,
            "operator": {"name": self.operator.name, "badge": self.operator.badge}
            if self.operator
            else None,
            "step": self.state.step,
            "return_order": None,
            "unit": unit_view(unit) if unit else None,
            "checks": list((self.state.data or {}).get("checks", [])),
        }
        if order is not None:
            out["return_order"] = {
                "number": order.number,
                "order_code": order.order_code,
                "state": order.state.value,
                "announced": order.announced,
                "units": self.order_units(order.id),
            }
        return out
