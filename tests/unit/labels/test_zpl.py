import re

import pytest

from labels import code128, layouts
from labels.scene import Align, Bars, Matrix, Scene, Text
from labels.spec import LabelSpecError
from labels.text import estimated_em
from labels.zpl import ESTIMATE_MARGIN, bc_data, escape, render_scene, render_zpl
from tests.unit.labels.samples import BUILDERS, MARKING_CODE, check_zpl, sample


@pytest.mark.parametrize("layout", sorted(BUILDERS))
@pytest.mark.parametrize("dpi", [203, 300, 600])
def test_every_sample_label_is_well_formed_zpl(layout, dpi):
    check_zpl(render_zpl(sample(layout), dpi))


@pytest.mark.parametrize(
    ("dpi", "width", "length"), [(203, 464, 320), (300, 685, 472), (600, 1370, 945)]
)
def test_print_width_and_label_length_come_from_millimetres(dpi, width, length):
    zpl = render_zpl(sample("unit"), dpi)
    assert f"^PW{width}\n" in zpl
    assert f"^LL{length}\n" in zpl


def test_unsupported_resolution_is_refused():
    with pytest.raises(LabelSpecError, match="dpi"):
        render_zpl(sample("unit"), 150)


@pytest.mark.parametrize(("dpi", "dots"), [(203, 2), (300, 3), (600, 6)])
def test_code128_module_is_whole_dots_of_at_least_a_quarter_millimetre(dpi, dots):
    scene = Scene(58, 40, (Bars(0, 0, 58, 10, "LPN0000000123"),))
    zpl = render_scene(scene, dpi)
    assert f"^BY{dots}^BC" in zpl
    assert dots * 25.4 / dpi >= 0.25 - 0.001


def test_a_wider_preferred_module_shrinks_to_fit_but_not_below_the_minimum():
    fits = render_scene(Scene(58, 40, (Bars(0, 0, 58, 10, "LPN0000000123", module=1.0),)))
    assert "^BY3^BC" in fits  # 3 dots x (134 + 20) modules = 462 of 464 dots
    too_long = Scene(58, 40, (Bars(0, 0, 58, 10, "CMD:REASON-DAMAGED-IN-TRANSIT"),))
    with pytest.raises(LabelSpecError, match="does not fit"):
        render_scene(too_long)


def test_code128_field_spells_out_start_code_and_code_set_switches():
    assert bc_data("LPN0000000123") == ">:LPN>50000000123"
    assert bc_data("123456") == ">;123456"
    assert bc_data("12345") == ">:1>52345"
    assert bc_data("OP-A1") == ">:OP-A1"


def test_code128_symbol_is_centred_in_its_box():
    zpl = render_scene(Scene(58, 40, (Bars(0, 0, 58, 10, "LPN0000000123"),)), 203)
    x = int(re.search(r"\^FO(\d+),0\^BY2", zpl).group(1))
    assert x == (464 - code128.modules("LPN0000000123") * 2) // 2


@pytest.mark.parametrize("bad", ["LPN^1", "A~B", "A>B", "ЛПН1", "A\x1dB", "", "X" * 49])
def test_code128_data_that_would_break_zpl_or_scanners_is_refused(bad):
    with pytest.raises(LabelSpecError):
        render_zpl(layouts.badge(name="x", badge_code=bad), 203)


def test_free_text_escapes_carets_tildes_underscores_and_control_characters():
    assert escape("a^b~c_d") == ("a_5Eb_7Ec_5Fd", True)
    assert escape("x\x00y\x1dz\x7f") == ("x_00y_1Dz_7F", True)
    assert escape("\x85") == ("_C2_85", True)  # C1 controls as their UTF-8 bytes
    assert escape("Қазақша, ok") == ("Қазақша, ok", False)


def test_escaped_text_field_carries_fh_and_unescapes_to_the_original():
    spec = layouts.badge(name="A^B ~C_D", badge_code="OP-1")
    zpl = render_zpl(spec, 203)
    assert "^FH^FDA_5EB _7EC_5FD^FS" in zpl
    assert "A^B ~C_D" in check_zpl(zpl)


def test_backslash_in_a_centred_field_is_doubled_for_the_field_block():
    zpl = render_zpl(layouts.badge(name="A\\&B", badge_code="OP-1"), 203)
    assert "^FDA\\\\&B^FS" in zpl  # ^FB would read `\&` as a line break


def test_text_uses_the_unicode_ttf_alias_and_barcode_captions_the_resident_font():
    zpl = render_zpl(sample("unit"), 203)
    assert "^CW1,E:DEJAVU.TTF\n" in zpl
    assert re.search(r"\^A1N,\d+,\d+\^FDКроссовки", zpl)
    assert re.search(r"\^A0N,\d+,\d+\^FB\d+,1,0,C,0\^FDLPN0000000123\^FS", zpl)
    assert "^CW1,E:SWISS.TTF\n" in render_zpl(sample("unit"), 203, font="E:SWISS.TTF")


def test_marking_code_is_gs1_data_matrix_with_explicit_escape_and_fnc1():
    zpl = render_zpl(sample("unit"), 203)
    field = re.search(r"\^BXN,(\d+),200,0,0,6,_\^FD(.*?)\^FS", zpl)
    assert field, "^BX with quality 200 and escape character `_`"
    assert field.group(2) == "_1" + MARKING_CODE.replace("_", "__").replace("\x1d", "_1")
    assert "^FH^FD_1" not in zpl  # hex processing would run before the Data Matrix escapes
    assert MARKING_CODE in check_zpl(zpl)


def test_data_matrix_with_characters_zpl_cannot_carry_is_refused():
    spec = layouts.unit_label(lpn="LPN1", sku="s", title="t", marking_code="01^2")
    with pytest.raises(LabelSpecError):
        render_zpl(spec, 203)


@pytest.mark.parametrize("dpi", [203, 300, 600])
def test_long_text_is_shortened_with_an_ellipsis_inside_the_label(dpi):
    title = "Очень длинное название товара " * 20
    zpl = render_zpl(layouts.unit_label(lpn="LPN1", sku="S" * 200, title=title), dpi)
    dot = 25.4 / dpi
    for x, height, text in re.findall(r"\^FO(\d+),\d+\^A1N,(\d+),\d+\^FD(.*?)\^FS", zpl):
        width = sum(estimated_em(c) for c in text) * int(height) * ESTIMATE_MARGIN
        assert (int(x) + width) * dot <= 58, text
    assert zpl.count("…") == 2  # title (on its second line) and SKU


def test_copies_become_print_quantity():
    spec = sample("bin")
    spec = type(spec)(spec.kind, spec.width_mm, spec.height_mm, spec.fields, spec.barcodes, 3)
    assert "^PQ3\n^XZ" in render_zpl(spec, 203)


def test_right_and_centre_alignment_use_a_field_block_of_the_box_width():
    scene = Scene(58, 40, (Text(2, 2, 54, 3, "x", Align.RIGHT), Text(2, 8, 54, 3, "y")))
    zpl = render_scene(scene, 203)
    assert "^FB432,1,0,R,0^FDx^FS" in zpl
    assert "^FO16,64^A1N,24,24^FDy^FS" in zpl


def test_data_matrix_right_aligned_ends_at_its_box_edge():
    scene = Scene(58, 40, (Matrix(44, 16, 12.5, MARKING_CODE, Align.RIGHT),))
    zpl = render_scene(scene, 203)
    module, x = 2, int(re.search(r"\^FO(\d+),", zpl).group(1))
    assert x + 40 * module == round((44 + 12.5) / 25.4 * 203)
