"""Fixtures: the demo site (migrated once), a served copy per test, station rigs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.stations.rig import StationRig
from tests.e2e.stations.site import DemoSite, WmsServer, build_site


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> DemoSite:
    """`wms db upgrade` + `wms demo --json` once per session (per xdist worker)."""
    return build_site(tmp_path_factory.mktemp("wms-site"))


@pytest.fixture
def server(site: DemoSite, tmp_path: Path) -> Iterator[WmsServer]:
    """`wms serve` on this test's own copy of the demo database."""
    directory = tmp_path / "server"
    directory.mkdir()
    wms = WmsServer(site, directory).start()
    yield wms
    wms.stop()


@pytest.fixture
def rig(server: WmsServer, tmp_path: Path) -> Iterator[Callable[..., StationRig]]:
    """Make started station rigs by role; all stopped at the end."""
    made: list[StationRig] = []

    def make(role: str, **options: Any) -> StationRig:
        station = StationRig(tmp_path / f"station-{role}-{len(made)}", server, role, **options)
        made.append(station)
        return station.start()

    yield make
    for station in made:
        station.stop()
