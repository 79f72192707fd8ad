import string

import pytest
from hypothesis import given
from hypothesis import strategies as st
from reportlab.graphics.barcode.code128 import Code128

from labels import code128

ALLOWED = "".join(c for c in map(chr, range(0x20, 0x7F)) if c not in "^~>")


@pytest.mark.parametrize(
    ("data", "plan"),
    [
        ("LPN0000000123", [("B", "LPN"), ("C", "0000000123")]),
        ("0000000123", [("C", "0000000123")]),
        ("00", [("C", "00")]),
        ("123", [("B", "1"), ("C", "23")]),  # as wide as B only; reportlab does the same
        ("12345", [("B", "1"), ("C", "2345")]),
        ("A1234B", [("B", "A1234B")]),  # a run of 4 in the middle does not pay for two switches
        ("A123456B", [("B", "A"), ("C", "123456"), ("B", "B")]),
        ("BIN-A-01-02", [("B", "BIN-A-01-02")]),
    ],
)
def test_plan_puts_digit_runs_in_code_set_c_only_when_shorter(data, plan):
    assert [(s.code_set, s.text) for s in code128.plan(data)] == plan


@given(st.text(ALLOWED, min_size=1, max_size=code128.MAX_LENGTH))
def test_planned_width_matches_what_reportlab_draws(data):
    drawn = Code128(data, barWidth=1, quiet=0, humanReadable=0).width
    assert code128.modules(data) == drawn
    assert "".join(s.text for s in code128.plan(data)) == data


@given(st.text(string.digits, min_size=1, max_size=40))
def test_code_set_c_runs_have_even_length(data):
    assert all(len(s.text) % 2 == 0 for s in code128.plan(data) if s.code_set == "C")


def test_lpn_width_matches_the_reference_figure():
    assert code128.modules("LPN00012345") == 123  # hardware-protocols.md §4.2
