"""Reads one utterance: the places said to hurt and whose they are, corrections, pregnancy, age, red flags."""

from __future__ import annotations

from dataclasses import dataclass, field

from voice.complaint import Clauses, Rank, Span as Token
from voice.knowledge import ALTERNATIVE, GRAMMAR, NO_WORDS, Kind, Knowledge, LanguagePack, Meaning, Side
from voice.people import PAST, SELF, UNKNOWN_WORD, WE, People, Pregnancy
from voice.triage import Said, Triage

__all__ = ["PAST", "SELF", "UNKNOWN_WORD", "WE", "Pregnancy", "Token", "Parse", "Mentioned", "Reading", "Reader"]

_ALTERNATIVE_REACH = 12
"""How many words apart two places said as alternatives of each other may be looked for."""
_LOOK = 6
"""How many words a noun phrase may reach: bounds every look around, so time stays linear."""
_LATEST_HOUR = 24
"""No clock shows a larger number: "at 25" and more is no time of day."""
_SIDES = {side.value: side for side in Side}
"""Each side by its id (a lookup costs less than calling the enum)."""
_LEFT, _RIGHT, _BOTH = Side.LEFT.value, Side.RIGHT.value, Side.BOTH.value
"""The sides' ids, as the phrases say them (an enum's value is a property: it costs a call)."""


@dataclass
class Parse:
    """The phrases found in one utterance, in order. Never changed once made; not frozen, like
    Span, as one is made for every utterance."""

    words: tuple[str, ...]
    found: tuple[tuple[int, Meaning], ...]
    """(position of the first word, meaning) for every phrase found."""
    unknown: tuple[str, ...]
    tokens: tuple[Token, ...] = ()
    breaks: frozenset[int] = frozenset()
    """Positions of words that follow punctuation ("my wrist is fine, it's my ankle")."""
    signs: tuple[Said, ...] = ()
    """Every sign of a red flag said, wherever it starts (even inside another phrase)."""

    def of(self, kind: Kind) -> list[Meaning]:
        return [meaning for _, meaning in self.found if meaning.kind is kind]

    @property
    def commands(self) -> list[str]:
        return [meaning.id for meaning in self.of(Kind.COMMAND)]

    @property
    def has_area(self) -> bool:
        return any(meaning.kind in (Kind.AREA, Kind.VAGUE) for _, meaning in self.found)


@dataclass
class Mentioned:
    """A place said to hurt. Never changed once made; not frozen, like Span, as one is made for
    every place said."""

    area: str
    """An area id, or a vague place's id ("arm") when `vague`."""
    side: Side | None
    qualifier: str | None
    vague: bool = False
    owner: str = SELF
    """Whose place it is: SELF, or the word that named someone else ("wife", "son")."""
    pregnancy: Pregnancy | None = None
    """What was said of the owner's pregnancy ("my wife's knee and my wrist": each their own)."""


@dataclass
class Reading:
    """What one utterance says, beyond its phrases. Never changed once made; not frozen, like
    Span, as one is made for every utterance."""

    places: tuple[Mentioned, ...] = ()
    """The places said to hurt, the complaint first; none said not to hurt, taken back or only
    named as background ("my hip surgery", "worse than my knee") when another is said to hurt."""
    denied: bool = False
    """A place was said not to hurt, and none to hurt."""
    red_flags: tuple[str, ...] = ()
    care: tuple[str, ...] = ()
    """Special care for the person the first place belongs to."""
    pregnancy: Pregnancy | None = None
    """What was said of the pregnancy of the person the first place belongs to."""
    no_question: bool = False
    """Nobody asks them ("my dog", "my toddler", "not sure if I am": the points are avoided without asking)."""
    someone_else: bool = False
    """The first place belongs to someone other than the speaker."""
    either: tuple[Mentioned, ...] = ()
    """Two places said as alternatives ("my knee or my shin, I can't tell"): which one?"""
    unsure: bool = False
    """A word the recognizer did not know stands where a "not" could have been ("my knee [unk] hurt")."""


@dataclass
class _Place:
    """A place while the sentence is read."""

    token: Token
    index: int
    """The index in the parse of the token where it is said: the place's own, or the side that says
    it again ("my left knee is fine, the RIGHT one hurts")."""
    sides: list[str] = field(default_factory=list)
    owner: str | None = None
    qualifier: str | None = None
    one: bool = False
    """ "One of my knees": a plural that is not both sides."""
    state: str = "pain"  # "pain", "denied" (said not to hurt) or "taken_back" (corrected)


class Reader:
    """Reads the sentence structure of one language pack's phrases."""

    def __init__(self, language: LanguagePack, knowledge: Knowledge, triage: Triage) -> None:
        self.language = language
        self.knowledge = knowledge
        self.triage = triage
        self.grammar = {key: language.grammar.get(key, NO_WORDS) for key in GRAMMAR}
        self.possessive = tuple(ending for ending in language.suffixes if ending.startswith("'")) or ("\0",)
        """The endings of a word that says whose ("the striker's knee")."""
        self.alternatives = {phrase for phrase, meaning in language.phrases.items() if meaning.id == ALTERNATIVE and
                             meaning.kind is Kind.JOIN}
        """The phrases that join two places as alternatives: "or"."""
        self.checks_idioms = any(self.grammar[key] for key in ("articles", "determiners", "objects"))
        """A pack that describes its noun phrases has body words checked for a body around them."""

    def read(self, parse: Parse) -> Reading:
        return _Pass(self, parse).run()


