"""Barge-in words other than "stop", in the room with the real Korean engine: "wait" (잠깐) then
"go on" (계속해), and "repeat" (또 말해), said over the greeting. The room and the session are
those of test_session.py, with echo cancellation (its own voice 30 dB down)."""

from __future__ import annotations

from itertools import accumulate

from voice import speech
from voice.audio import read_wav
from voice.barge_in import Interruption
from voice.speech import Pyttsx3Renderer, Voice

from room import BLOCK_SECONDS, Room
from test_session import ECHO_CANCELLED, barge_in, conversation, session_in_a_room  # noqa: F401

WAIT, GO_ON, REPEAT = "잠깐", "계속해", "또 말해"


def over_the_greeting(room: Room, *words: tuple[object, int]) -> None:
    """When the greeting starts, the person says each word that many blocks (0.1 s) into it."""
    def person(blocks: int) -> None:
        if len(room.sounds) == 1:
            for word, delay in words:
                room.add(word, delay_blocks=delay)
    room.on_play = person


def test_wait_silences_it_until_go_on_then_it_carries_on_from_the_sentence_it_cut_off(
        korean, recognizer, speak_ko, monkeypatch) -> None:
    """The greeting turn is four sentences; "wait" 2 s in cuts off the second. After "go on"
    the first is not said again, and the one that was cut off is said again from its start."""
    room = Room(speedup=1.0, echo=ECHO_CANCELLED)
    over_the_greeting(room, (read_wav(speak_ko(WAIT)), 20), (read_wav(speak_ko(GO_ON)), 60))
    session = session_in_a_room(korean, recognizer, speak_ko, monkeypatch, muting=True, seconds=30, room=room,
                                lines=())
    assert list(session.interruptions)[:2] == [Interruption.WAIT, Interruption.GO_ON]
    first, again = room.sounds[0], room.sounds[1]
    assert first["end"] - first["start"] < 45  # cut off soon after the word, 2 s in
    assert again["start"] >= 60 + first["start"]  # silent until "go on"
    sentences = [text for who, text in session.turns if who == "assistant"][:2]
    ends = list(accumulate(blocks(sentence) for sentence in speech.sentences(sentences[0])))
    cut = next(number for number, end in enumerate(ends) if end > first["end"] - first["start"])
    assert cut >= 1 and sentences[1] == " ".join(speech.sentences(sentences[0])[cut:])
    assert abs(again["blocks"] - (ends[-1] - ends[cut - 1])) <= 1  # from the start of the one cut off
    assert again["end"] - again["start"] >= again["blocks"] - 1  # then to the end


def blocks(sentence: str) -> float:
    """How many of the room's blocks the assistant's voice takes to say the sentence."""
    renderer = Pyttsx3Renderer(Voice(voice="ko"))
    try:
        chunk = renderer.render(sentence)
    finally:
        renderer.close()
    assert chunk is not None
    return chunk.seconds / BLOCK_SECONDS


def test_repeat_starts_the_turn_again(korean, recognizer, speak_ko, monkeypatch) -> None:
    room = Room(speedup=1.0, echo=ECHO_CANCELLED)
    over_the_greeting(room, (read_wav(speak_ko(REPEAT)), 20))
    session = session_in_a_room(korean, recognizer, speak_ko, monkeypatch, muting=True, seconds=22, room=room,
                                lines=())
    assert list(session.interruptions)[:1] == [Interruption.REPEAT]
    first, again = room.sounds[0], room.sounds[1]
    assert first["end"] - first["start"] < 45
    assert again["blocks"] == first["blocks"] and again["start"] - first["end"] < 10  # at once, whole
    assert again["end"] - again["start"] >= again["blocks"] - 1
