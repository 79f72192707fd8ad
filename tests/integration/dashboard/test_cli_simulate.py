"""`wms demo --simulate DAYS`: history through the services; `wms demo --json` stays unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from wms.cli import cli
from wms.db.models import AuditEvent, MerchantOrderCount, ReturnOrder, Unit


def test_demo_simulate_writes_history_once_and_keeps_the_json_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'sim.sqlite'}"
    monkeypatch.setenv("WMS_DATABASE__URL", url)
    monkeypatch.setenv("WMS_STORAGE__PHOTO_DIR", str(tmp_path / "photos"))
    monkeypatch.setenv("WMS_SERVER__SECRET_KEY", "simulate-test-secret")
    monkeypatch.delenv("WMS_CONFIG", raising=False)
    runner = CliRunner()
    assert runner.invoke(cli, ["db", "upgrade"], catch_exceptions=False).exit_code == 0
    plain = runner.invoke(cli, ["demo", "--json"], catch_exceptions=False)
    first = runner.invoke(cli, ["demo", "--simulate", "4"], catch_exceptions=False)
    assert first.exit_code == 0
    assert "simulated: days 4" in first.output
    again = runner.invoke(cli, ["demo", "--json", "--simulate", "4"], catch_exceptions=False)
    assert again.exit_code == 0
    assert json.loads(again.stdout) == json.loads(plain.output)
    assert "skipped" in again.stderr
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        orders = conn.execute(sa.select(sa.func.count()).select_from(ReturnOrder)).scalar_one()
        units = conn.execute(sa.select(sa.func.count()).select_from(Unit)).scalar_one()
        events = conn.execute(sa.select(sa.func.min(AuditEvent.created_at))).scalar_one()
        counts = conn.execute(
            sa.select(sa.func.count()).select_from(MerchantOrderCount)
        ).scalar_one()
    engine.dispose()
    assert orders > 100
    assert units > 50
    assert events is not None
    assert counts >= 16
    bad = runner.invoke(cli, ["demo", "--simulate", "0"])
    assert bad.exit_code == 2
