"""Labels per second for the unit label, ZPL and PDF, next to a floor measured in the same run.

The floor is plain string formatting of the same fields into a ZPL-like template: what any
renderer must at least spend. Prints one JSON line. `--quick` runs for a few seconds.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

# This script is named like the package it measures: keep its folder off the import path.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]

from labels import layouts  # noqa: E402
from labels.pdf import render_pdf  # noqa: E402
from labels.zpl import render_zpl  # noqa: E402

FIELDS = {
    "lpn": "LPN0000000123",
    "sku": "NK-AM90-42",
    "title": "Кроссовки Nike Air Max 90, чёрные, размер 42 — қазақша",
    "grade": "годен",
    "next_zone": "stock_main",
    "order_code": "KSP-598213",
    "received_on": "2025-01-31",
    "merchant": "ТОО Әлем Спорт",
    "marking_code": "0104690257528523"
    "21k3LInNbH_oG0Q\x1d91EE06\x1d92YXiyQ2R5dGVzdDEy"
    "MzQ1Njc4OTBhYmNkZWZnaGlqa2xtbm9wcXJzdHV2dw==",
}
TEMPLATE = (
    "^XA^CI28^PW464^LL320^FO16,12^A1N,23,23^FD{title}^FS^FO16,70^A1N,20,20^FDSKU: {sku}^FS"
    "^FO16,96^A1N,27,27^FD{next_zone}^FS^FO240,100^A1N,20,20^FD{grade}^FS"
    "^FO38,134^BY2^BCN,80,N,N,N,N^FD{lpn}^FS^FO16,249^A1N,19,19^FD{order_code}^FS"
    "^FO304,249^A1N,19,19^FD{received_on}^FS^FO16,278^A1N,19,19^FD{merchant}^FS"
    "^FO372,130^BXN,2,200,0,0,6,_^FD{marking_code}^FS^PQ1^XZ"
)


def floor_label(serial: int) -> str:
    """The same fields pasted into a fixed template: no layout, no escaping, no barcodes."""
    return TEMPLATE.format(**{**FIELDS, "lpn": f"LPN{serial:010d}"})


def zpl_label(serial: int) -> str:
    """Build the spec and render it for a 203 dpi printer, as a station does per scan."""
    return render_zpl(layouts.unit_label(**{**FIELDS, "lpn": f"LPN{serial:010d}"}), 203)


def pdf_label(serial: int) -> bytes:
    """Build the spec and render the PDF preview the server offers."""
    return render_pdf(layouts.unit_label(**{**FIELDS, "lpn": f"LPN{serial:010d}"}))


def rate(render: Callable[[int], object], seconds: float) -> float:
    """Labels per second over at least `seconds` (after one warm-up call)."""
    render(0)
    count, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        for _ in range(10):
            render(count)
            count += 1
    return count / elapsed


def main() -> None:
    """Run the three measurements and print one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="about 3 s instead of 15 s")
    seconds = 1.0 if parser.parse_args().quick else 5.0
    floor = rate(floor_label, seconds)
    zpl = rate(zpl_label, seconds)
    pdf = rate(pdf_label, seconds)
    result = {
        "bench": "labels",
        "zpl_per_s": round(zpl, 1),
        "pdf_per_s": round(pdf, 1),
        "floor_per_s": round(floor, 1),
        "zpl_ratio": round(zpl / floor, 5),
        "pdf_ratio": round(pdf / floor, 6),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
