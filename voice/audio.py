"""Audio as data: the chunks every part agrees on, WAV files, tones, and file input."""

from __future__ import annotations

import logging
import math
import os
import shlex
import sys
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Final, Generator, Iterator, Protocol, Sequence

import numpy as np
import soundfile as sf
import soxr

from voice import files
from voice.errors import AudioError

log = logging.getLogger(__name__)

DEFAULT_RATE: Final = 16000
"""Frames per second used throughout unless a device needs another rate."""
ROOM_TONE_LEVEL: Final = 0.001
"""Standard deviation of the noise between input files (about -60 dBFS), full scale 1."""
BLOCK_SECONDS: Final = 0.05
"""Audio is handed on in blocks this long: short enough that the end of speech is noticed
within a block's length."""
FADE_SECONDS: Final = 0.01
"""Length of the fade in and out of every tone, so it does not click."""

_FULL_SCALE: Final = 32768.0
"""16-bit samples are floats times this, so that reading and writing them is exact."""
_SF_UNRECOGNISED: Final = 1
_SF_MALFORMED: Final = 3


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
    pcm = np.clip(np.round(signal * _FULL_SCALE), -_FULL_SCALE, _FULL_SCALE - 1).astype("<i2")
    return AudioChunk(pcm.tobytes(), rate)


def _to_signal(chunk: AudioChunk) -> np.ndarray:
    return np.frombuffer(chunk.audio, dtype="<i2").astype(np.float64) / _FULL_SCALE


def join(chunks: Sequence[AudioChunk], rate: int) -> AudioChunk:
    """The chunks one after another (all at `rate`)."""
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
    partials = np.sum(
        [weight * np.sin(2 * np.pi * frequency * ratio * t) * np.exp(-t * decay)
         for ratio, weight, decay in ((1.0, 1.0, 4.0), (2.76, 0.35, 7.0), (5.4, 0.15, 11.0))],
        axis=0,
    )
    return _to_chunk(_fade(volume * partials / 1.5, rate), rate)


def cue(kind: str, rate: int = DEFAULT_RATE) -> AudioChunk:
    """A short sound: "listen" (rising), "done" (falling) or "timer" (soft bell)."""
    if kind == "listen":
        return join([tone(660.0, 0.12, rate, 0.25), tone(880.0, 0.13, rate, 0.25)], rate)
    if kind == "done":  # short: the answer follows it
        return join([tone(880.0, 0.06, rate, 0.25), tone(660.0, 0.06, rate, 0.25)], rate)
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


# --- sound files ---------------------------------------------------------------

STDIN: Final = "-"
"""The input name that means standard input."""
STREAM_FIX: Final = (
    "A pipe must carry WAV (as arecord writes by default) or OGG: raw PCM has no header to say "
    "its rate, and FLAC and MP3 must come as files."
)
"""What a pipe can carry: libsndfile reads WAV and OGG from a pipe, not FLAC or MP3."""


def _name(path: Path) -> str:
    return "standard input" if str(path) == STDIN else shlex.quote(str(path))


def _unreadable(path: Path, problem: str, fix: str | None = None) -> AudioError:
    return AudioError(f"Cannot read the audio file {_name(path)}: {problem}.", fix)


def _is_stream(path: Path) -> bool:
    """Standard input, a named pipe, `<(...)` or a device: read once, front to back."""
    return str(path) == STDIN or not path.is_file()


def _library_problem(error: sf.LibsndfileError, stream: bool = False) -> str:
    if stream and "flac" in error.error_string.lower():  # libsndfile's FLAC decoder must seek
        return "it is FLAC, which cannot be read from a pipe"
    if error.code == _SF_UNRECOGNISED:
        return "it is not a sound file soundfile can read (WAV, FLAC, OGG, MP3 and more work)"
    if error.code == _SF_MALFORMED:
        return "it is malformed or cut short"
    return f"it is damaged or cut short ({error.error_string.rstrip('.')})"


