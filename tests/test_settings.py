"""Tests of the settings file: reading, validation, flags, saving and describing."""

from __future__ import annotations

import re
import time
from dataclasses import fields
from pathlib import Path

import pytest

from voice.errors import SettingsError, VoiceError
from voice.knowledge import available_languages, load
from voice.settings import (
    ALLOWED_KEYS,
    Loaded,
    Origin,
    Settings,
    config_path,
    describe,
    flag_name,
    forget_voice,
    load_settings,
    remember_voice,
    state_path,
    to_dict,
)


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return tmp_path / "acupressure" / "config.yaml"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def error_of(path: Path, text: str) -> str:
    write(path, text)
    with pytest.raises(SettingsError) as caught:
        load_settings(path)
    return str(caught.value)


# ---------------------------------------------------------------- where the file is


def test_config_path_uses_xdg_config_home(tmp_path: Path) -> None:
    env = {"XDG_CONFIG_HOME": str(tmp_path / "xdg"), "HOME": str(tmp_path / "home")}
    assert config_path(env) == tmp_path / "xdg" / "acupressure" / "config.yaml"


def test_config_path_falls_back_to_home(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path / "home")}
    assert config_path(env) == tmp_path / "home" / ".config" / "acupressure" / "config.yaml"


def test_config_path_ignores_an_empty_xdg_config_home(tmp_path: Path) -> None:
    env = {"XDG_CONFIG_HOME": "", "HOME": str(tmp_path)}
    assert config_path(env) == tmp_path / ".config" / "acupressure" / "config.yaml"


def test_a_relative_xdg_folder_is_ignored_so_the_file_does_not_depend_on_the_current_folder(tmp_path: Path) -> None:
    env = {"XDG_CONFIG_HOME": "relative/config", "XDG_STATE_HOME": "state", "HOME": str(tmp_path)}
    assert config_path(env) == tmp_path / ".config" / "acupressure" / "config.yaml"
    assert state_path(env) == tmp_path / ".local" / "state" / "acupressure" / "voice.yaml"


def test_load_without_a_path_reads_the_file_under_xdg_config_home(tmp_path: Path) -> None:
    env = {"XDG_CONFIG_HOME": str(tmp_path), "HOME": str(tmp_path / "nohome")}
    write(tmp_path / "acupressure" / "config.yaml", "rate: 200\n")
    loaded = load_settings(env=env)
    assert loaded.path == tmp_path / "acupressure" / "config.yaml"
    assert loaded.settings.rate == 200


# ---------------------------------------------------------------- defaults < file < flags


def test_defaults_when_there_is_no_file(config: Path) -> None:
    loaded = load_settings(config)
    assert loaded.settings == Settings()
    assert loaded.path == config
    assert set(loaded.origins.values()) == {"default"}
    assert set(loaded.origins) == set(ALLOWED_KEYS)


def test_the_defaults() -> None:
    assert to_dict(Settings()) == {
        "language": "en", "model": None, "input_device": None, "output_device": None,
        "voice": None, "rate": 160,
        "volume": 1.0, "same_side": False, "massage_minutes": 1.0, "audio_cues": True,
        "wake_phrase": None, "hold_off": 0.3, "barge_in": True, "speech": "auto", "verbosity": "normal",
        "patience": 1.5, "sure_confidence": 0.99, "sure_answer_confidence": 0.7, "unsure_confidence": 0.4,
        "step_pause": 8.0, "confirm": None,
    }
    assert ALLOWED_KEYS == tuple(f.name for f in fields(Settings))


def test_every_default_passes_its_own_check(config: Path) -> None:
    flags = {key: value for key, value in to_dict(Settings()).items()}
    assert load_settings(config, flags=flags).settings == Settings()


@pytest.mark.parametrize("text", ["", "\n", "# only a comment\n"])
def test_an_empty_file_gives_the_defaults(config: Path, text: str) -> None:
    write(config, text)
    assert load_settings(config).settings == Settings()


