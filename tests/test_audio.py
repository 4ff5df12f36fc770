"""Tests for voice.audio: chunks, tones, WAV files, sources and devices."""

from __future__ import annotations

import logging
import shutil
import struct
import subprocess
import sys
import types
import wave
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from voice.audio import (
    MAX_QUEUED_BLOCKS,
    AudioChunk,
    Device,
    FileSource,
    MicrophoneSource,
    cue,
    level,
    list_input_devices,
    list_output_devices,
    play,
    read_wav,
    room_tone,
    silence,
    split,
    tone,
    write_wav,
)
from voice.errors import AudioError, VoiceError

MAX_READS = 10_000


# --- helpers ------------------------------------------------------------------


def samples_of(chunk: AudioChunk) -> np.ndarray:
    return np.frombuffer(chunk.audio, dtype="<i2").astype(np.float64) / 32768.0


def dominant_frequency(chunk: AudioChunk) -> float:
    signal = samples_of(chunk)
    spectrum = np.abs(np.fft.rfft(signal * np.hanning(signal.size)))
    return float(np.argmax(spectrum) * chunk.rate / signal.size)


def encode(signal: np.ndarray, width: int) -> bytes:
    """Integer PCM bytes of `signal` (frames × channels, floats in -1..1)."""
    if width == 1:
        return np.round(signal * 127 + 128).astype(np.uint8).tobytes()
    if width == 3:
        values = np.round(signal * (2**23 - 1)).astype(np.int32).ravel()
        octets = values.view(np.uint8).reshape(-1, 4)[:, :3]
        return octets.tobytes()
    dtype = "<i2" if width == 2 else "<i4"
    return np.round(signal * (2 ** (8 * width - 1) - 1)).astype(dtype).tobytes()


def write_test_wav(
    path: Path, rate: int, channels: int, width: int, seconds: float = 0.5, frequency: float = 440.0
) -> Path:
    t = np.arange(round(seconds * rate)) / rate
    mono = 0.5 * np.sin(2 * np.pi * frequency * t)
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(width)
        wav.setframerate(rate)
        wav.writeframes(encode(np.repeat(mono[:, None], channels, axis=1), width))
    return path


def float_wav(path: Path) -> Path:
    data = np.zeros(1600, dtype="<f4").tobytes()
    fmt = struct.pack("<HHIIHH", 3, 1, 16000, 64000, 4, 32)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
    body += b"data" + struct.pack("<I", len(data)) + data
    path.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)
    return path


def drain(source: Any) -> list[AudioChunk]:
    blocks = []
    for _ in range(MAX_READS):
        block = source.read(timeout=1.0)
        if block is None:
            return blocks
        blocks.append(block)
    raise AssertionError("source never finished")


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


# --- chunks and tones -----------------------------------------------------------


def test_chunk_counts_samples_and_seconds() -> None:
    chunk = AudioChunk(bytes(3200), 16000)
    assert chunk.samples == 1600
    assert chunk.seconds == pytest.approx(0.1)


def test_silence_has_length_and_no_level() -> None:
    chunk = silence(0.25, 8000)
    assert (chunk.samples, chunk.rate) == (2000, 8000)
    assert level(chunk) == 0.0


@pytest.mark.parametrize("seconds", [0.05, 0.3, 1.0])
def test_tone_has_requested_length(seconds: float) -> None:
    assert tone(440.0, seconds).seconds == pytest.approx(seconds, abs=1e-4)


def test_tone_fades_in_and_out() -> None:
    signal = samples_of(tone(1000.0, 0.2, volume=0.5))
    assert abs(signal[0]) < 0.01 and abs(signal[-1]) < 0.01
    assert np.max(np.abs(signal[:8])) < 0.05 and np.max(np.abs(signal[-8:])) < 0.05
    assert np.max(np.abs(signal)) == pytest.approx(0.5, abs=0.01)


def test_tone_has_its_frequency_and_level() -> None:
    chunk = tone(440.0, 1.0, rate=16000, volume=0.4)
    assert dominant_frequency(chunk) == pytest.approx(440.0, abs=2.0)
    assert level(chunk) == pytest.approx(0.4 / np.sqrt(2), rel=0.03)


def test_cues_have_lengths_and_differ() -> None:
    listen, done, timer = cue("listen"), cue("done"), cue("timer")
    assert listen.seconds == pytest.approx(0.25, abs=0.02)
    assert done.seconds == pytest.approx(0.12, abs=0.02)  # short: the answer follows it
    assert timer.seconds == pytest.approx(0.6, abs=0.05)
    assert listen.audio != done.audio
    assert all(level(chunk) > 0.05 for chunk in (listen, done, timer))


