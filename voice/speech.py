"""Rendering speech: text to spoken audio with pyttsx3 on espeak-ng, and how the voice is tuned."""

# How pyttsx3 2.99 drives espeak-ng on Linux, and why this module works the way it does:
#
# * The espeak driver runs espeak-ng in its asynchronous "retrieval" mode: espeak_Synth()
#   returns at once and a background espeak thread hands the samples to a callback. That
#   callback writes a 22,050 Hz WAV for save_to_file(); for say() it writes a temporary WAV
#   and runs `aplay` on it (no device choice, silent failure when alsa-utils is missing, and
#   engine.stop() cannot interrupt it). So every utterance here is rendered with
#   save_to_file() into audio, which voice.speaker plays (stoppable at once) or writes.
# * runAndWait() ends its loop by calling espeak_Cancel() whenever espeak is still busy,
#   e.g. with rate/volume settings that espeak applies asynchronously. Measured effects:
#   settings silently lost, files cut short or empty, and a sticky "stopping" flag that
#   cancels a later utterance. The first runAndWait() of a new engine also returns before
#   the file is written. Hence: run the engine's first (empty) loop at start-up, wait until
#   espeak is idle before and after applying settings, set the voice (applied at once)
#   before rate and volume (queued to espeak's thread), wait for the "finished-utterance"
#   event, and render once more if an utterance was cancelled anyway.
# * engine.stop() from another thread deadlocks: pyttsx3 sets its "stopping" flag and calls
#   espeak_Cancel(), its run loop sees the flag and calls espeak_Cancel() too, and espeak-ng
#   waits forever for the second acknowledgement. So stop() only sets our own flag, checked
#   between pieces (a piece renders in tens of milliseconds).
# * The driver passes espeak_Synth() ten times the text's length as its size, so espeak
#   reads past the end of the text; around 14,000 characters the process crashes. Long
#   texts are therefore rendered in pieces of at most MAX_PIECE_CHARS and joined.
# * The driver prints "Audio saved to <file>" for every file; that is kept off stdout.
# * Any engine call may still hang (pyttsx3 issue #126), so each runs on a helper thread
#   with a deadline; a renderer whose engine hung refuses further work instead of blocking.

from __future__ import annotations

import contextlib
import logging
import re
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable, Final, Iterator, Sequence, TypeVar, cast

from voice import audio, exits
from voice.audio import AudioChunk
from voice.errors import AudioError, SettingsError, SpeechError
from voice.settings import RATE_RANGE, VOLUME_RANGE

log = logging.getLogger(__name__)

RATE_STEP_FRACTION: Final = 0.15
MIN_RATE_STEP: Final = 20
"""faster() and slower() change the rate by this fraction of it, rounded to ten words per
minute and at least MIN_RATE_STEP: small steps where speech is slow, bigger ones where fast."""
VOLUME_STEP: Final = 0.2
"""Volume added or removed by louder() and softer()."""

NO_ENGINE: Final = (
    "No speech engine: install espeak-ng (sudo apt install espeak-ng), or run with --text-only"
)
RESTART_HINT: Final = "Restart the assistant, or run with --text-only."
ENGINE_RATE: Final = 22050
"""Frames per second of the WAV files pyttsx3's espeak driver writes."""
MAX_PIECE_CHARS: Final = 400
"""Longest text handed to espeak at once (see the note at the top)."""
START_SECONDS: Final = 30.0
"""Time allowed to start the engine."""
SYNTH_SECONDS: Final = 10.0
SYNTH_SECONDS_PER_CHAR: Final = 0.05
"""Time allowed to render a piece of text: SYNTH_SECONDS plus this per character."""
CLEANUP_SECONDS: Final = 5.0
"""How long closing waits for a rendering cut off by stop() to end, so as to remove the scratch
folder itself (espeak-ng must not lose the folder it writes into)."""
POLL_SECONDS: Final = 0.005
VOICES_SHOWN: Final = 12
"""Voices named in the message about an unknown voice."""
_NO_MATCH: Final = 4

_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+")
_ENGINE_LOCK = threading.Lock()
"""pyttsx3 gives every speaker in a process the same engine; one utterance at a time."""

T = TypeVar("T")


