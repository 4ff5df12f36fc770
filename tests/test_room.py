"""Hearing in a real room with the real Korean engine: chatter, doubt, and pauses."""

from __future__ import annotations

import ctypes
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Callable

import numpy as np
import pytest

from voice.audio import FileSource, read_wav, room_tone, write_wav, AudioChunk
from voice.conversation import Conversation, Options, State
from voice import assistant
from voice.decision import Decision, Thresholds
from voice.knowledge import Confirm
from voice.recognizer import Complete, End, Heard, Limits, VoskRecognizer
from voice.resolver import Context, Pregnancy, Resolver
from voice.settings import Settings

HEADACHE = "머리가 아파요"          # "my head hurts"
BACK_PAIN = "허리가 아파요"         # "my lower back hurts"
LEFT = "왼쪽"                       # "left"
ELBOW_PAIN = "팔꿈치가 아파요"      # "my elbow hurts"


def samples(path: Path) -> np.ndarray:
    return np.frombuffer(read_wav(path).audio, dtype="<i2").astype(np.float64) / 32768.0


def wav(path: Path, *parts: np.ndarray) -> Path:
    signal = np.concatenate(parts)
    write_wav(path, AudioChunk((np.clip(signal, -1, 1) * 32767).astype("<i2").tobytes(), 16000))
    return path


def quiet(seconds: float) -> np.ndarray:
    return np.frombuffer(room_tone(seconds).audio, dtype="<i2").astype(np.float64) / 32768.0


def talk(korean: Resolver, state: State = State.WHERE, confirm: Confirm | None = None) -> Conversation:
    conversation = Conversation(korean, Context(), Options(korean.language.wake_phrase, home=state is State.IDLE,
                                                           confirm=confirm))
    conversation.start()
    return conversation


def heard_all(recognizer: VoskRecognizer, conversation: Conversation, paths: list[Path]) -> list[Heard]:
    source = FileSource(paths, gap_seconds=1.5)
    heard = []
    for _ in range(30):  # bounded: never hangs
        utterance = recognizer.listen(source, Limits(), complete=conversation.complete)
        if utterance is None:
            return heard
        if utterance.end is not End.SILENCE:
            heard.append(utterance)
    raise AssertionError("the source never ended")


def hear(conversation: Conversation, heard: Heard) -> Decision | None:
    return conversation.hear(heard.raw, [(word.text, word.confidence) for word in heard.words]).decision


def test_chatter_is_not_answered(recognizer, korean, chatter: Path) -> None:
    conversation = talk(korean)
    decisions = [hear(conversation, heard) for heard in heard_all(recognizer, conversation, [chatter] * 2)]
    assert Decision.ANSWERED not in decisions and conversation.state is not State.INSTRUCTED, decisions


def test_chatter_does_not_answer_the_pregnancy_question(recognizer, korean, chatter: Path) -> None:
    conversation = talk(korean)
    conversation.hear(HEADACHE)  # typed: sure; the head's points ask about pregnancy first
    assert conversation.state is State.PREGNANCY
    for heard in heard_all(recognizer, conversation, [chatter] * 2):
        hear(conversation, heard)
    assert conversation.state is State.PREGNANCY and conversation.context.pregnancy.value == "unknown"


def test_chatter_does_not_wake_it(recognizer, korean, chatter: Path) -> None:
    conversation = talk(korean, State.IDLE)
    for heard in heard_all(recognizer, conversation, [chatter] * 2):
        hear(conversation, heard)
    assert conversation.state is State.IDLE


def test_a_sure_request_is_answered_at_once_when_only_doubt_asks_back(recognizer, korean, speak_ko) -> None:
    conversation = talk(korean, confirm=Confirm.UNSURE)
    heard = heard_all(recognizer, conversation, [speak_ko(HEADACHE)])
    assert len(heard) == 1 and heard[0].confidence > 0
    reply = conversation.hear(heard[0].raw, [(word.text, word.confidence) for word in heard[0].words])
    assert reply.decision is Decision.ANSWERED
    assert reply.spoken[0].startswith("머리.")  # the echo first


