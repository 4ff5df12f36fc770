"""Barge-in in the room with the real Korean engine: "wait" (잠깐) then "go on" (계속해), and
"repeat" (또 말해), said over the greeting; a person starting to talk over it, a television, its
own voice. The room and the session are those of test_session.py, mostly with echo cancellation
(its own voice 30 dB down)."""

from __future__ import annotations

import ctypes
import itertools
import subprocess
import sys
from itertools import accumulate

import numpy as np
import pytest

from voice import speech
from voice.audio import AudioChunk, join, read_wav, room_tone
from voice.barge_in import EchoPath, Interruption, OverTalk
from voice.conversation import Reply, Say
from voice.devices import MicrophoneSource, Player
from voice.session import Session
from voice.speaker import SoundSpeaker
from voice.speech import Pyttsx3Renderer, Voice

from room import BLOCK_SECONDS, RATE, Room, room_sounddevice, speech_span
from test_session import ECHO_CANCELLED, HEADACHE, YES, barge_in, conversation, session_in_a_room  # noqa: F401

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
    session = session_in_a_room(korean, recognizer, speak_ko, monkeypatch, muting=True, seconds=20, room=room,
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
    """The greeting falls silent as "repeat" starts, and starts again, whole, once the word is known."""
    room = Room(speedup=1.0, echo=ECHO_CANCELLED)
    repeat = read_wav(speak_ko(REPEAT))
    over_the_greeting(room, (repeat, 20))
    session = session_in_a_room(korean, recognizer, speak_ko, monkeypatch, muting=True, seconds=16, room=room,
                                lines=())
    assert list(session.interruptions)[:1] == [Interruption.REPEAT]
    first, again = room.sounds[0], room.sounds[1]
    start, end = (first["start"] + 20 + round(seconds / BLOCK_SECONDS) for seconds in speech_span(repeat))
    print(f"silent {first['end'] - start} blocks after the word started; again {again['start'] - end} after it ended")
    assert first["end"] - start <= 5  # silent as soon as the word starts
    assert again["blocks"] == first["blocks"] and again["start"] - end < 10  # again once it is said, whole
    assert again["end"] - again["start"] >= again["blocks"] - 1


def test_a_voice_that_says_no_barge_in_word_pauses_it_then_it_carries_on(
        korean, recognizer, speak_ko, monkeypatch) -> None:
    """Someone says "hello?" (여보세요, not a barge-in word) 2 s into the greeting: it falls silent
    as they start, and once they have stopped it carries on from the start of the sentence it
    cut off, to the end of its turn; nothing is taken for an interruption."""
    room = Room(speedup=1.0, echo=ECHO_CANCELLED)
    hello = read_wav(speak_ko("여보세요"))
    over_the_greeting(room, (hello, 20))
    session = session_in_a_room(korean, recognizer, speak_ko, monkeypatch, muting=True, seconds=16, room=room,
                                lines=())
    assert list(session.interruptions) == []
    first, again = room.sounds[0], room.sounds[1]
    start, end = (first["start"] + 20 + round(seconds / BLOCK_SECONDS) for seconds in speech_span(hello))
    assert first["end"] - start <= 5  # silent as soon as they start
    assert 0 < again["start"] - end <= 15  # it waits until they have stopped, then carries on
    sentences = [text for who, text in session.turns if who == "assistant"][:2]
    assert sentences[1] in sentences[0] and sentences[1] != sentences[0]  # from the sentence it cut off
    assert again["end"] - again["start"] >= again["blocks"] - 1  # then to the end of the turn


def test_a_television_switched_on_while_it_speaks_holds_it_up_only_briefly(
        korean, recognizer, speak_ko, chatter, monkeypatch) -> None:
    """A television comes on (loud, three voices) 3 s into the greeting: the greeting pauses for
    it at most twice, each time briefly, and is then said to its end; the television is not
    taken for a barge-in word."""
    room = Room(speedup=2.0, echo=ECHO_CANCELLED)
    television = read_wav(chatter)
    looped = AudioChunk(television.audio * 8, television.rate)
    over_the_greeting(room, (looped, 30))  # once it knows its echo (1 s of its loud windows)
    session = session_in_a_room(korean, recognizer, speak_ko, monkeypatch, muting=True, seconds=17, room=room,
                                lines=())
    said = [text for who, text in session.turns if who == "assistant"]
    resumed = list(itertools.takewhile(lambda text: text in said[0], said[1:]))
    print(f"the greeting was taken up again {len(resumed)} times; sounds {room.sounds[:4]}")
    assert 1 <= len(resumed) <= 2 and list(session.interruptions) == []  # it did pause for it, briefly
    last = room.sounds[len(resumed)]
    assert last["end"] - last["start"] >= last["blocks"] - 1  # the rest of the greeting, to its end
    gaps = [later["start"] - earlier["end"] for earlier, later in zip(room.sounds, room.sounds[1:len(resumed) + 1])]
    assert all(gap <= 40 for gap in gaps), gaps  # each pause under 4 s


@pytest.mark.parametrize("seconds", [0.5, 3.0, 8.0])
def test_go_on_is_heard_however_long_the_wait_was(korean, recognizer, tmp_path, seconds: float) -> None:
    """After "wait" it listens in silence. "Go on" (espeak-ng at 175 words a minute, which this
    model hears) said after 3 s of it was never heard: at the end of a long empty utterance the
    model heard the word differently. An utterance that holds nothing for a second starts afresh."""
    word = tmp_path / "go-on.wav"
    subprocess.run(["espeak-ng", "-v", "ko", "-s", "175", "-w", str(word), GO_ON], check=True, timeout=30)
    ctypes.CDLL(None).srand(0)  # Kaldi's dither: the same hearing every run
    spotter = barge_in(korean, recognizer).spotter(16000, "", frozenset({Interruption.GO_ON, Interruption.STOP}))
    audio = join([room_tone(seconds, 16000), read_wav(word, 16000), room_tone(1.5, 16000, seed=3)], 16000)
    heard = [spotter.feed(AudioChunk(audio.audio[start:start + 3200], 16000))
             for start in range(0, len(audio.audio), 3200)]
    assert Interruption.GO_ON in heard


def over_talk_times(echo: EchoPath, played: AudioChunk, person: AudioChunk | None, at: float,
                    echo_level: float) -> float | None:
    """Seconds into `played` at which OverTalk hears a person (who starts `at` s in), fed in
    0.05 s blocks as the microphone delivers them, the speech silenced from then on as the
    session silences it; None if it never does."""
    def floats(chunk: AudioChunk) -> np.ndarray:
        return np.frombuffer(chunk.audio, dtype="<i2").astype(np.float64)

    rate, block = played.rate, round(0.05 * played.rate)
    others = floats(room_tone(played.seconds + 2.0, rate, seed=5))
    itself = np.zeros(others.size)
    itself[:played.samples] = echo_level * floats(played)[:others.size]
    if person is not None:
        voice = floats(person)
        others[round(at * rate):round(at * rate) + voice.size] += voice
    detector, heard_at = OverTalk(played, echo), None
    for start in range(0, others.size, block):
        heard = others[start:start + block] + (itself[start:start + block] if heard_at is None else 0)
        if detector.feed(AudioChunk(np.clip(heard, -32768, 32767).astype("<i2").tobytes(), rate)) and heard_at is None:
            heard_at = (start + block) / rate
            detector.silenced()
    return heard_at


def test_it_hears_a_person_start_talking_over_it_every_time(korean, speak_ko) -> None:
    """Eight turns in a row, each cut in 1.2 s into it, through echo cancellation: each time it
    knows within 0.25 s of the first sound of the word. (Learning the person's voice right after
    the speech was silenced as its own echo once made it deaf after the second.) The same turns
    at full echo with nobody speaking over them: never."""
    renderer = Pyttsx3Renderer(Voice(voice="ko"))
    try:
        played = renderer.render(korean.language.say["help_where"])
    finally:
        renderer.close()
    assert played is not None
    person = read_wav(speak_ko("조용히"), played.rate)
    start = speech_span(person)[0]
    cancelled, full = EchoPath(), EchoPath()
    for turn in range(8):
        heard_at = over_talk_times(cancelled, played, person, 1.2, ECHO_CANCELLED)
        assert heard_at is not None and 0 < heard_at - (1.2 + start) <= 0.25, (turn, heard_at)
        assert over_talk_times(full, played, None, 0.0, 1.0) is None, turn


def test_its_own_voice_at_full_level_is_not_taken_for_a_barge_in_word(korean, recognizer, monkeypatch) -> None:
    """No echo cancellation: "…도 말씀하셨어요" ("you also mentioned …") in its own voice was heard
    as 또 말해 ("repeat") and started the turn again. Once it knows how loud its voice comes back
    (after the greeting), a barge-in word counts only after a voice other than its own."""
    room = Room(speedup=2.0, echo=1.0)
    monkeypatch.setitem(sys.modules, "sounddevice", room_sounddevice(room))
    session = Session(conversation(korean), recognizer, MicrophoneSource("Room", rate=RATE),
                      SoundSpeaker(Pyttsx3Renderer(Voice(voice="ko")), Player("Room loudspeaker"), room.clock),
                      Voice(voice="ko"), cues=False, show=lambda line: None, barge_in=barge_in(korean, recognizer))
    say = korean.language.say
    places = [name for name, _ in list(korean.language.area_names.values())[:6]]
    try:
        for text in [say["greeting"], *(say["also_offer"].format(place=place) for place in places)]:
            session._perform(Reply((Say(text),)))
    finally:
        session.source.close()
        room.close()
    assert list(session.interruptions) == []
    assert all(sound["end"] - sound["start"] >= sound["blocks"] - 1 for sound in room.sounds), room.sounds
