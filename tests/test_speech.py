"""Speech out with the real pyttsx3 and espeak-ng, written to WAV files; no call can hang."""

from __future__ import annotations

import threading
import time
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

import numpy as np
import pytest
from pyttsx3.voice import Voice as EngineVoice

from voice import audio, devices
from voice.errors import SettingsError, SpeechError, VoiceError
from voice.settings import RATE_RANGE, VOLUME_RANGE
from voice.speaker import Speaker, TextSpeaker, WavSpeaker, pyttsx3_speaker
from voice.speech import (
    MAX_PIECE_CHARS,
    Cancelled,
    Voice,
    _pick_voice,
    _pieces,
    Runner,
    espeak_available,
    faster,
    louder,
    slower,
    softer,
)

LIMIT = 60.0
"""No single call in these tests may take longer than this many seconds."""
SPEECH_RMS = 300.0
"""Full-volume espeak speech measures about 3,000; silence 0."""
SHORT = "Press firmly."
LONG = (
    "Find the soft spot between your thumb and index finger, then press it firmly "
    "in small circles for one minute."
)
SENTENCE = "Press the point between your thumb and index finger for one minute."
KOREAN = "엄지와 검지 사이의 오목한 곳을 일 분 동안 꾹 누르세요."
TURNS = (
    "Hello.",
    "Where does it hurt?",
    "Press the point below your knee.",
    "Breathe slowly while you press, and relax your shoulders.",
    "That is one minute. Well done, you can stop now and rest.",
)


def within(seconds: float, work: Callable[..., Any], *args: Any) -> Any:
    """work(*args) on a helper thread; the test fails instead of hanging past `seconds`."""
    outcome: list[tuple[bool, Any]] = []

    def run() -> None:
        try:
            outcome.append((True, work(*args)))
        except BaseException as error:
            outcome.append((False, error))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        pytest.fail(f"{getattr(work, '__name__', work)} did not finish within {seconds} s")
    succeeded, value = outcome[0]
    if not succeeded:
        raise value
    return value


@dataclass(frozen=True)
class Sound:
    seconds: float
    rms: float


def measure(path: Path) -> Sound:
    """Length and loudness of a 16-bit mono PCM WAV file (any rate)."""
    with wave.open(str(path)) as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getcomptype()) == (1, 2, "NONE")
        samples = np.frombuffer(wav.readframes(wav.getnframes()), "<i2").astype(np.float64)
        seconds = wav.getnframes() / wav.getframerate()
    return Sound(seconds, float(np.sqrt(np.mean(samples**2))) if samples.size else 0.0)


def spoken(speaker: WavSpeaker, text: str) -> Sound:
    within(LIMIT, speaker.say, (text,))
    assert speaker.last_file is not None
    return measure(speaker.last_file)


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    return tmp_path / "out"


@pytest.fixture
def make_speaker(out_dir: Path) -> Iterator[Callable[..., WavSpeaker]]:
    speakers: list[WavSpeaker] = []

    def make(voice: Voice = Voice(), folder: Path | None = out_dir) -> WavSpeaker:
        speaker = within(LIMIT, pyttsx3_speaker, voice, folder)
        speakers.append(speaker)
        return speaker

    yield make
    for speaker in speakers:
        within(LIMIT, speaker.close)


# --- files and turns -------------------------------------------------------------


def test_five_turns_write_five_numbered_speech_files(make_speaker, out_dir) -> None:
    speaker = make_speaker()
    for text in TURNS:
        within(LIMIT, speaker.say, (text,))
    names = [f"00{number}-say.wav" for number in range(1, 6)]
    assert sorted(path.name for path in out_dir.iterdir()) == names
    assert speaker.files == [out_dir / name for name in names]
    assert speaker.last_file == out_dir / names[-1]
    for text, path in zip(TURNS, speaker.files):
        sound, words = measure(path), len(text.split())
        assert sound.rms > SPEECH_RMS, path
        assert 0.1 * words < sound.seconds < 1.0 * words + 1.0, (text, sound)


def test_longer_text_lasts_longer(make_speaker) -> None:
    speaker = make_speaker()
    short, long = spoken(speaker, SHORT), spoken(speaker, LONG)
    assert len(SHORT.split()) == 2 and len(LONG.split()) == 20
    assert long.seconds > 3 * short.seconds


