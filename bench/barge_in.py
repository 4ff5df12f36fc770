"""Benchmark of barge-in: from the start of a spoken "quiet" over the assistant's speech to silence.

Run: .venv/bin/python bench/barge_in.py   (Korean test model, espeak-ng speech; prints a
Markdown table for the README; --json for the numbers, --details for one line per trial)

What is measured:
- a real Session as `acupressure listen` builds it (Vosk with the pack's grammar, barge-in
  from the pack's barge_in phrases, pyttsx3 rendering, a SoundSpeaker whose player is
  sounddevice) on a live MicrophoneSource. sounddevice is the room simulation of
  tests/room.py: what the loudspeaker plays reaches the microphone at ECHO of its level
  (echo cancellation leaves about 30 dB less), mixed with the person's voice and room noise,
  in real time (speedup 1).
- each trial: the assistant says one of the pack's sentences; OFFSETS seconds after its sound
  starts, the person says the pack's barge-in word for "stop" (espeak-ng, 150 words a minute).
- start of the word to silence: room time from the first loud 10 ms of the word to the
  block in which the loudspeaker went silent (0.1 s blocks: figures are to 0.1 s).
- end of the word to silence: the same from the word's last loud 10 ms.
- missed: trials in which the speech played on to its end (trials in which the sentence ended
  before the word did are left out).
- self-interruptions: the same sentences with nobody speaking, the echo at full level
  (no echo cancellation): how often it stopped itself; then the same over every sentence of
  the pack's `say:` (each blank filled with an area's name), unless --quick.

--stop-word measures another word than the pack's first "stop" phrase (it is made a stop
phrase for the run): how fast and how reliably each candidate is heard.
"""

from __future__ import annotations

import argparse
import string
import sys
from dataclasses import replace
import tempfile
from pathlib import Path
from typing import Any

from common import app_recognizer, default_model, describe, figures, machine, model_label, print_report, synthesize

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from room import BLOCK, BLOCK_SECONDS, Room, room_sounddevice, speech_span  # noqa: E402

from voice.audio import read_wav  # noqa: E402
from voice.assistant import barge_in  # noqa: E402
from voice.conversation import Conversation, Options, Reply, Say  # noqa: E402
from voice.devices import MicrophoneSource, Player  # noqa: E402
from voice.knowledge import load  # noqa: E402
from voice.recognizer import Limits, load_model  # noqa: E402
from voice.resolver import Context, Resolver  # noqa: E402
from voice.session import Session  # noqa: E402
from voice.settings import Settings  # noqa: E402
from voice.speaker import SoundSpeaker  # noqa: E402
from voice.speech import Pyttsx3Renderer, Voice  # noqa: E402

ECHO = 0.03
"""The loudspeaker's level at the microphone with echo cancellation (-30 dB)."""
OFFSETS = (1.0, 2.0, 3.0)
"""Seconds into the sentence at which the person starts speaking."""
SENTENCES = ("greeting", "help_where", "ask_pregnancy", "help_instructed", "times_up", "offer_next_sided")


def session_in(room: Room, resolver: Resolver, recognizer: Any) -> Session:
    sys.modules["sounddevice"] = room_sounddevice(room)
    source = MicrophoneSource("Room", rate=16000)
    speaker = SoundSpeaker(Pyttsx3Renderer(Voice(voice=resolver.language.voice)), Player("Room loudspeaker"))
    conversation = Conversation(resolver, Context(), Options(resolver.language.wake_phrase))
    return Session(conversation, recognizer, source, speaker, Voice(voice=resolver.language.voice), cues=False,
                   show=lambda line: None, limits=Limits(), barge_in=barge_in(Settings(), resolver, recognizer))


