"""The spoken session's audio loop: microphone -> recognizer -> conversation -> speaker."""

from __future__ import annotations

import contextlib
import logging
import signal
import time
from collections import deque
from dataclasses import dataclass, field, replace
from types import FrameType
from typing import Callable, Iterator

from voice import speech
from voice.audio import AudioSource, cue
from voice.conversation import AdjustVoice, Conversation, Cue, Reply, Say, State
from voice.errors import AudioError, SpeechError
from voice.recognizer import End, Heard, Limits, Recognizer
from voice.speech import Speaker, TextSpeaker, Voice

log = logging.getLogger(__name__)

VOICE_CHANGES: dict[str, Callable[[Voice], Voice]] = {
    "slower": speech.slower, "faster": speech.faster, "louder": speech.louder, "softer": speech.softer,
}
KEPT_TURNS = 200
"""Turns kept in memory: a session may run for weeks."""
RETRY_SECONDS = 2.0
"""How often a lost microphone is looked for again."""


class Stopped(Exception):
    """SIGTERM or SIGINT arrived: end the session cleanly."""


@dataclass
class Session:
    conversation: Conversation
    recognizer: Recognizer
    source: AudioSource
    speaker: Speaker
    voice: Voice
    cues: bool = True
    hold_off: float = 0.3
    """Seconds the microphone stays ignored after the assistant stops making sound."""
    limits: Limits = field(default_factory=Limits)
    show: Callable[[str], None] = print
    """Where every spoken line is also written (a terminal, a log, a screen reader)."""
    on_voice_change: Callable[[Voice], None] = lambda voice: None
    reopen: Callable[[], AudioSource] | None = None
    """Opens the microphone again after it was lost; None: a lost source ends the session."""
    on_partial: Callable[[str], None] | None = None
    on_heard: Callable[[Heard, Reply], None] | None = None
    """Told every utterance heard and what the conversation did with it (`listen --json`)."""
    sleep: Callable[[float], None] = time.sleep
    turns: deque[tuple[str, str]] = field(default_factory=lambda: deque(maxlen=KEPT_TURNS))
    """("you" | "assistant", text) of the latest turns, in order (in memory only, never on disk)."""
    _stopping: bool = field(default=False, init=False)

    def run(self) -> None:
        """Until the person says stop, the input files end, or SIGTERM / Ctrl-C."""
        with _stop_on_signals():
            try:
                self._loop()
            except (Stopped, KeyboardInterrupt):
                log.info("stopping")
            finally:
                self.source.close()
                self.speaker.close()

    def stop(self) -> None:
        """End the session from another thread: closing the source ends the current listen."""
        self._stopping = True
        self.source.close()

    def _loop(self) -> None:
        spoke = self._perform(self.conversation.start())
        while not self.conversation.ended and not self._stopping:
            if spoke and self.cues and self.conversation.state is not State.IDLE:
                self._play("listen")
            try:
                heard = self.recognizer.listen(self.source, self._limits(), self.on_partial,
                                               self.conversation.complete)
            except AudioError as error:
                self._recover(error)
                continue
            spoke = self._perform(self.conversation.tick())
            if heard is None:
                return
            if heard.end is End.SILENCE:
                spoke = self._perform(self.conversation.silence()) or spoke
                continue
            was_idle = self.conversation.state is State.IDLE
            # with [unk]: "no [unk]" is not a plain "no"
            reply = self.conversation.hear(heard.raw, [(word.text, word.confidence) for word in heard.words])
            if self.on_heard is not None:
                self.on_heard(heard, reply)
            if not was_idle or reply.actions:
                self._you(heard.text)
            spoke = self._perform(reply) or spoke

    def _limits(self) -> Limits:
        due = self.conversation.timer_due
        if due is None:
            return self.limits
        remaining = max(0.5, due - self.conversation.clock())
        return replace(self.limits, silence_timeout=min(self.limits.silence_timeout, remaining))

    def _recover(self, error: AudioError) -> None:
        """The microphone is gone: say so, then look for it again without busy-looping."""
        log.warning("%s", error)
        if self.reopen is None:
            raise error
        self.source.close()
        self._say(self._sentence("microphone_lost"))
        while not self._stopping:
            self.sleep(RETRY_SECONDS)
            try:
                self.source = self.reopen()
            except AudioError as still:
                log.debug("microphone still missing: %s", still)
                continue
            self._say(self._sentence("microphone_back"))
            return

    def _you(self, text: str) -> None:
        if self.cues:
            self._play("done")
        self.turns.append(("you", text))
        self.show(f"You: {text or '(not understood)'}")

    def _perform(self, reply: Reply) -> bool:
        """Carry out a reply; True when something was spoken or played."""
        for group in _grouped(reply):
            if isinstance(group, Cue):
                self._play(group.kind)
            elif isinstance(group, AdjustVoice):
                self._adjust(group.change)
            else:
                self._say(group)
        return bool(reply.actions)

    def _say(self, text: str) -> None:
        self.turns.append(("assistant", text))
        self.show(f"Assistant: {text}")
        with self._muted():
            try:
                self.speaker.say(text)
            except SpeechError as error:
                self._fall_back_to_text(error)

    def _play(self, kind: str) -> None:
        with self._muted():
            try:
                self.speaker.play(cue(kind))
            except (SpeechError, AudioError) as error:
                log.warning("cannot play the %s cue: %s", kind, error)

    def _adjust(self, change: str) -> None:
        self.voice = VOICE_CHANGES[change](self.voice)
        self.speaker.set_voice(self.voice)
        self.on_voice_change(self.voice)

    def _fall_back_to_text(self, error: SpeechError) -> None:
        log.error("speech failed: %s", error)
        self.show(f"! {error}")
        self.show(f"Assistant: {self._sentence('no_speech_engine')}")
        self.speaker = TextSpeaker()

    def _sentence(self, key: str) -> str:
        return self.conversation.resolver.language.say[key]

    @contextlib.contextmanager
    def _muted(self) -> Iterator[None]:
        """The assistant never hears itself: the microphone is ignored while it makes sound."""
        self.source.mute()
        try:
            yield
        finally:
            self.source.unmute(self.hold_off)


def _grouped(reply: Reply) -> Iterator[Cue | AdjustVoice | str]:
    """Consecutive sentences become one spoken turn."""
    sentences: list[str] = []
    for action in reply.actions:
        if isinstance(action, Say):
            sentences.append(action.text)
            continue
        if sentences:
            yield " ".join(sentences)
            sentences = []
        yield action
    if sentences:
        yield " ".join(sentences)


@contextlib.contextmanager
def _stop_on_signals() -> Iterator[None]:
    """SIGTERM (systemd) and SIGINT (Ctrl-C) raise Stopped in the main thread."""
    previous = {}
    for number in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(ValueError):  # not the main thread: tests run sessions in threads
            previous[number] = signal.signal(number, _raise_stopped)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _raise_stopped(number: int, frame: FrameType | None) -> None:
    raise Stopped(signal.Signals(number).name)
