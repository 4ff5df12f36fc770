"""Audio as data: the chunks every part agrees on, WAV files, tones, and file input."""

from __future__ import annotations

import logging
import math
import shlex
import struct
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Generator, Iterator, Protocol, Sequence

import numpy as np

from voice.errors import AudioError

log = logging.getLogger(__name__)

DEFAULT_RATE: Final = 16000
"""Frames per second used throughout unless a device needs another rate."""
MAX_CHANNELS: Final = 8
"""WAV files with up to this many channels are downmixed to mono."""
MIN_FILE_RATE: Final = 4000
MAX_FILE_RATE: Final = 192000
ROOM_TONE_LEVEL: Final = 0.001
"""Standard deviation of the noise between input files (about -60 dBFS), full scale 1."""
BLOCK_SECONDS: Final = 0.05
"""Audio is handed on in blocks this long: short enough that the end of speech is noticed
within a block's length."""
FADE_SECONDS: Final = 0.01
"""Length of the fade in and out of every tone, so it does not click."""

_FULL_SCALE: Final = 32767
_WAVE_FLOAT: Final = 3
_WAVE_EXTENSIBLE: Final = 0xFFFE
_WAVE_PCM: Final = 1
_INT_SCALE: Final = {1: 128.0, 2: 32768.0, 3: 8388608.0, 4: 2147483648.0}


@dataclass(frozen=True)
class AudioChunk:
    """A piece of 16-bit signed little-endian mono PCM audio."""

    audio: bytes
    """Raw samples, two bytes each."""
    rate: int
    """Frames per second."""

    @property
    def samples(self) -> int:
        """Number of frames."""
        return len(self.audio) // 2

    @property
    def seconds(self) -> float:
        """Duration in seconds."""
        return self.samples / self.rate


class AudioSource(Protocol):
    """Where the session loop gets audio from: a microphone or WAV files."""

    rate: int

    def read(self, timeout: float) -> AudioChunk | None:
        """Next block; None when the source is finished."""

    def mute(self) -> None:
        """The assistant starts speaking: drop everything captured from now on."""

    def unmute(self, holdoff: float = 0.3) -> None:
        """Speaking ended: keep dropping for `holdoff` seconds more, then deliver."""

    def close(self) -> None:
        """Release the source."""


# --- chunks and tones -------------------------------------------------------


def _frames(seconds: float, rate: int) -> int:
    return max(0, round(seconds * rate))


def _to_chunk(signal: np.ndarray, rate: int) -> AudioChunk:
    pcm = np.round(np.clip(signal, -1.0, 1.0) * _FULL_SCALE).astype("<i2")
    return AudioChunk(pcm.tobytes(), rate)


def _to_signal(chunk: AudioChunk) -> np.ndarray:
    return np.frombuffer(chunk.audio, dtype="<i2").astype(np.float64) / 32768.0


def _join(chunks: Sequence[AudioChunk], rate: int) -> AudioChunk:
    return AudioChunk(b"".join(chunk.audio for chunk in chunks), rate)


def silence(seconds: float, rate: int = DEFAULT_RATE) -> AudioChunk:
    """Silence of the given length."""
    return AudioChunk(bytes(2 * _frames(seconds, rate)), rate)


def room_tone(seconds: float, rate: int = DEFAULT_RATE, level: float = ROOM_TONE_LEVEL,
              seed: int = 0) -> AudioChunk:
    """The faint noise a microphone hears in a quiet room (the same for the same seed).

    Recognizers are tuned on real recordings: stretches of exact digital zeros, which no
    microphone delivers, throw off Vosk's feature normalisation and change what it hears.
    """
    noise = np.random.default_rng(seed).normal(0.0, level, _frames(seconds, rate))
    return _to_chunk(noise, rate)


