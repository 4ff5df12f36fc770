"""The spoken session's logic: states, turns and what to say next; no audio here."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any, Callable, Sequence, Union

from voice.decision import Decision, Judge, Sureness, Thresholds, WordConfidence
from voice.finding import Route
from voice.knowledge import NO_WORDS, Confirm, Kind, Side
from voice.reading import SELF, UNKNOWN_WORD
from voice.resolver import Context, Parse, Place, Pregnancy, Resolution, Resolver
from voice.verbosity import Verbosity, speech, spoken_answer
from voice.walkthrough import STEP_ASKS, Ask, Request, Walk, request, routes

VOICE_COMMANDS = ("slower", "faster", "louder", "softer")


class State(str, Enum):
    IDLE = "idle"
    """Waiting for the wake phrase."""
    WHERE = "where"
    """Asked where it hurts."""
    PREGNANCY = "pregnancy"
    """Asked whether the person is pregnant, before giving an instruction."""
    CONFIRM = "confirm"
    """Unsure of the place heard: asked "Did you say your left knee?"."""
    WHICH = "which"
    """Asked which part of a vague place hurts ("Which part of your arm: ...?")."""
    INSTRUCTED = "instructed"
    """Gave an instruction and offered to time it."""
    TIMING = "timing"
    """The person is massaging; the timer runs."""
    OFFER = "offer"
    """Time is up; offered the other side or another spot."""
    FINDING = "finding"
    """Saying the steps to find a place or a point by touch, one at a time (voice/walkthrough.py)."""
    ENDED = "ended"


ANSWERED = (State.INSTRUCTED, State.TIMING, State.OFFER, State.FINDING)
"""An answer was given and is what is being massaged: its steps to find it by touch may be asked for."""
MAY_ASK_DIRECTIONS = (State.WHERE, *ANSWERED)
"""Where "how do I find it?" or "where is LI4?" is answered; elsewhere a question waits for its answer."""


@dataclass(frozen=True)
class Say:
    text: str


@dataclass(frozen=True)
class Cue:
    """A short tone: "timer" when the massage time is up."""

    kind: str


@dataclass(frozen=True)
class AdjustVoice:
    """Speak "slower", "faster", "louder" or "softer" from now on (and remember it)."""

    change: str


Action = Union[Say, Cue, AdjustVoice]


@dataclass(frozen=True)
class Reply:
    actions: tuple[Action, ...] = ()
    decision: Decision | None = None
    """What was done with the utterance heard; None for replies to silence or the clock."""

    @property
    def spoken(self) -> list[str]:
        return [action.text for action in self.actions if isinstance(action, Say)]

    def __add__(self, other: Reply) -> Reply:
        return Reply(self.actions + other.actions, self.decision or other.decision)

    def to_json(self) -> dict[str, Any]:
        """{"speech": everything said, "actions": [{"say": text} | {"cue": kind} | {"adjust_voice": change}]}."""
        return {"speech": " ".join(self.spoken), "actions": [_action_json(action) for action in self.actions]}


def _action_json(action: Action) -> dict[str, str]:
    if isinstance(action, Say):
        return {"say": action.text}
    if isinstance(action, Cue):
        return {"cue": action.kind}
    return {"adjust_voice": action.change}


@dataclass(frozen=True)
class Options:
    wake_phrase: str
    home: bool = False
    """Running as a home service: start idle, and go back to idle instead of ending."""
    silences_before_idle: int = 2
    unclear_answers_before_fallback: int = 2
    """After this many unclear answers to "are you pregnant?", answer with the warning first."""
    verbosity: Verbosity = Verbosity.NORMAL
    """How much of each answer is said at first ("shorter", "more detail" change it)."""
    thresholds: Thresholds = Thresholds()
    """How confident the words heard must be to be taken as said."""
    confirm: Confirm | None = None
    """Which places heard are asked back before they are answered; None: the language pack's."""
    step_pause: float = 8.0
    """Seconds of quiet after a step of directions before the next one is said (the setting step_pause)."""


