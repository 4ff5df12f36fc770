"""The command line: parses arguments and hands each command to the module that owns it."""

from __future__ import annotations

import argparse
import codecs
import errno
import io
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any, Callable, Final, Iterator, NoReturn, Sequence, TextIO

import voice
from voice import assistant, devices, doctor, exits, models, service
from voice.errors import AudioError, SettingsError, VoiceError
from voice.knowledge import capital, load
from voice.conversation import Conversation, Reply
from voice.decision import Decision
from voice.recognizer import End, Heard, VoskRecognizer
from voice.resolver import Pregnancy, Resolution
from voice.settings import (ALLOWED_KEYS, OPTIONS, Group, Loaded, Settings, Switch, cache_path, config_path, describe,
                            flag_help, forget_voice, load_settings, option, remember_voice)
from voice.speech import Voice

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

LISTEN_EPILOG = """\
examples:
  acupressure listen                          a spoken session on the microphone and speaker
  acupressure listen --home                   wait for the wake phrase, as the home service does
  acupressure listen --once --input q.wav     hear one utterance from a file and print the answer
  acupressure listen --input a.wav b.wav --speech-out out/   a whole session from files, headless

Say "help" at any time to hear what you can say. Ctrl-C ends the session."""

WYOMING_EPILOG = """\
examples:
  acupressure wyoming                              only this machine can reach it (the loopback)
  acupressure wyoming --uri tcp://192.168.1.5:10750 --zeroconf
                                                   that one network, and Home Assistant finds it
  acupressure wyoming --uri tcp://0.0.0.0:10750    every machine on every network can (no password!)

Port 10750 is used by no common Wyoming service. With --zeroconf, Home Assistant shows it under
Settings > Devices & services > Discovered; without, Add integration > Wyoming Protocol, then this
machine's address and the port. Ctrl-C or SIGTERM stops it."""


class _Parser(argparse.ArgumentParser):
    """Bad arguments get one line saying what is wrong and where the right ones are listed,
    not the usage block (the subcommands' parsers are of this class too)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}; see `{self.prog} --help`\n")


def build_parser() -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = _Parser(prog="acupressure", description=DESCRIPTION,
                                              formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action=_Version, nargs=0, help="show the version and exit")
    parser.add_argument("--debug", action="store_true", help="log details to standard error")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    ask = _command(commands, "ask", "answer typed utterances (one, or one per line with -)", ASK_EPILOG)
    ask.add_argument("text", nargs="+", help='what hurts, e.g. "my left elbow hurts"; - reads standard input')
    ask.add_argument("--json", action="store_true", help="print the answer as one JSON object per line")
    add_answer_options(ask)
    ask.set_defaults(run=run_ask)

    listen = _command(commands, "listen", "the spoken session (or one utterance with --once)", LISTEN_EPILOG)
    listen.add_argument("--once", action="store_true", help="hear one utterance, print it and the answer, exit")
    listen.add_argument("--json", action="store_true",
                        help="print one JSON object per utterance heard: what was heard, how surely, "
                             "what was done with it and the answer (the spoken lines go to stderr)")
    listen.add_argument("--home", action="store_true",
                        help="start idle and wait for the wake phrase; go back to idle after each session")
    add_answer_options(listen)
    add_audio_options(listen)
    listen.set_defaults(run=run_listen)

    wyoming = _command(commands, "wyoming", "answer Home Assistant Assist over the Wyoming protocol",
                       WYOMING_EPILOG)
    wyoming.add_argument("--uri", help="where to listen, tcp://HOST:PORT (default: the loopback, this machine only)")
    wyoming.add_argument("--zeroconf", nargs="?", const="", metavar="NAME",
                         help="announce it on the local network (zeroconf, _wyoming._tcp), so Home Assistant "
                              "finds it by itself, as NAME (default: 'acupressure on' this machine's name)")
    add_answer_settings(wyoming)
    wyoming.set_defaults(run=run_wyoming)

    config = _command(commands, "config", "show the effective settings and where each came from")
    config.add_argument("--reset-voice", action="store_true",
                        help='forget the voice changes said aloud ("slower", "louder", ...)')
    add_answer_settings(config)
    add_audio_settings(config)
    config.set_defaults(run=run_config)

    doctor = _command(commands, "doctor", "check everything the assistant needs and say how to fix what is missing")
    add_settings_file_option(doctor)
    add_setting_flags(doctor, ["language", "model", "input_device"])
    doctor.set_defaults(run=run_doctor)

    service = _command(commands, "service", "run the assistant at login or boot as a systemd user service")
    service_actions = service.add_subparsers(dest="action", metavar="ACTION", required=True)
    install = service_actions.add_parser("install", help="write the unit, enable it, start it, keep it at boot")
    install.add_argument("--force", action="store_true", help="replace a unit file that differs")
    install.add_argument("--uri", help="with --wyoming: where it listens (default: the loopback, this machine only)")
    install.set_defaults(run=run_service_install)
    uninstall = service_actions.add_parser("uninstall", help="stop, disable and remove it")
    uninstall.set_defaults(run=run_service_uninstall)
    status = service_actions.add_parser("status", help="is it installed, enabled, running?")
    status.set_defaults(run=run_service_status)
    for action in (install, uninstall, status):
        action.add_argument("--wyoming", action="store_true",
                            help="the second unit, which answers Home Assistant (see `acupressure wyoming`)")

    devices = _command(commands, "devices", "list microphones and speakers by index and name")
    devices.set_defaults(run=run_devices)

    model = _command(commands, "model", "list or download Vosk speech models")
    actions = model.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("list", help="show the installed models and where they are").set_defaults(run=run_model_list)
    download = actions.add_parser("download", help="download a model from Vosk's model list (needs internet)")
    download.add_argument("name", nargs="?", help="model name (default: the language pack's model)")
    add_setting_flags(download, ["language"])
    download.add_argument("--dest", type=Path, help=f"folder to put it in (default: {models.default_model_dir()})")
    download.add_argument("--if-missing", action="store_true", help="do nothing when the model is installed")
    download.add_argument("--list-url", help=argparse.SUPPRESS)
    add_settings_file_option(download)
    download.set_defaults(run=run_model_download)
    return parser


class _Version(argparse.Action):
    """--version, reading the package metadata only when asked for (see voice.__getattr__)."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        if sys.stdout is None:
            parser.exit(1, f"{parser.prog}: {NO_OUTPUT}\n")
        print(f"{parser.prog} {voice.__version__}")  # a full disk or a closed pipe: main says so
        sys.stdout.flush()
        parser.exit()


