"""The user's settings: one YAML file, validated, overridden by flags, written back safely."""

from __future__ import annotations

import difflib
import logging
import math
import os
import tempfile
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable, Final, Mapping

import yaml

from voice.decision import Thresholds
from voice.errors import SettingsError
from voice.knowledge import available_languages, yaml_problem
from voice.recognizer import Limits

log = logging.getLogger(__name__)

_RULE: Final = "rule"


# ---------------------------------------------------------------- rules


class _Rule:
    """How one setting is checked: what it allows, and how a raw value becomes a setting."""

    def allowed(self) -> str:
        raise NotImplementedError

    def convert(self, value: Any) -> Any:
        """The setting for a raw value; ValueError when the value is not allowed."""
        raise NotImplementedError


@dataclass(frozen=True)
class _Whole(_Rule):
    low: int
    high: int

    def allowed(self) -> str:
        return f"a whole number between {self.low} and {self.high}"

    def convert(self, value: Any) -> int:
        number = _number(value)
        if not number.is_integer() or not self.low <= number <= self.high:
            raise ValueError(value)
        return int(number)


@dataclass(frozen=True)
class _Number(_Rule):
    low: float
    high: float

    def allowed(self) -> str:
        return f"a number between {self.low:g} and {self.high:g}"

    def convert(self, value: Any) -> float:
        number = _number(value)
        if not self.low <= number <= self.high:
            raise ValueError(value)
        return number


_TRUE: Final = frozenset({"yes", "true", "on"})
_FALSE: Final = frozenset({"no", "false", "off"})


@dataclass(frozen=True)
class _Flag(_Rule):
    def allowed(self) -> str:
        return "yes or no (true or false)"

    def convert(self, value: Any) -> bool:
        if isinstance(value, bool):
            return value
        word = value.strip().lower() if isinstance(value, str) else None
        if word in _TRUE or word in _FALSE:
            return word in _TRUE
        raise ValueError(value)


@dataclass(frozen=True)
class _Text(_Rule):
    what: str

    def allowed(self) -> str:
        return self.what

    def convert(self, value: Any) -> str:
        return _text(value)


@dataclass(frozen=True)
class _Language(_Rule):
    def allowed(self) -> str:
        return "one of: " + ", ".join(available_languages())

    def convert(self, value: Any) -> str:
        code = _text(value).lower()
        if code not in available_languages():
            raise ValueError(value)
        return code


@dataclass(frozen=True)
class _Device(_Rule):
    def allowed(self) -> str:
        return "a device index (0, 1, ...) or part of a device name"

    def convert(self, value: Any) -> str | int:
        if isinstance(value, int) and not isinstance(value, bool):
            if value < 0:
                raise ValueError(value)
            return value
        text = _text(value)
        return int(text) if text.isdigit() else text


@dataclass(frozen=True)
class _Phrase(_Rule):
    max_words: int

    def allowed(self) -> str:
        return f"1 to {self.max_words} words of letters and spaces"

    def convert(self, value: Any) -> str:
        words = _text(value).split()
        if len(words) > self.max_words or not all(word.isalpha() for word in words):
            raise ValueError(value)
        return " ".join(words)


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(value)
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(value)
    return number


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(value)
    return value.strip()


def _setting(default: Any, rule: _Rule) -> Any:
    return field(default=default, metadata={_RULE: rule})


# ---------------------------------------------------------------- settings


