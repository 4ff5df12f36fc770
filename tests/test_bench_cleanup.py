"""The clean-up bench/room.py measures (bench/cleanup.py): a fan's hum is brought down, speech above is kept."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from cleanup import HighPass, HumFloor  # noqa: E402

RATE = 16000
LAG = 256
"""Half of a 32 ms frame at 16 kHz: how late the hum filter's audio comes out."""


def hum(seconds: float, rate: int = RATE) -> np.ndarray:
    """A fan: 100 Hz and its first harmonics, over a faint hiss."""
    t = np.arange(int(seconds * rate)) / rate
    tones = sum(np.sin(2 * np.pi * 100 * k * t + k) / k for k in (1, 2, 3))
    return 0.1 * tones / np.abs(tones).max() + np.random.default_rng(1).normal(0, 0.001, t.size)


def hiss(seconds: float, seed: int) -> np.ndarray:
    """Broadband noise, like the hiss of speech."""
    return np.random.default_rng(seed).normal(0, 0.05, int(seconds * RATE))


def stream(signal: np.ndarray, block: int = 800, rate: int = RATE, **settings: float) -> np.ndarray:
    floor = HumFloor(rate=rate, **settings)
    return np.concatenate([floor.clean(signal[start:start + block]) for start in range(0, signal.size, block)])


def level_db(signal: np.ndarray) -> float:
    return float(10 * np.log10(np.mean(signal**2)))


def above(signal: np.ndarray, low_hz: float) -> np.ndarray:
    """What the signal holds above `low_hz`."""
    spectrum = np.fft.rfft(signal)
    spectrum[np.fft.rfftfreq(signal.size, 1 / RATE) < low_hz] = 0
    return np.fft.irfft(spectrum, signal.size)


def test_the_hum_filter_brings_a_fans_hum_down_by_more_than_8_db() -> None:
    fan = hum(4.0)
    cleaned = stream(fan)
    assert level_db(cleaned[RATE:]) < level_db(fan[RATE:cleaned.size]) - 8  # once it has learnt the hum


def test_the_hum_filter_leaves_the_speech_band_above_it_as_it_was() -> None:
    heard = hum(4.0) + hiss(4.0, seed=2)
    cleaned = stream(heard)[2 * RATE:]
    before = heard[2 * RATE - LAG:heard.size - LAG][:cleaned.size]
    change = above(cleaned, 500) - above(before, 500)
    assert level_db(change) < level_db(above(before, 500)) - 40


def test_without_noise_to_take_out_the_audio_only_comes_half_a_frame_late() -> None:
    signal = hiss(2.0, seed=3)
    out = stream(signal, over=0.0)
    assert np.allclose(out[LAG:], signal[:out.size - LAG])


def test_how_the_audio_is_cut_into_blocks_does_not_matter() -> None:
    heard = hum(3.0) + hiss(3.0, seed=4)
    whole = stream(heard, block=800)
    for block in (160, 441, 1024):
        other = stream(heard, block=block)
        assert np.allclose(other, whole[:other.size])


def test_a_microphone_at_48_khz_is_cleaned_too() -> None:
    fan = hum(3.0, rate=48000)
    cleaned = stream(fan, block=2400, rate=48000)
    assert level_db(cleaned[48000:]) < level_db(fan[48000:cleaned.size]) - 8


def test_the_high_pass_takes_out_the_hum_and_keeps_the_speech_band() -> None:
    t = np.arange(2 * RATE) / RATE
    filtered = HighPass(150).clean(np.sin(2 * np.pi * 100 * t) + np.sin(2 * np.pi * 1000 * t))
    delay = (HighPass(150).taps.size - 1) // 2
    kept = np.sin(2 * np.pi * 1000 * t[:-delay])
    assert level_db(filtered[RATE + delay:] - kept[RATE:]) < level_db(kept) - 30
