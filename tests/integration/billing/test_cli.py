"""`wms billing …` end to end on a fresh SQLite database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import sqlalchemy as sa

GOOD = """merchant,service,qualifier,valid_from,valid_to,first_qty,price_first,price_additional,min_charge,max_charge,percent,vat_percent
,receipt_unit,,2026-01-01,,,100,,,,,12
ALTYN,inspection_unit,phones,2026-01-01,,,350,,,,,12
,claim_handling,,2026-01-01,,,,,1000,20000,8,12
"""
BAD = """merchant,service,qualifier,valid_from,valid_to,first_qty,price_first,price_additional,min_charge,max_charge,percent,vat_percent
,repack,,2026-01-01,,,150,,,,,12
,receipt_unit,,2026-06-01,,,120,,,,,12
,teleport,,2026-01-01,,,1,,,,,12
NOBODY,repack,,2026-01-01,,,-3,,,,,12
"""


def test_rates_import_run_list(run: Any, tmp_path: Path) -> None:
    assert run("db", "upgrade")[0] == 0
    assert run("demo")[0] == 0
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text(GOOD, encoding="utf-8")
    bad.write_text(BAD, encoding="utf-8")
    code, out = run("billing", "rates", "import", str(good))
    assert (code, "3 rate lines imported" in out) == (0, True), out
    code, out = run("billing", "rates", "import", str(bad))
    assert code == 1
    # Every bad line is named, the good one (line 2) imports nothing either.
    for needle in (
        "Line 3: validity overlaps",
        "Line 4: unknown service",
        "Line 5: unknown merchant",
    ):
        assert needle in out, out
    assert "Line 5: price_first is negative" in out
    with run.engine().connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM billing_rates")).scalar_one() == 3
    code, out = run("billing", "run", "--period", "2026-13")
    assert code == 1
    assert "YYYY-MM" in out
    code, out = run("billing", "run", "--period", "2026-01", "--json")
    assert code == 0, out
    results = json.loads(out)
    assert {r["merchant"] for r in results} == {"ALTYN", "KOKTEM"}
    assert all(r["state"] == "draft" for r in results)
    code, out = run("billing", "list", "--json")
    rows = json.loads(out)
    assert {(r["merchant"], r["period"], r["state"]) for r in rows} == {
        ("ALTYN", "2026-01", "draft"),
        ("KOKTEM", "2026-01", "draft"),
    }
    first = rows[0]["id"]
    code, out = run("billing", "finalise", str(first))
    assert code == 0
    assert "INV-0000001" in out
    code, out = run("billing", "finalise", str(first))
    assert code == 1
    assert "cannot finalise" in out
    for name in ("inv.pdf", "inv.xlsx"):
        code, out = run("billing", "invoice", str(first), "-o", str(tmp_path / name))
        assert code == 0, out
        assert (tmp_path / name).stat().st_size > 1000
    assert (tmp_path / "inv.pdf").read_bytes().startswith(b"%PDF")
    code, out = run("billing", "invoice", str(first), "-o", str(tmp_path / "inv.doc"))
    assert code == 1
    assert ".pdf or .xlsx" in out
    code, out = run("billing", "invoice", "999", "-o", str(tmp_path / "none.pdf"))
    assert code == 1
    assert "999" in out
    assert not (tmp_path / "none.pdf").exists()
    code, out = run("billing", "list")
    assert "INV-0000001" in out
    assert "final" in out


def test_unknown_merchant(run: Any) -> None:
    run("db", "upgrade")
    code, out = run("billing", "run", "--period", "2026-01", "--merchant", "NOPE")
    assert code == 1
    assert "NOPE" in out
