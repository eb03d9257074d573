"""Settings: defaults, the TOML file, environment overrides and secrets from the environment."""

from __future__ import annotations

import pytest

from frontdesk.settings import ConfigError, database_url, env_overrides, load_settings


def write(tmp_path, text):
    path = tmp_path / "frontdesk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_file_over_defaults(tmp_path):
    settings = load_settings(write(tmp_path, '[shop]\nname = "Corner Shop"\n'), environ={})
    assert settings["shop"]["name"] == "Corner Shop"
    assert settings["shop"]["timezone"] == "UTC"  # default kept
    assert settings["config_dir"] == str(tmp_path)


def test_environment_overrides_with_types():
    overrides = env_overrides({"FRONTDESK__SERVER__PORT": "9000", "FRONTDESK__SHOP__NAME": "Env Shop",
                               "FRONTDESK__LIMITS__VERIFICATION_FAILURES": "3", "OTHER": "x"})
    assert overrides == {"server": {"port": 9000}, "shop": {"name": "Env Shop"}, "limits": {"verification_failures": 3}}


def test_secrets_come_from_the_environment(tmp_path):
    path = write(tmp_path, '[[sites]]\nkey = "main"\norigins = ["https://shop.example"]\nsecret_env = "MAIN_SECRET"\n')
    settings = load_settings(path, environ={"MAIN_SECRET": "s3cret"})
    assert settings["sites"][0]["secret"] == "s3cret"
    assert "s3cret" not in path.read_text()


@pytest.mark.parametrize("text, message", [
    ('[shop]\ntimezone = "Mars/Olympus"\n', "not a known IANA timezone"),
    ('[[sites]]\norigins = []\n', "needs a key"),
    ('[[sites]]\nkey = "a"\n[[sites]]\nkey = "a"\n', "share a key"),
    ("[shop\n", "frontdesk.toml"),
])
def test_invalid_config_says_what_to_fix(tmp_path, text, message):
    with pytest.raises(ConfigError, match=message):
        load_settings(write(tmp_path, text), environ={})


def test_missing_file_points_to_init(tmp_path):
    with pytest.raises(ConfigError, match="frontdesk init"):
        load_settings(tmp_path / "nope.toml", environ={})


def test_default_database_is_sqlite_in_the_data_dir(tmp_path):
    url = database_url({"data_dir": str(tmp_path / "data"), "database": {"url": ""}})
    assert url == f"sqlite:///{tmp_path / 'data' / 'frontdesk.db'}"
    assert (tmp_path / "data").is_dir()
