"""The user's settings: declared once, read from the user's file, kept voice changes and flags."""

from __future__ import annotations

import datetime
import difflib
import logging
import math
import os
from dataclasses import asdict, dataclass, field, fields, replace
from enum import Enum
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable, Final, Mapping

import yaml

from voice import files
from voice.decision import Pauses, Thresholds
from voice.errors import SettingsError
from voice.knowledge import Confirm, LanguagePack, available_languages
from voice.verbosity import Verbosity
from voice.yamlfile import read_yaml

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

    def clamp(self, value: float) -> int:
        """The nearest allowed value."""
        return int(min(self.high, max(self.low, round(value))))


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

    def clamp(self, value: float) -> float:
        """The nearest allowed value."""
        return min(self.high, max(self.low, value))


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


_LONGEST_TEXT: Final = 4096
"""Characters at most in a text setting: a path or a voice name is far shorter (PATH_MAX is 4096)."""


@dataclass(frozen=True)
class _Text(_Rule):
    what: str

    def allowed(self) -> str:
        return self.what

    def convert(self, value: Any) -> str:
        text = _text(value)
        if len(text) > _LONGEST_TEXT:
            raise ValueError(value)
        return text


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


@dataclass(frozen=True)
class _Choice(_Rule):
    names: type[Enum]

    def allowed(self) -> str:
        return "one of: " + ", ".join(str(member.value) for member in self.names)

    def convert(self, value: Any) -> str:
        word = _text(value).lower()
        if word not in {member.value for member in self.names}:
            raise ValueError(value)
        return word


class SpeechEngine(str, Enum):
    """What speaks: the setting `speech`."""

    PYTTSX3 = "pyttsx3"
    """pyttsx3 on espeak-ng, played on our own output device (or written to WAV files)."""
    SPEECHD = "speechd"
    """speech-dispatcher: the screen reader's voice and rate, one queue with it."""
    AUTO = "auto"
    """speech-dispatcher when it is running, else pyttsx3."""


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


class Switch(str, Enum):
    """How a setting's command-line flag is given."""

    VALUE = "value"
    """The flag takes a value: --rate 140."""
    ON = "on"
    """The bare flag turns the setting on: --same-side."""
    OFF = "off"
    """The bare flag turns the setting off: --no-cues."""


class Group(str, Enum):
    """Which commands take a setting's flag."""

    ANSWER = "answer"
    """What the answers say: ask, listen and config take these."""
    AUDIO = "audio"
    """How it listens and speaks: listen and config take these."""


@dataclass(frozen=True)
class Option:
    """One setting as the command line offers it: generated from its single declaration."""

    key: str
    flag: str
    """The flag, e.g. "--rate"."""
    help: str
    group: Group
    switch: Switch
    rule: _Rule
    default: Any
    pack: str | None = None
    """The language pack's field that stands for the setting while it is unset (None)."""


def _setting(default: Any, rule: _Rule, help: str, group: Group, flag: str | None = None,
             switch: Switch = Switch.VALUE, pack: str | None = None) -> Any:
    """Declare a setting: its default, its check, and its flag (--key-with-dashes unless named);
    `pack`: unset, it is the language pack's field of that name."""
    return field(default=default, metadata={_RULE: rule, "help": help, "group": group, "flag": flag,
                                            "switch": switch, "pack": pack})


RATE_RANGE: Final = _Whole(80, 450)
"""Speaking rate in words per minute: the one declaration of its range (screen-reader users
listen at 300 to 450)."""
VOLUME_RANGE: Final = _Number(0.1, 1.0)
"""Speech loudness from soft to full: the one declaration of its range."""


# ---------------------------------------------------------------- settings