def test_the_file_overrides_the_defaults_and_flags_override_the_file(config: Path) -> None:
    write(config, "rate: 200\nvolume: 0.5\nlanguage: ko\n")
    loaded = load_settings(config, flags={"volume": 0.8, "same_side": True})
    assert loaded.settings == Settings(rate=200, volume=0.8, language="ko", same_side=True)
    assert loaded.origins["rate"] == "file"
    assert loaded.origins["language"] == "file"
    assert loaded.origins["volume"] == "flag"
    assert loaded.origins["same_side"] == "flag"
    assert loaded.origins["hold_off"] == "default"


def test_flags_that_are_none_are_ignored(config: Path) -> None:
    write(config, "rate: 200\n")
    loaded = load_settings(config, flags={"rate": None, "model": None, "volume": 0.5})
    assert loaded.settings.rate == 200
    assert loaded.origins["rate"] == "file"
    assert loaded.origins["model"] == "default"
    assert loaded.settings.volume == 0.5


def test_a_full_file(config: Path) -> None:
    write(config, """
language: ko
model: /opt/models/vosk-model-small-ko-0.22
input_device: USB Audio
voice: Korean
rate: 120
volume: 0.7
same_side: yes
massage_minutes: 2
audio_cues: no
wake_phrase: hello   helper
hold_off: 1
""")
    settings = load_settings(config).settings
    assert settings == Settings(
        language="ko", model="/opt/models/vosk-model-small-ko-0.22", input_device="USB Audio",
        voice="Korean", rate=120, volume=0.7, same_side=True, massage_minutes=2.0,
        audio_cues=False, wake_phrase="hello helper", hold_off=1.0,
    )
    assert isinstance(settings.massage_minutes, float)
    assert isinstance(settings.hold_off, float)


def test_null_for_an_optional_setting_means_its_default(config: Path) -> None:
    write(config, "model: null\nwake_phrase:\n")
    loaded = load_settings(config)
    assert loaded.settings.model is None
    assert loaded.settings.wake_phrase is None


@pytest.mark.parametrize(("raw", "device"), [("2", 2), ("'2'", 2), ("0", 0), ("USB Mic", "USB Mic")])
def test_input_device_from_the_file(config: Path, raw: str, device: str | int) -> None:
    write(config, f"input_device: {raw}\n")
    assert load_settings(config).settings.input_device == device


def test_a_digit_string_device_flag_becomes_an_index(config: Path) -> None:
    loaded = load_settings(config, flags={"input_device": "3"})
    assert loaded.settings.input_device == 3
    assert loaded.origins["input_device"] == "flag"


def test_flags_given_as_text_are_converted(config: Path) -> None:
    flags = {"rate": "180", "volume": "0.5", "same_side": "yes", "language": "KO"}
    settings = load_settings(config, flags=flags).settings
    assert (settings.rate, settings.volume, settings.same_side, settings.language) == (180, 0.5, True, "ko")


@pytest.mark.parametrize("raw", ["true", "yes", "on", "True", "YES"])
def test_yaml_true_values(config: Path, raw: str) -> None:
    write(config, f"same_side: {raw}\n")
    assert load_settings(config).settings.same_side is True


@pytest.mark.parametrize("raw", ["false", "no", "off", "'no'"])
def test_yaml_false_values(config: Path, raw: str) -> None:
    write(config, f"audio_cues: {raw}\n")
    assert load_settings(config).settings.audio_cues is False


def test_the_korean_wake_phrase_is_letters(config: Path) -> None:
    write(config, "language: ko\nwake_phrase: 안녕 도우미\n")
    assert load_settings(config).settings.wake_phrase == "안녕 도우미"


def test_every_language_pack_is_a_valid_language(config: Path) -> None:
    assert "en" in available_languages()
    for code in available_languages():
        assert load_settings(config, flags={"language": code}).settings.language == code


# ---------------------------------------------------------------- errors in the file


def test_an_unknown_key_names_the_file_the_key_and_the_closest_key(config: Path) -> None:
    message = error_of(config, "rate: 150\nvolumn: 0.5\n")
    assert str(config) in message
    assert "volumn" in message
    assert "did you mean 'volume'?" in message
    assert "Allowed keys: language, model, input_device" in message


def test_an_unknown_key_with_nothing_close(config: Path) -> None:
    message = error_of(config, "zzzzzz: 1\n")
    assert "zzzzzz" in message and "did you mean" not in message


