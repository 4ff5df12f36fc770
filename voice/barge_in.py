"""Barge-in: hearing a few words ("stop", "wait", "repeat", "go on") while the assistant speaks."""

# Its own voice comes back through the room into the microphone. Three things keep it from
# interrupting itself: (1) the recognizer's grammar holds, besides the barge-in phrases, every
# word the language pack knows and every word of the sentence being spoken, so its own speech
# is heard as its own words instead of being forced onto "stop"; (2) a barge-in phrase that
# occurs inside the sentence being spoken cannot interrupt that sentence ("say stop at any
# time"); (3) a phrase counts only once it has stayed in Vosk's running hypothesis for
# STEADY_SECONDS of audio, or is in a final result with a confidence of at least
# MIN_CONFIDENCE (SetWords gives per-word confidence). Hardware echo cancellation (see the
# README) removes most of the echo before any of this.

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from enum import Enum
from typing import Any, Final, Mapping, Sequence

from voice.audio import AudioChunk
from voice.recognizer import Word, words_of

log = logging.getLogger(__name__)

STEADY_SECONDS: Final = 0.15
"""How long a phrase must stay in Vosk's running hypothesis to count (audio time)."""
MIN_CONFIDENCE: Final = 0.95
"""Lowest per-word confidence of a phrase in a final result that counts."""

_WORD = re.compile(r"\w+")


class Interruption(str, Enum):
    """What a person said over the assistant's speech."""

    STOP = "stop"
    """Cut the speech off and end the turn."""
    WAIT = "wait"
    """Stop speaking until "go on"."""
    REPEAT = "repeat"
    """Start the turn again."""
    GO_ON = "go_on"
    """After "wait": carry on."""


@dataclass(frozen=True)
class BargeIn:
    """What can interrupt the assistant, and the engine that listens for it."""

    model: Any
    """A loaded Vosk model (the one the recognizer uses)."""
    phrases: Mapping[Interruption, tuple[str, ...]]
    """The language pack's phrases for each interruption."""
    vocabulary: Sequence[str]
    """Words that absorb other speech: the pack's words."""

    @classmethod
    def from_pack(cls, model: Any, barge_in: Mapping[str, tuple[str, ...]],
                  vocabulary: Sequence[str]) -> BargeIn | None:
        """None when the pack names no barge-in phrases."""
        if not barge_in:
            return None
        phrases = {Interruption(key): value for key, value in barge_in.items()}
        return cls(model, phrases, tuple(vocabulary))

    def spotter(self, rate: int, spoken: str, wanted: frozenset[Interruption] | None = None) -> Spotter:
        """Listens over the speaking of `spoken` for the `wanted` interruptions (default: all
        but GO_ON)."""
        wanted = wanted if wanted is not None else frozenset(Interruption) - {Interruption.GO_ON}
        inside = _words(spoken)
        triggers = {
            phrase: kind
            for kind, phrases in self.phrases.items() if kind in wanted
            for phrase in phrases if self._known(phrase) and not _said_in(phrase, inside)
        }
        absorbing = {word for phrase in self.vocabulary for word in phrase.split()} | set(inside)
        grammar = sorted({*triggers, *(word for word in absorbing if self._known(word))})
        return Spotter(self._recognizer(rate, grammar), triggers)

    def _known(self, phrase: str) -> bool:
        return all(self.model.vosk_model_find_word(word) >= 0 for word in phrase.split())

    def _recognizer(self, rate: int, grammar: list[str]) -> Any:
        import vosk

        recognizer = vosk.KaldiRecognizer(self.model, rate, json.dumps(grammar, ensure_ascii=False))
        recognizer.SetWords(True)
        return recognizer


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _said_in(phrase: str, words: Sequence[str]) -> bool:
    """Whether every word of the phrase occurs in the text, also inside a longer word
    (Korean writes particles onto words: 그만이라고 holds 그만)."""
    return all(any(part in word for word in words) for part in phrase.split())


class Spotter:
    """Fed the microphone while one sentence is spoken; says when an interruption was heard."""

    def __init__(self, recognizer: Any, triggers: Mapping[str, Interruption]) -> None:
        self._recognizer = recognizer
        self._triggers = triggers
        self._steady: dict[str, float] = {}
        self._partial = ""

    def feed(self, chunk: AudioChunk) -> Interruption | None:
        """The interruption heard by the end of this block, if any."""
        if not self._triggers:
            return None
        if self._recognizer.AcceptWaveform(chunk.audio):
            self._steady, self._partial = {}, ""
            return self._final(words_of(self._recognizer.Result()))
        partial = " " + json.loads(self._recognizer.PartialResult()).get("partial", "") + " "
        if partial != self._partial:
            log.debug("barge-in hears%s", partial.rstrip())
            self._partial = partial
        self._steady = {  # seconds each phrase has stayed in, counted from the block after it came
            phrase: self._steady[phrase] + chunk.seconds if phrase in self._steady else 0.0
            for phrase in self._triggers if f" {phrase} " in partial
        }
        for phrase, seconds in self._steady.items():
            if seconds >= STEADY_SECONDS - 1e-9:
                log.info("barge-in: heard %r", phrase)
                return self._triggers[phrase]
        return None

    def _final(self, words: Sequence[Word]) -> Interruption | None:
        text = [word.text for word in words]
        for phrase, kind in self._triggers.items():
            size = len(phrase.split())
            for start in range(len(text) - size + 1):
                if " ".join(text[start:start + size]) == phrase and all(
                        word.confidence >= MIN_CONFIDENCE for word in words[start:start + size]):
                    log.info("barge-in: heard %r", phrase)
                    return kind
        return None
