"""The room benchmark: requests spoken in kitchen noise, TV-like chatter and a fan's hum, and
those noises alone for a long time.

Run: nice -n 5 .venv/bin/python bench/room.py            (Korean test model, espeak-ng speech;
                                                          prints Markdown tables for the README)
     .venv/bin/python bench/room.py --background-minutes 2 --snr 12   (a quick look)
     .venv/bin/python bench/room.py --model PATH --lang en --wav a.wav ... (your model and
        recordings; a recording's expected area is the area its file name starts with, e.g.
        knee-left-1.wav (the left knee), head-2.wav; yes-1.wav and no-1.wav are the answers to
        "Did you say ...?", else the pack's first "yes" and "no" are spoken by espeak-ng)
     add --json for the numbers as JSON, --noise-gain to clean the audio with webrtc-noise-gain
     first, --confirm always|unsure to override the language pack's confirm policy, --high-pass HZ
     or --hum-filter for the clean-up of bench/cleanup.py.

What is measured, per noise and SNR (24, 18, 12, 6 dB and quiet):
- the speech: every area of the language pack that has words, without a side and (sided
  areas) with one, "<side> <area>가 아파요" ("my <side> <area> hurts"), spoken by espeak-ng at
  two speeds; or the recordings given with --wav;
- mixed as Picovoice's speech-to-intent benchmark mixes it: the noise is scaled so that the
  loudest 2048-sample frame of the speech is SNR dB above the loudest frame of the noise
  stretch; the noise runs 1 s before the speech and 4 s after it, as a room does;
- each utterance goes to a fresh conversation that has just asked where it hurts, through the
  real recognizer (Vosk, the pack's grammar, the voice activity detector, the `complete`
  check) and the real decision. A confirmation question is answered like a person would:
  "네" (yes) when the place asked back is the one said, "아니요" (no) otherwise, spoken by
  espeak-ng, mixed with the next stretch of the same noise at the same SNR, and heard again;
- right: the area said was answered (at once, or after a confirmation); wrong: another area
  was answered; rejected: nothing answered; the time from the end of the speech to the
  first sound of the answer (or of the confirmation question): the audio listen() took after
  the speech ended (audio time; live it passes in real time) + the wall time of the final
  result and the decision + pyttsx3 rendering the first sentence group.
The session's memory: resident memory before the first utterance and at the end (the
recognizer, the detector and the speaker run on through every condition and the background).
Then the noises alone, fed faster than real time: every utterance the recognizer makes of
them goes to three conversations: one that has just asked where it hurts (instructions and
confirmation questions per hour), one idle waiting for its wake phrase (wakes per hour), one
that has just asked "are you pregnant?" (answers taken per hour).
Kitchen noise is ../shared/noise/kitchen.wav when present (2 minutes, looped for longer
runs); chatter is three espeak-ng voices in other languages reading different texts at once;
the fan is low-passed noise with a hum at 100 Hz and its harmonics.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import resource
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from cleanup import HighPass, HumFloor
from noise import NoiseTape, espeak, floats, frame_peak, noises
from common import app_recognizer, default_model, describe, machine, model_label, print_report, resident_mib

from voice.audio import AudioChunk, read_wav
from voice.conversation import Conversation, Options, Reply, State
from voice.decision import Decision, Judge, Thresholds
from voice.errors import VoiceError
from voice.knowledge import Confirm, Kind, Side, load
from voice.recognizer import End, Heard, Limits, VoskRecognizer, load_model
from voice.resolver import Context, Resolver
from voice.speaker import Speaker, pyttsx3_speaker
from voice.speech import Voice

RATE = 16000
SNRS = (24, 18, 12, 6)
SPEEDS = (130, 175)
"""espeak-ng words per minute: a slow and a brisk speaker."""
LEAD_SECONDS = 1.0
TAIL_SECONDS = 4.0
SPEECH_FLOOR_DB = 30.0
"""The speech ends with its last 10 ms frame within this many dB of its loudest."""
SENTENCE = {"ko": "{place}{particle} 아파요", "en": "my {place} hurts"}
ANSWERS = ("yes", "no")
"""The answers to "Did you say ...?": spoken as the pack's first phrase of each, or recorded."""


# ---------------------------------------------------------------- sounds


def seed_dither(seed: int = 0) -> None:
    """Kaldi dithers the audio Vosk hears with the C library's rand(), whose state belongs to the
    whole process: seeded once, the same run hears everything alike every time."""
    ctypes.CDLL(None).srand(seed)