def _command(commands: argparse._SubParsersAction[argparse.ArgumentParser], name: str, summary: str,
             epilog: str | None = None) -> argparse.ArgumentParser:
    return commands.add_parser(name, help=summary, description=capital(summary) + ".",
                               epilog=epilog, formatter_class=argparse.RawDescriptionHelpFormatter)


def add_settings_file_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, metavar="FILE",
                        help="settings file (default: $XDG_CONFIG_HOME/acupressure/config.yaml)")


def add_answer_options(parser: argparse.ArgumentParser) -> None:
    add_answer_settings(parser)
    parser.add_argument("--pregnant", choices=["yes", "no"],
                        help="pregnancy status when it is not said in the utterance")


def add_answer_settings(parser: argparse.ArgumentParser) -> None:
    add_settings_file_option(parser)
    add_setting_flags(parser, [option.key for option in OPTIONS if option.group is Group.ANSWER])


def add_audio_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--input", nargs="+", type=Path, metavar="FILE",
                        help="sound files (WAV, FLAC, OGG, MP3) or pipes to use, in order, as the microphone; "
                             "- is standard input, e.g. arecord -f S16_LE -r 16000 | ... --input - "
                             "(the session ends after the last)")
    parser.add_argument("--no-grammar", action="store_true",
                        help="open vocabulary: do not limit recognition to the words the assistant knows")
    parser.add_argument("--speech-out", type=Path, metavar="DIR",
                        help="write each spoken turn to a numbered WAV file in DIR instead of the speaker")
    parser.add_argument("--text-only", action="store_true", help="print the answers, do not speak them")
    add_audio_settings(parser)


def add_audio_settings(parser: argparse.ArgumentParser) -> None:
    add_setting_flags(parser, [option.key for option in OPTIONS if option.group is Group.AUDIO])


