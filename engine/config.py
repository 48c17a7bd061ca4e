"""Settings: defaults, overridden by the user's config file, overridden by command-line flags.

The file is TOML at ``$DICTBASH_CONFIG`` or ``<user config dir>/dictbash/config.toml``
(``~/.config/dictbash/config.toml`` on Linux); ``dictbash config`` prints where, and what is
in effect. Unknown keys and wrong types are errors that name the key, never ignored.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

MODES = ("toggle", "hold", "vad")


@dataclass
class Settings:
    """Everything a user can configure; a field's comment is its help text."""

    model: str = ""            # mlx-lm model directory or cached hub id ("" = embedded SmolLM2)
    adapter: str = ""          # adapter directory for that model ("" = the shipped adapter)
    recogniser: str = ""       # faster-whisper model directory ("" = embedded adapted tiny.en)
    microphone: str = ""       # input device name or number as sounddevice lists it ("" = default)
    push_to_talk_key: str = "c-space"  # prompt-toolkit key name: c-space, f2, c-r...
    mode: str = "toggle"       # toggle: key starts/stops; hold: record while held; vad: hands-free
    threads: int = 2           # CPU threads for the recogniser
    use_model: bool = True     # false: processor and classifiers only
    server_idle_s: int = 1800  # dictbash serve exits after this many idle seconds (0 = never)


class ConfigError(Exception):
    """A config file or value that cannot be used; the message names the file and key."""


def config_path() -> Path:
    """Where the config file is read from."""
    if os.environ.get("DICTBASH_CONFIG"):
        return Path(os.environ["DICTBASH_CONFIG"])
    import platformdirs

    return Path(platformdirs.user_config_dir("dictbash")) / "config.toml"


def _checked(key: str, value, where: str):
    kinds = {f.name: type(f.default) for f in fields(Settings)}
    if key not in kinds:
        raise ConfigError(f"{where}: unknown setting {key!r}; known: {', '.join(kinds)}")
    if not isinstance(value, kinds[key]) or (kinds[key] is int and isinstance(value, bool)):
        raise ConfigError(f"{where}: {key} must be a {kinds[key].__name__}, not {value!r}")
    if key == "mode" and value not in MODES:
        raise ConfigError(f"{where}: mode must be one of {', '.join(MODES)}, not {value!r}")
    if key == "threads" and value < 1:
        raise ConfigError(f"{where}: threads must be at least 1")
    if key == "server_idle_s" and value < 0:
        raise ConfigError(f"{where}: server_idle_s must be 0 (never) or more seconds")
    return value


def load_settings(overrides: dict | None = None, path: Path | None = None) -> Settings:
    """The settings in effect: defaults, then the config file (if any), then ``overrides``
    (flags the user gave; a None value means the flag was not given)."""
    path = path or config_path()
    values: dict = {}
    if path.is_file():
        try:
            values.update(tomllib.loads(path.read_text(encoding="utf-8")))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as error:
            raise ConfigError(f"{path}: not a readable TOML file ({error})") from None
    values = {key: _checked(key, value, str(path)) for key, value in values.items()}
    for key, value in (overrides or {}).items():
        if value is not None:
            values[key] = _checked(key, value, "command line")
    return Settings(**values)


def describe(settings: Settings) -> str:
    """The settings as TOML, ready to paste into the config file."""
    lines = []
    for f in fields(Settings):
        value = getattr(settings, f.name)
        shown = str(value).lower() if isinstance(value, bool) else (
            value if isinstance(value, int) else f'"{value}"')
        lines.append(f"{f.name} = {shown}")
    return "\n".join(lines)
