"""Label layouts and renderers (ZPL, PDF). Pure: no network, no printer I/O."""

from labels.spec import Barcode, LabelKind, LabelSpec, LabelSpecError, Symbology

__all__ = ["Barcode", "LabelKind", "LabelSpec", "LabelSpecError", "Symbology"]
