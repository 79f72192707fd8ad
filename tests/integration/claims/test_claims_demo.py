"""`wms demo --simulate` writes claims in every state through the services."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from tests.integration.dashboard.pages import logged_in
from wms.db.models import Claim
from wms.domain.claims import ClaimState


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_simulation_writes_claims_in_every_state(app: Any, demo: dict[str, Any]) -> None:
    from wms.services.simulate import simulate

    wms = app.extensions["wms"]
    stats = simulate(wms.db, wms.settings, 5, scale=0.5)
    assert stats["claims_imported"] == 2
    with wms.db.reading() as s:
        states = set(s.execute(sa.select(Claim.state).distinct()).scalars())
        amounts = s.execute(sa.select(Claim.claimed_tiyn, Claim.recovered_tiyn, Claim.state)).all()
    assert states == set(ClaimState)
    assert all(0 <= recovered <= claimed for claimed, recovered, _ in amounts)
    assert all(recovered > 0 for _, recovered, state in amounts if state is ClaimState.SETTLED)
    client = logged_in(app, "supervisor")
    for url in ["/claims", "/claims/kpis", "/claims/kpis?by=reason", "/floor"]:
        assert client.get(url).status_code == 200, url
