"""The command line: parses arguments and hands each command to the module that owns it."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any, Callable, Sequence, TextIO

from voice import __version__, audio, devices, doctor, models, service
from voice.conversation import Conversation, Options, Reply
from voice.decision import Decision, Thresholds
from voice.errors import AudioError, SettingsError, VoiceError
from voice.knowledge import load
from voice.recognizer import End, Heard, Limits, VoskRecognizer, load_model
from voice.resolver import Context, Pregnancy, Resolution, Resolver
from voice.session import Session
from voice.settings import Loaded, Settings, config_path, describe, load_settings, save_settings
from voice.speech import Pyttsx3Speaker, Speaker, TextSpeaker, Voice

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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="acupressure", description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
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

    config = _command(commands, "config", "show the effective settings and where each came from")
    add_answer_settings(config)
    add_audio_settings(config)
    config.set_defaults(run=run_config)

    doctor = _command(commands, "doctor", "check everything the assistant needs and say how to fix what is missing")
    add_settings_file_option(doctor)
    doctor.add_argument("--lang", help="check this language (default: from the settings)")
    doctor.add_argument("--model", help="check this Vosk model folder")
    doctor.add_argument("--device", help="check this microphone (index or part of the name)")
    doctor.set_defaults(run=run_doctor)

    service = _command(commands, "service", "run the assistant at login or boot as a systemd user service")
    service_actions = service.add_subparsers(dest="action", metavar="ACTION", required=True)
    install = service_actions.add_parser("install", help="write the unit, enable it, start it, keep it at boot")
    install.add_argument("--force", action="store_true", help="replace a unit file that differs")
    install.set_defaults(run=run_service_install)
    service_actions.add_parser("uninstall", help="stop, disable and remove it").set_defaults(run=run_service_uninstall)
    service_actions.add_parser("status", help="is it installed, enabled, running?").set_defaults(run=run_service_status)

    devices = _command(commands, "devices", "list microphones and speakers by index and name")
    devices.set_defaults(run=run_devices)

    model = _command(commands, "model", "list or download Vosk speech models")
    actions = model.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("list", help="show the installed models and where they are").set_defaults(run=run_model_list)
    download = actions.add_parser("download", help="download a model from Vosk's model list (needs internet)")
    download.add_argument("name", nargs="?", help="model name (default: the language pack's model)")
    download.add_argument("--lang", help="language whose default model to download (default: from the settings)")
    download.add_argument("--dest", type=Path, help=f"folder to put it in (default: {default_model_dir()})")
    download.add_argument("--if-missing", action="store_true", help="do nothing when the model is installed")
    download.add_argument("--list-url", default=models.MODEL_LIST_URL, help=argparse.SUPPRESS)
    add_settings_file_option(download)
    download.set_defaults(run=run_model_download)
    return parser


def _command(commands: Any, name: str, summary: str, epilog: str | None = None) -> argparse.ArgumentParser:
    return commands.add_parser(name, help=summary, description=summary[:1].upper() + summary[1:] + ".",
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
    parser.add_argument("--lang", help="language pack in data/lang/ (default: en)")
    parser.add_argument("--same-side", action="store_const", const=True,
                        help="massage the corresponding area on the same side (default: the opposite side)")
    parser.add_argument("--minutes", help="how long to massage, in minutes (default: 1)")


def add_audio_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--input", nargs="+", type=Path, metavar="WAV",
                        help="WAV files to use, in order, as the microphone (the session ends after the last)")
    parser.add_argument("--no-grammar", action="store_true",
                        help="open vocabulary: do not limit recognition to the words the assistant knows")
    parser.add_argument("--speech-out", type=Path, metavar="DIR",
                        help="write each spoken turn to a numbered WAV file in DIR instead of the speaker")
    parser.add_argument("--text-only", action="store_true", help="print the answers, do not speak them")
    add_audio_settings(parser)


def add_audio_settings(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--device", help="microphone: index or part of the name (see `acupressure devices`)")
    parser.add_argument("--model", help="Vosk model folder (default: the language's model, searched for)")
    parser.add_argument("--voice", help="text-to-speech voice: a language, name or id (default: the pack's)")
    parser.add_argument("--rate", help="speaking rate in words per minute (default: 160)")
    parser.add_argument("--volume", help="speaking volume from 0.1 to 1 (default: 1)")
    parser.add_argument("--no-cues", action="store_const", const=False, dest="audio_cues",
                        help="no tones when listening starts and stops")
    parser.add_argument("--wake-phrase", help="what wakes it when idle (default: the pack's, e.g. 'hello helper')")
    parser.add_argument("--hold-off", help="seconds the microphone stays ignored after it speaks (default: 0.3)")
    parser.add_argument("--patience", help="seconds of quiet it waits for the rest of an unfinished request "
                                           "(default: 1.5)")
    parser.add_argument("--sure-confidence", help="confidence from which words heard are taken as said; "
                                                  "below it a place is asked back first (default: 0.95)")
    parser.add_argument("--unsure-confidence", help="confidence below which words heard are ignored "
                                                    "(default: 0.6)")


# ---------------------------------------------------------------- settings


SETTING_FLAGS = {"language": "lang", "same_side": "same_side", "massage_minutes": "minutes", "model": "model",
                 "input_device": "device", "voice": "voice", "rate": "rate", "volume": "volume",
                 "audio_cues": "audio_cues", "wake_phrase": "wake_phrase", "hold_off": "hold_off",
                 "patience": "patience", "sure_confidence": "sure_confidence",
                 "unsure_confidence": "unsure_confidence"}


def settings_for(args: argparse.Namespace) -> Loaded:
    flags = {key: getattr(args, flag, None) for key, flag in SETTING_FLAGS.items()}
    return load_settings(getattr(args, "config", None), flags)


def answering(args: argparse.Namespace, settings: Settings) -> tuple[Resolver, Context]:
    resolver = Resolver(load(settings.language))
    pregnancy = Pregnancy(args.pregnant) if args.pregnant else Pregnancy.UNKNOWN
    context = Context(pregnancy=pregnancy, same_side=settings.same_side,
                      duration_seconds=round(settings.massage_minutes * 60))
    return resolver, context


# ---------------------------------------------------------------- ask


def run_ask(args: argparse.Namespace) -> int:
    resolver, context = answering(args, settings_for(args).settings)
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


# ---------------------------------------------------------------- listen


def run_listen(args: argparse.Namespace) -> int:
    loaded = settings_for(args)
    settings = loaded.settings
    resolver, context = answering(args, settings)
    wake = settings.wake_phrase or resolver.language.wake_phrase
    recognizer = open_recognizer(args, settings, resolver, extra_words=wake.split())
    check_wake_phrase(recognizer, wake)
    options = Options(wake, home=args.home, thresholds=thresholds(settings))
    if args.once:
        return listen_once(args, settings, Conversation(resolver, context, options), recognizer)
    speaker, voice = open_speaker(args, settings, resolver)
    source = open_source(args, settings)
    conversation = Conversation(resolver, context, options)
    session = Session(
        conversation, recognizer, source, speaker, voice,
        cues=settings.audio_cues, hold_off=settings.hold_off,
        limits=Limits(patience=settings.patience),
        show=_line_printer(sys.stderr if args.json else sys.stdout),
        on_voice_change=lambda changed: _remember_voice(loaded, changed),
        reopen=None if args.input else (lambda: open_source(args, settings)),
        on_partial=_partial_printer(sys.stderr),
        on_heard=_heard_printer(conversation, sys.stdout) if args.json else None,
    )
    session.run()
    return 0


def thresholds(settings: Settings) -> Thresholds:
    return Thresholds(sure=settings.sure_confidence, unsure=settings.unsure_confidence)


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


def check_wake_phrase(recognizer: VoskRecognizer, wake: str) -> None:
    """A wake phrase the model cannot hear would leave the assistant asleep for good."""
    unknown = recognizer.unknown(wake.split())
    if unknown:
        raise SettingsError(f"The wake phrase '{wake}' has words the speech model does not know "
                            f"({', '.join(unknown)}), so it could never wake the assistant. "
                            "Choose another with --wake-phrase or the wake_phrase setting.")


def listen_once(args: argparse.Namespace, settings: Settings, conversation: Conversation,
                recognizer: VoskRecognizer) -> int:
    """One utterance, answered as a session that has just asked where it hurts would."""
    source = open_source(args, settings)
    conversation.start()
    try:
        heard = recognizer.listen(source, Limits(patience=settings.patience),
                                  on_partial=_partial_printer(sys.stderr), complete=conversation.complete)
    finally:
        source.close()
    _clear_partial(sys.stderr)
    if heard is None or heard.end is End.SILENCE:
        heard = Heard("", "", End.SILENCE, 0.0, 0.0)
    reply = conversation.hear(heard.raw, [(word.text, word.confidence) for word in heard.words]) \
        if heard.raw else Reply(decision=Decision.REJECTED)
    resolution = conversation.resolver.resolve(heard.text, conversation.context)
    if args.json:
        print(heard_json(heard, reply.decision, resolution))
    else:
        print(f"Heard: {heard.text or '(nothing)'}")
        print(" ".join(reply.spoken) if reply.decision is not Decision.ANSWERED else resolution.speech)
    return 0


def default_model_dir() -> Path:
    """The project's models/ folder when running from a checkout, else Vosk's cache folder."""
    if models.PROJECT_MODELS_DIR.is_dir():
        return models.PROJECT_MODELS_DIR
    return models.USER_MODELS_DIR.expanduser()


def open_recognizer(args: argparse.Namespace, settings: Settings, resolver: Resolver,
                    extra_words: Sequence[str] = ()) -> VoskRecognizer:
    path = models.find_model(resolver.language.model, explicit=settings.model)
    log.info("using model %s", path)
    vocabulary = None if args.no_grammar else resolver.vocabulary() + list(extra_words)
    return VoskRecognizer(load_model(path), vocabulary, path)


def open_source(args: argparse.Namespace, settings: Settings) -> audio.AudioSource:
    if args.input:
        source = audio.FileSource(args.input)
        source.validate()
        return source
    microphone = devices.MicrophoneSource(settings.input_device)
    print(f"Microphone: {microphone.device_name} (choose another with --device; see `acupressure devices`)",
          file=sys.stderr)
    return microphone


def open_speaker(args: argparse.Namespace, settings: Settings, resolver: Resolver) -> tuple[Speaker, Voice]:
    voice = Voice(rate=settings.rate, volume=settings.volume, voice=settings.voice or resolver.language.voice)
    if args.text_only:
        return TextSpeaker(), voice
    return Pyttsx3Speaker(voice, out_dir=args.speech_out), voice


def _remember_voice(loaded: Loaded, voice: Voice) -> None:
    """A voice command changed the rate or volume: keep it for next time."""
    try:
        save_settings(loaded.path, {"rate": voice.rate, "volume": voice.volume})
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


# ---------------------------------------------------------------- config, devices, models


def run_config(args: argparse.Namespace) -> int:
    for line in describe(settings_for(args)):
        print(line)
    return 0


def run_doctor(args: argparse.Namespace) -> int:
    path = args.config or config_path()
    flags = {"language": args.lang, "model": args.model, "input_device": args.device}
    checks = doctor.run_checks(doctor.usable_settings(path, flags), path)
    for line in doctor.report(checks):
        print(line)
    return doctor.exit_code(checks)


def run_service_install(args: argparse.Namespace) -> int:
    return _outcome(service.install(force=args.force))


def run_service_uninstall(args: argparse.Namespace) -> int:
    return _outcome(service.uninstall())


def run_service_status(args: argparse.Namespace) -> int:
    return _outcome(service.status())


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
        print("No microphone found: plug in a USB microphone, then run `acupressure devices` again.",
              file=sys.stderr)
        return 1
    print("Choose one with --device INDEX or --device NAME (part of the name is enough).")
    return 0


def _outputs() -> list[devices.Device]:
    try:
        return devices.list_output_devices()
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
    settings = settings_for(args).settings
    name = args.name or load(args.lang or settings.language).language.model
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


# ---------------------------------------------------------------- main


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
