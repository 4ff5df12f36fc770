"""Health check: finds what the assistant needs and says how to fix what is missing."""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Final, Mapping, Sequence

from voice import audio, devices, models
from voice.errors import AudioError, VoiceError
from voice.knowledge import Library, load
from voice.recognizer import load_model
from voice.settings import Settings, load_settings
from voice.speech import Pyttsx3Renderer, Voice, espeak_available

log = logging.getLogger(__name__)

MODEL_MEMORY_MIB: Final = 600
"""Memory a small Vosk model needs once loaded, with the rest of the assistant."""
SPEECH_LEVEL: Final = 0.005
"""Lowest RMS level (full scale 1) counted as speech; espeak at full volume gives about 0.1."""
LISTEN_SECONDS: Final = 2.0
"""Time allowed for the microphone to deliver its first blocks."""
LISTEN_BLOCKS: Final = 2
MEMINFO: Final = Path("/proc/meminfo")
TEST_SENTENCE: Final = "Hello."
"""Spoken when the language pack cannot give its own "listening" sentence."""

MICROPHONE_FIX: Final = f"plug in a USB microphone, then run `acupressure devices`. {devices.WITHOUT_A_MICROPHONE}"
SPEAKER_FIX: Final = "connect a speaker or headphones (or run headless with --speech-out DIR)"
PORTAUDIO_FIX: Final = "sudo apt install libportaudio2"
ESPEAK_FIX: Final = "sudo apt install espeak-ng"
_MEMORY_FIX: Final = "close other programs, or add swap space"


@dataclass(frozen=True)
class Check:
    """The outcome of one health check."""

    name: str
    """What was checked, e.g. "Microphone"."""
    ok: bool
    """True when it works."""
    needed: bool
    """False when a failure is only a warning: the assistant still works without it."""
    detail: str
    """What was found, in words a user understands."""
    fix: str | None = None
    """What to do about a failure; None when there is nothing to do."""


# ---------------------------------------------------------------- the checks


def check_settings_file(path: Path, required: bool = False) -> Check:
    """The settings file is valid YAML with known keys and allowed values (or absent, unless it
    was named explicitly)."""
    try:
        load_settings(path, required=required)
    except VoiceError as error:
        fix = "check the path given with --config" if required and not path.exists() else f"edit or remove {path}"
        return Check("Settings file", False, True, str(error), fix)
    state = "is valid" if path.exists() else "does not exist; using the defaults"
    return Check("Settings file", True, True, f"{path} {state}")


def check_speech(settings: Settings, pack: Library | None) -> Check:
    """espeak-ng is installed and renders a short sentence in the language's voice."""
    if not espeak_available():
        return Check("Speech engine", False, True, "espeak-ng is not installed", ESPEAK_FIX)
    wanted = settings.voice or (pack.language.voice if pack else settings.language)
    sentence = pack.language.say.get("listening", TEST_SENTENCE) if pack else TEST_SENTENCE
    try:
        chunk = _render(sentence, Voice(rate=settings.rate, volume=settings.volume, voice=wanted))
    except (VoiceError, OSError) as error:
        fix = f"check the voice setting (`espeak-ng --voices` lists them), or: {ESPEAK_FIX}"
        return Check("Speech engine", False, True, f"espeak-ng cannot speak: {error}", fix)
    if chunk is None or audio.level(chunk) < SPEECH_LEVEL:
        return Check("Speech engine", False, True, f"espeak-ng ({wanted}) rendered only silence",
                     "reinstall it: sudo apt install --reinstall espeak-ng")
    return Check("Speech engine", True, True, f"espeak-ng speaks ({wanted}, {chunk.seconds:.1f} s of audio)")


def _render(sentence: str, voice: Voice) -> audio.AudioChunk | None:
    """The sentence as espeak-ng speaks it; None when nothing was written."""
    renderer = Pyttsx3Renderer(voice)
    try:
        return renderer.render(sentence)
    finally:
        renderer.close()


