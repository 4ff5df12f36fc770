"""Noise clean-up measured by bench/room.py and not adopted: a high-pass filter and a hum filter (numpy only)."""

from __future__ import annotations

import math

import numpy as np

RATE = 16000


class HighPass:
    """A linear-phase FIR high-pass at `cutoff` Hz: Kaiser-windowed sinc, 80 Hz from 40 dB down to kept."""

    def __init__(self, cutoff: float, rate: int = RATE) -> None:
        width, stop_db = 2 * np.pi * 80 / rate, 40.0
        length = int(np.ceil((stop_db - 8) / (2.285 * width))) | 1  # odd: a whole-sample delay
        beta = 0.5842 * (stop_db - 21) ** 0.4 + 0.07886 * (stop_db - 21)
        middle = np.arange(length) - (length - 1) / 2
        low_pass = 2 * cutoff / rate * np.sinc(2 * cutoff / rate * middle) * np.kaiser(length, beta)
        self.taps = -low_pass / low_pass.sum()
        self.taps[(length - 1) // 2] += 1.0
        self.name = f"high-pass at {cutoff:g} Hz"

    def clean(self, signal: np.ndarray) -> np.ndarray:
        return np.convolve(signal, self.taps)[:signal.size]


class HumFloor:
    """Takes each frequency's steady level (its running minimum) out of the band below `top_hz`, as a
    stream: what is fed comes out half a 32 ms frame late, in whole 16 ms hops; the rest is untouched."""

    def __init__(self, top_hz: float = 400.0, rate: int = RATE, over: float = 4.0, deepest: float = 0.3,
                 rise_db_per_second: float = 0.8, smooth_seconds: float = 0.07) -> None:
        self.name = f"hum filter below {top_hz:g} Hz"
        self.frame = 1 << round(math.log2(0.032 * rate))
        self.hop = self.frame // 2
        # the running minimum lies well below the noise's average, so `over` times it is taken out;
        # nothing is brought below `deepest` of its amplitude (0.3: about -10 dB)
        self.over, self.deepest = over, deepest
        self.window = np.sqrt(np.hanning(self.frame + 1)[:self.frame])  # analysis and synthesis: sums to 1
        self.low = np.fft.rfftfreq(self.frame, 1 / rate) < top_hz
        self.rise = 10 ** (rise_db_per_second * self.hop / rate / 10)
        self.keep = math.exp(-self.hop / rate / smooth_seconds)
        self.input = np.zeros(self.frame)
        self.output = np.zeros(self.frame)
        self.pending = np.zeros(0)
        self.power: np.ndarray | None = None
        self.noise = np.zeros(int(self.low.sum()))

    def clean(self, signal: np.ndarray) -> np.ndarray:
        self.pending = np.concatenate([self.pending, signal])
        hops = self.pending.size // self.hop
        out = [self._next(self.pending[i * self.hop:(i + 1) * self.hop]) for i in range(hops)]
        self.pending = self.pending[hops * self.hop:]
        return np.concatenate(out) if out else np.zeros(0)

    def _next(self, hop: np.ndarray) -> np.ndarray:
        self.input = np.concatenate([self.input[self.hop:], hop])
        spectrum = np.fft.rfft(self.input * self.window)
        spectrum[self.low] *= self._gain(np.abs(spectrum[self.low]) ** 2)
        self.output += np.fft.irfft(spectrum, self.frame) * self.window
        done, self.output = self.output[:self.hop], np.concatenate([self.output[self.hop:], np.zeros(self.hop)])
        return done

    def _gain(self, power: np.ndarray) -> np.ndarray:
        if self.power is None:
            self.power = self.noise = power
        self.power = self.keep * self.power + (1 - self.keep) * power
        self.noise = np.minimum(self.power, self.noise * self.rise)
        left = 1 - self.over * self.noise / np.maximum(power, 1e-20)
        return np.sqrt(np.maximum(left, self.deepest ** 2))
