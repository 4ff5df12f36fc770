"""Tests for voice.devices: device lists, the microphone and play(), with a fake sounddevice."""

from __future__ import annotations

import logging
import time
import sys
import types
from typing import Any

import pytest

from voice.audio import AudioChunk, level, silence, tone
from voice.devices import (
    MAX_QUEUED_BLOCKS,
    Device,
    MicrophoneSource,
    list_input_devices,
    list_output_devices,
    play,
)
from voice.errors import AudioError

# --- helpers ------------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


# --- devices on this machine -----------------------------------------------------


def test_device_lists_do_not_raise() -> None:
    for devices in (list_input_devices(), list_output_devices()):
        assert isinstance(devices, list)
        assert all(isinstance(device, Device) and device.channels > 0 for device in devices)


@pytest.mark.parametrize("device", [None, "usb", 3])
def test_microphone_without_hardware_is_a_helpful_error(device: str | int | None) -> None:
    if list_input_devices():
        pytest.skip("this machine has a microphone")
    with pytest.raises(AudioError, match="acupressure devices") as caught:
        MicrophoneSource(device)
    assert "microphone" in str(caught.value).lower()


def test_play_without_speaker_is_a_helpful_error() -> None:
    if list_output_devices():
        pytest.skip("this machine has a speaker")
    with pytest.raises(AudioError, match="acupressure devices"):
        play(tone(440.0, 0.05))


class _NoPortAudio:
    """An import hook behaving like sounddevice when libportaudio2 is missing."""

    def find_spec(self, name: str, path: Any, target: Any = None) -> None:
        if name == "sounddevice":
            raise OSError("PortAudio library not found")


def test_missing_portaudio_is_a_helpful_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "sounddevice", raising=False)
    monkeypatch.setattr(sys, "meta_path", [_NoPortAudio(), *sys.meta_path])
    for attempt in (list_input_devices, list_output_devices, MicrophoneSource):
        with pytest.raises(AudioError, match="sudo apt install libportaudio2"):
            attempt()


# --- MicrophoneSource against a fake sounddevice ----------------------------------


class FakePortAudioError(Exception):
    pass