def trial(session: Session, room: Room, text: str, word: Any, offset: float) -> dict[str, Any]:
    """Say `text`; the person says `word` `offset` seconds into it."""
    said: list[int] = []

    def person(blocks: int) -> None:
        if not said:
            said.append(room.add(word, delay_blocks=round(offset / BLOCK_SECONDS)) - word.samples // BLOCK)

    room.on_play = person
    before = len(session.interruptions)
    if not spoken(session, text):
        return {"sentence": text[:30], "offset_s": offset, "heard": None, "lost": True, "played_s": 0.0,
                "start_to_silence_s": None, "end_to_silence_s": None}
    sound = room.sounds[-1]
    start, end = speech_span(word)
    heard = len(session.interruptions) > before
    played = (sound["end"] - sound["start"]) * BLOCK_SECONDS
    if not heard and played < offset + end:  # the sentence ended before the word did: nothing to cut
        return {"sentence": text[:30], "offset_s": offset, "heard": None, "played_s": played,
                "start_to_silence_s": None, "end_to_silence_s": None}
    return {"sentence": text[:30], "offset_s": offset, "heard": heard, "played_s": played,
            "start_to_silence_s": (sound["end"] - said[0]) * BLOCK_SECONDS - start if heard else None,
            "end_to_silence_s": (sound["end"] - said[0]) * BLOCK_SECONDS - end if heard else None}


def every_sentence(resolver: Resolver) -> list[str]:
    """Each of the pack's sentences, its blanks ({pain}, {target} ...) filled with an area's name."""
    area = next(iter(resolver.language.area_names.values()))[0]
    blanks = lambda text: {name: area for _, name, _, _ in string.Formatter().parse(text) if name}  # noqa: E731
    return [text.format(**blanks(text)) for text in resolver.language.say.values()]


def spoken(session: Session, text: str) -> bool:
    """Say the text; False when the room fell so far behind real time (a heavily loaded
    machine) that the speaker gave up and the session carried on in text (then the sound
    speaker is put back, and the trial does not count)."""
    speaker = session.speaker
    session._perform(Reply((Say(text),)))
    if session.speaker is speaker:
        return True
    session.speaker = speaker
    return False


def self_trial(session: Session, room: Room, text: str) -> bool | None:
    """Whether it stopped itself; None when the trial was lost (see spoken())."""
    room.on_play = lambda blocks: None
    before = len(session.interruptions)
    if not spoken(session, text):
        return None
    return len(session.interruptions) > before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--details", action="store_true")
    parser.add_argument("--quick", action="store_true", help="self-interruptions over the six sentences only")
    parser.add_argument("--stop-word", help="the Korean word the person says for stop (default: the pack's first)")
    args = parser.parse_args()
    path = default_model()
    library = load("ko")
    if args.stop_word:
        phrases = {**library.language.barge_in, "stop": (args.stop_word,)}
        library = replace(library, language=replace(library.language, barge_in=phrases))
    resolver = Resolver(library)
    recognizer = app_recognizer(load_model(path), resolver, path)
    stop_word = resolver.language.barge_in["stop"][0]
    with tempfile.TemporaryDirectory() as folder:
        word = read_wav(synthesize([stop_word], "ko", Path(folder))[0])
    texts = [resolver.language.say[key] for key in SENTENCES]
    room = Room(speedup=1.0, echo=ECHO)
    session = session_in(room, resolver, recognizer)
    trials = [trial(session, room, text, word, offset) for text in texts for offset in OFFSETS]
    room.echo = 1.0
    selves = [self_trial(session, room, text) for text in texts]
    everything = [] if args.quick else every_sentence(resolver)
    all_selves = {text[:30]: self_trial(session, room, text) for text in everything}
    room.close()
    lost = sum(run.get("lost", False) for run in trials) + [*selves, *all_selves.values()].count(None)
    heard = [run for run in trials if run["heard"]]
    report = {
        "machine": machine(model_label(path, packaged=True)), "word": stop_word, "echo": ECHO,
        "trials": sum(run["heard"] is not None for run in trials), "missed": sum(run["heard"] is False for run in trials),
        "start_to_silence_s": figures([run["start_to_silence_s"] for run in heard]),
        "end_to_silence_s": figures([run["end_to_silence_s"] for run in heard]),
        "word_s": round(speech_span(word)[1] - speech_span(word)[0], 2),
        "self_interruptions": selves.count(True), "self_trials": selves.count(True) + selves.count(False),
        "details": trials, "all_self_interruptions": [text for text, itself in all_selves.items() if itself],
        "all_self_trials": sum(itself is not None for itself in all_selves.values()), "lost": lost,
    }
    print_report(report, args.json, table, details if args.details else None)


def _s(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f} s"


def table(report: dict[str, Any]) -> str:
    start, end = report["start_to_silence_s"], report["end_to_silence_s"]
    return "\n".join([
        f"Machine: {describe(report['machine'])}",
        "",
        f"| barge-in with '{report['word']}' (spoken in {report['word_s']:.2f} s), echo {report['echo']} | figure |",
        "|---|---|",
        f"| start of the word to silence, median (max) | {_s(start['median'])} ({_s(start['max'])}) |",
        f"| end of the word to silence, median (max) | {_s(end['median'])} ({_s(end['max'])}) |",
        f"| missed | {report['missed']} of {report['trials']} |",
        *([f"| trials lost: the room fell behind real time (machine too loaded) | {report['lost']} |"]
          if report["lost"] else []),
        f"| self-interruptions, echo at full level | {report['self_interruptions']} of {report['self_trials']} |",
        *([f"| self-interruptions, echo at full level, every sentence of the pack | "
           f"{len(report['all_self_interruptions'])} of {report['all_self_trials']} |"] if report["all_self_trials"] else []),
    ])


def details(report: dict[str, Any]) -> str:
    trials = [f"{run['sentence']:<32} at {run['offset_s']:.0f} s: "
              f"{'LOST' if run.get('lost') else {True: 'heard', False: 'MISSED', None: 'ended first'}[run['heard']]}, played {run['played_s']:.1f} s, "
              f"start->silence {_s(run['start_to_silence_s'])}" for run in report["details"]]
    return "\n".join(trials + [f"stopped itself: {text}" for text in report["all_self_interruptions"]])


if __name__ == "__main__":
    main()
