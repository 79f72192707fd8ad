"""`wms claims list|show|act` against the test database (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner

from tests.integration.test_scan_flows import HEADPHONES, receive
from wms.cli import cli


@pytest.fixture
def wms(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Invoke `wms …` on the test database; returns (exit code, output)."""
    monkeypatch.setenv("WMS_DATABASE__URL", settings.database.url)
    monkeypatch.delenv("WMS_CONFIG", raising=False)
    runner = CliRunner()

    def invoke(*args: str) -> tuple[int, str]:
        result = runner.invoke(cli, list(args), catch_exceptions=False)
        return result.exit_code, result.output

    return invoke


def test_list_show_and_act(wms: Any, station: Any, wb_claim_id: int) -> None:
    receive(station("receipt"), "512345678", HEADPHONES)  # ALT-PC-03 × 2 never came
    code, out = wms("claims", "list", "--json")
    assert code == 0, out
    rows = json.loads(out)
    assert {r["marketplace"] for r in rows} == {"wildberries", "kaspi"}
    wb = next(r for r in rows if r["id"] == wb_claim_id)
    assert (wb["state"], wb["merchant"], wb["claimed"]) == ("under_review", "ALTYN", "15990.00")
    shortage = next(r for r in rows if r["id"] != wb_claim_id)
    assert shortage["return_number"].startswith("RO-")
    assert shortage["state"] == "draft"
    assert shortage["due_at"]

    code, out = wms("claims", "list", "--marketplace", "wildberries")
    assert code == 0
    assert wb["number"] in out
    assert shortage["number"] not in out

    code, out = wms("claims", "act", shortage["number"], "submit", "--note", "filed in cabinet")
    assert (code, out.strip()) == (0, f"{shortage['number']}: submitted")
    code, out = wms("claims", "act", shortage["number"], "settle")
    assert code == 1
    assert "cannot settle" in out

    code, out = wms("claims", "show", shortage["number"])
    view = json.loads(out)
    assert [t["action"] for t in view["timeline"]] == ["open", "submit"]
    assert view["timeline"][1]["payload"]["note"] == "filed in cabinet"
    assert view["lines"][0]["sku"] == "ALT-PC-03"
    assert "approve" in view["actions"]
    assert view["evidence"]["clips"] == []