def _chunk(signal: np.ndarray) -> AudioChunk:
    return AudioChunk((np.clip(signal, -1, 1) * 32767).round().astype("<i2").tobytes(), RATE)


def mix(speech: np.ndarray, tape: NoiseTape | None, snr: float | None) -> tuple[np.ndarray, float]:
    """The speech inside a stretch of noise at `snr` dB (room tone when None); and where the
    speech ends in it, in seconds."""
    lead, tail = int(LEAD_SECONDS * RATE), int(TAIL_SECONDS * RATE)
    total = lead + speech.size + tail
    if tape is None or snr is None:
        background = np.random.default_rng(speech.size).normal(0, 0.001, total)
    else:
        stretch = tape.take(total)
        scale = np.sqrt(frame_peak(speech) / (frame_peak(stretch) * 10 ** (snr / 10)))
        background = stretch * scale
    mixed = background.copy()
    mixed[lead:lead + speech.size] += speech
    return mixed, (lead + _speech_end(speech)) / RATE


def _speech_end(speech: np.ndarray) -> int:
    frame = RATE // 100
    whole = speech.size // frame * frame
    loudness = np.sqrt((speech[:whole].reshape(-1, frame) ** 2).mean(axis=1))
    loud = np.nonzero(loudness >= loudness.max() * 10 ** (-SPEECH_FLOOR_DB / 20))[0]
    return int(loud[-1] + 1) * frame


class Cleaner:
    """webrtc-noise-gain's noise suppression and automatic gain, 10 ms at a time."""

    name = "webrtc-noise-gain"

    def __init__(self) -> None:
        from webrtc_noise_gain import AudioProcessor

        self.processor = AudioProcessor(5, 2)  # auto gain 5 dBFS, suppression level 2, as wyoming-satellite suggests

    def clean(self, signal: np.ndarray) -> np.ndarray:
        pcm = (np.clip(signal, -1, 1) * 32767).round().astype("<i2").tobytes()
        step = RATE // 100 * 2
        out = bytearray()
        for start in range(0, len(pcm) - step + 1, step):
            out += self.processor.Process10ms(pcm[start:start + step]).audio
        return np.frombuffer(bytes(out), dtype="<i2").astype(np.float64) / 32768.0


