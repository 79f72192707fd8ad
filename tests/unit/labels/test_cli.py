import json

import pytest
from click.testing import CliRunner

from labels.spec import LabelSpec
from tests.unit.labels.samples import DATA, check_zpl
from tests.unit.labels.scan import decode, rasterise
from wms.cli.labels import labels_group
from wms.domain.commands import COMMANDS


def run(*args: str):
    return CliRunner().invoke(labels_group, list(args), catch_exceptions=False)


@pytest.mark.parametrize("layout", sorted(DATA))
def test_render_zpl_of_every_layout_to_a_file(layout, tmp_path):
    out = tmp_path / "label.zpl"
    data = json.dumps(DATA[layout], ensure_ascii=False)
    result = run(
        "render", layout, "--format", "zpl", "--dpi", "300", "--data", data, "-o", str(out)
    )
    assert result.exit_code == 0, result.output
    zpl = out.read_text(encoding="utf-8")
    check_zpl(zpl)
    assert "^PW" in zpl


def test_render_pdf_from_a_data_file_to_stdout(tmp_path):
    source = tmp_path / "unit.json"
    source.write_text(json.dumps(DATA["unit"]), encoding="utf-8")
    result = run("render", "unit", "--format", "pdf", "--data", f"@{source}")
    assert result.exit_code == 0
    assert result.stdout_bytes.startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["render", "parcel", "--format", "zpl", "--data", "{}"], "'parcel' is not one of"),
        (["render", "bin", "--format", "zpl", "--data", '{"zone": "z"}'], "code: Missing"),
        (
            ["render", "bin", "--format", "zpl", "--data", '{"code": "A", "zone": "z", "x": 1}'],
            "x: Unexpected keyword argument",
        ),
        (
            [
                "render",
                "resale_sticker",
                "--format",
                "pdf",
                "--data",
                '{"lpn": "L", "discount_percent": "ten"}',
            ],
            "discount_percent",
        ),
        (["render", "bin", "--format", "zpl", "--data", "[1, 2]"], "JSON object"),
        (["render", "bin", "--format", "zpl", "--data", "{oops"], "not JSON"),
        (["render", "bin", "--format", "zpl", "--data", "@/nonexistent/x.json"], "cannot read"),
        (["render", "bin", "--format", "zpl", "--data", '{"code": "Ж", "zone": "z"}'], "Code 128"),
        (["render", "bin", "--format", "zpl", "--dpi", "150", "--data", "{}"], "150"),
        (["render", "bin", "--format", "svg", "--data", "{}"], "svg"),
    ],
)
def test_bad_input_is_a_usage_error_and_writes_nothing(args, message, tmp_path):
    out = tmp_path / "label.out"
    result = run(*args, "-o", str(out))
    assert result.exit_code == 2
    assert message in result.output
    assert not out.exists()


def test_command_sheet_has_every_server_command(tmp_path):
    out = tmp_path / "commands.pdf"
    assert run("command-sheet", "-o", str(out)).exit_code == 0
    pages = rasterise(out.read_bytes(), 203, tmp_path)
    found = sorted(b.text for page in pages for b in decode(page))
    assert found == sorted(c.barcode for c in COMMANDS)


def test_rendered_spec_matches_the_builder():
    # The CLI passes fields straight to labels.layouts: the same spec the server would send.
    from wms.cli.labels import build_spec

    spec = build_spec("unit", dict(DATA["unit"]))
    assert LabelSpec.from_json(spec.to_json()) == spec
    assert spec.barcode("lpn").data == DATA["unit"]["lpn"]
