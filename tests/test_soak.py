"""Soak: 1,000 utterances from files through one running session, memory measured start and end."""

from __future__ import annotations

from pathlib import Path

from voice.audio import FileSource
from voice.conversation import Conversation, Options
from voice.decision import Decision
from voice.knowledge import Confirm, load
from voice.recognizer import Limits, VoskRecognizer
from voice.resolver import Context, Resolver
from voice.session import Session
from voice.speaker import TextSpeaker
from voice.speech import Voice

UTTERANCES = 1000
WARM_UP = 200
"""Vosk's and Python's allocations settle over the first utterances (about 20 MiB); growth is
measured from there to the end."""
GAP_PATIENCE = 0.6
"""Shorter than the 1 s between files: an utterance that is not a request ("how is the weather")
is not waited for into the next file."""
LINES = ["머리가 아파요", "네", "어깨가 아파요", "시작", "오늘 날씨가 어때요"]  # head, yes, shoulder, start, weather


def resident_mib() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * 4096 / 2**20


def test_a_thousand_utterances_in_one_session(korean_model, korean_model_path, speak_ko) -> None:
    korean = Resolver(load("ko"))
    recognizer = VoskRecognizer(korean_model, korean.vocabulary(), korean_model_path)
    wavs = [speak_ko(line) for line in LINES]
    files = [wavs[i % len(wavs)] for i in range(UTTERANCES)]
    # the lines are a script for a session that answers places at once (the Korean pack's own
    # policy asks every place back first)
    options = Options(korean.language.wake_phrase, confirm=Confirm.UNSURE)
    session = Session(Conversation(korean, Context(), options), recognizer,
                      FileSource(files, gap_seconds=1.0), TextSpeaker(), Voice(), show=lambda line: None,
                      limits=Limits(patience=GAP_PATIENCE))
    samples: dict[int, float] = {}
    original_hear = session.conversation.hear
    heard = answered = 0

    def hear(text: str, words=()):
        nonlocal heard, answered
        heard += 1
        if heard % 100 == 0:
            samples[heard] = resident_mib()
        reply = original_hear(text, words)
        answered += bool(reply.spoken) or reply.decision is Decision.REJECTED  # noise may get silence
        return reply

    session.conversation.hear = hear  # type: ignore[method-assign]
    session.run()

    assert heard == UTTERANCES and answered == UTTERANCES, ("every utterance is heard and answered", heard, answered)
    assert samples[UTTERANCES] / samples[WARM_UP] - 1 < 0.03, samples  # "a few percent" at most
