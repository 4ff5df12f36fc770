"""The fuzz corpus: hostile inputs and signals for every command, and the checks on each run.

Each run must end cleanly (0, or one line saying what is wrong, or the signal's status; never a
traceback), leave every file the user had byte-identical, and leave no temporary file behind;
`ask -` answers every line in with one line out, and the Wyoming service answers or refuses every
transcript with one event.
tests/test_fuzz.py runs a small seeded sweep; bench/fuzz.py runs a longer one and prints counts.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import io
import json
import os
import random
import select
import signal
import socket
import subprocess
import sys
import threading
import time
import wave
import zipfile
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable, Iterator

from wyoming.event import async_read_event

from voice.cli import main

VALID_SETTINGS = "# my settings\nlanguage: en\nrate: 150   # slow\nvolume: 0.8\nsame_side: no\nhold_off: 0.4\n"
UTTERANCES = ["my left elbow hurts", "I'm pregnant and I have a headache", "my knee", "help", ""]
SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
NOISE = ("Traceback", "Exception ignored", "Error in atexit", "Fatal Python error")
MODEL_NAME = "vosk-model-small-xx-0.1"


@dataclass
class Tally:
    """What a sweep tried and what went wrong."""

    inputs: int = 0
    signals: int = 0
    tracebacks: list[str] = field(default_factory=list)
    unclean: list[str] = field(default_factory=list)
    """Runs that ended with an unexpected status or more than one line of error."""
    changed: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)
    before_start: int = 0
    """Signals that landed while Python itself was still starting, before any module of ours ran
    (Python prints KeyboardInterrupt from its own start-up); counted, not blamed on the program."""

    @property
    def failures(self) -> list[str]:
        return self.tracebacks + self.unclean + self.changed + self.left

    def summary(self) -> dict[str, int]:
        return {"inputs tried": self.inputs, "signals sent": self.signals,
                "signals before the program started": self.before_start, "tracebacks": len(self.tracebacks),
                "unclean exits": len(self.unclean), "files changed": len(self.changed),
                "files left behind": len(self.left)}


# ---------------------------------------------------------------- hostile content


def hostile_texts(rng: random.Random, valid: str) -> Iterator[tuple[str, bytes]]:
    """(label, bytes) variants of a valid YAML text: random, cut, huge, deep, odd encodings, ..."""
    data = valid.encode()
    yield "random bytes", rng.randbytes(rng.randint(1, 4000))
    yield "random text", "".join(chr(rng.randint(1, 0x2FFF)) for _ in range(rng.randint(1, 500))).encode(
        "utf-8", "surrogatepass")
    yield "truncated", data[:rng.randint(0, len(data) - 1)]
    yield "oversized", data + b"# " + b"x" * (1024 * 1024) + b"\n"
    depth = rng.randint(50, 3000)
    yield "deep flow", b"rate: " + rng.choice([b"[", b"{a: ", b"[{b: "]) * depth
    yield "deep block", b"".join(b"  " * i + b"k%d:\n" % i for i in range(min(depth, 400)))
    yield "duplicate key", data + b"rate: 200\n"
    yield "utf-16", valid.encode("utf-16")
    yield "latin-1", (valid + "voice: caf\u00e9\n").encode("latin-1")
    yield "bom", b"\xef\xbb\xbf" + data
    yield "nul bytes", data.replace(b"\n", b"\x00\n", 1)
    yield "crlf", data.replace(b"\n", b"\r\n")
    yield "alias bomb", b"a: &a [x, x, x, x, x, x, x, x, x]\n" + b"".join(
        b"%s: &%s [*%s, *%s, *%s, *%s]\n" % ((chr(98 + i).encode(),) * 2 + (chr(97 + i).encode(),) * 4)
        for i in range(8))
    yield "python tag", b"rate: !!python/object/apply:os.system ['true']\n"
    yield "wrong types", rng.choice([b"rate: [1, 2]\n", b"rate: 1e400\n", b"volume: .nan\n", b"rate: {a: 1}\n",
                                     b"language: 7\n", b"same_side: maybe\n", b"wake_phrase: '!!'\n",
                                     b"input_device: -3\n", b"? [a]\n: 1\n", b"42\n", b"- a\n"])
    yield "flipped byte", _flip(rng, data)


def _flip(rng: random.Random, data: bytes) -> bytes:
    position = rng.randrange(len(data))
    return data[:position] + bytes([rng.randrange(256)]) + data[position + 1:]


TRICKY = "❼²½①٣𝟘\u0300\u200d\u202e\ufeff\u2028\x85\x00\x1b'’\"\\"
"""Characters that have tripped text handling: digits that are no decimal numbers ("❼", "²": isdigit()
but no int()), numbers of other scripts, combining marks, joiners, direction marks, odd line ends."""


def random_text(rng: random.Random, length: int) -> str:
    """Characters from all of Unicode (lone surrogates too), mixed with the tricky ones."""
    return "".join(rng.choice(TRICKY) if rng.random() < 0.3 else chr(rng.randint(1, 0x10FFFF))
                   for _ in range(length))


def hostile_lines(rng: random.Random) -> list[bytes]:
    """Lines for `ask -` and transcripts: random bytes, random text, and utterances with either inside."""
    lines = []
    for _ in range(rng.randint(1, 8)):
        kind = rng.randrange(3)
        if kind == 0:
            line = rng.randbytes(rng.randint(0, 200))
        elif kind == 1:
            line = random_text(rng, rng.randint(1, 80)).encode("utf-8", "surrogatepass")
        else:
            words = rng.choice(UTTERANCES[:-1]).split()
            words.insert(rng.randint(0, len(words)), random_text(rng, rng.randint(1, 3)))
            line = " ".join(words).encode("utf-8", "surrogatepass")
        lines.append(line)
    return lines


def hostile_wavs(rng: random.Random, good: bytes) -> Iterator[tuple[str, bytes]]:
    yield "random bytes", rng.randbytes(rng.randint(0, 3000))
    yield "truncated wav", good[:rng.randint(0, min(len(good), 200))]
    yield "header only", good[:44]
    yield "empty", b""
    yield "stereo 8-bit", _wav(rng, channels=2, width=1)
    yield "flipped byte", _flip(rng, good[:200]) + good[200:]


def _wav(rng: random.Random, channels: int, width: int) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(width)
        out.setframerate(rng.choice([8000, 44100, 96000]))
        out.writeframes(rng.randbytes(2000 * channels * width))
    return buffer.getvalue()


def hostile_argv(rng: random.Random) -> list[str]:
    """A command with odd flag values."""
    odd = ["", " ", "0", "-1", "1e999", "nan", "inf", "300.5", "\u00e9\u00e9", "x" * 5000, "--", "-", "\t",
           "\U0001F600", "../../etc/passwd", "/dev/null", "yes", "NO", "0x10"]
    flag = rng.choice(["--rate", "--volume", "--minutes", "--hold-off", "--lang", "--wake-phrase", "--device",
                       "--voice", "--model"])
    return ["config", flag, rng.choice(odd)]


# ---------------------------------------------------------------- the user's world


class Home:
    """A user's folders in a temporary place: their files, the assistant's temporary folder, outputs."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.user = root / "user"
        self.tmp = root / "tmp"
        self.out = root / "out"
        for folder in (self.user / "config" / "acupressure", self.user / "state", self.user / "models",
                       self.tmp, self.out):
            folder.mkdir(parents=True, exist_ok=True)
        (self.user / "config" / "acupressure" / "config.yaml").write_text(VALID_SETTINGS, encoding="utf-8")
        (self.user / "notes.txt").write_text("the user's own file\n", encoding="utf-8")

    def env(self) -> dict[str, str]:
        return {"HOME": str(self.user), "XDG_CONFIG_HOME": str(self.user / "config"),
                "XDG_STATE_HOME": str(self.user / "state"), "TMPDIR": str(self.tmp),
                "VOSK_MODEL_PATH": str(self.user / "models")}

    def put(self, name: str, data: bytes) -> Path:
        path = self.user / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    def snapshot(self) -> dict[str, bytes]:
        files: dict[str, bytes] = {}
        for path in sorted(self.user.rglob("*")):
            relative = str(path.relative_to(self.user))
            if relative.startswith((*SOUND_SYSTEM, ASSISTANTS_CACHE)) or ASSISTANTS_CACHE.startswith(relative + "/"):
                continue
            if path.is_symlink():
                files[relative] = b"-> " + str(os.readlink(path)).encode()
            elif path.is_file():
                files[relative] = hashlib.sha256(path.read_bytes()).digest()
            else:
                files[relative] = b"<folder>"
        return files

    def check(self, before: dict[str, bytes], what: str, tally: Tally) -> None:
        after = self.snapshot()
        for name in sorted(set(before) | set(after)):
            if before.get(name) != after.get(name):
                tally.changed.append(f"{what}: {name}")
        for leftover in self.tmp.iterdir():
            if not leftover.name.startswith(SOUND_SYSTEM):
                tally.left.append(f"{what}: {leftover}")
        for leftover in self.root.rglob("*.partial"):
            tally.left.append(f"{what}: {leftover}")
        for leftover in list(self.tmp.iterdir()):
            if not leftover.name.startswith(SOUND_SYSTEM):
                _remove(leftover)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        for child in path.iterdir():
            _remove(child)
        path.rmdir()
    else:
        path.unlink()


