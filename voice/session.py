"""The spoken session's audio loop: microphone -> recognizer -> conversation -> speaker."""

from __future__ import annotations

import contextlib
import logging
import math
import os
import signal
import threading
import time
from collections import deque
from dataclasses import dataclass, field, replace
from typing import Callable, Iterator

from voice import speech
from voice.audio import AudioChunk, AudioSource, cue
from voice.barge_in import BargeIn, EchoPath, Interruption, OverTalk, Spotter
from voice.conversation import AdjustVoice, Conversation, Cue, Reply, Say, State
from voice.errors import AudioError, SpeechError
from voice.recognizer import End, Heard, Limits, Recognizer
from voice.speaker import Speaker, TextSpeaker
from voice.speech import Voice

log = logging.getLogger(__name__)

VOICE_CHANGES: dict[str, Callable[[Voice], Voice]] = {
    "slower": speech.slower, "faster": speech.faster, "louder": speech.louder, "softer": speech.softer,
}
KEPT_TURNS = 200
"""Turns kept in memory: a session may run for weeks."""
RETRY_SECONDS = 2.0
"""How often a lost microphone is looked for again."""
WAIT_SECONDS = 300.0
"""After "wait", how long it waits for "go on" before it simply listens again."""
RESUME_SECONDS = 1.0
"""A voice over its speech silences it; when no barge-in word came, it carries on once the
voice has been gone this long ..."""
LONGEST_PAUSE_SECONDS = 10.0
"""... or this long after it fell silent, whatever the voice does."""
PAUSES_PER_TURN = 2
"""Voices that pause one turn before it stops pausing for them: a noisy room must not make it
start the same sentence again and again (barge-in words still act)."""


