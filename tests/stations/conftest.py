"""Fixtures for the station tests: pseudo-terminals standing in for serial scanners."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.stations.ptys import Pty, open_pty, point_link

__all__ = ["Pty", "open_pty", "point_link"]


@pytest.fixture
def pty_factory() -> Iterator[list[Pty]]:
    made: list[Pty] = []
    yield made
    for p in made:
        if not p.closed:
            p.unplug()


@pytest.fixture
def pty_pair(pty_factory: list[Pty]) -> Pty:
    p = open_pty()
    pty_factory.append(p)
    return p