# ---------------------------------------------------------------- running a command


INFORMATION = ("Downloading ", "Downloaded ", "Microphone: ")
"""Lines on standard error that say what is going on, not what went wrong."""
ASSISTANTS_CACHE = ".cache/acupressure"
"""The assistant's own cache (the verdicts of the model check): not a file of the user's."""
SOUND_SYSTEM = ("config/pulse", "pulse-")
"""Folders the sound system (PulseAudio's client library) keeps in ~/.config and, without
XDG_RUNTIME_DIR, in $TMPDIR for any program that opens a sound device: not the assistant's
doing, not a file of the user's, and reused by the next program."""


def _judge(what: str, status: int | None, err: str, tally: Tally, signalled: int | None = None) -> None:
    if signalled and err.rstrip().endswith("KeyboardInterrupt") and "/voice/" not in err:
        tally.before_start += 1
        return
    if any(noise in err for noise in NOISE):
        tally.tracebacks.append(f"{what}: {err[-300:]}")
        return
    lines = [line for line in err.splitlines() if line.strip() and not line.startswith(INFORMATION)]
    allowed = {0, 1} | ({128 + signalled, -signalled} if signalled else set())
    if status == 2 and len(lines) == 1 and "error:" in lines[0]:  # argparse's one error line (voice.cli._Parser)
        return
    if status not in allowed or len(lines) > 1 or (signalled and status == -signalled and lines):
        tally.unclean.append(f"{what}: status {status}, {err[-300:]!r}")


