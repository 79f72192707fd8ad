"""Where things go on each label kind: LabelSpec -> Scene (millimetres, top-left origin).

Captions are Russian, the floor's default language. Fields the server left out are not printed,
and neither is their caption.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from labels.scene import LINE_PITCH, Align, Bars, Element, Matrix, Rule, Scene, Text
from labels.spec import LabelKind, LabelSpec, LabelSpecError


def scene_for(spec: LabelSpec) -> Scene:
    """The drawing of `spec` on a label of its size."""
    return Scene(spec.width_mm, spec.height_mm, tuple(_BUILDERS[spec.kind](spec)))


def _get(spec: LabelSpec, name: str) -> str:
    return spec.fields.get(name, "")


def _barcode(spec: LabelSpec, role: str) -> str:
    barcode = spec.barcode(role)
    if barcode is None or not barcode.data:
        raise LabelSpecError(f"a {spec.kind.value} label needs a {role!r} barcode")
    return barcode.data


def _join(*parts: str, sep: str = "   ") -> str:
    return sep.join(p for p in parts if p)


def _captioned(caption: str, value: str) -> str:
    return f"{caption}: {value}" if value else ""


def _unit(spec: LabelSpec) -> list[Element]:
    lpn = _barcode(spec, "lpn")
    marking = spec.barcode("marking_code")
    bars_width = 43.0 if marking else spec.width_mm
    out: list[Element] = [
        Text(2, 1.5, 54, 2.9, _get(spec, "title"), max_lines=2),
        Text(2, 8.8, 54, 2.5, _captioned("SKU", _get(spec, "sku"))),
        Text(30, 12.6, 26, 2.5, _get(spec, "grade"), Align.RIGHT),
        Bars(0, 16.8, bars_width, 10, lpn, module=0.375, hri_size=2.6),
        Text(2, 31.2, 36, 2.4, _captioned("Возврат", _get(spec, "order_code"))),
        Text(38, 31.2, 18, 2.4, _get(spec, "received_on"), Align.RIGHT),
        Text(2, 34.8, 54, 2.4, _get(spec, "merchant")),
    ]
    if _get(spec, "next_zone"):
        out.append(Text(2, 12.0, 32, 3.4, "→ " + _get(spec, "next_zone")))
    if marking and marking.data:
        out.append(Matrix(44, 16.3, 12.5, marking.data, Align.RIGHT))
    return out


def _return_slip(spec: LabelSpec) -> list[Element]:
    out: list[Element] = [
        Text(4, 4, 92, 5, "ВОЗВРАТНЫЙ ОРДЕР", Align.CENTER),
        Bars(0, 11, spec.width_mm, 16, _barcode(spec, "order_code"), module=0.375, hri_size=3.5),
        Rule(4, 32.5, 92, 0.3),
    ]
    rows = (
        ("Продавец", "merchant"),
        ("Маркетплейс", "marketplace"),
        ("Тип", "return_type"),
        ("Причина", "reason"),
        ("Закрыт", "closed_at"),
        ("Оператор", "operator"),
    )
    y = 34.0
    for caption, name in rows:
        if _get(spec, name):
            out.append(Text(4, y, 92, 3.4, _captioned(caption, _get(spec, name))))
            y += 4.5
    out.append(Rule(4, y + 0.5, 92, 0.3))
    out += _slip_lists(spec, y + 2.0, spec.height_mm - 4)
    return out


def _items(spec: LabelSpec, name: str) -> list[str]:
    return [line for line in _get(spec, name).split("\n") if line.strip()]


def _slip_lists(spec: LabelSpec, top: float, bottom: float) -> list[Element]:
    """Units, then missing and extra lines; flags get their room first, units take the rest."""
    size, head = 3.0, 3.8
    pitch, head_pitch = size * LINE_PITCH, head * LINE_PITCH + 0.6
    units = _items(spec, "units")
    flagged: list[tuple[str, list[str]]] = []
    for caption, name in (("Не хватает", "missing"), ("Лишние", "extra")):
        if items := _items(spec, name):
            flagged.append((f"{caption} ({len(items)}):", items))
    total_lines = int((bottom - top - head_pitch * (1 + len(flagged))) // pitch)
    flag_lines = [min(len(items), 5) for _, items in flagged]
    unit_lines = max(1, total_lines - sum(flag_lines))
    count = _get(spec, "unit_count") or str(len(units))
    sections = [(f"Единицы ({count}):", units, unit_lines)]
    sections += [(title, items, n) for (title, items), n in zip(flagged, flag_lines, strict=True)]
    out: list[Element] = []
    y = top
    for title, items, lines in sections:
        out.append(Text(4, y, 92, head, title))
        y += head_pitch
        for item in _shown(items, lines):
            out.append(Text(6, y, 90, size, item))
            y += pitch
    return out


def _shown(items: Sequence[str], lines: int) -> list[str]:
    if len(items) <= lines:
        return list(items)
    return list(items[: lines - 1]) + [f"… ещё {len(items) - lines + 1}"]


def _bin(spec: LabelSpec) -> list[Element]:
    code = _barcode(spec, "bin")
    zone = _join(_captioned("Зона", _get(spec, "zone")), _get(spec, "zone_title"), sep=" — ")
    return [
        Bars(0, 4, spec.width_mm, 22, code, module=0.5),
        Text(4, 27.5, 92, 7, _get(spec, "bin") or code, Align.CENTER),
        Text(4, 38, 92, 4.5, zone, Align.CENTER),
    ]


def _resale(spec: LabelSpec) -> list[Element]:
    price = _get(spec, "price")
    return [
        Text(2, 1.8, 54, 5.5, _get(spec, "headline"), Align.CENTER),
        Text(2, 9.8, 54, 2.8, _get(spec, "title"), Align.CENTER, max_lines=2),
        Text(2, 17.2, 54, 3.6, _captioned("Цена", price), Align.CENTER),
        Bars(0, 23, spec.width_mm, 9, _barcode(spec, "lpn"), module=0.375, hri_size=2.6),
    ]


def _badge(spec: LabelSpec) -> list[Element]:
    return [
        Text(4, 4, 78, 6, _get(spec, "name"), Align.CENTER, max_lines=2),
        Text(4, 19.5, 78, 3.6, _get(spec, "role"), Align.CENTER),
        Bars(0, 26, spec.width_mm, 16, _barcode(spec, "badge"), module=0.5, hri_size=3.5),
    ]


def _station_login(spec: LabelSpec) -> list[Element]:
    # No human-readable line: the code is a secret, typing it is what the token is for.
    return [
        Text(4, 3, 78, 3.6, _get(spec, "headline"), Align.CENTER),
        Text(4, 9, 78, 6, _get(spec, "station"), Align.CENTER),
        Text(4, 17.5, 78, 3.6, _get(spec, "role"), Align.CENTER),
        Bars(0, 24, spec.width_mm, 22, _barcode(spec, "login"), module=0.375),
    ]


def _printer(spec: LabelSpec) -> list[Element]:
    return [
        Text(2, 1.5, 54, 3.4, _get(spec, "headline"), Align.CENTER),
        Text(2, 6.2, 54, 4.2, _get(spec, "printer"), Align.CENTER),
        Bars(0, 12.5, spec.width_mm, 14, _barcode(spec, "printer"), module=0.375, hri_size=2.6),
        Text(2, 33.5, 54, 2.6, _get(spec, "where"), Align.CENTER),
    ]


_BUILDERS: dict[LabelKind, Callable[[LabelSpec], list[Element]]] = {
    LabelKind.UNIT: _unit,
    LabelKind.RETURN_SLIP: _return_slip,
    LabelKind.BIN: _bin,
    LabelKind.RESALE_STICKER: _resale,
    LabelKind.BADGE: _badge,
    LabelKind.STATION_LOGIN: _station_login,
    LabelKind.PRINTER: _printer,
}
