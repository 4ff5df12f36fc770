"""The fuzz corpus, kept as a test: hostile input and signals for every command, seeded and bounded.

Every run ends cleanly (0, one line, or the signal's status; never a traceback), every file the
user had is byte-identical afterwards, and no temporary file is left. bench/fuzz.py sweeps longer.
"""

from __future__ import annotations

import time
from pathlib import Path

from fuzzing import sweep

SEED = 12
SECONDS = 40.0
"""The whole sweep stops starting new runs after this, so tests/run stays within its minute."""


def test_hostile_input_and_signals_end_cleanly_and_leave_everything_as_it_was(
        tmp_path: Path, korean_model_path: Path, speak_ko) -> None:
    wav = speak_ko("머리가 아파요").read_bytes()
    tally = sweep(tmp_path, SEED, rounds=3, wav=wav, korean_model=korean_model_path, signal_runs=4,
                  listen_runs=2, deadline=time.monotonic() + SECONDS)
    assert tally.inputs >= 60, tally.summary()
    assert tally.failures == [], "\n".join(tally.failures[:10])