@contextlib.contextmanager
def _environment(env: dict[str, str]) -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in env}
    handlers = {number: signal.getsignal(number) for number in SIGNALS}
    hook = sys.unraisablehook
    os.environ.update(env)
    import tempfile

    tempfile.tempdir = None  # read TMPDIR again
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        tempfile.tempdir = None
        for number, handler in handlers.items():
            signal.signal(number, handler)
        sys.unraisablehook = hook


def run_inside(home: Home, argv: list[str], tally: Tally, stdin: bytes | None = None) -> str:
    """One command in this process (fast): an exception escaping main() counts as a traceback.
    Its standard output is returned."""
    what = " ".join(argv)[:120]
    before = home.snapshot()
    out, err = io.StringIO(), io.StringIO()
    stream = io.TextIOWrapper(io.BytesIO(stdin or b""), encoding="utf-8", errors="strict")
    status: int | None = None
    with _environment(home.env()), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        saved_stdin, sys.stdin = sys.stdin, stream
        try:
            status = main(argv)
        except SystemExit as exit:
            status = exit.code if isinstance(exit.code, int) else 1
        except BaseException as error:  # noqa: BLE001 - this is what the corpus looks for
            import traceback

            err.write("Traceback (in process)\n" + "".join(traceback.format_exception(error)))
        finally:
            sys.stdin = saved_stdin
    tally.inputs += 1
    _judge(what, status, err.getvalue(), tally)
    home.check(before, what, tally)
    return out.getvalue()


def _stop_signals_as_at_a_terminal() -> None:
    """A shell starts background jobs with Ctrl-C ignored; the sweep may run as one."""
    for number in SIGNALS:
        signal.signal(number, signal.SIG_DFL)