class ArraySource:
    """Audio from memory in 50 ms blocks, fed as fast as it is read; asked for more samples
    than the signal has, it plays the signal over and over (without holding the whole run)."""

    def __init__(self, signal: np.ndarray, samples: int | None = None) -> None:
        self.rate = RATE
        self._audio = _chunk(signal).audio
        self._end = 2 * (signal.size if samples is None else samples)
        self._position = 0
        self.delivered_at = 0.0

    def read(self, timeout: float) -> AudioChunk | None:
        step = min(RATE // 20 * 2, self._end - self._position)
        if step <= 0:
            return None
        start = self._position % len(self._audio)
        block = self._audio[start:start + step]
        block += self._audio[:step - len(block)]  # around the loop
        self._position += len(block)
        self.delivered_at = time.perf_counter()
        return AudioChunk(block, RATE)

    def mute(self) -> None:
        pass

    def unmute(self, holdoff: float = 0.3) -> None:
        pass

    def close(self) -> None:
        self._position = self._end


# ---------------------------------------------------------------- utterances


@dataclass(frozen=True)
class Said:
    text: str
    area: str
    side: str | None
    speaker: int
    """Which of the answers answers its confirmation: the one at the same speed, or the
    recordings' in turn."""
    audio: np.ndarray = field(repr=False, compare=False)


Answers = dict[str, list[np.ndarray]]
"""Each of ANSWERS as spoken (at each of SPEEDS) or recorded."""


def sentences(resolver: Resolver, lang: str, folder: Path) -> list[Said]:
    """Every area with words, without a side and (sided areas) with one, at each speed."""
    language, knowledge = resolver.language, resolver.knowledge
    spoken_areas = sorted({meaning.id for meaning in language.phrases.values() if meaning.kind is Kind.AREA})
    said = []
    for number, area in enumerate(spoken_areas):
        name = language.area_names[area][0]
        places: list[tuple[str, str | None]] = [(name, None)]
        if knowledge.areas[area].sided:
            side = "left" if number % 2 else "right"
            places.append((f"{language.side_names[side]} {name}", side))
        for place, side in places:
            text = SENTENCE[lang].format(place=place, particle=_particle(place))
            for speaker, speed in enumerate(SPEEDS):
                path = folder / f"{area}-{side or 'none'}-{speed}.wav"
                said.append(Said(text, area, side, speaker, espeak(text, language.voice, speed, path)))
    return said


def spoken_answers(resolver: Resolver, folder: Path) -> Answers:
    """The pack's first phrase for each of ANSWERS, spoken by espeak-ng at each of SPEEDS."""
    language = resolver.language
    first: dict[str, str] = {}
    for phrase, meaning in language.phrases.items():
        if meaning.kind is Kind.COMMAND and meaning.id in ANSWERS:
            first.setdefault(meaning.id, language.text_of(phrase))
    return {key: [espeak(first[key], language.voice, speed, folder / f"answer-{key}-{speed}.wav")
                  for speed in SPEEDS] for key in ANSWERS}


def recordings(paths: list[Path], resolver: Resolver) -> tuple[list[Said], Answers]:
    """Requests and answers recorded: what each says, from its file name (knee-left-1.wav,
    head-2.wav; yes-1.wav, no-1.wav)."""
    areas, sides = resolver.knowledge.areas, {side.value for side in Side}
    said: list[Said] = []
    answers: Answers = {key: [] for key in ANSWERS}
    for path in paths:
        parts = path.stem.lower().split("-")
        if parts[0] not in areas and parts[0] not in answers:
            raise SystemExit(f"{path}: the file name must start with an area ({', '.join(sorted(areas))}) "
                             "or with yes or no, e.g. knee-left-1.wav")
        try:
            audio = floats(read_wav(path, RATE))
        except VoiceError as error:
            raise SystemExit(str(error)) from None
        if parts[0] in answers:
            answers[parts[0]].append(audio)
        else:
            side = parts[1] if len(parts) > 1 and parts[1] in sides else None
            said.append(Said(path.name, parts[0], side, len(said), audio))
    if not said:
        raise SystemExit("no request among the recordings: name them after the area said, e.g. knee-left-1.wav")
    return said, answers


def _particle(word: str) -> str:
    """이 after a final consonant, 가 after a vowel."""
    last = ord(word[-1]) - 0xAC00
    return "이" if 0 <= last < 11172 and last % 28 else "가"


@dataclass
class Outcome:
    noise: str
    snr: float | None
    text: str
    expected: str
    heard: str
    confidence: float
    """The decision's confidence: that of the least sure word that carries meaning."""
    decision: str
    result: str
    """right, wrong, rejected (nothing answered) or denied (confirmation answered no)."""
    confirmed: bool = False
    answer: str | None = None
    """The answer given to the confirmation question (yes or no), and each word heard of it with its confidence."""
    answered_area: str | None = None
    latency_ms: float | None = None
    wait_ms: float | None = None


class Room:
    """The recognizer and a fresh conversation per utterance, as a session runs them."""

    def __init__(self, recognizer: VoskRecognizer, resolver: Resolver, thresholds: Thresholds,
                 confirm: Confirm | None, cleaner: Cleaner | HighPass | HumFloor | None,
                 speaker: Speaker | None) -> None:
        self.recognizer, self.resolver, self.thresholds = recognizer, resolver, thresholds
        self.confirm, self.cleaner, self.speaker = confirm, cleaner, speaker

    def conversation(self, state: State = State.WHERE) -> Conversation:
        wake = self.resolver.language.wake_phrase
        talk = Conversation(self.resolver, Context(), Options(wake, home=state is State.IDLE,
                                                            thresholds=self.thresholds, confirm=self.confirm))
        talk.start()
        return talk

    def hear(self, signal: np.ndarray, talk: Conversation) -> tuple[Heard | None, ArraySource]:
        if self.cleaner is not None:
            signal = self.cleaner.clean(signal)
        source = ArraySource(signal)
        return self.recognizer.listen(source, Limits(), complete=talk.complete), source

    def first_sound(self, reply: Reply, heard: Heard, source: ArraySource, speech_end: float) -> tuple[float, float]:
        """(latency, wait) in ms: end of speech to the first sound of the reply."""
        wait = (heard.audio_seconds - speech_end) * 1000
        processing = (time.perf_counter() - source.delivered_at) * 1000
        rendering = 0.0
        if self.speaker is not None and reply.spoken:
            started = time.perf_counter()
            self.speaker.say(tuple(reply.spoken[:1]))
            rendering = (time.perf_counter() - started) * 1000
        return wait + processing + rendering, wait


def run_utterance(room: Room, said: Said, tape: NoiseTape | None, snr: float | None, answers: Answers,
                  noise: str) -> Outcome:
    talk = room.conversation()
    signal, speech_end = mix(said.audio, tape, snr)
    heard, source = room.hear(signal, talk)
    if heard is None or heard.end is End.SILENCE:
        return Outcome(noise, snr, said.text, said.area, "", 0.0, "nothing", "rejected")
    reply = talk.hear(heard.raw, [(word.text, word.confidence) for word in heard.words])
    latency, wait = room.first_sound(reply, heard, source, speech_end)
    confidence = Judge(room.resolver, room.thresholds).confidence([(w.text, w.confidence) for w in heard.words])
    outcome = Outcome(noise, snr, said.text, said.area, heard.text, confidence,
                      (reply.decision or Decision.REJECTED).value, "rejected", latency_ms=latency, wait_ms=wait)
    if reply.decision is Decision.CONFIRM:
        asked = talk._confirming.pain if talk._confirming and talk._confirming.pain else None
        answer = "yes" if asked is not None and asked.area == said.area else "no"
        spoken = answers[answer]
        answer_signal, _ = mix(spoken[said.speaker % len(spoken)], tape, snr)  # at the speaker's own speed
        answer_heard, _ = room.hear(answer_signal, talk)
        if answer_heard is None or answer_heard.end is End.SILENCE:
            return outcome
        reply = talk.hear(answer_heard.raw, [(word.text, word.confidence) for word in answer_heard.words])
        outcome.confirmed = True
        outcome.answer = f"{answer}: " + " ".join(f"{word.text} ({word.confidence:.2f})" for word in answer_heard.words)
    pain = talk._pain if reply.decision is Decision.ANSWERED else None
    if pain is not None:
        outcome.answered_area = pain.area
        outcome.result = "right" if pain.area == said.area else "wrong"
    elif outcome.confirmed:
        outcome.result = "denied"
    return outcome


# ---------------------------------------------------------------- background alone


@dataclass
class Background:
    noise: str
    minutes: float
    utterances: int = 0
    instructions: int = 0
    confirmations: int = 0
    wakes: int = 0
    pregnancy_answers: int = 0
    cpu_seconds: float = 0.0
    heard: list[str] = field(default_factory=list)

    def per_hour(self, count: int) -> float:
        return count * 60 / self.minutes


def run_background(room: Room, noise: str, signal: np.ndarray, minutes: float) -> Background:
    """The noise alone for `minutes`, heard by one recognizer; each utterance it makes of it
    is given to three conversations in the states that matter."""
    result = Background(noise, minutes)
    source = ArraySource(room.cleaner.clean(signal) if room.cleaner else signal, int(minutes * 60 * RATE))
    active = room.conversation()
    started = time.process_time()
    while True:
        heard = room.recognizer.listen(source, Limits(), complete=active.complete)
        if heard is None:
            break
        if heard.end is End.SILENCE or not heard.raw:
            continue
        result.utterances += 1
        words = [(word.text, word.confidence) for word in heard.words]
        result.heard.append(f"{heard.raw} ({heard.confidence:.2f})")
        reply = room.conversation().hear(heard.raw, words)
        result.instructions += reply.decision is Decision.ANSWERED
        result.confirmations += reply.decision is Decision.CONFIRM
        result.wakes += room.conversation(State.IDLE).hear(heard.raw, words).decision is not Decision.REJECTED
        pending = room.conversation()
        pending.hear(_pregnancy_request(room.resolver))
        result.pregnancy_answers += pending.hear(heard.raw, words).decision is Decision.ANSWERED
    result.cpu_seconds = time.process_time() - started
    return result


def _pregnancy_request(resolver: Resolver) -> str:
    """A place whose answer asks about pregnancy first (typed: sure)."""
    for area in sorted({meaning.id for meaning in resolver.language.phrases.values() if meaning.kind is Kind.AREA}):
        for phrase, meaning in resolver.language.phrases.items():
            if meaning.kind is Kind.AREA and meaning.id == area:
                text = " ".join(phrase)
                if resolver.resolve(text).ask_pregnancy:
                    return text
    raise SystemExit("no area of this pack asks about pregnancy")


# ---------------------------------------------------------------- report


def summarize(outcomes: list[Outcome]) -> dict[str, Any]:
    total = len(outcomes)
    count = lambda result: sum(o.result == result for o in outcomes)  # noqa: E731
    latencies = [o.latency_ms for o in outcomes if o.latency_ms is not None and o.decision in ("answered", "confirm")]
    return {
        "utterances": total,
        "right": count("right"),
        "right_after_confirmation": sum(o.result == "right" and o.confirmed for o in outcomes),
        "wrong": count("wrong"),
        "wrong_pct": 100 * count("wrong") / total if total else 0.0,
        "confirmations": sum(o.decision == "confirm" for o in outcomes),
        "denied": count("denied"),
        "rejected": count("rejected"),
        "latency_median_ms": statistics.median(latencies) if latencies else None,
        "latency_max_ms": max(latencies) if latencies else None,
    }


def table(report: dict[str, Any]) -> str:
    lines = [f"Machine: {describe(report['machine'])}; {report['load']}",
             f"Confirm: {report['confirm']}; thresholds: sure {report['thresholds']['sure']} (places), "
             f"{report['thresholds']['sure_answer']} (answers, commands), unsure {report['thresholds']['unsure']}; "
             f"noise clean-up: {report['clean_up']}", "",
             "| noise | SNR dB | utterances | right (after confirming) | wrong | confirmations (denied) "
             "| rejected | end of speech → first sound, median (max) |",
             "|---|---|---|---|---|---|---|---|"]
    for row in report["speech"]:
        s = row["summary"]
        latency = "–" if s["latency_median_ms"] is None else \
            f"{s['latency_median_ms'] / 1000:.2f} s ({s['latency_max_ms'] / 1000:.2f} s)"
        lines.append(f"| {row['noise']} | {row['snr'] if row['snr'] is not None else 'quiet'} | {s['utterances']} "
                     f"| {s['right']} ({s['right_after_confirmation']}) | {s['wrong']} ({s['wrong_pct']:.1f} %) "
                     f"| {s['confirmations']} ({s['denied']}) | {s['rejected']} | {latency} |")
    if report["background"]:
        lines += ["", "| background alone | minutes | utterances heard | instructions /h | confirmations /h "
                      "| wakes /h | pregnancy answers /h | real-time factor |", "|---|---|---|---|---|---|---|---|"]
        for b in report["background"]:
            per_hour = lambda n: f"{n * 60 / b['minutes']:.1f}"  # noqa: E731
            lines.append(f"| {b['noise']} | {b['minutes']:g} | {b['utterances']} | {per_hour(b['instructions'])} "
                         f"| {per_hour(b['confirmations'])} | {per_hour(b['wakes'])} "
                         f"| {per_hour(b['pregnancy_answers'])} | {b['cpu_seconds'] / (b['minutes'] * 60):.3f} |")
    memory = report["memory"]
    lines += ["", f"Memory: {memory['start_mib']:.0f} MiB resident before the first utterance, "
                  f"{memory['end_mib']:.0f} MiB at the end: the session grew {memory['growth_mib']:+.1f} MiB "
                  f"(peak {memory['peak_mib']:.0f} MiB; after each run: "
                  f"{', '.join(f'{mib:.0f}' for mib in memory['after_each_mib'])} MiB)."]
    return "\n".join(lines)


def details(report: dict[str, Any]) -> str:
    return "\n".join(f"{o['noise']} {o['snr']}: {o['text']} -> {o['heard']} ({o['confidence']:.2f}) "
                     f"{o['decision']} {o['result']}" + (f" (asked back; {o['answer']})" if o["answer"] else "")
                     for o in report["outcomes"])


def cleaner(args: argparse.Namespace) -> Cleaner | HighPass | HumFloor | None:
    """The clean-up the options ask for, applied to all the recognizer hears (none by default)."""
    if args.noise_gain:
        return Cleaner()
    if args.high_pass:
        return HighPass(args.high_pass)
    return HumFloor() if args.hum_filter else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="Vosk model folder (default: the Korean test model)")
    parser.add_argument("--lang", default="ko")
    parser.add_argument("--wav", type=Path, nargs="+", help="recordings to use instead of espeak-ng's speech, "
                        "named after what they say: knee-left-1.wav, head-2.wav, yes-1.wav, no-1.wav")
    parser.add_argument("--snr", type=float, nargs="+", default=list(SNRS))
    parser.add_argument("--noises", nargs="+", help="only these of kitchen, chatter, fan")
    parser.add_argument("--background-minutes", type=float, default=30.0)
    parser.add_argument("--no-speech", action="store_true", help="only the background run")
    parser.add_argument("--limit", type=int, help="only the first N sentences")
    parser.add_argument("--noise-gain", action="store_true", help="clean the audio with webrtc-noise-gain first")
    parser.add_argument("--confirm", choices=[policy.value for policy in Confirm],
                        help="which places are asked back (default: the language pack's)")
    parser.add_argument("--high-pass", type=float, metavar="HZ", help="high-pass filter the audio at HZ first")
    parser.add_argument("--hum-filter", action="store_true",
                        help="take the steady hum out of the band below 400 Hz first")
    parser.add_argument("--sure", type=float, help="Thresholds.sure to use")
    parser.add_argument("--sure-answer", type=float, help="Thresholds.sure_answer to use")
    parser.add_argument("--unsure", type=float, help="Thresholds.unsure to use")
    parser.add_argument("--outcomes", type=Path, help="write each utterance's outcome to this file as it comes")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--details", action="store_true")
    args = parser.parse_args()
    if args.model is None and args.lang != "ko":
        parser.error("the built-in model is Korean; give yours with --model PATH")
    if args.lang not in SENTENCE and not args.wav:
        parser.error(f"no built-in sentences for {args.lang!r}: give recordings with --wav")

    seed_dither()
    model_path = args.model or default_model()
    resolver = Resolver(load(args.lang))
    recognizer = app_recognizer(load_model(model_path), resolver, model_path)
    chosen_thresholds = {key: value for key, value in
                         (("sure", args.sure), ("sure_answer", args.sure_answer), ("unsure", args.unsure))
                         if value is not None}
    thresholds = Thresholds(**chosen_thresholds)
    confirm = Confirm(args.confirm) if args.confirm else None
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        speaker = pyttsx3_speaker(Voice(voice=resolver.language.voice), out_dir=folder / "spoken")
        room = Room(recognizer, resolver, thresholds, confirm, cleaner(args), speaker)
        found = noises(folder)
        chosen = {name: found[name] for name in (args.noises or found) if name in found}
        answers = spoken_answers(resolver, folder)
        if args.wav:
            said, recorded = recordings(args.wav, resolver)
            answers = {key: recorded[key] or answers[key] for key in ANSWERS}
        else:
            said = sentences(resolver, args.lang, folder)
        said = said[:args.limit]
        start_mib, after_each = resident_mib(), []
        rows, outcomes = [], []
        if not args.no_speech:
            conditions: list[tuple[str, float | None]] = [("quiet", None)] + \
                [(name, snr) for name in chosen for snr in args.snr]
            for name, snr in conditions:
                tape = NoiseTape(chosen[name]) if name in chosen else None
                results = []
                for one in said:
                    results.append(run_utterance(room, one, tape, snr, answers, name))
                    if args.outcomes:
                        with args.outcomes.open("a") as file:
                            file.write(json.dumps(asdict(results[-1]), ensure_ascii=False) + "\n")
                outcomes += results
                rows.append({"noise": name, "snr": snr, "summary": summarize(results)})
                after_each.append(resident_mib())
                print(f"{name} {snr}: {rows[-1]['summary']}", file=sys.stderr)
        background = []
        for name, signal in chosen.items():
            if args.background_minutes > 0:
                result = run_background(room, name, signal, args.background_minutes)
                background.append(asdict(result))
                after_each.append(resident_mib())
                print(f"background {name}: {result.utterances} heard, {result.instructions} instructions, "
                      f"{result.wakes} wakes, {result.pregnancy_answers} pregnancy answers", file=sys.stderr)
        speaker.close()
        end_mib = resident_mib()
    report = {
        "machine": machine(model_label(model_path, args.model is None)),
        "load": f"run with nice -n 5 on a machine shared with other work (load average "
                f"{open('/proc/loadavg').read().split()[0]} at the end)",
        "confirm": (confirm or resolver.language.confirm).value,
        "thresholds": asdict(thresholds), "clean_up": room.cleaner.name if room.cleaner else "off",
        "speech": rows, "background": background, "outcomes": [asdict(o) for o in outcomes],
        "memory": {"start_mib": start_mib, "end_mib": end_mib, "growth_mib": end_mib - start_mib,
                   "after_each_mib": after_each,
                   "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024},
    }
    print_report(report, args.json, table, details if args.details else None)


if __name__ == "__main__":
    main()
