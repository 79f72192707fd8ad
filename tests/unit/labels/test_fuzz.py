"""Arbitrary Unicode in every free-text field: ZPL stays well formed, the PDF still renders."""

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from labels import layouts
from labels.pdf import render_pdf
from labels.spec import LabelSpec
from labels.zpl import render_zpl
from tests.unit.labels.samples import check_zpl

NASTY = "^~_\\\x1d\x00\x7f\x85\n\r\t&>%"
text = st.one_of(
    st.text(st.characters(codec="utf-8"), max_size=40),
    st.text(st.sampled_from(NASTY + "Жқ😀\u202e\u05d0\u0301"), max_size=40),
    st.text(max_size=2000),  # very long strings, any code point
    st.just("مرحبا بالعالم"),  # right-to-left
)
optional = st.none() | text
code_chars = "".join(c for c in string.printable[:95] if c not in "^~>")
code = st.text(code_chars, min_size=1, max_size=8)  # fits beside a marking code
gs1 = st.text(string.ascii_letters + string.digits + "_-/+=%\x1d", min_size=1, max_size=90)
lines = st.lists(text, max_size=40)

SPECS = st.one_of(
    st.builds(
        layouts.unit_label,
        lpn=code,
        sku=text,
        title=text,
        grade=optional,
        next_zone=optional,
        order_code=optional,
        received_on=optional,
        merchant=optional,
        marking_code=st.none() | gs1,
    ),
    st.builds(
        layouts.return_slip,
        order_code=code,
        merchant=text,
        marketplace=text,
        return_type=text,
        reason=text,
        units=lines,
        missing=lines,
        extra=lines,
        closed_at=optional,
        operator=optional,
    ),
    st.builds(layouts.bin_label, code=code, zone=text, zone_title=optional),
    st.builds(
        layouts.resale_sticker,
        lpn=code,
        discount_percent=st.integers(-1000, 1000),
        title=optional,
        price=optional,
    ),
    st.builds(layouts.badge, name=text, badge_code=code, role=optional),
)
FUZZ = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(SPECS, st.sampled_from([203, 300, 600]))
def test_zpl_stays_well_formed_whatever_the_text(spec: LabelSpec, dpi: int):
    zpl = render_zpl(spec, dpi)
    fields = check_zpl(zpl)
    zpl.encode("utf-8")  # what the station sends; must never fail
    for barcode in spec.barcodes:
        assert fields.count(barcode.data) >= 1  # the symbol, and for Code 128 its caption


@FUZZ
@given(SPECS)
def test_pdf_renders_whatever_the_text(spec: LabelSpec):
    assert render_pdf(spec).startswith(b"%PDF-")