class FakeStream:
    def __init__(self, **settings: Any) -> None:
        self.settings = settings
        self.closed = False

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True

    def feed(self, data: bytes) -> None:
        self.settings["callback"](data, len(data) // 2, None, None)


def fake_device(
    name: str, inputs: int = 1, outputs: int = 0, rate: float = 48000.0
) -> dict[str, Any]:
    return {
        "name": name,
        "max_input_channels": inputs,
        "max_output_channels": outputs,
        "default_samplerate": rate,
    }


class FakeSoundDevice(types.ModuleType):
    PortAudioError = FakePortAudioError

    def __init__(self, devices: list[dict[str, Any]], default_input: int, rates: tuple[int, ...]):
        super().__init__("sounddevice")
        self.devices = [dict(info, index=index) for index, info in enumerate(devices)]
        self.default = types.SimpleNamespace(device=[default_input, -1])
        self.rates = rates
        self.streams: list[FakeStream] = []
        self.fail_open = False

    def query_devices(self) -> list[dict[str, Any]]:
        return self.devices

    def check_input_settings(self, samplerate: int, **settings: Any) -> None:
        if samplerate not in self.rates:
            raise FakePortAudioError("Invalid sample rate")

    def RawInputStream(self, **settings: Any) -> FakeStream:  # noqa: N802 - sounddevice's name
        if self.fail_open:
            raise FakePortAudioError("Device unavailable")
        self.streams.append(FakeStream(**settings))
        return self.streams[-1]


@pytest.fixture()
def fake_sd(monkeypatch: pytest.MonkeyPatch) -> FakeSoundDevice:
    devices = [
        fake_device("HDA Intel PCH: ALC892 Analog", inputs=2, outputs=2, rate=44100.0),
        fake_device("HDMI output", inputs=0, outputs=8),
        fake_device("USB Audio Mic", rate=48000.0),
        fake_device("Webcam Mic", rate=16000.0),
    ]
    fake = FakeSoundDevice(devices, default_input=0, rates=(16000, 48000))
    monkeypatch.setitem(sys.modules, "sounddevice", fake)
    return fake


def test_fake_lists_inputs_and_outputs(fake_sd: FakeSoundDevice) -> None:
    inputs = list_input_devices()
    assert [(d.index, d.name, d.is_default) for d in inputs] == [
        (0, "HDA Intel PCH: ALC892 Analog", True),
        (2, "USB Audio Mic", False),
        (3, "Webcam Mic", False),
    ]
    outputs = [d.name for d in list_output_devices()]
    assert outputs == ["HDA Intel PCH: ALC892 Analog", "HDMI output"]


@pytest.mark.parametrize(
    ("wanted", "name"),
    [(None, "HDA Intel PCH: ALC892 Analog"), ("usb", "USB Audio Mic"), ("WEBCAM", "Webcam Mic"),
     (2, "USB Audio Mic"), ("3", "Webcam Mic")],
)
def test_microphone_picks_device(
    fake_sd: FakeSoundDevice, wanted: str | int | None, name: str
) -> None:
    source = MicrophoneSource(wanted, rate=16000)
    assert source.device_name == name
    assert fake_sd.streams[-1].settings["channels"] == 1
    assert fake_sd.streams[-1].settings["dtype"] == "int16"
    source.close()


def test_microphone_name_matching_several_lists_them(fake_sd: FakeSoundDevice) -> None:
    with pytest.raises(AudioError, match="several") as caught:
        MicrophoneSource("mic")
    assert "2: USB Audio Mic" in str(caught.value) and "3: Webcam Mic" in str(caught.value)


@pytest.mark.parametrize("wanted", ["bluetooth", 1, "7"])
def test_unknown_microphone_lists_available_inputs(
    fake_sd: FakeSoundDevice, wanted: str | int
) -> None:
    with pytest.raises(AudioError) as caught:
        MicrophoneSource(wanted)
    message = str(caught.value)
    assert "0: HDA Intel PCH: ALC892 Analog" in message and "2: USB Audio Mic" in message
    assert "HDMI" not in message and "acupressure devices" in message


def test_microphone_rate_falls_back_to_device_default(fake_sd: FakeSoundDevice) -> None:
    assert MicrophoneSource("usb", rate=16000).rate == 16000
    assert MicrophoneSource("HDA", rate=22050).rate == 44100
    assert MicrophoneSource("usb").rate == 48000
    assert fake_sd.streams[-1].settings["samplerate"] == 48000


def test_microphone_open_failure_is_audio_error(fake_sd: FakeSoundDevice) -> None:
    fake_sd.fail_open = True
    with pytest.raises(AudioError, match="USB Audio Mic"):
        MicrophoneSource("usb")


def test_microphone_delivers_blocks_and_mutes(fake_sd: FakeSoundDevice) -> None:
    clock = FakeClock()
    source = MicrophoneSource("usb", rate=16000, clock=clock)
    stream = fake_sd.streams[-1]
    speech = tone(440.0, 0.1).audio
    stream.feed(speech)
    assert source.read(timeout=0.5) == AudioChunk(speech, 16000)
    stream.feed(speech)
    source.mute()
    stream.feed(speech)
    muted = source.read(timeout=0.5)
    assert muted is not None and muted.samples == 1600 and level(muted) < 0.002  # room tone
    source.unmute(holdoff=0.3)
    clock.now += 0.29
    stream.feed(speech)
    assert level(source.read(timeout=0.5) or silence(0)) < 0.002
    clock.now += 0.02
    stream.feed(speech)
    assert source.read(timeout=0.5) == AudioChunk(speech, 16000)


def test_microphone_overflow_drops_oldest_and_logs_once(
    fake_sd: FakeSoundDevice, caplog: pytest.LogCaptureFixture
) -> None:
    source = MicrophoneSource("usb", rate=16000)
    stream = fake_sd.streams[-1]
    with caplog.at_level(logging.WARNING, logger="voice.devices"):
        for number in range(MAX_QUEUED_BLOCKS + 30):
            stream.feed(number.to_bytes(2, "little") * 4)
    assert len([r for r in caplog.records if "dropping" in r.getMessage()]) == 1
    first = source.read(timeout=0.5)
    assert first is not None and first.audio == (30).to_bytes(2, "little") * 4


def test_microphone_that_stops_is_audio_error(fake_sd: FakeSoundDevice) -> None:
    source = MicrophoneSource("webcam")
    with pytest.raises(AudioError, match="'Webcam Mic' stopped delivering audio"):
        source.read(timeout=0.02)


def test_microphone_close_releases_stream(fake_sd: FakeSoundDevice) -> None:
    source = MicrophoneSource()
    source.close()
    source.close()
    assert fake_sd.streams[-1].closed
    assert source.read(timeout=0.01) is None


def test_closing_the_microphone_wakes_a_waiting_read_at_once(fake_sd: FakeSoundDevice) -> None:
    import threading

    microphone = MicrophoneSource("USB", rate=16000)
    got: list[AudioChunk | None] = []
    reader = threading.Thread(target=lambda: got.append(microphone.read(timeout=3.0)), daemon=True)
    reader.start()
    time.sleep(0.1)
    started = time.monotonic()
    microphone.close()
    reader.join(2.0)
    assert not reader.is_alive() and got == [None]
    assert time.monotonic() - started < 0.5  # not the 3 s read timeout