@dataclass(frozen=True)
class Settings:
    """Everything the user can set, in the file or by a flag; each setting is declared once, here."""

    language: str = _setting("en", _Language(), "language pack in data/lang/", Group.ANSWER, flag="--lang")
    model: str | None = _setting(None, _Text("the path of a Vosk model folder"),
                                 "Vosk model folder (default: the language's model, searched for)", Group.AUDIO)
    input_device: str | int | None = _setting(None, _Device(), "microphone: index or part of the name "
                                              "(see `acupressure devices`)", Group.AUDIO, flag="--device")
    output_device: str | int | None = _setting(None, _Device(), "speaker or headphones: index or part of the name "
                                               "(see `acupressure devices`)", Group.AUDIO)
    voice: str | None = _setting(None, _Text("the name of a text-to-speech voice"),
                                 "text-to-speech voice: a language, name or id (default: the pack's)", Group.AUDIO)
    rate: int = _setting(160, RATE_RANGE, "speaking rate in words per minute", Group.AUDIO)
    volume: float = _setting(1.0, VOLUME_RANGE, "speaking volume, from soft to full", Group.AUDIO)
    same_side: bool = _setting(False, _Flag(), "massage the corresponding area on the same side "
                               "(default: the opposite side)", Group.ANSWER, switch=Switch.ON)
    massage_minutes: float = _setting(1.0, _Number(0.25, 30), "how long to massage, in minutes", Group.ANSWER,
                                      flag="--minutes")
    audio_cues: bool = _setting(True, _Flag(), "no tones when listening starts and stops", Group.AUDIO,
                                flag="--no-cues", switch=Switch.OFF)
    wake_phrase: str | None = _setting(None, _Phrase(5), "what wakes it when idle (default: the pack's, "
                                       "e.g. 'hello helper')", Group.AUDIO)
    hold_off: float = _setting(0.3, _Number(0.0, 3.0), "seconds the microphone stays ignored after it speaks",
                               Group.AUDIO)
    barge_in: bool = _setting(True, _Flag(), "do not listen for stop, wait or repeat while it speaks",
                              Group.AUDIO, flag="--no-barge-in", switch=Switch.OFF)
    speech: str = _setting(SpeechEngine.AUTO.value, _Choice(SpeechEngine),
                           "what speaks: pyttsx3 (espeak-ng), speechd (speech-dispatcher, the screen reader's "
                           "voice) or auto (speechd when it is running)", Group.AUDIO)
    verbosity: str = _setting(Verbosity.NORMAL.value, _Choice(Verbosity),
                              "how much each answer says: brief (where, which side, how long and every "
                              "warning), normal, or detailed (also why there and how to find it)", Group.ANSWER)
    patience: float = _setting(Pauses().patience, _Number(0.5, 5.0),
                               "seconds of quiet it waits for the rest of a request that is not complete yet "
                               "(\"my left...\"); a complete one is answered at once", Group.AUDIO)
    sure_confidence: float = _setting(Thresholds().sure, _Number(0.0, 1.0),
                                      "confidence from which words heard are taken as said; below it a place "
                                      "is asked back first (\"Did you say your left knee?\")", Group.AUDIO)
    sure_answer_confidence: float = _setting(Thresholds().sure_answer, _Number(0.0, 1.0),
                                             "confidence from which a yes, a no or a command heard is "
                                             "acted on", Group.AUDIO)
    unsure_confidence: float = _setting(Thresholds().unsure, _Number(0.0, 1.0),
                                        "confidence below which words heard are not taken as said at all",
                                        Group.AUDIO)
    step_pause: float = _setting(8.0, _Number(2.0, 30.0),
                                 "seconds of quiet after each step of directions by touch before the next "
                                 "is said (\"next\" goes on at once, \"wait\" holds it)", Group.AUDIO)
    confirm: str | None = _setting(None, _Choice(Confirm),
                                   "which places heard are asked back (\"Did you say your left knee?\") before "
                                   "they are answered: unsure (those heard below sure_confidence) or always "
                                   "(every one; for a speech model whose confidence does not tell right from "
                                   "wrong) (default: the language pack's)", Group.AUDIO, pack="confirm")


def _option(spec: Any) -> Option:
    meta = spec.metadata
    flag = meta["flag"] or "--" + spec.name.replace("_", "-")
    return Option(spec.name, flag, meta["help"], meta["group"], meta["switch"], meta[_RULE], spec.default,
                  meta["pack"])


OPTIONS: Final[tuple[Option, ...]] = tuple(_option(spec) for spec in fields(Settings))
"""Every setting as a command-line option, in declaration order."""
ALLOWED_KEYS: Final[tuple[str, ...]] = tuple(option.key for option in OPTIONS)
DEFAULTS: Final = Settings()


def option(key: str) -> Option:
    """The option of one setting."""
    return next(option for option in OPTIONS if option.key == key)


def flag_help(option: Option) -> str:
    """The help text of a setting's flag: what it does, what it allows and its default."""
    if option.switch is not Switch.VALUE or option.default is None:
        return option.help
    return f"{option.help} ({option.rule.allowed()}; default: {_show_value(option.default)})"


class Origin(str, Enum):
    """Where a setting in force came from; later ones override earlier ones."""

    DEFAULT = "default"
    FILE = "file"
    """The user's settings file."""
    STATE = "state"
    """A voice change said aloud, kept in the assistant's state file."""
    FLAG = "flag"


VOICE_KEYS: Final = ("rate", "volume")
"""The settings a spoken command changes, and the only ones the state file keeps."""


@dataclass(frozen=True)
class Loaded:
    """The settings in force, and where each of them came from."""

    settings: Settings
    origins: Mapping[str, Origin]
    path: Path
    """The settings file that was read (it may not exist)."""
    state_path: Path
    """The assistant's own file of kept voice changes (it may not exist)."""


