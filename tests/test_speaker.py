"""Where speech goes: the real espeak-ng renderer played on a loudspeaker that can be cut off.

The loudspeaker is the fake sounddevice module of conftest.py (the hardware edge)."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Iterator

import pytest

from voice import devices
from voice.audio import read_wav, tone
from voice.speaker import SoundSpeaker, TextSpeaker, WavSpeaker
from voice.speech import Pyttsx3Renderer, Voice

from conftest import Loudspeaker

LONG = " ".join(["Press gently in small circles, and breathe slowly while you press."] * 4)
CUT_OFF = 0.5
"""Seconds from stop() to silence, at most."""


@pytest.fixture(scope="module")
def renderer() -> Iterator[Pyttsx3Renderer]:
    engine = Pyttsx3Renderer(Voice())
    yield engine
    engine.close()


def test_stop_silences_speech_that_is_playing(loudspeaker: Loudspeaker, renderer) -> None:
    speaker = SoundSpeaker(renderer, devices.Player())
    talk = threading.Thread(target=speaker.say, args=((LONG,),), daemon=True)
    talk.start()
    while not loudspeaker.playing():
        time.sleep(0.01)
    time.sleep(0.3)
    stopped = time.monotonic()
    speaker.stop()
    talk.join(CUT_OFF)
    assert not talk.is_alive(), "say() kept going after stop()"
    sound = loudspeaker.sounds[0]
    assert sound["length"] > 5 and sound["end"] - stopped < CUT_OFF
    assert sound["end"] - sound["start"] < 2  # cut off, not played to the end


def test_after_a_stop_the_next_words_play_whole(loudspeaker: Loudspeaker, renderer) -> None:
    speaker = SoundSpeaker(renderer, devices.Player())
    speaker.stop()
    speaker.say(("Press gently.",))
    speaker.play(tone(440.0, 0.2))
    assert len(loudspeaker.sounds) == 2
    for sound in loudspeaker.sounds:
        assert sound["end"] - sound["start"] == pytest.approx(sound["length"], abs=0.1)


def test_stop_while_rendering_plays_nothing(loudspeaker: Loudspeaker, renderer) -> None:
    speaker = SoundSpeaker(renderer, devices.Player())
    talk = threading.Thread(target=speaker.say, args=((" ".join([LONG] * 10),),), daemon=True)
    talk.start()
    time.sleep(0.05)
    speaker.stop()
    talk.join(5)
    assert not talk.is_alive() and loudspeaker.sounds == []


def test_wav_speaker_files_appear_only_complete(renderer, tmp_path: Path) -> None:
    speaker = WavSpeaker(renderer, tmp_path)
    speaker.say(("Press gently.",))
    speaker.play(tone(440.0, 0.2))
    assert [path.name for path in sorted(tmp_path.iterdir())] == ["001-say.wav", "002-cue.wav"]


def test_a_link_planted_in_the_speech_folder_is_never_written_through(renderer, tmp_path: Path) -> None:
    """The scratch file once had a name anyone could guess (.writing-<pid>-say.wav) and was opened
    following links: the file it pointed to was overwritten, and the numbered file became a link."""
    precious = tmp_path / "precious.txt"
    precious.write_text("the user's own file\n")
    out = tmp_path / "out"
    out.mkdir()
    planted = [out / f".writing-{os.getpid()}-{kind}.wav" for kind in ("say", "cue")]
    for link in planted:
        link.symlink_to(precious)
    speaker = WavSpeaker(renderer, out)
    speaker.say(("Press gently.",))
    speaker.play(tone(440.0, 0.2))
    assert precious.read_text() == "the user's own file\n"
    for name in ("001-say.wav", "002-cue.wav"):
        assert not (out / name).is_symlink() and read_wav(out / name).seconds > 0.1
    assert sorted(out.iterdir()) == sorted([*planted, out / "001-say.wav", out / "002-cue.wav"])


STEPS = ("Press gently.", "Then make small circles, and breathe slowly while you press the point.", "Rest.")


def test_it_tells_how_many_sentences_were_heard_whole_before_a_stop(loudspeaker: Loudspeaker, renderer) -> None:
    """What "wait" … "go on" carries on from: a stop in the second sentence leaves one said."""
    first = renderer.render(STEPS[0]).seconds
    for stop_after, heard_whole in ((0.2, 0), (first + 0.5, 1)):
        speaker = SoundSpeaker(renderer, devices.Player())
        said: list[int] = []
        talk = threading.Thread(target=lambda: said.append(speaker.say(STEPS)), daemon=True)
        talk.start()
        while not loudspeaker.playing():
            time.sleep(0.01)
        time.sleep(stop_after)
        speaker.stop()
        talk.join(CUT_OFF)
        assert said == [heard_whole]
    assert speaker.say(STEPS) == len(STEPS)  # not stopped: all of them


def test_files_and_text_are_never_cut_off(renderer, tmp_path: Path) -> None:
    assert WavSpeaker(renderer, tmp_path).say(STEPS) == len(STEPS)
    assert TextSpeaker().say(STEPS) == len(STEPS)
