"""Sound devices through sounddevice: listing them, the microphone, and playing sound."""

from __future__ import annotations

import contextlib
import logging
import math
import queue
import threading
import time
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Callable, Final, Sequence

import numpy as np

from voice.audio import BLOCK_SECONDS, AudioChunk, _frames, room_tone
from voice.errors import AudioError

log = logging.getLogger(__name__)

MAX_QUEUED_BLOCKS: Final = 200
"""Microphone blocks kept before the oldest is dropped."""
PORTAUDIO_FIX: Final = "Install it: sudo apt install libportaudio2"
DEVICES_HINT: Final = "run `acupressure devices` to see them"
WITHOUT_A_MICROPHONE: Final = ("Without one, `acupressure listen --input question.wav` hears a sound file and "
                               '`acupressure ask "my left elbow hurts"` answers typed questions.')
"""What works while there is no microphone (as the README says)."""

Clock = Callable[[], float]


@dataclass(frozen=True)
class Device:
    """An audio input or output device as PortAudio reports it."""

    index: int
    """PortAudio device number."""
    name: str
    """Name shown to the user and matched by substring."""
    channels: int
    """Input channels for an input device, output channels for an output device."""
    default_rate: int
    """The device's own sample rate."""
    is_default: bool
    """True for the system's default device of its kind."""


def _sounddevice() -> ModuleType:
    """Import sounddevice only when a device is needed."""
    try:
        import sounddevice
    except OSError as error:
        raise AudioError(f"The PortAudio sound library is missing. {PORTAUDIO_FIX}") from error
    except ImportError as error:
        message = "The sounddevice package is missing. Install it: pip install sounddevice"
        raise AudioError(message) from error
    module: ModuleType = sounddevice  # untyped library: its functions are typed where they are used
    return module


def _default_index(sd: ModuleType, kind: str) -> int:
    try:
        return int(sd.default.device[0 if kind == "input" else 1])
    except (TypeError, ValueError, IndexError, sd.PortAudioError):
        return -1


def _device(position: int, info: Any, kind: str, default: int) -> Device:
    index = int(info.get("index", position))
    return Device(
        index=index,
        name=str(info["name"]),
        channels=int(info[f"max_{kind}_channels"]),
        default_rate=int(info["default_samplerate"]),
        is_default=index == default,
    )


def _list_devices(kind: str) -> list[Device]:
    sd = _sounddevice()
    try:
        found = list(sd.query_devices())
    except sd.PortAudioError as error:
        raise AudioError(f"Cannot list audio devices ({error}). {PORTAUDIO_FIX}") from error
    default = _default_index(sd, kind)
    devices = [_device(position, info, kind, default) for position, info in enumerate(found)]
    return [device for device in devices if device.channels > 0]


def list_input_devices() -> list[Device]:
    """Microphones and other inputs; empty when there are none."""
    return _list_devices("input")


def list_output_devices() -> list[Device]:
    """Speakers, headphones and other outputs; empty when there are none."""
    return _list_devices("output")


def _listing(devices: Sequence[Device]) -> str:
    return "; ".join(f"{device.index}: {device.name}" for device in devices)


def _by_index(inputs: Sequence[Device], index: int) -> Device:
    for device in inputs:
        if device.index == index:
            return device
    raise AudioError(
        f"There is no microphone number {index}. Input devices: {_listing(inputs)} "
        f"({DEVICES_HINT})."
    )


def _by_name(inputs: Sequence[Device], wanted: str) -> Device:
    key = wanted.strip().lower()
    matches = [device for device in inputs if key in device.name.lower()]
    exact = [device for device in matches if device.name.lower() == key]
    if len(exact) == 1 or len(matches) == 1:
        return (exact or matches)[0]
    if matches:
        raise AudioError(
            f"The microphone name '{wanted}' matches several inputs: {_listing(matches)}. "
            "Give more of the name, or the number."
        )
    raise AudioError(
        f"No microphone matches '{wanted}'. Input devices: {_listing(inputs)} ({DEVICES_HINT})."
    )


def _find_input(inputs: Sequence[Device], wanted: str | int | None) -> Device:
    if not inputs:
        raise AudioError("No microphone found.",
                         f"Plug in a microphone, then run `acupressure devices`. {WITHOUT_A_MICROPHONE}")
    if wanted is None:
        return next((device for device in inputs if device.is_default), inputs[0])
    if isinstance(wanted, int) or wanted.strip().isdigit():
        return _by_index(inputs, int(wanted))
    return _by_name(inputs, wanted)


def _input_rate(sd: ModuleType, device: Device, rate: int | None) -> int:
    if rate is None:
        return device.default_rate
    try:
        sd.check_input_settings(device=device.index, channels=1, dtype="int16", samplerate=rate)
    except (sd.PortAudioError, ValueError):
        log.info("%s cannot record at %d Hz; using %d Hz", device.name, rate, device.default_rate)
        return device.default_rate
    return rate


def _open_input(
    sd: ModuleType, device: Device, rate: int, frames: int, callback: Callable[..., None]
) -> Any:
    try:
        stream = sd.RawInputStream(
            device=device.index,
            samplerate=rate,
            channels=1,
            dtype="int16",
            blocksize=frames,
            callback=callback,
        )
        stream.start()
    except (sd.PortAudioError, ValueError) as error:
        raise AudioError(
            f"Cannot open the microphone '{device.name}' ({error}). Plug it in again, "
            "or choose another one; run `acupressure devices` to see the inputs."
        ) from error
    return stream


