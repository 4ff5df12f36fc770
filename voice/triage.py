"""Red flags from the triage table: the signs said in an utterance, and the combinations of them that need help."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product
from typing import AbstractSet, Iterable, Mapping, Sequence

from voice.knowledge import NO_WORDS, Combination, Knowledge, LanguagePack


@dataclass(frozen=True)
class Said:
    """Signs said by words[start:end]: "chest pain" says chest_pain, "my calf" a leg."""

    start: int
    end: int
    signs: frozenset[str]


class Triage:
    """Finds the signs of one language pack's words and tells the red flags they make."""

    def __init__(self, knowledge: Knowledge, language: LanguagePack) -> None:
        self.knowledge = knowledge
        self.table = _Phrases(language.red_signs)
        self.softeners = language.grammar.get("softeners", NO_WORDS)
        self.forms = language.sign_forms
        self.longest_form = max((len(said) for said in self.forms), default=0)
        self.form_starts = frozenset(said[0] for said in self.forms)
        self.plain_starts = self.softeners.starts | self.form_starts
        plain: dict[tuple[str, ...], frozenset[str]] = {}
        for phrase, signs in self.table.items():
            plainly = tuple(self._plainly(phrase, soften=False)[0])  # "it bit" stays: its "bit" is no softener
            plain[plainly] = plain.get(plainly, frozenset()) | signs
        self.plain = _Phrases(plain)
        """The table with its forms read plainly (see _plainly): "can not breathe" is "cannot breathe"."""
        self.hiding = _Phrases(dict.fromkeys(language.not_signs, frozenset()))
        """Phrases that say no sign, though words of signs stand in them ("blood test")."""
        self.of_area: dict[str, frozenset[str]] = {}
        for sign in knowledge.signs.values():
            for area in sign.areas:
                self.of_area[area] = self.of_area.get(area, frozenset()) | {sign.id}
        self.of_pregnancy = frozenset(sign.id for sign in knowledge.signs.values() if sign.pregnancy)
        self.words_needed = all(any(all(knowledge.signs[sign].spoken for sign in element) for element in combination.elements)
                                for flag in knowledge.red_flags.values() for combination in flag.when)
        """Every combination needs a sign said in words: without one, no red flag (a quick no)."""
        self.combinations_of: dict[str, list[tuple[str, Combination]]] = {}
        """For each sign, the combinations it is part of (with their red flag): only those are tried."""
        for flag in knowledge.red_flags.values():
            for combination in flag.when:
                for needed in {one for element in combination.elements for one in element}:
                    self.combinations_of.setdefault(needed, []).append((flag.id, combination))
        unspoken = frozenset(sign.id for sign in knowledge.signs.values() if not sign.spoken)
        self.in_words_of = {sign: [tuple(element for element in combination.elements if element.isdisjoint(unspoken))
                                   for _, combination in combinations] for sign, combinations in self.combinations_of.items()}
        """For each sign, the elements of each of its combinations that only words say (no place, no pregnancy)."""

    def words(self, unheard: frozenset[str] = frozenset()) -> set[str]:
        """Every word of every sign and of every phrase that says none, for the recognizer's
        grammar; none of a phrase that holds a word kept out of it."""
        return {word for phrase in [*self.table, *self.hiding] if not unheard & set(phrase) for word in phrase}

    def find(self, words: Sequence[str], shape: Sequence[str]) -> tuple[Said, ...]:
        """Every sign said, wherever it starts, inside other phrases too ("head ache in my chest"),
        as said and as read plainly ("my wrist looks a bit bent", "I couldn't walk")."""
        found = self._found(self.table, words, shape)  # each phrase found once: no two start and end alike
        if not self.plain_starts.isdisjoint(words):  # most utterances have nothing to read plainly
            plain, spans = self._plainly(words)
            if spans != [(at, at + 1) for at in range(len(words))]:
                plain_shape = [shape[start] if end - start == 1 and word == words[start] else word
                               for word, (start, end) in zip(plain, spans)]
                found = list(dict.fromkeys([*found, *self._found(self.plain, plain, plain_shape, spans)]))
        hiding = self._found(self.hiding, words, shape) if found and not self.hiding.starts.isdisjoint(words) else []
        if not hiding:
            return tuple(found)  # no phrase of no sign said: most utterances
        return tuple(one for one in found if not any(_hides(phrase, one) for phrase in hiding))

    @staticmethod
    def _found(table: _Phrases, words: Sequence[str], shape: Sequence[str],
               spans: Sequence[tuple[int, int]] | None = None) -> list[Said]:
        """The phrases of the table said, where they were said (`spans`: of each word; else one word each)."""
        found = []
        lengths_from, seconds = table.lengths_from, table.seconds
        for start, word in enumerate(words):
            lengths = lengths_from.get(word)
            if lengths is None:
                continue  # most words start no phrase of the table
            goes_on = start + 1 < len(words) and shape[start + 1] in seconds[word]
            for length in lengths:
                if length > 1 and not goes_on or start + length > len(words):
                    break
                signs = table.get((word,) if length == 1 else (word, *shape[start + 1:start + length]))
                if signs is not None:
                    found.append(Said(start, start + length, signs) if spans is None else
                                 Said(spans[start][0], spans[start + length - 1][1], signs))
        return found

    def _plainly(self, words: Sequence[str], soften: bool = True) -> tuple[list[str], list[tuple[int, int]]]:
        """The words with the softeners passed over and each form read as the word it says ("could
        not" -> "cannot"), with where each of them was said."""
        plain: list[str] = []
        spans: list[tuple[int, int]] = []
        at = 0
        while at < len(words):
            softener = self.softeners.at(words, at) if soften and words[at] in self.softeners.starts else 0
            if softener:
                at += softener
                continue
            length = next((length for length in range(min(self.longest_form, len(words) - at), 0, -1)
                           if tuple(words[at:at + length]) in self.forms), 0) if words[at] in self.form_starts else 0
            if not length:  # a word said as it is: most words
                plain.append(words[at])
                spans.append((at, at + 1))
                at += 1
                continue
            said = self.forms[tuple(words[at:at + length])]
            plain.extend(said)
            spans.extend((at, at + length) for _ in said)
            at += length
        return plain, spans

    def area(self, start: int, end: int, area: str) -> Said | None:
        """A place named as a body says the signs of its area ("my calf": a leg)."""
        signs = self.of_area.get(area)
        return Said(start, end, signs) if signs else None

    def pregnancy(self, start: int, end: int) -> Said:
        return Said(start, end, self.of_pregnancy)

    def possible_in_words(self, said: Sequence[Said]) -> bool:
        """Could the signs said in words make a red flag, whatever places and pregnancies are said
        with them? Only for a table whose every combination needs a sign said in words (words_needed)."""
        had: set[str] = set()
        for one in said:
            had |= one.signs
        for sign in had:
            for elements in self.in_words_of.get(sign, ()):
                if _every_element_said_of(elements, had):
                    return True
        return False

    def possible(self, had: set[str]) -> bool:
        """Could these signs make a red flag, however far apart they are said? Fewer signs make no more."""
        return any(_every_element_said(combination, had)
                   for sign in had for _, combination in self.combinations_of.get(sign, ()))

    def flags(self, said: Iterable[Said]) -> tuple[str, ...]:
        """The red flags whose combinations are all said, in the table's order."""
        said = list(said)
        had = frozenset(sign for one in said for sign in one.signs)
        made = {flag for sign in had for flag, combination in self.combinations_of.get(sign, ())
                if _made(combination, said, had)}
        return tuple(flag for flag in self.knowledge.red_flags if flag in made)


