"""Evidence pack of a claim: a PDF (photos embedded, SHA-256 of every original) and a ZIP.

Kaspi has no dispute API: the pack is what a person files in the merchant cabinet, so it is
self-contained and readable in Russian and Kazakh. It is frozen when the claim is submitted
(`freeze`): the files are written once and their hash kept on the claim.
"""

from __future__ import annotations

import hashlib
import io
import json
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from sqlalchemy.orm import Session

from labels.pdf import FONT_NAME, FONT_PATHS
from wms.db.models import Claim
from wms.domain.errors import Conflict
from wms.domain.texts.claims import claim_term
from wms.services.claims_views import detail
from wms.services.uow import UnitOfWork

PACK_FOLDER = "_claim_packs"  # under the photo directory: the originals live there too
PHOTO_WIDTH = 80 * mm


@dataclass(frozen=True)
class Original:
    """A file the pack vouches for: its name in the ZIP, SHA-256 and size."""

    name: str
    sha256: str
    size: int
    data: bytes
    #: The file on disk: a JPEG path lets reportlab embed the bytes as they are (no re-encoding).
    path: Path | None = None


@dataclass(frozen=True)
class Pack:
    """The built pack."""

    pdf: bytes
    zip: bytes
    originals: list[Original]

    @property
    def sha256(self) -> str:
        """SHA-256 of the PDF."""
        return hashlib.sha256(self.pdf).hexdigest()


@cache
def _font() -> str:
    path = next((p for p in FONT_PATHS if p.is_file()), FONT_PATHS[-1])
    if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT_NAME, str(path)))
    return FONT_NAME


def _styles() -> dict[str, ParagraphStyle]:
    font = _font()
    return {
        "h1": ParagraphStyle("h1", fontName=font, fontSize=16, leading=20, spaceAfter=6),
        "h2": ParagraphStyle("h2", fontName=font, fontSize=12, leading=15, spaceBefore=8),
        "p": ParagraphStyle("p", fontName=font, fontSize=9, leading=12),
        "small": ParagraphStyle("small", fontName=font, fontSize=7, leading=9),
    }


def originals(claim_view: dict[str, Any], photo_dir: Path) -> list[Original]:
    """The photo files of the claim's units, read from disk (a missing file is skipped)."""
    out = []
    for photo in claim_view["evidence"]["photos"]:
        path = photo_dir / photo["path"]
        if not path.is_file():
            continue
        data = path.read_bytes()
        name = f"photos/{photo['lpn']}/{Path(photo['path']).name}"
        out.append(Original(name, hashlib.sha256(data).hexdigest(), len(data), data, path))
    return out


def build(session: Session, claim: Claim, photo_dir: Path, now: datetime) -> Pack:
    """Build the PDF and the ZIP of originals for a claim as it is now."""
    view = detail(session, claim, now)
    files = originals(view, photo_dir)
    pdf = _pdf(view, files, now)
    return Pack(pdf, _zip(view, files, pdf), files)


def _bi(key: str) -> str:
    t = claim_term(key)
    return f"{t['ru']} / {t['kk']}"


def _pdf(view: dict[str, Any], files: list[Original], now: datetime) -> bytes:
    st = _styles()
    p = lambda text, style="p": Paragraph(escape(str(text)), st[style])  # noqa: E731
    story: list[Any] = [
        p(f"Претензия / Талап {view['number']}", "h1"),
        _table(
            [
                ["Продавец / Сатушы", view["merchant"]],
                ["Маркетплейс", view["marketplace"] or _bi("carrier")],
                ["Возвратный ордер / Қайтару ордері", view["return_number"] or "—"],
                ["Заказ / Тапсырыс", view["order_code"] or view["shipment_ref"] or "—"],
                ["Причина / Себебі", _bi(view["reason"])],
                ["Состояние / Күйі", _bi(view["state"])],
                ["Заявлено / Талап етілді, ₸", view["claimed"]],
                ["Предложено / Ұсынылды, ₸", view["offered"]],
                ["Получено / Алынды, ₸", view["recovered"]],
                ["Номер у маркетплейса / Маркетплейстегі нөмірі", view["external_id"] or "—"],
                ["Сформирован / Құрылды", now.strftime("%Y-%m-%d %H:%M UTC")],
            ],
            st,
        ),
    ]
    if view["description"]:
        story += [Spacer(1, 3 * mm), p(view["description"])]
    story += [p("Строки / Жолдар", "h2")]
    rows = [["#", "LPN", "SKU", "шт./дана", "Требование / Талап", "₸"]]
    rows += [
        [
            str(n),
            ln["lpn"] or "—",
            ln["sku"] or "—",
            str(ln["qty"]),
            _bi(ln["remedy"]),
            ln["claimed"],
        ]
        for n, ln in enumerate(view["lines"], 1)
    ]
    story.append(_table(rows, st, header=True))
    units = view["evidence"]["units"]
    if units:
        story.append(p("Единицы и коды маркировки / Бірліктер және таңбалау кодтары", "h2"))
        story.append(
            _table(
                [["LPN", "КИ / KI", "Проверка / Тексеру"]]
                + [
                    [u["lpn"], u["marking_ki"] or "—", ", ".join(u["checks"]) or "—"] for u in units
                ],
                st,
                header=True,
            )
        )
    scans = view["evidence"]["scans"]
    if scans:
        story.append(p("Сканирования / Сканерлеу (кто, где, когда)", "h2"))
        story.append(
            _table(
                [["LPN", "Действие / Әрекет", "Кто / Кім", "Станция", "UTC"]]
                + [
                    [
                        s["lpn"] or "—",
                        s["action"],
                        s["actor"],
                        str(s["station_id"] or "—"),
                        s["at"][:19],
                    ]
                    for s in scans
                ],
                st,
                header=True,
            )
        )
    if files:
        story.append(p("Фотографии / Фотосуреттер", "h2"))
        for f in files:
            jpeg = f.path is not None and f.path.suffix.lower() in (".jpg", ".jpeg")
            image = Image(str(f.path) if jpeg else io.BytesIO(f.data))
            ratio = image.imageHeight / max(image.imageWidth, 1)
            image.drawWidth, image.drawHeight = PHOTO_WIDTH, PHOTO_WIDTH * ratio
            story += [image, p(f"{f.name}  SHA-256: {f.sha256}", "small"), Spacer(1, 3 * mm)]
    clips = view["evidence"]["clips"]
    if clips:
        story.append(p("Видео вскрытия / Ашу бейнесі", "h2"))
        story += [
            p(
                f"clip {c['id']}  {c['started_at'][:19]}  {c['duration_ms'] // 1000} s  "
                f"{c['size']} B  SHA-256: {c['sha256']}",
                "small",
            )
            for c in clips
        ]
    if view["media"]:
        story.append(p("Материалы маркетплейса / Маркетплейс материалдары", "h2"))
        story += [p(url, "small") for url in view["media"]]
    story.append(p("Хронология / Хронология", "h2"))
    story.append(
        _table(
            [["UTC", "Действие / Әрекет", "Кто / Кім", "→"]]
            + [[t["at"][:19], t["action"], t["actor"], t["to"] or ""] for t in view["timeline"]],
            st,
            header=True,
        )
    )
    story.append(p("Оригиналы (SHA-256) / Түпнұсқалар (SHA-256)", "h2"))
    story += [p(f"{f.sha256}  {f.size} B  {f.name}", "small") for f in files] or [p("—")]
    out = io.BytesIO()
    with _binary_streams():
        _build(out, view, story)
    return out.getvalue()