NO_SPEAKER_HINT = ("Carrying on in text. Choose a speaker with --output-device (see `acupressure devices`), "
                   "or run with --text-only to go without sound.")


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
    barge_in: BargeIn | None = None
    """Listens for "stop", "wait", "repeat" while it speaks on a live microphone; None: never."""
    interruptions: deque[Interruption] = field(default_factory=lambda: deque(maxlen=KEPT_TURNS))
    """What people said over its speech, in order."""
    _stopping: bool = field(default=False, init=False)
    _echo: EchoPath = field(default_factory=EchoPath, init=False)
    """How loud its own voice comes back into the microphone (learned while it speaks)."""
    signalled: int | None = field(default=None, init=False)
    """The signal that ended the session (SIGTERM or SIGINT), if one did."""

    def run(self) -> None:
        """Until the person says stop, the input files end, or SIGTERM / Ctrl-C."""
        with _stop_on_signals(self._on_signal):
            try:
                self._loop()
            finally:
                self.source.close()
                self.speaker.close()

    def _on_signal(self, number: int) -> None:
        self.signalled = number
        self.stop()

    def stop(self) -> None:
        """End the session, from any thread: silences the speech and wakes a waiting listen."""
        if self._stopping:
            return
        log.info("stopping")
        self._stopping = True
        self.speaker.stop()
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
                if not self._stopping:  # closing the microphone to stop is not losing it
                    self._recover(error)
                continue
            if self._stopping or heard is None:
                return
            spoke = self._perform(self.conversation.tick())
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
        pause = self.conversation.step_pause
        if pause is not None:  # directions by touch: the next step comes after this much quiet
            return replace(self.limits, silence_timeout=pause)
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
        self._say((self._sentence("microphone_lost"),))
        while not self._stopping:
            self.sleep(RETRY_SECONDS)
            try:
                self.source = self.reopen()
            except AudioError as still:
                log.debug("microphone still missing: %s", still)
                continue
            self._say((self._sentence("microphone_back"),))
            return

    def _you(self, text: str) -> None:
        if self.cues:
            self._play("done")
        self.turns.append(("you", text))
        self.show(f"You: {text or '(not understood)'}")

    def _perform(self, reply: Reply) -> bool:
        """Carry out a reply; True when something was spoken or played."""
        for group in _grouped(reply):
            if self._stopping:
                break
            if isinstance(group, Cue):
                self._play(group.kind)
            elif isinstance(group, AdjustVoice):
                self._adjust(group.change)
            elif not self._turn(group):
                break  # "stop" said over it: the rest of this reply is not said either
        return bool(reply.actions)

    def _turn(self, sentences: tuple[str, ...]) -> bool:
        """Say one spoken turn, acting on what is said over it; False when told to stop.
        "Repeat" says the whole turn again; "wait" … "go on", and a voice over it that said no
        barge-in word, carry on from the start of the sentence that was cut off."""
        left, pauses = sentences, 0
        heard, said = self._say(left)
        while not self._stopping:
            if heard is None:
                if said >= len(left) or pauses == PAUSES_PER_TURN:
                    return True
                pauses += 1  # a voice silenced it, and it was not a barge-in word: carry on
                left = left[said:]
                heard, said = self._say(left, pausing=pauses < PAUSES_PER_TURN)
                continue
            self.interruptions.append(heard)
            self.turns.append(("you", f"({heard.value})"))
            if heard is Interruption.STOP:
                return False
            if heard is Interruption.WAIT and self._wait_for_go_on() is not Interruption.GO_ON:
                return False
            left = left[said:] if heard is Interruption.WAIT else sentences
            if not left:  # "wait" came as its last sentence ended: nothing is left to say
                return True
            heard, said = self._say(left)
        return True

    def _say(self, sentences: tuple[str, ...], pausing: bool = True) -> tuple[Interruption | None, int]:
        """What was said over the sentences, and how many of them were said to their end.
        `pausing`: a voice over them silences them until it is known what it said."""
        text = " ".join(sentences)
        self.turns.append(("assistant", text))
        self.show(f"Assistant: {text}")
        try:
            if self.barge_in is not None and getattr(self.source, "live", False):
                return self._say_listening(sentences, pausing)
            with self._muted():
                return None, self.speaker.say(sentences)
        except (SpeechError, AudioError) as error:
            self._fall_back_to_text(error)
        return None, len(sentences)

    def _say_listening(self, sentences: tuple[str, ...], pausing: bool) -> tuple[Interruption | None, int]:
        """Speak while a helper thread listens: a barge-in phrase silences the speech at once; so
        does a person starting to talk over it, until their words are known (then it returns
        with no interruption and fewer sentences said). The microphone is then held off as
        after any speech."""
        assert self.barge_in is not None
        spotter = self.barge_in.spotter(self.source.rate, " ".join(sentences))
        over: list[OverTalk] = []
        done, paused = threading.Event(), threading.Event()
        heard: list[Interruption] = []

        def listen() -> None:
            found = self._hear_over(spotter, over[0] if over else None, done, paused)
            if found is not None:
                heard.append(found)
                self.speaker.stop()

        listener = threading.Thread(target=listen, daemon=True, name="barge-in")

        def start_listening(sound: AudioChunk | None) -> None:
            """From the first sound on: what came before it (while the speech was being
            rendered) is not what it is listening for."""
            if pausing and sound is not None:
                over.append(OverTalk(sound, self._echo))
            self.source.mute()
            self.source.unmute(0.0)
            listener.start()

        try:
            said = self.speaker.say(sentences, start_listening)
            if paused.is_set() and said < len(sentences):  # until the voice's words are known
                listener.join(LONGEST_PAUSE_SECONDS + self.limits.read_timeout + 1)
        finally:
            done.set()
            if listener.ident is not None:
                listener.join(self.limits.read_timeout + 1)
            self.source.mute()  # drops what was heard while speaking
            self.source.unmute(self.hold_off)
        return (heard[0] if heard else None), said

    def _hear_over(self, spotter: Spotter, over: OverTalk | None, done: threading.Event,
                   paused: threading.Event) -> Interruption | None:
        """Feed the microphone to the spotter until it hears a phrase or `done` is set. With
        `over`: a voice starting over the speech silences it (`paused`), and once `over` can
        tell a person's voice from its own, a phrase counts only after one (else it heard
        itself); when no phrase came, it returns None once the voice has been gone
        RESUME_SECONDS."""
        quiet = silent = 0.0
        for chunk in self._chunks(done):
            voice = over is not None and over.feed(chunk)
            if over is not None and voice and not paused.is_set():
                log.info("a voice over the speech: silent until its words are known")
                paused.set()
                over.silenced()
                self.speaker.stop()
                spotter.restart()
            found = spotter.feed(chunk)
            if found is not None:
                if over is None or not over.ready or paused.is_set():
                    return found
                log.info("barge-in: %s ignored: no voice but its own", found.value)
            if paused.is_set():
                silent += chunk.seconds
                quiet = 0.0 if voice else quiet + chunk.seconds
                if quiet >= RESUME_SECONDS - 1e-9 or silent >= LONGEST_PAUSE_SECONDS:
                    return None
        return None

    def _chunks(self, done: threading.Event, seconds: float = math.inf) -> Iterator[AudioChunk]:
        """The microphone's blocks until `done` is set, it closes or fails, or `seconds` of audio."""
        fed = 0.0
        while not done.is_set() and fed < seconds:
            try:
                chunk = self.source.read(self.limits.read_timeout)
            except AudioError as error:  # the main loop notices a lost microphone itself
                log.debug("barge-in listening stopped: %s", error)
                return
            if chunk is None:
                return
            fed += chunk.seconds
            yield chunk

    def _spot(self, spotter: Spotter, done: threading.Event, seconds: float) -> Interruption | None:
        """Feed the spotter until it hears something, `done` is set, or `seconds` of audio."""
        for chunk in self._chunks(done, seconds):
            found = spotter.feed(chunk)
            if found is not None:
                return found
        return None

    def _wait_for_go_on(self) -> Interruption | None:
        """After "wait": silent until "go on" (or "stop"), at most WAIT_SECONDS."""
        assert self.barge_in is not None
        spotter = self.barge_in.spotter(self.source.rate, "", frozenset({Interruption.GO_ON, Interruption.STOP}))
        heard = self._spot(spotter, threading.Event(), WAIT_SECONDS)
        if heard is not None:
            self.interruptions.append(heard)
            self.turns.append(("you", f"({heard.value})"))
        return heard

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

    def _fall_back_to_text(self, error: SpeechError | AudioError) -> None:
        """No speaker, or the speech failed: one line saying so and what to do, then text."""
        log.debug("speech failed: %s", error)  # said once, by the line below
        hint = NO_SPEAKER_HINT if isinstance(error, AudioError) else ""
        self.show(f"! {error} {hint}".rstrip())
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