@pytest.mark.parametrize(("text", "expected"), [
    ("rate: 500\n", "rate: 500 is not a whole number between 80 and 450"),
    ("rate: 79\n", "rate: 79 is not a whole number between 80 and 450"),
    ("rate: fast\n", "rate: 'fast' is not a whole number between 80 and 450"),
    ("rate: 150.5\n", "rate: 150.5 is not a whole number between 80 and 450"),
    ("rate: true\n", "rate: true is not a whole number between 80 and 450"),
    ("rate:\n", "rate: an empty value is not a whole number between 80 and 450"),
    ("volume: 0\n", "volume: 0 is not a number between 0.1 and 1"),
    ("volume: 1.5\n", "volume: 1.5 is not a number between 0.1 and 1"),
    ("volume: .nan\n", "volume: nan is not a number between 0.1 and 1"),
    ("massage_minutes: 31\n", "massage_minutes: 31 is not a number between 0.25 and 30"),
    ("massage_minutes: [1, 2]\n", "massage_minutes: a list is not a number between 0.25 and 30"),
    ("hold_off: -0.1\n", "hold_off: -0.1 is not a number between 0 and 3"),
    ("same_side: maybe\n", "same_side: 'maybe' is not yes or no (true or false)"),
    ("audio_cues: 1\n", "audio_cues: 1 is not yes or no (true or false)"),
    ("language: xx\n", "language: 'xx' is not one of: " + ", ".join(available_languages())),
    ("language: 5\n", "language: 5 is not one of: "),
    ("model: ''\n", "model: '' is not the path of a Vosk model folder"),
    ("voice: {a: 1}\n", "voice: a mapping is not the name of a text-to-speech voice"),
    ("input_device: -1\n", "input_device: -1 is not a device index (0, 1, ...) or part of a device name"),
    ("input_device: 1.5\n", "input_device: 1.5 is not a device index"),
    ("wake_phrase: hey 2 you\n", "wake_phrase: 'hey 2 you' is not 1 to 5 words of letters and spaces"),
    ("wake_phrase: one two three four five six\n", "wake_phrase: 'one two three four five six' is not 1 to 5"),
    ("wake_phrase: hey, you\n", "wake_phrase: 'hey, you' is not 1 to 5 words"),
    ("wake_phrase: '  '\n", "wake_phrase: '  ' is not 1 to 5 words"),
    ("rate: 2024-01-01\n", "rate: the date 2024-01-01 is not a whole number between 80 and 450"),
    ("rate: !!binary aGVsbG8=\n", "rate: binary data is not a whole number"),
])
def test_bad_values_name_the_file_the_key_the_value_and_what_is_allowed(
        config: Path, text: str, expected: str) -> None:
    message = error_of(config, text)
    assert message.startswith(f"{config}: {expected}")


def test_invalid_yaml_names_the_line_and_column(config: Path) -> None:
    message = error_of(config, "rate: 150\nvolume: [0.5\nvoice: x\n")
    assert str(config) in message
    assert "not valid YAML at line 3" in message
    assert "column" in message


def test_invalid_yaml_with_a_tab(config: Path) -> None:
    message = error_of(config, "rate: 150\n\tvolume: 1\n")
    assert "not valid YAML at line 2" in message


@pytest.mark.parametrize(("text", "found"), [("- rate\n- 150\n", "a list"), ("just words\n", "'just words'"),
                                            ("42\n", "42")])
def test_the_top_level_must_be_a_mapping(config: Path, text: str, found: str) -> None:
    message = error_of(config, text)
    assert message == f"{config}: expected settings as 'key: value' lines, found {found}"


def test_an_unreadable_file(tmp_path: Path) -> None:
    folder = tmp_path / "config.yaml"
    folder.mkdir()
    with pytest.raises(SettingsError, match="cannot read the file"):
        load_settings(folder)


def test_a_file_that_is_not_utf8(config: Path) -> None:
    config.parent.mkdir(parents=True)
    config.write_bytes(b"voice: \xff\xfe\n")
    with pytest.raises(SettingsError, match=r"not UTF-8 text \(byte 8 cannot be read\); save it as UTF-8$"):
        load_settings(config)