def config_path(env: Mapping[str, str] | None = None) -> Path:
    """$XDG_CONFIG_HOME/acupressure/config.yaml, else ~/.config/acupressure/config.yaml."""
    return _xdg_file(env, "XDG_CONFIG_HOME", (".config",), "config.yaml")


def state_path(env: Mapping[str, str] | None = None) -> Path:
    """$XDG_STATE_HOME/acupressure/voice.yaml, else ~/.local/state/acupressure/voice.yaml."""
    return _xdg_file(env, "XDG_STATE_HOME", (".local", "state"), "voice.yaml")


def cache_path(name: str, env: Mapping[str, str] | None = None) -> Path:
    """$XDG_CACHE_HOME/acupressure/NAME, else ~/.cache/acupressure/NAME: what can be worked out
    again, kept to save the time (the verdicts of the model check)."""
    return _xdg_file(env, "XDG_CACHE_HOME", (".cache",), name)


def _xdg_file(env: Mapping[str, str] | None, variable: str, default: tuple[str, ...], name: str) -> Path:
    """The assistant's file `name` in an XDG base folder: $variable, else ~/<default>. A relative
    $variable is ignored, as the XDG spec says: it would be a different file in every folder."""
    env = os.environ if env is None else env
    base = env.get(variable)
    if base and Path(base).is_absolute():
        return Path(base) / "acupressure" / name
    home = Path(env["HOME"]) if env.get("HOME") else Path.home()
    return home.joinpath(*default) / "acupressure" / name


def flag_name(key: str) -> str:
    """The command-line flag of a setting ("--rate", "--device"); --key for an unknown key."""
    return option(key).flag if key in ALLOWED_KEYS else "--" + key.replace("_", "-")


def to_dict(settings: Settings) -> dict[str, Any]:
    """Every setting by name, in the order of ALLOWED_KEYS."""
    return asdict(settings)


# ---------------------------------------------------------------- checking


def _check(key: str, value: Any, where: str) -> Any:
    """The setting for one raw value; `where` starts the error message."""
    spec = option(key)
    if value is None and spec.default is None:
        return None
    rule = spec.rule
    try:
        return rule.convert(value)
    except ValueError:
        raise SettingsError(f"{where}{_show(value)} is not {rule.allowed()}") from None


def _check_all(raw: Mapping[Any, Any], label: Callable[[str], str]) -> dict[str, Any]:
    """Checked settings for raw ones; label(key) names where a key came from in errors."""
    values = {}
    for key, value in raw.items():
        name = _check_key(str(key), label(_cut(str(key))))
        values[name] = _check(name, value, f"{label(name)}: ")
    return values


