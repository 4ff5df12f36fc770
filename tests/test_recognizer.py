"""The real Vosk engine with the Korean test model: WAV -> grammar-constrained text -> resolver."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from voice.audio import FileSource, read_wav, silence, write_wav
from voice.errors import ModelError
from voice.knowledge import load
from voice.recognizer import End, Limits, VoskRecognizer, build_grammar, load_model
from voice.resolver import Resolver

HEADACHE = "머리가 아파요"     # "my head hurts"
BACK_PAIN = "허리가 아파요"    # "my lower back hurts"
NECK_PAIN = "목이 아파요"      # "my neck hurts"
WEATHER = "오늘 날씨가 어때요"  # "how is the weather today" - out of the domain
CAT = "고양이가 귀여워요"       # "the cat is cute" - out of the domain


@pytest.fixture(scope="session")
def korean(korean_model_path: Path) -> Resolver:
    return Resolver(load("ko"))


@pytest.fixture(scope="session")
def recognizer(korean_model, korean: Resolver, korean_model_path: Path) -> VoskRecognizer:
    return VoskRecognizer(korean_model, korean.vocabulary(), korean_model_path)


def hear_all(recognizer: VoskRecognizer, paths: list[Path], limits: Limits = Limits()) -> list:
    source = FileSource(paths, gap_seconds=1.5)
    heard = []
    for _ in range(20):  # bounded: never hangs
        utterance = recognizer.listen(source, limits)
        if utterance is None:
            return heard
        heard.append(utterance)
    raise AssertionError("the source never ended")


def test_every_word_of_the_korean_pack_is_in_the_model(korean_model, korean: Resolver) -> None:
    grammar = build_grammar(korean_model, korean.vocabulary())
    assert grammar.missing == ()
    assert "팔꿈치" in grammar.phrases


def test_words_the_model_does_not_know_are_left_out(korean_model, caplog) -> None:
    grammar = build_grammar(korean_model, ["머리", "elbow", "왼쪽 elbow"])
    assert grammar.phrases == ("머리",)
    assert grammar.missing == ("elbow",)
    assert "elbow" in caplog.text


@pytest.mark.parametrize("text, area", [(HEADACHE, "head"), (BACK_PAIN, "lower_back"), (NECK_PAIN, "neck")])
def test_spoken_pain_reaches_the_resolver(recognizer, korean, speak_ko, text: str, area: str) -> None:
    heard = hear_all(recognizer, [speak_ko(text)])
    assert len(heard) == 1 and heard[0].end is End.ENDPOINT
    result = korean.resolve(heard[0].text)
    assert result.understood and result.pain.area == area, heard[0].text


@pytest.mark.parametrize("text", [WEATHER, CAT])
def test_the_grammar_keeps_out_of_domain_speech_out(recognizer, korean, speak_ko, text: str) -> None:
    for heard in hear_all(recognizer, [speak_ko(text)]):
        assert not korean.resolve(heard.text).understood, heard.text


def test_two_utterances_separated_by_silence_come_out_as_two(recognizer, korean, speak_ko) -> None:
    heard = hear_all(recognizer, [speak_ko(HEADACHE), speak_ko(BACK_PAIN)])
    assert [korean.resolve(h.text).pain.area for h in heard] == ["head", "lower_back"]


def test_a_44k_stereo_wav_works(recognizer, korean, speak_ko, tmp_path: Path) -> None:
    mono = np.frombuffer(read_wav(speak_ko(HEADACHE), rate=44100).audio, dtype="<i2")
    stereo = tmp_path / "stereo.wav"
    import wave
    with wave.open(str(stereo), "wb") as wav:
        wav.setnchannels(2)
        wav.setsampwidth(2)
        wav.setframerate(44100)
        wav.writeframes(np.repeat(mono, 2).astype("<i2").tobytes())
    heard = hear_all(recognizer, [stereo])
    assert korean.resolve(heard[0].text).pain.area == "head"


def test_silence_times_out(recognizer, tmp_path: Path) -> None:
    quiet = tmp_path / "quiet.wav"
    write_wav(quiet, silence(4.0))
    source = FileSource([quiet], gap_seconds=0.0)
    heard = recognizer.listen(source, Limits(silence_timeout=2.0))
    assert heard is not None and heard.end is End.SILENCE and heard.text == ""


def test_partial_results_are_reported(recognizer, speak_ko) -> None:
    partials: list[str] = []
    recognizer.listen(FileSource([speak_ko(HEADACHE)]), on_partial=partials.append)
    assert any("머리" in partial for partial in partials)


def test_open_vocabulary_is_not_bound_to_the_pack(korean_model, korean, speak_ko) -> None:
    open_recognizer = VoskRecognizer(korean_model, None)
    heard = hear_all(open_recognizer, [speak_ko(WEATHER)])
    words = {w for h in heard for w in h.text.split()}
    assert words and not words <= set(korean.vocabulary())


def test_a_folder_that_is_not_a_model(tmp_path: Path) -> None:
    (tmp_path / "am").mkdir()
    with pytest.raises(ModelError, match="not a Vosk model|missing"):
        load_model(tmp_path)