@dataclass(frozen=True)
class Voice:
    """How the assistant sounds."""

    rate: int = 160
    """Speaking rate in words per minute."""
    volume: float = 1.0
    """Loudness from 0 (silent) to 1 (full)."""
    voice: str | None = None
    """A voice id ("gmw/en-us"), or a language or name to look for ("en", "ko", "Korean");
    None keeps the engine's default voice."""

    def __post_init__(self) -> None:
        if not RATE_RANGE.low <= self.rate <= RATE_RANGE.high:
            raise SettingsError(f"The speech rate must be {RATE_RANGE.allowed()}, not {self.rate}")
        if not VOLUME_RANGE.low <= self.volume <= VOLUME_RANGE.high:
            raise SettingsError(f"The speech volume must be {VOLUME_RANGE.allowed()}, not {self.volume}")


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def rate_step(rate: int) -> int:
    """Words per minute that faster() adds at this rate."""
    return max(MIN_RATE_STEP, 10 * round(rate * RATE_STEP_FRACTION / 10))


def _rate(value: float) -> int:
    return int(_clamp(value, RATE_RANGE.low, RATE_RANGE.high))


def _volume(value: float) -> float:
    return round(_clamp(value, VOLUME_RANGE.low, VOLUME_RANGE.high), 2)


def faster(voice: Voice) -> Voice:
    """The same voice a step faster (see RATE_STEP_FRACTION), at most the fastest rate."""
    return replace(voice, rate=_rate(voice.rate + rate_step(voice.rate)))


def slower(voice: Voice) -> Voice:
    """The same voice a step slower, undoing faster() where it can, at least the slowest rate."""
    down = rate_step(voice.rate - rate_step(voice.rate))
    return replace(voice, rate=_rate(voice.rate - down))


def louder(voice: Voice) -> Voice:
    """The same voice, VOLUME_STEP louder, at most full volume."""
    return replace(voice, volume=_volume(voice.volume + VOLUME_STEP))


def softer(voice: Voice) -> Voice:
    """The same voice, VOLUME_STEP softer, at least the softest volume."""
    return replace(voice, volume=_volume(voice.volume - VOLUME_STEP))


def espeak_available() -> bool:
    """Whether the espeak-ng (or espeak) program is installed."""
    return bool(shutil.which("espeak-ng") or shutil.which("espeak"))


# --- running engine calls with a deadline --------------------------------------


def _capture(work: Callable[[], T], outcome: list[tuple[bool, Any]]) -> None:
    try:
        outcome.append((True, work()))
    except BaseException as error:  # handed to the waiting thread, which raises it
        outcome.append((False, error))


class Cancelled(Exception):
    """The caller stopped waiting for a call (it finishes on its helper thread)."""


class Runner:
    """Runs one blocking call at a time on a helper thread and gives up after a deadline."""

    def __init__(self) -> None:
        self._hung: threading.Thread | None = None
        self._left: threading.Thread | None = None

    def run(self, work: Callable[[], T], seconds: float, what: str,
            cancel: threading.Event | None = None) -> T:
        """The result of work(); SpeechError if it takes longer than `seconds`; Cancelled
        as soon as `cancel` is set, leaving the call to finish in the background."""
        if self._hung is not None and self._hung.is_alive():
            raise SpeechError(f"The speech output is stuck. {RESTART_HINT}")
        if self._left is not None:  # a call left behind by a cancel ends before the next one
            self._left.join(seconds)
            self._hung, self._left = self._left, None
            return self.run(work, seconds, what, cancel)
        outcome: list[tuple[bool, Any]] = []
        thread = threading.Thread(target=_capture, args=(work, outcome), daemon=True)
        thread.start()
        deadline = time.monotonic() + seconds
        while thread.is_alive() and time.monotonic() < deadline:
            if cancel is not None and cancel.is_set():
                self._left = thread
                raise Cancelled(what)
            thread.join(POLL_SECONDS if cancel is not None else seconds)
        if thread.is_alive():
            self._hung = thread
            raise SpeechError(f"Gave up {what} after {seconds:.0f} s. {RESTART_HINT}")
        succeeded, value = outcome[0]
        if not succeeded:
            raise value
        return cast(T, value)

    def after_calls(self, then: Callable[[], None], seconds: float) -> None:
        """then(), once a call left behind by a cancel has ended: waited for up to `seconds`, as the
        program may exit at once afterwards (os._exit), and only then left to a helper thread."""
        left = self._left
        if left is not None:
            left.join(seconds)
        if left is None or not left.is_alive():
            then()
            return

        def when_done() -> None:
            left.join()
            then()

        threading.Thread(target=when_done, daemon=True).start()


# --- voices ----------------------------------------------------------------------


