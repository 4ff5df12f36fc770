"""The health check on the real engines: espeak-ng, the Korean Vosk model, this machine's devices."""

from __future__ import annotations

from pathlib import Path

import pytest

from voice import devices
from voice.doctor import (
    MODEL_MEMORY_MIB,
    Check,
    _guarded,
    available_mib,
    check_memory,
    check_model,
    check_speech,
    exit_code,
    load_pack,
    report,
    run_checks,
    usable_settings,
)
from voice.errors import AudioError
from voice.settings import Settings

NAMES = ["Settings file", "Speech engine", "Language pack", "Speech model", "Microphone", "Speaker", "Memory"]


def _devices(kind: str) -> list[devices.Device]:
    try:
        return devices.list_input_devices() if kind == "input" else devices.list_output_devices()
    except AudioError:
        return []


no_inputs = pytest.mark.skipif(bool(_devices("input")), reason="this machine has a microphone")
no_outputs = pytest.mark.skipif(bool(_devices("output")), reason="this machine has a speaker")


def by_name(checks: list[Check]) -> dict[str, Check]:
    return {check.name: check for check in checks}


@pytest.fixture(scope="module")
def korean(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("settings") / "config.yaml"
    path.write_text("language: ko\nrate: 170\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def checks(korean: Path, korean_model_path: Path) -> list[Check]:
    """One full run with the real Korean model (it loads once, in a few seconds)."""
    return run_checks(usable_settings(korean), korean, model_path=korean_model_path)


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[Check]]:
    """A broken settings file and an empty model folder: nothing is loaded, everything is checked."""
    folder = tmp_path_factory.mktemp("broken")
    settings_path, empty_model = folder / "config.yaml", folder / "empty-model"
    settings_path.write_text("language: ko\nrat: 170\n", encoding="utf-8")
    empty_model.mkdir()
    settings = usable_settings(settings_path, {"language": "ko"})
    return settings_path, empty_model, run_checks(settings, settings_path, model_path=empty_model)


# ---------------------------------------------------------------- a full run


def test_every_check_runs_in_order(checks: list[Check]) -> None:
    assert [check.name for check in checks] == NAMES


def test_settings_speech_language_model_and_memory_are_ok(checks: list[Check], korean: Path,
                                                           korean_model_path: Path) -> None:
    found = by_name(checks)
    assert all(found[name].ok for name in ("Settings file", "Speech engine", "Language pack",
                                           "Speech model", "Memory")), report(checks)
    assert str(korean) in found["Settings file"].detail
    assert found["Speech engine"].detail.startswith("espeak-ng speaks (ko, ")
    assert "s of audio" in found["Speech engine"].detail
    assert found["Language pack"].detail.startswith("ko ")
    assert str(korean_model_path) in found["Speech model"].detail
    assert " loads in " in found["Speech model"].detail


@no_inputs
def test_without_a_microphone_it_says_so(checks: list[Check]) -> None:
    microphone = by_name(checks)["Microphone"]
    assert (microphone.ok, microphone.needed) == (False, True)
    assert microphone.detail == "no input device found"
    assert microphone.fix == ("plug in a USB microphone, then run `acupressure devices`. Without one, `acupressure "
                              "listen --input question.wav` hears a sound file and `acupressure ask \"my left elbow "
                              "hurts\"` answers typed questions.")


@no_outputs
def test_without_a_speaker_it_says_so(checks: list[Check]) -> None:
    speaker = by_name(checks)["Speaker"]
    assert (speaker.ok, speaker.needed) == (False, True)
    assert speaker.detail == "no sound output device found"
    assert speaker.fix is not None and "--speech-out DIR" in speaker.fix


@no_inputs
@no_outputs
def test_the_report_names_the_failures_and_the_exit_code_is_one(checks: list[Check]) -> None:
    lines = report(checks)
    assert len(lines) == len(checks) + 1
    assert lines[4].startswith("FAIL Microphone: no input device found. "
                               "Fix: plug in a USB microphone, then run `acupressure devices`. Without one, ")
    assert lines[5].startswith("FAIL Speaker: no sound output device found. Fix: connect a speaker")
    assert all(line.startswith("ok   ") for index, line in enumerate(lines[:-1]) if index not in (4, 5))
    assert lines[-1].startswith("2 of 7 checks failed: Microphone, Speaker.")
    assert exit_code(checks) == 1


# ---------------------------------------------------------------- broken settings, missing model


def test_a_broken_settings_file_fails_its_check_and_names_the_file(
        broken: tuple[Path, Path, list[Check]]) -> None:
    settings_path, _, checks = broken
    first = checks[0]
    assert (first.name, first.ok, first.needed) == ("Settings file", False, True)
    assert str(settings_path) in first.detail and "rat" in first.detail
    assert first.fix == f"edit or remove {settings_path}"


def test_the_other_checks_still_run_after_a_broken_settings_file(
        broken: tuple[Path, Path, list[Check]]) -> None:
    found = by_name(broken[2])
    assert list(found) == NAMES
    assert found["Speech engine"].ok and found["Language pack"].ok and found["Memory"].ok
    assert found["Speech engine"].detail.startswith("espeak-ng speaks (ko, ")


def test_a_missing_model_fails_with_the_download_command(broken: tuple[Path, Path, list[Check]]) -> None:
    _, empty_model, checks = broken
    model = by_name(checks)["Speech model"]
    assert (model.ok, model.needed) == (False, True)
    assert str(empty_model) in model.detail and "not a Vosk model folder" in model.detail
    assert model.fix is not None
    assert "acupressure model download vosk-model-small-ko-0.22" in model.fix
    assert exit_code(checks) == 1


def test_usable_settings_fall_back_to_defaults_and_flags(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("rate: fast\n", encoding="utf-8")
    assert usable_settings(path) == Settings()
    assert usable_settings(path, {"language": "ko"}) == Settings(language="ko")
    path.write_text("rate: 200\n", encoding="utf-8")
    assert usable_settings(path).rate == 200


# ---------------------------------------------------------------- single checks


def test_the_model_is_not_loaded_when_memory_is_short(korean_model_path: Path) -> None:
    pack, _ = load_pack("ko")
    check = check_model(Settings(language="ko"), pack, korean_model_path, available_mib=MODEL_MEMORY_MIB - 1)
    assert not check.ok
    assert str(korean_model_path) in check.detail and "not loaded" in check.detail


def test_the_model_check_waits_for_a_language_pack() -> None:
    check = check_model(Settings(), None)
    assert not check.ok and "language pack did not load" in check.detail


def test_an_unknown_language_fails_the_language_check() -> None:
    pack, check = load_pack("xx")
    assert pack is None
    assert (check.name, check.ok) == ("Language pack", False)
    assert "xx" in check.detail and check.fix


def test_an_unknown_voice_fails_the_speech_check() -> None:
    pack, _ = load_pack("en")
    check = check_speech(Settings(voice="no-such-voice-at-all"), pack)
    assert (check.ok, check.needed) == (False, True)
    assert "Unknown voice 'no-such-voice-at-all'" in check.detail
    assert check.fix is not None and "espeak-ng --voices" in check.fix


def test_available_memory_comes_from_meminfo(tmp_path: Path) -> None:
    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal:  948304 kB\nMemFree:  100000 kB\nMemAvailable:  409600 kB\n")
    assert available_mib(meminfo) == 400
    assert available_mib(tmp_path / "missing") is None
    meminfo.write_text("MemTotal:  948304 kB\n")
    assert available_mib(meminfo) is None


def test_memory_below_the_model_size_fails_and_unknown_memory_only_warns() -> None:
    low = check_memory(MODEL_MEMORY_MIB - 1)
    assert (low.ok, low.needed) == (False, True) and f"{MODEL_MEMORY_MIB} MiB" in low.detail
    assert check_memory(MODEL_MEMORY_MIB).ok
    unknown = check_memory(None)
    assert (unknown.ok, unknown.needed) == (False, False)


def test_the_real_meminfo_is_read() -> None:
    if not Path("/proc/meminfo").exists():
        pytest.skip("no /proc/meminfo here")
    found = available_mib()
    assert found is not None and found > 0


# ---------------------------------------------------------------- report and exit code


def test_warnings_do_not_fail_the_exit_code() -> None:
    checks = [Check("Settings file", True, True, "fine"), Check("Memory", False, False, "cannot read it")]
    assert exit_code(checks) == 0
    assert report(checks) == [
        "ok   Settings file: fine.",
        "warn Memory: cannot read it.",
        "All needed checks passed. Warnings: Memory.",
    ]


def test_a_failure_shows_its_fix_and_sets_the_exit_code() -> None:
    checks = [Check("Speaker", False, True, "no sound output device found", "connect one")]
    assert report(checks)[0] == "FAIL Speaker: no sound output device found. Fix: connect one"
    assert exit_code(checks) == 1


def test_all_checks_passing() -> None:
    checks = [Check("Settings file", True, True, "fine"), Check("Memory", True, True, "plenty")]
    assert report(checks)[-1] == "All 2 checks passed."
    assert exit_code(checks) == 0


def test_a_check_that_crashes_is_reported_not_raised() -> None:
    def crash() -> Check:
        raise RuntimeError("boom")

    check = _guarded("Microphone", crash)
    assert (check.name, check.ok, check.needed) == ("Microphone", False, True)
    assert "boom" in check.detail


@pytest.mark.parametrize("text", ["rate: " + "[" * 1000 + "\n", "rate: 1\nrate: 2\n", "\x00\xff"])
def test_a_hostile_settings_file_is_a_fail_line_not_a_crash(tmp_path: Path, text: str) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogateescape")
    check = run_checks(usable_settings(path), path, listen_seconds=0.1)[0]
    assert (check.name, check.ok) == ("Settings file", False)
    assert str(path) in check.detail and "\n" not in check.detail
    line = report([check])[0]
    assert line.startswith(f"FAIL Settings file: {path}: ")


def test_a_settings_file_named_explicitly_must_exist(tmp_path: Path) -> None:
    from voice.doctor import check_settings_file

    missing = tmp_path / "x.yaml"
    check = check_settings_file(missing, required=True)
    assert (check.ok, check.fix) == (False, "check the path given with --config")
    assert "does not exist" in check.detail
    assert check_settings_file(missing).ok
