"""Settings layering: defaults < warwire.toml < WARWIRE_* environment < explicit overrides."""
from __future__ import annotations

import os

import pytest

from warwire.config import Settings, load_settings
from warwire.errors import ConfigError


@pytest.fixture(autouse=True)
def _empty_dir(tmp_path, monkeypatch):
    """Each test runs where no stray warwire.toml can leak in."""
    monkeypatch.chdir(tmp_path)


def _toml(tmp_path, body: str):
    path = tmp_path / "warwire.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_defaults():
    assert load_settings(env={}) == Settings()


@pytest.mark.parametrize("toml, env, overrides, expected", [
    ("", {}, {}, 32),
    ("[warwire]\nbatch_size = 8\n", {}, {}, 8),
    ("batch_size = 9\n", {}, {}, 9),  # a bare file without the [warwire] table
    ("[warwire]\nbatch_size = 8\n", {"WARWIRE_BATCH_SIZE": "16"}, {}, 16),
    ("[warwire]\nbatch_size = 8\n", {"WARWIRE_BATCH_SIZE": "16"}, {"batch_size": 4}, 4),
    ("", {"WARWIRE_BATCH_SIZE": "16"}, {"batch_size": None}, 16),  # an unset flag does not override
], ids=["default", "toml", "bare-toml", "env-over-toml", "override-over-env", "none-override"])
def test_layers(tmp_path, toml, env, overrides, expected):
    _toml(tmp_path, toml)
    assert load_settings(env=env, **overrides).batch_size == expected


def test_explicit_config_file_and_tuple_settings(tmp_path):
    path = tmp_path / "custom.toml"
    path.write_text('[warwire]\nactor_files = ["a.yaml", "b.yaml"]\nmodel = "other_model"\n', encoding="utf-8")
    s = load_settings(path, env={"WARWIRE_PLACE_FILES": os.pathsep.join(["p1.yaml", "p2.yaml"])})
    assert s.actor_files == ("a.yaml", "b.yaml")
    assert s.place_files == ("p1.yaml", "p2.yaml")
    assert s.model == "other_model"


def test_env_defaults_to_process_environment(monkeypatch):
    monkeypatch.setenv("WARWIRE_BATCH_SIZE", "3")
    assert load_settings().batch_size == 3


@pytest.mark.parametrize("toml, overrides, needle", [
    ("[warwire]\nbath_size = 8\n", {}, "bath_size"),
    ("", {"colour": "red"}, "colour"),
], ids=["toml", "override"])
def test_unknown_key_is_an_error(tmp_path, toml, overrides, needle):
    _toml(tmp_path, toml)
    with pytest.raises(ConfigError, match=needle) as exc:
        load_settings(env={}, **overrides)
    assert "Known:" in str(exc.value) and "batch_size" in str(exc.value)


@pytest.mark.parametrize("toml, env", [
    ("", {"WARWIRE_BATCH_SIZE": "lots"}),
    ("[warwire]\nmax_chars = \"big\"\n", {}),
    ("[warwire]\nbatch_size = 2.5\n", {}),
    ("[warwire]\nbatch_size = true\n", {}),
    ("[warwire]\nactor_files = 5\n", {}),
    ("[warwire]\nmodel = [\"a\", \"b\"]\n", {}),
], ids=["env-word", "toml-string", "toml-float", "toml-bool", "toml-int-for-list", "toml-list-for-string"])
def test_bad_value_is_an_error(tmp_path, toml, env):
    _toml(tmp_path, toml)
    with pytest.raises(ConfigError):
        load_settings(env=env)


def test_bad_toml_and_missing_file(tmp_path):
    _toml(tmp_path, "[warwire\nbatch_size = 8\n")
    with pytest.raises(ConfigError, match="warwire.toml"):
        load_settings(env={})
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "missing.toml", env={})


def test_digest_changes_with_settings():
    assert Settings().digest() == Settings().digest()
    assert Settings().digest() != Settings(batch_size=8).digest()
