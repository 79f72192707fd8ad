"""Render a LabelSpec for a printer: ZPL at the printer's dpi, or PDF."""

from __future__ import annotations

from labels.spec import LabelSpec
from stations.printers.base import Printer


class RenderError(Exception):
    """A label could not be rendered (bad spec or renderer failure)."""


def render_label(spec: LabelSpec, printer: Printer) -> bytes:
    """The bytes `printer.print` takes for this label."""
    try:
        if printer.language == "zpl":
            from labels.zebra import zpl_payload

            # The same bytes the server's print service sends for this label.
            return zpl_payload(spec, printer.dpi)
        from labels.pdf import render_pdf

        return render_pdf(spec)
    except (ValueError, KeyError, TypeError) as exc:
        raise RenderError(f"cannot render {spec.kind.value} label: {exc}") from exc
