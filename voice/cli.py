"""The command line: parses arguments and hands each command to the module that owns it."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from typing import Callable, Sequence, TextIO

from voice import __version__
from voice.errors import VoiceError
from voice.knowledge import load
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
    return parser


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
