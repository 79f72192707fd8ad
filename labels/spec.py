"""LabelSpec: what to print, independent of the printer; travels as JSON from server to station."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class LabelKind(StrEnum):
    """The label layouts the warehouse prints."""

    UNIT = "unit"
    RETURN_SLIP = "return_slip"
    BIN = "bin"
    RESALE_STICKER = "resale_sticker"
    BADGE = "badge"
    STATION_LOGIN = "station_login"
    PRINTER = "printer"


class Symbology(StrEnum):
    """Barcode symbologies our labels use."""

    CODE128 = "code128"
    GS1_DATAMATRIX = "gs1_datamatrix"
    QR = "qr"


# Default physical sizes in millimetres (DESIGN 5).
DEFAULT_SIZES_MM: Mapping[LabelKind, tuple[float, float]] = {
    LabelKind.UNIT: (58.0, 40.0),
    LabelKind.RETURN_SLIP: (100.0, 150.0),
    LabelKind.BIN: (100.0, 50.0),
    LabelKind.RESALE_STICKER: (58.0, 40.0),
    LabelKind.BADGE: (86.0, 54.0),
    LabelKind.STATION_LOGIN: (86.0, 54.0),
    LabelKind.PRINTER: (58.0, 40.0),
}


class LabelSpecError(ValueError):
    """A label specification is incomplete or malformed."""


@dataclass(frozen=True)
class Barcode:
    """One barcode on a label: a role name (e.g. `lpn`), its symbology and the exact data."""

    role: str
    symbology: Symbology
    data: str

    def to_dict(self) -> dict[str, str]:
        """Plain JSON-ready form."""
        return {"role": self.role, "symbology": self.symbology.value, "data": self.data}


@dataclass(frozen=True)
class LabelSpec:
    """A label to print: layout kind, size, named text fields and barcodes."""

    kind: LabelKind
    width_mm: float
    height_mm: float
    fields: Mapping[str, str] = field(default_factory=dict)
    barcodes: tuple[Barcode, ...] = ()
    copies: int = 1

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form (the wire format of `print` in scan responses)."""
        return {
            "kind": self.kind.value,
            "width_mm": self.width_mm,
            "height_mm": self.height_mm,
            "fields": dict(self.fields),
            "barcodes": [b.to_dict() for b in self.barcodes],
            "copies": self.copies,
        }

    def to_json(self) -> str:
        """Serialise to a JSON string."""
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LabelSpec:
        """Parse the wire format; raise LabelSpecError on anything malformed."""
        try:
            kind = LabelKind(data["kind"])
            width, height = float(data["width_mm"]), float(data["height_mm"])
            fields = {str(k): str(v) for k, v in dict(data.get("fields") or {}).items()}
            barcodes = tuple(
                Barcode(str(b["role"]), Symbology(b["symbology"]), str(b["data"]))
                for b in data.get("barcodes") or ()
            )
            copies = int(data.get("copies", 1))
        except (KeyError, TypeError, ValueError) as exc:
            raise LabelSpecError(f"malformed label spec: {exc!r}") from None
        if not (0 < width <= 300 and 0 < height <= 400):
            raise LabelSpecError(f"label size out of range: {width}x{height} mm")
        if not 1 <= copies <= 100:
            raise LabelSpecError(f"copies out of range: {copies}")
        return cls(kind, width, height, fields, barcodes, copies)

    @classmethod
    def from_json(cls, text: str) -> LabelSpec:
        """Parse a JSON string produced by `to_json`."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise LabelSpecError(f"not JSON: {exc}") from None
        if not isinstance(data, dict):
            raise LabelSpecError("a label spec is a JSON object")
        return cls.from_dict(data)

    def barcode(self, role: str) -> Barcode | None:
        """The barcode with this role, if any."""
        return next((b for b in self.barcodes if b.role == role), None)


def make(kind: LabelKind, fields: Mapping[str, str | None], *barcodes: Barcode) -> LabelSpec:
    """Build a spec of the default size for its kind, dropping empty fields."""
    width, height = DEFAULT_SIZES_MM[kind]
    clean = {k: v for k, v in fields.items() if v}  # drops None and ""
    return LabelSpec(kind, width, height, clean, tuple(barcodes))
