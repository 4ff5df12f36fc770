"""Barge-in: hearing a person start to talk, and a few words ("stop", "wait", "repeat", "go on"),
while the assistant speaks."""

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
from collections import deque
from dataclasses import dataclass
from enum import Enum
from typing import Any, Final, Mapping, Sequence

import numpy as np

from voice import vad
from voice.audio import AudioChunk
from voice.models import import_vosk
from voice.recognizer import Word, words_of

log = logging.getLogger(__name__)

STEADY_SECONDS: Final = 0.15
"""How long a phrase must stay in Vosk's running hypothesis to count (audio time)."""
MIN_CONFIDENCE: Final = 0.95
"""Lowest per-word confidence of a phrase in a final result that counts."""
PRE_ROLL_SECONDS: Final = 0.4
"""Audio kept to hear a person's words afresh from just before they started (Spotter.restart)."""
FRESH_SECONDS: Final = 1.0
"""An utterance that has held nothing this long starts afresh: after "wait", "go on" (계속해)
said 3 s into the silence was never heard (0 of 20 dither seeds), said 0.5 or 1 s in always."""

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
        but GO_ON). With nothing spoken (it waits for "go on") its own voice cannot be heard,
        so a phrase counts as soon as the running hypothesis holds it."""
        wanted = wanted if wanted is not None else frozenset(Interruption) - {Interruption.GO_ON}
        inside = _words(spoken)
        triggers = {
            phrase: kind
            for kind, phrases in self.phrases.items() if kind in wanted
            for phrase in phrases if self._known(phrase) and not _said_in(phrase, inside)
        }
        absorbing = {word for phrase in self.vocabulary for word in phrase.split()} | set(inside)
        grammar = sorted({*triggers, *(word for word in absorbing if self._known(word))})
        return Spotter(self._recognizer(rate, grammar), triggers, STEADY_SECONDS if spoken.strip() else 0.0)

    def _known(self, phrase: str) -> bool:
        return all(self.model.vosk_model_find_word(word) >= 0 for word in phrase.split())

    def _recognizer(self, rate: int, grammar: list[str]) -> Any:
        recognizer = import_vosk().KaldiRecognizer(self.model, rate, json.dumps(grammar, ensure_ascii=False))
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

    def __init__(self, recognizer: Any, triggers: Mapping[str, Interruption], steady: float = STEADY_SECONDS) -> None:
        self._recognizer = recognizer
        self._triggers = triggers
        self._steady_seconds = steady
        """How long a phrase must stay in the running hypothesis to count."""
        self._steady: dict[str, float] = {}
        self._partial = ""
        self._recent: deque[AudioChunk] = deque()
        self._nothing = 0.0
        """Seconds of audio in which the utterance has held no word."""

    def restart(self) -> None:
        """Hear from PRE_ROLL_SECONDS ago as a new utterance: a person has started talking. In a
        long utterance of its own voice the model hears their word as more of the same (in
        bench/barge_in.py, 3 s into a sentence "조용히" came out as "저 엄지")."""
        self._recognizer.FinalResult()  # ends the utterance; Reset() let its words leak into the next
        self._steady, self._partial, self._nothing = {}, "", 0.0
        for chunk in self._recent:
            self._recognizer.AcceptWaveform(chunk.audio)

    def feed(self, chunk: AudioChunk) -> Interruption | None:
        """The interruption heard by the end of this block, if any."""
        if not self._triggers:
            return None
        self._recent.append(chunk)
        while sum(piece.seconds for piece in self._recent) > PRE_ROLL_SECONDS + 1e-9:
            self._recent.popleft()
        if self._recognizer.AcceptWaveform(chunk.audio):
            self._steady, self._partial, self._nothing = {}, "", 0.0
            return self._final(words_of(self._recognizer.Result()))
        partial = " " + json.loads(self._recognizer.PartialResult()).get("partial", "") + " "
        self._nothing = self._nothing + chunk.seconds if not partial.strip() else 0.0
        if self._nothing >= FRESH_SECONDS:
            self.restart()
            return None
        if partial != self._partial:
            log.debug("barge-in hears%s", partial.rstrip())
            self._partial = partial
        self._steady = {  # seconds each phrase has stayed in, counted from the block after it came
            phrase: self._steady[phrase] + chunk.seconds if phrase in self._steady else 0.0
            for phrase in self._triggers if f" {phrase} " in partial
        }
        for phrase, seconds in self._steady.items():
            if seconds >= self._steady_seconds - 1e-9:
                log.info("barge-in: heard %r", phrase)
                return self._triggers[phrase]
        return None

    def _final(self, words: Sequence[Word]) -> Interruption | None:
        text = [word.text for word in words]
        log.debug("barge-in heard at the end %s", " ".join(f"{word.text}:{word.confidence:.2f}" for word in words))
        for phrase, kind in self._triggers.items():
            size = len(phrase.split())
            for start in range(len(text) - size + 1):
                if " ".join(text[start:start + size]) == phrase and all(
                        word.confidence >= MIN_CONFIDENCE for word in words[start:start + size]):
                    log.info("barge-in: heard %r", phrase)
                    return kind
        return None


# --- a person starting to talk over it -------------------------------------------------------
#
# A word can only be acted on once it has been heard whole: "stop" takes its own length and
# then some before the Spotter is sure. So the speech falls silent as soon as someone starts
# talking over it, and the Spotter then decides: a barge-in word acts, anything else (a cough,
# a word to someone else) lets the speech carry on. "Someone is talking" is a double-talk
# detector in the manner of Geigel's, as echo cancellers use: the microphone holds clearly more
# than the assistant's own voice coming back can explain. How loud its voice comes back is
# learned while it speaks (EchoPath); the audio being played is known (the reference).

LAG_SECONDS: Final = 0.4
"""How late its own voice may still come back: output and input latency and the room's echo."""
LEAD_SECONDS: Final = 0.1
"""How early it may come back: the microphone's blocks and the first sound are not exactly aligned."""
OVER_ECHO: Final = 4.0
"""A person is this many times (6 dB) louder than the loudest its own voice can come back,
plus the room's usual level."""
ONSET_WINDOWS: Final = 3
"""Windows in a row (96 ms) that must hold such a voice; one loud clatter does not."""
ECHO_PERCENTILE: Final = 90
"""How loud its voice comes back, relative to the audio played: this percentile of what was
measured (the loud end, so that its loudest syllables do not count as a person)."""
LEARNED_WINDOWS: Final = 30
"""Windows of its own voice (1 s) measured before a person can be told from it."""
LOUD_REFERENCE: Final = 1e-4
"""Windows played at least this loud (-40 dB, a quiet syllable) tell how loud its voice comes
back; in quieter ones the room's noise is most of what is heard."""