def _fade(signal: np.ndarray, rate: int) -> np.ndarray:
    width = min(signal.size // 2, max(1, _frames(FADE_SECONDS, rate)))
    ramp = 0.5 - 0.5 * np.cos(np.pi * np.arange(width) / width)
    faded = signal.copy()
    faded[:width] *= ramp
    faded[signal.size - width :] *= ramp[::-1]
    return faded


def _sine(frequency: float, seconds: float, rate: int) -> np.ndarray:
    return np.sin(2 * np.pi * frequency * np.arange(_frames(seconds, rate)) / rate)


def tone(
    frequency: float, seconds: float, rate: int = DEFAULT_RATE, volume: float = 0.3
) -> AudioChunk:
    """A sine tone with a short fade in and out."""
    return _to_chunk(_fade(volume * _sine(frequency, seconds, rate), rate), rate)


def _bell(frequency: float, seconds: float, rate: int, volume: float) -> AudioChunk:
    t = np.arange(_frames(seconds, rate)) / rate
    partials = sum(
        (weight * np.sin(2 * np.pi * frequency * ratio * t) * np.exp(-t * decay)
         for ratio, weight, decay in ((1.0, 1.0, 4.0), (2.76, 0.35, 7.0), (5.4, 0.15, 11.0))),
        start=np.zeros_like(t),
    )
    return _to_chunk(_fade(volume * partials / 1.5, rate), rate)


def cue(kind: str, rate: int = DEFAULT_RATE) -> AudioChunk:
    """A short sound: "listen" (rising), "done" (falling) or "timer" (soft bell)."""
    if kind == "listen":
        return _join([tone(660.0, 0.12, rate, 0.25), tone(880.0, 0.13, rate, 0.25)], rate)
    if kind == "done":  # short: the answer follows it
        return _join([tone(880.0, 0.06, rate, 0.25), tone(660.0, 0.06, rate, 0.25)], rate)
    if kind == "timer":
        return _bell(587.3, 0.6, rate, 0.3)
    raise ValueError(f"Unknown cue {kind!r}; use 'listen', 'done' or 'timer'")


def level(chunk: AudioChunk) -> float:
    """Root-mean-square level, 0 (silence) to 1 (full scale)."""
    signal = _to_signal(chunk)
    return float(np.sqrt(np.mean(signal**2))) if signal.size else 0.0


def split(chunk: AudioChunk, block_seconds: float = 0.1) -> Iterator[AudioChunk]:
    """Consecutive blocks of `block_seconds`; the last one may be shorter."""
    step = 2 * max(1, _frames(block_seconds, chunk.rate))
    for start in range(0, len(chunk.audio), step):
        yield AudioChunk(chunk.audio[start : start + step], chunk.rate)


# --- WAV files --------------------------------------------------------------


def _bad_file(path: Path, problem: str) -> str:
    quoted = shlex.quote(str(path))
    fixed = shlex.quote(str(path.with_name(path.stem + "-16k.wav")))
    return (
        f"Cannot use the audio file {quoted}: {problem}. What works: a 16-bit PCM WAV, "
        f"any rate, mono or stereo; convert with: sox {quoted} -r 16000 -c 1 -b 16 {fixed}"
    )


def _format_problem(code: int) -> str:
    if code == _WAVE_FLOAT:
        return "it holds floating-point samples, not integer PCM"
    return f"it is compressed or unusual (WAV format {code}), not plain PCM"


def _wave_problem(message: str) -> str:
    if message.startswith("unknown format: "):
        return _format_problem(int(message.rsplit(" ", 1)[1]))
    if "RIFF" in message or "WAVE" in message:
        return "it is not a WAV file"
    if "extended format" in message:
        return "it is not plain integer PCM"
    return f"it is not a readable WAV file ({message})"


def _check_layout(path: Path, channels: int, width: int, rate: int) -> None:
    if not 1 <= channels <= MAX_CHANNELS:
        raise AudioError(_bad_file(path, f"it has {channels} channels (1 to {MAX_CHANNELS} work)"))
    if width not in _INT_SCALE:
        raise AudioError(_bad_file(path, f"it has {8 * width}-bit samples (8 to 32 work)"))
    if not MIN_FILE_RATE <= rate <= MAX_FILE_RATE:
        raise AudioError(_bad_file(path, f"its sample rate {rate} Hz is unusual"))


def _int24(raw: bytes) -> np.ndarray:
    octets = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 3).astype(np.int32)
    value = octets[:, 0] | (octets[:, 1] << 8) | (octets[:, 2] << 16)
    return np.where(value >= 1 << 23, value - (1 << 24), value)


