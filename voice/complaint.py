"""Which of the places said is the complaint: clauses, what each pain word is said of, focus, context."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Mapping, Sequence

from voice.knowledge import ALTERNATIVE, Kind, Meaning, WordClass

_SUBJECT_REACH = 6
"""How far a pain word may follow the place it is said of ("my knee has been really sore")."""
_GUESS_REACH = 3
"""How far before a place a guess stands that makes it one of two alternatives ("maybe it is my shin")."""
_ANAPHORA_REACH = 16
"""How far back "it" may point ("my knee started aching and it is still aching now")."""
_OR = Meaning(Kind.JOIN, ALTERNATIVE)
"""The join that says two places are alternatives: "or"."""
_PHRASE = 4
"""The longest phrase of a word class (a clause word, a context word) looked for."""


class Rank(IntEnum):
    """How surely a place is the complaint; the lowest rank said is answered."""

    FOCUS = 0
    """Singled out: "it's my wrist", "what hurts is my knee", "the real trouble is my hip"."""
    PAIN = 1
    """A pain word is said of it: "my knee hurts", "pain in my knee", "I twisted my ankle"."""
    NAMED = 2
    """Named with nothing said of it: "my left knee"."""
    PAST = 3
    """A pain said of it in a clause of the past or of treatment: "I sprained this ankle back in school"."""
    CONTEXT = 4
    """Background: "I had hip surgery five weeks ago"."""
    COMPARED = 5
    """Only compared with: "worse than when I did my knee" (never the complaint, even alone)."""


@dataclass
class Span:
    """A phrase of the utterance: words[start:end] mean `meaning`. Never changed once made, but not
    frozen: one is made for every phrase of every utterance, and a frozen dataclass costs a call per
    field to make."""

    start: int
    end: int
    meaning: Meaning
    kind: Kind = field(init=False, compare=False)
    """The meaning's kind, kept at hand: it is asked for at every step of a reading."""

    def __post_init__(self) -> None:
        self.kind = self.meaning.kind