def test_an_incomplete_utterance_waits_for_the_rest(recognizer, korean, speak_ko, tmp_path: Path) -> None:
    # "left ... (a pause) ... my elbow hurts": one request, not two
    paused = wav(tmp_path / "paused.wav", samples(speak_ko(LEFT)), quiet(0.6), samples(speak_ko(ELBOW_PAIN)))
    conversation = talk(korean)
    heard = heard_all(recognizer, conversation, [paused])
    assert len(heard) == 1, [h.text for h in heard]


def test_a_complete_request_ends_quickly(recognizer, korean, speak_ko, tmp_path: Path) -> None:
    # "my head hurts ... (a second's pause) ... my lower back hurts": two requests
    speech = samples(speak_ko(HEADACHE))
    two = wav(tmp_path / "two.wav", speech, quiet(1.0), samples(speak_ko(BACK_PAIN)))
    conversation = talk(korean)
    heard = heard_all(recognizer, conversation, [two])
    assert [korean.resolve(h.text).pain.area for h in heard] == ["head", "lower_back"]
    assert heard[0].audio_seconds - speech.size / 16000 < 0.4  # the end of speech is found within 0.4 s


# ---------------------------------------------------------------- a television in the room

MIX_FRAME = 2048
"""Samples per frame when comparing loudness, as bench/room.py (and Picovoice's benchmark) does."""


def new_recognizer(korean_model: object, korean: Resolver, korean_model_path: Path) -> VoskRecognizer:
    """A recognizer that has heard nothing yet: what its detector learns of the room and what
    Vosk adapts to come from this test's audio only."""
    return VoskRecognizer(korean_model, korean.vocabulary() + korean.language.wake_phrase.split(),
                          korean_model_path)


@pytest.fixture
def fresh(korean_model, korean: Resolver, korean_model_path: Path) -> VoskRecognizer:
    return new_recognizer(korean_model, korean, korean_model_path)


