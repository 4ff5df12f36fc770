"""Fuzz sweep: every command with hostile input and signals at random moments, for longer than the tests.

Run: nice -n 5 .venv/bin/python bench/fuzz.py   (seed 1, 40 rounds, 60 signal runs, 20 listen runs, 300
Wyoming transcripts, 15 minutes at most; prints the counts as a Markdown table for docs/reliability.md)
     add --seed N, --rounds N, --signals N, --listens N, --transcripts N, --minutes M; --json for the counts as JSON.

What is tried (tests/fuzzing.py holds the corpus, shared with tests/test_fuzz.py): for the settings
file and the kept voice changes, random bytes and text, truncated, oversized (over 1 MB), deeply
nested, duplicate keys, UTF-16, Latin-1, a BOM, NUL bytes, CRLF, an alias bomb, a Python tag,
wrong types and a flipped byte, each under config, ask and --config; folders of broken models under
`model list`; model lists and archives that are random, truncated or nested 5,000 deep under
`model download`; standard input of random bytes, random characters from all of Unicode (digits that
are no numbers, "❼", among them), a 20,000-character line and NULs under `ask -`, which must answer
every line with one line; the same random bytes and text as transcripts to the Wyoming service on
127.0.0.1 (one answer or refusal each, then SIGTERM); odd flag values; broken WAV files under
`listen --once` with the real Korean model; and SIGTERM,
SIGINT or SIGHUP at a random moment of a spoken session, a session speaking into WAV files, a slow
download and a batch `ask -`. Each run must end with status 0, 1 (one line on standard error),
2 (argparse's usage error) or the signal's own status, print no traceback, leave every file of
the user's byte-identical, and leave nothing in its temporary folder and no .partial folder.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from common import default_model, describe, machine  # noqa: E402
from fuzzing import sweep  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--signals", type=int, default=60)
    parser.add_argument("--listens", type=int, default=20)
    parser.add_argument("--transcripts", type=int, default=300)
    parser.add_argument("--minutes", type=float, default=15.0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="acupressure-fuzz-") as folder:
        wav = Path(folder) / "spoken.wav"
        subprocess.run(["espeak-ng", "-v", "ko", "-s", "150", "-w", str(wav), "머리가 아파요"],
                       check=True, timeout=30)
        started = time.monotonic()
        tally = sweep(Path(folder) / "home", args.seed, args.rounds, wav.read_bytes(), default_model(),
                      args.signals, args.listens, started + args.minutes * 60,
                      log=lambda line: print(line, file=sys.stderr), transcripts=args.transcripts)
        seconds = time.monotonic() - started
    counts = {**tally.summary(), "seconds": round(seconds)}
    if args.json:
        print(json.dumps({"machine": machine(), "seed": args.seed, **counts, "failures": tally.failures}))
    else:
        print(f"Fuzz sweep, seed {args.seed}, on {describe(machine())}, {seconds:.0f} s")
        print()
        print("| " + " | ".join(counts) + " |")
        print("|" + "---|" * len(counts))
        print("| " + " | ".join(str(value) for value in counts.values()) + " |")
        for failure in tally.failures:
            print(f"- {failure}")
    return 1 if tally.failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
