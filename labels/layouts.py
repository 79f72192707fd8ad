"""Builders of the label layouts the server asks stations to print (pure data, no rendering)."""

from __future__ import annotations

from collections.abc import Sequence

from labels.spec import Barcode, LabelKind, LabelSpec, Symbology, make


def unit_label(
    *,
    lpn: str,
    sku: str,
    title: str,
    grade: str | None = None,
    next_zone: str | None = None,
    order_code: str | None = None,
    received_on: str | None = None,
    merchant: str | None = None,
    marking_code: str | None = None,
) -> LabelSpec:
    """58x40 mm unit label: LPN as Code 128, SKU, short title, grade, next zone, order, date."""
    barcodes = [Barcode("lpn", Symbology.CODE128, lpn)]
    if marking_code:
        barcodes.append(Barcode("marking_code", Symbology.GS1_DATAMATRIX, marking_code))
    fields = {
        "lpn": lpn,
        "sku": sku,
        "title": title,
        "grade": grade,
        "next_zone": next_zone,
        "order_code": order_code,
        "received_on": received_on,
        "merchant": merchant,
    }
    return make(LabelKind.UNIT, fields, *barcodes)


def return_slip(
    *,
    order_code: str,
    merchant: str,
    marketplace: str,
    return_type: str,
    reason: str,
    units: Sequence[str],
    missing: Sequence[str] = (),
    extra: Sequence[str] = (),
    closed_at: str | None = None,
    operator: str | None = None,
) -> LabelSpec:
    """100x150 mm return-order slip: order code barcode, what was received, flags."""
    fields = {
        "order_code": order_code,
        "merchant": merchant,
        "marketplace": marketplace,
        "return_type": return_type,
        "reason": reason,
        "unit_count": str(len(units)),
        "units": "\n".join(units),
        "missing": "\n".join(missing),
        "extra": "\n".join(extra),
        "closed_at": closed_at,
        "operator": operator,
    }
    return make(LabelKind.RETURN_SLIP, fields, Barcode("order_code", Symbology.CODE128, order_code))


def bin_label(*, code: str, zone: str, zone_title: str | None = None) -> LabelSpec:
    """Bin label: `BIN-<code>` as Code 128 with the zone it belongs to."""
    data = code if code.startswith("BIN-") else f"BIN-{code}"
    fields = {"bin": data, "zone": zone, "zone_title": zone_title}
    return make(LabelKind.BIN, fields, Barcode("bin", Symbology.CODE128, data))


def resale_sticker(
    *, lpn: str, discount_percent: int, title: str | None = None, price: str | None = None
) -> LabelSpec:
    """Resale sticker: "Ресейл −N %" with the LPN, stuck on repacked used goods."""
    fields = {
        "headline": f"Ресейл −{discount_percent} %",
        "discount_percent": str(discount_percent),
        "lpn": lpn,
        "title": title,
        "price": price,
    }
    return make(LabelKind.RESALE_STICKER, fields, Barcode("lpn", Symbology.CODE128, lpn))


def badge(*, name: str, badge_code: str, role: str | None = None) -> LabelSpec:
    """Operator badge: name and the `OP-…` code as Code 128."""
    fields = {"name": name, "badge": badge_code, "role": role}
    return make(LabelKind.BADGE, fields, Barcode("badge", Symbology.CODE128, badge_code))


def station_login(*, station: str, login_code: str, role: str | None = None) -> LabelSpec:
    """Handheld login card: the station's name and its secret login code as Code 128 (no text)."""
    fields = {"station": station, "role": role, "headline": "Вход станции · Station login"}
    return make(LabelKind.STATION_LOGIN, fields, Barcode("login", Symbology.CODE128, login_code))


def printer_label(*, name: str, where: str | None = None) -> LabelSpec:
    """Printer label: `PRN-<name>` as Code 128; a station that scans it prints there."""
    data = name if name.startswith("PRN-") else f"PRN-{name}"
    fields = {"headline": "Печатать здесь", "printer": data.removeprefix("PRN-"), "where": where}
    return make(LabelKind.PRINTER, fields, Barcode("printer", Symbology.CODE128, data))
