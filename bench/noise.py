"""The noises of the room benchmarks (bench/room.py, bench/barge_in.py): TV-like chatter, a fan,
the kitchen recording, and their loudness as Picovoice's speech-to-intent benchmark measures it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np

from voice.audio import AudioChunk, read_wav

RATE = 16000
MIX_FRAME = 2048
"""Samples per frame when comparing loudness, as the speech-to-intent benchmark does."""
KITCHEN = Path("shared") / "noise" / "kitchen.wav"
"""Looked for in the folders above the checkout (../shared/noise/kitchen.wav)."""
CHATTER_TEXTS = {
    "en": "The weather tomorrow will be cloudy in the north with some rain in the evening. "
          "Our next guest has written three books about gardening and cooking at home. "
          "Traffic is heavy on the main road into the city this morning, so leave early.",
    "de": "Heute Abend zeigen wir einen Film über die Berge und die Menschen, die dort leben. "
          "Die Mannschaft hat am Wochenende zweimal gewonnen und steht jetzt auf Platz drei.",
    "fr": "Bonjour à tous, voici les nouvelles de la journée. Le marché ouvre à huit heures "
          "et les enfants partent en vacances la semaine prochaine avec leurs grands-parents.",
}


def espeak(text: str, lang: str, speed: int, path: Path) -> np.ndarray:
    if not path.exists():
        subprocess.run(["espeak-ng", "-v", lang, "-s", str(speed), "-w", str(path), text],
                       check=True, timeout=60)
    return floats(read_wav(path, RATE))


def floats(chunk: AudioChunk) -> np.ndarray:
    return np.frombuffer(chunk.audio, dtype="<i2").astype(np.float64) / 32768.0


def chatter(folder: Path) -> np.ndarray:
    """Three voices in other languages reading at once, each looped to the longest."""
    voices = [espeak(text, lang, 160, folder / f"chatter-{lang}.wav") for lang, text in CHATTER_TEXTS.items()]
    length = max(voice.size for voice in voices)
    mixed = np.zeros(length)
    for number, voice in enumerate(voices):
        looped = np.resize(voice, length)
        mixed += np.roll(looped, number * RATE // 3) / np.sqrt(np.mean(voice**2) + 1e-12)
    return mixed / np.abs(mixed).max() * 0.5


def fan(seconds: float, seed: int = 7) -> np.ndarray:
    """A fan: broadband noise, low-passed, with a hum at 100 Hz and its first harmonics."""
    rng = np.random.default_rng(seed)
    noise = rng.normal(0, 1, int(seconds * RATE))
    smoothed = np.convolve(noise, np.ones(24) / 24, mode="same")
    t = np.arange(smoothed.size) / RATE
    hum = sum(np.sin(2 * np.pi * 100 * k * t + k) / k for k in (1, 2, 3))
    signal = smoothed + 0.3 * hum
    return signal / np.abs(signal).max() * 0.5


def noises(folder: Path) -> dict[str, np.ndarray]:
    found = {"chatter": chatter(folder), "fan": fan(120.0)}
    kitchen = next((folder / KITCHEN for folder in Path(__file__).resolve().parents[1:]
                    if (folder / KITCHEN).is_file()), None)
    if kitchen is not None:
        found["kitchen"] = floats(read_wav(kitchen, RATE))
    else:
        print(f"(../{KITCHEN} not found: no kitchen noise)", file=sys.stderr)
    return found


def frame_peak(signal: np.ndarray) -> float:
    whole = signal.size // MIX_FRAME * MIX_FRAME
    frames = signal[:whole].reshape(-1, MIX_FRAME) if whole else signal.reshape(1, -1)
    return float((frames**2).sum(axis=1).max())


class NoiseTape:
    """A noise played on and on: each stretch taken continues where the last ended."""

    def __init__(self, noise: np.ndarray) -> None:
        self.noise, self.position = noise, 0

    def take(self, samples: int) -> np.ndarray:
        indices = (self.position + np.arange(samples)) % self.noise.size
        self.position = (self.position + samples) % self.noise.size
        return self.noise[indices]
