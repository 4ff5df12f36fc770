"""speech-dispatcher as the voice, against a real speech-dispatcher started for these tests.

It runs with its espeak-ng module and ALSA output into ALSA's "file" plugin (a private
~/.asoundrc), so what it says is written to a file instead of a sound card. Skipped, with the
reason, where speech-dispatcher or its Python client (Debian's python3-speechd) is missing."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import Iterator

import pytest

from voice import speechd
from voice.assistant import Audio, open_speaker
from voice.errors import SpeechError
from voice.knowledge import load
from voice.resolver import Resolver
from voice.settings import Settings
from voice.speech import Voice, faster

LONG = " ".join(["Press gently in small circles, and breathe slowly while you press."] * 8)

pytestmark = [
    # speechd's client ends its reader thread with sys.exit() when it is closed
    pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning"),
    pytest.mark.skipif(shutil.which("speech-dispatcher") is None,
                       reason="speech-dispatcher is not installed (sudo apt install speech-dispatcher)"),
    pytest.mark.skipif(not Path("/usr/lib/speech-dispatcher-modules/sd_espeak-ng").exists(),
                       reason="speech-dispatcher's espeak-ng module is missing"),
]


class Dispatcher:
    """A private speech-dispatcher writing its audio to a file."""

    def __init__(self, folder: Path) -> None:
        self.audio = folder / "spoken.raw"
        self.socket = folder / "speechd.sock"
        conf, home = folder / "conf", folder / "home"
        shutil.copytree("/etc/speech-dispatcher", conf)
        with open(conf / "speechd.conf", "a", encoding="utf-8") as settings:
            settings.write('\nAudioOutputMethod "alsa"\nAudioALSADevice "default"\n'
                           'AddModule "espeak-ng" "sd_espeak-ng" "espeak-ng.conf"\nDefaultModule espeak-ng\n')
        home.mkdir()
        (home / ".asoundrc").write_text(
            f'pcm.!default {{ type file slave.pcm "null" file "{self.audio}" format "raw" }}\n')
        env = {**os.environ, "HOME": str(home), "XDG_RUNTIME_DIR": str(folder)}
        self.process = subprocess.Popen(
            ["speech-dispatcher", "-s", "-t", "0", "-C", str(conf), "-c", "unix_socket", "-S", str(self.socket),
             "-P", str(folder / "pid"), "-L", str(folder / "log")],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while not self.socket.exists() and time.monotonic() < deadline:
            time.sleep(0.05)

    @property
    def address(self) -> str:
        return f"unix_socket:{self.socket}"

    def written(self) -> int:
        return self.audio.stat().st_size if self.audio.exists() else 0

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture(scope="module")
def dispatcher(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dispatcher]:
    try:
        speechd._speechd()
    except SpeechError:
        pytest.skip("python3-speechd is not visible to this Python (tests/run links it into .venv)")
    running = Dispatcher(tmp_path_factory.mktemp("speechd"))
    if not running.socket.exists():
        running.stop()
        pytest.skip("speech-dispatcher did not start here")
    yield running
    running.stop()


def test_it_sees_whether_speech_dispatcher_runs(dispatcher: Dispatcher, tmp_path: Path) -> None:
    assert speechd.running(dispatcher.address)
    assert not speechd.running(f"unix_socket:{tmp_path / 'nobody.sock'}")


def test_it_speaks_through_speech_dispatcher(dispatcher: Dispatcher) -> None:
    speaker = speechd.SpeechdSpeaker(Voice(voice="en"), address=dispatcher.address)
    before = dispatcher.written()
    speaker.say(("Gently massage your right knee.",))
    speaker.close()
    assert dispatcher.written() > before + 16000  # speech came out (its audio, into the file)


def test_stop_cancels_it_at_once(dispatcher: Dispatcher) -> None:
    speaker = speechd.SpeechdSpeaker(Voice(voice="en"), address=dispatcher.address)
    speaker.set_voice(Voice(rate=80))  # slowest: the text takes a long while to speak
    talk = threading.Thread(target=speaker.say, args=((LONG,),), daemon=True)
    talk.start()
    time.sleep(0.5)
    stopped = time.monotonic()
    speaker.stop()
    talk.join(5)
    assert not talk.is_alive() and time.monotonic() - stopped < 1.0  # 0.2 s here unloaded: a round trip to the daemon
    speaker.close()


def test_each_sentence_is_a_message_and_each_end_is_counted(dispatcher: Dispatcher) -> None:
    """How many sentences were spoken to their end is what "wait" … "go on" carries on from.
    (Cutting one off half way cannot be shown here: this dispatcher writes its audio to a file
    faster than it would play, so a message has often ended before a cancel reaches it.)"""
    speaker = speechd.SpeechdSpeaker(Voice(voice="en"), address=dispatcher.address)
    before = dispatcher.written()
    assert speaker.say(("Press gently.", "", "Rest.")) == 3
    assert dispatcher.written() > before + 16000
    speaker.close()


def test_faster_is_faster_through_speech_dispatcher(dispatcher: Dispatcher) -> None:
    speaker = speechd.SpeechdSpeaker(Voice(voice="en"), address=dispatcher.address)
    sizes = []
    for voice in (Voice(rate=160), faster(faster(faster(Voice(rate=160))))):
        speaker.set_voice(voice)
        before = dispatcher.written()
        speaker.say(("Press the point between your thumb and index finger for one minute.",))
        sizes.append(dispatcher.written() - before)
    speaker.close()
    assert sizes[1] < 0.85 * sizes[0]  # the same words in less audio


def test_rate_and_volume_map_onto_speech_dispatchers_scale() -> None:
    assert speechd.speechd_rate(80) == -100 and speechd.speechd_rate(450) == 100
    assert speechd.speechd_volume(1.0) == 100 and speechd.speechd_volume(0.1) == -100


def test_auto_picks_speech_dispatcher_only_when_it_runs(dispatcher: Dispatcher, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    resolver = Resolver(load("en"))
    monkeypatch.setenv("SPEECHD_ADDRESS", dispatcher.address)
    speaker, _ = open_speaker(Audio(), Settings(speech="auto"), resolver)
    assert isinstance(speaker, speechd.SpeechdSpeaker)
    speaker.close()
    written, _ = open_speaker(Audio(speech_out=tmp_path), Settings(speech="auto"), resolver)
    assert not isinstance(written, speechd.SpeechdSpeaker)  # WAV files: rendered by pyttsx3
    written.close()
    monkeypatch.setenv("SPEECHD_ADDRESS", f"unix_socket:{tmp_path / 'nobody.sock'}")
    fallback, _ = open_speaker(Audio(), Settings(speech="auto"), resolver)
    assert not isinstance(fallback, speechd.SpeechdSpeaker)
    fallback.close()
    with pytest.raises(SpeechError, match="not running") as caught:
        open_speaker(Audio(), Settings(speech="speechd"), resolver)
    assert "\n" not in str(caught.value) and "Original error" not in str(caught.value)  # the library's 3 lines
    assert str(caught.value).endswith("; start it (speech-dispatcher --spawn), or use --speech pyttsx3 (the "
                                      "setting speech: pyttsx3)")
