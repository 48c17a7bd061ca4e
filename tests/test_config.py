"""Settings: defaults, the config file, flags over the file, and clear errors."""

import pytest

from engine.cli import main
from engine.config import ConfigError, Settings, config_path, describe, load_settings


def test_defaults_without_a_file(tmp_path):
    assert load_settings(path=tmp_path / "none.toml") == Settings()


def test_the_file_then_flags_override_it(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('mode = "vad"\nthreads = 4\nmicrophone = "USB"\n')
    settings = load_settings({"threads": 1, "mode": None}, path=path)
    assert (settings.mode, settings.threads, settings.microphone) == ("vad", 1, "USB")


@pytest.mark.parametrize("text, says", [
    ('colour = "red"\n', "unknown setting 'colour'"),
    ('threads = "two"\n', "threads must be a int"),
    ('mode = "shout"\n', "mode must be one of toggle, hold, vad"),
    ('use_model = 1\n', "use_model must be a bool"),
    ('mode = \n', "not a readable TOML file"),
])
def test_bad_files_name_the_problem(tmp_path, text, says):
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=says):
        load_settings(path=path)


def test_describe_round_trips_through_the_file(tmp_path):
    path = tmp_path / "config.toml"
    settings = Settings(mode="hold", threads=3, use_model=False, recogniser="/models/base.en")
    path.write_text(describe(settings))
    assert load_settings(path=path) == settings


def test_the_cli_reads_the_file_and_reports_a_bad_one(tmp_path, monkeypatch, capsys):
    path = tmp_path / "config.toml"
    monkeypatch.setenv("DICTBASH_CONFIG", str(path))
    assert config_path() == path
    path.write_text("use_model = false\n")
    assert main(["config"]) == 0
    assert "use_model = false" in capsys.readouterr().out
    assert main(["convert", "git space status"]) == 0
    assert capsys.readouterr().out == "git status\n"
    path.write_text("nonsense = 1\n")
    assert main(["convert", "git space status"]) == 2
    assert "unknown setting 'nonsense'" in capsys.readouterr().err