def add_setting_flags(parser: argparse.ArgumentParser, keys: Sequence[str]) -> None:
    """The flags of these settings, generated from their declaration in voice.settings."""
    for key in keys:
        spec = option(key)
        if spec.switch is Switch.VALUE:
            parser.add_argument(spec.flag, dest=spec.key, metavar=spec.flag[2:].upper(), help=flag_help(spec))
        else:
            parser.add_argument(spec.flag, dest=spec.key, action="store_const", const=spec.switch is Switch.ON,
                                help=flag_help(spec))


# ---------------------------------------------------------------- settings


def settings_for(args: argparse.Namespace) -> Loaded:
    flags = {key: getattr(args, key, None) for key in ALLOWED_KEYS}
    path = getattr(args, "config", None)
    return load_settings(path, flags, required=path is not None)


def pregnancy_of(args: argparse.Namespace) -> Pregnancy:
    return Pregnancy(args.pregnant) if args.pregnant else Pregnancy.UNKNOWN


# ---------------------------------------------------------------- ask


def run_ask(args: argparse.Namespace) -> int:
    text = assistant.answering(settings_for(args).settings, pregnancy_of(args))

    def write(resolution: Resolution, out: TextIO) -> None:
        if args.json:
            _json_line(resolution, text.spoken(resolution), out)
        else:
            _speech_line(text.spoken(resolution), out)

    if args.text == ["-"]:
        for line in _utterances(sys.stdin):
            write(text.answer(line), sys.stdout)
        return 0
    write(text.answer(_valid_text(" ".join(args.text))), sys.stdout)
    return 0


MAX_LINE: Final = 1024 * 1024
"""Characters in one line of input: a megabyte is answered (in time in proportion to it); an
endless line (`< /dev/zero`) must not fill the memory."""


def _utterances(stream: TextIO) -> Iterator[str]:
    """The lines of standard input, each checked to be of a sane length."""
    source = _utf8(stream)
    number = 0
    while line := source.readline(MAX_LINE + len("\r\n")):
        number += 1
        text = line.rstrip("\r\n")
        if len(text) > MAX_LINE:
            raise VoiceError(f"line {number} of the input is longer than {MAX_LINE} characters; "
                             "give one utterance per line")
        yield _valid_text(text)


def _utf8(stream: TextIO) -> TextIO:
    """Standard input as UTF-8; bytes that are not become replacement characters, so every line
    written back is valid UTF-8."""
    binary = getattr(stream, "buffer", None)
    if binary is None:
        return stream
    return io.TextIOWrapper(binary, encoding="utf-8", errors="replace", newline="")


def _valid_text(text: str) -> str:
    """Arguments that were not valid UTF-8 arrive with stand-in characters: make them replacement characters."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _json_line(resolution: Resolution, speech: str, out: TextIO) -> None:
    """The answer as JSON, its "speech" at the chosen verbosity."""
    answer = {"text": resolution.text, **resolution.to_json(), "speech": speech}
    line = json.dumps(answer, ensure_ascii=False) + "\n"
    binary = getattr(out, "buffer", None)
    if binary is None:
        out.write(line)
        return
    out.flush()
    binary.write(line.encode("utf-8", "replace"))  # UTF-8 whatever the locale says


def _speech_line(speech: str, out: TextIO) -> None:
    out.write(speech + "\n")


# ---------------------------------------------------------------- listen


def run_listen(args: argparse.Namespace) -> int:
    loaded = settings_for(args)
    settings = loaded.settings
    text = assistant.answering(settings, pregnancy_of(args))
    recognizer = assistant.listening(settings, text.resolver, grammar=not args.no_grammar)
    request = assistant.Audio(inputs=tuple(args.input or ()), grammar=not args.no_grammar,
                              text_only=args.text_only, speech_out=args.speech_out)
    hooks = assistant.Hooks(show=_line_printer(sys.stderr if args.json else sys.stdout),
                            on_partial=_partial_printer(sys.stderr),
                            on_voice_change=lambda changed: _remember_voice(loaded, changed),
                            on_microphone=_announce_microphone)
    if args.once:
        return listen_once(args, settings, text, recognizer, request, hooks)
    session = assistant.session(settings, request, hooks, home=args.home, text=text, recognizer=recognizer)
    if args.json:
        session.on_heard = _heard_printer(session.conversation, sys.stdout)
    session.run()
    if session.signalled is not None:
        _exit_at_once(exits.status_of(session.signalled))
    return 0


def heard_json(heard: Heard, decision: Decision | None, resolution: Resolution) -> str:
    """One utterance for `listen --json`: what was heard, how surely, what was done, the answer."""
    return json.dumps({"heard": heard.text, "confidence": round(heard.confidence, 3),
                       "words": [{"word": word.text, "confidence": round(word.confidence, 3)} for word in heard.words],
                       "decision": decision.value if decision else None, "end": heard.end.value,
                       "text": resolution.text, **resolution.to_json()}, ensure_ascii=False)


def _heard_printer(conversation: Conversation, out: TextIO) -> Callable[[Heard, Reply], None]:
    def show(heard: Heard, reply: Reply) -> None:
        resolution = conversation.resolver.resolve(heard.text, conversation.context)
        out.write(heard_json(heard, reply.decision, resolution) + "\n")
        out.flush()

    return show


def _exit_at_once(status: int) -> None:
    """After SIGTERM or Ctrl-C, once the session has stopped and everything is written: exit now.
    Freeing the Vosk model alone takes up to a second; the system frees it at once."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