class Conversation:
    """One person's session, driven turn by turn: hear(), silence(), tick()."""

    def __init__(self, resolver: Resolver, context: Context, options: Options,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.resolver = resolver
        self.context = context
        self._launch_context = context
        self.options = options
        self.clock = clock
        self.state = State.IDLE
        self.timer_due: float | None = None
        self._say = resolver.language.say
        self._wake = resolver.words(options.wake_phrase)
        self._last: tuple[str, ...] = ()
        self._pain: Place | None = None
        self._care: tuple[str, ...] = ()
        self._someone_else = False
        """The place being massaged is on someone other than the speaker."""
        self._pending: Resolution | None = None
        self._answered: Resolution | None = None
        self.verbosity = options.verbosity
        self._vague: Resolution | None = None
        """The vague place asked about: "my left arm" (which part?)."""
        self._also: tuple[Place, ...] = ()
        """Other places said to hurt, offered when this one is done."""
        self._hurting: tuple[Place, ...] = ()
        """Every place said to hurt in the last report: none is sent to as a target unsaid."""
        self._silences = 0
        self._unclear = 0
        self._judge = Judge(resolver, options.thresholds, options.confirm or resolver.language.confirm)
        self._confirming: Resolution | None = None
        """The place asked back: "Did you say your left knee?"."""
        self._rejected_in_a_row = 0
        self._walk: Walk | None = None
        """The steps being said in State.FINDING."""
        self._after_walk = State.INSTRUCTED
        self._directions = resolver.language.directions.say

    @property
    def ended(self) -> bool:
        return self.state is State.ENDED

    @property
    def step_pause(self) -> float | None:
        """Seconds of quiet after which silence() says the next step; None when no step waits for one."""
        walk = self._walking()
        return self.options.step_pause if walk is not None and not walk.held else None

    # ------------------------------------------------------------ events

    def start(self) -> Reply:
        if self.options.home:
            self.state = State.IDLE
            return Reply()
        return self._begin()

    def hear(self, text: str, words: Sequence[WordConfidence] = ()) -> Reply:
        """An utterance; `words` are the recognizer's words with their confidences (none for
        typed text, which is sure)."""
        parse = self.resolver.parse(text)
        if self.state not in (State.IDLE, State.WHERE):
            text, parse = self._answer_apart(text, parse)
        reply = self._heard(text, parse, words)
        if reply.decision is None:
            taken = parse.has_area or bool(parse.of(Kind.PREGNANCY))
            reply = replace(reply, decision=Decision.ANSWERED if taken else Decision.COMMAND)
        self._rejected_in_a_row = self._rejected_in_a_row + 1 if reply.decision is Decision.REJECTED else 0
        return reply

    def _heard(self, text: str, parse: Parse, words: Sequence[WordConfidence]) -> Reply:
        sureness = self._judge.sureness(words, place=parse.has_area)
        if sureness is Sureness.NOISE:
            return self._rejected()
        if self.state is State.IDLE:  # the wake phrase must be sure; a place said with it is judged as a place
            if self._judge.sureness(words, place=False) is not Sureness.SURE or not self._woken(parse):
                return Reply(decision=Decision.REJECTED)
            if not parse.has_area:
                return replace(self._begin(), decision=Decision.COMMAND)
            self._begin()  # "hello helper, my knee hurts": straight to the answer
        if self.state is State.ENDED:
            return Reply(decision=Decision.REJECTED)
        self._silences = 0
        if sureness is Sureness.UNSURE or self._has_a_lost_not(text, parse):
            return self._unsure(text)
        if self.state is State.WHICH:
            reply = self._which_answer(text)
            if reply is not None:
                return reply
        return self._finding(parse) or self._command(text, parse) or self._answer_in_state(text, parse)

    def _answer_apart(self, text: str, parse: Parse) -> tuple[str, Parse]:
        """With a question or an echo-back waiting, a yes or a no that begins an utterance is the
        answer, said before the rest; speech comes without commas, so "no chest pain" is read
        as "no, chest pain" (the sign is had), not as a sign denied."""
        first = parse.tokens[0] if parse.tokens else None
        if first is None or first.start != 0 or first.meaning.kind is not Kind.COMMAND \
                or first.meaning.id not in ("yes", "no") or first.end >= len(parse.words) or first.end in parse.breaks:
            return text, parse
        apart = f"{' '.join(parse.words[:first.end])}, {' '.join(parse.words[first.end:])}"
        return apart, self.resolver.parse(apart)

    def complete(self, text: str) -> bool:
        """Whether the words heard so far are already something to act on, so that listening
        can stop at once; "my left..." is not, and the person is given time for the rest."""
        parse = self.resolver.parse(text)
        if self.state is State.IDLE:
            return self._woken(parse)
        meanings = [meaning for _, meaning in parse.found if meaning.kind not in (Kind.FILLER, Kind.CUE, Kind.SELF)]
        actionable = {Kind.AREA, Kind.COMMAND, Kind.PREGNANCY, Kind.SYSTEMIC, Kind.VAGUE}
        return any(meaning.kind in actionable for meaning in meanings) and \
            meanings[-1].kind not in (Kind.CORRECTION, Kind.JOIN)

    def silence(self) -> Reply:
        if self.step_pause is not None:  # the person had the time to follow the step
            return self._step(Ask.NEXT)
        if self.state in (State.IDLE, State.ENDED, State.TIMING):
            return Reply()
        self._silences += 1
        if self._silences < self.options.silences_before_idle:
            return self._speak(self._say["listening"] if self.state is State.WHERE else self._prompt())
        self.state = State.IDLE
        return self._speak(self._sentence("idle", wake=self.options.wake_phrase))

    def tick(self) -> Reply:
        """Call when the clock may have passed the timer; says "time is up" once."""
        if self.state is not State.TIMING or self.timer_due is None or self.clock() < self.timer_due:
            return Reply()
        self.timer_due = None
        self.state = State.OFFER
        return Reply((Cue("timer"),)) + self._speak(self._say["times_up"], self._offer())

    # ------------------------------------------------------------ turns

    def _begin(self) -> Reply:
        """A new session: nothing known about the last person is kept (at home, the next
        person to wake it may be someone else)."""
        self.context = self._launch_context
        self._pain, self._care, self._someone_else, self._pending, self._last = None, (), False, None, ()
        self._vague, self._also, self._confirming = None, (), None
        self._answered, self._walk = None, None
        self._silences, self.timer_due = 0, None
        self.state = State.WHERE
        return self._speak(self._say["greeting"], self._say["ask_where"])

    def _rejected(self) -> Reply:
        """Noise or talk in the room: never answered; said so once, not at every sound."""
        if self.state is State.PREGNANCY:  # the question stands until it is surely answered
            return replace(self._speak(self._say["pregnancy_unclear"]), decision=Decision.REJECTED)
        if self.state in (State.IDLE, State.ENDED, State.TIMING) or self._rejected_in_a_row:
            return Reply(decision=Decision.REJECTED)
        return Reply((Say(self._say["not_caught"]),), Decision.REJECTED)

    def _unsure(self, text: str) -> Reply:
        """Heard, but not surely: a place is asked back; anything else (a "stop", a "no" to
        the pregnancy question) is not acted on. A red flag is said in any case."""
        resolution = self.resolver.resolve(text, self.context)
        if resolution.reason == "red_flag":
            return self._not_understood(resolution)
        if not resolution.understood or resolution.pain is None or self.state is State.TIMING:
            return self._rejected()  # the massage is not interrupted either
        self._confirming, self.state, self.timer_due = resolution, State.CONFIRM, None
        return replace(self._speak(self._confirm_question()), decision=Decision.CONFIRM)

    def _has_a_lost_not(self, text: str, parse: Parse) -> bool:
        """A word the recognizer did not know where a "not" could have been ("my knee [unk]
        hurt"): the place is asked back, however sure the words around it."""
        return UNKNOWN_WORD in parse.words and parse.has_area and self.resolver.resolve(text, self.context).unsure

    def _confirm_question(self) -> str:
        assert self._confirming is not None and self._confirming.pain is not None
        return self._sentence("confirm", pain=self.resolver.place_text(
            self._confirming.pain, is_target=False, someone_else=self._confirming.someone_else))

    def _confirmation(self, parse: Parse) -> Reply:
        """The answer to "Did you say your left knee?": no asks where again; only a yes said
        alone answers it, since a yes among other words is as likely noise (bench/room.py: in a
        fan's noise at 6 dB, "아니요" (no) was heard as "많이 응 저", "a lot, yeah, I")."""
        assert self._confirming is not None
        if "no" in parse.commands:
            return replace(self._ask_where("corrected"), decision=Decision.COMMAND)
        if parse.found and not parse.unknown and all(meaning.kind is Kind.COMMAND and meaning.id == "yes"
                                                     for _, meaning in parse.found):
            resolution, self._confirming = self._confirming, None
            return replace(self._pain_reply(resolution), decision=Decision.ANSWERED)
        return replace(self._speak(self._confirm_question()), decision=Decision.REJECTED)

    def _woken(self, parse: Parse) -> bool:
        words, wake = parse.words, self._wake
        return bool(wake) and any(words[i:i + len(wake)] == wake for i in range(len(words)))

    def _command(self, text: str, parse: Parse) -> Reply | None:
        """What works in every state: a new pain first ("my knee pain won't stop"), then commands.
        A body word that is not a pain ("hand me the remote") is not taken for one."""
        commands = parse.commands
        if parse.has_area or parse.signs:
            resolution = self.resolver.resolve(text, self.context)
            if resolution.understood:
                return self._pain_reply(resolution)
            if resolution.reason in ("red_flag", "vague", "which", "no_pain"):
                return self._not_understood(resolution)
        if "stop" in commands:
            return self._stop()
        for change in VOICE_COMMANDS:
            if change in commands:
                return Reply((AdjustVoice(change), Say(self._say[f"voice_{change}"])))
        if "shorter" in commands or "more_detail" in commands:
            self.verbosity = self.verbosity.shorter() if "shorter" in commands else self.verbosity.longer()
            return Reply((Say(self._say[f"verbosity_{self.verbosity.value}"]),))
        if "more" in commands:
            return self._more()
        if "repeat" in commands:
            return self._repeat()
        if "help" in commands:
            return Reply((Say(self._help()),))
        if "other_side" in commands:
            return self._other_side()
        if "another" in commands:
            return self._ask_where()
        if "wrong" in commands:
            return self._ask_where("corrected")
        return None

    def _answer_in_state(self, text: str, parse: Parse) -> Reply:
        commands = parse.commands
        if self.state is State.CONFIRM:
            return self._confirmation(parse)
        if self.state is State.PREGNANCY:
            return self._pregnancy_answer(parse)
        said = self.resolver.pregnancy_said(parse)
        if said:
            return self._pregnancy_said(said)
        if "timer" in commands and self.state in (State.INSTRUCTED, State.TIMING, State.OFFER, State.FINDING) \
                and self._pain:
            return self._start_timer()
        if self.state is State.INSTRUCTED and "yes" in commands:
            return self._start_timer()
        if self.state in (State.INSTRUCTED, State.TIMING) and "no" in commands:
            return self._ask_where("corrected")
        if self.state is State.OFFER and self._also and commands[-1:] in (["yes"], ["no"]):
            return self._also_answer("yes" in commands)
        if self.state is State.OFFER and "yes" in commands:
            return self._other_side() if self._has_other_side() else self._ask_where()
        if self.state is State.OFFER and "no" in commands:
            return self._stop()
        return self._not_understood(self.resolver.resolve(text, self.context))

    def _pregnancy_said(self, pregnancy: Pregnancy) -> Reply:
        """Pregnancy said after an instruction: if it changes the answer, the answer again."""
        changed = pregnancy is not self.context.pregnancy
        self.context = replace(self.context, pregnancy=pregnancy)
        if not changed or self._pain is None or self.state is State.WHERE:
            return self._speak(self._say["pregnancy_noted"], self._prompt())
        self.timer_due = None
        return self._pain_reply(self._answer(self._pain))

    def _pain_reply(self, resolution: Resolution, also: tuple[Place, ...] | None = None) -> Reply:
        self.timer_due, self._vague = None, None
        self._pain, self._care, self._someone_else = resolution.pain, resolution.special_care, resolution.someone_else
        if resolution.text and resolution.pain is not None:  # a new report: every place said to hurt in it
            self._hurting = (resolution.pain, *resolution.also)
        self._also = resolution.also if also is None else also
        if resolution.pregnancy is not self.context.pregnancy:
            self.context = replace(self.context, pregnancy=resolution.pregnancy)
        if resolution.ask_pregnancy:
            self._pending, self._unclear = resolution, 0
            self.state = State.PREGNANCY
            return self._speak(resolution.echo, self._say["ask_pregnancy"])
        return self._instruct(resolution, self._spoken(resolution, echo=True))

    def _spoken(self, resolution: Resolution, echo: bool, verbosity: Verbosity | None = None) -> str:
        """The answer at the session's verbosity (or the one given); the echo first if asked."""
        level, seconds = verbosity or self.verbosity, self.context.duration_seconds
        if echo:  # a detailed answer's steps to find the place are said one at a time after it
            return speech(resolution, level, self.resolver, seconds, steps=False)
        return spoken_answer(resolution, level, self.resolver, seconds, steps=False)

    def _repeat(self) -> Reply:
        """The last turn again; while the timer runs, without "say start, and I will time it"."""
        if not self._last:
            return self._speak(self._say["nothing_to_repeat"])
        offer = self._offer_timer()
        return Reply(tuple(Say(text) for text in self._last if not (self.state is State.TIMING and text == offer)))

    def _more(self) -> Reply:
        """"More": the last answer once in detail, then its steps to find the place, one at a
        time, once it is what is being massaged; the verbosity stays as it was."""
        if self._answered is None:
            return self._speak(self._say["nothing_more"])
        detail = self._spoken(self._answered, echo=False, verbosity=Verbosity.DETAILED)
        if self.state in ANSWERED and self._answered.find is not None:
            return self._walk_begin(self._answered.find.recommended(), detail)
        return self._speak(detail)

    def _instruct(self, resolution: Resolution, *speech: str) -> Reply:
        self._pending, self._answered = None, resolution
        self.state = State.INSTRUCTED
        if self.verbosity is Verbosity.DETAILED and resolution.find is not None:  # the steps follow it
            return self._walk_begin(resolution.find.recommended(), *speech)
        return self._speak(*speech, self._offer_timer())

    def _offer_timer(self) -> str:
        return self._sentence("offer_timer", duration=self.resolver.duration_text(self.context.duration_seconds))

    def _pregnancy_answer(self, parse: Parse) -> Reply:
        assert self._pending is not None and self._pending.pain is not None
        answer = self.resolver.pregnancy_said(parse) or self._plain_yes_no(parse)
        if answer is None:
            unclear = replace(self._speak(self._say["pregnancy_unclear"]), decision=Decision.REJECTED)
            if all(meaning.kind is Kind.FILLER for _, meaning in parse.found):  # silence or noise: ask again
                return unclear
            self._unclear += 1
            if self._unclear < self.options.unclear_answers_before_fallback:
                return unclear
            # Still no clear answer: every point to avoid is named first and none is recommended.
            return self._instruct(self._pending, self._spoken(self._pending, echo=True))
        self.context = replace(self.context, pregnancy=answer)
        resolution = self.resolver.answer(self._pending.pain, self.context, self._pending.special_care,
                                          someone_else=self._pending.someone_else)
        return replace(self._instruct(resolution, self._spoken(resolution, echo=False)), decision=Decision.ANSWERED)

    def _plain_yes_no(self, parse: Parse) -> Pregnancy | None:
        """Yes or no only when that is all that was said: "no idea" is not a no. The question is
        about the speaker or the person massaged, so "yes she is" is a yes; "no, but my wife is"
        is never a no. "No, I'm not" is a no; without the "no" a "not" may hedge ("not that I
        know of", "I don't think so"), so the question is asked again."""
        meanings = [meaning for _, meaning in parse.found
                    if meaning.kind not in (Kind.FILLER, Kind.SELF, Kind.OTHER, Kind.NEGATION)]
        answers = {meaning.id for meaning in meanings if meaning.id in ("yes", "no")}
        if parse.of(Kind.NEGATION) and answers != {"no"}:
            return None
        if parse.unknown or len(answers) != 1 or len(meanings) != len(parse.commands) or \
                set(parse.commands) - answers:
            return None
        if answers == {"no"} and (parse.of(Kind.OTHER) or self.resolver.hedged(parse)):
            return None  # "no, but my wife is", "no, probably not"
        return Pregnancy.YES if answers == {"yes"} else Pregnancy.NO

    def _start_timer(self) -> Reply:
        self.state = State.TIMING
        self.timer_due = self.clock() + self.context.duration_seconds
        duration = self.resolver.duration_text(self.context.duration_seconds)
        return Reply((Say(self._sentence("timer_started", duration=duration)),))

    def _has_other_side(self) -> bool:
        return self._pain is not None and self._pain.side in (Side.LEFT, Side.RIGHT)

    def _other_side(self) -> Reply:
        if not self._has_other_side():
            return self._ask_where("no_other_side")
        assert self._pain is not None
        side = Side.RIGHT if self._pain.side is Side.LEFT else Side.LEFT
        return self._pain_reply(self._answer(replace(self._pain, side=side)), self._also)

    def _answer(self, pain: Place) -> Resolution:
        """The answer for a place of the person massaged now (the other side, a place also said)."""
        return self.resolver.answer(pain, self.context, self._care, someone_else=self._someone_else,
                                    hurting=self._hurting)

    def _offer(self) -> str:
        """What to offer when a place is done: a place also mentioned, else the other side or another."""
        if self._also:
            return self._sentence("also_offer", place=self.resolver.place_text(
                self._also[0], is_target=False, someone_else=self._also[0].whose != SELF))
        return self._say["offer_next_sided" if self._has_other_side() else "offer_next"]

    def _also_answer(self, yes: bool) -> Reply:
        """ "You also mentioned your right hip. Shall we do that next?" """
        place, self._also = self._also[0], self._also[1:]
        if yes and self._pain is not None and place.whose != self._pain.whose:
            # another person's place: what was said of the first one's pregnancy is not theirs
            self._someone_else = place.whose != SELF
            self.context = replace(self.context, pregnancy=place.pregnancy or Pregnancy.UNKNOWN)
        if yes:
            return self._pain_reply(self._answer(place), self._also)
        return self._speak(self._offer())

    # ------------------------------------------------------------ directions by touch

    def _walking(self) -> Walk | None:
        return self._walk if self.state is State.FINDING else None

    def _finding(self, parse: Parse) -> Reply | None:
        """Directions by touch asked for ("how do I find it?", "where is LI4?"), or next, back and
        wait while their steps are said; None when the words are about something else."""
        if self.state not in MAY_ASK_DIRECTIONS:
            return None
        asked = request(parse, self.resolver.language, walking=self._walking() is not None)
        if asked is None:
            return None
        return self._step(asked.ask) if asked.ask in STEP_ASKS else self._directions_to(asked)

    def _directions_to(self, asked: Request) -> Reply:
        """The first step to what was asked for: the place just recommended, the points named."""
        answered = self._answered.find if self._answered is not None and self.state in ANSWERED else None
        found = routes(asked, answered, self.resolver.library, self.context.pregnancy)
        if not found:
            return self._speak(self._directions["no_points" if answered is not None else "nothing_to_find"])
        return self._walk_begin(found)

    def _walk_begin(self, found: tuple[Route, ...], *before: str) -> Reply:
        if self.state is not State.FINDING:  # after the last step: back to where it was asked
            self._after_walk = State.WHERE if self.state is State.WHERE else State.INSTRUCTED
        self._walk, self.timer_due, self.state = Walk(found), None, State.FINDING
        return self._speak(*before, *self._walk.said(self.resolver.language))

    def _step(self, ask: Ask) -> Reply:
        """Next, back or wait, while the steps are said."""
        walk = self._walk
        assert walk is not None
        if ask is Ask.WAIT:
            self._walk = replace(walk, held=True)
            return self._speak(self._directions["waiting"])
        moved = walk.backward() if ask is Ask.BACK else walk.forward()
        if moved is None:
            return self._walk_end()
        self._walk = moved
        first = (self._directions["first_step"],) if ask is Ask.BACK and walk.at_first else ()
        return self._speak(*first, *moved.said(self.resolver.language))

    def _walk_end(self) -> Reply:
        """After the last step: massage what was found (say start), or say where it hurts."""
        self._walk, self.state = None, self._after_walk
        last = self._offer_timer() if self.state is State.INSTRUCTED else self._say["ask_where"]
        return self._speak(self._directions["finished"], last)

    # ------------------------------------------------------------ a vague place

    def _which(self, resolution: Resolution) -> Reply:
        """ "My arm hurts": which part of it?"""
        self.timer_due, self._pending, self._vague = None, None, resolution
        self._care, self._also, self._someone_else = resolution.special_care, resolution.also, resolution.someone_else
        if resolution.pregnancy is not self.context.pregnancy:
            self.context = replace(self.context, pregnancy=resolution.pregnancy)
        self.state = State.WHICH
        return self._speak(*resolution.instruction)

    def _which_answer(self, text: str) -> Reply | None:
        """The part named ("the elbow", "upper"), on the side said with the vague place; or one of
        two places said as alternatives ("my knee or my shin": "the shin")."""
        assert self._vague is not None
        if self._vague.either:
            return self._either_answer(text)
        assert self._vague.vague is not None
        vague = self._vague.vague
        name = self.resolver.language.vague_names[vague.area]
        shorter = " ".join(text.split()[:-1])  # "the big one": the big toe
        whole = self.resolver.knowledge.vague_whole.get(vague.area)
        if whole is not None and self._all_of_them(text):
            pain = replace(vague, area=whole)  # "which finger?" "all of them": the hand
            return self._pain_reply(self.resolver.answer(pain, self.context, self._care, text=text,
                                                         someone_else=self._someone_else), self._also)
        for said in (text, f"{text} {name}", f"{shorter} {name}"):
            resolution = self.resolver.resolve(said, self.context)
            if resolution.understood and resolution.pain is not None:
                pain = replace(resolution.pain, whose=vague.whose, pregnancy=vague.pregnancy)
                if pain.side is None and vague.side is not None and self.resolver.knowledge.areas[pain.area].sided:
                    pain = replace(pain, side=vague.side)
                care = tuple(dict.fromkeys(self._care + resolution.special_care))
                return self._pain_reply(self.resolver.answer(
                    pain, self.context, care, text=text, someone_else=self._someone_else or resolution.someone_else),
                    self._also + resolution.also)
            if resolution.reason in ("red_flag", "vague"):
                return None
        return None

    def _all_of_them(self, text: str) -> bool:
        words = self.resolver.words(text)
        together = self.resolver.language.grammar.get("together", NO_WORDS)
        return bool(words) and together.at(words, 0) == len(words)

    def _either_answer(self, text: str) -> Reply | None:
        assert self._vague is not None
        resolution = self.resolver.resolve(text, self.context)
        said = resolution.pain if resolution.understood else None
        chosen = [place for place in self._vague.either if said is not None and place.area == said.area]
        if said is None or not chosen:
            return None
        pain = replace(chosen[0], side=said.side or chosen[0].side, qualifier=said.qualifier or chosen[0].qualifier)
        care = tuple(dict.fromkeys(self._care + resolution.special_care))
        return self._pain_reply(self.resolver.answer(pain, self.context, care, text=text,
                                                     someone_else=self._someone_else), self._also)

    def _ask_where(self, first: str = "ask_where") -> Reply:
        self.state, self.timer_due, self._pending, self._confirming = State.WHERE, None, None, None
        return self._speak(self._say[first])

    def _stop(self) -> Reply:
        self.timer_due, self._pending, self._confirming = None, None, None
        self.state = State.IDLE if self.options.home else State.ENDED
        return self._speak(self._say["goodbye"])

    def _not_understood(self, resolution: Resolution) -> Reply:
        if resolution.reason == "red_flag":  # medical help now, never a massage
            self.timer_due, self._pending, self._vague, self._also = None, None, None, ()
            self.state = State.WHERE
            return self._speak(resolution.speech)
        if resolution.reason in ("vague", "which"):
            return self._which(resolution)
        if resolution.reason == "systemic":
            return replace(self._speak(resolution.speech, self._prompt()), decision=Decision.ANSWERED)
        if resolution.reason == "no_pain":
            return replace(self._speak(resolution.speech), decision=Decision.REJECTED)
        if self.state is State.WHICH:
            assert self._vague is not None
            return replace(self._speak(self._say["not_caught"], *self._vague.instruction), decision=Decision.REJECTED)
        if self.state is State.WHERE:
            return Reply((Say(self._say["not_understood"]), Say(self._say["example"])), Decision.REJECTED)
        return Reply((Say(self._say["not_caught"]), Say(self._help())),
                     Decision.REJECTED)

    # ------------------------------------------------------------ words

    def _prompt(self) -> str:
        if self.state is State.CONFIRM:
            return self._confirm_question()
        return {
            State.WHERE: self._say["ask_where"],
            State.PREGNANCY: self._say["pregnancy_unclear"],
            State.INSTRUCTED: self._say["remind_start"],
            State.OFFER: self._offer() if self._also else self._say["help_offer"],
            State.WHICH: self._vague.instruction[0] if self._vague else self._say["ask_where"],
            State.FINDING: self._directions["waiting"],
        }.get(self.state, self._say["ask_where"])

    def _help(self) -> str:
        """What can be said now."""
        if self.state is State.FINDING:
            return self._directions["help"]
        return self._say[f"help_{self._help_topic()}"]

    def _help_topic(self) -> str:
        return {State.PREGNANCY: "pregnancy", State.INSTRUCTED: "instructed",
                State.TIMING: "timing", State.OFFER: "offer"}.get(self.state, "where")

    def _speak(self, *texts: str) -> Reply:
        """Say these, and remember them for "repeat"."""
        self._last = tuple(text for text in texts if text)
        return Reply(tuple(Say(text) for text in self._last))

    def _sentence(self, key: str, **fields: str) -> str:
        return self._say[key].format(**fields)
