"""The spoken walk through directions by touch: what asks for them, and one step at a time."""

# A person follows the steps with a hand, often with the eyes closed: each step is said alone, and
# the next one comes on "next" or after a pause (the setting step_pause); "back" and "repeat" say a
# step again. The conversation (voice/conversation.py) holds a Walk in its state FINDING.

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum

from voice.finding import Find, Route, point_route
from voice.knowledge import Kind, LanguagePack, Library
from voice.reading import Parse, Pregnancy


class Ask(str, Enum):
    """What a pack's `directions.asking` phrase asks (knowledge.DIRECTION_ASKS)."""

    FIND = "find"
    """The steps to what was just recommended: "how do I find it?", "where exactly?"."""
    POINT = "point"
    """The steps to the points just named, or to a point named by its code or name."""
    NEXT = "next"
    BACK = "back"
    WAIT = "wait"
    """Stay on this step until "next": no step comes by itself."""


STEP_ASKS = (Ask.NEXT, Ask.BACK, Ask.WAIT)
"""What is asked of the steps while they are said; nothing else is ever one."""

_ABOUT_A_PLACE_OR_A_PERSON = frozenset({Kind.AREA, Kind.VAGUE, Kind.RED_FLAG, Kind.PREGNANCY, Kind.CUE,
                                        Kind.SYSTEMIC, Kind.CARE, Kind.NEGATION})
"""What makes an utterance more than a request for directions: a place said to hurt ("where is my
knee pain from"), a sign, a person. Those go on to be answered as they always are."""
_BESIDE_A_STEP = frozenset({Kind.FILLER, Kind.COMMAND})
"""All that may come with next, back or wait: "next please", "okay, go back"."""


@dataclass(frozen=True)
class Request:
    ask: Ask
    points: tuple[str, ...] = ()
    """Points named by their code ("LI4") or a name of the pack ("large intestine four")."""


def request(parse: Parse, language: LanguagePack, walking: bool) -> Request | None:
    """What the words ask of directions, if that is all they are about. `walking`: steps are
    being said, so next, back and wait are heard too."""
    words = parse.words
    named = _points_named(words, language)
    asks = _asks(words, language)
    taken = {at for start, end in [*named.values(), *(span for _, span in asks)] for at in range(start, end)}
    beside = [token.meaning.kind for token in parse.tokens if not taken & set(range(token.start, token.end))]
    if not (named or asks) or _ABOUT_A_PLACE_OR_A_PERSON & set(beside):
        return None
    if named:
        return Request(Ask.POINT, tuple(named))
    steps = [ask for ask, _ in asks if ask in STEP_ASKS]
    if steps:
        alone = set(beside) <= _BESIDE_A_STEP and _only_words_known(parse, taken)
        return Request(steps[0]) if walking and alone else None
    return Request(Ask.POINT if any(ask is Ask.POINT for ask, _ in asks) else Ask.FIND)


def _only_words_known(parse: Parse, taken: set[int]) -> bool:
    """Next, back or wait said with nothing the pack does not know: "back to the ankle" is not one."""
    known = taken | {at for token in parse.tokens for at in range(token.start, token.end)}
    return len(known) == len(parse.words)


def _asks(words: tuple[str, ...], language: LanguagePack) -> list[tuple[Ask, tuple[int, int]]]:
    """The asking phrases said, longest first at each word, and where they are."""
    phrases = language.directions.asking
    longest = max((len(phrase) for phrase in phrases), default=0)
    found: list[tuple[Ask, tuple[int, int]]] = []
    start = 0
    while start < len(words):
        for length in range(min(longest, len(words) - start), 0, -1):
            ask = phrases.get(words[start:start + length])
            if ask is not None:
                found.append((Ask(ask), (start, start + length)))
                start += length
                break
        else:
            start += 1
    return found


def _points_named(words: tuple[str, ...], language: LanguagePack) -> dict[str, tuple[int, int]]:
    """Points named by a name of the pack, or by their code however it is split or spelt:
    "LI4", "LI 4", "L I four"."""
    named: dict[str, tuple[int, int]] = {}
    codes = {code.lower(): code for code in language.directions.points}
    for start in range(len(words)):
        joined = ""
        for end in range(start, min(len(words), start + 4)):
            word = words[end]
            joined += str(language.numbers[word]) if word in language.numbers else word
            if joined in codes:
                named.setdefault(codes[joined], (start, end + 1))
        for code, steps in language.directions.points.items():
            for name in steps.names:
                if words[start:start + len(name)] == name:
                    named.setdefault(code, (start, start + len(name)))
    return named


def routes(asked: Request, answered: Find | None, library: Library, pregnancy: Pregnancy) -> tuple[Route, ...]:
    """The routes a request leads through: points named, else what the last answer named. A point
    named that is never pressed in pregnancy is found so as to keep off it, unless pregnancy is ruled out."""
    if asked.points:
        points = library.knowledge.points
        return tuple(point_route(library.language, code,
                                 keep_off=points[code].avoid_in_pregnancy and pregnancy is not Pregnancy.NO)
                     for code in asked.points)
    if answered is None:
        return ()
    return answered.named_points() if asked.ask is Ask.POINT else answered.recommended()


@dataclass(frozen=True)
class Walk:
    """The steps of one or more routes, said one at a time."""

    routes: tuple[Route, ...]
    at: int = 0
    """The step being followed, counted through every route."""
    held: bool = False
    """Asked to wait: no step comes by itself."""

    def _place(self) -> tuple[int, int]:
        """(route, step within it) of the step being followed."""
        at = self.at
        for number, route in enumerate(self.routes):
            if at < len(route.steps):
                return number, at
            at -= len(route.steps)
        raise IndexError(self.at)

    def said(self, language: LanguagePack) -> tuple[str, ...]:
        """This step as it is said: a route's first step comes after its title."""
        number, step = self._place()
        route = self.routes[number]
        return (route.title(language), route.step(step, language)) if step == 0 else (route.step(step, language),)

    def forward(self) -> Walk | None:
        """The next step; None after the last."""
        total = sum(len(route.steps) for route in self.routes)
        return replace(self, at=self.at + 1, held=False) if self.at + 1 < total else None

    def backward(self) -> Walk:
        return replace(self, at=max(0, self.at - 1), held=False)

    @property
    def at_first(self) -> bool:
        return self.at == 0
