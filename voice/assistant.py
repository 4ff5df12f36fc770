"""Builds an assistant from the settings: the one place every front end (command line, Wyoming, ...) calls."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

from voice import models
from voice.conversation import Conversation, Options
from voice.decision import Thresholds
from voice.errors import SettingsError
from voice.knowledge import Confirm, load
from voice.resolver import Context, Pregnancy, Resolution, Resolver
from voice.settings import Settings
from voice.verbosity import Verbosity, speech

# The audio side (numpy, sounddevice, pyttsx3, Vosk) is imported only by the functions that build
# it, so that a front end that answers text (the Wyoming service) does not load it.
if TYPE_CHECKING:
    from voice.audio import AudioSource
    from voice.barge_in import BargeIn
    from voice.recognizer import Limits, VoskRecognizer
    from voice.session import Session
    from voice.speaker import Speaker
    from voice.speech import Voice

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Answering:
    """The text-level assistant: the shared resolver and what it knows besides the words."""

    resolver: Resolver
    context: Context

    verbosity: Verbosity = Verbosity.NORMAL

    def answer(self, text: str) -> Resolution:
        return self.resolver.resolve(text, self.context)

    def spoken(self, resolution: Resolution) -> str:
        """What would be said, at this verbosity."""
        return speech(resolution, self.verbosity, self.resolver, self.context.duration_seconds)


@dataclass(frozen=True)
class Audio:
    """What a front end asks of the audio side, besides the settings."""

    inputs: tuple[Path, ...] = ()
    """Sound files or pipes ("-" is standard input) to use, in order, as the microphone; empty: the microphone."""
    grammar: bool = True
    """Limit recognition to the words the language pack knows."""
    text_only: bool = False
    """Print the answers, do not speak them."""
    speech_out: Path | None = None
    """Write each spoken turn to a WAV file in this folder instead of the speaker."""


@dataclass(frozen=True)
class Hooks:
    """Where a running session reports to its front end."""

    show: Callable[[str], None] = print
    """Every spoken line is also written here."""
    on_partial: Callable[[str], None] | None = None
    """Words heard so far in the current utterance."""
    on_voice_change: Callable[[Voice], None] = lambda voice: None
    """A voice command changed the rate or volume."""
    on_microphone: Callable[[str], None] = lambda name: None
    """The microphone was opened; its name."""


def answering(settings: Settings, pregnancy: Pregnancy = Pregnancy.UNKNOWN) -> Answering:
    """The resolver of the settings' language, with their side and duration."""
    context = Context(pregnancy=pregnancy, same_side=settings.same_side,
                      duration_seconds=round(settings.massage_minutes * 60))
    return Answering(Resolver(load(settings.language)), context, Verbosity(settings.verbosity))


def wake_phrase(settings: Settings, resolver: Resolver) -> str:
    return settings.wake_phrase or resolver.language.wake_phrase


def open_recognizer(settings: Settings, resolver: Resolver, grammar: bool = True,
                    extra_words: Sequence[str] = ()) -> VoskRecognizer:
    """The settings' Vosk model, limited to the pack's words (and extra_words) unless grammar is off."""
    from voice.recognizer import VoskRecognizer, load_model

    language = resolver.language
    path = models.find_model(language.model, explicit=settings.model)
    log.info("using model %s", path)
    model = load_model(path)
    models.check_language(model, resolver.vocabulary(), path, language.name, language.model)
    vocabulary = resolver.vocabulary() + list(extra_words) if grammar else None
    return VoskRecognizer(model, vocabulary, path)


def listening(settings: Settings, resolver: Resolver, grammar: bool = True) -> VoskRecognizer:
    """A recognizer that can also hear the wake phrase; SettingsError when it never could."""
    wake = wake_phrase(settings, resolver)
    recognizer = open_recognizer(settings, resolver, grammar, extra_words=wake.split())
    check_wake_phrase(recognizer, wake)
    return recognizer