def loudest_frame(signal: np.ndarray) -> float:
    frames = signal[: signal.size // MIX_FRAME * MIX_FRAME].reshape(-1, MIX_FRAME)
    return float((frames**2).sum(axis=1).max())


def over_chatter(chatter: Path, speech: np.ndarray, snr: float, before: float,
                 after: float) -> tuple[np.ndarray, float]:
    """A quiet second, then the television, and after `before` seconds of it the person says
    `speech`, `snr` dB above it (loudest frames); and when the speech ends, in seconds."""
    rate, lead = 16000, quiet(1.0)
    television = np.resize(samples(chatter), round((before + after) * rate) + speech.size)
    television *= np.sqrt(loudest_frame(speech) / (loudest_frame(television) * 10 ** (snr / 10)))
    television[round(before * rate):round(before * rate) + speech.size] += speech
    return np.concatenate([lead, television]), (lead.size + round(before * rate) + speech.size) / rate


def timed(recognizer: VoskRecognizer, path: Path, complete: Complete | None) -> list[tuple[Heard, float]]:
    """Every utterance heard in the file, with the audio time it ended at."""
    source, fed, heard = FileSource([path], gap_seconds=0.5), 0.0, []
    for _ in range(30):  # bounded: never hangs
        utterance = recognizer.listen(source, Limits(), complete=complete)
        if utterance is None:
            return heard
        fed += utterance.audio_seconds
        if utterance.end is not End.SILENCE:
            heard.append((utterance, fed))
    raise AssertionError("the source never ended")


def test_a_request_over_chatter_ends_with_it_and_is_answered(korean_model, korean, korean_model_path, chatter: Path,
                                                             speak_ko, tmp_path: Path) -> None:
    """The television talks for 7.5 s, then "my shoulder hurts" 12 dB above it, then it goes on.
    Under twelve draws of Kaldi's dither (which changes what the small model hears over chatter:
    this test failed or passed with the tests run before it), the request always ends with the
    speech, never at the 12 s limit, and is never answered as another place (the Korean pack
    asks every place back); the shoulder is answered or asked back in about half of them (7 of 12
    when this was written)."""
    signal, speech_end = over_chatter(chatter, samples(speak_ko(SHOULDER_PAIN)), snr=12, before=7.5, after=4.0)
    path = wav(tmp_path / "television.wav", signal)
    shoulder = 0
    for seed in range(12):
        recognizer = new_recognizer(korean_model, korean, korean_model_path)  # as if the first test run
        ctypes.CDLL(None).srand(seed)
        conversation = talk(korean)
        [(request, ended_at)] = timed(recognizer, path, conversation.complete)  # the television alone is never one
        assert abs(ended_at - speech_end) < 1.0, (seed, ended_at, speech_end)  # not at the 12 s limit
        reply = conversation.hear(request.raw, [(word.text, word.confidence) for word in request.words])
        assert reply.decision in (Decision.ANSWERED, Decision.CONFIRM, Decision.REJECTED), (seed, reply.decision)
        if reply.decision is Decision.ANSWERED:  # another place is at most asked back ("엄지발가락, 맞아요?")
            assert reply.spoken[0].startswith("어깨"), (seed, request.raw)
        shoulder += reply.decision is not Decision.REJECTED and reply.spoken[0].startswith("어깨")
    assert shoulder >= 6, shoulder


def test_a_television_switched_on_is_not_taken_for_a_request(fresh, korean, chatter: Path, tmp_path: Path) -> None:
    # a quiet room, then the television for 9 s: taken for a person at first, then for the room
    conversation = talk(korean)
    television = np.resize(samples(chatter), 9 * 16000)
    heard = timed(fresh, wav(tmp_path / "television.wav", quiet(1.0), television), conversation.complete)
    assert all(hear(conversation, utterance) is Decision.REJECTED for utterance, _ in heard), \
        [utterance.raw for utterance, _ in heard]
    assert all(utterance.end is not End.LIMIT for utterance, _ in heard)


def test_a_soft_voice_in_a_quiet_room_is_heard_as_a_loud_one_is(fresh, speak_ko, tmp_path: Path) -> None:
    # "my head hurts" at espeak-ng's full voice and 20 dB softer: found and ended alike (what the
    # small model makes of the soft one is its own matter: it hears fewer words in it)
    speech = samples(speak_ko(HEADACHE))
    ends = []
    for gain in (1.0, 0.1):
        [(heard, ended_at)] = timed(fresh, wav(tmp_path / f"{gain}.wav", quiet(1.0), gain * speech), None)
        assert heard.end is End.ENDPOINT and heard.words, (gain, heard)
        ends.append(ended_at)
    assert abs(ends[0] - ends[1]) < 0.1, ends


# ---------------------------------------------------------------- doubt, with real audio
# espeak-ng's Korean with white noise from a fixed seed, so the audio is the same on every run;
# each was found by trying speeds, noise levels and seeds until the engine heard it with the doubt
# wanted. The engine hears the same audio alike only from the same state: Kaldi dithers what Vosk
# hears with the C library's rand(), whose state is the whole process's (seeded here before each
# utterance), and a recognizer adapts to what it heard before (one of the test's own).

SHOULDER_PAIN = "어깨가 아파요"     # "my shoulder hurts"
YES, NO = "네", "아니요"
DOUBTFUL_SHOULDER = (175, 0.004, 1)  # (words a minute, noise, seed): 어깨 heard at 0.57
SURE_YES = (130, 0.004, 0)           # 네 heard at 1.0
DOUBTFUL_NO = (175, 0.004, 0)        # 아니요 heard at 0.58 (seeds 0-2 and noise 0.006 alike: 0.56-0.61)
SURE_NO = (130, 0.004, 0)            # 아니요 heard at 1.0

def in_noise(folder: Path, text: str, speed: int, level: float, seed: int) -> Path:
    """`text` spoken by espeak-ng at `speed` words a minute, with white noise of `level` (RMS, full
    scale 1) from `seed`."""
    clean = folder / f"clean-{speed}.wav"
    subprocess.run(["espeak-ng", "-v", "ko", "-s", str(speed), "-w", str(clean), text], check=True, timeout=30)
    speech = samples(clean)
    return wav(folder / f"{speed}-{level}-{seed}.wav", speech + np.random.default_rng(seed).normal(0, level, speech.size))


def heard_alike(recognizer: VoskRecognizer, conversation: Conversation, path: Path) -> Heard:
    """The one utterance in the file, heard as it is heard on every run."""
    ctypes.CDLL(None).srand(0)
    [heard] = heard_all(recognizer, conversation, [path])
    return heard


def hear_one(recognizer: VoskRecognizer, conversation: Conversation, path: Path) -> list[str]:
    """What the assistant says to the one utterance in the file."""
    heard = heard_alike(recognizer, conversation, path)
    return conversation.hear(heard.raw, [(word.text, word.confidence) for word in heard.words]).spoken


def test_a_place_heard_with_doubt_is_asked_back_and_yes_answers_it(fresh, korean, tmp_path: Path) -> None:
    conversation = talk(korean, confirm=Confirm.UNSURE)  # only a place heard with doubt is asked back
    asked = hear_one(fresh, conversation, in_noise(tmp_path, SHOULDER_PAIN, *DOUBTFUL_SHOULDER))
    assert asked == [korean.language.say["confirm"].format(pain="어깨")]  # "Shoulder, is that right?"
    answer = hear_one(fresh, conversation, in_noise(tmp_path, YES, *SURE_YES))
    assert answer[0].startswith("어깨.") and conversation.state is State.INSTRUCTED


def test_a_doubtful_no_to_the_pregnancy_question_is_asked_again_not_taken(fresh, korean, tmp_path: Path) -> None:
    conversation = talk(korean)
    conversation.hear(HEADACHE)  # typed: sure; the head's points ask about pregnancy first
    assert conversation.state is State.PREGNANCY
    again = hear_one(fresh, conversation, in_noise(tmp_path, NO, *DOUBTFUL_NO))
    assert again == [korean.language.say["pregnancy_unclear"]]
    assert conversation.state is State.PREGNANCY and conversation.context.pregnancy is Pregnancy.UNKNOWN
    taken = hear_one(fresh, conversation, in_noise(tmp_path, NO, *SURE_NO))  # the same word heard surely
    assert conversation.context.pregnancy is Pregnancy.NO and conversation.state is State.INSTRUCTED, taken


def test_with_the_always_policy_a_sure_place_is_asked_back_too(fresh, korean, speak_ko, tmp_path: Path) -> None:
    conversation = talk(korean)  # the Korean pack's policy: its model's confidence does not tell
    heard = heard_alike(fresh, conversation, speak_ko(HEADACHE))
    assert heard.confidence >= Thresholds().sure  # heard without any doubt
    reply = conversation.hear(heard.raw, [(word.text, word.confidence) for word in heard.words])
    assert reply.spoken == [korean.language.say["confirm"].format(pain="머리")]
    answer = hear_one(fresh, conversation, in_noise(tmp_path, YES, *SURE_YES))
    assert answer[0].startswith("머리.")


# ---------------------------------------------------------------- the decision, word by word


def sure(text: str) -> list[tuple[str, float]]:
    return [(word, 1.0) for word in text.split()]


def doubtful(text: str, confidence: float = 0.6) -> list[tuple[str, float]]:
    return [(word, confidence) for word in text.split()]


@pytest.fixture
def session(resolver: Resolver) -> Conversation:
    conversation = Conversation(resolver, Context(), Options("hello helper"))
    conversation.start()
    return conversation


def test_a_doubtful_place_is_asked_back_and_yes_answers_it(session: Conversation) -> None:
    reply = session.hear("my left knee hurts", doubtful("my left knee hurts"))
    assert reply.decision is Decision.CONFIRM and reply.spoken == ["Did you say your left knee?"]
    answer = session.hear("yes", sure("yes"))
    assert answer.decision is Decision.ANSWERED and answer.spoken[0].startswith("Your left knee.")


def test_no_to_the_question_asks_where_again(session: Conversation) -> None:
    session.hear("my left knee hurts", doubtful("my left knee hurts"))
    reply = session.hear("no", sure("no"))
    assert session.state is State.WHERE and reply.spoken == [session.resolver.language.say["corrected"]]


def test_a_doubtful_no_to_the_pregnancy_question_is_asked_again(session: Conversation) -> None:
    session.hear("I have a headache")
    assert session.state is State.PREGNANCY
    reply = session.hear("no", doubtful("no"))
    assert session.state is State.PREGNANCY and session.context.pregnancy.value == "unknown"
    assert reply.spoken == [session.resolver.language.say["pregnancy_unclear"]]
    assert session.hear("no", sure("no")).decision is Decision.ANSWERED


def test_a_doubtful_stop_does_not_end_the_session(session: Conversation) -> None:
    reply = session.hear("stop", doubtful("stop"))
    assert not session.ended and reply.decision is Decision.REJECTED
    assert session.hear("stop", sure("stop")).decision is Decision.COMMAND and session.ended


def test_noise_is_never_answered_and_said_only_once(session: Conversation) -> None:
    first = session.hear("my left knee hurts", doubtful("my left knee hurts", 0.2))
    second = session.hear("my neck hurts", doubtful("my neck hurts", 0.2))
    assert first.decision is second.decision is Decision.REJECTED
    assert first.spoken == [session.resolver.language.say["not_caught"]] and second.spoken == []


def test_filler_words_do_not_make_a_sure_place_doubtful(session: Conversation) -> None:
    words = [("my", 0.3), ("left", 1.0), ("knee", 0.99), ("hurts", 0.4)]
    assert session.hear("my left knee hurts", words).decision is Decision.ANSWERED


def test_talk_too_long_to_be_a_request_is_not_answered(session: Conversation) -> None:
    text = "and then my knee was the one that the doctor looked at before we went home for the day"
    assert session.hear(text, sure(text)).decision is Decision.REJECTED


def test_the_thresholds_are_a_setting(resolver: Resolver) -> None:
    strict = Conversation(resolver, Context(), Options("hello helper", thresholds=Thresholds(sure=1.0)))
    strict.start()
    assert strict.hear("my neck hurts", doubtful("my neck hurts", 0.99)).decision is Decision.CONFIRM


@pytest.mark.parametrize("language, setting, asked", [
    ("en", None, False), ("en", "always", True), ("ko", None, True), ("ko", "unsure", False)])
def test_which_places_are_asked_back_is_the_packs_unless_set(language: str, setting: str | None, asked: bool) -> None:
    settings = Settings(language=language, confirm=setting)
    conversation = assistant.conversation(settings, assistant.answering(settings))
    conversation.start()
    place, question = {"en": ("my left knee hurts", "Did you say your left knee?"),
                       "ko": ("왼쪽 무릎이 아파요", "왼쪽 무릎, 맞아요?")}[language]
    reply = conversation.hear(place, sure(place))  # heard without any doubt
    assert (reply.spoken == [question]) is asked, reply.spoken


def test_only_a_yes_said_alone_answers_the_question(session: Conversation) -> None:
    session.hear("my left knee hurts", doubtful("my left knee hurts"))
    question = "Did you say your left knee?"
    assert session.hear("well yes", sure("well yes")).spoken == [question]  # a yes in other words: asked again
    assert session.hear("yes", sure("yes")).spoken[0].startswith("Your left knee.")


# ---------------------------------------------------------------- listen --json


def listen_json(tmp_path: Path, model: Path, *args: str) -> list[dict]:
    env = {**os.environ, "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "voice", "listen", "--json", "--lang", "ko", "--model", str(model),
                             *args], capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_listen_once_json_says_how_sure_and_what_was_decided(tmp_path, korean_model_path, speak_ko) -> None:
    [asked] = listen_json(tmp_path, korean_model_path, "--once", "--input", str(speak_ko(HEADACHE)))
    assert asked["decision"] == "confirm" and asked["pain"]["area"] == "head"  # the Korean pack asks back
    [answer] = listen_json(tmp_path, korean_model_path, "--once", "--confirm", "unsure",
                           "--input", str(speak_ko(HEADACHE)))
    assert answer["decision"] == "answered" and answer["pain"]["area"] == "head"
    assert 0 < answer["confidence"] <= 1 and all(0 < word["confidence"] <= 1 for word in answer["words"])


def test_listen_json_prints_every_utterance_of_a_session(tmp_path, korean_model_path, speak_ko, chatter) -> None:
    lines = listen_json(tmp_path, korean_model_path, "--text-only", "--input",
                        str(speak_ko(HEADACHE)), str(chatter), str(speak_ko("네")), str(speak_ko("멈춰")))
    decisions = [line["decision"] for line in lines]
    assert decisions[0] == "confirm" and decisions[-2:] == ["answered", "command"]  # head?; yes; stop
    assert all(decision == "rejected" for decision in decisions[1:-2])  # the chatter, shown too
    assert {"heard", "confidence", "decision", "pain", "speech"} <= set(lines[0])
