"""Speech to text with Vosk: a grammar from the language pack, one utterance at a time."""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, Callable, Protocol, Sequence

from voice.audio import AudioChunk, AudioSource, level
from voice.errors import ModelError
from voice.models import open_model, supports_grammar

log = logging.getLogger(__name__)

UNKNOWN_WORD = "[unk]"
"""Vosk's unknown word: in a grammar it catches speech that is none of the phrases, so that
it is not forced onto a body part (vosk-api#1339). Models without it (the Korean test model)
rely on everyday filler words in their language pack instead."""


class End(str, Enum):
    """Why an utterance ended."""

    ENDPOINT = "endpoint"
    """Vosk heard the speaker stop."""
    LIMIT = "limit"
    """The utterance ran longer than allowed."""
    SILENCE = "silence"
    """Nobody spoke before the silence timeout."""
    SOURCE_ENDED = "source_ended"
    """The audio ran out (the last input file ended)."""


@dataclass(frozen=True)
class Heard:
    """One utterance as the recognizer heard it."""

    text: str
    """The words heard, without unknown-word markers; "" when nothing was understood."""
    raw: str
    """The recognizer's own text, unknown-word markers included."""
    end: End
    audio_seconds: float
    """Audio fed for this utterance, silence included."""
    finished_at: float
    """time.perf_counter() when the recognizer returned it (for latency figures)."""


@dataclass(frozen=True)
class Limits:
    silence_timeout: float = 8.0
    """Seconds of audio without speech before listen() gives up."""
    max_utterance: float = 12.0
    """Seconds of speech after which the utterance is cut."""
    read_timeout: float = 3.0
    """Seconds a live device may deliver nothing before it counts as gone."""
    end_silence: float = 0.4
    """Seconds of quiet after speech that end an utterance, before Vosk's own endpoint does
    (it waits about a second); 0 leaves it to Vosk."""


QUIET_FRACTION = 0.1
"""Audio below this fraction of the utterance's loudest block counts as quiet."""


@dataclass
class _Utterance:
    """What listen() has seen of the utterance so far."""

    fed: float = 0.0
    speech_from: float | None = None
    partial: str = ""
    peak: float = 0.0
    quiet: float = 0.0
    """Seconds of quiet since the last loud block of the utterance."""

    def hear(self, chunk: AudioChunk, partial: str) -> None:
        loudness = level(chunk)
        if partial and self.speech_from is None:
            self.speech_from = self.fed
        self.peak = max(self.peak, loudness)
        # Vosk's partial words keep changing for a while after the speech ended; the final
        # result takes all audio into account, so only the loudness decides the end here.
        self.quiet = 0.0 if loudness >= QUIET_FRACTION * self.peak else self.quiet + chunk.seconds
        self.partial = partial

    def ended(self, limits: Limits) -> bool:
        return bool(self.partial) and 0 < limits.end_silence <= self.quiet


class Recognizer(Protocol):
    def listen(self, source: AudioSource, limits: Limits = Limits(),
               on_partial: Callable[[str], None] | None = None) -> Heard | None: ...


@dataclass(frozen=True)
class Grammar:
    phrases: tuple[str, ...]
    """What Vosk may hear; empty means open vocabulary."""
    missing: tuple[str, ...]
    """Words of the language pack the model does not know, left out."""


def load_model(path: Path) -> Any:
    """Load a Vosk model folder, with a clear error instead of a crash in native code."""
    started = time.perf_counter()
    model = open_model(path)
    log.info("loaded model %s in %.1f s", Path(path).name, time.perf_counter() - started)
    return model


def _vosk() -> Any:
    try:
        import vosk
    except (ImportError, OSError) as error:
        raise ModelError(f"The Vosk library cannot be loaded ({error}). Install it: pip install vosk") from None
    vosk.SetLogLevel(0 if log.isEnabledFor(logging.DEBUG) else -1)
    return vosk


def build_grammar(model: Any, vocabulary: Sequence[str]) -> Grammar:
    """Keep the phrases whose every word the model knows, plus its unknown-word token."""
    def known(word: str) -> bool:
        return bool(model.vosk_model_find_word(word) >= 0)

    missing = sorted({word for phrase in vocabulary for word in phrase.split() if not known(word)})
    phrases = [phrase for phrase in vocabulary if all(known(word) for word in phrase.split())]
    unknown = [UNKNOWN_WORD] if known(UNKNOWN_WORD) else []
    if missing:
        log.warning("the speech model does not know these words, so they cannot be heard: %s",
                    ", ".join(missing))
    return Grammar(tuple(phrases + unknown), tuple(missing))


class VoskRecognizer:
    """Hears one utterance at a time from an audio source."""

    def __init__(self, model: Any, vocabulary: Sequence[str] | None, model_path: Path | None = None) -> None:
        self.model = model
        self.grammar = Grammar((), ())
        if vocabulary is not None:
            if model_path is not None and not supports_grammar(model_path):
                log.warning("model %s cannot take a grammar; listening with open vocabulary", model_path.name)
            else:
                self.grammar = build_grammar(model, vocabulary)
        self._recognizers: dict[int, Any] = {}

    def unknown(self, words: Sequence[str]) -> list[str]:
        """The words this model cannot hear at all."""
        return [word for word in words if self.model.vosk_model_find_word(word) < 0]

    def _recognizer(self, rate: int) -> Any:
        if rate not in self._recognizers:
            vosk = _vosk()
            if self.grammar.phrases:
                grammar = json.dumps(list(self.grammar.phrases), ensure_ascii=False)
                self._recognizers[rate] = vosk.KaldiRecognizer(self.model, rate, grammar)
            else:
                self._recognizers[rate] = vosk.KaldiRecognizer(self.model, rate)
        return self._recognizers[rate]

    def listen(self, source: AudioSource, limits: Limits = Limits(),
               on_partial: Callable[[str], None] | None = None) -> Heard | None:
        """The next utterance; None when the source has ended with nothing more said."""
        recognizer = self._recognizer(source.rate)
        utterance = _Utterance()
        while True:
            chunk = source.read(limits.read_timeout)
            if chunk is None:
                heard = self._heard(recognizer.FinalResult(), End.SOURCE_ENDED, utterance.fed)
                return heard if heard.raw else None
            utterance.fed += chunk.seconds
            if recognizer.AcceptWaveform(chunk.audio):
                heard = self._heard(recognizer.Result(), End.ENDPOINT, utterance.fed)
                if heard.raw:
                    return heard
                utterance = _Utterance(fed=utterance.fed)
                continue
            partial = json.loads(recognizer.PartialResult()).get("partial", "")
            if partial != utterance.partial and on_partial:
                on_partial(self._clean(partial))
            utterance.hear(chunk, partial)
            if utterance.ended(limits):
                return self._heard(recognizer.FinalResult(), End.ENDPOINT, utterance.fed)
            if utterance.speech_from is None and utterance.fed >= limits.silence_timeout:
                recognizer.Reset()
                return Heard("", "", End.SILENCE, utterance.fed, time.perf_counter())
            if utterance.speech_from is not None and utterance.fed - utterance.speech_from >= limits.max_utterance:
                return self._heard(recognizer.FinalResult(), End.LIMIT, utterance.fed)

    def _heard(self, result: str, end: End, fed: float) -> Heard:
        raw = json.loads(result).get("text", "").strip()
        return Heard(self._clean(raw), raw, end, fed, time.perf_counter())

    @staticmethod
    def _clean(text: str) -> str:
        return " ".join(word for word in text.split() if word != UNKNOWN_WORD)