class _Phrases(dict[tuple[str, ...], frozenset[str]]):
    """Phrases and the signs each says, with what finding them in running text needs: for each
    first word, how many words the phrases it starts have, and the second words of its longer ones."""

    def __init__(self, table: Mapping[tuple[str, ...], frozenset[str]]) -> None:
        super().__init__(table)
        lengths: dict[str, set[int]] = {}
        seconds: dict[str, set[str]] = {}
        for phrase in self:
            lengths.setdefault(phrase[0], set()).add(len(phrase))
            seconds.setdefault(phrase[0], set()).update(phrase[1:2])
        self.lengths_from = {first: tuple(sorted(counts)) for first, counts in lengths.items()}
        """Shortest first."""
        self.starts = frozenset(self.lengths_from)
        self.seconds = {first: frozenset(words) for first, words in seconds.items()}
        """The second words of the longer phrases, by their first: none for most first words."""


def _hides(phrase: Said, sign: Said) -> bool:
    """A phrase of no sign hides the signs said by its own words ("BLOOD test"), not one said by all of it."""
    return phrase.start <= sign.start and sign.end <= phrase.end and (sign.start, sign.end) != (phrase.start, phrase.end)


def _every_element_said(combination: Combination, had: AbstractSet[str]) -> bool:
    return _every_element_said_of(combination.elements, had)


def _every_element_said_of(elements: tuple[frozenset[str], ...], had: AbstractSet[str]) -> bool:
    for element in elements:
        if had.isdisjoint(element):
            return False  # an element not said: most combinations tried
    return True


def _made(combination: Combination, said: list[Said], had: frozenset[str]) -> bool:
    if not _every_element_said(combination, had):
        return False
    if combination.near is None:
        return True
    choices = [[one for one in said if one.signs & element] for element in combination.elements]
    return any(max(one.end for one in chosen) - min(one.start for one in chosen) <= combination.near
               for chosen in product(*choices))