def check_wake_phrase(recognizer: VoskRecognizer, wake: str) -> None:
    """A wake phrase the model cannot hear would leave the assistant asleep for good."""
    unknown = recognizer.unknown(wake.split())
    if unknown:
        raise SettingsError(f"The wake phrase '{wake}' has words the speech model does not know "
                            f"({', '.join(unknown)}), so it could never wake the assistant. "
                            "Choose another with --wake-phrase or the wake_phrase setting.")


def open_source(request: Audio, settings: Settings, hooks: Hooks = Hooks()) -> AudioSource:
    """The input files when there are any, else the settings' microphone."""
    from voice import audio, devices

    if request.inputs:
        source = audio.FileSource(list(request.inputs))
        source.validate()
        return source
    microphone = devices.MicrophoneSource(settings.input_device)
    hooks.on_microphone(microphone.device_name)
    return microphone


def open_speaker(request: Audio, settings: Settings, resolver: Resolver) -> tuple[Speaker, Voice]:
    from voice import speechd
    from voice.devices import Player
    from voice.settings import SpeechEngine
    from voice.speaker import TextSpeaker, pyttsx3_speaker
    from voice.speech import Voice

    voice = Voice(rate=settings.rate, volume=settings.volume, voice=settings.voice or resolver.language.voice)
    if request.text_only:
        return TextSpeaker(), voice
    engine = SpeechEngine(settings.speech)
    if request.speech_out is None and (
            engine is SpeechEngine.SPEECHD or (engine is SpeechEngine.AUTO and speechd.running())):
        log.info("speaking through speech-dispatcher")
        return speechd.SpeechdSpeaker(voice, player=Player(settings.output_device)), voice
    return pyttsx3_speaker(voice, out_dir=request.speech_out, device=settings.output_device), voice


def conversation(settings: Settings, text: Answering, home: bool = False) -> Conversation:
    """The conversation, with the settings' wake phrase, confidence thresholds and confirm policy."""
    thresholds = Thresholds(sure=settings.sure_confidence, sure_answer=settings.sure_answer_confidence,
                            unsure=settings.unsure_confidence)
    return Conversation(text.resolver, text.context,
                        Options(wake_phrase(settings, text.resolver), home=home, thresholds=thresholds,
                                verbosity=Verbosity(settings.verbosity), step_pause=settings.step_pause,
                                confirm=Confirm(settings.confirm) if settings.confirm else None))


def limits(settings: Settings) -> Limits:
    """How long the recognizer listens: the settings' patience for unfinished requests."""
    from voice.recognizer import Limits

    return Limits(patience=settings.patience)


def session(settings: Settings, request: Audio = Audio(), hooks: Hooks = Hooks(), home: bool = False,
            text: Answering | None = None, recognizer: VoskRecognizer | None = None) -> Session:
    """The spoken session: recognizer, speaker, audio source and conversation, wired together
    (text and recognizer are built from the settings unless given)."""
    from voice.session import Session

    text = text or answering(settings)
    recognizer = recognizer or listening(settings, text.resolver, request.grammar)
    speaker, voice = open_speaker(request, settings, text.resolver)
    source = open_source(request, settings, hooks)
    return Session(
        conversation(settings, text, home), recognizer, source, speaker, voice,
        cues=settings.audio_cues, hold_off=settings.hold_off, limits=limits(settings), show=hooks.show,
        on_voice_change=hooks.on_voice_change,
        reopen=None if request.inputs else (lambda: open_source(request, settings, hooks)),
        on_partial=hooks.on_partial, barge_in=barge_in(settings, text.resolver, recognizer),
    )


def barge_in(settings: Settings, resolver: Resolver, recognizer: VoskRecognizer) -> BargeIn | None:
    """What listens for "stop", "wait", "repeat" while it speaks; None when the setting is off."""
    from voice.barge_in import BargeIn

    if not settings.barge_in:
        return None
    return BargeIn.from_pack(recognizer.model, resolver.language.barge_in, resolver.vocabulary())