class _Pass:
    """One left-to-right reading of one parse."""

    def __init__(self, reader: Reader, parse: Parse) -> None:
        self.reader, self.parse = reader, parse
        self.g = reader.grammar
        self.triage = reader.triage
        self.tokens = parse.tokens
        self.subjects: list[tuple[int, int, str]] = []
        """Every subject named: (start, end, identity), for clauses that leave out what they say."""
        self.at: list[int] = [-1] * len(parse.words)
        """The index of the token covering each word, -1 for an unknown word."""
        kinds: list[Kind | None] = [None] * len(parse.words)
        for index, token in enumerate(self.tokens):
            for position in range(token.start, token.end):
                self.at[position] = index
                kinds[position] = token.kind
        self.all_known = -1 not in self.at
        self.people = People(self.g, reader.knowledge, parse.words, kinds, parse.breaks)
        self._pain_said: bool | None = None
        self._care_said: bool | None = None
        self._long_ago_said: bool | None = None
        """Each asked once, when first needed (_talks_of_pain, _talks_of_care, _long_ago)."""
        self.places: list[_Place] = []
        self.subject: str | None = None
        self.clause_subject: str | None = None
        self.scope = 0
        """Places from this index on are what "is fine" refers to."""
        self.deny_next = False
        self.deny_end = 0
        """Where the "not" that denies the next place ends."""
        self.corrected = False
        self.sides: list[str] = []
        """Sides said before the place they belong to ("my LEFT and RIGHT elbows")."""
        self.side_at = -1
        """The token index of the last side said before its place."""
        self.qualifier: str | None = None
        self._later: list[bool] | None = None
        self.body: dict[int, bool] = {}
        self.nothing_hurts = False
        self.pending_care: list[str] = []
        """Care words said right before the person they describe ("my ELDERLY dad")."""
        self.aged: str | None = None
        self.aged_end = -1
        """The person last named by an age ("my 80 year old ...") and where that age ends."""
        self._clause_view: Clauses | None = None

    # ------------------------------------------------------------ the pass

    def run(self) -> Reading:
        previous_end = 0
        for index, token in enumerate(self.tokens):
            if self._boundary(previous_end, token):
                self._new_clause()
            self._take(index, token)
            previous_end = token.end
        return self._result()

    def _boundary(self, previous_end: int, token: Token) -> bool:
        breaks = self.parse.breaks
        return bool(breaks) and not breaks.isdisjoint(range(max(previous_end, 1), token.start + 1)) or \
            (token.kind is Kind.FILLER and token.meaning.id in self.g["contrasts"])

    def _new_clause(self) -> None:
        self.scope = len(self.places)
        self.deny_next = False
        self.clause_subject = None

    def _take(self, index: int, token: Token) -> None:
        kind, meaning = token.kind, token.meaning
        if self.deny_next and kind not in (Kind.AREA, Kind.VAGUE, Kind.NEGATION) and \
                not self._in_noun_phrase(token):
            self.deny_next = False
        if kind in (Kind.AREA, Kind.VAGUE):
            if self._is_body(index, token):
                self._place(index, token)
        elif kind is Kind.SIDE:
            self._side(index, meaning.id)
        elif kind in (Kind.SELF, Kind.OTHER):
            self._subject(token)
        elif kind is Kind.CARE:
            if meaning.person:
                self._subject(token)
            elif self._before_a_person(index):
                self.pending_care.append(meaning.id)  # "my ELDERLY dad", "my FRAIL mum": theirs
                return
            self.people.add_care(self.clause_subject or self.subject or SELF, meaning.id)
        elif kind is Kind.PREGNANCY:
            self._pregnancy(index, meaning.id)
        elif kind is Kind.NEGATION:
            self._negation(meaning.id, token)
        elif kind is Kind.COMMAND and meaning.id == "no" and self._names_a_place_next(index) and \
                not any(place.state == "pain" for place in self.places[self.scope:]):
            self.deny_next, self.deny_end = True, token.end  # "no headache, no blurred vision"
        elif kind is Kind.CORRECTION or (kind is Kind.COMMAND and meaning.id == "no" and self.places):
            self._correction(index)
        elif kind is Kind.CUE:
            if not self._part_of_the_place_name(index):
                self.scope = len(self.places)
        elif kind is Kind.NUMBER:
            self._number(index)
        elif kind is Kind.QUALIFIER:
            self.qualifier = meaning.id

    # ------------------------------------------------------------ red flags

    def _red_flags(self) -> tuple[str, ...]:
        """The red flags made of the signs said and not denied, of the places named and not said
        to be fine, and of a pregnancy said of anyone."""
        if self.triage.words_needed and not self.triage.possible_in_words(self.parse.signs):
            return ()  # every combination needs signs of words, and those said make none with any place: most utterances
        if not self.triage.possible(self._every_sign_said()):
            return ()  # not even every sign said, denied or not, makes a red flag: most utterances
        return self.triage.flags([*self._signs_had(), *self._signs_of_places_and_pregnancy()])

    def _every_sign_said(self) -> set[str]:
        """The signs said in any way, denied or not: more than make the red flags, never fewer."""
        had: set[str] = set()
        for sign in [*self.parse.signs, *self._signs_of_places_and_pregnancy(with_denied=True)]:
            had |= sign.signs
        return had

    def _signs_of_places_and_pregnancy(self, with_denied: bool = False) -> list[Said]:
        """The signs of the places named and not said to be fine (`with_denied`: fine or not), and of
        a pregnancy said of anyone."""
        said: list[Said] = []
        denied = set() if with_denied else \
            {place.index for place in self.places if place.state == "denied"} - \
            {place.index for place in self.places if place.state != "denied"}  # "my left calf ..., the right one is fine"
        for index, token in enumerate(self.tokens):  # body or not: a red flag errs on the safe side
            if token.kind in (Kind.AREA, Kind.VAGUE) and index not in denied:
                sign = self.triage.area(token.start, token.end, token.meaning.id)
                if sign is not None:
                    said.append(sign)
            elif token.kind is Kind.CUE:
                said.extend(self._places_inside(token))
        pregnancies = [token for token in self.tokens if token.kind is Kind.PREGNANCY]
        if pregnancies and any(person.said & {"yes", "maybe"} for person in self.people.people.values()):
            said.append(self.triage.pregnancy(pregnancies[0].start, pregnancies[0].end))
        elif any("yes" in person.said for person in self.people.people.values()):
            said.append(self.triage.pregnancy(0, 1))  # "I'm 34 weeks"
        return said

    def _places_inside(self, cue: Token) -> list[Said]:
        """A pain word that names its place ("a BAD BACK", "my BACK WENT") says that place's signs."""
        phrases, found = self.reader.language.phrases, []
        for at in range(cue.start, cue.end) if cue.end - cue.start > 1 else ():
            place = phrases.get((self.parse.words[at],))
            sign = self.triage.area(at, at + 1, place.id) if place is not None and \
                place.kind in (Kind.AREA, Kind.VAGUE) else None
            if sign is not None:
                found.append(sign)
        return found

    def _signs_had(self) -> list[Said]:
        """The signs not denied; one inside a denied one ("no high FEVER") goes with it."""
        signs = [sign for sign in self.parse.signs if not self._inside_a_saying(sign)]
        denied = [sign for sign in signs if self._right_after_a_denial(sign) or self._said_to_be_fine(sign) or
                  self._long_ago(sign)]
        return [sign for sign in signs
                if not any(other.start <= sign.start and sign.end <= other.end for other in denied)]

    def _inside_a_saying(self, sign: Said) -> bool:
        """ "Hit the nail on the head", "knocked up": words of a sign inside an idiom or a phrase that
        says someone is pregnant ("had the baby two weeks ago" still says a clot's circumstance)."""
        index = self.at[sign.start]
        if index < 0 or sign.end > self.tokens[index].end:
            return False
        token = self.tokens[index]
        return token.kind is Kind.IDIOM or (token.kind is Kind.PREGNANCY and token.meaning.id == "yes")

    def _said_to_be_fine(self, sign: Said) -> bool:
        """ "My chest is fine": a negation said right after the sign."""
        for position in range(sign.start, min(len(self.parse.words), sign.end + 2)):
            index = self.at[position]
            if index >= 0 and self.tokens[index].start == position and self.tokens[index].kind is Kind.NEGATION \
                    and self.tokens[index].meaning.id == "after":
                return True
        return False

    def _long_ago(self, sign: Said) -> bool:
        """ "Dislocated my shoulder YEARS AGO, it's fine now": a sign said in a clause of long ago
        ("...years ago AND NOW my face droops" is another clause)."""
        if self._long_ago_said is None:
            self._long_ago_said = not self.g["long_ago"].starts.isdisjoint(self.parse.words)
        if not self._long_ago_said:
            return False  # nothing of long ago said: no clause to number
        clauses = self._clauses()
        return clauses.has(clauses.clause[sign.start], "long_ago")

    def _right_after_a_denial(self, flag: Said) -> bool:
        """ "no chest pain", "I do not have a fever": a denial ends where the red flag starts, with
        no pause between ("no, chest pain" answers something, then says the sign)."""
        words, breaks = self.parse.words, self.parse.breaks
        if flag.start == 0 or words[flag.start - 1] not in self.g["denials"].ends:
            return False  # no denial ends right before it: most signs
        for start in range(flag.start - 1, max(-1, flag.start - 1 - _LOOK), -1):
            if start + 1 in breaks:
                return False
            if " ".join(words[start:flag.start]) in self.g["denials"]:
                return True
        return False

    # ------------------------------------------------------------ places

    def _place(self, index: int, token: Token) -> None:
        if self.corrected and self.sides:
            token = self._part_taken_back(token)
        place = _Place(token, index, owner=self.subject, qualifier=token.meaning.qualifier or self.qualifier,
                       one=self._one_of(token))
        place.sides, self.sides, self.qualifier = self.sides, [], None
        if self.deny_next:
            if self._only_noun_phrase_between(self.deny_end, token.start):
                place.state = "denied"
            self.deny_next = False  # "she won't say, her feet": a verb stands between
        self.places.append(place)

    def _part_taken_back(self, token: Token) -> Token:
        """ "The ball of my right foot, no sorry, my LEFT FOOT": the whole a part taken back is of,
        said again with a side, is the part on that side."""
        if not self.places or self.places[-1].state != "taken_back":
            return token  # a place was said already in the correction's stead
        areas = self.reader.knowledge.areas
        for place in reversed(self.places):  # "the big toe on the left foot, no sorry, right FOOT"
            part = areas.get(place.token.meaning.id)
            if place.state == "taken_back" and part is not None and part.part_of == token.meaning.id:
                return place.token
        return token

    def _side(self, index: int, side: str) -> None:
        if self.deny_next:
            return  # "not my left, my right elbow", "my knee, not the left": the side said not to hurt
        if self._follows_its_place(index):
            self.places[-1].sides.append(side)  # "my elbow ON THE LEFT hurts, my knee on the right"
            self._for_both(index)
            return
        if self._names_the_place_before(index):
            before = self.places[-1]
            owner = self.subject if self.subject is not None else before.owner  # "his are strong, MINE ... the left one"
            place = _Place(before.token, index, [side], owner, before.qualifier)  # said where the side is said
            self.corrected = False
            if self.deny_next:
                place.state, self.deny_next = "denied", False
            self.places.append(place)  # "my left knee is fine, the RIGHT ONE hurts"
            return
        if self._side_comes_before_a_place(index):
            if self.sides and not any(t.kind is Kind.JOIN for t in self.tokens[self.side_at + 1:index]):
                self.sides = []  # "my left- my right knee": the speaker started again
            self.sides.append(side)
            self.side_at = index
            return
        last = self.places[-1] if self.places else None
        if last is None:
            return
        if last.state != "pain" and (self.corrected or last.state == "denied"):
            # "my right elbow, no wait, my left": the same place, on the side said last
            self.places.append(_Place(last.token, index, [side], last.owner, last.qualifier))
            self.corrected = False
        elif side == _BOTH and self._distinct_pain() > 1:
            self._for_both(index)  # "my knee and my elbow on the left, BOTH hurt"
        elif not last.sides:
            last.sides.append(side)  # "my knee, the left one"
            self._for_both(index)

    def _for_both(self, index: int) -> None:
        """A side said next to a "both" that means both places is the side of the places said last
        without one: "my thumb and my big toe hurt, both on the right"."""
        pair = [self.tokens[index]]
        for step in (-1, 1):
            at = index + step
            while 0 <= at < len(self.tokens) and abs(at - index) <= 4 and \
                    self.tokens[at].kind in (Kind.FILLER, Kind.CUE):  # "both ACHE on the left"
                at += step
            if 0 <= at < len(self.tokens) and self.tokens[at].kind is Kind.SIDE:
                pair.append(self.tokens[at])
        sides = {token.meaning.id for token in pair}
        if len(pair) < 2 or _BOTH not in sides or len(sides) != 2:
            return
        side = next(one for one in sides if one != _BOTH)
        for place in reversed(self.places):  # the places said last, back to one with a side of its own
            if place.state != "pain" or place.sides not in ([], [side]):
                break
            place.sides[:] = [side]

    def _follows_its_place(self, index: int) -> bool:
        """Right after the last place said, past a preposition and an article, and that place has no side yet."""
        if not self.places or self.places[-1].sides or self.places[-1].state != "pain":
            return False
        words, end = self.parse.words, self.places[-1].token.end
        between = words[end:self.tokens[index].start]
        return end <= self.tokens[index].start and 0 < len(between) <= 2 and \
            all(word in self.g["prepositions"] or word in self.g["articles"] for word in between) and \
            not any(position in self.parse.breaks for position in range(end, self.tokens[index].start + 1))

    def _names_the_place_before(self, index: int) -> bool:
        token = self.tokens[index]
        return bool(self.places) and token.end < len(self.parse.words) and \
            self.parse.words[token.end] in self.g["ones"] and not self._side_comes_before_a_place(index)

    def _one_of(self, token: Token) -> bool:
        """The number one stands before the place, past "of my" ("ONE of my knees hurts")."""
        words, position = self.parse.words, token.start - 1
        while position >= 0 and (words[position] in self.g["determiners"] or words[position] in self.g["prepositions"]):
            position -= 1
        index = self.at[position] if position >= 0 else -1
        return index >= 0 and self.tokens[index].kind is Kind.NUMBER and self.tokens[index].meaning.id == "1"

    def _side_comes_before_a_place(self, index: int) -> bool:
        for offset, token in enumerate(self.tokens[index + 1:index + 1 + _LOOK]):
            if token.kind in (Kind.AREA, Kind.VAGUE):
                return self._is_body(index + 1 + offset, token)
            if token.kind is Kind.JOIN:
                if self.tokens[index + offset].kind is not Kind.SIDE or self._after_a_pain_word(index):
                    return False  # "my elbow hurts the left one AND my knee", "hip is sore on the left AND ..."
                continue  # "left and right elbows"
            if not self._in_noun_phrase(token):
                return False
        return False

    def _after_a_pain_word(self, index: int) -> bool:
        """A side said after a place and then a pain word or a preposition, past an article: "ankle
        aches THE LEFT", "hip is sore ON THE LEFT"; not "pain in the left and right knee"."""
        if not self.places:
            return False
        words, position = self.parse.words, self.tokens[index].start - 1
        while position >= 0 and words[position] in self.g["determiners"]:
            position -= 1
        said = self.at[position] if position >= 0 else -1
        return position >= 0 and (words[position] in self.g["prepositions"] or
                                  said >= 0 and self.tokens[said].kind is Kind.CUE)

    def _in_noun_phrase(self, token: Token) -> bool:
        """May stand between a side or "not" and its place: "not the left knee", "my left sore knee"."""
        if token.kind in (Kind.SIDE, Kind.QUALIFIER, Kind.SELF, Kind.OTHER, Kind.CUE, Kind.NUMBER):
            return True
        if token.kind is Kind.CARE:
            return token.meaning.person
        word = token.meaning.id
        return token.kind is Kind.FILLER and (word in self.g["determiners"] or word in self.g["prepositions"] or
                                              word in self.g["parts"])  # "not the BONY BIT on the outside of my ankle"

    def _distinct_pain(self) -> int:
        return len({p.token.meaning.id for p in self.places if p.state == "pain"})

    def _negation(self, where: str, token: Token) -> None:
        if where == "all":  # "nothing hurts right now": what is only named is not a pain
            self.nothing_hurts = True
            said_by = self.reader.language.phrases.get(self.parse.words[token.start:token.start + 1])
            if said_by is not None and said_by.kind is Kind.SELF:  # "my brother broke his ankle, I'M FINE, just a headache"
                self.subjects.append((token.start, token.start + 1, SELF))
                self.subject = self.clause_subject = SELF
            return
        if where == "treated":  # "my shoulder was bad but the injection SORTED IT": whatever did it
            for place in self._joined_to_last():
                place.state = "denied"
            self.scope = len(self.places)
            return
        if where == "before":
            if not self._said_of_a_person(token) and not self._after_a_pregnancy(token) and \
                    not self._a_person_after(token):
                self.deny_next, self.deny_end = True, token.end  # not "I'm not, MY RIGHT THUMB is sore"
            return
        subject = self._subject_of(token)
        if subject == "thing":
            return  # "my eyesight is fine", "the [unk] is OK": something else is fine
        if subject == "person":
            if not self._more_said_after(token) and self.parse.words[token.end - 1] in self.g["fine"]:  # not "he's GONE all grey"
                self._person_is_fine(self.clause_subject or self.subject)
            return
        scope = [p for p in self.places[self.scope:] if p.state == "pain"]
        if subject == "place":
            scope = self._joined_to_last()  # "down to my knee now, hip is OK": the hip only
        if not scope and self._starts_its_clause(token):
            scope = [p for p in self.places if p.state == "pain"][-1:]  # "my elbow was bad, but it's fine now"
        for place in scope:
            place.state = "denied"
        if not scope:
            self.deny_next, self.deny_end = True, token.end  # "it does not hurt in my knee"
        self.scope = len(self.places)

    def _a_person_after(self, token: Token) -> bool:
        """ "My sister's pregnant, NOT ME, my right knee hurts": a "not" said of a person, not of the
        place after them ("not MY knee" is of the knee)."""
        index = self.at[token.start] + 1
        following = self.tokens[index] if index < len(self.tokens) else None
        return following is not None and following.start == token.end and \
            following.kind in (Kind.SELF, Kind.OTHER) and self.parse.words[following.start] not in self.g["determiners"]

    def _after_a_pregnancy(self, token: Token) -> bool:
        """ "Maybe pregnant, MAYBE NOT, the ring finger ...": a "not" right after a pregnancy and a
        hedge leaves out "pregnant"; it denies no place."""
        index = self.at[token.start] - 1
        words = self.parse.words
        while index >= 0 and (self.tokens[index].kind is Kind.FILLER and all(
                word in self.g["hedges"] or word in self.g["hesitations"]
                for word in words[self.tokens[index].start:self.tokens[index].end]) or
                self.tokens[index].meaning.id == ALTERNATIVE):
            index -= 1  # past "well", "probably", "or"
        before = self.tokens[index] if index >= 0 else None
        between = words[before.end:token.start] if before is not None else ()
        return before is not None and before.kind is Kind.PREGNANCY and 0 < len(between) <= 3 and \
            any(word in self.g["hedges"] or (word,) in self.reader.alternatives for word in between) and \
            all(word in self.g["hedges"] or word in self.g["hesitations"] or (word,) in self.reader.alternatives
                for word in between)  # "not pregnant WELL PROBABLY not"

    def _said_of_a_person(self, token: Token) -> bool:
        """ "I'm NOT", "she is NOT": a "not" right after a person and a being word denies what was
        said of them (an elided "pregnant"), not the place after it."""
        start, words = token.start, self.parse.words
        if start == 0 or words[start - 1] not in self.g["being"]:
            return False
        index = self.at[start - 1]
        if index >= 0 and self.tokens[index].kind in (Kind.SELF, Kind.OTHER) and self.tokens[index].end == start:
            return self.parse.words[self.tokens[index].start] not in self.g["anaphors"]
        return start > 1 and self._is_person(start - 2)

    def _subject_of(self, token: Token) -> str:
        """What an after-negation ("is fine") is said of, by the word right before it: "place",
        "thing" (a word the pack does not know: "my EYESIGHT is fine"), or "" (look further back)."""
        if self.parse.words[token.start] in self.g["anaphors"]:
            return ""  # "...but THAT WENT DOWN": said of what was said before
        position = token.start - 1
        while position >= 0 and self.at[position] >= 0 and self.tokens[self.at[position]].kind is Kind.FILLER and \
                self.parse.words[position] not in self.g["anaphors"]:
            if self.parse.words[position] in self.g["contrasts"]:
                return ""  # "...used to give me grief BUT not any more": said of what came before
            position -= 1
        if position < 0 or position + 1 in self.parse.breaks:
            return ""
        index = self.at[position]
        if index < 0 and self._in_a_relative_clause(position):
            return "place"  # "the hip that was OPERATED on is fine"
        if index >= 0 and self._is_person(position) and self.parse.words[position] not in self.g["anaphors"]:
            return "person" if self.tokens[index].end == token.start else "thing"  # "HE'S fine": the person, not a place
        if index < 0:
            return "thing"  # "my EYESIGHT is fine"
        return "place" if self.tokens[index].kind in (Kind.AREA, Kind.VAGUE) and self.places and \
            self.places[-1].index == index else ""

    def _more_said_after(self, token: Token) -> bool:
        """A pain word, a "just" or an "otherwise" after it: "he's fine, JUST a bit SORE", "she's fine OTHERWISE"."""
        words = self.parse.words
        return any(self.tokens[index].kind is Kind.CUE for index in range(self.at[token.start] + 1, len(self.tokens))) or \
            any(word in self.g["contrasts"] or word in self.g["exceptions"] for word in words[token.end:])

    def _person_is_fine(self, who: str | None) -> None:
        """ "My daughter hurt her ankle but SHE'S FINE now": someone else said to be fine, their places
        too; "he's fine, just a bit sore" says a pain after it, which stays."""
        if who is None or who in (SELF, WE):
            return
        for place in self.places:
            if place.state == "pain" and place.owner == who:
                place.state = "denied"

    def _in_a_relative_clause(self, position: int) -> bool:
        """Is the word inside a clause said of the last place, right after it: "the hip THAT WAS
        OPERATED ON"?"""
        if not self.places:
            return False
        end = self.places[-1].token.end
        return end < position <= end + _LOOK and self.parse.words[end] in self.g["relatives"] and \
            self.parse.breaks.isdisjoint(range(end + 1, position + 1))

    def _joined_to_last(self) -> list[_Place]:
        """The last place said, with those said together with it ("my knee and my elbow are fine")."""
        pain = [place for place in self.places if place.state == "pain"]
        if not pain:
            return []
        group = [pain[-1]]
        for place in reversed(pain[:-1]):
            if not self._clauses().joined(place.index, group[0].index, by_a_pause=False):
                break  # "a headache, my neck is fine": the neck only
            group.insert(0, place)
        return group

    def _only_noun_phrase_between(self, start: int, end: int) -> bool:
        """ "not MY LEFT knee", "no pain IN THE knee"; not "not told anyone, my knee"."""
        for position in range(start, end):
            index = self.at[position]
            if index < 0 or not self._in_noun_phrase(self.tokens[index]) and self.tokens[index].kind not in (
                    Kind.NEGATION, Kind.CORRECTION):
                return False
        return True

    def _names_a_place_next(self, index: int) -> bool:
        following = self.tokens[index + 1] if index + 1 < len(self.tokens) else None
        return following is not None and following.start == self.tokens[index].end and \
            following.kind in (Kind.AREA, Kind.VAGUE) and following.start not in self.parse.breaks

    def _starts_its_clause(self, token: Token) -> bool:
        """Nothing but "it" or an opener stands before it in its clause: "..., well, NOT SORE NOW",
        past any softener ("it ACTUALLY feels better now")."""
        words, position = self.parse.words, token.start
        while position and self.g["softeners"].ends_at(words, position) and words[position - 1] not in self.g["anaphors"]:
            position -= 1
        if position and words[position - 1] in self.g["anaphors"]:
            return True
        return position == 0 or position in self.parse.breaks or words[position - 1] in self.g["openers"]

    def _part_of_the_place_name(self, index: int) -> bool:
        """ "my wrist pain is gone": a pain word right between a place and "is gone" names the
        place's pain, so what follows is said of the place (after "my knee hurts", it is not)."""
        cue = self.tokens[index]
        before = self.tokens[index - 1] if index > 0 else None
        after = self.tokens[index + 1] if index + 1 < len(self.tokens) else None
        return before is not None and after is not None and before.kind in (Kind.AREA, Kind.VAGUE) and \
            before.end == cue.start and after.start == cue.end and \
            after.kind is Kind.NEGATION and after.meaning.id == "after"

    def _correction(self, index: int) -> None:
        if self._later is None:
            self._later = self._later_places()
        if not self._later[index]:
            return  # "my knee hurts, sorry": nothing said instead
        if self._adds_rather_than_corrects(index):
            return  # "my thumb hurts and actually my big toe does TOO"
        for place in self.places:
            if place.state == "pain":
                place.state = "taken_back"
        self.corrected = True
        self.scope = len(self.places)
        self.sides = []

    def _adds_rather_than_corrects(self, index: int) -> bool:
        """An "also" word in the correction's clause: what follows is said as well, not instead."""
        start = self.tokens[index].end
        stop = next((at for at in sorted(self.parse.breaks) if at > start), len(self.parse.words))
        return self.g["also"].within(self.parse.words, start, min(stop, start + 2 * _LOOK))

    def _later_places(self) -> list[bool]:
        """For each token: does a place or a side come after it? (one pass from the end)"""
        later, seen = [False] * len(self.tokens), False
        for index in range(len(self.tokens) - 1, -1, -1):
            later[index] = seen
            seen = seen or self.tokens[index].kind in (Kind.AREA, Kind.VAGUE, Kind.SIDE)
        return later

    # ------------------------------------------------------------ is it a body?

    def _is_body(self, index: int, token: Token) -> bool:
        """A body word needs a person's body around it: "my leg hurts", not "the table leg"."""
        if not self.reader.checks_idioms:
            return True
        if index not in self.body:
            self.body[index] = self._looks_like_a_body(token)
        return self.body[index]

    def _looks_like_a_body(self, token: Token) -> bool:
        words, at, breaks = self.parse.words, self.at, self.parse.breaks
        after = token.end
        if token.meaning.alone or token.end - token.start > 1 or self._qualified(token):
            return True  # "a terrible migraine coming on", "my lower back", "the OUTSIDE OF my thigh"
        described = after < len(words) and after not in breaks and at[after] < 0
        if described and words[after] in self.g["compounds"]:
            return False  # a word that it describes: "back teeth", "elbow room", "right hand man"
        if described and not (self._talks_of_pain() or self._named_with(token)):
            return False
        if after < len(words) and after not in breaks and words[after] in self.g["objects"] and \
                self._is_verb(token) and not self._pain_word_within(after, 4) and not self._alternative_of_another(token) and \
                not self._pain_word_within(token.start - 1, 1):  # "um SORE elbow the right one"
            return False  # "hand me the remote", "foot the bill"; not "knees a little swollen"
        if self._repeated(token):
            return False  # "neck and neck", "arm in arm", "toe to toe"
        before = self._before(token)
        if (before == "modifier" or before == "number") and not self._alternative_of_another(token) and \
                not self._said_to_hurt(token):
            return False  # "the table leg", "two left feet"; not "either knee or thigh", "...ice skating TAILBONE IS SORE"
        if before == "side":
            return True
        if before == "preposition_article":  # "a kick in the teeth"; but "pain in the knee", "hip or the thigh"
            return self._named_with(token) or self._a_pain_before(token)
        if before == "owner" and self._after_a_preposition(token) and not (
                self._talks_of_pain() or self._talks_of_care() or self._alternative_of_another(token) or
                self._clauses().where_it_is(token.start)):  # "now it's just IN MY wrist"
            return False  # "on my feet all day", "under my thumb"
        return self._talks_of_pain() or self.all_known or self._named_with(token) or \
            self._clauses().singled_out(token) or self._side_follows(token)

    def _side_follows(self, token: Token) -> bool:
        """ "My elbow, THE RIGHT one", "my heel ON THE LEFT": a side said right after the place."""
        position = token.end
        while position < len(self.parse.words) and self.at[position] >= 0 and \
                self.tokens[self.at[position]].kind is Kind.FILLER and position - token.end < 3:
            position += 1
        return position < len(self.parse.words) and self.at[position] >= 0 and \
            self.tokens[self.at[position]].kind is Kind.SIDE

    def _qualified(self, token: Token) -> bool:
        """A part of the place is said before it: "the outside of my thigh", "the back of her knee"."""
        position = token.start - 1
        while position >= 0 and self.at[position] >= 0 and self.tokens[self.at[position]].kind in (Kind.SELF, Kind.OTHER, Kind.SIDE):
            position = self.tokens[self.at[position]].start - 1
        return position >= 0 and self.at[position] >= 0 and self.tokens[self.at[position]].kind is Kind.QUALIFIER

    def _said_to_hurt(self, token: Token) -> bool:
        """A being word and a pain word right after it: "tailbone IS SORE"."""
        words, after = self.parse.words, token.end
        return after + 1 < len(words) and words[after] in self.g["being"] and self._pain_word_within(after + 1, 1)

    def _named_with(self, token: Token) -> bool:
        """ "My shin or my knee", "my toe, the middle one", "could be my hip, could be my back": named
        with another place, with a part of it, or as an alternative of another."""
        return self._alternative_of_another(token) or self._named_with_another(token) or self._part_said_apart(token)

    def _talks_of_pain(self) -> bool:
        """A pain word, a negation or a condition ("plantar fasciitis") is said (asked only of a body word)."""
        if self._pain_said is None:
            self._pain_said = any(t.kind in (Kind.CUE, Kind.NEGATION) or t.meaning.alone for t in self.tokens)
        return self._pain_said

    def _talks_of_care(self) -> bool:
        """An injury or frailty is spoken of ("surgery on my knee")."""
        if self._care_said is None:
            self._care_said = any(t.kind is Kind.CARE and not t.meaning.person for t in self.tokens)
        return self._care_said

    def _pain_word_within(self, start: int, reach: int) -> bool:
        return any(self.at[position] >= 0 and self.tokens[self.at[position]].kind is Kind.CUE
                   for position in range(start, min(len(self.parse.words), start + reach)))

    def _a_pain_before(self, token: Token) -> bool:
        """ "I have pain in the knee", "my hand is paining me at the wrist side": a pain word
        just before the preposition."""
        for position in range(token.start - 3, max(-1, token.start - 6), -1):
            index = self.at[position]
            if index >= 0 and self.tokens[index].kind is Kind.CUE:
                return True
            if position in self.parse.breaks:
                break
        return False

    def _part_said_apart(self, token: Token) -> bool:
        """ "My toe, the middle one": a vague place whose part is named apart is a body."""
        if token.kind is not Kind.VAGUE:
            return False
        phrases, name = self.reader.language.phrases, self.parse.words[token.end - 1]
        return any((word, name) in phrases and phrases[(word, name)].kind is Kind.AREA and
                   (self.at[position] < 0 or self.tokens[self.at[position]].end - self.tokens[self.at[position]].start == 1)
                   for position, word in enumerate(self.parse.words[token.end:token.end + _LOOK], token.end))

    def _named_with_another(self, token: Token) -> bool:
        """ "My shoulder or my upper arm, I can't tell": two places named together are a body."""
        index = self.at[token.start]
        for step in (-1, 1):
            position = index + step
            while 0 <= position < len(self.tokens) and self._in_noun_phrase(self.tokens[position]) and \
                    self.tokens[position].kind is not Kind.CUE:
                position += step
            if 0 <= position < len(self.tokens) and self.tokens[position].kind is Kind.JOIN:
                beyond = position + step
                while 0 <= beyond < len(self.tokens) and self._in_noun_phrase(self.tokens[beyond]):
                    beyond += step
                if 0 <= beyond < len(self.tokens) and self.tokens[beyond].kind in (Kind.AREA, Kind.VAGUE):
                    return True
        return False

    def _alternative_of_another(self, token: Token) -> bool:
        """ "COULD BE my hip, COULD BE my lower back", "my knee or just below it in my shin": two
        places said as alternatives are a body."""
        index = self.at[token.start]
        for step in (-1, 1):
            other = index + step
            while 0 <= other < len(self.tokens) and self.tokens[other].kind not in (Kind.AREA, Kind.VAGUE) and \
                    abs(self.tokens[other].start - token.start) <= _ALTERNATIVE_REACH:
                other += step
            if 0 <= other < len(self.tokens) and self.tokens[other].kind in (Kind.AREA, Kind.VAGUE) and \
                    self._clauses().alternatives(min(index, other), max(index, other)):
                return True
        return False

    def _after_a_preposition(self, token: Token) -> bool:
        """The owner of the body word comes right after a preposition of place ("ON my feet")."""
        words, position = self.parse.words, token.start - 1
        while position >= 0 and self.at[position] >= 0 and \
                self.tokens[self.at[position]].kind in (Kind.SIDE, Kind.QUALIFIER, Kind.CUE):
            position = self.tokens[self.at[position]].start - 1
        if position < 0 or self.at[position] < 0:
            return False
        owner = self.tokens[self.at[position]].start  # "my mother in law's knee": the whole possessive
        return owner > 0 and words[owner - 1] in self.g["places"]

    def _repeated(self, token: Token) -> bool:
        words, word = self.parse.words, self.parse.words[token.start]
        joined = (Kind.JOIN, Kind.FILLER)
        for middle, other in ((token.end, token.end + 1), (token.start - 1, token.start - 2)):
            if 0 <= other < len(words) and words[other] == word and self.at[middle] >= 0 and \
                    self.tokens[self.at[middle]].kind in joined:
                return True
        return False

    def _is_verb(self, token: Token) -> bool:
        return self._before(token) in ("start", "other")

    def _before(self, token: Token) -> str:
        """What stands before the noun phrase of a body word."""
        at, breaks = self.at, self.parse.breaks
        position = token.start - 1
        side = described = False
        for _ in range(_LOOK):
            if position < 0 or position + 1 in breaks:
                return "side" if side else "start"
            index = at[position]
            if index < 0:
                owner = position > 0 and at[position - 1] >= 0 and \
                    self.tokens[at[position - 1]].kind in (Kind.SELF, Kind.OTHER) or \
                    self.parse.words[position].endswith(self.reader.possessive)  # "the STRIKER'S left knee"
                word = self.parse.words[position]
                said = side and (word in self.g["hedges"] or word in self.g["softeners"])  # "HOPEFULLY left knee aches"
                return "owner" if owner else "side" if said else "other" if described else "modifier"  # "what helps sore feet"
            before = self.tokens[index]
            if before.kind is Kind.SIDE:
                side = True
            elif before.kind is Kind.CUE:
                described = True
            elif before.kind is not Kind.QUALIFIER:
                return self._standing_before(before, position, side)
            position = before.start - 1
        return "side" if side else "other"

    def _standing_before(self, before: Token, position: int, side: bool) -> str:
        if before.kind is Kind.NUMBER:
            owner = self.at[before.start - 1] if before.start else -1  # "MY two feet": theirs, not "two left feet"
            return "owner" if owner >= 0 and self.tokens[owner].kind in (Kind.SELF, Kind.OTHER) else "number"
        if side:
            return "side"
        if before.kind is Kind.SELF or before.meaning.names_someone:
            return "owner"
        word = self.parse.words[position]
        if word in self.g["determiners"] and word not in self.g["articles"]:
            return "owner"  # "my OWN wrist"
        if word in self.g["articles"]:
            previous = self.parse.words[position - 1] if position > 0 else ""
            return "preposition_article" if previous in self.g["prepositions"] else "article"
        return "other"

    # ------------------------------------------------------------ people

    def _subject(self, token: Token) -> None:
        identity = self.people.identity(self.parse.words[token.start:token.end], token.kind)
        if identity is None:
            return
        if token.kind is Kind.OTHER and token.start > 0 and self.parse.words[token.start - 1] in self.g["companions"]:
            self.people.name(identity)  # "a raid WITH my mates ... the pinky on my right hand": company, not its owner
            return
        if self.subjects and self.subjects[-1][2] == self.aged and self.aged_end in (token.start, token.start - 1):
            self.people.merge(self.aged, identity)  # "my 80 year old father": the father is 80
        self.subjects.append((token.start, token.end, identity))
        self.subject = self.clause_subject = identity
        for care in self.pending_care:
            self.people.add_care(identity, care)
        self.pending_care = []

    def _before_a_person(self, index: int) -> bool:
        following = self.tokens[index + 1] if index + 1 < len(self.tokens) else None
        return following is not None and following.start == self.tokens[index].end and following.meaning.names_someone

    def _pregnancy(self, index: int, said: str) -> None:
        token = self.tokens[index]
        following = self.tokens[index + 1] if index + 1 < len(self.tokens) else None
        if said != "no" and following is not None and following.start == token.end and \
                following.start not in self.parse.breaks and following.meaning.names_someone:
            self._subject(following)  # "my pregnant wife"
        self.people.say_pregnancy(self.clause_subject or SELF, said, token.start, token.end)

    def _number(self, index: int) -> None:
        value, end = self._value(index)
        following = self.tokens[end] if end < len(self.tokens) else None
        unit = following.meaning.id if following is not None and following.kind is Kind.AGE else None
        if unit == "counted" and not self._after(index, "years_had"):
            unit = None  # "I'm 77 years", "for 3 years": read as a number said alone
        words, after = self.parse.words, self.tokens[end - 1].end
        if unit is None and after + 1 < len(words) and words[after] in self.g["time_units"] and \
                (words[after + 1] in self.g["prepositions"] or words[after + 1] in self.g["spans"]):
            return  # "I'm three MONTHS INTO the physio": a length of time, not an age ("she's nine months" is)
        if following is not None and following.kind is Kind.PREGNANCY:
            return  # "I'm 7 months pregnant", "6 months along": how far along, not an age
        if unit in ("years", "months") and self._an_age_of_someone(index) or unit == "counted":
            self._age(value if unit != "months" else 0, index, end)  # "my mother have 78 years"
        elif unit == "weeks" and self._weeks_along(index) and not self._a_length_of_time(index, end):
            self.people.person(self.clause_subject or SELF).said.add("yes")  # "I'm 34 weeks"
        elif unit is None and (self._said_of_someone(index) or self._said_alone(index, end)):
            self._age(value, index, end)  # "I'm 85", "seventy three and still gardening"
        elif unit is None and self._aged_at(index, end, value):
            self._age(value, index, end, in_its_clause=True)  # "...god rest him, and now AT EIGHTY it's my ankles"

    def _aged_at(self, index: int, end: int, value: int) -> bool:
        """ "At ninety two I don't expect much": a number past any clock's after "at", followed by
        words the pack knows ("at 60 mph", "at 40 degrees" are no ages)."""
        start, after = self.tokens[index].start, self.tokens[end - 1].end
        return value > _LATEST_HOUR and start > 0 and self.parse.words[start - 1] in self.g["aged_at"] and \
            (after == len(self.parse.words) or self.at[after] >= 0)

    def _said_alone(self, index: int, end: int) -> bool:
        """A number that opens the utterance and stands alone is the speaker's age ("73, and
        still gardening"); "3 weeks", "two knees" are not."""
        words, start = self.parse.words, self.tokens[index].start
        after = self.tokens[end - 1].end
        return start == 0 and (after == len(words) or after in self.parse.breaks or
                               words[after] in ("and",) and not self._number_at(after + 1))  # "a hundred AND twenty drops"

    def _number_at(self, position: int) -> bool:
        return position < len(self.parse.words) and self.at[position] >= 0 and \
            self.tokens[self.at[position]].kind is Kind.NUMBER

    def _value(self, index: int) -> tuple[int, int]:
        """The number starting at this token ("seventy eight" is 78), and the index after it."""
        value = int(self.tokens[index].meaning.id)
        end = index + 1
        if end < len(self.tokens) and self.tokens[end].kind is Kind.NUMBER and value % 10 == 0 and \
                20 <= value < 100 and int(self.tokens[end].meaning.id) < 10:
            value, end = value + int(self.tokens[end].meaning.id), end + 1
        return value, end

    def _weeks_along(self, index: int) -> bool:
        """ "I'm 34 weeks", "34 weeks, my back hurts" say how far along; "my knee hurts 3 weeks now"
        says how long it has hurt: weeks are a pregnancy only said of someone or on their own."""
        start, words = self._past_approximations(self.tokens[index].start), self.parse.words
        return start == 0 or start in self.parse.breaks or words[start - 1] in self.g["being"] or \
            words[start - 1] in self.g["aged_at"]  # "she is at 25 weeks", "bleeding at nine weeks"

    def _past_approximations(self, start: int) -> int:
        """Where a number starts with the words that make it rough: "I'm ABOUT 8 weeks", "im LIKE 22 weeks"."""
        words = self.parse.words
        while start and start not in self.parse.breaks:
            length = self.g["approximations"].ending_at(words, start)
            if not length:
                break
            start -= length
        return start

    def _a_length_of_time(self, index: int, end: int) -> bool:
        """ "for 3 weeks", "3 weeks ago" are lengths of time, not weeks of pregnancy; "I'm about 8
        weeks" is no "about 3 weeks"."""
        words, start = self.parse.words, self.tokens[index].start
        rough = self._past_approximations(start)
        if rough < start and rough and words[rough - 1] in self.g["being"]:
            start = rough
        around = words[max(0, start - 2):start] + words[self.tokens[end].end:self.tokens[end].end + 1]
        return any(word in self.g["spans"] for word in around)

    def _an_age_of_someone(self, index: int) -> bool:
        """ "My 5 year old", "I'm a 45 year old", "she's 80 years old" name a person's age; "my hip
        replacement is four years old" does not."""
        start, words = self.tokens[index].start, self.parse.words
        if start == 0 or start in self.parse.breaks or words[start - 1] in self.g["determiners"] and \
                not (start > 1 and words[start - 2] in self.g["being"]):
            return True
        if words[start - 1] in self.g["articles"]:
            start -= 1
        person = self.tokens[self.at[start - 1]] if self.at[start - 1] >= 0 else None
        if person is not None and (person.kind is Kind.SELF or person.meaning.names_someone):
            return True  # "my son 8 years old", "I'm a 45 year old"
        return self._said_of_someone(self.at[start] if self.at[start] >= 0 else index, start)

    def _said_of_someone(self, index: int, start: int | None = None) -> bool:
        start = self.tokens[index].start if start is None else start
        if start == 0:
            return False
        previous = self.parse.words[start - 1]
        if previous in ("age", "aged"):
            return True  # "for my age, 74"
        if self.at[start - 1] >= 0 and self._names_someone(start - 1) and not self._body_follows(index):
            return True  # "my father seventy nine", "mum's eighty seven"
        if previous not in self.g["being"] and previous not in self.g["ageing"]:
            return False
        subject = start - 1
        while subject > 0 and (self.parse.words[subject - 1] in self.g["being"] or
                               self.parse.words[subject - 1] in self.g["ageing"]):
            subject -= 1  # "my mother AGE IS 75", "she IS OLD 78"
        return self._is_person(start - 1) or (start > 1 and self._is_person(start - 2)) or \
            (subject > 0 and subject < start - 1 and self.at[subject - 1] >= 0 and
             self.tokens[self.at[subject - 1]].kind in (Kind.SELF, Kind.OTHER))  # "MY age is 71"

    def _after(self, index: int, word_class: str) -> bool:
        """Does a word of the class stand right before this token?"""
        start = self.tokens[index].start
        return start > 0 and start not in self.parse.breaks and self.parse.words[start - 1] in self.g[word_class]

    def _names_someone(self, position: int) -> bool:
        token = self.tokens[self.at[position]]
        return token.end == position + 1 and token.meaning.names_someone and \
            self.parse.words[position] not in self.g["pronouns"]

    def _body_follows(self, index: int) -> bool:
        """ "My son's 2 knees": a number of body parts, not an age."""
        following = self.tokens[index + 1] if index + 1 < len(self.tokens) else None
        return following is not None and following.kind in (Kind.AREA, Kind.VAGUE)

    def _is_person(self, position: int) -> bool:
        """A word of a phrase naming someone: "I am", "she is", "my mum", "my son"."""
        index = self.at[position]
        if index < 0:
            return False
        token = self.tokens[index]
        return token.kind in (Kind.SELF, Kind.OTHER) and self.parse.words[token.start] not in self.g["determiners"] \
            or (token.kind is Kind.CARE and token.meaning.person) or \
            (token.kind is Kind.OTHER and token.end - token.start > 1)

    def _age(self, years: int, index: int, end: int, in_its_clause: bool = False) -> None:
        """The age of the person named before it; with `in_its_clause`, of the person named in its
        clause, or else of the speaker."""
        start, words = self.tokens[index].start, self.parse.words
        described = start > 1 and words[start - 1] in self.g["articles"] and words[start - 2] in self.g["being"]
        if start > 0 and words[start - 1] in self.g["determiners"] and not described:
            identity = f"{years} years"  # "my 5 year old": someone else ("I'm a 45 year old": the speaker)
            self.people.name(identity)
            self.subjects.append((start - 1, start, identity))
            self.subject = self.clause_subject = self.aged = identity
            self.aged_end = self.tokens[end].end if end < len(self.tokens) and \
                self.tokens[end].kind is Kind.AGE else self.tokens[end - 1].end
        self.people.add_age(self._named_in_its_clause(start) if in_its_clause else
                            self.clause_subject or self.subject or SELF, years)

    def _named_in_its_clause(self, position: int) -> str:
        """The person named last before `position` in its clause, or else the speaker."""
        clause = self._clauses().clause
        named = [identity for start, _, identity in self.subjects if start < position and clause[start] == clause[position]]
        return named[-1] if named else SELF

    # ------------------------------------------------------------ the result

    def _result(self) -> Reading:
        self._deny_earlier_mentions()
        self.people.elided(self.subjects)
        self.people.described(self.subjects)
        said = self._restated(self._on_their_limbs([place for place in self.places if place.state == "pain"]))
        pain = self._complaint(said)
        for place in said:
            place.owner = self._owner(place)
        places = [_mentioned(place, self.reader.knowledge, self.people.pregnancy(place.owner or SELF))
                  for place in _merge(pain, self.reader.knowledge)]
        owner = places[0].owner if places else SELF
        either = self._either(pain) or self._either(said, only_alternatives=True)  # "my elbow or maybe the forearm"
        return Reading(
            places=tuple(places),
            denied=not pain and any(place.state == "denied" or self.nothing_hurts for place in self.places),
            red_flags=self._red_flags(),
            care=self.people.care_of(owner),
            pregnancy=self._pregnancy_of(places),
            no_question=self.people.no_question(owner),
            someone_else=owner != SELF,
            either=tuple(_mentioned(place, self.reader.knowledge) for place in either),
            unsure=self._unsure(pain),
        )

    def _on_their_limbs(self, pain: list[_Place]) -> list[_Place]:
        """A place named with the limb it is on is that place, on the limb's side: "the elbow of
        left hand" (said for the arm) is the left elbow."""
        kept: list[_Place] = []
        for place in pain:
            if kept and self._of_its_limb(kept[-1], place):
                kept[-1].sides = kept[-1].sides or place.sides
                kept[-1].owner = place.owner  # "the knuckles on MY left hand": whose the limb is
            else:
                kept.append(place)
        return kept

    def _restated(self, pain: list[_Place]) -> list[_Place]:
        """A place said again on the same limb right after a hesitation is said instead: "back of
        my heel UM the achilles bit on the left" is the left achilles; a whole said after its part
        says where the part is ("my third toe UH right foot")."""
        kept: list[_Place] = []
        for place in pain:
            if kept and self._restates(kept[-1], place):
                part, whole = kept[-1], place
                if _more_exact(part.token.meaning, whole.token.meaning, self.reader.knowledge):
                    part.sides = whole.sides or part.sides  # "my third toe uh right foot": the toe, on the right
                    continue
                place.sides = place.sides or kept[-1].sides
                kept[-1] = place
            else:
                kept.append(place)
        return kept

    def _restates(self, said: _Place, again: _Place) -> bool:
        """Only a hesitation, "my", a determiner or a side between two places of one limb."""
        if said.owner != again.owner:
            return False
        words, position, hesitated = self.parse.words, said.token.end, False
        while position < again.token.start:
            length = self.g["hesitations"].at(words, position)
            if length:
                hesitated, position = True, position + length
            elif words[position] in self.g["determiners"] or self._is_side(position) or \
                    self.at[position] >= 0 and self.tokens[self.at[position]].kind is Kind.SELF:
                position += 1
            else:
                return False  # "my knee and um my ankle": two places
        limb = _limb(said.token.meaning, self.reader.knowledge)
        return hesitated and limb is not None and limb == _limb(again.token.meaning, self.reader.knowledge)

    def _of_its_limb(self, place: _Place, limb: _Place) -> bool:
        """ "The elbow OF LEFT HAND", "the ankle of my right foot": a place, then "of" and another
        place of the same limb (a vague place's parts), past a determiner or a side."""
        between = self.parse.words[place.token.end:limb.token.start]
        if not 0 < len(between) <= 3 or between[0] not in self.g["prepositions"] or \
                any(word not in self.g["determiners"] and not self._is_side(place.token.end + offset)
                    for offset, word in enumerate(between[1:], 1)):
            return False
        one, other = place.token.meaning.id, limb.token.meaning.id
        return any(one in parts and other in parts for parts in self.reader.knowledge.vague.values())

    def _is_side(self, position: int) -> bool:
        index = self.at[position]
        return index >= 0 and self.tokens[index].kind is Kind.SIDE

    def _deny_earlier_mentions(self) -> None:
        """A place said to be fine after it was said to hurt is fine: "the pain moved from my
        right hip down to my knee, hip is OK" (but "my left knee is fine, the right one hurts")."""
        for later, denied in enumerate(self.places):
            if denied.state != "denied":
                continue
            for place in self.places[:later]:
                if place.state == "pain" and place.token.meaning == denied.token.meaning and \
                        place.owner == denied.owner and _sides_meet(place.sides, denied.sides):
                    place.state = "denied"

    def _pregnancy_of(self, places: list[Mentioned]) -> Pregnancy | None:
        """Of the person the first place belongs to (read with it); with no place ("I'm pregnant"), of the speaker."""
        return places[0].pregnancy if places else self.people.pregnancy(SELF)

    def _complaint(self, pain: list[_Place]) -> list[_Place]:
        """The places of the best rank said (Rank): the complaint before what is only context."""
        if not pain or (len(pain) == 1 and not self.nothing_hurts and
                        not self.g["comparisons"].within(self.parse.words)):
            return pain  # one place, not compared with anything: nothing to rank it against
        indexes = [place.index for place in pain]
        clauses = self._clauses()
        pained = clauses.said_of([place.index for place in self.places if place.state == "pain"],
                                 requests=not self.nothing_hurts)
        ranks = [Rank.FOCUS if self._where_its_pain_is(place) else clauses.rank(index, pained)
                 for place, index in zip(pain, indexes)]
        if self.nothing_hurts:  # "I'm fine APART FROM my right thumb": the exception hurts
            excepted = {place.index for place in pain if self._excepted(place)}
            pained = {**pained, **{index: set() for index in excepted}}
            ranks = [Rank.PAIN if index in excepted else rank if index in pained and rank < Rank.PAST else Rank.CONTEXT
                     for rank, index in zip(ranks, indexes)]  # "I had a headache YESTERDAY but today I feel great"
            if all(rank >= Rank.PAST for rank in ranks):
                return []
        knowledge = self.reader.knowledge
        group = list(range(len(pain)))  # places said as one, or together, share the best rank of them

        def root(one: int) -> int:
            while group[one] != one:
                one = group[one]
            return one

        for one, place in enumerate(pain):
            for two in range(max(0, one - _LOOK), one):
                other = pain[two]
                if Rank.COMPARED in (ranks[one], ranks[two]):
                    continue  # "worse than when I did my knee, my shoulder is agony" shares nothing
                same = self._owner(place) == self._owner(other) and \
                    _same_place(place.token.meaning, other.token.meaning, knowledge) and \
                    not (self._contrast_between(other, place) and place.token.kind is Kind.AREA and any(
                        root(k) == root(two) and k != two and pain[k].token.kind is Kind.AREA and
                        pain[k].token.meaning.id != place.token.meaning.id for k in range(one)))
                # "the ring finger on my right hand"; not "my legs were stiff and my feet swollen, BUT my knee"
                # (the legs already go with the feet)
                if same or (two == one - 1 and clauses.joined(other.index, place.index)):  # "my knee or my shin"
                    group[root(one)] = root(two)
        best_of: dict[int, Rank] = {}
        for one, rank in enumerate(ranks):
            best_of[root(one)] = min(rank, best_of.get(root(one), rank))
        ranks = [best_of[root(one)] for one in range(len(pain))]
        best = min(ranks)
        if best is Rank.COMPARED:
            return []  # only compared with: "this toothache is worse than when I broke my wrist"
        return self._speaker_first([place for place, rank in zip(pain, ranks) if rank == best], clauses)

    def _where_its_pain_is(self, place: _Place) -> bool:
        """ "My hand is hurting me here IN THE WRIST": after a pain said of a place, a place of the same
        limb said after a preposition of place is where that pain is."""
        words, position = self.parse.words, place.token.start
        while position and words[position - 1] in self.g["determiners"]:
            position -= 1
        if not position or words[position - 1] not in self.g["places"]:
            return False
        limb = _limb(place.token.meaning, self.reader.knowledge)
        cue_seen = False
        for index in range(self.at[position - 1] - 1, max(-1, self.at[position - 1] - _LOOK), -1):
            token = self.tokens[index]
            if token.end in self.parse.breaks and token.end <= position - 1:
                return False  # another clause
            if token.kind is Kind.CUE:
                cue_seen = True
            elif token.kind in (Kind.AREA, Kind.VAGUE):
                return cue_seen and limb is not None and token.meaning.id != place.token.meaning.id and \
                    _limb(token.meaning, self.reader.knowledge) == limb
        return False

    def _contrast_between(self, one: _Place, two: _Place) -> bool:
        return any(word in self.g["contrasts"] for word in self.parse.words[one.token.end:two.token.start])

    def _excepted(self, place: _Place) -> bool:
        """Said right after an exception, past "my", an article or a side: "apart from MY RIGHT thumb"."""
        words, position = self.parse.words, place.token.start
        while position and (words[position - 1] in self.g["determiners"] or words[position - 1] in self.g["articles"] or
                            self.at[position - 1] >= 0 and
                            self.tokens[self.at[position - 1]].kind in (Kind.SIDE, Kind.SELF, Kind.CUE)):
            position -= 1
        return self.g["exceptions"].ends_at(words, position)

    def _speaker_first(self, pain: list[_Place], clauses: Clauses) -> list[_Place]:
        """Someone else's pain told before the speaker's own in another clause is a story: "my
        mum's knee is bad again, and I've got a stiff neck" answers the neck, and offers the knee."""
        own = [place for place in pain if self._owner(place) == SELF]
        if not own or len(own) == len(pain):
            return pain
        first_other = next(place for place in pain if self._owner(place) != SELF)
        other_end, own_start = first_other.token.end, own[0].token.start
        told_apart = own_start - other_end >= 6 or own_start - other_end >= 3 and not any(  # "she has a bad knee herself, poor thing, that MY wrist"
            self.tokens[index].kind is Kind.JOIN for index in range(self.at[other_end - 1] + 1, self.at[own_start]))
        if clauses.clause[own_start] > clauses.clause[first_other.token.start] or told_apart:
            return own + [place for place in pain if self._owner(place) != SELF]
        return pain

    def _clauses(self) -> Clauses:
        if self._clause_view is None:
            self._clause_view = Clauses(self.parse.words, self.parse.breaks, self.tokens, self.g)
        return self._clause_view

    def _either(self, pain: list[_Place], only_alternatives: bool = False) -> list[_Place]:
        """The first two places said as alternatives of each other, if any: "my knee or my shin",
        "somewhere between my ankle and my heel, I don't know which"."""
        if len(pain) < 2:
            return []  # one place is no alternative
        unsure = not only_alternatives and self.g["unsure_which"].within(self.parse.words)
        for one, two in zip(pain, pain[1:]):
            if one.owner == two.owner and one.token.meaning.id != two.token.meaning.id and \
                    Kind.VAGUE not in (one.token.kind, two.token.kind) and \
                    (self._clauses().alternatives(one.index, two.index) or unsure):
                return [one, two]
        return []

    def _unsure(self, pain: list[_Place]) -> bool:
        """A word the recognizer did not know right before a pain word said of a place: it may
        have been "not" or "doesn't" ("my knee [unk] hurt anymore")."""
        words = self.parse.words
        return UNKNOWN_WORD in words and any(word == UNKNOWN_WORD and position + 1 < len(words) and self.at[position + 1] >= 0 and
                   self.tokens[self.at[position + 1]].kind in (Kind.CUE, Kind.PREGNANCY)
                   for position, word in enumerate(words)) and bool(pain)

    def _owner(self, place: _Place) -> str:
        """Whose the place is: the person named last before it ("we" say the speaker's own: "we
        might be expecting, my finger is sore"); anyone else named in its clause, when nobody was."""
        if place.owner is not None:
            return SELF if place.owner == WE else place.owner
        words, end = self.parse.words, place.token.end
        named = [identity for start, _, identity in self.subjects if identity not in (SELF, WE) and
                 start in (end + 1, end + 2) and words[end] in self.g["prepositions"]]
        return named[0] if named else SELF  # "the left knee of my wife"; not "sore shoulder from carrying my grandson"