class Clauses:
    """The clauses of one utterance and what the pain words in them are said of."""

    def __init__(self, words: Sequence[str], breaks: frozenset[int], spans: Sequence[Span],
                 grammar: Mapping[str, WordClass]) -> None:
        self.words, self.breaks, self.spans, self.g = words, breaks, spans, grammar
        self.at = [-1] * len(words)
        for index, span in enumerate(spans):
            for position in range(span.start, span.end):
                self.at[position] = index
        self.clause = self._number_clauses()
        self._pained_clauses: set[int] | None = None
        self._marked: dict[str, set[int]] = {}
        """For each word class asked about, the clauses holding one of its phrases."""

    # ------------------------------------------------------------ clauses

    def _number_clauses(self) -> list[int]:
        numbers, current = [], 0
        for position in range(len(self.words)):
            if position and self._starts_a_clause(position):
                current += 1
            numbers.append(current)
        return numbers

    def _starts_a_clause(self, position: int) -> bool:
        words = self.words
        if position in self.breaks or words[position] in self.g["contrasts"]:
            return True
        if self._phrase_at(position, "clauses"):
            return words[position - 1] not in self.g["reporting"]  # not "my husband THINKS | it's my hip"
        before = self.spans[self.at[position - 1]] if self.at[position - 1] >= 0 else None
        if before is not None and before.end == position and before.kind is Kind.NEGATION and \
                before.meaning.id == "after" and self.at[position] >= 0:
            return True  # "mine are fine | it's my neck that's stiff"
        span = self.spans[self.at[position]] if self.at[position] >= 0 else None
        if span is not None and span.kind is Kind.JOIN and span.start == position and span.end < len(words):
            following = self.spans[self.at[span.end]] if self.at[span.end] >= 0 else None
            noun = words[span.end] in self.g["determiners"] or (following is not None and following.kind in (
                Kind.SIDE, Kind.QUALIFIER, Kind.AREA, Kind.VAGUE))
            return not noun  # "my knee and MY elbow" go on; "and I", "and then" start a clause
        return False

    def _phrase_at(self, position: int, key: str) -> bool:
        word_class = self.g[key]
        return self.words[position] in word_class.starts and word_class.at(self.words, position) > 0

    def has(self, clause: int, key: str) -> bool:
        """Does the clause hold a phrase of this word class?"""
        if key not in self._marked:
            starts = self.g[key].starts
            self._marked[key] = {self.clause[position] for position, word in enumerate(self.words)
                                 if word in starts and self._phrase_at(position, key)}
        return clause in self._marked[key]

    # ------------------------------------------------------------ what a pain word is said of

    def said_of(self, places: Sequence[int], requests: bool = True) -> dict[int, set[int]]:
        """The places (span indexes, in order) that a pain word in the utterance is said of, each
        with the clauses those pain words stand in; without `requests`, a request ("a massage for
        my knee") is no pain word."""
        pained: dict[int, set[int]] = {}
        starts = [self.spans[index].start for index in places]
        for index, span in enumerate(self.spans):
            clause = self.clause[span.start]
            if span.kind is Kind.CUE and (requests or span.meaning.id not in self.g["requests"]):
                target = self._place_of_cue(index, places, starts)
                said = self.joined_with(target, places, starts) if target is not None else set()
                if self._said_of_both(span.start):  # "my hip on the left and my left shoulder BOTH ache"
                    said |= set(places[max(0, bisect_left(starts, span.start) - 2):bisect_left(starts, span.start)])
                for place in said:
                    pained.setdefault(place, set()).add(clause)
            elif span.kind in (Kind.AREA, Kind.VAGUE) and span.meaning.alone:
                pained.setdefault(index, set()).add(clause)  # "a migraine", "sciatica": a pain by itself
        return pained

    def _place_of_cue(self, cue: int, places: Sequence[int], starts: Sequence[int]) -> int | None:
        span = self.spans[cue]
        clause = self.clause[span.start]
        at = bisect_left(starts, span.start)
        before = places[at - 1] if at > 0 else None
        after = places[at] if at < len(places) else None
        same_before = before is not None and self.clause[self.spans[before].start] == clause
        if same_before and before is not None and self._is_subject(before, cue):
            return before  # "my knee (has been really) sore"
        if after is not None and self.clause[self.spans[after].start] == clause:
            return after  # "pain in my knee", "I twisted my ankle", "what bothers me is my foot"
        if same_before:
            return before
        if before is not None and span.start - self.spans[before].end <= _ANAPHORA_REACH and \
                self._refers_back(clause, span.start):
            return before  # "... my knee started aching, and it is still aching now"
        return None

    def _said_of_both(self, position: int) -> bool:
        return any(self.words[before] in self.g["together"] for before in range(max(0, position - 2), position))

    def _is_subject(self, place: int, cue: int) -> bool:
        """Only light words stand between the place and the pain word: "my knee is really sore"."""
        start, end = self.spans[place].end, self.spans[cue].start
        if end - start > _SUBJECT_REACH:
            return False
        for position in range(start, end):
            index = self.at[position]
            if index >= 0 and self.spans[index].kind in (Kind.SELF, Kind.OTHER, Kind.JOIN, Kind.NEGATION,
                                                         Kind.CORRECTION):
                return False
        return True

    def _refers_back(self, clause: int, end: int) -> bool:
        position = end - 1
        while position >= 0 and self.clause[position] == clause and end - position <= _ANAPHORA_REACH:
            if self.words[position] in self.g["anaphors"]:
                return True
            position -= 1
        return False

    def joined_with(self, place: int, places: Sequence[int], starts: Sequence[int]) -> set[int]:
        """The place and those joined to it as one subject or object: "my knee AND my elbow hurt"."""
        group = {place}
        at = bisect_right(starts, self.spans[place].start) - 1
        for step in (-1, 1):
            current = at
            while 0 <= current + step < len(places):
                one, two = sorted((places[current], places[current + step]), key=lambda index: self.spans[index].start)
                if not self.joined(one, two):
                    break
                current += step
                group.add(places[current])
        return group

    def joined(self, one: int, two: int, by_a_pause: bool = True) -> bool:
        """Said together: "my knee and my elbow", or with a pause between ("my knee, my elbow")."""
        start, end = self.spans[one].end, self.spans[two].start
        if end - start > _SUBJECT_REACH:
            return False
        joined = by_a_pause and any(position in self.breaks for position in range(start, end + 1))
        for position in range(start, end):
            span = self.spans[self.at[position]] if self.at[position] >= 0 else None
            if span is not None and span.kind is Kind.JOIN:
                joined = True
            elif not (span is not None and (span.kind in (Kind.SIDE, Kind.QUALIFIER, Kind.SELF) or span.meaning.names_someone)
                      or self.words[position] in self.g["determiners"] or self.words[position] in self.g["prepositions"]):
                return False  # "my knee and MY WIFE'S RIGHT wrist" are joined, "my hands WERE COLD and my knee" not
        return joined

    def alternatives(self, one: int, two: int) -> bool:
        """Two places joined by "or" ("my knee or my shin, not sure which"), or each said after a
        guess ("COULD BE my hip, COULD BE my lower back")."""
        start, end = self.spans[one].end, self.spans[two].start
        return end - start <= _SUBJECT_REACH and any(
            self.at[position] >= 0 and self.spans[self.at[position]].meaning == _OR
            for position in range(start, end)) or self._guessed_at(one, two)

    def _guessed_at(self, one: int, two: int) -> bool:
        """Two places near each other, each said after a guess: "COULD BE my hip, COULD BE my lower back"."""
        return self.spans[two].start - self.spans[one].end <= _SUBJECT_REACH and self._guessed(one) and self._guessed(two)

    def _guessed(self, place: int) -> bool:
        """A guess right before the place, or before "it is" and the place ("maybe it's my shin")."""
        start = self._noun_phrase_start(self.spans[place].start)
        return self.g["guesses"].within(self.words, start - _GUESS_REACH, start)

    # ------------------------------------------------------------ rank

    def rank(self, place: int, pained: Mapping[int, set[int]]) -> Rank:
        span = self.spans[place]
        start = self._noun_phrase_start(span.start)
        clause = self.clause[span.start]
        background = self.has(clause, "context")
        if self._refines(span, start) or span.end < len(self.words) and self._phrase_at(span.end, "chosen"):
            return Rank.FOCUS  # "my hand is paining me AT THE WRIST SIDE", "the back IS THE ONE that's really sore"
        if not background and self.g["requests"].ends_at(self.words, start) and self.g["focus"].ends_at(self.words, start):
            return Rank.FOCUS  # "...mine is the one I'm ASKING ABOUT, my left knee": asked about, pain word or not
        if not background and (start >= 2 and self.words[start - 1] in self.g["being"] and
                               not self._is_place(start - 2) and not self.g["also"].ends_at(self.words, start) or
                               (place in pained or self._cue_in(clause)) and self._singled_out(start) or
                               self.where_it_is(start)):
            return Rank.FOCUS  # "it is my wrist", "what hurts is my knee", "ONLY the little finger"
        if self._compared(start):
            return Rank.COMPARED  # "worse than my knee", "worse than when I did my knee"
        if place in pained:  # "I had my knee replaced last year and it still aches": the aching is now
            return Rank.PAIN if any(not self.has(said, "context") for said in pained[place]) else Rank.PAST
        if self.has(clause, "also") or (start in self.breaks and clause and self.has(clause - 1, "also")):
            return Rank.PAST if background else Rank.PAIN  # "...and now I've got it too, my right knuckles"
        return Rank.CONTEXT if background else Rank.NAMED

    def _refines(self, span: Span, start: int) -> bool:
        """ "At the wrist side", "towards the heel end": a place named as the part of another where it is."""
        return span.end < len(self.words) and self.words[span.end] in self.g["refiners"] and \
            start > 0 and self.words[start - 1] in self.g["prepositions"]

    def _compared(self, start: int) -> bool:
        """A comparison word shortly before the place, in its clause ("better than last week BUT the
        thumb" is no comparison of the thumb)."""
        comparisons = self.g["comparisons"]
        if start >= len(self.words) or comparisons.ends.isdisjoint(self.words[max(0, start - _PHRASE):start]):
            return False  # no comparison ends in reach: most places
        return any(
            comparisons.ends_at(self.words, end) for end in range(start, max(0, start - _PHRASE), -1)
            if not any(position in self.breaks or self.words[position] in self.g["contrasts"]
                       for position in range(end, start + 1)))

    def _cue_in(self, clause: int) -> bool:
        if self._pained_clauses is None:
            self._pained_clauses = {self.clause[span.start] for span in self.spans if span.kind is Kind.CUE}
        return clause in self._pained_clauses

    def singled_out(self, span: Span) -> bool:
        """ "This is just my shoulder", "mostly the forearm": a place singled out is a body."""
        start = self._noun_phrase_start(span.start)
        return start >= 2 and self.words[start - 1] in self.g["being"] and not self._is_place(start - 2) or \
            self._singled_out(start)

    def where_it_is(self, place_start: int) -> bool:
        """ "...and now IT'S JUST IN my wrist", "MINE'S IN my heel": "it" (or "mine") and a being word,
        then a preposition, past a focus word."""
        words = self.words
        start = position = self._noun_phrase_start(place_start)
        while position > 0 and (words[position - 1] in self.g["prepositions"] or words[position - 1] in self.g["focus"]):
            position -= 1
        return position < start and position >= 2 and words[position - 1] in self.g["being"] and \
            (words[position - 2] in self.g["anaphors"] or words[position - 2] in self.g["owned"])  # "MINE'S in my heel"

    def _singled_out(self, start: int) -> bool:
        """A focus word right before the place, past any preposition: "JUST my feet", "WORST in the heel"."""
        while start > 0 and self.words[start - 1] in self.g["prepositions"]:
            start -= 1
        return self.g["focus"].ends_at(self.words, start)

    def _noun_phrase_start(self, position: int) -> int:
        while position > 0:
            index = self.at[position - 1]
            kind = self.spans[index].kind if index >= 0 else None
            if self.words[position - 1] in self.g["determiners"] or kind in (Kind.SIDE, Kind.QUALIFIER, Kind.SELF,
                                                                             Kind.OTHER):
                position = self.spans[index].start if index >= 0 else position - 1
            else:
                break
        return position

    def _is_place(self, position: int) -> bool:
        index = self.at[position]
        return index >= 0 and self.spans[index].kind in (Kind.AREA, Kind.VAGUE)
