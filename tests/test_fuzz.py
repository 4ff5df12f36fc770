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
                  listen_runs=2, deadline=time.monotonic() + SECONDS, transcripts=20)
    assert tally.inputs >= 60, tally.summary()
    assert tally.failures == [], "\n".join(tally.failures[:10])


def test_sigterm_right_after_the_model_loads_leaves_no_speech_folder_and_no_noise(
        tmp_path: Path, korean_model_path: Path, speak_ko) -> None:
    """The moment the issue found: the speaker's scratch folder is made just after the model loads."""
    import os
    import signal
    import subprocess
    import sys

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch), "HOME": str(tmp_path)}
    for delay in (0.0, 0.5):
        process = subprocess.Popen([sys.executable, "-m", "voice", "--debug", "listen", "--lang", "ko", "--model",
                                    str(korean_model_path), "--input", str(speak_ko("머리가 아파요")),
                                    "--speech-out", str(tmp_path / "out")],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
        try:
            said = ""
            while "loaded model" not in said and process.poll() is None:
                said += process.stderr.readline()
            time.sleep(delay)
            process.send_signal(signal.SIGTERM)
            _, rest = process.communicate(timeout=60)
        finally:
            process.kill()
        # -SIGTERM: the session had already finished and cleaned up, and the signal came while the
        # interpreter was exiting (its handlers are back to the default then, and freeing the model
        # takes up to a second); the checks below still prove nothing was left behind.
        assert process.returncode in (0, 128 + signal.SIGTERM, -signal.SIGTERM), rest[-500:]
        assert "Traceback" not in rest and "Exception ignored" not in rest, rest[-1000:]
        assert [path.name for path in scratch.iterdir() if not path.name.startswith("pulse-")] == []