def test_a_duplicate_key_is_refused_naming_both_lines(config: Path) -> None:
    message = error_of(config, "# my settings\nrate: 140\nvolume: 0.5\nrate: 200\n")
    assert message == (f"{config}: not valid YAML at line 4, column 1: the key 'rate' is given twice, "
                       "on line 2 and line 4; keep one")


def test_a_yaml_merge_key_is_not_a_duplicate(config: Path) -> None:
    write(config, "base: &base\n  rate: 140\n")
    with pytest.raises(SettingsError, match="base: unknown setting"):  # the file is read; only the key is wrong
        load_settings(config)


@pytest.mark.parametrize("text", ["rate: " + "[" * 1000, "rate: " + "{a: " * 1000, "- " * 1000 + "x",
                                  "rate: " + "[" * 60 + "]" * 60, "a: &a [*a]"])
def test_deep_nesting_is_one_line_not_a_recursion_error(config: Path, text: str) -> None:
    message = error_of(config, text + "\n")
    assert message.startswith(f"{config}: not valid YAML at line 1")
    assert re.search("nested deeper than 40 levels|exceeded maximum nesting depth", message)
    assert "\n" not in message


def test_a_huge_file_is_refused_at_once(config: Path) -> None:
    write(config, "rate: 150\n# " + "x" * (50 * 1024 * 1024) + "\n")
    started = time.perf_counter()
    with pytest.raises(SettingsError) as caught:
        load_settings(config)
    assert time.perf_counter() - started < 1.0
    assert str(caught.value).startswith(f"{config}: the file is larger than 1024 KB")


def test_a_file_just_under_the_limit_is_read(config: Path) -> None:
    write(config, "rate: 150\n#" + "x" * (1024 * 1024 - 20) + "\n")
    assert load_settings(config).settings.rate == 150


def test_a_settings_pipe_nobody_writes_into_says_what_it_waits_for(tmp_path: Path) -> None:
    """Waiting is fine (a program may yet write the settings); waiting in silence looks like a hang."""
    import os
    import sys

    from conftest import waiting_on_a_pipe

    pipe = tmp_path / "settings.pipe"
    os.mkfifo(pipe)
    said, result = waiting_on_a_pipe([sys.executable, "-m", "voice", "config", "--config", str(pipe)], pipe,
                                     b"rate: 150\n")
    assert said == (f"WARNING voice.files: Waiting for a program to write into the named pipe {pipe}; nothing "
                    "goes on until one does (Ctrl-C stops it).\n")
    assert result.returncode == 0 and result.stderr == ""
    assert f"rate: 150  (from {pipe})" in result.stdout


@pytest.mark.parametrize("text", ["rate: " + "9" * 300_000 + "x\n", "voice: " + "a" * 300_000 + "\n",
                                  "k" * 1000 + ": 1\n"])
def test_a_huge_value_or_key_is_cut_in_the_error_line(config: Path, text: str) -> None:
    message = error_of(config, text)
    assert len(message) < 700 and "\n" not in message  # the key message lists every allowed key
    assert re.search(r"… \((300,00[01]|1,000) characters\)", message), message


@pytest.mark.parametrize("control", ["\0", "\x07", "\x1b"])
def test_a_control_character_names_its_line_and_column_not_invalid_yaml_twice(config: Path, control: str) -> None:
    message = error_of(config, f"rate: 150\nvoice: a{control}b\n")
    assert message == (f"{config}: not valid YAML at line 2, column 9: it holds the control character "
                       f"U+{ord(control):04X}, which YAML does not allow; remove it (is it a text file?)")


def test_a_link_to_a_settings_file_that_is_gone_is_said_not_taken_for_no_settings(config: Path,
                                                                                   tmp_path: Path) -> None:
    config.parent.mkdir(parents=True)
    config.symlink_to(tmp_path / "moved-away.yaml")
    for required in (False, True):
        with pytest.raises(SettingsError) as caught:
            load_settings(config, required=required)
        assert str(caught.value) == (f"{config}: it is a link to {tmp_path / 'moved-away.yaml'}, which does not "
                                     "exist; point the link at your settings file, or remove it to use the defaults")


def test_settings_errors_are_voice_errors() -> None:
    assert issubclass(SettingsError, VoiceError)