def listen_once(args: argparse.Namespace, settings: Settings, text: assistant.Answering,
                recognizer: VoskRecognizer, request: assistant.Audio, hooks: assistant.Hooks) -> int:
    """One utterance, decided as a session that has just asked where it hurts would."""
    conversation = assistant.conversation(settings, text)
    conversation.start()
    source = assistant.open_source(request, settings, hooks)
    try:
        heard = recognizer.listen(source, assistant.limits(settings), on_partial=hooks.on_partial,
                                  complete=conversation.complete)
    finally:
        source.close()
    _clear_partial(sys.stderr)
    if heard is None or heard.end is End.SILENCE:
        heard = Heard("", "", End.SILENCE, 0.0, 0.0)
    reply = conversation.hear(heard.raw, [(word.text, word.confidence) for word in heard.words]) \
        if heard.raw else Reply(decision=Decision.REJECTED)
    resolution = text.answer(heard.text)
    if args.json:
        print(heard_json(heard, reply.decision, resolution))
    else:
        print(f"Heard: {heard.text or '(nothing)'}")
        print(resolution.speech if reply.decision is Decision.ANSWERED else " ".join(reply.spoken))
    return 0


def _announce_microphone(name: str) -> None:
    print(f"Microphone: {name} (choose another with --device; see `acupressure devices`)", file=sys.stderr)


def _remember_voice(loaded: Loaded, voice: Voice) -> None:
    """A voice command changed the rate or volume: keep it for next time (not in the user's file)."""
    try:
        remember_voice(loaded, {"rate": voice.rate, "volume": voice.volume})
    except VoiceError as error:
        print(f"acupressure: {error}", file=sys.stderr)


def _line_printer(stream: TextIO) -> Callable[[str], None]:
    def show(line: str) -> None:
        _clear_partial(sys.stderr)
        stream.write(line + "\n")
        stream.flush()

    return show


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


# ---------------------------------------------------------------- wyoming


def run_wyoming(args: argparse.Namespace) -> int:
    # The Wyoming front end (asyncio, sockets) is imported only for its commands: a spoken session
    # loads no network code.
    import asyncio

    from voice import wyoming as wyoming_service

    zeroconf = None
    if args.zeroconf is not None:
        from voice import discovery

        zeroconf = discovery.check_name(args.zeroconf) if args.zeroconf else discovery.default_name()
    handler = wyoming_service.handler_for(settings_for(args).settings)
    stopped_by = asyncio.run(wyoming_service.serve(handler, args.uri or wyoming_service.DEFAULT_URI,
                                                   show=_show_on_stderr, zeroconf=zeroconf))
    return exits.status_of(stopped_by)


def _show_on_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- config, devices, models


def run_config(args: argparse.Namespace) -> int:
    loaded = settings_for(args)
    if args.reset_voice:
        forgotten = forget_voice(loaded)
        print(f"Forgot the voice changes said aloud ({loaded.state_path})." if forgotten
              else "There were no voice changes said aloud to forget.")
        loaded = settings_for(args)
    for line in describe(loaded, load(loaded.settings.language).language):
        print(line)
    return 0