class EchoPath:
    """How loud the assistant's own voice comes back into the microphone, and how loud the room
    is while it speaks; learned over every turn it speaks with barge-in on."""

    def __init__(self) -> None:
        self._ratios: deque[float] = deque(maxlen=900)
        """Microphone energy over the loudest reference energy nearby, while it spoke (30 s)."""
        self._room: deque[float] = deque(maxlen=94)
        """The microphone's energies while it spoke or was silenced (3 s): with echo
        cancellation mostly the room."""

    def learn(self, heard: float, played: float | None) -> None:
        """One window heard while `played` was the loudest played near it; None: the speech was
        silenced, so what is heard tells only how loud the room is."""
        self._room.append(heard)
        if played is not None and played >= LOUD_REFERENCE:
            self._ratios.append(heard / played)

    def known(self) -> bool:
        return len(self._ratios) >= LEARNED_WINDOWS

    def explained(self, played: float) -> float:
        """The most energy the microphone can hold without a person talking."""
        gain = float(np.percentile(self._ratios, ECHO_PERCENTILE))
        return gain * played + float(np.median(self._room))


class OverTalk:
    """Fed the microphone while known audio plays; says when a person has started talking over it,
    and after the audio was silenced, whether they are still talking."""

    def __init__(self, played: AudioChunk, echo: EchoPath) -> None:
        self._echo = echo
        self._silero = vad.silero()
        self._windows = vad.Windows()
        self._played = _energies(played)
        self._count = 0
        self._in_a_row = 0
        self._silenced_at: int | None = None

    @property
    def ready(self) -> bool:
        """Whether it knows how loud the assistant's voice comes back, so can tell a person's."""
        return self._echo.known()

    def silenced(self) -> None:
        """The audio was cut off now: from here on nothing more of it comes back."""
        self._silenced_at = self._count

    def feed(self, chunk: AudioChunk) -> bool:
        """Whether a person's voice held the last ONSET_WINDOWS windows up to this block; once
        the audio was silenced, whether it held the last window (they are still talking)."""
        for window in self._windows.feed(chunk):
            self._window(window)
        return self._in_a_row >= (ONSET_WINDOWS if self._silenced_at is None else 1)

    def _window(self, window: np.ndarray) -> None:
        heard = vad.energy(window)
        played = self._played_near(self._count)
        self._count += 1
        speech = float(self._silero.process_samples(window.tolist())) >= _SPEECH
        voice = speech and self._echo.known() and heard > OVER_ECHO * self._echo.explained(played)
        self._in_a_row = self._in_a_row + 1 if voice else 0
        # Learned whatever was heard, a person too: the few windows of theirs before the speech
        # falls silent barely move ECHO_PERCENTILE of 30 s, while a louder echo (the volume
        # turned up) is learned within seconds, and a television switched on becomes the room's
        # level within 2 s instead of holding the speech silent.
        self._echo.learn(heard, played if self._silenced_at is None else None)

    def _played_near(self, index: int) -> float:
        """The loudest window played that can come back in microphone window `index`."""
        end = len(self._played) if self._silenced_at is None else self._silenced_at
        first = max(0, index - round(LAG_SECONDS / _WINDOW_SECONDS))
        last = min(end, index + 1 + round(LEAD_SECONDS / _WINDOW_SECONDS))
        return float(self._played[first:last].max()) if last > first else 0.0


_WINDOW_SECONDS: Final = vad.WINDOW / vad.VAD_RATE
_SPEECH: Final = vad.VadSettings().speech
"""Silero's probability from which a window is speech, as the voice activity detector takes it."""


def _energies(chunk: AudioChunk) -> np.ndarray:
    """The chunk's energy in each of its 32 ms windows."""
    windows = vad.Windows()
    return np.array([vad.energy(window) for window in windows.feed(chunk)] or [0.0])