def test_many_repeated_turns_keep_their_settings(make_speaker) -> None:
    speaker = make_speaker()
    voices = (Voice(rate=100, volume=1.0, voice="en"), Voice(rate=300, volume=0.4, voice="ko"))
    sounds: dict[Voice, list[Sound]] = {voice: [] for voice in voices}
    for turn in range(30):
        voice = voices[turn % 2]
        speaker.set_voice(voice)
        sounds[voice].append(spoken(speaker, SENTENCE))
    assert len(speaker.files) == 30
    for voice, measured in sounds.items():
        lengths, levels = [s.seconds for s in measured], [s.rms for s in measured]
        assert max(lengths) < 1.05 * min(lengths), (voice, lengths)
        assert max(levels) < 1.1 * min(levels), (voice, levels)
    slow, fast = (sounds[voice][0] for voice in voices)
    assert slow.seconds > 2 * fast.seconds and slow.rms > 2 * fast.rms


def test_existing_files_are_never_overwritten(make_speaker, out_dir) -> None:
    out_dir.mkdir()
    (out_dir / "007-say.wav").write_bytes(b"keep me")
    (out_dir / "notes.txt").write_text("mine")
    speaker = make_speaker()
    within(LIMIT, speaker.say, (SHORT,))
    within(LIMIT, speaker.play, audio.cue("done"))
    assert [path.name for path in speaker.files] == ["008-say.wav", "009-cue.wav"]
    assert (out_dir / "007-say.wav").read_bytes() == b"keep me"
    assert (out_dir / "notes.txt").read_text() == "mine"
    later = make_speaker()
    within(LIMIT, later.say, (SHORT,))
    assert later.files == [out_dir / "010-say.wav"]
    assert speaker.files == [out_dir / "008-say.wav", out_dir / "009-cue.wav"]


def test_play_writes_the_cue(make_speaker, out_dir) -> None:
    speaker = make_speaker()
    cue = audio.cue("listen")
    within(LIMIT, speaker.play, cue)
    assert speaker.files == [out_dir / "001-cue.wav"]
    with wave.open(str(out_dir / "001-cue.wav")) as wav:
        assert wav.getframerate() == cue.rate
        assert wav.readframes(wav.getnframes()) == cue.audio


def test_blank_text_writes_nothing(make_speaker, out_dir) -> None:
    speaker = make_speaker()
    within(LIMIT, speaker.say, ("  \n ",))
    assert speaker.files == [] and speaker.last_file is None
    assert list(out_dir.iterdir()) == []


def test_pyttsx3_messages_stay_off_stdout(make_speaker, capsys) -> None:
    speaker = make_speaker()
    within(LIMIT, speaker.say, (SHORT,))
    assert capsys.readouterr().out == ""


def test_long_text_is_spoken_in_pieces_as_one_file(make_speaker) -> None:
    text = " ".join([LONG] * 15)  # about 1,700 characters
    speaker = make_speaker()
    whole, one = spoken(speaker, text), spoken(speaker, LONG)
    assert len(speaker.files) == 2
    assert 12 * one.seconds < whole.seconds < 18 * one.seconds
    assert whole.rms > SPEECH_RMS


def test_pieces_are_short_and_keep_every_word() -> None:
    text = "One two.  Three four five!\n" + "x" * (2 * MAX_PIECE_CHARS + 5) + " " + LONG * 9
    pieces = _pieces(text)
    assert len(pieces) > 3 and all(0 < len(piece) <= MAX_PIECE_CHARS for piece in pieces)
    assert "".join("".join(pieces).split()) == "".join(text.split())
    assert _pieces("One two. Three.") == ["One two. Three."]
    assert _pieces(" \n ") == []


# --- voice -----------------------------------------------------------------------


def test_faster_is_shorter_and_slower_is_longer(make_speaker) -> None:
    base = Voice(rate=160)
    speaker = make_speaker(base)
    normal = spoken(speaker, SENTENCE)
    speaker.set_voice(faster(faster(faster(base))))
    quick = spoken(speaker, SENTENCE)
    speaker.set_voice(slower(slower(slower(base))))
    slow = spoken(speaker, SENTENCE)
    assert quick.seconds < 0.85 * normal.seconds
    assert slow.seconds > 1.3 * normal.seconds