def run_outside(home: Home, argv: list[str], tally: Tally, rng: random.Random, *, signal_within: float = 0.0,
                stdin: bytes | None = None, timeout: float = 120.0) -> None:
    """One command in its own process; with signal_within, a random stop signal at a random moment."""
    what = " ".join(argv)[:120]
    before = home.snapshot()
    env = {**os.environ, **home.env(), "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen([sys.executable, "-m", "voice", *argv], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                               preexec_fn=_stop_signals_as_at_a_terminal)
    sent = None
    try:
        if signal_within:
            time.sleep(rng.uniform(0.0, signal_within))
            sent = rng.choice(SIGNALS)
            if process.poll() is None:
                process.send_signal(sent)
                tally.signals += 1
            else:
                sent = None
        _, err = process.communicate(stdin or b"", timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        _, err = process.communicate()
        tally.unclean.append(f"{what}: did not end within {timeout:.0f} s")
    tally.inputs += 1
    _judge(f"{what} [{signal.Signals(sent).name if sent else 'no signal'}]", process.returncode,
           err.decode(errors="replace"), tally, sent)
    home.check(before, what, tally)


# ---------------------------------------------------------------- a model server for downloads


@contextlib.contextmanager
def model_server(bodies: dict[str, bytes], slow: bool = False) -> Iterator[str]:
    """A server on 127.0.0.1 serving the given paths; slow sends them in small pieces."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server API)
            body = bodies.get(self.path.lstrip("/"))
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            step = 8192 if slow else len(body) or 1
            with contextlib.suppress(OSError):
                for start in range(0, len(body), step):
                    self.wfile.write(body[start:start + step])
                    if slow:
                        time.sleep(0.02)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def model_list(base: str, archive: bytes, name: str = MODEL_NAME) -> bytes:
    return json.dumps([{"name": name, "url": f"{base}/{name}.zip", "size": len(archive),
                        "md5": hashlib.md5(archive).hexdigest(), "lang": "xx", "type": "small"}]).encode()


def model_archive(rng: random.Random, padding: int = 0) -> bytes:
    buffer = io.BytesIO()
    parts = ["am/final.mdl", "conf/model.conf", "graph/HCLr.fst", "graph/Gr.fst", "ivector/final.ie",
             "ivector/final.dubm", "ivector/final.mat", "ivector/global_cmvn.stats", "ivector/online_cmvn.conf",
             "ivector/splice.conf"]
    with zipfile.ZipFile(buffer, "w") as archive:
        for part in parts:
            archive.writestr(f"{MODEL_NAME}/{part}", rng.randbytes(16))
        if padding:
            archive.writestr(f"{MODEL_NAME}/pad", rng.randbytes(padding))
    return buffer.getvalue()


# ---------------------------------------------------------------- the sweep


def sweep(root: Path, seed: int, rounds: int, wav: bytes, korean_model: Path, signal_runs: int,
          listen_runs: int, deadline: float, log: Callable[[str], None] = lambda line: None,
          transcripts: int = 0) -> Tally:
    """Every command with hostile input, then signals at random moments; stops at the deadline.
    `transcripts`: how many hostile transcripts the Wyoming service gets."""
    rng = random.Random(seed)
    tally = Tally()
    home = Home(root)
    for round_number in range(rounds):
        if time.monotonic() > deadline:
            break
        _settings_round(home, rng, tally)
        _model_round(home, rng, tally)
        _stdin_round(home, rng, tally)
        run_inside(home, hostile_argv(rng), tally)
        log(f"round {round_number + 1}: {tally.summary()}")
    if transcripts and time.monotonic() < deadline:
        wyoming_round(home, rng, tally, transcripts)
        log(f"wyoming: {tally.summary()}")
    _listen_runs(home, rng, tally, wav, korean_model, listen_runs, deadline)
    _signal_runs(home, rng, tally, wav, korean_model, signal_runs, deadline)
    return tally


def _settings_round(home: Home, rng: random.Random, tally: Tally) -> None:
    for label, data in hostile_texts(rng, VALID_SETTINGS):
        config = home.put("config/acupressure/config.yaml", data)
        command = rng.choice([["config"], ["ask", "my left elbow hurts"], ["ask", "--json", "my knee"],
                              ["config", "--config", str(config)], ["ask", "--config", str(config), "my head"],
                              ["config", "--reset-voice"]])
        run_inside(home, command, tally)
        state = home.put("state/acupressure/voice.yaml", rng.choice([data, b"rate: 200\n"]))
        run_inside(home, ["config"], tally)
        state.unlink()
    home.put("config/acupressure/config.yaml", VALID_SETTINGS.encode())


def _model_round(home: Home, rng: random.Random, tally: Tally) -> None:
    models = home.user / "models"
    broken = models / f"vosk-model-{rng.randrange(1000)}"
    for part in rng.sample(["am/final.mdl", "conf/model.conf", "graph/Gr.fst", "ivector/final.ie", "README"], 2):
        (broken / part).parent.mkdir(parents=True, exist_ok=True)
        (broken / part).write_bytes(rng.randbytes(rng.randint(0, 64)))
    run_inside(home, ["model", "list"], tally)
    good = model_archive(rng)
    hostile = rng.choice([rng.randbytes(rng.randint(0, 2000)), good[:rng.randint(0, len(good))], good])
    listing = rng.choice([model_list("BASE", hostile), rng.randbytes(300), b"[]", b"{}", b"[{\"name\": 1}]",
                          b"[" * 5000])
    bodies: dict[str, bytes] = {}
    with model_server(bodies) as base:
        bodies.update({"list.json": listing.replace(b"BASE", base.encode()), f"{MODEL_NAME}.zip": hostile})
        command = ["model", "download", MODEL_NAME, "--dest", str(home.out / "downloads"),
                   "--list-url", f"{base}/list.json"]
        run_inside(home, command + rng.choice([[], ["--if-missing"]]), tally)
    _remove_installed(home.out / "downloads")


def _stdin_round(home: Home, rng: random.Random, tally: Tally) -> None:
    lines = [rng.choice(UTTERANCES).encode() for _ in range(rng.randint(0, 5))] + hostile_lines(rng)
    rng.shuffle(lines)
    noise = rng.choice([rng.randbytes(rng.randint(0, 2000)), b"x" * 20000, "\u00e9\U0001F600\n".encode(),
                        b"\r\n\r\n", b"\x00" * 100])
    stdin = b"\n".join(lines + [noise])
    answers = run_inside(home, ["ask", rng.choice(["--json", "--same-side"]), "-"], tally, stdin=stdin)
    read = len(io.StringIO(stdin.decode("utf-8", "replace"), newline="").readlines())
    if answers.count("\n") != read:  # one line out for every line in, whatever the line held
        tally.unclean.append(f"ask -: {read} lines in, {answers.count(chr(10))} out: {stdin[:200]!r}")


def _listen_runs(home: Home, rng: random.Random, tally: Tally, wav: bytes, model: Path, runs: int,
                 deadline: float) -> None:
    wavs = list(hostile_wavs(rng, wav))
    for _ in range(runs):
        if time.monotonic() > deadline:
            return
        label, data = rng.choice(wavs)
        path = home.put("recording.wav", data)
        run_outside(home, ["listen", "--once", "--text-only", "--lang", "ko", "--model", str(model),
                           "--input", str(path)], tally, rng)


def _signal_runs(home: Home, rng: random.Random, tally: Tally, wav: bytes, model: Path, runs: int,
                 deadline: float) -> None:
    spoken = home.put("spoken.wav", wav)
    for number in range(runs):
        if time.monotonic() > deadline:
            return
        kind = number % 4
        if kind == 0:
            run_outside(home, ["listen", "--text-only", "--lang", "ko", "--model", str(model),
                               "--input", *[str(spoken)] * 3], tally, rng, signal_within=4.0)
        elif kind == 1:
            run_outside(home, ["listen", "--lang", "ko", "--model", str(model), "--input", str(spoken),
                               "--speech-out", str(home.out / f"run{number}")], tally, rng, signal_within=5.0)
        elif kind == 2:
            archive = model_archive(rng, padding=300_000)
            bodies: dict[str, bytes] = {}
            with model_server(bodies, slow=True) as base:
                bodies.update({"list.json": model_list(base, archive), f"{MODEL_NAME}.zip": archive})
                run_outside(home, ["model", "download", MODEL_NAME, "--dest", str(home.out / f"d{number}"),
                                   "--list-url", f"{base}/list.json"], tally, rng, signal_within=2.0)
            _remove_installed(home.out / f"d{number}")
        else:
            run_outside(home, ["ask", "--json", "-"], tally, rng, signal_within=1.5,
                        stdin=b"my left elbow hurts\n" * 200)


# ---------------------------------------------------------------- the Wyoming service


ANSWERS = ("handled", "not-handled", "error malformed", "error incomplete", "error too-large", "error bad-transcript")
"""Every transcript, however broken, gets exactly one of these back before its connection closes: an
answer, or the refusal of what broke the protocol (never "error internal": a fault of ours)."""


def wyoming_round(home: Home, rng: random.Random, tally: Tally, transcripts: int) -> None:
    """`acupressure wyoming` on 127.0.0.1, as Home Assistant reaches it: transcripts of random
    text, random bytes spliced raw into a transcript event, and events of random bytes, one
    connection each; then SIGTERM. Each must get one answer or error event; the service must
    keep answering, print no traceback and exit with SIGTERM's status."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, **home.env(), "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen([sys.executable, "-m", "voice", "wyoming", "--uri", f"tcp://127.0.0.1:{port}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
                               preexec_fn=_stop_signals_as_at_a_terminal)
    before = home.snapshot()
    try:
        assert process.stderr is not None
        ready = process.stderr.readline() if select.select([process.stderr], [], [], 60)[0] else b""
        if b"Wyoming handle service on" not in ready:
            tally.unclean.append(f"wyoming: did not start: {ready!r}")
            return
        answers = asyncio.run(_send_all(port, [_transcript_event(rng) for _ in range(transcripts)]))
        for sent, events in answers:
            tally.inputs += 1
            if len(events) != 1 or events[0] not in ANSWERS:
                tally.unclean.append(f"wyoming: {sent[:120]!r} got {events}")
        if answers[-1][1] != ["handled"]:
            tally.unclean.append(f"wyoming: after the hostile transcripts, a plain question got {answers[-1][1]}")
        process.send_signal(signal.SIGTERM)
        tally.signals += 1
        _, err = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        tally.unclean.append("wyoming: did not stop within 30 s of SIGTERM")
        return
    finally:
        process.kill()
        process.wait()
    said = err.decode(errors="replace")
    if any(noise in said for noise in (*NOISE, "internal error")):
        tally.tracebacks.append(f"wyoming: {said[-300:]}")
    elif process.returncode != 128 + signal.SIGTERM:
        tally.unclean.append(f"wyoming: status {process.returncode} after SIGTERM, {said[-300:]!r}")
    home.check(before, "wyoming", tally)


def _transcript_event(rng: random.Random) -> bytes:
    """One event on the wire: a transcript of random text, random bytes raw inside one, or random bytes."""
    kind = rng.randrange(3)
    if kind == 0:
        text = rng.choice(hostile_lines(rng)).decode("utf-8", "replace")
        return json.dumps({"type": "transcript", "data": {"text": text, "language": rng.choice(["en", "ko", None])},
                           "version": "1.0.0"}).encode() + b"\n"
    if kind == 1:
        raw = rng.randbytes(rng.randint(0, 100)).replace(b"\n", b" ")
        return b'{"type": "transcript", "data": {"text": "my knee ' + raw + b'"}}\n'
    return rng.randbytes(rng.randint(1, 300)).replace(b"\n", b" ") + b"\n"


async def _send_all(port: int, events: list[bytes]) -> list[tuple[bytes, list[str]]]:
    """Each event on its own connection (the sending side then closed): the types of what came back."""
    answers = []
    for event in [*events, _plain_question()]:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            writer.write(event)
            writer.write_eof()
            await writer.drain()
            received = []
            while (answer := await asyncio.wait_for(async_read_event(reader), 10)) is not None:
                received.append(f"error {answer.data.get('code')}" if answer.type == "error" else answer.type)
        except (OSError, asyncio.TimeoutError) as error:
            received = [f"{type(error).__name__}: {error}"]
        finally:
            writer.close()
        answers.append((event, received))
    return answers


def _plain_question() -> bytes:
    """Asked last: the service still answers after everything before it."""
    return json.dumps({"type": "transcript", "data": {"text": "my left elbow hurts"}}).encode() + b"\n"


def _remove_installed(folder: Path) -> None:
    """A download that finished installed a model: that is its job, not a leftover."""
    if folder.exists() and not list(folder.rglob("*.partial")):
        _remove(folder)