@dataclass(frozen=True)
class Settings:
    """Everything the user can set, in the file or by a flag."""

    language: str = _setting("en", _Language())
    """The language pack in data/lang/ ("en", "ko", ...)."""
    model: str | None = _setting(None, _Text("the path of a Vosk model folder"))
    """A Vosk model folder; None searches for the language's default model."""
    input_device: str | int | None = _setting(None, _Device())
    """The microphone: an index or part of its name; None is the system default."""
    voice: str | None = _setting(None, _Text("the name of a text-to-speech voice"))
    """The text-to-speech voice; None is the language pack's voice."""
    rate: int = _setting(160, _Whole(80, 300))
    """Speaking rate in words per minute."""
    volume: float = _setting(1.0, _Number(0.1, 1.0))
    """Loudness of the speech, from 0.1 (soft) to 1 (full)."""
    same_side: bool = _setting(False, _Flag())
    """Massage the corresponding area on the same side instead of the opposite one."""
    massage_minutes: float = _setting(1.0, _Number(0.25, 30))
    """How long to massage, in minutes."""
    audio_cues: bool = _setting(True, _Flag())
    """Play short sounds when the assistant starts and stops listening."""
    wake_phrase: str | None = _setting(None, _Phrase(5))
    """The words that wake the assistant; None is the language pack's wake phrase."""
    hold_off: float = _setting(0.3, _Number(0.0, 3.0))
    """Seconds the microphone stays ignored after the assistant stops speaking."""
    patience: float = _setting(Limits().patience, _Number(0.5, 5.0))
    """Seconds of quiet the assistant waits for the rest of a request that is not complete yet
    ("my left..."); a complete one is answered at once."""
    sure_confidence: float = _setting(Thresholds().sure, _Number(0.0, 1.0))
    """Words heard at least this confidently are taken as said; below it, a place heard is
    asked back first ("Did you say your left knee?")."""
    unsure_confidence: float = _setting(Thresholds().unsure, _Number(0.0, 1.0))
    """Words heard less confidently than this are not taken as said at all."""


ALLOWED_KEYS: Final[tuple[str, ...]] = tuple(f.name for f in fields(Settings))
DEFAULTS: Final = Settings()
_FLAG_NAMES: Final = {"language": "--lang", "input_device": "--device", "massage_minutes": "--minutes"}


@dataclass(frozen=True)
class Loaded:
    """The settings in force, and where each of them came from."""

    settings: Settings
    origins: Mapping[str, str]
    """For each setting: "default", "file" or "flag"."""
    path: Path
    """The settings file that was read (it may not exist)."""


def config_path(env: Mapping[str, str] | None = None) -> Path:
    """$XDG_CONFIG_HOME/acupressure/config.yaml, else ~/.config/acupressure/config.yaml."""
    env = os.environ if env is None else env
    base = env.get("XDG_CONFIG_HOME")
    if base:
        return Path(base) / "acupressure" / "config.yaml"
    home = Path(env["HOME"]) if env.get("HOME") else Path.home()
    return home / ".config" / "acupressure" / "config.yaml"


def flag_name(key: str) -> str:
    """The command-line flag of a setting ("--rate", "--device")."""
    return _FLAG_NAMES.get(key, "--" + key.replace("_", "-"))


def to_dict(settings: Settings) -> dict[str, Any]:
    """Every setting by name, in the order of ALLOWED_KEYS."""
    return asdict(settings)


# ---------------------------------------------------------------- checking


def _check(key: str, value: Any, where: str) -> Any:
    """The setting for one raw value; `where` starts the error message."""
    spec = next(f for f in fields(Settings) if f.name == key)
    if value is None and spec.default is None:
        return None
    rule: _Rule = spec.metadata[_RULE]
    try:
        return rule.convert(value)
    except ValueError:
        raise SettingsError(f"{where}{_show(value)} is not {rule.allowed()}") from None


def _check_all(raw: Mapping[Any, Any], label: Callable[[str], str]) -> dict[str, Any]:
    """Checked settings for raw ones; label(key) names where a key came from in errors."""
    values = {}
    for key, value in raw.items():
        name = _check_key(str(key), label(str(key)))
        values[name] = _check(name, value, f"{label(name)}: ")
    return values


