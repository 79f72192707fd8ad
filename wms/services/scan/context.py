"""What a scan script works with: station, session, operator, and the reply it builds."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from labels.spec import LabelSpec
from wms.db.models import Operator, ReturnOrder, StationRole, StationSession, Unit
from wms.domain import prompts
from wms.domain.barcodes import Classified
from wms.domain.units import UnitState
from wms.services.units import get_order, get_unit_by_id, unit_view
from wms.services.uow import Actor, UnitOfWork

IDLE = "idle"


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


@dataclass
class ScanContext:
    """One scan being handled inside its unit of work."""

    uow: UnitOfWork
    station: StationInfo
    state: StationSession
    code: Classified
    offline_lpn: str | None
    decision_hours: float
    operator: OperatorInfo | None = None
    unit_counts: dict[int, int] = field(default_factory=dict)

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
    def step(self) -> str:
        """The current step of the station session."""
        return self.state.step

    def set_step(
        self,
        step: str,
        *,
        order_id: int | None = None,
        unit_id: int | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        """Move the station session to a step with its work item."""
        self.state.step = step
        self.state.return_order_id = order_id
        self.state.unit_id = unit_id
        last_print = self.state.data.get("last_print") if self.state.data else None
        new_data = dict(data or {})
        if last_print:
            new_data["last_print"] = last_print
        self.state.data = new_data

    def reset(self) -> None:
        """Back to idle, keeping the operator and what was last printed."""
        self.set_step(IDLE)

    def update_data(self, **values: Any) -> None:
        """Change step data (assigning a new dict so the JSON column is saved)."""
        self.state.data = {**(self.state.data or {}), **values}

    def order(self) -> ReturnOrder | None:
        """The return order being received, if any."""
        if self.state.return_order_id is None:
            return None
        return get_order(self.uow.session, self.state.return_order_id, self.actor)

    def unit(self) -> Unit | None:
        """The unit being worked on, if any."""
        if self.state.unit_id is None:
            return None
        return get_unit_by_id(self.uow.session, self.state.unit_id)

    def order_units(self, order_id: int) -> int:
        """Live units of an order (counted once per scan; call after the scan's changes)."""
        if order_id not in self.unit_counts:
            self.unit_counts[order_id] = int(
                self.uow.session.execute(
                    sa.select(sa.func.count()).where(
                        Unit.return_order_id == order_id, Unit.state != UnitState.VOIDED
                    )
                ).scalar_one()
            )
        return self.unit_counts[order_id]

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
            "unit": unit_view(self.uow.session, unit) if unit else None,
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