def load_pack(language: str) -> tuple[Library | None, Check]:
    """The language pack and the check saying whether it loaded."""
    try:
        pack = load(language)
    except (VoiceError, OSError) as error:
        fix = "correct the file named above, or choose another language with --lang"
        return None, Check("Language pack", False, True, str(error), fix)
    detail = f"{pack.language.code} ({pack.language.name}) loads from {pack.language.path}"
    return pack, Check("Language pack", True, True, detail)


def check_model(settings: Settings, pack: Library | None, model_path: Path | None = None,
                available_mib: int | None = None) -> Check:
    """A model for the language is found and loads; skipped when memory is too short."""
    if pack is None:
        return Check("Speech model", False, True, "not checked: the language pack did not load",
                     "fix the language pack first")
    name = pack.language.model
    explicit = model_path if model_path is not None else settings.model
    fix = f"run `acupressure model download {name}` (needs internet once)"
    if explicit is not None:
        fix += f", or correct the model setting ({explicit})"
    try:
        path = models.find_model(name, explicit=explicit)
        if available_mib is not None and available_mib < MODEL_MEMORY_MIB:
            return Check("Speech model", False, True, f"found {path}, not loaded: only {available_mib} MiB "
                         f"of memory available (it needs about {MODEL_MEMORY_MIB} MiB)", _MEMORY_FIX)
        seconds = _load_seconds(path)
    except (VoiceError, OSError) as error:
        problem = error.problem if isinstance(error, VoiceError) else str(error)  # the fix is said below
        return Check("Speech model", False, True, problem, fix)
    return Check("Speech model", True, True, f"{path} loads in {seconds:.1f} s")


def _load_seconds(path: Path) -> float:
    started = time.perf_counter()
    model = load_model(path)
    seconds = time.perf_counter() - started
    del model
    return seconds


def check_microphone(device: str | int | None, seconds: float = LISTEN_SECONDS) -> Check:
    """The chosen microphone opens and delivers audio within `seconds`."""
    try:
        if not devices.list_input_devices():
            return Check("Microphone", False, True, "no input device found", MICROPHONE_FIX)
        name, heard = _listen(device, seconds)
    except AudioError as error:
        return Check("Microphone", False, True, str(error), _audio_fix(error, MICROPHONE_FIX))
    if heard == 0.0:
        return Check("Microphone", False, True, f"{name} delivers only digital silence (muted?)",
                     "unmute it or raise its capture level in `alsamixer` (F4 shows the inputs)")
    return Check("Microphone", True, True, f"{name} delivers audio (level {heard:.4f})")


def _listen(device: str | int | None, seconds: float) -> tuple[str, float]:
    """The microphone's name and the loudest level of its first blocks."""
    source = devices.MicrophoneSource(device)
    try:
        deadline = time.monotonic() + seconds
        chunks = [source.read(timeout=max(0.1, deadline - time.monotonic())) for _ in range(LISTEN_BLOCKS)]
        return source.device_name, max((audio.level(chunk) for chunk in chunks if chunk), default=0.0)
    finally:
        source.close()


def check_output() -> Check:
    """There is a speaker or headphones to talk through."""
    try:
        outputs = devices.list_output_devices()
    except AudioError as error:
        return Check("Speaker", False, True, str(error), _audio_fix(error, SPEAKER_FIX))
    if not outputs:
        return Check("Speaker", False, True, "no sound output device found", SPEAKER_FIX)
    chosen = next((device for device in outputs if device.is_default), outputs[0])
    return Check("Speaker", True, True, f"{chosen.name} (of {len(outputs)} output devices)")


def _audio_fix(error: AudioError, otherwise: str) -> str:
    return PORTAUDIO_FIX if "PortAudio" in str(error) else otherwise



