"""Fixed sample labels (golden files, scan-back tests) and the ZPL structure checker."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote_to_bytes

from labels import layouts
from labels.spec import LabelSpec
from labels.text import estimated_em
from labels.zpl import ESTIMATE_MARGIN

MARKING_CODE = (
    "0104690257528523"
    "21k3LInNbH_oG0Q"
    "\x1d"
    "91EE06"
    "\x1d"
    "92YXiyQ2R5dGVzdDEyMzQ1Njc4OTBhYmNkZWZnaGlqa2xtbm9wcXJzdHV2dw=="
)
KAZAKH = "әғқңөұүһі"

BUILDERS: dict[str, Callable[..., LabelSpec]] = {
    "unit": layouts.unit_label,
    "return_slip": layouts.return_slip,
    "bin": layouts.bin_label,
    "resale_sticker": layouts.resale_sticker,
    "badge": layouts.badge,
    "printer": layouts.printer_label,
}

DATA: dict[str, dict[str, Any]] = {
    "unit": {
        "lpn": "LPN0000000123",
        "sku": "NK-AM90-42",
        "title": f"Кроссовки Nike Air Max 90, чёрные, 42 — {KAZAKH}",
        "grade": "годен",
        "next_zone": "stock_main",
        "order_code": "KSP-598213",
        "received_on": "2025-01-31",
        "merchant": "ТОО Әлем Спорт",
        "marking_code": MARKING_CODE,
    },
    "return_slip": {
        "order_code": "598213774",
        "merchant": "ТОО Әлем Спорт",
        "marketplace": "Kaspi.kz",
        "return_type": "customer_return",
        "reason": "not_as_described",
        "units": [f"LPN00000001{i:02d} NK-AM90-42 Кроссовки" for i in range(24)],
        "missing": ["NK-CAP-01 Кепка ^ ~ _"],
        "extra": ["4601234567893 Неизвестный товар"],
        "closed_at": "2025-01-31 14:02",
        "operator": "Айгерим Н.",
    },
    "bin": {"code": "A-01-02", "zone": "stock_main", "zone_title": "Основной склад"},
    "resale_sticker": {
        "lpn": "LPN0000000123",
        "discount_percent": 10,
        "title": "Кроссовки Nike Air Max 90",
        "price": "45 990 ₸",
    },
    "badge": {"name": "Айгерим Нұрланқызы", "badge_code": "OP-0042", "role": "Приёмка"},
    "printer": {"name": "ZEBRA-2", "where": "Приёмка, стол 2 — Қабылдау"},
}

# What each sample's barcodes must decode to (zxing-cpp, plain text mode).
EXPECTED: dict[str, set[str]] = {
    "unit": {"LPN0000000123", MARKING_CODE},
    "return_slip": {"598213774"},
    "bin": {"BIN-A-01-02"},
    "resale_sticker": {"LPN0000000123"},
    "badge": {"OP-0042"},
    "printer": {"PRN-ZEBRA-2"},
}


def sample(layout: str) -> LabelSpec:
    """The fixed sample spec of a layout."""
    return BUILDERS[layout](**DATA[layout])


_FIELD = re.compile(r"\^FD(.*?)\^FS", re.DOTALL)
_HEX = re.compile(r"_[0-9A-F]{2}")
_COMMAND = re.compile(r"\^[A-Z@][A-Z0-9@]?[^\^~]*")


def check_zpl(zpl: str) -> list[str]:
    """Assert the ZPL is well formed; return the decoded text of every field, in order."""
    assert zpl.startswith("^XA\n"), "one format: ^XA … ^XZ"
    assert zpl.endswith("^XZ\n")
    assert zpl.count("^XA") == 1
    assert zpl.count("^XZ") == 1
    assert "^CI28" in zpl
    fields = _FIELD.findall(zpl)
    # An unclosed ^FD would swallow the next command: the caret check below catches it.
    assert zpl.count("^FD") == len(fields), "every ^FD closed by ^FS"
    # Outside field data there are only commands, one per line.
    rest = _FIELD.sub("^FD^FS", zpl)
    for line in rest.splitlines():
        assert _COMMAND.sub("", line) == "", f"stray text outside commands: {line!r}"
    label_width = int(re.search(r"\^PW(\d+)", zpl).group(1))
    texts = []
    for prefix, data in re.findall(r"([^\n]*?)\^FD(.*?)\^FS", zpl, re.DOTALL):
        assert not any(c in "^~" or ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in data), data
        texts.append(_decode_field(prefix, data))
        _check_fits(prefix, texts[-1], label_width)
    return texts


def _check_fits(prefix: str, text: str, label_width: int) -> None:
    """Free text (TTF font 1) stays inside its field block and the label, by the estimate."""
    font = re.search(r"\^A1N,(\d+),", prefix)
    if not font:
        return
    x = int(re.search(r"\^FO(\d+),", prefix).group(1))
    width = sum(estimated_em(c) for c in text) * int(font.group(1)) * ESTIMATE_MARGIN
    block = re.search(r"\^FB(\d+),", prefix)
    room = int(block.group(1)) if block else label_width - x
    assert x + room <= label_width, prefix
    assert width <= room, f"{text!r} is {width:.0f} dots wide, room {room}"


def _decode_field(prefix: str, data: str) -> str:
    if "^BX" in prefix:  # Data Matrix escapes: `_1` FNC1, `__` underscore
        assert re.fullmatch(r"(?:[^_]|_1|__)*", data), data
        assert data.startswith("_1"), "GS1: FNC1 in first position"
        return data[2:].replace("__", "\0").replace("_1", "\x1d").replace("\0", "_")
    if "^BC" in prefix:  # mode N: start code, then `>5`/`>6` code-set switches only
        assert re.fullmatch(r">[:;](?:[^>]|>[56])*", data), data
        return re.sub(r">[:;56]", "", data)
    if "^FB" in prefix:
        data = data.replace("\\\\", "\\")
    if "_" in data:
        assert prefix.endswith("^FH"), f"escaped data without ^FH: {data!r}"
        assert "_" not in _HEX.sub("", data), f"bad hex escape in {data!r}"
        raw = _HEX.sub(lambda m: f"%{m.group()[1:]}", data.replace("%", "%25"))
        return unquote_to_bytes(raw).decode("utf-8")
    return data