# reportlab ASCII85-encodes every stream by default (7-bit-safe PDFs) in pure Python when its C
# accelerator is missing: 3 s per photo. A pack is binary anyway (JPEGs embedded as they are).
_RL_CONFIG = threading.Lock()


@contextmanager
def _binary_streams() -> Iterator[None]:
    with _RL_CONFIG:
        saved, rl_config.useA85 = rl_config.useA85, 0
        try:
            yield
        finally:
            rl_config.useA85 = saved


def _build(out: io.BytesIO, view: dict[str, Any], story: list[Any]) -> None:
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        title=f"{view['number']} evidence",
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        invariant=True,
    )
    doc.build(story)


def _scan_row(s: dict[str, Any]) -> list[str]:
    return [s["lpn"] or "—", s["action"], s["actor"], str(s["station_id"] or "—"), s["at"][:19]]


def _table(rows: list[list[str]], st: dict[str, ParagraphStyle], *, header: bool = False) -> Table:
    cells = [[Paragraph(escape(str(c)), st["small"]) for c in row] for row in rows]
    table = Table(cells, hAlign="LEFT", repeatRows=1 if header else 0)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")))
    table.setStyle(TableStyle(style))
    return table


def _zip(view: dict[str, Any], files: list[Original], pdf: bytes) -> bytes:
    manifest = {
        "claim": view["number"],
        "return_number": view["return_number"],
        "pdf_sha256": hashlib.sha256(pdf).hexdigest(),
        "originals": [{"name": f.name, "sha256": f.sha256, "size": f.size} for f in files],
    }
    out = io.BytesIO()
    # Stored, not deflated: photos and the PDF are JPEG data already (deflate only costs time).
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for f in files:
            archive.writestr(zipfile.ZipInfo(f.name, (2026, 1, 1, 0, 0, 0)), f.data)
        archive.writestr(zipfile.ZipInfo("evidence.pdf", (2026, 1, 1, 0, 0, 0)), pdf)
        archive.writestr(
            zipfile.ZipInfo("manifest.json", (2026, 1, 1, 0, 0, 0)),
            json.dumps(manifest, ensure_ascii=False, indent=2),
        )
    return out.getvalue()


def pack_folder(photo_dir: Path, claim: Claim) -> Path:
    """Where a claim's frozen pack lives."""
    return photo_dir / PACK_FOLDER / str(claim.merchant_id) / claim.number


def freeze(uow: UnitOfWork, claim: Claim) -> Pack:
    """Write the pack once (at submit) and keep its hash on the claim; files before the row."""
    if claim.pack_sha256 is not None:
        raise Conflict("claim.pack_frozen", claim=claim.number)
    uow.write_records()  # the timeline in the pack ends with the step that froze it
    photo_dir = Path(uow.settings.storage.photo_dir)
    pack = build(uow.session, claim, photo_dir, uow.now())
    folder = pack_folder(photo_dir, claim)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "evidence.pdf").write_bytes(pack.pdf)
    (folder / "originals.zip").write_bytes(pack.zip)
    claim.pack_path = str(folder.relative_to(photo_dir))
    claim.pack_sha256 = pack.sha256
    return pack


def frozen(photo_dir: Path, claim: Claim) -> tuple[bytes, bytes] | None:
    """The frozen PDF and ZIP of a submitted claim (None before submit)."""
    if claim.pack_path is None:
        return None
    folder = photo_dir / claim.pack_path
    pdf = (folder / "evidence.pdf").read_bytes()
    if hashlib.sha256(pdf).hexdigest() != claim.pack_sha256:
        raise Conflict("claim.pack_tampered", claim=claim.number)
    return pdf, (folder / "originals.zip").read_bytes()