def test_listen_rises_and_done_falls() -> None:
    def halves(chunk: AudioChunk) -> tuple[float, float]:
        first, second = list(split(chunk, chunk.seconds / 2))[:2]
        return dominant_frequency(first), dominant_frequency(second)

    low, high = halves(cue("listen"))
    assert low < high
    high, low = halves(cue("done"))
    assert high > low


def test_timer_cue_fades_to_quiet_end() -> None:
    signal = samples_of(cue("timer", 22050))
    assert abs(signal[0]) < 0.01 and abs(signal[-1]) < 0.01
    quarter = signal.size // 4
    assert np.sqrt(np.mean(signal[-quarter:] ** 2)) < np.sqrt(np.mean(signal[:quarter] ** 2))


def test_unknown_cue_is_rejected() -> None:
    with pytest.raises(ValueError, match="listen"):
        cue("beep")


def test_split_covers_the_chunk_in_blocks() -> None:
    chunk = tone(300.0, 0.35)
    blocks = list(split(chunk, 0.1))
    assert [block.samples for block in blocks] == [1600, 1600, 1600, 800]
    assert b"".join(block.audio for block in blocks) == chunk.audio


# --- WAV files ----------------------------------------------------------------


@pytest.mark.parametrize("width", [1, 2, 3, 4])
@pytest.mark.parametrize("channels", [1, 2])
@pytest.mark.parametrize("rate", [8000, 16000, 22050, 44100, 48000])
def test_read_wav_resamples_any_common_format(
    tmp_path: Path, rate: int, channels: int, width: int
) -> None:
    path = write_test_wav(tmp_path / "tone.wav", rate, channels, width, seconds=0.5)
    chunk = read_wav(path, rate=16000)
    assert chunk.rate == 16000
    assert chunk.seconds == pytest.approx(0.5, abs=0.003)
    assert dominant_frequency(chunk) == pytest.approx(440.0, abs=4.0)
    assert level(chunk) == pytest.approx(0.5 / np.sqrt(2), rel=0.05)


def test_read_wav_keeps_rate_when_asked(tmp_path: Path) -> None:
    path = write_test_wav(tmp_path / "tone.wav", 44100, 1, 2, seconds=0.2)
    chunk = read_wav(path, rate=44100)
    assert (chunk.rate, chunk.samples) == (44100, 8820)


def test_read_wav_downmixes_many_channels(tmp_path: Path) -> None:
    path = write_test_wav(tmp_path / "six.wav", 48000, 6, 2, seconds=0.3)
    chunk = read_wav(path)
    assert chunk.seconds == pytest.approx(0.3, abs=0.003)
    assert dominant_frequency(chunk) == pytest.approx(440.0, abs=5.0)


def test_resampling_filters_out_what_would_alias(tmp_path: Path) -> None:
    path = write_test_wav(tmp_path / "high.wav", 48000, 1, 2, seconds=0.5, frequency=12000.0)
    assert level(read_wav(path, rate=16000)) < 0.02


def test_read_wav_reads_espeak_output(tmp_path: Path) -> None:
    path = tmp_path / "hello.wav"
    subprocess.run(["espeak-ng", "-w", str(path), "hello"], check=True, timeout=20)
    with wave.open(str(path), "rb") as wav:
        original_seconds = wav.getnframes() / wav.getframerate()
    chunk = read_wav(path)
    assert chunk.rate == 16000
    assert chunk.seconds == pytest.approx(original_seconds, abs=0.003)
    assert level(chunk) > 0.01


@pytest.mark.skipif(shutil.which("sox") is None, reason="sox is not installed")
def test_read_wav_reads_sox_24_bit_extensible(tmp_path: Path) -> None:
    path = tmp_path / "sox24.wav"
    command = ["sox", "-n", "-r", "44100", "-c", "2", "-b", "24", str(path)]
    command += ["synth", "0.4", "sine", "440"]
    subprocess.run(command, check=True, timeout=20)
    chunk = read_wav(path)
    assert chunk.seconds == pytest.approx(0.4, abs=0.003)
    assert dominant_frequency(chunk) == pytest.approx(440.0, abs=5.0)


def test_write_then_read_round_trip(tmp_path: Path) -> None:
    chunk = tone(523.0, 0.3)
    write_wav(tmp_path / "out.wav", chunk)
    assert read_wav(tmp_path / "out.wav") == chunk


