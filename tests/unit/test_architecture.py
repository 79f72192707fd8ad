"""Architecture rules that import-linter cannot express."""

from __future__ import annotations

import re
from pathlib import Path

WMS = Path(__file__).resolve().parents[2] / "wms"


def test_the_web_layer_never_commits() -> None:
    offenders = [
        f"{path.relative_to(WMS.parent)}:{n}"
        for path in (WMS / "web").rglob("*.py")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\.(commit|begin)\(", line)
    ]
    assert not offenders, (
        "web handlers must call a service (wms.web.context.run) instead: " + ", ".join(offenders)
    )
