import string

import pytest
import zxingcpp
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from labels import datamatrix
from labels.spec import LabelSpecError
from tests.unit.labels.samples import MARKING_CODE

GS1_CHARS = string.ascii_letters + string.digits + "!\"%&'()*+,-./:;<=>?_" + "\x1d"


def read(matrix: datamatrix.Matrix, scale: int = 3) -> list[zxingcpp.Barcode]:
    side = len(matrix)
    image = Image.new("L", ((side + 4) * scale, (side + 4) * scale), 255)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                box = ((x + 2) * scale, (y + 2) * scale, (x + 3) * scale, (y + 3) * scale)
                image.paste(0, box)
    return list(zxingcpp.read_barcodes(image, text_mode=zxingcpp.TextMode.Plain))


def filling(capacity: int, gs1: bool) -> str:
    """Data that needs exactly `capacity` codewords (mixes pairs of digits, letters, GS)."""
    text, alphabet, i = "", "Ab_/7\x1d9=", 0
    while len(datamatrix.ascii_codewords(text + alphabet[i % 8], gs1=gs1)) <= capacity:
        text += alphabet[i % 8]
        i += 1
    return text


@pytest.mark.parametrize("size", datamatrix._SIZES, ids=lambda s: f"{s.side}x{s.side}")
def test_every_symbol_size_decodes_when_full(size):
    data = filling(size.data, gs1=True)
    matrix = datamatrix.encode(data)
    assert len(matrix) == size.side
    assert all(len(row) == size.side for row in matrix)
    (found,) = read(matrix, scale=2)
    assert found.text == data
    assert found.symbology_identifier == "]d2"


def test_marking_code_round_trips_byte_exact_as_gs1():
    (found,) = read(datamatrix.encode(MARKING_CODE))
    assert found.bytes == MARKING_CODE.encode()
    assert found.content_type == zxingcpp.ContentType.GS1


def test_separator_after_a_fixed_length_field_is_kept_where_it_was_scanned():
    code = "0104690257528523\x1d21abc\x1d"
    (found,) = read(datamatrix.encode(code))
    assert found.text == code


def test_plain_mode_has_no_fnc1_and_shifts_bytes_above_127():
    (found,) = read(datamatrix.encode("LPN123 é", gs1=False))
    assert found.symbology_identifier == "]d1"
    assert found.bytes == "LPN123 é".encode("latin-1")


@settings(max_examples=60, deadline=None)
@given(st.text(GS1_CHARS, min_size=1, max_size=datamatrix.MAX_LENGTH))
def test_any_marking_code_comes_back_exactly(code):
    (found,) = read(datamatrix.encode(datamatrix.check(code)))
    assert found.text == code


def test_check_refuses_what_zpl_cannot_carry_and_what_is_too_long():
    for bad in ["", "01^23", "01~2", "кириллица", "a\x00b", "9" * (datamatrix.MAX_LENGTH + 1)]:
        with pytest.raises(LabelSpecError):
            datamatrix.check(bad)
    with pytest.raises(LabelSpecError, match="too much data"):
        datamatrix.encode("x" * 1600)


def test_digit_pairs_take_one_codeword_and_gs_becomes_fnc1():
    assert datamatrix.ascii_codewords("0123\x1dA", gs1=True) == [232, 131, 153, 232, 66]
    assert datamatrix.ascii_codewords("0123\x1dA", gs1=False) == [131, 153, 30, 66]
