"""The room between the assistant's loudspeaker and its microphone (the hardware edge): what the
loudspeaker plays and what the person says, mixed, with a quiet room's noise underneath. Used by
tests/test_session.py and bench/barge_in.py."""

from __future__ import annotations

import threading
import time
import types
from typing import Any, Callable

import numpy as np

from voice.audio import AudioChunk, room_tone

RATE, BLOCK = 16000, 1600
BLOCK_SECONDS = BLOCK / RATE


class Room:
    """The air around a microphone: what the speaker plays and what the person says, mixed,
    with a quiet room's noise underneath. Time runs `speedup` times faster than real time."""

    def __init__(self, speedup: float, echo: float = 1.0) -> None:
        self.speedup = speedup
        self.echo = echo
        """How loud the loudspeaker reaches the microphone (1: as loud as the person)."""
        self.lock = threading.Lock()
        self.timeline: dict[int, np.ndarray] = {}
        self.now = 0
        self.listeners: list[Callable[..., None]] = []
        self.sound: np.ndarray | None = None
        """What the loudspeaker is playing, one row per block, from block `sound_from` on."""
        self.sound_from = 0
        self.sounds: list[dict[str, int]] = []
        """Each sound played: its first block, its length in blocks, and the block it went silent."""
        self.silent = threading.Event()
        self.silent.set()
        self.on_play: Callable[[int], None] = lambda blocks: None
        self.running = threading.Event()
        self.running.set()
        threading.Thread(target=self._run, daemon=True).start()

    def add(self, chunk: AudioChunk, delay_blocks: int = 0) -> int:
        """Mix a sound in, starting `delay_blocks` from now; returns the block it ends in."""
        samples = np.frombuffer(chunk.audio, dtype="<i2").astype(np.int32)
        with self.lock:
            start = self.now + delay_blocks
            for offset in range(0, len(samples), BLOCK):
                piece = samples[offset:offset + BLOCK]
                block = self.timeline.setdefault(start + offset // BLOCK, np.zeros(BLOCK, np.int32))
                block[:len(piece)] += piece
            return start + (len(samples) + BLOCK - 1) // BLOCK

    def clock(self) -> float:
        """The room's time in seconds: under load it runs behind the wall clock."""
        return self.now * BLOCK_SECONDS

    def wait_until(self, block: int) -> None:
        while self.now < block and self.running.is_set():
            time.sleep(0.005)

    def close(self) -> None:
        self.running.clear()

    def _run(self) -> None:
        while self.running.is_set():
            data = self._next_block()
            for listener in list(self.listeners):
                listener(data, BLOCK, None, None)
            time.sleep(BLOCK / RATE / self.speedup)

    def play(self, samples: np.ndarray) -> None:
        """The loudspeaker starts playing 16 kHz samples from the next block."""
        blocks = (len(samples) + BLOCK - 1) // BLOCK
        padded = np.zeros(blocks * BLOCK, np.int32)
        padded[:len(samples)] = samples
        with self.lock:
            self.sound, self.sound_from = padded.reshape(blocks, BLOCK), self.now
            self.sounds.append({"start": self.now, "blocks": blocks})
            self.silent.clear()
        self.on_play(blocks)

    def stop_sound(self) -> None:
        with self.lock:
            self._end_sound()

    def _end_sound(self) -> None:
        if self.sound is not None:
            self.sounds[-1]["end"] = self.now
        self.sound = None
        self.silent.set()

    def _next_block(self) -> bytes:
        with self.lock:
            block = self.timeline.pop(self.now, np.zeros(BLOCK, np.int32))
            if self.sound is not None:
                if self.now - self.sound_from >= len(self.sound):
                    self._end_sound()
                else:
                    block = block + (self.echo * self.sound[self.now - self.sound_from]).astype(np.int32)
            self.now += 1
        noise = np.frombuffer(room_tone(BLOCK / RATE, RATE, seed=self.now).audio, dtype="<i2")
        return np.clip(block + noise, -32768, 32767).astype("<i2").tobytes()


class RoomStream:
    """sounddevice's RawInputStream: hears the room while started."""

    def __init__(self, room: Room, callback: Callable[..., None], **settings: Any) -> None:
        self.room, self.callback = room, callback

    def start(self) -> None:
        self.room.listeners.append(self.callback)

    def stop(self) -> None:
        if self.callback in self.room.listeners:
            self.room.listeners.remove(self.callback)

    def close(self) -> None:
        self.stop()


def room_sounddevice(room: Room) -> types.ModuleType:
    """sounddevice with a microphone and a loudspeaker in the room."""
    module = types.ModuleType("sounddevice")
    module.PortAudioError = RuntimeError
    module.default = types.SimpleNamespace(device=[0, 1])
    module.query_devices = lambda: [
        {"name": "Room microphone", "index": 0, "max_input_channels": 1, "max_output_channels": 0,
         "default_samplerate": float(RATE)},
        {"name": "Room loudspeaker", "index": 1, "max_input_channels": 0, "max_output_channels": 1,
         "default_samplerate": float(RATE)}]
    module.check_input_settings = lambda **settings: None
    module.RawInputStream = lambda **settings: RoomStream(room, **settings)
    module.play = lambda data, samplerate, device=None: room.play(to_room_rate(data, samplerate))
    module.wait = lambda: room.silent.wait()
    module.stop = room.stop_sound
    return module


def to_room_rate(data: np.ndarray, rate: int) -> np.ndarray:
    positions = np.arange(round(len(data) * RATE / rate)) * (rate / RATE)
    return np.interp(positions, np.arange(len(data)), data.astype(np.float64)).astype(np.int32)


def speech_span(chunk: AudioChunk) -> tuple[float, float]:
    """Seconds from the start of a recording to the first and past the last loud 10 ms."""
    samples = np.frombuffer(chunk.audio, dtype="<i2").astype(np.float64)
    frames = samples[: len(samples) // 160 * 160].reshape(-1, 160)
    loud = np.flatnonzero(np.sqrt((frames**2).mean(axis=1)) > 0.05 * np.abs(samples).max())
    return loud[0] * 0.01, (loud[-1] + 1) * 0.01
