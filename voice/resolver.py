"""Turns what a person says into the corresponding area, points, warnings and words to speak."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Generic, NamedTuple, TypeVar

from voice.finding import Find, Finder
from voice.knowledge import (DETERMINER, NO_WORDS, Kind, Library, Meaning, Point, Side, WarningRule, WarningWhen, Spoken,
                             WordClass, capital)
from voice.reading import SELF, UNKNOWN_WORD, Mentioned, Parse as Parse, Pregnancy as Pregnancy, Reader, Reading, Token
from voice.spelling import corrections
from voice.triage import Triage


@dataclass(frozen=True)
class Place:
    area: str
    side: Side | None = None
    qualifier: str | None = None
    whose: str = field(default=SELF, compare=False)
    """Whose place it is: SELF, or someone else ("wife"); places said together may be two people's."""
    pregnancy: Pregnancy | None = field(default=None, compare=False)
    """What was said of that person's pregnancy."""

    def to_json(self) -> dict[str, Any]:
        return {"area": self.area, "side": self.side.value if self.side else None,
                "qualifier": self.qualifier}


@dataclass(frozen=True)
class Context:
    """What the resolver knows besides the words: settings and the session so far."""

    pregnancy: Pregnancy = Pregnancy.UNKNOWN
    same_side: bool = False
    """Massage the corresponding area on the same side instead of the opposite one."""
    duration_seconds: int = 60


@dataclass(frozen=True)
class Resolution:
    """Everything the assistant answers to one utterance."""

    text: str
    understood: bool
    pain: Place | None = None
    target: Place | None = None
    points: tuple[str, ...] = ()
    """Points recommended: never one that is avoided."""
    avoid_points: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    echo: str = ""
    """What was understood, said back first so a mishearing can be corrected."""
    cautions: tuple[str, ...] = ()
    """Warnings spoken before the instruction."""
    instruction: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    """Warnings spoken after the instruction."""
    pregnancy: Pregnancy = Pregnancy.UNKNOWN
    ask_pregnancy: bool = False
    """The target holds a point to avoid in pregnancy and the status is unknown."""
    special_care: tuple[str, ...] = ()
    reason: str | None = None
    """Why it was not understood: "empty", "systemic", "unknown", "red_flag" (needs medical
    help now), "vague" (which part? see `choices`), "which" (which of two places said as
    alternatives? see `choices`) or "no_pain" (a place said not to hurt)."""
    also: tuple[Place, ...] = ()
    """Other places said to hurt, to offer next."""
    vague: Place | None = None
    """A place too wide to answer ("my left arm"): its id is the vague place's."""
    choices: tuple[str, ...] = ()
    """The areas a vague place may mean, or the two places said as alternatives (`either`)."""
    either: tuple[Place, ...] = ()
    """Two places said as alternatives ("my knee or my shin, I can't tell"): which one hurts?"""
    red_flags: tuple[str, ...] = ()
    unsure: bool = False
    """A word the recognizer did not know stands where a "not" could have been: asked back first."""
    target_hurts: bool = False
    """The place to massage is also said to hurt: said so, and the other side used when it is free."""
    someone_else: bool = False
    """The place is on someone other than the speaker ("my son's knee"): spoken as "the left
    knee", not "your"."""
    find: Find | None = None
    """How to find the target, and each point named, by touch (voice/finding.py)."""

    @property
    def speech(self) -> str:
        return " ".join(part for part in (self.echo, self.spoken_answer) if part)

    @property
    def spoken_answer(self) -> str:
        """Everything after the echo: cautions, instruction, notes, in that order."""
        return " ".join(part for part in (*self.cautions, *self.instruction, *self.notes) if part)

    def to_json(self) -> dict[str, Any]:
        return {
            "understood": self.understood,
            "pain": self.pain.to_json() if self.pain else None,
            "target": self.target.to_json() if self.target else None,
            "points": list(self.points),
            "avoid_points": list(self.avoid_points),
            "find": self.find.to_json() if self.find else None,
            "warnings": list(self.warnings),
            "speech": self.speech,
            "pregnancy": self.pregnancy.value,
            "ask_pregnancy": self.ask_pregnancy,
            "special_care": list(self.special_care),
            "reason": self.reason,
            "also": [{**place.to_json(), "someone_else": place.whose != SELF} for place in self.also],
            "someone_else": self.someone_else,
            "vague": self.vague.to_json() if self.vague else None,
            "choices": list(self.choices),
            "either": [place.to_json() for place in self.either],
            "unsure": self.unsure,
            "target_hurts": self.target_hurts,
        }


_SPELT_OUT = (Kind.AREA, Kind.VAGUE, Kind.SIDE)
"""The words read through a typing slip ("my rigth wirst"): where it hurts and which side. Not the
pain words: their slips are everyday words ("looking" is not "locking", "filling" not "killing")."""

_TOKEN = re.compile(r"([\w']+|\[unk\])|[.,;:!?\u2026\u2014\u2013()]|\s-\s")
"""A word (letters, digits and apostrophes; a recognizer's "[unk]" is one), or punctuation that ends
a clause: "my wrist is fine, it's my ankle". Underscores are taken out first (_NO_WORD)."""
_NO_WORD = "\0"
"""What an underscore is read as: no letter, no space, no punctuation ("left_knee" is two words)."""


_FORMS_KEPT = 20_000
"""How many words' known forms a resolver remembers before it starts again."""
_ANSWERS_KEPT = 2_000
"""How many sets of warnings and instructions a resolver remembers before it starts again (care said
of someone may come in any combination; the duration is any setting)."""

_Key = TypeVar("_Key")
_Value = TypeVar("_Value")


