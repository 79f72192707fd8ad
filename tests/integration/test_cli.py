"""The `wms` command line: migrations, demo data, registering stations, people and catalogue."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from wms.cli import cli
from wms.db.models import Bin, Operator, Product, Station, User
from wms.services import accounts


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Invoke `wms …` against a fresh SQLite database; returns (exit code, output)."""
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    monkeypatch.setenv("WMS_DATABASE__URL", url)
    monkeypatch.setenv("WMS_SERVER__SECRET_KEY", "cli-test-secret")
    monkeypatch.setenv("WMS_SECURITY__ARGON2_TIME_COST", "1")
    monkeypatch.setenv("WMS_SECURITY__ARGON2_MEMORY_KIB", "8192")
    monkeypatch.delenv("WMS_CONFIG", raising=False)
    runner = CliRunner()

    def invoke(*args: str, stdin: str | None = None) -> tuple[int, str]:
        result = runner.invoke(cli, list(args), input=stdin, catch_exceptions=False)
        return result.exit_code, result.output

    invoke.engine = lambda: sa.create_engine(url)  # type: ignore[attr-defined]
    return invoke


def test_db_upgrade_check_and_downgrade(run: Any) -> None:
    code, out = run("db", "check")
    assert code == 1
    assert "migrations head is" in out
    assert run("db", "upgrade")[0] == 0
    code, out = run("db", "check")
    assert (code, "no drift" in out) == (0, True)
    assert run("db", "downgrade", "base")[0] == 0
    assert sa.inspect(run.engine()).get_table_names() == ["alembic_version"]


def test_demo_is_idempotent_and_prints_everything_as_json(run: Any) -> None:
    run("db", "upgrade")
    code, first = run("demo", "--json")
    assert code == 0
    code, second = run("demo", "--json")
    assert code == 0
    data, again = json.loads(first), json.loads(second)
    assert data == again
    assert {m["code"] for m in data["merchants"]} == {"ALTYN", "KOKTEM"}
    assert any(s["marked"] for s in data["skus"])
    assert {s["role"] for s in data["stations"]} == {
        "receipt",
        "inspection",
        "repair",
        "repack",
        "putaway",
        "universal",
    }
    assert len(data["operators"]) == 3
    assert {u["role"] for u in data["users"]} >= {"supervisor", "merchant"}
    assert {b["zone"] for b in data["bins"]} >= {"stock_main", "stock_resale", "hold"}
    with run.engine().connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(Station)).scalar_one() == 6
        for station in data["stations"]:
            stored = conn.execute(
                sa.select(Station.token_hash).where(Station.name == station["name"])
            ).scalar_one()
            assert stored == accounts.hash_token(station["token"])


def test_registering_stations_people_and_catalogue(run: Any) -> None:
    run("db", "upgrade")
    code, token = run("station", "add", "dock-3", "--role", "receipt")
    assert code == 0
    assert token.strip().startswith("st_")
    assert run("station", "add", "dock-3", "--role", "receipt")[0] == 1  # names are unique
    assert run("operator", "add", "Асель", "--badge", "OP-0042")[0] == 0
    code, out = run("operator", "add", "Bad", "--badge", "badge-1")
    assert code == 1
    assert "OP-0001" in out
    assert run("merchant", "add", "SHOP1", "Магазин 1")[0] == 0
    code, out = run(
        "user",
        "add",
        "shop1",
        "--role",
        "merchant",
        "--merchant",
        "SHOP1",
        stdin="long-enough-pw\n",
    )
    assert code == 0, out
    code, out = run("user", "add", "short", "--role", "supervisor", stdin="short\n")
    assert code == 1
    assert "8 characters" in out
    assert run("user", "add", "nomerchant", "--role", "merchant", stdin="long-enough-pw\n")[0] == 1
    code, out = run(
        "product",
        "add",
        "--merchant",
        "SHOP1",
        "--sku",
        "S-1",
        "--title",
        "Товар",
        "--barcode",
        "4600000000008",
    )
    assert code == 0, out
    code, out = run(
        "product",
        "add",
        "--merchant",
        "SHOP1",
        "--sku",
        "S-2",
        "--title",
        "T",
        "--barcode",
        "4600000000001",
    )
    assert code == 1
    assert "check digit" in out
    assert run("bin", "add", "BIN-X-01", "--zone", "stock_main")[0] == 0
    assert run("bin", "add", "X-01", "--zone", "stock_main")[0] == 1
    code, out = run("integration", "add", "erp", "--merchant", "SHOP1")
    assert code == 0
    assert out.strip().startswith("it_")
    with run.engine().connect() as conn:
        assert conn.execute(sa.select(Operator.badge)).scalars().all() == ["OP-0042"]
        assert conn.execute(sa.select(User.login)).scalars().all() == ["shop1"]
        assert conn.execute(sa.select(Product.sku)).scalars().all() == ["S-1"]
        assert conn.execute(sa.select(Bin.code)).scalars().all() == ["BIN-X-01"]


def test_a_broken_configuration_is_a_clear_error(run: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WMS_DATABASE__NOPE", "1")
    code, out = run("db", "upgrade")
    assert code == 1
    assert "unknown key 'database.nope'" in out


def test_password_change_and_disabling_a_user_from_the_command_line(run: Any) -> None:
    run("db", "upgrade")
    assert run("user", "add", "boss", "--role", "supervisor", stdin="first-password\n")[0] == 0
    code, out = run("user", "password", "boss", stdin="second-password\n")
    assert code == 0, out
    assert run("user", "password", "nobody", stdin="second-password\n")[0] == 1
    with run.engine().connect() as conn:
        stored = conn.execute(sa.select(User.password_hash).where(User.login == "boss")).scalar()
    assert accounts.verify_password(stored, "second-password")
    assert run("user", "disable", "boss")[0] == 0
    with run.engine().connect() as conn:
        assert conn.execute(sa.select(User.active).where(User.login == "boss")).scalar() is False
    assert run("user", "enable", "boss")[0] == 0