def _check_path(path: Path) -> None:
    if str(path) == STDIN:
        if sys.stdin is None:  # and descriptor 0 may now be any file the program opened since
            raise _unreadable(path, "it is closed",
                              "Pipe sound in, e.g. arecord -f S16_LE -r 16000 | acupressure listen --input -")
        if os.isatty(0):
            raise _unreadable(path, "it is the terminal, not a sound stream",
                              "Pipe one in, e.g. arecord -f S16_LE -r 16000 | acupressure listen --input -")
        return
    if not path.exists():
        raise _missing(path)
    if path.is_dir():
        raise _unreadable(path, "it is a folder, not a sound file", "Name a sound file in it instead.")
    if path.is_file():
        _check_file(path)


def _missing(path: Path) -> AudioError:
    if path.is_symlink():
        return _unreadable(path, f"it is a link to {shlex.quote(os.readlink(path))}, which does not exist",
                           "Point the link at a sound file, or name the sound file itself.")
    return _unreadable(path, "not found", "Check the name and the folder it is in.")


def _check_file(path: Path) -> None:
    """Opened here, not only by libsndfile, which says "System error" for every reason it cannot open a file."""
    try:
        with open(path, "rb"):
            pass
    except PermissionError as error:
        raise _unreadable(path, "permission denied (your user may not read it)",
                          f"Let it be read (chmod a+r {_name(path)}) or run as a user who may read it.") from error
    except OSError as error:
        raise _unreadable(path, str(error.strerror or error).lower()) from error
    if path.stat().st_size == 0:
        raise _unreadable(path, "the file is empty")


def open_sound(path: str | Path) -> sf.SoundFile:
    """Open a sound file or stream for reading; one clear AudioError when it cannot be read."""
    path = Path(path)
    _check_path(path)
    stream = _is_stream(path)
    try:
        sound = _open_stream(path) if stream else sf.SoundFile(str(path))
    except sf.LibsndfileError as error:
        fix = STREAM_FIX if stream else None
        raise _unreadable(path, _library_problem(error, stream), fix) from error
    except OSError as error:
        raise _unreadable(path, str(error.strerror or error).lower()) from error
    if not stream and sound.frames == 0:
        sound.close()
        raise _unreadable(path, "it contains no audio")
    return sound


def _open_stream(path: Path) -> sf.SoundFile:
    """Standard input, or a pipe opened here: opening a named pipe waits for a program to write
    into it, and that wait is said (voice.files) and can be stopped with Ctrl-C."""
    if str(path) == STDIN:
        return sf.SoundFile(0, closefd=False)
    with files.said_while_waiting(path):
        descriptor = os.open(path, os.O_RDONLY)
    return sf.SoundFile(descriptor, closefd=True)  # libsndfile closes it when it fails, too


def _mono_blocks(sound: sf.SoundFile, path: Path, frames: int) -> Iterator[np.ndarray]:
    """The sound's frames in blocks, channels mixed down: memory does not grow with length."""
    # soundfile seeks to where it already is after each read of a seekable file, and every
    # seek makes libsndfile's MP3 decoder drop audio; reading only forward, we need no seeks.
    sound._info.seekable = False
    mix = np.full(sound.channels, 1 / sound.channels, dtype=np.float32)
    while True:
        try:
            block = sound.read(frames, dtype="float32", always_2d=True)
        except sf.LibsndfileError as error:
            raise _unreadable(path, _library_problem(error, _is_stream(path))) from error
        if not len(block):
            return
        yield block[:, 0] if sound.channels == 1 else block @ mix


def _resampled(blocks: Iterator[np.ndarray], source: int, target: int) -> Iterator[np.ndarray]:
    if source == target:
        yield from blocks
        return
    resampler = soxr.ResampleStream(source, target, 1, dtype="float32")
    for block in blocks:
        yield resampler.resample_chunk(block)
    yield resampler.resample_chunk(np.zeros(0, dtype=np.float32), last=True)


def _rechunked(blocks: Iterator[np.ndarray], rate: int, block_seconds: float) -> Iterator[AudioChunk]:
    step = 2 * max(1, _frames(block_seconds, rate))
    pending = b""
    for block in blocks:
        pending += _to_chunk(block, rate).audio
        while len(pending) >= step:
            yield AudioChunk(pending[:step], rate)
            pending = pending[step:]
    if pending:
        yield AudioChunk(pending, rate)


