"""The command line: parses arguments and hands each command to the module that owns it."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from typing import Callable, Sequence, TextIO

from pathlib import Path

from voice import __version__, audio, models
from voice.errors import AudioError, VoiceError
from voice.knowledge import load
from voice.recognizer import End, Heard, Limits, VoskRecognizer, load_model
from voice.resolver import Context, Pregnancy, Resolution, Resolver

log = logging.getLogger(__name__)

DESCRIPTION = """\
Offline, hands-free voice assistant for acupressure self-care.
Say where it hurts; it tells you which corresponding area to massage gently,
with the warnings that apply. Acupressure complements care; it does not replace it."""

ASK_EPILOG = """\
examples:
  acupressure ask "my left elbow hurts"
  acupressure ask --json "I'm pregnant and I have a headache"
  printf 'my knee hurts\\nmy back\\n' | acupressure ask --json -

With "-" it reads one utterance per line from standard input and writes one line
per input line, in order (a blank line gives a "not understood" line)."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="acupressure", description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--debug", action="store_true", help="log details to standard error")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    ask = commands.add_parser("ask", help="answer one typed utterance (or many, one per line, with -)",
                              description="Print what the assistant would say to an utterance.",
                              epilog=ASK_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    ask.add_argument("text", nargs="+", help='what hurts, e.g. "my left elbow hurts"; - reads standard input')
    ask.add_argument("--json", action="store_true", help="print the resolution as one JSON object per line")
    add_resolver_options(ask)
    ask.set_defaults(run=run_ask)

    listen = commands.add_parser("listen", help="hear an utterance from the microphone or WAV files and answer it",
                                 description="Hear speech offline with Vosk and answer it.")
    listen.add_argument("--once", action="store_true", help="hear one utterance, print it and the answer, and exit")
    listen.add_argument("--json", action="store_true", help="with --once: print the answer as JSON")
    add_audio_options(listen)
    add_resolver_options(listen)
    listen.set_defaults(run=run_listen)

    devices = commands.add_parser("devices", help="list microphones and speakers by index and name")
    devices.set_defaults(run=run_devices)

    model = commands.add_parser("model", help="list or download Vosk speech models")
    model_commands = model.add_subparsers(dest="model_command", metavar="ACTION", required=True)
    model_list = model_commands.add_parser("list", help="show the installed models and where they are")
    model_list.set_defaults(run=run_model_list)
    download = model_commands.add_parser("download", help="download a model from Vosk's model list (needs internet)")
    download.add_argument("name", nargs="?", help="model name (default: the language pack's model)")
    download.add_argument("--lang", default="en", help="language whose default model to download (default: en)")
    download.add_argument("--dest", type=Path, help=f"folder to put it in (default: {default_model_dir()})")
    download.add_argument("--if-missing", action="store_true", help="do nothing when the model is already installed")
    download.add_argument("--list-url", default=models.MODEL_LIST_URL, help=argparse.SUPPRESS)
    download.set_defaults(run=run_model_download)
    return parser


def add_audio_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--input", nargs="+", type=Path, metavar="WAV",
                        help="WAV files to use, in order, instead of the microphone")
    parser.add_argument("--device", help="microphone: index or part of the name (see `acupressure devices`)")
    parser.add_argument("--model", help="Vosk model folder (default: the language's model, searched for)")
    parser.add_argument("--no-grammar", action="store_true",
                        help="open vocabulary: do not limit recognition to the words the assistant knows")


def add_resolver_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", default="en", help="language pack in data/lang/ (default: en)")
    parser.add_argument("--same-side", action="store_true",
                        help="massage the corresponding area on the same side (default: the opposite side)")
    parser.add_argument("--minutes", type=_minutes, default=1.0,
                        help="how long to massage, in minutes (default: 1)")
    parser.add_argument("--pregnant", choices=["yes", "no"],
                        help="pregnancy status when it is not said in the utterance")


def _minutes(value: str) -> float:
    try:
        minutes = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a number of minutes") from None
    if not 0.25 <= minutes <= 30:
        raise argparse.ArgumentTypeError("give between 0.25 and 30 minutes")
    return minutes


def resolver_setup(args: argparse.Namespace) -> tuple[Resolver, Context]:
    resolver = Resolver(load(args.lang))
    pregnancy = Pregnancy(args.pregnant) if args.pregnant else Pregnancy.UNKNOWN
    context = Context(pregnancy=pregnancy, same_side=args.same_side,
                      duration_seconds=round(args.minutes * 60))
    return resolver, context


def run_ask(args: argparse.Namespace) -> int:
    resolver, context = resolver_setup(args)
    write = _json_line if args.json else _speech_line
    if args.text == ["-"]:
        for line in sys.stdin:
            write(resolver.resolve(line.rstrip("\r\n"), context), sys.stdout)
        return 0
    write(resolver.resolve(" ".join(args.text), context), sys.stdout)
    return 0


