"""How sure an utterance is: answer it, confirm it first, or leave it unanswered."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Sequence

from voice.knowledge import Confirm, Kind, Meaning
from voice.resolver import Resolver

CARRY_NO_MEANING = frozenset({Kind.FILLER, Kind.SELF, Kind.CUE, Kind.JOIN})
"""Words whose doubt does not make the utterance doubtful: "my", "hurts", "and", filler."""

WordConfidence = tuple[str, float]
"""One word as the recognizer heard it, with its confidence from 0 to 1."""


class Decision(str, Enum):
    """What the conversation did with an utterance (shown by `listen --json`)."""

    ANSWERED = "answered"
    """Taken as said: a place answered, a question answered."""
    CONFIRM = "confirm"
    """Not sure enough: asked back ("Did you say your left knee?") before answering."""
    COMMAND = "command"
    """A command carried out (stop, repeat, slower, a yes or no to a question, ...)."""
    REJECTED = "rejected"
    """Not a request, or too unsure to be one: never answered with a massage."""


class Sureness(str, Enum):
    SURE = "sure"
    UNSURE = "unsure"
    NOISE = "noise"
    """Too unsure or too long to be anything said to the assistant."""


@dataclass(frozen=True)
class Thresholds:
    """Where sure ends and unsure begins, measured with the Korean test model by bench/room.py
    (README, "Hearing in a room"): there a place heard with any doubt is as often wrong as
    right, so only an undoubted one is answered at once; short answers ("yes", "stop") are
    heard less confidently than places even when right, so they have their own, lower bar."""

    sure: float = 0.99
    """A place is answered at once when the words it rests on are at least this confident;
    below, it is asked back first ("Did you say your left knee?")."""
    sure_answer: float = 0.7
    """A yes, a no or a command is taken from this confidence on; below, it is not acted on
    (an unsure "no" to the pregnancy question is asked again, an unsure "stop" does not stop)."""
    unsure: float = 0.4
    """Below this, nothing heard is taken as said: it was noise or talk in the room."""
    max_words: int = 10
    """An utterance with more words is talk in the room, not a request."""


@dataclass(frozen=True)
class Pauses:
    """How long a pause ends an utterance: short once what was said is a complete request."""

    complete: float = 0.2
    """Seconds without speech that end an utterance that already makes a complete request."""
    patience: float = 1.5
    """Seconds without speech that end one that does not yet ("my left... elbow")."""


class Judge:
    """Tells how sure an utterance is, from the confidence of the words that carry meaning."""

    def __init__(self, resolver: Resolver, thresholds: Thresholds, confirm: Confirm = Confirm.UNSURE) -> None:
        self.resolver = resolver
        self.thresholds = thresholds
        self.confirm = confirm
        self._phrases: dict[Meaning, list[tuple[str, ...]]] = {}
        for phrase, meaning in resolver.language.phrases.items():
            self._phrases.setdefault(meaning, []).append(phrase)

    def sureness(self, words: Sequence[WordConfidence], place: bool) -> Sureness:
        """How sure a place (place=True) or an answer or command is; typed text (no
        confidences) is sure. With Confirm.ALWAYS a place heard is never sure enough to be
        answered without asking back."""
        if not words:
            return Sureness.SURE
        if len(words) > self.thresholds.max_words:
            return Sureness.NOISE
        confidence = self.confidence(words)
        if confidence < self.thresholds.unsure:
            return Sureness.NOISE
        if place and self.confirm is Confirm.ALWAYS:
            return Sureness.UNSURE
        return Sureness.SURE if confidence >= (self.thresholds.sure if place else self.thresholds.sure_answer) \
            else Sureness.UNSURE

    def confidence(self, words: Sequence[WordConfidence]) -> float:
        """The least confident word that carries meaning (a place, a side, a command, an
        answer); the least confident word of all when none does. The filler words a grammar
        catches other talk with ("my", "hurts", everyday words) do not lower it."""
        tokens: list[str] = []
        owner: list[int] = []
        for number, (word, _) in enumerate(words):
            forms = self.resolver.words(word)
            tokens.extend(forms)
            owner.extend([number] * len(forms))
        meaningful = {owner[at] for at in self._meaningful_tokens(tuple(tokens))}
        key = [confidence for number, (_, confidence) in enumerate(words) if number in meaningful]
        return min(key or [confidence for _, confidence in words], default=0.0)

    def _meaningful_tokens(self, tokens: tuple[str, ...]) -> set[int]:
        """Positions of the words that make up the phrases found, filler aside."""
        covered: set[int] = set()
        for start, meaning in self.resolver.parse(" ".join(tokens)).found:
            if meaning.kind in CARRY_NO_MEANING:
                continue
            longest = max(len(phrase) for phrase in self._phrases.get(meaning, [()]))
            words = {word for phrase in self._phrases.get(meaning, []) for word in phrase}
            covered.add(start)
            covered.update(at for at in range(start, min(len(tokens), start + longest + 1)) if tokens[at] in words)
        return covered