def _rank(voice: Any, key: str) -> int:
    """How well an engine voice matches `key`: 0 best, _NO_MATCH not at all."""
    languages = [str(language).lower() for language in voice.languages]
    if voice.id.lower() == key:
        return 0
    if key in languages or voice.id.lower().rsplit("/", 1)[-1] == key:
        return 1
    if any(language.startswith(key + "-") for language in languages):
        return 2
    if key in str(voice.name).lower() or any(key in language for language in languages):
        return 3
    return _NO_MATCH


def _pick_voice(voices: Sequence[Any], wanted: str) -> str | None:
    """The id of the voice that best matches `wanted`, the first of equals; None if none."""
    key = wanted.strip().lower()
    ranked = [(_rank(voice, key), position) for position, voice in enumerate(voices)]
    rank, position = min(ranked, default=(_NO_MATCH, -1))
    return voices[position].id if key and rank < _NO_MATCH else None


def _unknown_voice(wanted: str, voices: Sequence[Any]) -> str:
    shown = ", ".join(
        f"{voice.languages[0] if voice.languages else voice.id} ({voice.name})"
        for voice in voices[:VOICES_SHOWN]
    )
    return (
        f"Unknown voice {wanted!r}: use a voice id, language or name. "
        f"Available voices include {shown}; `espeak-ng --voices` lists all {len(voices)}."
    )


# --- text and audio ------------------------------------------------------------


def sentences(text: str) -> list[str]:
    """The text's sentences, in order."""
    return [sentence for sentence in _SENTENCE_END.split(text.strip()) if sentence]


def _units(text: str, limit: int) -> Iterator[str]:
    """Sentences; words of a sentence longer than `limit`; slices of a longer word."""
    for sentence in sentences(text):
        if len(sentence) <= limit:
            yield sentence
            continue
        for word in sentence.split():
            yield from (word[start : start + limit] for start in range(0, len(word), limit))


def _pieces(text: str, limit: int = MAX_PIECE_CHARS) -> list[str]:
    """The text in pieces of at most `limit` characters, cut between sentences if possible."""
    pieces: list[str] = []
    for unit in _units(" ".join(text.split()), limit):
        if pieces and len(pieces[-1]) + 1 + len(unit) <= limit:
            pieces[-1] += " " + unit
        elif unit:
            pieces.append(unit)
    return pieces


def _read_speech(path: Path) -> AudioChunk:
    try:
        return audio.read_wav(path, rate=ENGINE_RATE)
    except AudioError as error:
        raise SpeechError(
            f"The speech engine produced no usable audio ({error}). {RESTART_HINT}"
        ) from error
    finally:
        path.unlink(missing_ok=True)