def run_doctor(args: argparse.Namespace) -> int:
    path = args.config or config_path()
    flags = {key: getattr(args, key) for key in ("language", "model", "input_device")}
    checks = doctor.run_checks(doctor.usable_settings(path, flags), path, settings_required=args.config is not None)
    for line in doctor.report(checks):
        print(line)
    return doctor.exit_code(checks)


def run_service_install(args: argparse.Namespace) -> int:
    if args.uri and not args.wyoming:
        raise SettingsError("--uri is for the Wyoming service: add --wyoming.")
    unit = _wyoming_unit_to_install(args.uri) if args.wyoming else service.ASSISTANT
    return _outcome(service.install(force=args.force, unit=unit))


def run_service_uninstall(args: argparse.Namespace) -> int:
    return _outcome(service.uninstall(unit=_unit(args)))


def run_service_status(args: argparse.Namespace) -> int:
    return _outcome(service.status(unit=_unit(args)))


def _unit(args: argparse.Namespace) -> service.Unit:
    """The unit uninstall and status are about: they need only its name ("acupressure-wyoming.service")."""
    if not args.wyoming:
        return service.ASSISTANT
    from voice import wyoming as wyoming_service  # only for this command, as in run_wyoming

    return service.wyoming_unit(wyoming_service.DEFAULT_URI)


def _wyoming_unit_to_install(uri: str | None) -> service.Unit:
    """The Wyoming unit listening on uri (default: the loopback), its address checked now, not in the
    journal at every restart, and announced where the service accepts it ("tcp://0.0.0.0:10750")."""
    from voice import discovery
    from voice import wyoming as wyoming_service  # only for this command, as in run_wyoming

    uri = uri or wyoming_service.DEFAULT_URI
    host, _ = wyoming_service.parse_uri(uri)
    wyoming_service.check_host(host)
    warning = wyoming_service.exposure_warning(host)
    if warning:
        print(warning, file=sys.stderr)
    return service.wyoming_unit(uri, announce=discovery.announceable(host))


def _outcome(outcome: service.Outcome) -> int:
    for line in outcome.lines:
        print(line)
    return outcome.status


def run_devices(args: argparse.Namespace) -> int:
    inputs, outputs = devices.list_input_devices(), _outputs()
    for title, found in (("Microphones (input devices)", inputs), ("Speakers (output devices)", outputs)):
        print(f"{title}:")
        for device in found:
            default = "  [default]" if device.is_default else ""
            print(f"  {device.index:3d}  {device.name}  ({device.channels} ch, {device.default_rate} Hz){default}")
        if not found:
            print("  none found")
    if not inputs:
        print("No microphone found: plug in a USB microphone, then run `acupressure devices` again. "
              f"{devices.WITHOUT_A_MICROPHONE}", file=sys.stderr)
        return 1
    print("Choose one with --device INDEX or --device NAME (part of the name is enough).")
    return 0


def _outputs() -> list[devices.Device]:
    try:
        return devices.list_output_devices()
    except AudioError:
        return []


def run_model_list(args: argparse.Namespace) -> int:
    installed = models.loading_checked(models.list_models(), cache_path(models.CHECKS_FILE))
    for model in installed:
        if model.problem:
            print(f"{model.name}  BROKEN: {model.problem}  {model.path}")
        else:
            grammar = "grammar" if model.grammar else "no grammar"
            print(f"{model.name}  {model.size_bytes / 2**20:.0f} MiB  {grammar}  {model.path}")
    for unreadable in models.unreadable_places():
        print(f"Skipped: {unreadable}")
    for model in installed:
        if model.problem and model.fix:
            print(f"{model.name}: {model.fix}")
    if any(model.problem and not model.fix for model in installed):
        print("Download a broken model again with: acupressure model download NAME")
    if not any(model.problem is None for model in installed):
        places = ", ".join(str(place) for place in models.default_search_dirs())
        print(f"No usable Vosk model installed. Looked in: {places}.")
        print("Download one with: acupressure model download")
        return 1
    return 0