class MicrophoneSource:
    """A live microphone delivering 16-bit mono blocks; room tone while muted."""

    live = True
    """It runs in real time: it can be listened to while the assistant speaks."""

    def __init__(
        self,
        device: str | int | None = None,
        rate: int | None = None,
        block_seconds: float = BLOCK_SECONDS,
        clock: Clock = time.monotonic,
    ) -> None:
        sd = _sounddevice()
        self._sd = sd
        self._device = _find_input(list_input_devices(), device)
        self.rate = _input_rate(sd, self._device, rate)
        self._clock = clock
        self._queue: queue.Queue[bytes] = queue.Queue(maxsize=MAX_QUEUED_BLOCKS)
        self._lock = threading.Lock()
        self._muted = False
        self._resume_at = -math.inf
        self._overflowed = False
        self._room_tone = b""
        self._closed = False
        frames = max(1, _frames(block_seconds, self.rate))
        self._stream = _open_input(sd, self._device, self.rate, frames, self._callback)
        log.info("Listening on %s at %d Hz", self._device.name, self.rate)

    @property
    def device_name(self) -> str:
        """Name of the microphone in use."""
        return self._device.name

    def _dropping(self) -> bool:
        return self._muted or self._clock() < self._resume_at

    def _callback(self, indata: Any, frames: int, time_info: Any, status: Any) -> None:
        if status:
            log.debug("Microphone status: %s", status)
        with self._lock:
            data = bytes(indata)
            if self._dropping():  # room tone, not zeros: see room_tone()
                data = self._quiet(len(data))
            self._put(data)

    def _quiet(self, size: int) -> bytes:
        """Room tone of `size` bytes, made once: the callback runs on PortAudio's thread."""
        if len(self._room_tone) != size:
            self._room_tone = room_tone(size / 2 / self.rate, self.rate).audio
        return self._room_tone

    def _put(self, data: bytes) -> None:
        try:
            self._queue.put_nowait(data)
            return
        except queue.Full:
            pass
        with contextlib.suppress(queue.Empty):
            self._queue.get_nowait()
        if not self._overflowed:
            self._overflowed = True
            log.warning("Audio is arriving faster than it is used; dropping the oldest blocks")
        with contextlib.suppress(queue.Full):
            self._queue.put_nowait(data)

    def _drain(self) -> None:
        with contextlib.suppress(queue.Empty):
            while True:
                self._queue.get_nowait()

    def read(self, timeout: float) -> AudioChunk | None:
        """Next captured block; None after close(), at once even when close() comes while
        this waits."""
        if self._closed:
            return None
        try:
            data = self._queue.get(timeout=timeout)
        except queue.Empty:
            raise AudioError(
                f"The microphone '{self.device_name}' stopped delivering audio (unplugged?). "
                "Check it, then run `acupressure devices`."
            ) from None
        return None if self._closed else AudioChunk(data, self.rate)

    def _wake_reader(self) -> None:
        with self._lock:
            self._drain()
            with contextlib.suppress(queue.Full):
                self._queue.put_nowait(b"")

    def mute(self) -> None:
        """Drop everything captured from now on, and what is waiting to be read."""
        with self._lock:
            self._muted = True
            self._drain()

    def unmute(self, holdoff: float = 0.3) -> None:
        """Deliver audio again once `holdoff` seconds have passed."""
        with self._lock:
            self._resume_at = self._clock() + holdoff
            self._muted = False

    def close(self) -> None:
        """Stop recording and release the device."""
        if self._closed:
            return
        self._closed = True
        self._wake_reader()
        try:
            self._stream.stop()
            self._stream.close()
        except (self._sd.PortAudioError, ValueError) as error:
            log.debug("Closing the microphone failed: %s", error)


NO_SPEAKER: Final = "No speaker or headphones found"


class Player:
    """Plays sound on an output device; stop() cuts it off at once, from any thread."""

    def __init__(self, device: str | int | None = None) -> None:
        self._device = device

    def start(self, chunk: AudioChunk) -> None:
        """Start playing the chunk and return at once."""
        sd = _sounddevice()
        if not list_output_devices():
            raise AudioError(f"{NO_SPEAKER}. Plug them in, then run `acupressure devices`.")
        if not chunk.audio:
            return
        try:
            sd.play(np.frombuffer(chunk.audio, dtype="<i2"), chunk.rate, device=self._device)
        except (sd.PortAudioError, ValueError) as error:
            raise AudioError(_cannot_play(error)) from error

    def wait(self) -> None:
        """Until the sound has finished or stop() was called."""
        sd = _sounddevice()
        try:
            sd.wait()
        except (sd.PortAudioError, ValueError) as error:
            raise AudioError(_cannot_play(error)) from error

    def stop(self) -> None:
        """Silence the sound being played, if any."""
        sd = _sounddevice()
        try:
            sd.stop()
        except (sd.PortAudioError, ValueError) as error:
            log.debug("Stopping playback failed: %s", error)


def _cannot_play(error: Exception) -> str:
    return f"Cannot play sound ({error}). Check the speaker, then run `acupressure devices`."


def play(chunk: AudioChunk, device: str | int | None = None) -> None:
    """Play the chunk on an output device and wait until it has finished."""
    player = Player(device)
    player.start(chunk)
    player.wait()
