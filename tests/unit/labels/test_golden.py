"""ZPL output pinned byte for byte.

After an intended layout change, regenerate and review the diff:
    UPDATE_GOLDEN=1 .venv/bin/pytest tests/unit/labels/test_golden.py
"""

import os
from pathlib import Path

import pytest

from labels.zpl import render_zpl
from tests.support import IN_CI
from tests.unit.labels.samples import BUILDERS, check_zpl, sample

GOLDEN = Path(__file__).resolve().parents[2] / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


@pytest.mark.parametrize("layout", sorted(BUILDERS))
@pytest.mark.parametrize("dpi", [203, 300])
def test_zpl_matches_the_golden_file(layout, dpi):
    path = GOLDEN / f"{layout}_{dpi}.zpl"
    zpl = render_zpl(sample(layout), dpi)
    check_zpl(zpl)
    if UPDATE and not IN_CI:
        path.write_text(zpl, encoding="utf-8", newline="\n")
    assert path.read_text(encoding="utf-8") == zpl