class _EspeakPrintFilter:
    """Stands in for sys.stdout while espeak renders: Python threads write through, while
    what is printed on espeak's own thread (pyttsx3's "Audio saved to <file>") is logged."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        if not isinstance(threading.current_thread(), threading._DummyThread):
            return int(self._stream.write(text))
        if text.strip():
            log.debug("pyttsx3: %s", text.strip())
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextlib.contextmanager
def _espeak_prints_logged() -> Iterator[None]:
    original = sys.stdout
    sys.stdout = _EspeakPrintFilter(original)
    try:
        yield
    finally:
        sys.stdout = original


# --- the engine ------------------------------------------------------------------


def _start_engine() -> tuple[Any, Callable[[], int]]:
    """The process's pyttsx3 espeak engine, and espeak's "busy" check."""
    try:
        import pyttsx3
        from pyttsx3.drivers import _espeak

        engine = pyttsx3.init("espeak")
        while _espeak.IsPlaying():  # bounded by the caller's deadline
            time.sleep(POLL_SECONDS)
        if engine.isBusy():
            engine.runAndWait()  # a new engine's first loop returns early; run it empty now
    except (ImportError, OSError, RuntimeError, ValueError) as error:
        log.debug("Starting pyttsx3 failed: %r", error)
        raise SpeechError(NO_ENGINE) from error
    return engine, _espeak.IsPlaying


class Pyttsx3Renderer:
    """Renders text into audio with pyttsx3 on espeak-ng, in the voice last set."""

    def __init__(self, voice: Voice) -> None:
        self._runner = Runner()
        self._engine, self._espeak_busy = self._runner.run(
            _start_engine, START_SECONDS, "starting the speech engine"
        )
        self._default_voice = str(self._engine.getProperty("voice") or "")
        self._settings = (voice, self._resolve(voice))
        with exits.uninterrupted():  # a SIGTERM between making the folder and owning it would leave it behind
            self._scratch = tempfile.TemporaryDirectory(prefix="acupressure-speech-")
        self._rendered = 0
        self._finished = threading.Event()
        self._completed = False
        self._errors: list[BaseException] = []
        self._stopping = threading.Event()
        self._closed = False
        self._tokens = [
            self._engine.connect("finished-utterance", self._on_finished),
            self._engine.connect("error", self._on_error),
        ]

    def render(self, text: str) -> AudioChunk | None:
        """The text as speech; None for blank text or when stop() cut it off."""
        self._check_open()
        self._stopping.clear()
        return self._render_all(_pieces(text))

    def stop(self) -> None:
        """Cut off the current rendering after the piece being rendered; safe at any time.

        engine.stop() is deliberately not called: from another thread it makes pyttsx3 call
        espeak_Cancel() twice at once, which deadlocks espeak-ng (see the note at the top).
        """
        self._stopping.set()

    def set_voice(self, voice: Voice) -> None:
        """Use this voice from the next render() on."""
        self._check_open()
        self._settings = (voice, self._resolve(voice))

    def close(self) -> None:
        """Stop, and let the engine go; the renderer cannot be used afterwards."""
        if self._closed:
            return
        self.stop()
        self._closed = True
        for token in self._tokens:
            self._engine.disconnect(token)
        self._runner.after_calls(self._scratch.cleanup, CLEANUP_SECONDS)  # not under espeak writing into it
        self._engine = None

    # -- helpers

    def _check_open(self) -> None:
        if self._closed:
            raise SpeechError("The speech engine is closed; start a new one.")

    def _resolve(self, voice: Voice) -> str:
        if voice.voice is None:
            return self._default_voice
        voices = self._engine.getProperty("voices")
        found = _pick_voice(voices, voice.voice)
        if found is None:
            raise SpeechError(_unknown_voice(voice.voice, voices))
        return found

    def _on_finished(self, completed: bool = True, **_: Any) -> None:
        self._completed = bool(completed)
        self._finished.set()

    def _on_error(self, exception: BaseException | None = None, **_: Any) -> None:
        self._errors.append(exception or RuntimeError("unknown error"))

    def _render_all(self, pieces: list[str]) -> AudioChunk | None:
        """All pieces as one chunk; None when there is nothing to say or stop() was called."""
        chunks: list[AudioChunk] = []
        for piece in pieces:
            chunk = self._render(piece)
            if chunk is None:
                return None
            chunks.append(chunk)
        if not chunks:
            return None
        return audio.join(chunks, ENGINE_RATE)

    def _render(self, text: str) -> AudioChunk | None:
        self._rendered += 1
        path = Path(self._scratch.name) / f"{self._rendered}.wav"
        seconds = SYNTH_SECONDS + SYNTH_SECONDS_PER_CHAR * len(text)
        deadline = time.monotonic() + seconds
        try:
            done = self._runner.run(
                lambda: self._synthesize(text, path, deadline), seconds + 1, "speaking",
                cancel=self._stopping,
            )
        except Cancelled:
            return None
        return _read_speech(path) if done else None

    def _synthesize(self, text: str, path: Path, deadline: float) -> bool:
        """Render text into path on the engine; False if stop() cut it off."""
        with _ENGINE_LOCK, _espeak_prints_logged():
            for _attempt in range(2):  # the second one recovers from a stale cancel
                if self._stopping.is_set():
                    return False
                if self._synthesize_once(text, path, deadline):
                    return True
        if self._stopping.is_set():
            return False
        raise SpeechError(f"The speech engine kept cancelling its speech. {RESTART_HINT}")

    def _synthesize_once(self, text: str, path: Path, deadline: float) -> bool:
        self._finished.clear()
        self._errors.clear()
        self._apply_settings(deadline)
        self._engine.save_to_file(text, str(path))
        self._engine.runAndWait()
        if not self._finished.wait(max(0.0, deadline - time.monotonic())):
            raise SpeechError(f"The speech engine did not finish speaking. {RESTART_HINT}")
        if self._errors:
            raise SpeechError(f"The speech engine failed: {self._errors[0]}. {RESTART_HINT}")
        return self._completed

    def _apply_settings(self, deadline: float) -> None:
        voice, voice_id = self._settings
        self._wait_until_idle(deadline)
        if voice_id:  # before rate and volume, which loading a voice can reset
            self._engine.setProperty("voice", voice_id)
        self._engine.setProperty("rate", voice.rate)
        self._engine.setProperty("volume", voice.volume)
        self._wait_until_idle(deadline)

    def _wait_until_idle(self, deadline: float) -> None:
        while self._espeak_busy():
            if time.monotonic() > deadline:
                raise SpeechError(f"The speech engine stayed busy. {RESTART_HINT}")
            time.sleep(POLL_SECONDS)