def run_model_download(args: argparse.Namespace) -> int:
    settings = settings_for(args).settings
    name = args.name or load(settings.language).language.model
    dest = args.dest or models.default_model_dir()
    if args.if_missing:
        found = _installed(name, args.dest)
        if found is not None:
            print(f"Model {name} is already installed: {found}")
            return 0
    from voice import download  # the network stack, only for this command

    print(f"Downloading {name} into {dest} …", file=sys.stderr)
    path = download.download_model(name, dest, list_url=args.list_url or download.MODEL_LIST_URL,
                                   progress=download.progress_bar())
    print(f"Installed {name} in {path}")
    return 0


def _installed(name: str, dest: Path | None) -> Path | None:
    """The usable model NAME: in DEST when it is given, else wherever models are searched for."""
    try:
        return models.find_model(name, search_dirs=None if dest is None else [dest],
                                 env=None if dest is None else {})
    except VoiceError:
        return None


# ---------------------------------------------------------------- main


NO_OUTPUT: Final = ("standard output is closed, so there is nowhere to write the answer; "
                    "run it with its output going to a terminal, file or pipe")


def main(argv: Sequence[str] | None = None) -> int:
    exits.install()
    _narrow_output_shows_question_marks()
    try:
        return _run(build_parser(), argv)
    except VoiceError as error:
        return _fail(str(error))
    except KeyboardInterrupt as interrupt:
        return exits.exit_status(interrupt)
    except OSError as error:
        return _fail(_os_problem(error))


def _run(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> int:
    args, unknown = parser.parse_known_args(argv)
    if unknown:  # said by the command they were given to: "see `acupressure ask --help`"
        _command_parser(parser, args).error(f"unrecognized arguments: {' '.join(unknown)}")
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    run: Callable[[argparse.Namespace], int] | None = getattr(args, "run", None)
    if run is None:
        parser.print_help()
        return 2
    if sys.stdout is None:
        return _fail(NO_OUTPUT)
    status = run(args)
    sys.stdout.flush()
    return status


UNSHOWABLE: Final = "acupressure-unshowable"
"""The error handler of an output whose character set cannot show every character."""


def _narrow_output_shows_question_marks() -> None:
    """An output whose character set cannot show every character (PYTHONIOENCODING=ascii, a
    Latin-1 locale) shows those as "?" and says once how to see them, instead of failing."""
    stream = sys.stdout
    if not isinstance(stream, io.TextIOWrapper) or codecs.lookup(stream.encoding).name == "utf-8":
        return
    told: list[str] = []

    def question_marks(error: UnicodeError) -> tuple[str, int]:
        if not isinstance(error, UnicodeEncodeError):
            raise error
        if not told and sys.stderr is not None:
            told.append(error.encoding)
            print(f"acupressure: the output's character set ({error.encoding}) cannot show some characters, "
                  "shown as '?'; use a UTF-8 locale to see them (e.g. export LANG=C.UTF-8)", file=sys.stderr)
        return "?" * (error.end - error.start), error.end

    codecs.register_error(UNSHOWABLE, question_marks)
    stream.reconfigure(errors=UNSHOWABLE)


def _command_parser(parser: argparse.ArgumentParser, args: argparse.Namespace) -> argparse.ArgumentParser:
    """The parser of the (sub)command given: `acupressure service install`'s for its arguments."""
    for name in ("command", "action"):
        commands = next((action for action in parser._actions if isinstance(action, argparse._SubParsersAction)),
                        None)
        chosen = getattr(args, name, None)
        if commands is None or chosen not in commands.choices:
            break
        parser = commands.choices[chosen]
    return parser


OUTPUT_ERRORS: Final = frozenset({errno.EPIPE, errno.ENOSPC, errno.EIO, errno.EBADF, errno.EDQUOT, errno.EFBIG})


def _os_problem(error: OSError) -> str:
    """One line for a system error that reached main: most often the output could not be written."""
    if error.filename is None and error.errno in OUTPUT_ERRORS:
        _silence_stdout()
        if error.errno == errno.EPIPE:
            return "the output was closed before the answer was written (is the reading program gone?)"
        return f"cannot write the answer to the output ({error.strerror}); free some space or write elsewhere"
    where = f"{error.filename}: " if error.filename else ""
    return f"{where}{error.strerror or error}"


def _silence_stdout() -> None:
    """Python flushes standard output again at exit; after it failed, that would add a traceback."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def _fail(message: str) -> int:
    if sys.stderr is not None:
        print(f"acupressure: {message}", file=sys.stderr)
    return 1