def _merge(places: list[_Place], knowledge: Knowledge) -> list[_Place]:
    """One entry per place and person: a part named with its whole is the part ("my right hand's
    thumb"), a vague place named with one of its parts is that part, both sides said make both;
    "my knee and my wife's knee" are two."""
    merged: list[_Place] = []
    for place in places:
        meaning = place.token.meaning
        for index, earlier in enumerate(merged):
            other = earlier.token.meaning
            if place.owner == earlier.owner and _same_place(meaning, other, knowledge):
                keep = place if _more_exact(meaning, other, knowledge) else earlier
                merged[index] = _Place(keep.token, keep.index, earlier.sides + place.sides, keep.owner,
                                       keep.qualifier or earlier.qualifier or place.qualifier)
                break
        else:
            merged.append(place)
    return merged


def _limb(meaning: Meaning, knowledge: Knowledge) -> str | None:
    """The vague place a place is part of ("leg" for the heel), or the vague place itself."""
    if meaning.kind is Kind.VAGUE:
        return meaning.id
    area = knowledge.areas.get(meaning.id)
    whole = {meaning.id, area.part_of} if area is not None else {meaning.id}
    return next((name for name, parts in knowledge.vague.items() if whole & set(parts)), None)


def _sides_meet(one: list[str], two: list[str]) -> bool:
    """Could sides said of two mentions be the same side? None said, or both, meets anything."""
    return not one or not two or _BOTH in one + two or bool(set(one) & set(two))