def _integers(raw: bytes, width: int) -> np.ndarray:
    if width == 1:
        return np.frombuffer(raw, dtype=np.uint8).astype(np.float64) - 128.0
    if width == 3:
        return _int24(raw).astype(np.float64)
    return np.frombuffer(raw, dtype="<i2" if width == 2 else "<i4").astype(np.float64)


def _decode(raw: bytes, width: int, channels: int) -> np.ndarray:
    """Mono floats in -1..1 from interleaved integer PCM."""
    frame = width * channels
    values = _integers(raw[: len(raw) - len(raw) % frame], width) / _INT_SCALE[width]
    mono: np.ndarray = values.reshape(-1, channels).mean(axis=1)
    return mono


def _riff_chunks(data: bytes) -> dict[bytes, bytes]:
    chunks: dict[bytes, bytes] = {}
    position = 12
    while position + 8 <= len(data):
        size = int.from_bytes(data[position + 4 : position + 8], "little")
        chunks.setdefault(data[position : position + 4], data[position + 8 : position + 8 + size])
        position += 8 + size + (size & 1)
    return chunks


def _load_extensible(path: Path) -> tuple[np.ndarray, int]:
    """WAVE_FORMAT_EXTENSIBLE files (sox writes them for 24 bits), which `wave` rejects."""
    chunks = _riff_chunks(path.read_bytes())
    fmt, pcm = chunks.get(b"fmt "), chunks.get(b"data")
    if fmt is None or pcm is None or len(fmt) < 26:
        raise AudioError(_bad_file(path, "its WAV header is incomplete"))
    _, channels, rate, _, align, _ = struct.unpack("<HHIIHH", fmt[:16])
    subformat = int.from_bytes(fmt[24:26], "little")
    if subformat != _WAVE_PCM:
        raise AudioError(_bad_file(path, _format_problem(subformat)))
    width = align // channels if channels else 0
    _check_layout(path, channels, width, rate)
    return _decode(pcm, width, channels), rate


def _load_wave(path: Path, wav: wave.Wave_read) -> tuple[np.ndarray, int]:
    channels, width, rate = wav.getnchannels(), wav.getsampwidth(), wav.getframerate()
    _check_layout(path, channels, width, rate)
    return _decode(wav.readframes(wav.getnframes()), width, channels), rate


def _load(path: Path) -> tuple[np.ndarray, int]:
    if not path.exists():
        raise AudioError(_bad_file(path, "the file does not exist"))
    if path.is_file() and path.stat().st_size == 0:
        raise AudioError(_bad_file(path, "the file is empty"))
    try:
        with wave.open(str(path), "rb") as wav:
            return _load_wave(path, wav)
    except wave.Error as error:
        if str(error) == f"unknown format: {_WAVE_EXTENSIBLE}":
            return _load_extensible(path)
        raise AudioError(_bad_file(path, _wave_problem(str(error)))) from error
    except EOFError as error:
        raise AudioError(_bad_file(path, "it is not a WAV file, or it is cut short")) from error
    except OSError as error:
        problem = f"it cannot be opened ({error.strerror or error})"
        raise AudioError(_bad_file(path, problem)) from error