# ---------------------------------------------------------------- errors in flags


def test_a_bad_flag_names_the_flag_not_the_file(config: Path) -> None:
    write(config, "rate: 150\n")
    with pytest.raises(SettingsError) as caught:
        load_settings(config, flags={"rate": "fast"})
    assert str(caught.value) == "--rate: 'fast' is not a whole number between 80 and 450"


@pytest.mark.parametrize(("key", "flag"), [("language", "--lang"), ("input_device", "--device"),
                                           ("massage_minutes", "--minutes"), ("hold_off", "--hold-off")])
def test_flag_names(key: str, flag: str) -> None:
    assert flag_name(key) == flag


def test_a_bad_minutes_flag(config: Path) -> None:
    with pytest.raises(SettingsError, match=r"^--minutes: 0 is not a number between 0.25 and 30$"):
        load_settings(config, flags={"massage_minutes": 0})


def test_an_unknown_flag(config: Path) -> None:
    with pytest.raises(SettingsError, match="--sped: unknown setting"):
        load_settings(config, flags={"sped": 1})


def test_the_file_is_checked_even_when_flags_override_it(config: Path) -> None:
    write(config, "rate: 5000\n")
    with pytest.raises(SettingsError, match="rate: 5000"):
        load_settings(config, flags={"rate": 150})


# ---------------------------------------------------------------- voice changes said aloud


def files_in(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_STATE_HOME": str(tmp_path / "state"),
            "HOME": str(tmp_path / "home")}


USERS_FILE = """# My settings, with an anchor
base: &slow
  rate: 140
rate: 150    # a bit slow for me
volume: 0.9
"""


def test_state_path_follows_xdg_state_home_else_home(tmp_path: Path) -> None:
    assert state_path({"XDG_STATE_HOME": str(tmp_path)}) == tmp_path / "acupressure" / "voice.yaml"
    assert state_path({"HOME": str(tmp_path)}) == tmp_path / ".local" / "state" / "acupressure" / "voice.yaml"


def test_a_voice_change_never_writes_the_users_file(env: dict[str, str], tmp_path: Path) -> None:
    real = write(tmp_path / "dotfiles" / "acupressure.yaml", "# mine\nlanguage: ko\nrate: 150  # slow\n")
    link = config_path(env)
    link.parent.mkdir(parents=True)
    link.symlink_to(real)
    before = real.read_bytes()
    remember_voice(load_settings(env=env), {"rate": 130, "volume": 0.6})
    assert real.read_bytes() == before and link.is_symlink()
    assert files_in(link.parent) == ["config.yaml"] and files_in(real.parent) == ["acupressure.yaml"]
    again = load_settings(env=env)
    assert (again.settings.rate, again.settings.volume, again.settings.language) == (130, 0.6, "ko")
    assert again.origins["rate"] is Origin.STATE and again.origins["language"] is Origin.FILE
    assert files_in(state_path(env).parent) == ["voice.yaml"]


def test_the_order_is_defaults_file_state_flags(env: dict[str, str]) -> None:
    write(config_path(env), "rate: 150\nvolume: 0.9\nhold_off: 1\n")
    remember_voice(load_settings(env=env), {"rate": 200})
    loaded = load_settings(env=env, flags={"volume": 0.5})
    assert (loaded.settings.rate, loaded.settings.volume, loaded.settings.hold_off) == (200, 0.5, 1.0)
    assert [loaded.origins[key] for key in ("rate", "volume", "hold_off", "voice")] == [
        Origin.STATE, Origin.FLAG, Origin.FILE, Origin.DEFAULT]


def test_changes_are_merged_into_what_was_kept(env: dict[str, str]) -> None:
    remember_voice(load_settings(env=env), {"rate": 200})
    remember_voice(load_settings(env=env), {"volume": 0.4})
    settings = load_settings(env=env).settings
    assert (settings.rate, settings.volume) == (200, 0.4)


def test_only_voice_settings_are_kept(env: dict[str, str]) -> None:
    remember_voice(load_settings(env=env), {"rate": 200, "language": "ko"})
    write(state_path(env), state_path(env).read_text() + "language: ko\n")
    assert load_settings(env=env).settings.language == "en"


