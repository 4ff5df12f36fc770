"""Benchmark of sound-file input: memory and speed of a 300 MB WAV, whole and with `listen --once`.

Run: nice -n 5 .venv/bin/python bench/audio_files.py   (prints a Markdown table for the README; --json for JSON)

The WAV is sparse (it takes no room on disk) and holds 48 kHz stereo, so every block is read,
mixed down and resampled to 16 kHz as a real recording would be. Each measurement runs in its own
process, and its peak resident memory is compared with the same process given a one-second file.
"""

from __future__ import annotations

import argparse
import os
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import default_model, describe, machine, print_report

SIZE = 300_000_000
"""Bytes of audio in the large file: 26 minutes of 48 kHz 16-bit stereo."""
RATE, CHANNELS = 48000, 2
PLAY_ALL = """\
import sys, time
from voice.audio import FileSource
source = FileSource(sys.argv[1:], gap_seconds=0.0)
source.validate()
started = time.perf_counter()
samples = sum(block.samples for block in iter(lambda: source.read(1.0), None))
print(samples, time.perf_counter() - started)
"""


def sparse_wav(path: Path, size: int) -> Path:
    fmt = struct.pack("<HHIIHH", 1, CHANNELS, RATE, 2 * CHANNELS * RATE, 2 * CHANNELS, 16)
    header = b"WAVEfmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", size)
    with open(path, "wb") as file:
        file.write(b"RIFF" + struct.pack("<I", len(header) + size) + header)
        file.truncate(file.tell() + size)
    return path


def run_peak(command: list[str]) -> tuple[str, float, float]:
    """Standard output, wall seconds and peak resident MiB of the command's own process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert process.stdout is not None
    out = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command[:4])} ... failed ({process.returncode})")
    return out, time.perf_counter() - started, usage.ru_maxrss / 1024


def measure(folder: Path, model: Path) -> dict[str, Any]:
    small = sparse_wav(folder / "one-second.wav", 2 * CHANNELS * RATE)
    large = sparse_wav(folder / "large.wav", SIZE)
    play = [sys.executable, "-c", PLAY_ALL]
    _, _, play_small = run_peak(play + [str(small)])
    out, _, play_large = run_peak(play + [str(large)])
    samples, seconds = out.split()
    once = [sys.executable, "-m", "voice", "listen", "--once", "--json", "--lang", "ko", "--model", str(model),
            "--input"]
    _, once_small_seconds, once_small = run_peak(once + [str(small)])
    _, once_large_seconds, once_large = run_peak(once + [str(large)])
    audio_seconds = SIZE / (2 * CHANNELS * RATE)
    return {
        "machine": machine(),
        "file": {"megabytes": SIZE / 1e6, "audio_minutes": audio_seconds / 60, "rate": RATE, "channels": CHANNELS},
        "read_whole": {"samples_out": int(samples), "seconds": float(seconds),
                       "times_real_time": audio_seconds / float(seconds),
                       "peak_mib_one_second_file": play_small, "peak_mib_large_file": play_large},
        "listen_once": {"peak_mib_one_second_file": once_small, "peak_mib_large_file": once_large,
                        "seconds_one_second_file": once_small_seconds, "seconds_large_file": once_large_seconds},
    }


def table(report: dict[str, Any]) -> str:
    whole, once, file = report["read_whole"], report["listen_once"], report["file"]
    return "\n".join([
        f"Machine: {describe(report['machine'])}. File: {file['megabytes']:.0f} MB WAV, "
        f"{file['audio_minutes']:.0f} min of {file['rate']} Hz {file['channels']}-channel audio.",
        "",
        "| measurement | 1-second file | 300 MB file |",
        "|---|---|---|",
        f"| read whole (decode, mix down, resample to 16 kHz): peak memory | {whole['peak_mib_one_second_file']:.0f} MiB "
        f"| {whole['peak_mib_large_file']:.0f} MiB |",
        f"| read whole: speed | | {whole['times_real_time']:.0f}x real time ({whole['seconds']:.1f} s) |",
        f"| `listen --once` (Korean model loaded): peak memory | {once['peak_mib_one_second_file']:.0f} MiB "
        f"| {once['peak_mib_large_file']:.0f} MiB |",
        f"| `listen --once`: wall time | {once['seconds_one_second_file']:.1f} s | {once['seconds_large_file']:.1f} s |",
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print JSON instead of a Markdown table")
    parser.add_argument("--model", type=Path, help="Vosk model for listen --once (default: the Korean test model)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        report = measure(Path(folder), args.model or default_model())
    print_report(report, args.json, table)


if __name__ == "__main__":
    main()
