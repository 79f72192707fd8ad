"""Backup and restore as docs/operations.md says: pg_dump, files to a tarball, restore into an
empty database, `wms db check`, and the same stock totals, ledger, returns and photos."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.conftest import _worker
from tests.integration.test_scan_flows import HEADPHONES, inspect, putaway, receive
from tests.support import PG_ADMIN_URL, need_tool

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]
ROOT = Path(__file__).resolve().parents[3]
TABLES = {
    "stock_totals": "merchant_id, product_id, channel",
    "stock_levels": "merchant_id, product_id, channel, bin_id",
    "stock_ledger": "id",
    "units": "id",
    "return_orders": "id",
    "audit_events": "id",
}


@pytest.fixture
def backend() -> str:
    return "postgres"


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def _rows(url: str) -> dict[str, list[tuple[Any, ...]]]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            out = {}
            for table, key in TABLES.items():
                query = sa.text(f"SELECT * FROM {table} ORDER BY {key}")  # noqa: S608 (constants)
                out[table] = [tuple(r) for r in conn.execute(query)]
            return out
    finally:
        engine.dispose()


def _files(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_a_dump_restores_into_an_empty_database_with_identical_stock(
    settings: Any, station: Any, database: Any, tmp_path: Path
) -> None:
    pg_dump, pg_restore = need_tool("pg_dump"), need_tool("pg_restore")
    # some work: the demo's opening stock, a return received, inspected and put away
    (lpn,) = receive(station("receipt"), "512345678", HEADPHONES)
    inspect(station("inspection"), lpn, [], "GRADE-RESELLABLE")
    putaway(station("putaway"), lpn, "BIN-M-01-02")
    photos = Path(settings.storage.photo_dir)
    (photos / "2026" / "12").mkdir(parents=True, exist_ok=True)
    (photos / "2026" / "12" / f"{lpn}-1.jpg").write_bytes(os.urandom(4096))
    (photos / "2026" / "12" / f"{lpn}-1.thumb.jpg").write_bytes(os.urandom(512))

    source = settings.database.url
    dump = tmp_path / "wms.dump"
    subprocess.run(
        [pg_dump, "--format=custom", f"--file={dump}", f"--dbname={_libpq(source)}"], check=True
    )
    archive = tmp_path / "files.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(photos, arcname="photos")

    name = f"wms_test_restore_{_worker()}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    target = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        subprocess.run(
            [pg_restore, "--no-owner", f"--dbname={_libpq(target)}", str(dump)], check=True
        )
        check = subprocess.run(
            [sys.executable, "-c", "from wms.cli import main; main()", "db", "check"],
            cwd=ROOT,
            env={**os.environ, "WMS_DATABASE__URL": target},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert check.returncode == 0, check.stdout + check.stderr
        assert "no drift" in check.stdout
        before, after = _rows(source), _rows(target)
        assert before["stock_ledger"]  # there is something to compare
        for table in TABLES:
            assert after[table] == before[table], table
        restored = tmp_path / "restored"
        with tarfile.open(archive) as tar:
            tar.extractall(restored, filter="data")
        assert _files(restored / "photos") == _files(photos)
        assert len(_files(photos)) == 2
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