def test_write_to_missing_folder_is_audio_error(tmp_path: Path) -> None:
    with pytest.raises(AudioError, match="nowhere"):
        write_wav(tmp_path / "nowhere" / "out.wav", tone(440.0, 0.1))


def _text_file(path: Path) -> Path:
    path.write_text("this is not audio\n" * 10)
    return path


def _empty_file(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def _header_only(path: Path) -> Path:
    write_wav(path, AudioChunk(b"", 16000))
    return path


def _nine_channels(path: Path) -> Path:
    return write_test_wav(path, 16000, 9, 2, seconds=0.1)


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (_text_file, "not a WAV file"),
        (_empty_file, "empty"),
        (float_wav, "floating-point"),
        (_header_only, "no audio"),
        (_nine_channels, "9 channels"),
        (lambda path: path, "does not exist"),
        (lambda path: path.mkdir() or path, "cannot be opened"),
    ],
    ids=["text", "empty", "float32", "no-frames", "nine-channels", "missing", "folder"],
)
def test_bad_files_name_the_file_and_the_fix(tmp_path: Path, make: Any, problem: str) -> None:
    path = make(tmp_path / "recording.wav")
    with pytest.raises(AudioError) as caught:
        read_wav(path)
    message = str(caught.value)
    assert "recording.wav" in message
    assert problem in message
    assert "16-bit PCM WAV" in message and "sox " in message


def test_audio_error_is_a_voice_error(tmp_path: Path) -> None:
    with pytest.raises(VoiceError):
        read_wav(tmp_path / "missing.wav")


# --- FileSource ---------------------------------------------------------------


@pytest.fixture()
def two_files(tmp_path: Path) -> list[Path]:
    first = write_test_wav(tmp_path / "one.wav", 22050, 1, 2, seconds=0.35, frequency=440.0)
    second = write_test_wav(tmp_path / "two.wav", 44100, 2, 2, seconds=0.2, frequency=660.0)
    return [first, second]


def test_file_source_plays_files_in_order_with_gaps(two_files: list[Path]) -> None:
    source = FileSource(two_files, gap_seconds=0.5, block_seconds=0.1)
    blocks = drain(source)
    gap = room_tone(0.5)
    expected = read_wav(two_files[0]).audio + gap.audio + read_wav(two_files[1]).audio + gap.audio
    assert b"".join(block.audio for block in blocks) == expected
    assert 0 < level(gap) < 0.002  # a quiet room, not digital zeros
    assert all(block.rate == 16000 and block.samples <= 1600 for block in blocks)
    assert source.read(timeout=1.0) is None


def test_file_source_mute_pauses_without_losing_audio(two_files: list[Path]) -> None:
    source = FileSource(two_files, gap_seconds=0.2, block_seconds=0.1)
    delivered = [source.read(timeout=1.0), source.read(timeout=1.0)]
    source.mute()
    muted = [source.read(timeout=1.0) for _ in range(5)]
    assert all(block is not None and block.samples == 1600 and level(block) < 0.002 for block in muted)
    source.unmute(holdoff=0.3)
    held = [source.read(timeout=1.0) for _ in range(3)]  # the hold-off is audio time: 3 blocks
    assert all(block is not None and level(block) < 0.002 for block in held)
    delivered += drain(source)
    expected = drain(FileSource(two_files, gap_seconds=0.2, block_seconds=0.1))
    assert b"".join(b.audio for b in delivered if b) == b"".join(b.audio for b in expected)


def test_file_source_reads_each_file_when_reached(tmp_path: Path) -> None:
    good = write_test_wav(tmp_path / "good.wav", 16000, 1, 2, seconds=0.2)
    bad = _text_file(tmp_path / "broken.wav")
    source = FileSource([good, bad], gap_seconds=0.1, block_seconds=0.1)
    assert [source.read(timeout=1.0) is not None for _ in range(3)] == [True, True, True]
    with pytest.raises(AudioError, match="broken.wav"):
        drain(source)


def test_file_source_validate_fails_early(tmp_path: Path) -> None:
    good = write_test_wav(tmp_path / "good.wav", 16000, 1, 2, seconds=0.1)
    FileSource([good]).validate()
    with pytest.raises(AudioError, match="absent.wav"):
        FileSource([good, tmp_path / "absent.wav"]).validate()


def test_file_source_close_finishes_it(two_files: list[Path]) -> None:
    source = FileSource(two_files)
    assert source.read(timeout=1.0) is not None
    source.close()
    assert source.read(timeout=1.0) is None


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
    with caplog.at_level(logging.WARNING, logger="voice.audio"):
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
