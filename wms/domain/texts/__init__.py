"""The message catalogue in ru/en/kk, one module per area; `wms.domain.prompts` renders it.

Each area module holds a `MESSAGES` mapping (key → (ru, en, kk)); add a new area by writing a
module and listing it below. A key defined twice is an error at import time.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import ModuleType

from wms.domain.texts import (
    admin,
    billing,
    claim_exchange,
    claims,
    clips,
    dashboard,
    edge,
    errors,
    floor,
    handheld,
    jobs,
    printing,
    scan,
)
from wms.domain.texts.terms import TERMS

AREAS: tuple[ModuleType, ...] = (
    errors,
    admin,
    scan,
    dashboard,
    jobs,
    clips,
    handheld,
    printing,
    billing,
    claims,
    claim_exchange,
    floor,
    edge,
)


def _merge(areas: tuple[ModuleType, ...]) -> dict[str, tuple[str, str, str]]:
    merged: dict[str, tuple[str, str, str]] = {}
    for area in areas:
        catalogue: Mapping[str, tuple[str, str, str]] = area.MESSAGES
        if clash := merged.keys() & catalogue.keys():
            raise ValueError(f"message keys defined twice ({area.__name__}): {sorted(clash)}")
        merged.update(catalogue)
    return merged


MESSAGES: Mapping[str, tuple[str, str, str]] = _merge(AREAS)

__all__ = ["MESSAGES", "TERMS"]
