from hypothesis import given
from hypothesis import strategies as st

from labels.spec import Barcode, LabelKind, LabelSpec, Symbology
from tests.unit.labels.samples import BUILDERS, sample

texts = st.text(st.characters(codec="utf-8"), max_size=60)
barcodes = st.builds(Barcode, texts, st.sampled_from(Symbology), texts)
specs = st.builds(
    LabelSpec,
    st.sampled_from(LabelKind),
    st.floats(min_value=1, max_value=300),
    st.floats(min_value=1, max_value=400),
    st.dictionaries(texts, texts, max_size=8),
    st.lists(barcodes, max_size=3).map(tuple),
    st.integers(min_value=1, max_value=100),
)


@given(specs)
def test_json_round_trip_keeps_every_spec_unchanged(spec):
    again = LabelSpec.from_json(spec.to_json())
    assert again == spec
    assert again.to_json() == spec.to_json()


def test_sample_specs_round_trip_including_the_group_separator():
    for layout in BUILDERS:
        spec = sample(layout)
        assert LabelSpec.from_json(spec.to_json()) == spec
    assert "\\u001d" in sample("unit").to_json()