class _Table(dict[_Key, _Value], Generic[_Key, _Value]):
    """What a pure function of the key gave, made when first asked; with `kept`, emptied when that
    many are held (typed text may bring any number of words: only the recent are kept)."""

    def __init__(self, make: Callable[[_Key], _Value], kept: int | None = None) -> None:
        super().__init__()
        self.make, self.kept = make, kept

    def __missing__(self, key: _Key) -> _Value:
        if self.kept is not None and len(self) >= self.kept:
            self.clear()
        value = self[key] = self.make(key)
        return value


class Resolver:
    """The shared resolver: the voice loop, the command line and the tests all use it."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self.knowledge = library.knowledge
        self.language = library.language
        self._phrases = self.language.phrases
        self._longest = max((len(phrase) for phrase in self._phrases), default=1)
        self._single = {phrase[0]: meaning for phrase, meaning in self._phrases.items() if len(phrase) == 1}
        """The phrases of one word, by that word."""
        lengths: dict[str, set[int]] = {}
        seconds: dict[str, set[str]] = {}
        for phrase in self._phrases:
            lengths.setdefault(phrase[0], set()).add(len(phrase))
            if len(phrase) > 1:
                seconds.setdefault(phrase[0], set()).add(phrase[1])
        self._lengths = {first: frozenset(counts) for first, counts in lengths.items()}
        """How many words the phrases that start with each word have."""
        self._longest_from = {first: max(counts) for first, counts in lengths.items()}
        """The longest phrase that starts with each word: most words start none longer than one."""
        self._seconds = {first: frozenset(words) for first, words in seconds.items()}
        self._words = self.language.words() | self.language.grammar_words() | \
            {word for phrase in [*self.language.red_signs, *self.language.not_signs] for word in phrase}
        """Every word the pack knows, its word classes' and signs' too ("wills" in "if god wills" is no
        "will", "spots" in front of the eyes no "spot")."""
        self._forms: _Table[str, str] = _Table(self._read_form, _FORMS_KEPT)
        """Each word read so far, with its known form (_known_form): a pure function of the word."""
        self._alone: _Table[str, tuple[str, ...] | None] = _Table(self._read_alone, _FORMS_KEPT)
        """Each piece of text read so far, with the words it stands for wherever it is said (_read_alone)."""
        self._slips = corrections((phrase[0] for phrase, meaning in self._phrases.items()
                                   if len(phrase) == 1 and meaning.kind in _SPELT_OUT), self._words)
        self._sides = {phrase[0] for phrase, meaning in self._phrases.items()
                       if meaning.kind is Kind.SIDE and len(phrase) == 1}
        self._hesitations = frozenset(word for word in self.language.grammar.get("hesitations", NO_WORDS)
                                      if (word,) in self._phrases and self._phrases[(word,)].kind is Kind.FILLER)
        """Sounds passed over inside a phrase, as sides are: "the ball of my UH foot"."""
        self._passed = self._sides | self._hesitations
        self._goes_on = {first: following | self._passed for first, following in self._seconds.items()}
        """The words that may come right after each word that starts a phrase of more than one word: a
        second word of one, or a side or a hesitation said inside it ("the heel of my LEFT hand"); most
        words fail at once."""
        self._determiners = self.language.grammar.get("determiners", NO_WORDS)
        self._endings = tuple(self.language.endings_before_numbers) or ("\0",)
        self._contextual = {word: (where, expanded) for where, words in self.language.contractions_in_context.items()
                            for word, expanded in words.items()}
        self._said_after = {phrase[at:at + 2] for phrase, meaning in self._phrases.items()
                            if meaning.kind in (Kind.NEGATION, Kind.PREGNANCY) for at in range(len(phrase) - 1)}
        """Two words in a row of negations and pregnancies: "'s fine" is "is fine" ("is", "fine"),
        "our baby's due" is "baby is due"."""
        self._vague_words: dict[str, list[tuple[str, ...]]] = {}
        for phrase, meaning in self._phrases.items():
            if meaning.kind is Kind.VAGUE and len(phrase) == 1:
                self._vague_words.setdefault(meaning.id, []).append(phrase)
        self._neighbour = self._neighbours()
        self._covered = {key: frozenset({area.id, *area.covers}) for key, area in self.knowledge.areas.items()}
        """Each area with the areas it covers."""
        self._near = {area: tuple(point for point in self.knowledge.points.values() if covered & {point.area, *point.near})
                      for area, covered in self._covered.items()}
        """The points that lie in or near each area (or anything it covers)."""
        self._risky = {area: tuple(point.code for point in near if point.avoid_in_pregnancy)
                       for area, near in self._near.items()}
        """The points near each area to avoid in pregnancy."""
        self._finder = Finder(self.language)
        self._place_texts: _Table[tuple[str, Side | None, str | None, bool, bool], str] = \
            _Table(lambda key: self._spoken_place(Place(*key[:3]), key[3], key[4]))
        """Each place as spoken (place_text), by what the words depend on: a table of the pack's, filled as asked."""
        self._fixed: _Table[str, str] = _Table(lambda key: capital(self.language.say[key].format()))
        """The sentences that say nothing of the utterance, made as first asked."""
        self._targets: _Table[tuple[str, Side | None, str | None, bool], Place] = _Table(self._corresponding)
        """The place to massage for each pain place (_target_place): a table of the pack's, filled as asked."""
        self._echoes: _Table[str, str] = _Table(lambda pain: self._sentence("echo", pain=pain))
        """Each place as said back, by the place as spoken: a table of the pack's, filled as asked."""
        self._kept: _Table[tuple[str, tuple[str, ...]], tuple[str, ...]] = _Table(
            lambda key: tuple(code for code in self.knowledge.areas[key[0]].recommend if code not in key[1]))
        """The points recommended for each target area, less the points avoided."""
        self._warnings_for: _Table[_Facts, _Warned] = _Table(self._warnings_of, _ANSWERS_KEPT)
        """The warnings of each set of facts (_warnings_of)."""
        self._instructions: _Table[tuple[str, tuple[str, ...], int], tuple[str, ...]] = \
            _Table(lambda key: self._instruction_for(*key), _ANSWERS_KEPT)
        """The instruction for each place as spoken, points and duration (_instruction_for)."""
        self._triage = Triage(self.knowledge, self.language)
        self._reader = Reader(self.language, self.knowledge, self._triage)

    # ------------------------------------------------------------ understanding

    def words(self, text: str) -> tuple[str, ...]:
        """Lowercase words with punctuation removed and contractions expanded."""
        return self._tokenize(text)[0]

    def _tokenize(self, text: str) -> tuple[tuple[str, ...], frozenset[int]]:
        """The words, and the positions of the words that follow a clause-ending punctuation mark."""
        if not text.isascii():  # NFKC leaves ASCII as it is, and the quotes are not ASCII
            text = unicodedata.normalize("NFKC", text).replace("\u2019", "'").replace("\u2018", "'")
        text = text.lower().replace("_", _NO_WORD)
        words: list[str] = []
        breaks: set[int] = set()
        pieces: list[str | None] = list(text.split()) if _only_words(text) else \
            [word or None for word in _TOKEN.findall(text)]  # None: a punctuation mark
        alone = self._alone
        for index, word in enumerate(pieces):
            if word is None:
                if words:
                    breaks.add(len(words))
                continue
            said = alone[word]
            words.extend(said if said is not None else self._read_in_place(word, pieces, index))
        return tuple(words), frozenset(breaks)

    def _read_alone(self, word: str) -> tuple[str, ...] | None:
        """The words a piece of text stands for wherever it is said; None when that depends on the
        pieces around it (a contraction that is also a word, an ending that may stand for a word)."""
        expanded = self.language.contractions.get(word)
        if expanded:
            return tuple(expanded.split())
        if word in self._contextual or self._stems_before_a_number(word):
            return None
        return self._plainly(word)

    def _read_in_place(self, word: str, pieces: list[str | None], index: int) -> tuple[str, ...]:
        """The words a piece of text stands for where it is said (see _read_alone)."""
        expanded = None
        if word in self._contextual:
            expanded = self._in_context(word, pieces[index - 1] if index else None, pieces[index + 1:index + 2])
        if not expanded and word.endswith(self._endings):
            expanded = self._ending_before_a_number(word, pieces[index + 1:index + 3])
        return tuple(expanded.split()) if expanded else self._plainly(word)

    def _plainly(self, word: str) -> tuple[str, ...]:
        """A word read as itself: its known form, without apostrophes around it."""
        if word.startswith("'") and word.strip("'") == "s":
            return ()  # "my elbow \u2019s sore": the "'s" of a word written apart
        form = self._known_form(word.strip("'"))
        return (form,) if form else ()

    def _in_context(self, word: str, previous: str | None, following: list[str | None]) -> str | None:
        """A contraction that is also a word ("its", "were"), where it is the contraction."""
        found = self._contextual.get(word)
        if found is None:
            return None
        where, expanded = found
        if where == "at_clause_start":
            fits = previous is None or previous in self.language.grammar.get("openers", NO_WORDS)
        elif where == "not_before_a_place":
            after = self._phrases.get((self._known_form(following[0]),)) if following and following[0] else None
            fits = after is None or after.kind not in (Kind.AREA, Kind.VAGUE)
        else:
            fits = previous not in self._determiners
        return expanded if fits else None

    def _ending_before_a_number(self, word: str, following: list[str | None]) -> str | None:
        """ "my dad's 92", "my knee's fine", "my wife's pregnant": the word and what its ending
        stands for ("dad is") before a number, a pain word, a negation or a pregnancy; not before a
        number of body parts ("my dad's 2 knees") nor before what is theirs ("my dad's knee")."""
        number = following[0] if following else None
        if number is None or not word.endswith(self._endings):
            return None
        after = following[1] if len(following) > 1 else None
        body = self._phrases.get((self._known_form(after),)) if after is not None else None
        if body is not None and body.kind in (Kind.AREA, Kind.VAGUE):
            return None
        said = self._phrases.get((self._known_form(number),))
        own_word = word in self._words  # "my knees 2": a word of its own, not one with an ending
        for stem, meaning in self._stems_before_a_number(word):
            if not own_word and (number.isdecimal() or number in self.language.numbers or
                                 (said is not None and said.kind in (Kind.CUE, Kind.PREGNANCY)) or
                                 (meaning, number) in self._said_after) or \
                    own_word and number in self.language.grammar.get("fine", NO_WORDS):
                return f"{self._known_form(stem)} {meaning}"
        return None

    def _stems_before_a_number(self, word: str) -> list[tuple[str, str]]:
        """Where a word may be a known word and an ending that stands for a word of its own (see
        _ending_before_a_number): each stem, with what its ending stands for. A word of its own only
        where its stem names a place, before a word of `grammar: fine`: "my shoulders fine", as a
        transcript writes "my shoulder's fine" (either reading says the place is fine)."""
        own_word = word in self._words
        return [(word[:-len(ending)], meaning) for ending, meaning in self.language.endings_before_numbers.items()
                if word.endswith(ending) and len(word) > len(ending) and word[:-len(ending)] in self._words and
                (not own_word or self._names_a_place(word[:-len(ending)]))]

    def _names_a_place(self, word: str) -> bool:
        place = self._phrases.get((self._known_form(word),))
        return place is not None and place.kind in (Kind.AREA, Kind.VAGUE)

    def _known_form(self, word: str) -> str:
        """The word as the pack knows it: itself, its stem, or the word a typing slip stands for."""
        return self._forms[word]

    def _read_form(self, word: str) -> str:
        if word in self._words:
            return word
        for suffix in self.language.suffixes:
            stem = word[: -len(suffix)]
            if word.endswith(suffix) and stem in self._words:
                return stem
        return self._slips.get(word, word)

    def parse(self, text: str) -> Parse:
        """The phrases in the text, longest first; a side may stand inside a phrase ("the heel of
        my left hand"), and any determiner where the phrase has one ("the ball of the thumb")."""
        words, breaks = self._tokenize(text)
        shape = tuple([DETERMINER if word in self._determiners else word for word in words])
        tokens: list[Token] = []
        order: list[tuple[int, int]] = []
        """Where each token goes: at its own position, a side said inside a phrase before it."""
        said_inside = False
        unknown: list[str] = []
        position = 0
        single, goes_on = self._single, self._goes_on
        while position < len(words):
            word = words[position]
            after = goes_on.get(word)
            match = self._match(words, shape, breaks, position) if after is not None and position + 1 < len(words) and \
                (words[position + 1] in after or shape[position + 1] in after) and \
                self._may_go_on(words, shape, position) else None
            if match is None:
                meaning = single.get(word)  # a word that starts no longer phrase, or none said here: most words
                if meaning is not None:
                    tokens.append(Token(position, position + 1, meaning))
                elif word.isdecimal() and len(word) < 4:  # not isdigit(): "❼" and "²" are no int()
                    tokens.append(Token(position, position + 1, Meaning(Kind.NUMBER, str(int(word)))))
                else:
                    unknown.append(word)
                    position += 1
                    continue
                order.append((position, 1))
                position += 1
                continue
            meaning, end, inside = match
            for at in inside:
                said = self._single.get(words[at])
                if said is not None:
                    tokens.append(Token(at, at + 1, said))
                    order.append((position, 0) if said.kind is Kind.SIDE else (at, 1))  # "the ball of my LEFT foot": the side before its place
                    said_inside = True
            tokens.append(Token(position, end, meaning))
            order.append((position, 1))
            position = end
        if said_inside:  # put in order
            tokens = [tokens[at] for at in sorted(range(len(tokens)), key=order.__getitem__)]
        tokens = self._ones_named(words, tokens)
        tokens = self._parts_said_after(words, self._parts_of_it(words, self._neighbours_named(words, tokens)))
        found = tuple([(token.start, token.meaning) for token in tokens])
        return Parse(words, found, tuple(unknown), tuple(tokens), breaks, self._triage.find(words, shape))

    def _ones_named(self, words: tuple[str, ...], tokens: list[Token]) -> list[Token]:
        """ "My index finger or the MIDDLE ONE", "my big toe or the LITTLE ONE": a word and "one"
        after a place name the place of its kind with that word ("middle finger", "little toe")."""
        ones = self.language.grammar.get("ones", NO_WORDS)
        if ones.starts.isdisjoint(words[1:]):
            return tokens  # no "one" said after a word: most utterances
        for position in range(1, len(words)):
            if words[position] not in ones.starts or not ones.at(words, position):
                continue
            before = [token for token in tokens if token.end <= position - 1 and token.kind in (Kind.AREA, Kind.VAGUE)]
            covering = [token for token in tokens if token.start < position + 1 and token.end > position - 1]
            if not before or any(token.kind in (Kind.AREA, Kind.VAGUE, Kind.SIDE) or token.end > position + 1
                                 for token in covering) or \
                    any(token.start == position + 1 and token.kind in (Kind.AREA, Kind.VAGUE) for token in tokens):
                continue  # "my little one's KNEE": a child's; "a little one on the way": a baby
            if before[-1].kind is Kind.VAGUE and any(word not in self._determiners for word in words[before[-1].end:position - 1]):
                continue  # only right after it: "my toe SECOND ONE", "my finger THE SMALL ONE"; not "toe is paining, the big one"
            group = before[-1].meaning.id if before[-1].kind is Kind.VAGUE else \
                next((name for name, parts in self.knowledge.vague.items() if before[-1].meaning.id in parts), None)
            meaning = next((self._phrases.get((words[position - 1],) + name)
                            for name in self._vague_words.get(group or "", [])
                            if (words[position - 1],) + name in self._phrases), None)
            if meaning is not None and meaning.kind is Kind.AREA:
                tokens = _replaced(tokens, position - 1, position + 1, meaning)
        return tokens

    def _neighbours(self) -> dict[str, Meaning]:
        """The one area next to each area at an end of its row (knowledge.yaml's vague lists run in
        order: the thumb's is the index finger, the little toe's the fourth), as its plainest phrase says it."""
        plainest: dict[str, tuple[int, Meaning]] = {}
        for phrase, meaning in self._phrases.items():
            if meaning.kind is Kind.AREA and meaning.qualifier is None and \
                    len(phrase) < plainest.get(meaning.id, (len(phrase) + 1, meaning))[0]:
                plainest[meaning.id] = (len(phrase), meaning)
        neighbour = {}
        for row in self.knowledge.vague.values():
            for end, next_one in ((row[0], row[1]), (row[-1], row[-2])) if len(row) > 1 else ():
                if next_one in plainest:
                    neighbour[end] = plainest[next_one][1]
        return neighbour

    def _neighbours_named(self, words: tuple[str, ...], tokens: list[Token]) -> list[Token]:
        """ "My big toe or THE ONE NEXT TO IT", "like THE ONE NEXT TO the little one": a place named by
        the one it is next to, when that one is at an end of its row; the place pointed at is only a
        landmark."""
        pointing = self.language.grammar.get("neighbours", NO_WORDS)
        if pointing.ends.isdisjoint(words) or pointing.starts.isdisjoint(words):
            return tokens  # most utterances
        anaphors = self.language.grammar.get("anaphors", NO_WORDS)
        for position in range(len(words)):
            length = pointing.at(words, position) if words[position] in pointing.starts else 0
            if not length:
                continue
            end = position + length
            while end < len(words) and words[end] in self._determiners:
                end += 1  # "the one next to THE little one"
            landmark = next((token for token in tokens if token.start == end and token.kind is Kind.AREA), None)
            stop = landmark.end if landmark is not None else end + 1
            if landmark is None and end < len(words) and words[end] in anaphors:
                landmark = next((token for token in reversed(tokens) if token.end <= position and
                                 token.kind is Kind.AREA), None)  # "... or the one next to IT"
            neighbour = self._neighbour.get(landmark.meaning.id) if landmark is not None else None
            if neighbour is not None:
                tokens = _replaced(tokens, position, stop, neighbour)
        return tokens

    def _parts_of_it(self, words: tuple[str, ...], tokens: list[Token]) -> list[Token]:
        """ "My right hand, the HEEL OF IT", "my thumb, the FLESHY BIT UNDER IT": a part said of "it" is
        that part of the place said before, where the pack has a phrase for it ("heel of my hand",
        "fleshy bit under my thumb")."""
        anaphors = self.language.grammar.get("anaphors", NO_WORDS)
        prepositions = self.language.grammar.get("prepositions", NO_WORDS) | self.language.grammar.get("places", NO_WORDS)
        if anaphors.isdisjoint(words) or prepositions.isdisjoint(words):
            return tokens  # most utterances
        for at in range(2, len(words)):
            if words[at] not in anaphors or words[at - 1] not in prepositions:
                continue
            before = [token for token in tokens if token.end < at - 1 and token.kind is Kind.AREA]
            if not before:
                continue
            landmark = (words[at - 1], DETERMINER, words[before[-1].end - 1])
            for start in range(max(before[-1].end, at - 5), at - 1):  # the longest part first
                meaning = self._phrases.get(words[start:at - 1] + landmark)
                if meaning is not None and meaning.kind is Kind.AREA:
                    tokens = _replaced(tokens, start, at + 1, meaning)
                    break
        return tokens

    def _parts_said_after(self, words: tuple[str, ...], tokens: list[Token]) -> list[Token]:
        """ "My right thumb aches AT THE BASE": a part said after its place, with a preposition and an
        article, is that part of it, where the pack has a phrase for it ("base of my thumb")."""
        places = self.language.grammar.get("places", NO_WORDS)
        articles = self.language.grammar.get("articles", NO_WORDS)
        if places.isdisjoint(words):
            return tokens  # most utterances
        for at in range(1, len(words) - 2):
            if words[at] not in places or words[at + 1] not in articles:
                continue
            before = [token for token in tokens if token.end <= at and token.kind is Kind.AREA]
            if not before:
                continue
            for end in range(min(len(words), at + 5), at + 2, -1):  # the longest part first
                meaning = self._phrases.get(words[at + 2:end] + ("of", DETERMINER, words[before[-1].end - 1]))
                if meaning is not None and meaning.kind is Kind.AREA and meaning.id != before[-1].meaning.id:
                    tokens = _replaced(tokens, at + 2, end, meaning)
                    break
        return tokens

    def _match(self, words: tuple[str, ...], shape: tuple[str, ...], breaks: frozenset[int],
               start: int) -> tuple[Meaning, int, list[int]] | None:
        """The longest phrase of more than one word at `start`, where one may go on from its first
        word (_may_go_on): (meaning, where it ends, positions of the sides and determiners inside it);
        None where only a phrase of one word can be said (the caller looks that up)."""
        longest = self._longest_from[words[start]]
        if breaks:
            longest = min([longest] + [at - start for at in breaks if at > start])  # "ripping pain back, of": no "back of"
            if longest <= 1:
                return None
        phrases = self._phrases
        content: list[int] = [start]
        for at in range(start + 1, min(len(words), start + longest + 4)):
            if at in breaks:
                break  # a side is not looked for across a comma: "my thumb, my ball of the foot"
            if words[at] not in self._passed:
                content.append(at)
        lengths = self._lengths[words[start]]
        for length in range(min(longest, max(len(content), len(words) - start)), 0, -1):
            if length not in lengths:
                continue  # no phrase of this word has as many words
            literal = phrases.get(words[start:start + length])
            if literal is not None and literal.kind is Kind.IDIOM:
                return literal, start + length, []
            shaped = shape[start + 1:start + length]
            exact = phrases.get(words[start:start + 1] + shaped) if DETERMINER in shaped else literal
            if exact is not None:
                return exact, start + length, self._determined(shape, start + 1, start + length)
            if length > len(content) or content[length - 1] == start + length - 1:
                continue  # no side said inside: the words are those just looked up
            spread = content[:length]
            meaning = phrases.get(words[start:start + 1] + tuple([shape[at] for at in spread[1:]]))
            if meaning is not None and meaning.kind is not Kind.SIDE:
                end = spread[-1] + 1
                return meaning, end, [at for at in range(start + 1, end) if (at not in spread or shape[at] == DETERMINER)
                                      and words[at] not in self._hesitations]
        return None

    def _may_go_on(self, words: tuple[str, ...], shape: tuple[str, ...], start: int) -> bool:
        """Could a phrase longer than one word start here? Only if the next word (past any
        side) is a second word of a phrase that starts with this one: most words fail at once
        ("my knee": no phrase starts with "my knee")."""
        seconds = self._seconds.get(words[start], frozenset())
        for at in range(start + 1, min(len(words), start + 4)):
            if shape[at] in seconds or words[at] in seconds:
                return True
            if words[at] not in self._passed:
                return False
        return False

    @staticmethod
    def _determined(shape: tuple[str, ...], start: int, end: int) -> list[int]:
        return [at for at in range(start, end) if shape[at] == DETERMINER]

    def vocabulary(self) -> list[str]:
        """Every phrase and every word the language pack understands, for the recognizer: the words
        of the signs of red flags and of the grammar's word classes (a hedge, a denial), and the
        contractions as people say them ("don't", "i'm"): a recognizer writes those, not "do not"."""
        phrases = {" ".join(phrase) for phrase in self._phrases if DETERMINER not in phrase}
        spoken = {word for word in self.language.contractions if "'" in word}
        signs = self._triage.words(self.language.not_in_grammar) - {DETERMINER}
        every = phrases | self.language.words() | spoken | signs | self.language.grammar_words() | self._possessives()
        unheard = self.language.not_in_grammar
        return sorted(phrase for phrase in every if not unheard & set(phrase.split()))

    def _possessives(self) -> set[str]:
        """ "Dad's", "wife's", "neck's" ("my neck's stiff"): a person's or a place's word with the
        pack's possessive ending, as said."""
        people = {phrase[-1] for phrase, meaning in self._phrases.items()
                  if meaning.kind in (Kind.OTHER, Kind.AREA, Kind.VAGUE) and len(phrase) == 1 or
                  (meaning.kind is Kind.CARE and meaning.person)}
        endings = [ending for ending in self.language.suffixes if ending.startswith("'")]
        return {person + ending for person in people for ending in endings[:1]
                if person not in self.language.grammar.get("pronouns", NO_WORDS)}

    # ------------------------------------------------------------ answering

    def resolve(self, text: str, context: Context = Context()) -> Resolution:
        parse = self.parse(text)
        reading = self._reader.read(parse)
        pregnancy = self._pregnancy(reading, parse, context)
        if reading.red_flags:
            return self._red_flag(text, reading, pregnancy)
        places = [place for place in reading.places if not place.vague]
        first = reading.places[0] if reading.places else None
        if first is None:
            return self._not_understood(text, parse, reading, pregnancy)
        if reading.either:
            return self._either(text, reading, pregnancy)
        also = tuple(_place(place) for place in places if place != first)
        if first.vague:
            first = self._part_named_apart(parse, first)
        if first.vague:
            return self._vague(text, first, also, pregnancy, reading.care, reading.someone_else)
        if pregnancy is not context.pregnancy:
            context = replace(context, pregnancy=pregnancy)
        answer = self.answer(_place(first), context, reading.care, text=text, no_question=reading.no_question,
                             also=also, someone_else=reading.someone_else)
        return replace(answer, unsure=reading.unsure) if reading.unsure else answer

    def pregnancy_said(self, parse: Parse) -> Pregnancy | None:
        """What an utterance says of the pregnancy of the person it is about, hedges and all:
        "I hope I'm not" is unknown, never a no; None when it says nothing of it."""
        return self._reader.read(parse).pregnancy

    def hedged(self, parse: Parse) -> bool:
        """A hedge ("probably", "I hope") or a word the recognizer did not know is in it."""
        hedges = self.language.grammar.get("hedges", NO_WORDS)
        return UNKNOWN_WORD in parse.words or hedges.within(parse.words)

    def _part_named_apart(self, parse: Parse, vague: Mentioned) -> Mentioned:
        """ "My back, the lower part", "my toe, the big one": a word said apart that names one
        of the vague place's parts with the place's own word ("lower back", "big toe")."""
        names = self._vague_words.get(vague.area, [])
        inside = {at for token in parse.tokens if token.kind in (Kind.AREA, Kind.VAGUE) and token.end - token.start > 1
                  for at in range(token.start, token.end)}  # "lower" of "my lower back" names no lower leg
        being = self.language.grammar.get("being", NO_WORDS)
        for position, word in enumerate(parse.words):
            if position in inside or not self._names_a_part(parse, position, being):
                continue
            for name in names:
                meaning = self._phrases.get((word,) + name)
                if meaning is not None and meaning.kind is Kind.AREA and \
                        meaning.id in self.knowledge.vague[vague.area]:
                    sided = self.knowledge.areas[meaning.id].sided
                    return replace(vague, area=meaning.id, side=vague.side if sided else None,
                                   qualifier=meaning.qualifier, vague=False)
        return vague

    @staticmethod
    def _names_a_part(parse: Parse, position: int, being: WordClass) -> bool:
        """ "My toe, the BIG one", "my fingers, mostly the MIDDLE one": a word that names a part;
        not the subject of its own clause ("fingers swollen, RINGS are tight")."""
        return not (position + 1 < len(parse.words) and being.at(parse.words, position + 1))

    @staticmethod
    def _pregnancy(reading: Reading, parse: Parse, context: Context) -> Pregnancy:
        """What was said of the person massaged; anyone else named starts unknown."""
        if reading.pregnancy is not None:
            return reading.pregnancy
        if reading.someone_else:
            return Pregnancy.UNKNOWN
        return context.pregnancy

    def _target_place(self, pain: Place, context: Context) -> Place:
        """The place to massage for a pain place: made once per area, side, qualifier and way of choosing the side."""
        return self._targets[pain.area, pain.side, pain.qualifier, context.same_side]

    def _corresponding(self, key: tuple[str, Side | None, str | None, bool]) -> Place:
        pain_area, pain_side, pain_qualifier, same_side = key
        area = self.knowledge.areas[pain_area]
        target = self.knowledge.areas[area.corresponds_to or area.id]
        side = pain_side if target.sided else None
        if side in (Side.LEFT, Side.RIGHT) and not same_side:
            side = Side.RIGHT if side is Side.LEFT else Side.LEFT
        qualifier = None
        if pain_qualifier and target.corresponds_to is not None:  # not "the top of your hands and feet"
            qualifier = area.qualifiers.get(pain_qualifier, self.knowledge.qualifiers[pain_qualifier])
        return Place(target.id, side, qualifier)

    def points_near(self, area_id: str) -> list[Point]:
        """The points that lie in or near an area (or anything the area covers)."""
        return list(self._near[area_id])

    def answer(self, pain: Place, context: Context = Context(), care: tuple[str, ...] = (),
               text: str = "", no_question: bool = False, also: tuple[Place, ...] = (),
               someone_else: bool = False, hurting: tuple[Place, ...] = ()) -> Resolution:
        """The answer for a pain place already known (the voice loop's "other side").
        `no_question`: nobody asks them (an animal, a small child, someone said to be possibly
        pregnant): the points are avoided without asking;
        `someone_else`: the place is on someone other than the speaker; `hurting`: other places
        said to hurt before (a session's earlier report). A target that is itself
        said to hurt ("my left knee and my right elbow hurt") is never sent to without saying so:
        the other side when it is free, else the person is told to go very gently or say which hurts more."""
        target = self._target_place(pain, context)
        said_to_hurt, target = self._target_hurts(pain, target, also + hurting)
        pregnancy = context.pregnancy
        risky = self._risky[target.area]
        avoid = risky if pregnancy is not Pregnancy.NO else ()  # unknown: avoided until answered
        points = self._kept[target.area, avoid]
        warned = self._warnings_for[_Facts(target.area, pregnancy, risky, care, someone_else)]
        target_text = self.place_text(target, someone_else=someone_else)
        return Resolution(
            text=text,
            understood=True,
            pain=pain,
            target=target,
            points=points,
            avoid_points=avoid,
            warnings=warned.rules,
            echo=self._echoes[self.place_text(pain, is_target=False, someone_else=someone_else)],
            cautions=warned.before + self._hurting_too(said_to_hurt, target, someone_else),
            instruction=self._instructions[target_text, points, context.duration_seconds],
            notes=warned.after,
            pregnancy=pregnancy,
            ask_pregnancy=bool(risky) and pregnancy is Pregnancy.UNKNOWN and not no_question,
            special_care=care,
            also=also,
            someone_else=someone_else,
            target_hurts=said_to_hurt is not None,
            find=self._finder.find(target.area, target.qualifier, target_text, points, avoid),
        )


    def _warnings_of(self, facts: _Facts) -> _Warned:
        """The warnings that apply, and what is said of them before and after the instruction: a pure
        function of the facts (kept in `_warnings_for`)."""
        rules = [rule for rule in self.knowledge.warnings if facts.applies(rule)]
        return _Warned(tuple(rule.id for rule in rules),
                       tuple(self._warning(rule, facts) for rule in rules if rule.spoken is Spoken.BEFORE),
                       tuple(self._warning(rule, facts) for rule in rules if rule.spoken is Spoken.AFTER))

    def _target_hurts(self, pain: Place, target: Place, also: tuple[Place, ...]) -> tuple[Place | None, Place]:
        """The place said to hurt that the target lies on, if any, and the target to use: the
        same area on the other side when that side is not said to hurt."""
        said = self._hurting_on(target, target.side, pain, also)
        if said is None:
            return None, target
        if target.side in (Side.LEFT, Side.RIGHT) and said.side is target.side:
            other = replace(target, side=Side.RIGHT if target.side is Side.LEFT else Side.LEFT)
            if self._hurting_on(target, other.side, pain, also) is None:
                return said, other
        return said, target

    def _hurting_on(self, target: Place, side: Side | None, pain: Place, also: tuple[Place, ...]) -> Place | None:
        """The first of the pain and the other places of its person said to hurt that the target,
        on `side`, lies on."""
        covered = self._covered[target.area]
        for place in (pain, *also):
            if place.whose == pain.whose and (place.area in covered or self.knowledge.areas[place.area].part_of in covered) \
                    and _overlap(place.side, side):
                return place
        return None

    def _hurting_too(self, hurting: Place | None, target: Place, someone_else: bool) -> tuple[str, ...]:
        if hurting is None:
            return ()
        key = "target_hurts" if _overlap(hurting.side, target.side) else "target_hurts_other_side"
        return (self._sentence(key, place=self.place_text(hurting, is_target=False, someone_else=someone_else)),)

    def _not_understood(self, text: str, parse: Parse, reading: Reading, pregnancy: Pregnancy) -> Resolution:
        say = self.language.say
        systemic = parse.of(Kind.SYSTEMIC)
        speech: tuple[str, ...]
        if systemic:
            topic = self.language.systemic_names[systemic[0].id]
            speech, reason = (self._sentence("systemic", topic=topic),), "systemic"
        elif reading.denied:
            speech, reason = (say["no_pain"],), "no_pain"
        elif not parse.words:
            speech, reason = (say["empty"], say["example"]), "empty"
        else:
            speech, reason = (say["not_understood"], say["example"], say["can_help"]), "unknown"
        return Resolution(text=text, understood=False, instruction=speech, pregnancy=pregnancy, reason=reason)

    def _red_flag(self, text: str, reading: Reading, pregnancy: Pregnancy) -> Resolution:
        """Needs medical help now: that is the whole answer, never a massage."""
        names = [self.language.red_flag_names[flag] for flag in reading.red_flags]
        return Resolution(text=text, understood=False, cautions=(self._sentence("red_flag", what=self.join(names)),),
                          pregnancy=pregnancy, reason="red_flag", red_flags=reading.red_flags)

    def _either(self, text: str, reading: Reading, pregnancy: Pregnancy) -> Resolution:
        """Two places said as alternatives: which of them hurts? Never a guess."""
        one, two = (_place(place) for place in reading.either)
        names = [self.place_text(place, is_target=False, someone_else=reading.someone_else) for place in (one, two)]
        return Resolution(text=text, understood=False, instruction=(self._sentence("which_of", places=self.join(
            names, "last_or")),), pregnancy=pregnancy, special_care=reading.care, reason="which",
            choices=(one.area, two.area), either=(one, two), someone_else=reading.someone_else)

    def _vague(self, text: str, place: Mentioned, also: tuple[Place, ...], pregnancy: Pregnancy,
               care: tuple[str, ...], someone_else: bool) -> Resolution:
        """A place too wide to answer: which part of it hurts?"""
        choices = self.knowledge.vague[place.area]
        return Resolution(text=text, understood=False, instruction=(self.which_part(place.area, someone_else),),
                          pregnancy=pregnancy, special_care=care, reason="vague", also=also,
                          vague=_place(place), choices=choices,
                          someone_else=someone_else)

    def which_part(self, vague: str, someone_else: bool = False) -> str:
        """ "Which part of your arm: shoulder, upper arm, elbow, forearm, wrist or hand?" """
        language = self.language
        names = [language.area_names[area][0] for area in self.knowledge.vague[vague]]
        question = language.vague_questions[vague]
        return self._sentence(question, area=language.vague_names[vague], choices=self.join(names, "last_or"),
                              whose=self.whose(someone_else)) \
            if question == "which_part" else self._sentence(question, area=language.vague_names[vague])

    def whose(self, someone_else: bool) -> str:
        """The pack's word for whose body: "your", or "the" for someone else's."""
        return self.language.whose["other" if someone_else else "self"]

    # ------------------------------------------------------------ words to speak

    def place_text(self, place: Place, is_target: bool = True, someone_else: bool = False) -> str:
        """How a place is spoken ("your left knee"; as a target, "either knee" when no side is said),
        made once per place and way of saying it."""
        return self._place_texts[place.area, place.side, place.qualifier, is_target, someone_else]

    def _spoken_place(self, place: Place, is_target: bool, someone_else: bool) -> str:
        language = self.language
        singular, plural = language.area_names[place.area]
        templates = language.place
        whose = self.whose(someone_else)
        if place.area in language.area_places:
            text = language.area_places[place.area].format(whose=whose)
        elif place.side in (Side.LEFT, Side.RIGHT):
            text = templates["sided"].format(side=language.side_names[place.side.value], area=singular, whose=whose)
        elif place.side is Side.BOTH:
            text = templates["both"].format(areas=plural, whose=whose)
        elif is_target and self.knowledge.areas[place.area].sided:
            text = templates["either"].format(area=singular, whose=whose)
        else:
            text = templates["unsided"].format(area=singular, whose=whose)
        if place.qualifier:
            text = templates["qualified"].format(qualifier=language.qualifier_names[place.qualifier], place=text,
                                                 whose=whose)
        return text

    def duration_text(self, seconds: int) -> str:
        durations = self.language.durations
        if seconds == 60:
            return durations["one_minute"]
        if seconds % 60 == 0:
            return durations["minutes"].format(n=seconds // 60)
        if seconds > 60:  # "2 minutes and 30 seconds", not "150 seconds"
            return durations["minutes_and_seconds"].format(minutes=self.duration_text(seconds - seconds % 60),
                                                           seconds=self.duration_text(seconds % 60))
        return durations["seconds"].format(n=seconds)

    def join(self, items: list[str], last: str = "last_and") -> str:
        lists = self.language.lists
        if len(items) <= 1:
            return "".join(items)
        return lists["separator"].join(items[:-1]) + lists[last] + items[-1]

    def _instruction_for(self, target: str, points: tuple[str, ...], seconds: int) -> tuple[str, ...]:
        """What to do: `target` is the place to massage as it is spoken (kept in `_instructions`)."""
        sentences = [
            self._sentence("instruction", target=target),
            self.language.say["stay"],
            self._sentence("duration", duration=self.duration_text(seconds)),
        ]
        if points:
            sentences.append(self._sentence("points", points=self.join(self._point_names(points))))
        return tuple(sentences)

    def _warning(self, rule: WarningRule, facts: _Facts) -> str:
        if rule.when is WarningWhen.PREGNANCY:
            key = f"warning_{rule.id}" if facts.pregnancy is Pregnancy.YES else f"warning_{rule.id}_unknown"
            key += "_other" if facts.someone_else else ""
            return self._sentence(key, points=self.join(self._point_names(facts.risky), "last_or"))
        if rule.when is WarningWhen.SPECIAL_CARE:
            names = [self.language.care_names[care] for care in facts.care]
            return self._sentence(f"warning_{rule.id}", who=self.join(names))
        return self._sentence(f"warning_{rule.id}")

    def _point_names(self, codes: tuple[str, ...]) -> list[str]:
        return [self.language.point_names[code] for code in codes]

    def _sentence(self, key: str, **fields: str) -> str:
        if not fields:
            return self._fixed[key]  # a sentence that says nothing of the utterance ("Go gently."), made once
        return capital(self.language.say[key].format(**fields))



def _only_words(text: str) -> bool:
    """Only letters, digits, apostrophes and spaces: the words are what the spaces part (most utterances;
    _TOKEN reads them alike, at many times the cost)."""
    return text.replace("'", "").replace(" ", "").isalnum()


def _replaced(tokens: list[Token], start: int, end: int, meaning: Meaning) -> list[Token]:
    """The tokens with words[start:end] read as one phrase of `meaning` instead of what covered them."""
    kept = [token for token in tokens if token.end <= start or token.start >= end]
    return sorted(kept + [Token(start, end, meaning)], key=lambda token: token.start)


def _overlap(one: Side | None, two: Side | None) -> bool:
    """Could two sides said be the same side? Unsaid or both overlaps anything."""
    return one is None or two is None or Side.BOTH in (one, two) or one is two


def _place(mentioned: Mentioned) -> Place:
    return Place(mentioned.area, mentioned.side, mentioned.qualifier, mentioned.owner, mentioned.pregnancy)


class _Warned(NamedTuple):
    """The warnings that apply to one answer: their ids, and what is said before and after the instruction."""

    rules: tuple[str, ...]
    before: tuple[str, ...]
    after: tuple[str, ...]


class _Facts(NamedTuple):
    """What decides which warnings apply to one answer (a tuple: one is made for every answer)."""

    target: str
    pregnancy: Pregnancy
    risky: tuple[str, ...]
    care: tuple[str, ...]
    someone_else: bool = False

    def applies(self, rule: WarningRule) -> bool:
        if rule.when is WarningWhen.ALWAYS:
            return True
        if rule.when is WarningWhen.PREGNANCY:
            return bool(self.risky) and self.pregnancy is not Pregnancy.NO
        if rule.when is WarningWhen.SPECIAL_CARE:
            return bool(self.care)
        return self.target in rule.areas
