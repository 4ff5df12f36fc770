"""At home for weeks: offline, private, ends cleanly on SIGTERM, keeps working."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path


NETWORK_GUARD = """
import json, socket, sys
attempts = []
def refuse(*args, **kwargs):
    attempts.append(repr(args[:2]))
    raise OSError("network disabled by the test")
socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
from voice.cli import main
try:
    code = main(sys.argv[2:])
finally:
    with open(sys.argv[1], "w") as out:
        json.dump(attempts, out)
sys.exit(code)
"""


def guarded(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess, list[str]]:
    """Run the command line with every network connection attempt made to fail, and recorded."""
    record = tmp_path / "attempts.json"
    env = {**os.environ, "HOME": str(tmp_path / "home"), "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "TMPDIR": str(tmp_path / "tmp")}
    (tmp_path / "tmp").mkdir(exist_ok=True)
    result = subprocess.run([sys.executable, "-c", NETWORK_GUARD, str(record), *args], capture_output=True,
                            text=True, timeout=180, env=env, cwd=tmp_path)
    return result, json.loads(record.read_text())


def test_a_whole_session_never_touches_the_network(tmp_path, korean_model_path, speak_ko) -> None:
    out = tmp_path / "spoken"
    result, attempts = guarded(tmp_path, "listen", "--lang", "ko", "--model", str(korean_model_path),
                               "--input", speak_ko("머리가 아파요"), speak_ko("좋아요"), speak_ko("멈춰"),
                               "--speech-out", str(out))
    assert result.returncode == 0, result.stderr
    assert attempts == []
    assert result.stdout.count("You: ") == 3 and len(list(out.glob("*-say.wav"))) == 4


def test_the_guard_sees_a_download_trying(tmp_path) -> None:
    """Control: the same guard catches the one command that may use the network."""
    result, attempts = guarded(tmp_path, "model", "download", "vosk-model-small-en-us-0.15",
                               "--dest", str(tmp_path / "models"))
    assert result.returncode == 1 and attempts
    assert "internet" in result.stderr and "Traceback" not in result.stderr


def test_nothing_is_written_unless_asked(tmp_path, korean_model_path, speak_ko) -> None:
    wavs = [str(speak_ko("머리가 아파요")), str(speak_ko("멈춰"))]
    result, _ = guarded(tmp_path, "listen", "--text-only", "--lang", "ko", "--model", str(korean_model_path),
                        "--input", *wavs)
    assert result.returncode == 0, result.stderr
    left = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert left == ["attempts.json"], left  # no audio, no transcript, no settings written


def test_sigterm_ends_a_session_cleanly_within_a_second(tmp_path, korean_model_path, speak_ko) -> None:
    long_input = [str(speak_ko("머리가 아파요"))] * 200
    env = {**os.environ, "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path), "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen([sys.executable, "-m", "voice", "listen", "--text-only", "--lang", "ko",
                                "--model", str(korean_model_path), "--input", *long_input],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        deadline = time.monotonic() + 60
        seen = ""
        while "You:" not in seen and time.monotonic() < deadline:
            seen += process.stdout.readline()
        assert "You:" in seen, "the session never started"
        sent = time.monotonic()
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=10)
        took = time.monotonic() - sent
    finally:
        process.kill()
    assert code == 128 + signal.SIGTERM and took < 1.0, (code, took)  # SIGTERM's status (voice/exits.py)
    assert "Traceback" not in process.stderr.read()