def test_a_broken_state_file_is_set_aside_with_a_warning(env: dict[str, str], caplog) -> None:
    write(state_path(env), "rate: [\n")
    assert load_settings(env=env).settings.rate == 160
    assert "--reset-voice" in caplog.text


def test_reset_voice_forgets_the_kept_changes(env: dict[str, str]) -> None:
    remember_voice(load_settings(env=env), {"rate": 200})
    assert forget_voice(load_settings(env=env)) is True
    assert load_settings(env=env).settings.rate == 160
    assert forget_voice(load_settings(env=env)) is False


def test_keeping_validates_the_change(env: dict[str, str]) -> None:
    with pytest.raises(SettingsError, match=r"^rate: 900 is not a whole number between 80 and 450$"):
        remember_voice(load_settings(env=env), {"rate": 900})
    assert not state_path(env).exists()


def test_keeping_below_a_file_is_one_line_and_leaves_nothing(tmp_path: Path) -> None:
    blocker = write(tmp_path / "blocker", "a file, not a folder")
    env = {"XDG_STATE_HOME": str(blocker), "XDG_CONFIG_HOME": str(tmp_path)}
    with pytest.raises(SettingsError, match="cannot write the file"):
        remember_voice(load_settings(env=env), {"rate": 170})
    assert blocker.read_text() == "a file, not a folder"


def test_a_write_cut_short_leaves_no_temporary_file(env: dict[str, str], monkeypatch) -> None:
    import voice.settings

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    remember_voice(load_settings(env=env), {"rate": 200})
    before = state_path(env).read_bytes()
    monkeypatch.setattr(voice.settings.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        remember_voice(load_settings(env=env), {"rate": 120})
    assert state_path(env).read_bytes() == before
    assert files_in(state_path(env).parent) == ["voice.yaml"]


def test_a_config_path_given_explicitly_must_exist(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match=r"x.yaml: the settings file given with --config does not exist"):
        load_settings(tmp_path / "nowhere" / "x.yaml", required=True)
    assert load_settings(tmp_path / "nowhere" / "x.yaml").settings == Settings()


# ---------------------------------------------------------------- describing


def test_describe_shows_the_file_and_where_each_setting_came_from(config: Path) -> None:
    write(config, "language: ko\n")
    lines = describe(load_settings(config, flags={"volume": 0.8}))
    assert lines[0] == f"Settings file: {config} (exists)"
    assert lines[1].startswith("Voice changes said aloud: ")
    assert f"language: ko  (from {config})" in lines
    assert "volume: 0.8  (from --volume)" in lines
    assert "rate: 160  (default)" in lines
    assert "model: none  (default)" in lines
    assert "same_side: false  (default)" in lines
    assert len(lines) == 2 + len(ALLOWED_KEYS)


def test_confirm_unset_is_the_language_packs_and_a_flag_or_the_file_wins(config: Path) -> None:
    korean, english = load("ko").language, load("en").language
    unset = describe(load_settings(config), korean)
    assert f"confirm: always  (from the language pack {korean.path})" in unset
    assert f"confirm: unsure  (from the language pack {english.path})" in describe(load_settings(config), english)
    assert "confirm: unsure  (from --confirm)" in describe(load_settings(config, flags={"confirm": "unsure"}), korean)
    write(config, "confirm: always\n")
    assert f"confirm: always  (from {config})" in describe(load_settings(config), english)
    write(config, "confirm: sometimes\n")
    with pytest.raises(SettingsError, match="confirm: 'sometimes' is not one of: unsure, always"):
        load_settings(config)


def test_describe_says_when_the_file_does_not_exist(config: Path) -> None:
    lines = describe(load_settings(config, flags={"input_device": "1"}))
    assert lines[0] == f"Settings file: {config} (does not exist; using defaults)"
    assert "input_device: 1  (from --device)" in lines


def test_loaded_is_frozen(config: Path) -> None:
    loaded = load_settings(config)
    assert isinstance(loaded, Loaded)
    with pytest.raises(AttributeError):
        loaded.settings = Settings()  # type: ignore[misc]
    with pytest.raises(TypeError):
        loaded.origins["rate"] = "flag"  # type: ignore[index]
