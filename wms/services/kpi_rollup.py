"""KPI rollups (being written)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wms.db.session import Database


@dataclass
class Report:
    """What a refresh did."""

    days: int = 0

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {"days": self.days}


def refresh(db: Database, state: dict[str, Any]) -> Report:
    """Roll up the closed days that changed."""
    return Report()