def test_450_words_a_minute_is_faster_than_300(make_speaker) -> None:
    speaker = make_speaker(Voice(rate=300))
    at_300 = spoken(speaker, LONG)
    speaker.set_voice(Voice(rate=450))
    at_450 = spoken(speaker, LONG)
    assert at_450.rms > SPEECH_RMS and at_450.seconds < 0.8 * at_300.seconds


def test_softer_is_quieter_in_the_file(make_speaker) -> None:
    loud = Voice(volume=1.0)
    speaker = make_speaker(loud)
    full = spoken(speaker, SENTENCE)
    speaker.set_voice(softer(softer(softer(loud))))  # 0.4
    quiet = spoken(speaker, SENTENCE)
    assert 0.3 < quiet.rms / full.rms < 0.55
    assert quiet.seconds == pytest.approx(full.seconds, rel=0.05)
    assert quiet.rms > 0.2 * SPEECH_RMS


def test_korean_voice_speaks_korean(make_speaker) -> None:
    speaker = make_speaker(Voice(voice="ko"))
    sound = spoken(speaker, KOREAN)
    assert sound.rms > SPEECH_RMS
    assert 1.0 < sound.seconds < 15.0
    speaker.set_voice(Voice(voice="Korean"))
    assert spoken(speaker, KOREAN).seconds == pytest.approx(sound.seconds, rel=0.05)


def test_unknown_voice_is_an_error_listing_voices(make_speaker) -> None:
    listing = r"Unknown voice 'xx-nope'.*Afrikaans.*espeak-ng --voices"
    with pytest.raises(SpeechError, match=listing):
        make_speaker(Voice(voice="xx-nope"))
    speaker = make_speaker(Voice(voice="en"))
    with pytest.raises(SpeechError, match="Unknown voice 'xx-nope'"):
        speaker.set_voice(Voice(voice="xx-nope"))
    assert spoken(speaker, SHORT).rms > SPEECH_RMS


def test_voice_matching_prefers_id_then_language_then_name() -> None:
    voices = [
        EngineVoice("ine/hy", "Armenian (East Armenia)", ["hy"]),
        EngineVoice("gmw/en-029", "English (Caribbean)", ["en-029"]),
        EngineVoice("gmw/en", "English (Great Britain)", ["en-gb"]),
        EngineVoice("gmw/en-us", "English (America)", ["en-us"]),
        EngineVoice("ko", "Korean", ["ko"]),
    ]
    assert _pick_voice(voices, "en") == "gmw/en"
    assert _pick_voice(voices, "EN-US") == "gmw/en-us"
    assert _pick_voice(voices, "gmw/en-029") == "gmw/en-029"
    assert _pick_voice(voices, "ko") == "ko"
    assert _pick_voice(voices, "korean") == "ko"
    assert _pick_voice(voices, "america") == "gmw/en-us"
    assert _pick_voice(voices, "zz") is None
    assert _pick_voice(voices, " ") is None


def test_voice_helpers_step_and_clamp() -> None:
    voice = Voice(rate=160, volume=0.6)
    assert faster(voice).rate == 180 and slower(voice).rate == 140
    assert louder(voice).volume == 0.8 and softer(voice).volume == 0.4
    assert faster(Voice(rate=440)).rate == 450 and faster(Voice(rate=450)).rate == 450
    assert slower(Voice(rate=90)).rate == 80 and slower(Voice(rate=80)).rate == 80
    assert louder(Voice(volume=1.0)).volume == 1.0
    assert softer(Voice(volume=0.3)).volume == 0.1 and softer(Voice(volume=0.2)).volume == 0.1
    assert faster(Voice(voice="ko")).voice == "ko"


def test_softer_never_makes_the_softest_volume_louder() -> None:
    """The settings allow 0.1; "softer" there once jumped to the speech clamp's 0.2 (and saved it)."""
    from voice.settings import Settings, load_settings

    softest = Voice(volume=VOLUME_RANGE.low)
    assert softer(softest).volume == softest.volume == 0.1
    settings = load_settings(Path("/nonexistent/config.yaml"), {"volume": "0.1", "rate": "450"}).settings
    assert Voice(rate=settings.rate, volume=settings.volume) == Voice(rate=450, volume=0.1)


