"""Tests of the settings file: reading, validation, flags, saving and describing."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest

from voice.errors import SettingsError, VoiceError
from voice.knowledge import available_languages
from voice.settings import (
    ALLOWED_KEYS,
    Loaded,
    Settings,
    config_path,
    describe,
    flag_name,
    load_settings,
    save_settings,
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
    with pytest.raises(SettingsError, match="cannot read the settings file"):
        load_settings(folder)


def test_a_file_that_is_not_utf8(config: Path) -> None:
    config.parent.mkdir(parents=True)
    config.write_bytes(b"voice: \xff\xfe\n")
    with pytest.raises(SettingsError, match="cannot read the settings file"):
        load_settings(config)


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


# ---------------------------------------------------------------- saving


def files_in(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def test_save_creates_the_folder_and_writes_only_what_differs(config: Path) -> None:
    save_settings(config, {"rate": 140, "volume": 1.0})
    assert config.read_text(encoding="utf-8") == "rate: 140\n"
    assert files_in(config.parent) == ["config.yaml"]
    assert load_settings(config).settings == Settings(rate=140)


def test_save_keeps_other_keys_and_the_leading_comments(config: Path) -> None:
    write(config, "# My settings\n# for the kitchen Pi\n\nlanguage: ko\nrate: 150\nsame_side: yes\n")
    save_settings(config, {"rate": 130, "volume": 0.6})
    text = config.read_text(encoding="utf-8")
    assert text.startswith("# My settings\n# for the kitchen Pi\n\n")
    assert text.endswith("language: ko\nrate: 130\nsame_side: true\nvolume: 0.6\n")
    assert load_settings(config).settings == Settings(language="ko", rate=130, same_side=True, volume=0.6)
    assert files_in(config.parent) == ["config.yaml"]


def test_save_keeps_a_key_already_in_the_file_even_at_its_default(config: Path) -> None:
    write(config, "rate: 200\n")
    save_settings(config, {"rate": 160})
    assert config.read_text(encoding="utf-8") == "rate: 160\n"


def test_save_writes_unicode_readably(config: Path) -> None:
    save_settings(config, {"language": "ko", "wake_phrase": "안녕 도우미"})
    assert "안녕 도우미" in config.read_text(encoding="utf-8")
    assert load_settings(config).settings.wake_phrase == "안녕 도우미"


def test_save_stores_checked_values(config: Path) -> None:
    save_settings(config, {"input_device": "2", "same_side": "yes"})
    assert load_settings(config).settings.input_device == 2
    assert config.read_text(encoding="utf-8") == "input_device: 2\nsame_side: true\n"


def test_save_keeps_the_files_permissions(config: Path) -> None:
    write(config, "rate: 150\n").chmod(0o600)
    save_settings(config, {"rate": 170})
    assert config.stat().st_mode & 0o777 == 0o600


def test_save_replaces_the_file_instead_of_writing_into_it(config: Path) -> None:
    write(config, "rate: 150\n")
    before = config.stat().st_ino
    save_settings(config, {"rate": 170})
    assert config.stat().st_ino != before
    assert files_in(config.parent) == ["config.yaml"]


def test_save_validates_the_changes_first(config: Path) -> None:
    write(config, "rate: 150\n")
    with pytest.raises(SettingsError, match=r"^rate: 900 is not a whole number between 80 and 450$"):
        save_settings(config, {"rate": 900})
    with pytest.raises(SettingsError, match="unknown setting"):
        save_settings(config, {"speed": 100})
    assert config.read_text(encoding="utf-8") == "rate: 150\n"


@pytest.mark.parametrize("text", [
    "rate: [150\n",
    "rate: 150\nvolumn: 0.5\n",
    "rate: fast\n",
    "- a list\n",
    "# a comment\nlanguage: xx\n",
])
def test_save_refuses_to_overwrite_a_broken_file(config: Path, text: str) -> None:
    write(config, text)
    before = config.read_bytes()
    with pytest.raises(SettingsError, match="not saved"):
        save_settings(config, {"rate": 170})
    assert config.read_bytes() == before
    assert files_in(config.parent) == ["config.yaml"]


def test_save_of_an_empty_file(config: Path) -> None:
    write(config, "")
    save_settings(config, {"volume": 0.3})
    assert config.read_text(encoding="utf-8") == "volume: 0.3\n"


def test_save_of_only_comments(config: Path) -> None:
    write(config, "# nothing yet")
    save_settings(config, {"hold_off": 0.5})
    assert config.read_text(encoding="utf-8") == "# nothing yet\nhold_off: 0.5\n"


def test_save_below_a_file_is_refused(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a folder")
    with pytest.raises(SettingsError, match="not saved"):
        save_settings(blocker / "config.yaml", {"rate": 170})
    assert blocker.read_text() == "a file, not a folder"


# ---------------------------------------------------------------- describing


def test_describe_shows_the_file_and_where_each_setting_came_from(config: Path) -> None:
    write(config, "language: ko\n")
    lines = describe(load_settings(config, flags={"volume": 0.8}))
    assert lines[0] == f"Settings file: {config} (exists)"
    assert f"language: ko  (from {config})" in lines
    assert "volume: 0.8  (from --volume)" in lines
    assert "rate: 160  (default)" in lines
    assert "model: none  (default)" in lines
    assert "same_side: false  (default)" in lines
    assert len(lines) == 1 + len(ALLOWED_KEYS)


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