def sound_blocks(
    sound: sf.SoundFile, path: Path, rate: int = DEFAULT_RATE, block_seconds: float = BLOCK_SECONDS
) -> Iterator[AudioChunk]:
    """An open sound as mono blocks of `block_seconds` at `rate`, read and resampled as it goes."""
    frames = max(1, _frames(block_seconds, sound.samplerate))
    signal = _resampled(_mono_blocks(sound, path, frames), sound.samplerate, rate)
    yield from _rechunked(signal, rate, block_seconds)


def read_wav(path: str | Path, rate: int = DEFAULT_RATE) -> AudioChunk:
    """Read a whole sound file (WAV, FLAC, OGG, MP3...) as mono audio at `rate`."""
    with open_sound(path) as sound:
        chunk = join(list(sound_blocks(sound, Path(path), rate)), rate)
    if not chunk.samples:
        raise _unreadable(Path(path), "it contains no audio")
    return chunk


def write_wav(path: str | Path, chunk: AudioChunk) -> None:
    """Write the chunk as a 16-bit mono WAV file."""
    try:
        with open(path, "wb") as file:
            write_wav_into(file, chunk)
    except OSError as error:
        problem = error.strerror or error
        raise AudioError(f"Cannot write the audio file '{path}': {problem}") from error


def write_wav_into(file: BinaryIO, chunk: AudioChunk) -> None:
    """Write the chunk as a 16-bit mono WAV into an open file; OSError when it cannot be written."""
    with wave.open(file, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(chunk.rate)
        wav.writeframes(chunk.audio)


# --- sources ------------------------------------------------------------------


class FileSource:
    """Sound files and streams played in order as if spoken into a microphone, faster than real time.

    Each is read block by block when it is reached, so memory does not grow with its length.
    Time here is audio time: the hold-off after unmute() is that much quiet, delivered
    before the files resume, however fast the blocks are read. Between files and while
    muted it delivers room tone, as a microphone in a quiet room would.
    """

    def __init__(
        self,
        paths: Sequence[str | Path],
        rate: int = DEFAULT_RATE,
        gap_seconds: float = 1.5,
        block_seconds: float = BLOCK_SECONDS,
    ) -> None:
        self.rate = rate
        self._paths = [Path(path) for path in paths]
        self._gap_seconds = gap_seconds
        self._block_seconds = block_seconds
        self._kept: dict[int, sf.SoundFile] = {}
        """Streams opened by validate(), by position: a pipe can be read only once."""
        self._blocks = self._all_blocks()
        self._muted = False
        self._held_blocks = 0
        self._quiet_blocks = 0
        self._closed = False

    def validate(self) -> None:
        """Read every input's header now, so a bad one is reported before anything starts.

        Files are closed again and reopened when reached; streams stay open for playing.
        """
        streams = [path for path in self._paths if _is_stream(path)]
        for path in streams:
            if streams.count(path) > 1:
                raise _unreadable(path, "it is given more than once, and a pipe can be read only once",
                                  "Give it once.")
        for index, path in enumerate(self._paths):
            if index not in self._kept:
                sound = open_sound(path)
                if _is_stream(path):
                    self._kept[index] = sound
                else:
                    sound.close()

    def _open(self, index: int) -> sf.SoundFile:
        kept = self._kept.pop(index, None)
        return open_sound(self._paths[index]) if kept is None else kept

    def _all_blocks(self) -> Generator[AudioChunk, None, None]:
        gap = room_tone(self._gap_seconds, self.rate)
        for index, path in enumerate(self._paths):
            log.debug("Playing %s", path)
            with self._open(index) as sound:
                yield from sound_blocks(sound, path, self.rate, self._block_seconds)
            yield from split(gap, self._block_seconds)

    def read(self, timeout: float) -> AudioChunk | None:
        """Next block of the files; silence while muted or held off; None after the last gap."""
        if self._closed:
            self._blocks.close()  # here, not in close(): that may run on another thread mid-read
            for sound in self._kept.values():
                sound.close()
            self._kept.clear()
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
