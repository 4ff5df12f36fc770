"""Speech to text with Vosk: a grammar from the language pack, one utterance at a time."""

from __future__ import annotations

import json
import logging
import time
from collections import deque
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, Callable, Protocol, Sequence

from voice.audio import AudioChunk, AudioSource
from voice.vad import VAD_RATE, WINDOW, Activity, SpeechDetector
from voice.decision import Pauses
from voice.models import import_vosk, open_model, supports_grammar

log = logging.getLogger(__name__)

UNKNOWN_WORD = "[unk]"
"""Vosk's unknown word: in a grammar it catches speech that is none of the phrases, so that
it is not forced onto a body part (vosk-api#1339). Models without it (the Korean test model)
rely on everyday filler words in their language pack instead."""


class End(str, Enum):
    """Why an utterance ended."""

    ENDPOINT = "endpoint"
    """The speaker stopped (the voice activity detector heard no more speech)."""
    LIMIT = "limit"
    """The utterance ran longer than allowed."""
    SILENCE = "silence"
    """Nobody spoke before the silence timeout."""
    SOURCE_ENDED = "source_ended"
    """The audio ran out (the last input file ended)."""


@dataclass(frozen=True)
class Word:
    """One word heard, with how sure the recognizer is of it."""

    text: str
    confidence: float
    """Vosk's posterior probability of the word, 0 to 1 (SetWords)."""


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
    words: tuple[Word, ...] = ()
    """Every word of `raw`, unknown-word markers included, with its confidence."""

    @property
    def confidence(self) -> float:
        """The least sure word's confidence; 0 when nothing was heard."""
        return min((word.confidence for word in self.words), default=0.0)


PRE_ROLL_SECONDS = 0.3
"""Audio from before the detector found speech that Vosk hears too: the first sound of a
word starts before it is loud enough to be found."""


SPEECH_RUN = 2
"""Speech windows in a row that count as speaking: a lone one is a clatter or a word of the
television behind."""


@dataclass(frozen=True)
class Limits:
    silence_timeout: float = 8.0
    """Seconds of audio without speech before listen() gives up."""
    max_utterance: float = 12.0
    """Seconds of speech after which the utterance is cut."""
    read_timeout: float = 3.0
    """Seconds a live device may deliver nothing before it counts as gone."""
    end_silence: float = Pauses().complete
    """Seconds without speech that end an utterance that is already a complete request."""
    patience: float = Pauses().patience
    """Seconds without speech that end an utterance that is not complete yet ("my left...")."""


@dataclass
class _Utterance:
    """What listen() has seen of the utterance so far."""

    fed: float = 0.0
    speech_from: float | None = None
    """Audio time of the first speech window; None before the person started speaking."""
    quiet: float = 0.0
    """Seconds without speech since the last speech window."""
    partial: str = ""
    said: tuple[Word, ...] = ()
    """Words of the parts Vosk already finished (it ends a part at a pause of its own)."""

    run: int = 0
    """Speech windows in a row."""
    was_room: bool = False
    """The detector found that the speech heard so far was the room's, not the person's."""

    def hear(self, activities: Sequence[Activity]) -> None:
        for activity in activities:
            self.was_room = self.was_room or activity.was_room
            self.run = self.run + 1 if activity.speech else 0
            if self.run >= SPEECH_RUN:
                self.quiet = 0.0
                if self.speech_from is None:
                    self.speech_from = self.fed
            elif self.speech_from is not None:
                self.quiet += WINDOW / VAD_RATE

    def text(self) -> str:
        return " ".join([word.text for word in self.said] + [self.partial]).strip()

    def ended(self, limits: Limits, complete: Callable[[str], bool] | None) -> bool:
        if self.speech_from is None:
            return False
        text = _clean(self.text())
        done = bool(text) and (complete is None or complete(text))
        return self.quiet >= (limits.end_silence if done else limits.patience)


Complete = Callable[[str], bool]
"""Whether the words heard so far already make a complete request (then it ends quickly)."""


