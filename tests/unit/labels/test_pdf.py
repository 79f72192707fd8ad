import subprocess

import pytest
from PIL import Image

from labels import layouts
from labels.pdf import render_command_sheet, render_pdf
from labels.sheet import SheetEntry
from labels.spec import LabelSpecError
from tests.support import need_tool
from tests.unit.labels.samples import BUILDERS, EXPECTED, KAZAKH, MARKING_CODE, sample
from tests.unit.labels.scan import decode, pdf_text, rasterise

COMMANDS = [
    SheetEntry("CMD:CANCEL", "Отменить шаг", "Cancel step", "Қадамнан бас тарту", "Общие"),
    SheetEntry("CMD:CLOSE", "Закрыть приёмку", "Close receipt", "Қабылдауды жабу", "Приёмка"),
    SheetEntry(
        "CMD:REASON-DAMAGED-IN-TRANSIT",
        "Повреждён при доставке",
        "Damaged in transit",
        "Жеткізу кезінде бүлінген",
        "Причина",
    ),
    *[
        SheetEntry(f"CMD:TEST-{i:02d}", f"Команда {i}", f"Command {i}", "", "Тест")
        for i in range(30)
    ],
]


@pytest.mark.parametrize("layout", sorted(BUILDERS))
@pytest.mark.parametrize("dpi", [203, 300])
def test_every_pdf_label_scans_back_at_printer_resolution(layout, dpi, tmp_path):
    (page,) = rasterise(render_pdf(sample(layout)), dpi, tmp_path)
    found = decode(page)
    assert {b.text for b in found} == EXPECTED[layout]
    assert len(found) == len(EXPECTED[layout])


@pytest.mark.parametrize("dpi", [203, 300])
def test_marking_code_comes_back_byte_exact_as_gs1_data_matrix(dpi, tmp_path):
    (page,) = rasterise(render_pdf(sample("unit")), dpi, tmp_path)
    (matrix,) = [b for b in decode(page) if b.symbology_identifier.startswith("]d")]
    assert matrix.symbology_identifier == "]d2"  # FNC1 in first position: GS1
    assert matrix.bytes == MARKING_CODE.encode("ascii")


def test_code128_labels_read_as_plain_code128(tmp_path):
    (page,) = rasterise(render_pdf(sample("badge")), 203, tmp_path)
    (bars,) = decode(page)
    assert bars.symbology_identifier == "]C0"


@pytest.mark.parametrize("dpi", [203, 300])
def test_every_command_on_the_sheet_decodes_to_its_own_code(dpi, tmp_path):
    pages = rasterise(render_command_sheet(COMMANDS), dpi, tmp_path)
    assert len(pages) == 3
    found = [b.text for page in pages for b in decode(page)]
    assert sorted(found) == sorted(e.code for e in COMMANDS)


def test_command_sheet_prints_all_three_languages(tmp_path):
    text = pdf_text(render_command_sheet(COMMANDS), tmp_path)
    for entry in COMMANDS[:3]:
        assert entry.caption_ru in text
        assert entry.caption_en in text
        assert entry.caption_kk in text
    assert "Command barcodes" in text
    assert "Пәрмен штрихкодтары" in text


def test_cyrillic_and_kazakh_text_is_extractable(tmp_path):
    text = pdf_text(render_pdf(sample("unit")), tmp_path)
    assert "Кроссовки Nike Air Max 90" in text
    assert KAZAKH in text
    assert "ТОО Әлем Спорт" in text
    badge = pdf_text(render_pdf(sample("badge")), tmp_path)
    assert "Айгерим Нұрланқызы" in badge


def test_resale_sticker_headline_prints(tmp_path):
    text = pdf_text(render_pdf(sample("resale_sticker")), tmp_path)
    assert "Ресейл −10 %" in text


def test_dejavu_is_embedded_and_no_base14_font_is_referenced(tmp_path):
    need_tool("pdffonts")
    path = tmp_path / "unit.pdf"
    path.write_bytes(render_pdf(sample("unit")))
    out = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True)
    fonts = out.stdout.splitlines()[2:]
    assert len(fonts) == 1
    assert "DejaVuSans" in fonts[0]
    assert fonts[0].split()[-5:-2] == ["yes", "yes", "yes"]  # embedded, subset, unicode map


def test_page_size_is_the_label_size_and_copies_are_pages(tmp_path):
    spec = sample("unit")
    spec = type(spec)(spec.kind, spec.width_mm, spec.height_mm, spec.fields, spec.barcodes, 2)
    pages = rasterise(render_pdf(spec), 203, tmp_path)
    assert len(pages) == 2
    with Image.open(pages[0]) as image:
        assert image.size == (round(58 / 25.4 * 203), round(40 / 25.4 * 203))


def test_pdf_refuses_what_zpl_refuses():
    with pytest.raises(LabelSpecError):
        render_pdf(layouts.bin_label(code="Ж-1", zone="z"))