def _grouped(reply: Reply) -> Iterator[Cue | AdjustVoice | tuple[str, ...]]:
    """Consecutive sentences become one spoken turn."""
    sentences: list[str] = []
    for action in reply.actions:
        if isinstance(action, Say):
            sentences += speech.sentences(action.text)
            continue
        if sentences:
            yield tuple(sentences)
            sentences = []
        yield action
    if sentences:
        yield tuple(sentences)


@contextlib.contextmanager
def _stop_on_signals(stop: Callable[[int], None]) -> Iterator[None]:
    """SIGTERM (systemd) and SIGINT (Ctrl-C) call stop(number) on a helper thread.

    The handler only writes a byte to a pipe: it runs between two bytecodes of the main
    thread, where raising or taking a lock could leave a file half written or deadlock.
    """
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_write, False)
    previous = {}
    for number in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(ValueError):  # not the main thread: tests run sessions in threads
            previous[number] = signal.signal(number, lambda number, _: _poke(wake_write, bytes([number])))
    watcher = threading.Thread(target=_watch, args=(wake_read, stop), daemon=True, name="signals")
    watcher.start()
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        _poke(wake_write, _QUIT)
        watcher.join(1.0)
        os.close(wake_write)


def _poke(fd: int, byte: bytes) -> None:
    with contextlib.suppress(OSError):  # a full pipe already holds a wake-up
        os.write(fd, byte)


_QUIT = bytes([0])
"""Written to the watcher's pipe to end it; a signal writes its number, never 0."""


def _watch(fd: int, stop: Callable[[int], None]) -> None:
    """Calls stop(number) for every signal until told to quit."""
    try:
        while (byte := os.read(fd, 1)) not in (_QUIT, b""):
            stop(byte[0])
    finally:
        os.close(fd)
