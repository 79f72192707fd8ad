"""Station settings: file < environment < flags, strict keys, the commented example file."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from stations.settings import (
    PrinterSection,
    Role,
    ScannerSection,
    StationSection,
    StationSettingsError,
    load_station_settings,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "config.example.toml"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_flags_win_over_env_which_wins_over_the_file(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[station]\ntoken = "from-file"\nrole = "putaway"\n[printer]\ndpi = 300\n'
        '[database]\nurl = "sqlite:///ignored-by-the-station"\n',
    )
    env = {"WMS_STATION__TOKEN": "from-env", "WMS_PRINTER__DPI": "600", "WMS_DATABASE__X": "1"}
    settings = load_station_settings(path, env=env, overrides={"station": {"token": "flag"}})
    assert settings.station.token == "flag"
    assert settings.station.role is Role.PUTAWAY
    assert settings.printer.dpi == 600
    assert "token" in settings.station.model_fields_set
    assert "language" not in settings.station.model_fields_set


def test_wms_config_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, '[scanner]\nurl = "loop://"\n')
    assert load_station_settings(env={"WMS_CONFIG": str(path)}).scanner.url == "loop://"


@pytest.mark.parametrize(
    ("text", "env", "message"),
    [
        ('[station]\ntokn = "x"\n', {}, "unknown key 'station.tokn'"),
        ("", {"WMS_SCANNER__BAUD": "9600"}, "unknown key 'scanner.baud'"),
        ("[printer]\ndpi = 250\n", {}, "printer.dpi"),
        ('[station]\nrole = "boss"\n', {}, "station.role"),
        ('station = "x"\n', {}, "must be a table"),
        ("[station\n", {}, "not valid TOML"),
    ],
)
def test_mistakes_are_errors_that_name_the_key(
    tmp_path: Path, text: str, env: dict[str, str], message: str
) -> None:
    with pytest.raises(StationSettingsError, match=message.replace(".", r"\.")):
        load_station_settings(write(tmp_path, text), env=env)


def test_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(StationSettingsError, match="not found"):
        load_station_settings(tmp_path / "nope.toml", env={})


def test_the_example_file_has_every_station_key_with_its_default() -> None:
    data = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    for name, model in (
        ("station", StationSection),
        ("scanner", ScannerSection),
        ("printer", PrinterSection),
    ):
        assert set(data[name]) == set(model.model_fields), name
        defaults = model().model_dump(mode="json")
        assert data[name] == defaults, name
    assert load_station_settings(EXAMPLE, env={}) == load_station_settings(env={})
