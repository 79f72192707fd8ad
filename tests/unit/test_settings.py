"""Settings: TOML file, WMS_<SECTION>__<KEY> overrides, unknown keys refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from wms.settings import SettingsError, load_settings

EXAMPLE = Path(__file__).resolve().parents[2] / "config.example.toml"


def test_the_example_configuration_loads_as_is() -> None:
    settings = load_settings(EXAMPLE, env={})
    assert settings.database.url == "sqlite:///var/wms.sqlite"
    assert settings.marketplaces.wildberries.base_url.startswith("http://127.0.0.1")


def test_environment_overrides_file_and_defaults(tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text('[database]\nurl = "sqlite:///from-file.sqlite"\n[sla]\nrepair_hours = 10\n')
    env = {
        "WMS_DATABASE__URL": "postgresql+psycopg://x@h/db",
        "WMS_SLA__DECISION_HOURS": "12.5",
        "WMS_MARKETPLACES__KASPI__BASE_URL": "https://kaspi.example",
        "WMS_WAREHOUSE__ZONES": '["receiving", "hold"]',
        "WMS_STATION__TOKEN": "belongs to the station program",
    }
    settings = load_settings(cfg, env=env)
    assert settings.database.url == "postgresql+psycopg://x@h/db"
    assert settings.sla.repair_hours == 10
    assert settings.sla.decision_hours == 12.5
    assert settings.marketplaces.kaspi.base_url == "https://kaspi.example"
    assert settings.warehouse.zones == ["receiving", "hold"]


def test_wms_config_environment_variable_names_the_file(tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text('[i18n]\ndefault_language = "kk"\n')
    assert load_settings(env={"WMS_CONFIG": str(cfg)}).i18n.default_language == "kk"


@pytest.mark.parametrize(
    ("text", "env", "message"),
    [
        ('[database]\nulr = "typo"\n', {}, "unknown key 'database.ulr'"),
        ('[databse]\nurl = "x"\n', {}, "unknown key 'databse'"),
        ("", {"WMS_DATABASE__ECHO": "sometimes"}, "'database.echo'"),
        ("", {"WMS_SERVER__NOPE": "1"}, "unknown key 'server.nope'"),
        ('[i18n]\ndefault_language = "de"\n', {}, "'i18n.default_language'"),
        ("[database\n", {}, "not valid TOML"),
        ('[warehouse]\ntimezone = "Mars/Olympus"\n', {}, "unknown time zone 'Mars/Olympus'"),
    ],
)
def test_bad_configuration_is_a_clear_error(
    tmp_path: Path, text: str, env: dict[str, str], message: str
) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text(text)
    with pytest.raises(SettingsError) as err:
        load_settings(cfg, env=env)
    assert message in str(err.value)


def test_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="not found"):
        load_settings(tmp_path / "nope.toml", env={})


def test_station_sections_are_left_to_the_station_program(tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text('[station]\nanything = "the server does not validate this"\n')
    assert load_settings(cfg, env={}).database.url.startswith("sqlite")