def _same_place(one: Meaning, two: Meaning, knowledge: Knowledge) -> bool:
    if one.id == two.id and one.kind is two.kind:
        return True
    return _more_exact(one, two, knowledge) or _more_exact(two, one, knowledge)


def _more_exact(one: Meaning, two: Meaning, knowledge: Knowledge) -> bool:
    """`one` is a part of `two`: the thumb of the hand, the elbow of the arm, a finger of the hand."""
    if one.kind not in (Kind.AREA, Kind.VAGUE):
        return False
    if two.kind is Kind.VAGUE:
        return one.id in knowledge.vague.get(two.id, ())
    if one.kind is Kind.VAGUE:  # "my finger, the middle one, on my right hand": a finger of the hand
        return two.kind is Kind.AREA and all(knowledge.areas[part].part_of == two.id
                                             for part in knowledge.vague.get(one.id, ()))
    return two.kind is Kind.AREA and knowledge.areas[one.id].part_of == two.id


def _mentioned(place: _Place, knowledge: Knowledge, pregnancy: Pregnancy | None = None) -> Mentioned:
    meaning, sides = place.token.meaning, place.sides
    said = set(sides)
    side: str | None
    if _BOTH in said or {_LEFT, _RIGHT} <= said:
        side = _BOTH
    else:
        side = sides[-1] if sides else (_BOTH if meaning.plural and not place.one else None)
    vague = meaning.kind is Kind.VAGUE
    if not vague and not knowledge.areas[meaning.id].sided:
        side = None
    return Mentioned(meaning.id, _SIDES[side] if side else None, place.qualifier, vague, place.owner or SELF, pregnancy)
