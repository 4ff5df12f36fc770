"""Benchmark of the shared resolver: time per utterance, and the batch command's wall time.

Run: .venv/bin/python bench/resolver.py   (prints a Markdown table for the README)
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time

from common import describe, machine

from voice.knowledge import load
from voice.resolver import Resolver

SENTENCES = [
    "my left elbow hurts", "My RIGHT knee is sore!", "I'm pregnant and I have a headache",
    "the inner side of my left wrist", "my daughter's big toe hurts", "what's the weather like",
    "my lower back", "both my shoulders ache", "I can't sleep", "the back of my right hand is sore",
    "I'm not pregnant but my wife is and she has a migraine", "my wrist is fine, it's my ankle that hurts",
    "my right elbow, no wait, my left", "hand me the remote", "my left shoulder and my right hip",
    "my arm hurts", "I have chest pain", "um my left knee uh really hurts", "I'm 20 weeks along and my neck hurts",
    "my 5 year old's left wrist",
]


def per_utterance_ms(resolver: Resolver, rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        for sentence in SENTENCES:
            started = time.perf_counter()
            resolver.resolve(sentence)
            times.append((time.perf_counter() - started) * 1000)
    return times


def batch_seconds(lines: int) -> tuple[float, float]:
    """Wall time and CPU time (user + system: what a loaded machine does not inflate) of the batch."""
    text = "\n".join(SENTENCES[i % len(SENTENCES)] for i in range(lines)) + "\n"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "voice", "ask", "--json", "-"], input=text,
                            capture_output=True, text=True, check=True)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert len(result.stdout.splitlines()) == lines
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--lines", type=int, default=1000)
    args = parser.parse_args()
    started = time.perf_counter()
    resolver = Resolver(load("en"))
    load_ms = (time.perf_counter() - started) * 1000
    times = per_utterance_ms(resolver, args.rounds)
    batch, cpu = batch_seconds(args.lines)
    load_average = os.getloadavg()[0]
    print(f"Machine: {describe(machine())}; load average {load_average:.1f} while measuring")
    print()
    print("| resolver | figure |")
    print("|---|---|")
    print(f"| loading knowledge + English pack | {load_ms:.0f} ms |")
    print(f"| median per utterance | {statistics.median(times):.3f} ms |")
    print(f"| 99th percentile per utterance | {statistics.quantiles(times, n=100)[98]:.3f} ms |")
    print(f"| `acupressure ask --json -`, {args.lines} lines (wall, start-up included) | {batch:.2f} s |")
    print(f"| the same batch, CPU time (user + system) | {cpu:.2f} s |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