def test_faster_takes_bigger_steps_at_high_rates_and_slower_undoes_it() -> None:
    rates = [160]
    while rates[-1] < RATE_RANGE.high:
        rates.append(faster(Voice(rate=rates[-1])).rate)
    steps = [high - low for low, high in zip(rates, rates[1:])]
    assert rates[-1] == 450 and steps[0] == 20 and max(steps) >= 50
    assert steps[:-1] == sorted(steps[:-1])  # never smaller as it gets faster (the last is capped)
    assert len(rates) <= 12  # from the default to the fastest in a few commands
    for rate in rates[:-2]:  # the last step up is cut short at the fastest rate
        assert slower(faster(Voice(rate=rate))).rate == rate


def test_voice_rejects_impossible_values() -> None:
    with pytest.raises(SettingsError, match="rate"):
        Voice(rate=0)
    with pytest.raises(SettingsError, match="450"):
        Voice(rate=451)
    with pytest.raises(SettingsError, match="volume"):
        Voice(volume=1.5)


# --- stopping, closing, failing ------------------------------------------------------


def test_stop_cuts_off_speech_and_the_next_turn_works(make_speaker, out_dir) -> None:
    speaker = make_speaker()
    talk = threading.Thread(target=speaker.say, args=((" ".join([LONG] * 60),),), daemon=True)
    talk.start()
    time.sleep(0.2)
    speaker.stop()
    talk.join(LIMIT)
    assert not talk.is_alive()
    assert speaker.files == []
    assert spoken(speaker, SHORT).rms > SPEECH_RMS
    assert speaker.files == [out_dir / "001-say.wav"]


def test_stop_and_close_are_safe_at_any_time(make_speaker) -> None:
    speaker = make_speaker()
    speaker.stop()
    speaker.stop()
    assert spoken(speaker, SHORT).rms > SPEECH_RMS
    speaker.stop()
    assert spoken(speaker, SHORT).rms > SPEECH_RMS
    within(LIMIT, speaker.close)
    within(LIMIT, speaker.close)
    speaker.stop()
    with pytest.raises(SpeechError, match="closed"):
        speaker.say((SHORT,))


def test_runner_runs_what_waits_for_a_call_left_behind_before_returning() -> None:
    """Closing a renderer removes its scratch folder this way: the program may exit at once
    afterwards (a stop signal: os._exit), which would kill a helper thread left to do it."""
    runner, done = Runner(), []
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        runner.run(lambda: time.sleep(0.3), 5.0, "rendering", cancel)
    runner.after_calls(lambda: done.append(time.monotonic()), seconds=5.0)
    assert done  # not left to a thread the program's exit would kill
    with pytest.raises(Cancelled):
        runner.run(lambda: time.sleep(1.0), 5.0, "rendering", cancel)
    runner.after_calls(lambda: done.append(time.monotonic()), seconds=0.1)
    assert len(done) == 1  # a call still going past the wait: then() waits for it on a helper thread
    time.sleep(1.2)
    assert len(done) == 2


def test_speaking_aloud_without_a_sound_card_fails_clearly(make_speaker, out_dir) -> None:
    if devices.list_output_devices():
        pytest.skip("this machine has a speaker")
    speaker = make_speaker(folder=None)
    with pytest.raises(VoiceError, match="speaker"):
        within(LIMIT, speaker.say, (SHORT,))
    assert not out_dir.exists()


def test_runner_gives_up_instead_of_hanging() -> None:
    runner = Runner()
    assert runner.run(lambda: 42, 1.0, "answering") == 42
    with pytest.raises(ZeroDivisionError):
        runner.run(lambda: 1 / 0, 1.0, "dividing")
    started = time.monotonic()
    with pytest.raises(SpeechError, match="Gave up sleeping"):
        runner.run(lambda: time.sleep(1.5), 0.1, "sleeping")
    with pytest.raises(SpeechError, match="stuck"):
        runner.run(lambda: 42, 1.0, "answering")
    assert time.monotonic() - started < 1.0
    time.sleep(1.6)
    assert runner.run(lambda: 42, 1.0, "answering") == 42


def test_espeak_is_available() -> None:
    assert espeak_available()


def test_text_speaker_makes_no_sound(tmp_path, capsys) -> None:
    speaker: Speaker = TextSpeaker()
    speaker.set_voice(faster(Voice()))
    speaker.say((SHORT,))
    speaker.play(audio.cue("done"))
    speaker.stop()
    speaker.close()
    assert capsys.readouterr() == ("", "")
    assert list(tmp_path.iterdir()) == []