class Recognizer(Protocol):
    def listen(self, source: AudioSource, limits: Limits = Limits(),
               on_partial: Callable[[str], None] | None = None,
               complete: Complete | None = None) -> Heard | None: ...


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
        self.detector = SpeechDetector()
        self._before: deque[AudioChunk] = deque()
        """The audio just before speech was found (PRE_ROLL_SECONDS), kept when listen()
        gives up on silence: a person who starts speaking just then keeps their first sound."""

    def unknown(self, words: Sequence[str]) -> list[str]:
        """The words this model cannot hear at all."""
        return [word for word in words if self.model.vosk_model_find_word(word) < 0]

    def _recognizer(self, rate: int) -> Any:
        if rate not in self._recognizers:
            vosk = import_vosk()
            if self.grammar.phrases:
                grammar = json.dumps(list(self.grammar.phrases), ensure_ascii=False)
                self._recognizers[rate] = vosk.KaldiRecognizer(self.model, rate, grammar)
            else:
                self._recognizers[rate] = vosk.KaldiRecognizer(self.model, rate)
            self._recognizers[rate].SetWords(True)
        return self._recognizers[rate]

    def listen(self, source: AudioSource, limits: Limits = Limits(),
               on_partial: Callable[[str], None] | None = None,
               complete: Complete | None = None) -> Heard | None:
        """The next utterance; None when the source has ended with nothing more said.

        Vosk hears only from just before the voice activity detector found speech (noise
        before it is not made into words), and the utterance ends after `end_silence` without
        speech once what was heard is a complete request, after `patience` while it is not."""
        recognizer = self._recognizer(source.rate)
        self.detector.reset()
        utterance = _Utterance()
        before = self._before
        while True:
            chunk = source.read(limits.read_timeout)
            if chunk is None:
                before.clear()
                if utterance.speech_from is None:
                    return None
                heard = self._heard(recognizer.FinalResult(), End.SOURCE_ENDED, utterance)
                return heard if heard.raw else None
            utterance.fed += chunk.seconds
            utterance.hear(self.detector.feed(chunk))
            if utterance.was_room:  # a television switched on: nothing of it is the person's
                recognizer.FinalResult()  # what Vosk made of it is dropped
                utterance = _Utterance(fed=utterance.fed)
                before.clear()
            if utterance.speech_from is None:
                before.append(chunk)
                while sum(block.seconds for block in before) > PRE_ROLL_SECONDS + chunk.seconds:
                    before.popleft()
                if utterance.fed >= limits.silence_timeout:
                    return Heard("", "", End.SILENCE, utterance.fed, time.perf_counter())
                continue
            for block in [*before, chunk]:
                self._accept(recognizer, block, utterance, on_partial)
            before.clear()
            if utterance.ended(limits, complete):
                heard = self._heard(recognizer.FinalResult(), End.ENDPOINT, utterance)
                if heard.raw:
                    return heard
                utterance = _Utterance(fed=utterance.fed)  # a knock or a cough: no words in it
                self.detector.reset()
            elif utterance.fed - (utterance.speech_from or 0.0) >= limits.max_utterance:
                return self._heard(recognizer.FinalResult(), End.LIMIT, utterance)

    @staticmethod
    def _accept(recognizer: Any, chunk: AudioChunk, utterance: _Utterance,
                on_partial: Callable[[str], None] | None) -> None:
        if recognizer.AcceptWaveform(chunk.audio):  # Vosk ended a part at a pause of its own
            utterance.said += words_of(recognizer.Result())
            utterance.partial = ""
            return
        partial = json.loads(recognizer.PartialResult()).get("partial", "")
        if partial != utterance.partial and on_partial:
            on_partial(_clean(" ".join([word.text for word in utterance.said] + [partial])))
        utterance.partial = partial

    def _heard(self, result: str, end: End, utterance: _Utterance) -> Heard:
        words = utterance.said + words_of(result)
        raw = " ".join(word.text for word in words)
        return Heard(_clean(raw), raw, end, utterance.fed, time.perf_counter(), words)


def words_of(result: str) -> tuple[Word, ...]:
    """The words of one of Vosk's JSON results, each with its confidence."""
    decoded = json.loads(result)
    if "result" in decoded:
        return tuple(Word(item["word"], float(item["conf"])) for item in decoded["result"])
    return tuple(Word(word, 1.0) for word in decoded.get("text", "").split())


def _clean(text: str) -> str:
    return " ".join(word for word in text.split() if word != UNKNOWN_WORD)