def _lowpass(signal: np.ndarray, ratio: float) -> np.ndarray:
    """Windowed-sinc anti-alias filter keeping frequencies below `ratio` × Nyquist."""
    taps = int(24 / ratio) | 1
    offsets = np.arange(taps) - (taps - 1) / 2
    kernel = np.sinc(0.9 * ratio * offsets) * np.blackman(taps)
    return np.convolve(signal, kernel / kernel.sum(), mode="same")


def _resample(signal: np.ndarray, source: int, target: int) -> np.ndarray:
    if source == target or signal.size == 0:
        return signal
    if target < source:
        signal = _lowpass(signal, target / source)
    positions = np.arange(max(1, round(signal.size * target / source))) * (source / target)
    resampled: np.ndarray = np.interp(positions, np.arange(signal.size), signal)
    return resampled


def _samples(path: Path) -> tuple[np.ndarray, int]:
    signal, rate = _load(path)
    if signal.size == 0:
        raise AudioError(_bad_file(path, "it contains no audio"))
    return signal, rate


def read_wav(path: str | Path, rate: int = DEFAULT_RATE) -> AudioChunk:
    """Read an integer PCM WAV file as mono audio at `rate`."""
    signal, source_rate = _samples(Path(path))
    return _to_chunk(_resample(signal, source_rate, rate), rate)


def write_wav(path: str | Path, chunk: AudioChunk) -> None:
    """Write the chunk as a 16-bit mono WAV file."""
    try:
        with open(path, "wb") as file, wave.open(file, "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(chunk.rate)
            wav.writeframes(chunk.audio)
    except OSError as error:
        problem = error.strerror or error
        raise AudioError(f"Cannot write the audio file '{path}': {problem}") from error


# --- sources ------------------------------------------------------------------


class FileSource:
    """WAV files played in order as if spoken into a microphone, faster than real time.

    Time here is audio time: the hold-off after unmute() is that much quiet, delivered
    before the files resume, however fast the blocks are read. Between files and while
    muted it delivers room tone, as a microphone in a quiet room would.
    """

    def __init__(
        self,
        paths: Sequence[Path],
        rate: int = DEFAULT_RATE,
        gap_seconds: float = 1.5,
        block_seconds: float = BLOCK_SECONDS,
    ) -> None:
        self.rate = rate
        self._paths = [Path(path) for path in paths]
        self._gap_seconds = gap_seconds
        self._block_seconds = block_seconds
        self._blocks = self._all_blocks()
        self._muted = False
        self._held_blocks = 0
        self._quiet_blocks = 0
        self._closed = False

    def validate(self) -> None:
        """Open every file now, so a bad one is reported before anything starts."""
        for path in self._paths:
            _samples(path)  # resampled only when the file is reached

    def _all_blocks(self) -> Generator[AudioChunk, None, None]:
        gap = room_tone(self._gap_seconds, self.rate)
        for path in self._paths:
            log.debug("Playing %s", path)
            yield from split(read_wav(path, self.rate), self._block_seconds)
            yield from split(gap, self._block_seconds)

    def read(self, timeout: float) -> AudioChunk | None:
        """Next block of the files; silence while muted or held off; None after the last gap."""
        if self._closed:
            self._blocks.close()  # here, not in close(): that may run on another thread mid-read
            return None
        if self._muted or self._held_blocks > 0:
            self._held_blocks = max(0, self._held_blocks - 1)
            self._quiet_blocks += 1
            return room_tone(self._block_seconds, self.rate, seed=self._quiet_blocks)
        return next(self._blocks, None)

    def mute(self) -> None:
        """Stop delivering file audio until unmuted; nothing is skipped."""
        self._muted = True

    def unmute(self, holdoff: float = 0.3) -> None:
        """Resume the files after `holdoff` seconds of silence."""
        self._held_blocks = math.ceil(round(holdoff / self._block_seconds, 6))
        self._muted = False

    def close(self) -> None:
        """Stop; read() returns None from now on."""
        self._closed = True