def default_model_dir() -> Path:
    """The project's models/ folder when running from a checkout, else Vosk's cache folder."""
    if models.PROJECT_MODELS_DIR.is_dir():
        return models.PROJECT_MODELS_DIR
    return models.USER_MODELS_DIR.expanduser()


def open_recognizer(args: argparse.Namespace, resolver: Resolver) -> VoskRecognizer:
    path = models.find_model(resolver.language.model, explicit=args.model)
    log.info("using model %s", path)
    vocabulary = None if args.no_grammar else resolver.vocabulary()
    return VoskRecognizer(load_model(path), vocabulary, path)


def open_source(args: argparse.Namespace) -> audio.AudioSource:
    if args.input:
        source = audio.FileSource(args.input)
        source.validate()
        return source
    microphone = audio.MicrophoneSource(_device(args.device))
    print(f"Microphone: {microphone.device_name} (change it with --device; see `acupressure devices`)",
          file=sys.stderr)
    return microphone


def _device(value: str | None) -> str | int | None:
    return int(value) if value is not None and value.isdigit() else value


def run_listen(args: argparse.Namespace) -> int:
    if not args.once:
        raise VoiceError("The spoken session is not available yet; use `acupressure listen --once`.")
    resolver, context = resolver_setup(args)
    recognizer = open_recognizer(args, resolver)
    source = open_source(args)
    try:
        heard = recognizer.listen(source, Limits(), on_partial=_partial_printer(sys.stderr))
    finally:
        source.close()
    _clear_partial(sys.stderr)
    text = heard.text if heard and heard.end is not End.SILENCE else ""
    resolution = resolver.resolve(text, context)
    if args.json:
        print(json.dumps({"heard": text, **resolution.to_json()}, ensure_ascii=False))
    else:
        print(f"Heard: {text or '(nothing)'}")
        print(resolution.speech)
    return 0


def _partial_printer(stream: TextIO) -> Callable[[str], None] | None:
    if not stream.isatty():
        return None

    def show(partial: str) -> None:
        stream.write("\r\033[K… " + partial)
        stream.flush()

    return show


def _clear_partial(stream: TextIO) -> None:
    if stream.isatty():
        stream.write("\r\033[K")
        stream.flush()


def run_devices(args: argparse.Namespace) -> int:
    inputs, outputs = audio.list_input_devices(), _outputs()
    for title, devices in (("Microphones (input devices)", inputs), ("Speakers (output devices)", outputs)):
        print(f"{title}:")
        for device in devices:
            default = "  [default]" if device.is_default else ""
            print(f"  {device.index:3d}  {device.name}  ({device.channels} ch, {device.default_rate} Hz){default}")
        if not devices:
            print("  none found")
    if not inputs:
        print("No microphone found: plug in a USB microphone, then run `acupressure devices` again.",
              file=sys.stderr)
        return 1
    print("Choose one with --device INDEX or --device NAME (part of the name is enough).")
    return 0


def _outputs() -> list[audio.Device]:
    try:
        return audio.list_output_devices()
    except AudioError:
        return []


def run_model_list(args: argparse.Namespace) -> int:
    installed = models.list_models()
    for model in installed:
        grammar = "grammar" if model.grammar else "no grammar"
        print(f"{model.name}  {model.size_bytes / 2**20:.0f} MiB  {grammar}  {model.path}")
    if not installed:
        places = ", ".join(str(place) for place in models.default_search_dirs())
        print(f"No Vosk models installed. Looked in: {places}.")
        print("Download one with: acupressure model download")
        return 1
    return 0


def run_model_download(args: argparse.Namespace) -> int:
    name = args.name or load(args.lang).language.model
    dest = args.dest or default_model_dir()
    if args.if_missing:
        try:
            print(f"Model {name} is already installed: {models.find_model(name)}")
            return 0
        except VoiceError:
            pass
    print(f"Downloading {name} into {dest} …", file=sys.stderr)
    path = models.download_model(name, dest, list_url=args.list_url, progress=models.progress_bar())
    print(f"Installed {name} in {path}")
    return 0


def _json_line(resolution: Resolution, out: TextIO) -> None:
    out.write(json.dumps({"text": resolution.text, **resolution.to_json()}, ensure_ascii=False) + "\n")


def _speech_line(resolution: Resolution, out: TextIO) -> None:
    out.write(resolution.speech + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    run: Callable[[argparse.Namespace], int] | None = getattr(args, "run", None)
    if run is None:
        parser.print_help()
        return 2
    try:
        return run(args)
    except VoiceError as error:
        print(f"acupressure: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