def available_mib(meminfo: Path = MEMINFO) -> int | None:
    """MemAvailable in MiB; None when it cannot be read."""
    try:
        lines = meminfo.read_text(encoding="ascii").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    for line in lines:
        key, _, value = line.partition(":")
        if key == "MemAvailable" and value.split() and value.split()[0].isdigit():
            return int(value.split()[0]) // 1024
    return None


def check_memory(available: int | None) -> Check:
    """Enough free memory to load the speech model."""
    if available is None:
        return Check("Memory", False, False, f"cannot read MemAvailable from {MEMINFO}", None)
    detail = f"{available} MiB available (the model needs about {MODEL_MEMORY_MIB} MiB)"
    if available < MODEL_MEMORY_MIB:
        return Check("Memory", False, True, detail, _MEMORY_FIX)
    return Check("Memory", True, True, detail)


# ---------------------------------------------------------------- all of them


def run_checks(settings: Settings, settings_path: Path, *, model_path: Path | None = None,
               meminfo: Path = MEMINFO, listen_seconds: float = LISTEN_SECONDS,
               settings_required: bool = False) -> list[Check]:
    """Every check, in order: settings, speech, language, model, microphone, speaker, memory."""
    pack, language = load_pack(settings.language)
    memory = available_mib(meminfo)
    steps: list[tuple[str, Callable[[], Check]]] = [
        ("Settings file", lambda: check_settings_file(settings_path, settings_required)),
        ("Speech engine", lambda: check_speech(settings, pack)),
        ("Language pack", lambda: language),
        ("Speech model", lambda: check_model(settings, pack, model_path, memory)),
        ("Microphone", lambda: check_microphone(settings.input_device, listen_seconds)),
        ("Speaker", check_output),
        ("Memory", lambda: check_memory(memory)),
    ]
    return [_guarded(name, step) for name, step in steps]


def _guarded(name: str, step: Callable[[], Check]) -> Check:
    """A check that fails unexpectedly is reported as failed: the doctor itself never crashes."""
    try:
        return step()
    except Exception as error:  # noqa: BLE001 - last resort, the error is logged in full
        log.exception("the %s check failed unexpectedly", name)
        return Check(name, False, True, f"the check itself failed ({error!r})",
                     "run `acupressure --debug doctor` and report the output")


def usable_settings(path: Path, flags: Mapping[str, Any] | None = None) -> Settings:
    """The settings from the file and flags; defaults and flags when the file is invalid.

    The doctor runs even with a broken settings file: check_settings_file reports it.
    Invalid flags still raise SettingsError.
    """
    try:
        return load_settings(path, flags).settings
    except VoiceError:
        return load_settings(Path(os.devnull), flags).settings  # an empty file: defaults


# ---------------------------------------------------------------- reporting


def _marker(check: Check) -> str:
    if check.ok:
        return "ok"
    return "FAIL" if check.needed else "warn"


def report(checks: Sequence[Check]) -> list[str]:
    """One line per check ("ok", "FAIL" or "warn" first), then a summary line."""
    lines = []
    for check in checks:
        fix = f" Fix: {check.fix}" if check.fix and not check.ok else ""
        lines.append(f"{_marker(check):<4} {check.name}: {_sentence(check.detail)}{fix}")
    return lines + [_summary(checks)]


def _sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?", ")")) else text + "."


def _summary(checks: Sequence[Check]) -> str:
    failed = [check.name for check in checks if not check.ok and check.needed]
    warned = [check.name for check in checks if not check.ok and not check.needed]
    warning = f" Warnings: {', '.join(warned)}." if warned else ""
    if failed:
        return (f"{len(failed)} of {len(checks)} checks failed: {', '.join(failed)}.{warning} "
                "Fix them, then run `acupressure doctor` again.")
    if warned:
        return f"All needed checks passed.{warning}"
    return f"All {len(checks)} checks passed."


def exit_code(checks: Sequence[Check]) -> int:
    """1 when a needed check failed, else 0."""
    return 1 if any(not check.ok and check.needed for check in checks) else 0
