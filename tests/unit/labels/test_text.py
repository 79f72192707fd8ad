import pytest
from hypothesis import given
from hypothesis import strategies as st
from reportlab.pdfbase import pdfmetrics

from labels import pdf
from labels.text import _EM_BUCKETS, ELLIPSIS, clean, estimated_em, fit_lines


def em(char: str) -> float:
    return 1.0 if char != " " else 0.5


def width(text: str) -> float:
    return sum(em(c) for c in text)


@given(
    st.text(st.characters(codec="utf-8"), max_size=300),
    st.floats(min_value=1, max_value=40),
    st.integers(min_value=1, max_value=4),
)
def test_lines_never_exceed_the_budget_or_the_line_count(text, budget, max_lines):
    lines = fit_lines(text, budget, em, max_lines)
    assert len(lines) <= max_lines
    for line in lines:
        assert width(line) <= budget or len(line) == 1  # one glyph always goes on a line


def test_text_that_fits_is_kept_whole_and_wrapped_at_spaces():
    assert fit_lines("ab cd ef", 5.0, em, 2) == ["ab cd", "ef"]
    assert fit_lines("  ab   cd  ", 10.0, em, 1) == ["ab cd"]


def test_text_that_does_not_fit_ends_with_an_ellipsis():
    assert fit_lines("ab cd ef gh", 5.0, em, 1) == ["ab c" + ELLIPSIS]
    assert fit_lines("ab cd ef gh ij", 5.0, em, 2) == ["ab cd", "ef g" + ELLIPSIS]


def test_words_longer_than_a_line_are_cut():
    assert fit_lines("abcdefgh", 3.0, em, 3) == ["abc", "def", "gh"]


def test_group_separator_is_not_a_word_break():
    assert fit_lines("a\x1db c", 10.0, em, 1) == ["a\x1db c"]


def test_clean_turns_line_breaks_into_spaces_and_repairs_lone_surrogates():
    assert clean("a\nb\r\nc\td\u2028e") == "a b  c d e"
    assert clean("x\ud800y") == "x?y"
    assert clean("x\ud800y").encode("utf-8")


def test_zpl_estimate_is_never_narrower_than_dejavu_sans():
    font = pdf._font()
    for chars in _EM_BUCKETS.values():
        for char in chars:
            assert estimated_em(char) >= pdfmetrics.stringWidth(char, font, 1.0), char


@pytest.mark.parametrize(
    ("char", "em_"), [("\u0301", 0.0), ("\u200f", 0.0), ("中", 1.1), ("😀", 1.1)]
)
def test_estimate_of_marks_and_wide_characters(char, em_):
    assert estimated_em(char) == em_
