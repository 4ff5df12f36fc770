"""Benchmark of barge-in: from the start of a spoken "quiet" over the assistant's speech to silence, and how often it stops or pauses itself.

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
  block in which the loudspeaker went silent (0.1 s blocks: figures are to 0.1 s). It falls
  silent when a voice starts over it (barge_in.OverTalk), before the word is known.
- end of the word to silence: the same from the word's last loud 10 ms (negative: silent
  before the word ended).
- start of the word to the turn ended: until the word was known as "stop" and the turn gave up.
- missed: trials in which the word was not known as "stop" and the speech carried on
  (trials in which the turn ended before the word did are left out).
- nobody speaking: the same sentences, with the echo as in the trials and at full level (no
  echo cancellation): how often it stopped itself (took its voice for a barge-in word) and how
  often it paused itself (took its voice for a person's); then the same over every sentence of
  the pack's `say:` (each blank filled with an area's name), unless --quick: at full level, or
  with --noise at the trials' echo (does the noise pause it?).
- --noise kitchen|chatter|fan [--snr DB]: that noise (bench/noise.py, as bench/room.py uses)
  plays under everything, DB below the person's word: how a noisy room pauses it.

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

import numpy as np

from common import app_recognizer, default_model, describe, figures, machine, model_label, print_report, synthesize
from noise import RATE, frame_peak, noises

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from room import BLOCK, BLOCK_SECONDS, Room, room_sounddevice, speech_span  # noqa: E402

from voice.audio import AudioChunk, read_wav  # noqa: E402
from voice.assistant import barge_in  # noqa: E402
from voice.barge_in import Interruption  # noqa: E402
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
    before, first = len(session.interruptions), len(room.sounds)
    result = {"sentence": text[:30], "offset_s": offset, "heard": None, "start_to_silence_s": None,
              "end_to_silence_s": None, "start_to_stop_s": None}
    if not spoken(session, text):
        return result | {"lost": True, "played_s": 0.0}
    ended = room.now
    sound = room.sounds[first]
    start, end = speech_span(word)
    heard = Interruption.STOP in list(session.interruptions)[before:]
    played = (sound["end"] - sound["start"]) * BLOCK_SECONDS
    carried_on = len(room.sounds) > first + 1
    if not heard and not carried_on:  # the turn ended before the word did: nothing left to cut
        return result | {"played_s": played}
    silent = (sound["end"] - said[0]) * BLOCK_SECONDS
    return result | {"heard": heard, "played_s": played, "start_to_silence_s": silent - start,
                     "end_to_silence_s": silent - end,
                     "start_to_stop_s": (ended - said[0]) * BLOCK_SECONDS - start if heard else None}


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


def self_trial(session: Session, room: Room, text: str) -> dict[str, Any] | None:
    """Nobody speaks: whether it stopped itself (an interruption) or paused itself (its sound was
    cut off); None when the trial was lost (see spoken())."""
    room.on_play = lambda blocks: None
    before, first = len(session.interruptions), len(room.sounds)
    if not spoken(session, text):
        return None
    sounds = room.sounds[first:]
    stopped = len(session.interruptions) > before
    return {"stopped": stopped,
            "paused": not stopped and any(sound["end"] - sound["start"] < sound["blocks"] - 1 for sound in sounds),
            "seconds": sum(sound["end"] - sound["start"] for sound in sounds) * BLOCK_SECONDS}


def under(room: Room, noise: str, snr: float, word: Any, minutes: float) -> None:
    """The noise plays in the room from now on for `minutes`, `snr` dB below the person's word
    (loudest frames compared, as bench/room.py mixes)."""
    signal = noises(Path(tempfile.mkdtemp()))[noise]
    voice = np.frombuffer(word.audio, dtype="<i2").astype(np.float64) / 32768.0
    looped = np.resize(signal, int(minutes * 60 * RATE))
    scaled = looped * np.sqrt(frame_peak(voice) / (frame_peak(signal) * 10 ** (snr / 10)))
    room.add(AudioChunk((np.clip(scaled, -1, 1) * 32767).astype("<i2").tobytes(), RATE))


def counts(selves: list[dict[str, Any] | None]) -> dict[str, Any]:
    done = [run for run in selves if run is not None]
    return {"trials": len(done), "stopped": sum(run["stopped"] for run in done),
            "paused": sum(run["paused"] for run in done), "minutes": sum(run["seconds"] for run in done) / 60}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--details", action="store_true")
    parser.add_argument("--quick", action="store_true", help="self-interruptions over the six sentences only")
    parser.add_argument("--stop-word", help="the Korean word the person says for stop (default: the pack's first)")
    parser.add_argument("--noise", choices=("kitchen", "chatter", "fan"), help="a noise under everything")
    parser.add_argument("--snr", type=float, default=12.0, help="the noise this many dB below the word (default 12)")
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
    if args.noise:
        under(room, args.noise, args.snr, word, minutes=8 if args.quick else 20)
    session = session_in(room, resolver, recognizer)
    trials = [trial(session, room, text, word, offset) for text in texts for offset in OFFSETS]
    cancelled = [self_trial(session, room, text) for text in texts]
    sweep = not args.quick
    everything = {text[:30]: self_trial(session, room, text) for text in every_sentence(resolver)} \
        if sweep and args.noise else {}  # in a noise: does the noise pause it?
    every_echo = room.echo
    room.echo = 1.0  # another household, without echo cancellation: a session that learns its echo
    session.source.close()
    session = session_in(room, resolver, recognizer)
    full = [self_trial(session, room, text) for text in texts]
    if sweep and not args.noise:  # in quiet: does its own voice at full level stop or pause it?
        everything, every_echo = {text[:30]: self_trial(session, room, text) for text in every_sentence(resolver)}, 1.0
    room.close()
    counted = [run for run in trials if run["heard"] is not None]
    lost = sum(run.get("lost", False) for run in trials) + [*cancelled, *full, *everything.values()].count(None)
    report = {
        "machine": machine(model_label(path, packaged=True)), "word": stop_word, "echo": ECHO,
        "noise": f"{args.noise} at {args.snr:g} dB" if args.noise else None,
        "trials": len(counted), "missed": sum(not run["heard"] for run in counted),
        "start_to_silence_s": figures([run["start_to_silence_s"] for run in counted]),
        "end_to_silence_s": figures([run["end_to_silence_s"] for run in counted]),
        "start_to_stop_s": figures([run["start_to_stop_s"] for run in counted if run["heard"]]),
        "word_s": round(speech_span(word)[1] - speech_span(word)[0], 2),
        "self_cancelled": counts(cancelled), "self_full": counts(full), "self_every": counts(list(everything.values())),
        "every_echo": every_echo,
        "every_stopped": [text for text, run in everything.items() if run and run["stopped"]],
        "every_paused": [text for text, run in everything.items() if run and run["paused"]],
        "details": trials, "lost": lost,
    }
    print_report(report, args.json, table, details if args.details else None)


def _s(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f} s"


def _selves(counted: dict[str, Any]) -> str:
    return (f"{counted['stopped']} / {counted['paused']} of {counted['trials']} "
            f"({counted['minutes']:.1f} min of its speech)")


def table(report: dict[str, Any]) -> str:
    start, end, stop = report["start_to_silence_s"], report["end_to_silence_s"], report["start_to_stop_s"]
    noise = f", {report['noise']}" if report["noise"] else ""
    return "\n".join([
        f"Machine: {describe(report['machine'])}",
        "",
        f"| barge-in with '{report['word']}' (spoken in {report['word_s']:.2f} s), echo {report['echo']}{noise} | figure |",
        "|---|---|",
        f"| start of the word to silence, median (max) | {_s(start['median'])} ({_s(start['max'])}) |",
        f"| end of the word to silence, median (max) | {_s(end['median'])} ({_s(end['max'])}) |",
        f"| start of the word to the turn ended (the word known), median (max) | {_s(stop['median'])} ({_s(stop['max'])}) |",
        f"| missed: the word not known, the speech carried on | {report['missed']} of {report['trials']} |",
        *([f"| trials lost: the room fell behind real time (machine too loaded) | {report['lost']} |"]
          if report["lost"] else []),
        f"| nobody speaking, echo {report['echo']}: stopped / paused itself | {_selves(report['self_cancelled'])} |",
        f"| nobody speaking, its own voice at full level: stopped / paused itself | {_selves(report['self_full'])} |",
        *([f"| nobody speaking, echo {report['every_echo']:g}, every sentence of the pack: stopped / paused itself | "
           f"{_selves(report['self_every'])} |"]
          if report["self_every"]["trials"] else []),
    ])


def details(report: dict[str, Any]) -> str:
    trials = [f"{run['sentence']:<32} at {run['offset_s']:.0f} s: "
              f"{'LOST' if run.get('lost') else {True: 'heard', False: 'MISSED', None: 'ended first'}[run['heard']]}, "
              f"played {run['played_s']:.1f} s, start->silence {_s(run['start_to_silence_s'])}, "
              f"start->stop {_s(run['start_to_stop_s'])}" for run in report["details"]]
    return "\n".join(trials + [f"stopped itself: {text}" for text in report["every_stopped"]]
                     + [f"paused itself: {text}" for text in report["every_paused"]])


if __name__ == "__main__":
    main()