def _check_key(key: str, where: str) -> str:
    if key in ALLOWED_KEYS:
        return key
    close = difflib.get_close_matches(key, ALLOWED_KEYS, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    raise SettingsError(f"{where}: unknown setting{hint}. Allowed keys: {', '.join(ALLOWED_KEYS)}")


SHOWN_CHARS: Final = 60
"""A value quoted in an error line is cut to about this many characters: the line stays one line."""


def _show(value: Any) -> str:
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return "a mapping" if isinstance(value, dict) else "a list"
    if isinstance(value, (datetime.date, datetime.datetime)):  # YAML reads 2024-01-01 as a date
        return f"the date {value.isoformat()}"
    if isinstance(value, bytes):
        return "binary data"
    if not isinstance(value, (str, int, float)):  # !!set, ...: what it is, not Python's repr
        return f"a value of YAML type {type(value).__name__}"
    return _cut(str(value), repr(value))


def _cut(text: str, shown: str | None = None) -> str:
    """How `text` is shown (itself, or `shown`: as quoted), cut to SHOWN_CHARS with how long it is."""
    shown = text if shown is None else shown
    if len(shown) <= SHOWN_CHARS:
        return shown
    return f"{shown[:SHOWN_CHARS]}… ({len(text):,} characters)"


# ---------------------------------------------------------------- the file


def _parse(path: Path) -> dict[Any, Any] | None:
    """The file's settings as written; None when there is no file."""
    try:
        value = read_yaml(path, SettingsError)
    except FileNotFoundError:
        if path.is_symlink():  # a link to a file that is gone is a mistake, not "no settings"
            raise SettingsError(f"{path}: it is a link to {os.readlink(path)}, which does not exist; point the "
                                "link at your settings file, or remove it to use the defaults") from None
        return None
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise SettingsError(f"{path}: expected settings as 'key: value' lines, found {_show(value)}")
    return value


def _read_file(path: Path) -> dict[str, Any] | None:
    """The file's checked settings; None when there is no file."""
    raw = _parse(path)
    return None if raw is None else _check_all(raw, lambda key: f"{path}: {key}")


def _read_state(path: Path) -> dict[str, Any]:
    """The voice changes the assistant kept; a broken state file is set aside, never an obstacle."""
    try:
        kept = _read_file(path) or {}
    except SettingsError as error:
        log.warning("ignoring the kept voice changes: %s (`acupressure config --reset-voice` removes them)", error)
        return {}
    return {key: value for key, value in kept.items() if key in VOICE_KEYS}


def load_settings(path: Path | None = None, flags: Mapping[str, Any] | None = None,
                  env: Mapping[str, str] | None = None, *, required: bool = False) -> Loaded:
    """Defaults, overridden by the settings file, then by the kept voice changes, then by flags
    that are not None. `required`: the file was named explicitly, so it must exist."""
    path = path or config_path(env)
    from_file = _read_file(path)
    if from_file is None and required:
        raise SettingsError(f"{path}: the settings file given with --config does not exist; check the path, "
                            f"or leave out --config to use {config_path(env)}")
    state = state_path(env)
    layers = [(Origin.FILE, from_file or {}), (Origin.STATE, _read_state(state)),
              (Origin.FLAG, _check_all({k: v for k, v in (flags or {}).items() if v is not None}, flag_name))]
    origins = {key: Origin.DEFAULT for key in ALLOWED_KEYS}
    values: dict[str, Any] = {}
    for origin, layer in layers:
        origins.update({key: origin for key in layer})
        values.update(layer)
    settings = replace(DEFAULTS, **values)
    log.debug("settings from %s and %s: %s", path, state, settings)
    return Loaded(settings, MappingProxyType(origins), path, state)


def remember_voice(loaded: Loaded, changes: Mapping[str, Any]) -> None:
    """Keep spoken voice changes for next time, in the assistant's own state file: the user's
    settings file is never written."""
    checked = _check_all({key: value for key, value in changes.items() if key in VOICE_KEYS}, str)
    kept = {**_read_state(loaded.state_path), **checked}
    _write_atomically(loaded.state_path, _STATE_HEADER + _dump(kept))
    log.info("kept %s in %s", ", ".join(checked) or "nothing", loaded.state_path)


def forget_voice(loaded: Loaded) -> bool:
    """Forget the kept voice changes; False when there were none."""
    try:
        loaded.state_path.unlink()
    except FileNotFoundError:
        return False
    except OSError as error:
        raise SettingsError(f"{loaded.state_path}: cannot remove the kept voice changes "
                            f"({error.strerror or error})") from None
    return True


_STATE_HEADER: Final = ("# Voice changes said aloud (\"slower\", \"louder\", ...), kept by the assistant.\n"
                        "# Forget them with: acupressure config --reset-voice\n")


def _dump(values: Mapping[str, Any]) -> str:
    if not values:
        return ""
    return yaml.safe_dump(dict(values), sort_keys=False, allow_unicode=True, default_flow_style=False)


def _write_atomically(path: Path, text: str) -> None:
    """Replace the file whole, or leave it as it was."""
    try:
        files.replace_whole(path, text.encode("utf-8"))
    except OSError as error:
        raise SettingsError(f"{path}: cannot write the file ({error.strerror or error})") from None


# ---------------------------------------------------------------- showing


def describe(loaded: Loaded, pack: LanguagePack | None = None) -> list[str]:
    """Lines for `acupressure config`: the files used, then each setting and where it came from
    (an unset setting that the language pack states, with the pack's value)."""
    state = "exists" if loaded.path.exists() else "does not exist; using defaults"
    kept = "exists" if loaded.state_path.exists() else "none kept"
    lines = [f"Settings file: {loaded.path} ({state})", f"Voice changes said aloud: {loaded.state_path} ({kept})"]
    for key, value in to_dict(loaded.settings).items():
        field_name = option(key).pack
        if value is None and field_name is not None and pack is not None:
            lines.append(f"{key}: {_show_value(getattr(pack, field_name))}  (from the language pack {pack.path})")
        else:
            lines.append(f"{key}: {_show_value(value)}  ({_origin(loaded, key)})")
    return lines


def _origin(loaded: Loaded, key: str) -> str:
    origin = loaded.origins.get(key, Origin.DEFAULT)
    if origin is Origin.FILE:
        return f"from {loaded.path}"
    if origin is Origin.STATE:
        return "said aloud; forget with `acupressure config --reset-voice`"
    if origin is Origin.FLAG:
        return f"from {flag_name(key)}"
    return "default"


def _show_value(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, Enum):
        return str(value.value)
    return _show(value) if isinstance(value, bool) else str(value)

