"""Rasterise PDFs the way a label printer would and read the barcodes back with zxing-cpp."""

from __future__ import annotations

import subprocess
from pathlib import Path

import zxingcpp
from PIL import Image

from tests.support import need_tool


def rasterise(pdf: bytes, dpi: int, tmp_path: Path) -> list[Path]:
    """One monochrome PNG per page at `dpi` (pdftoppm -mono: no anti-aliasing, like a head)."""
    need_tool("pdftoppm")
    source = tmp_path / f"in-{dpi}.pdf"
    source.write_bytes(pdf)
    prefix = tmp_path / f"page-{dpi}"
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-mono", "-png", str(source), str(prefix)], check=True
    )
    return sorted(tmp_path.glob(f"page-{dpi}*.png"))


def decode(png: Path) -> list[zxingcpp.Barcode]:
    """Every barcode zxing-cpp finds, as raw text (GS kept, no HRI parentheses)."""
    with Image.open(png) as image:
        return list(zxingcpp.read_barcodes(image, text_mode=zxingcpp.TextMode.Plain))


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    """The text pdftotext extracts (proves the font maps glyphs back to Unicode)."""
    need_tool("pdftotext")
    source = tmp_path / "text.pdf"
    source.write_bytes(pdf)
    done = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(source), "-"], check=True, capture_output=True
    )
    return done.stdout.decode("utf-8")