def _check_key(key: str, where: str) -> str:
    if key in ALLOWED_KEYS:
        return key
    close = difflib.get_close_matches(key, ALLOWED_KEYS, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    raise SettingsError(f"{where}: unknown setting{hint}. Allowed keys: {', '.join(ALLOWED_KEYS)}")


def _show(value: Any) -> str:
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return "a mapping" if isinstance(value, dict) else "a list"
    return repr(value)


# ---------------------------------------------------------------- the file


def _read_text(path: Path) -> str | None:
    """The file's text; None when there is no file."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as error:
        raise SettingsError(f"{path}: cannot read the settings file ({error})") from None


def _parse(path: Path, text: str) -> dict[Any, Any]:
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise SettingsError(f"{path}: {yaml_problem(error)}") from None
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise SettingsError(f"{path}: expected settings as 'key: value' lines, found {_show(value)}")
    return value


def _read_file(path: Path) -> tuple[str | None, dict[str, Any]]:
    """The file's text (None if missing) and its checked settings."""
    text = _read_text(path)
    if text is None:
        return None, {}
    return text, _check_all(_parse(path, text), lambda key: f"{path}: {key}")


def load_settings(path: Path | None = None, flags: Mapping[str, Any] | None = None,
                  env: Mapping[str, str] | None = None) -> Loaded:
    """Defaults, overridden by the settings file, overridden by flags that are not None."""
    path = path or config_path(env)
    _, from_file = _read_file(path)
    from_flags = _check_all({k: v for k, v in (flags or {}).items() if v is not None}, flag_name)
    origins = {key: "default" for key in ALLOWED_KEYS}
    origins.update({key: "file" for key in from_file})
    origins.update({key: "flag" for key in from_flags})
    settings = replace(DEFAULTS, **{**from_file, **from_flags})
    log.debug("settings from %s: %s", path, settings)
    return Loaded(settings, MappingProxyType(origins), path)


def save_settings(path: Path, changes: Mapping[str, Any]) -> None:
    """Write changed settings into the file, keeping the user's other keys and leading comments.

    Refuses, leaving the file untouched, when the file is not valid now.
    """
    checked = _check_all(changes, str)
    try:
        text, existing = _read_file(path)
    except SettingsError as error:
        raise SettingsError(f"{error} (the settings were not saved; fix or remove the file first)") from None
    merged = dict(existing)
    for key, value in checked.items():
        if key in existing or value != getattr(DEFAULTS, key):
            merged[key] = value
    _write_atomically(path, _header(text or "") + _dump(merged))
    log.info("saved %s to %s", ", ".join(checked) or "nothing", path)


def _header(text: str) -> str:
    """The comment block at the top of a file, blank lines included."""
    lines = []
    for line in text.splitlines(keepends=True):
        if line.strip() and not line.lstrip().startswith("#"):
            break
        lines.append(line)
    header = "".join(lines)
    return header if header.endswith("\n") or not header else header + "\n"


def _dump(values: Mapping[str, Any]) -> str:
    if not values:
        return ""
    return yaml.safe_dump(dict(values), sort_keys=False, allow_unicode=True, default_flow_style=False)


def _write_atomically(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise SettingsError(f"{path}: cannot write the settings file ({error})") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temp, mode)
        os.replace(temp, path)
    except OSError as error:
        Path(temp).unlink(missing_ok=True)
        raise SettingsError(f"{path}: cannot write the settings file ({error})") from None


# ---------------------------------------------------------------- showing


def describe(loaded: Loaded) -> list[str]:
    """Lines for `acupressure config`: the file used, then each setting and where it came from."""
    state = "exists" if loaded.path.exists() else "does not exist; using defaults"
    lines = [f"Settings file: {loaded.path} ({state})"]
    for key, value in to_dict(loaded.settings).items():
        lines.append(f"{key}: {_show_value(value)}  ({_origin(loaded, key)})")
    return lines


def _origin(loaded: Loaded, key: str) -> str:
    origin = loaded.origins.get(key, "default")
    if origin == "file":
        return f"from {loaded.path}"
    if origin == "flag":
        return f"from {flag_name(key)}"
    return "default"


def _show_value(value: Any) -> str:
    if value is None:
        return "none"
    return _show(value) if isinstance(value, bool) else str(value)

