"""speech-dispatcher as the assistant's voice: the screen reader's own voice and rate, one queue."""

# A person whose screen reader (Orca) speaks through speech-dispatcher hears the assistant in
# the same voice, at the rate they chose, and never two voices at once: speech-dispatcher
# queues the messages of all its clients. Its Python client comes from Debian's
# python3-speechd package (not on PyPI); see the README for how a virtual environment sees it.
# Until the person says "faster", "slower", "louder" or "softer", nothing but the language is
# set, so speech-dispatcher's own settings (the screen reader's) apply.

from __future__ import annotations

import logging
import threading
from typing import Any, Final

from voice import devices
from voice.audio import AudioChunk
from voice.errors import SpeechError, first_line
from voice.settings import RATE_RANGE, VOLUME_RANGE
from voice.speaker import Started, nothing
from voice.speech import Voice

log = logging.getLogger(__name__)

CLIENT_NAME: Final = "acupressure"
SECONDS_PER_CHAR: Final = 0.25
MARGIN_SECONDS: Final = 10.0
"""Time allowed for a message: MARGIN_SECONDS plus this per character (at the slowest rate)."""
NO_CLIENT: Final = (
    "speech-dispatcher's Python client is missing: sudo apt install speech-dispatcher python3-speechd; "
    "a virtual environment needs --system-site-packages (see the README), or use speech: pyttsx3"
)


def _speechd() -> Any:
    try:
        import speechd
    except ImportError as error:
        raise SpeechError(NO_CLIENT) from error
    return speechd


def running(address: str | None = None) -> bool:
    """Whether a speech-dispatcher is running that this process can talk to (never starts one)."""
    try:
        client = _connect(address)
    except SpeechError:
        return False
    client.close()
    return True


def _connect(address: str | None) -> Any:
    speechd = _speechd()
    try:
        return speechd.SSIPClient(CLIENT_NAME, address=address, autospawn=False)
    except (speechd.SSIPCommunicationError, OSError) as error:
        reason = first_line(str(error)) or type(error).__name__
        raise SpeechError(f"speech-dispatcher is not running ({reason}); start it (speech-dispatcher --spawn), or "
                          "use --speech pyttsx3 (the setting speech: pyttsx3)") from None  # the library's: 3 lines


def _scaled(value: float, low: float, high: float) -> int:
    """A value of low..high as speech-dispatcher's -100..100."""
    return round(-100 + 200 * (value - low) / (high - low))


def speechd_rate(rate: int) -> int:
    """Words per minute as speech-dispatcher's rate, -100 (slowest) to 100 (fastest)."""
    return _scaled(rate, RATE_RANGE.low, RATE_RANGE.high)


def speechd_volume(volume: float) -> int:
    """Loudness 0.1..1 as speech-dispatcher's volume, -100 to 100."""
    return _scaled(volume, VOLUME_RANGE.low, VOLUME_RANGE.high)


class SpeechdSpeaker:
    """Speaks through speech-dispatcher; stop() cancels at once; cues play on our own device."""

    def __init__(self, voice: Voice, address: str | None = None,
                 player: devices.Player | None = None) -> None:
        self._speechd = _speechd()
        self._client = _connect(address)
        self._player = player or devices.Player()
        self._done = threading.Event()
        self._stopping = threading.Event()
        self._ended = False
        self._closed = False
        self._client.set_priority(self._speechd.Priority.MESSAGE)
        if voice.voice:
            self._client.set_language(voice.voice.split("-")[0])

    def say(self, sentences: tuple[str, ...], started: Started = nothing) -> int:
        """Speak the sentences, one message each; return when they were spoken or cancelled,
        with how many were spoken to their end. `started` is called once the first is sent."""
        self._check_open()
        self._stopping.clear()
        for done, sentence in enumerate(sentences):
            if not self._speak(sentence, started if done == 0 else nothing):
                return done
        return len(sentences)

    def _speak(self, text: str, sent: Started) -> bool:
        """False when stop() cancelled it."""
        if self._stopping.is_set():
            return False
        if not text.strip():
            return True
        self._done.clear()
        kinds = (self._speechd.CallbackType.END, self._speechd.CallbackType.CANCEL)
        self._client.speak(text, callback=self._finished, event_types=kinds)
        sent(None)  # speech-dispatcher plays it: the sound is not ours to compare
        if self._stopping.is_set():  # stop() came while the message was being sent
            self._client.cancel()
        if not self._done.wait(MARGIN_SECONDS + SECONDS_PER_CHAR * len(text)):
            self._client.cancel()
            raise SpeechError("speech-dispatcher did not finish speaking. Restart it, or use speech: pyttsx3")
        return self._ended

    def play(self, chunk: AudioChunk) -> None:
        """A tone cue, on our own output device (speech-dispatcher plays only speech)."""
        self._player.start(chunk)
        self._player.wait()

    def stop(self) -> None:
        """Cancel what it is saying, at once."""
        self._stopping.set()
        if not self._closed:
            self._client.cancel()
        self._player.stop()

    def set_voice(self, voice: Voice) -> None:
        """From now on at this rate and volume (the person asked for a change)."""
        self._check_open()
        self._client.set_rate(speechd_rate(voice.rate))
        self._client.set_volume(speechd_volume(voice.volume))

    def close(self) -> None:
        """Cancel and disconnect."""
        if self._closed:
            return
        self.stop()
        self._closed = True
        self._client.close()

    def _finished(self, kind: Any, *args: Any) -> None:
        self._ended = kind == self._speechd.CallbackType.END
        self._done.set()

    def _check_open(self) -> None:
        if self._closed:
            raise SpeechError("The speaker is closed; create a new one.")
