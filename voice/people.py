"""Who an utterance is about: each person named, their pregnancy as said (hedged or plain), age, care and sex."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Mapping, Sequence

from voice.knowledge import Kind, Knowledge, WordClass

SELF = "self"
"""The identity of the speaker."""
WE = "we"
"""The speaker with someone else ("we're expecting", "our baby"): said of everyone in the utterance."""
PAST = "past"
"""A pregnancy said to be over: nothing is known of now."""
UNKNOWN_WORD = "[unk]"
"""A word the recognizer heard but does not know: it may have been anything, a hedge or a "not" too."""
_PAST_ONLY = frozenset({PAST})
"""Said of someone's pregnancy when only a past one was said: nothing of now."""
_NEAR = 6
"""How far a hedge may stand from what it hedges ("I HOPE I'm not pregnant", "not pregnant I THINK")."""


class Pregnancy(str, Enum):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


@dataclass
class Person:
    """What was said of one person."""

    said: set[str] = field(default_factory=set)
    """Of their pregnancy: "yes", "no", "maybe" (hedged, "trying", "not sure") or PAST."""
    care: list[str] = field(default_factory=list)
    ages: list[int] = field(default_factory=list)
    male: bool = False


class People:
    """Everyone named in one utterance, and what was said of each."""

    def __init__(self, grammar: Mapping[str, WordClass], knowledge: Knowledge, texts: Sequence[str],
                 kinds: Sequence[Kind | None], breaks: frozenset[int]) -> None:
        self.g = grammar
        self.knowledge = knowledge
        self.texts, self.kinds, self.breaks = texts, kinds, breaks
        """The words, and the kind of the phrase covering each (None for a word no phrase covers)."""
        self.people: dict[str, Person] = {SELF: Person()}
        self.named: list[str] = []
        """Everyone but the speaker, in the order named."""

    def person(self, identity: str) -> Person:
        person = self.people.get(identity)
        if person is None:
            person = self.people[identity] = Person()
        return person

    # ------------------------------------------------------------ who

    def identity(self, words: Sequence[str], kind: Kind) -> str | None:
        """Who a subject phrase names: the speaker, "we", someone named, or the last one named
        for a pronoun ("my wife ... SHE is"); None for "they" with nobody named ("my hips were
        done and THEY are grand": the hips)."""
        first, last = words[0], words[-1]
        if kind is Kind.SELF:
            return WE if first in self.g["we"] else SELF
        if first in self.g["pronouns"] or last in self.g["pronouns"]:
            pronoun_is_male = first in self.g["male"] or last in self.g["male"]
            named = [name for name in self.named if name not in self.g["unborn"] and  # "a baby in her belly, her neck"
                     (pronoun_is_male or not self.person(name).male)]  # "my mum, with my little brother, HER feet"
            if not named and (first in self.g["anaphors"] or last in self.g["anaphors"]):
                return None
            identity = named[-1] if named else (first if first in self.g["pronouns"] else last)
            if pronoun_is_male:
                self.person(identity).male = True
            self.name(identity)
            return identity
        identity = last
        pronoun = next((name for name in self.named if name in self.g["pronouns"]), None)
        self.name(identity)
        if pronoun is not None:  # "she isn't pregnant, my girlfriend I mean": she is the girlfriend
            self.merge(pronoun, identity)
        if any(word in self.g["male"] for word in words):
            self.person(identity).male = True
        return identity

    def merge(self, named_first: str, identity: str) -> None:
        """One person named twice: "my 80 year old father" (the one named by an age is the one
        named right after), "she isn't pregnant, my girlfriend I mean" (the pronoun is the girlfriend)."""
        if named_first == identity:
            return
        old = self.people.pop(named_first, Person())
        person = self.person(identity)
        person.said |= old.said
        person.care += old.care
        person.ages += old.ages
        person.male |= old.male
        self.named = [name for name in self.named if name != named_first]
        self.name(identity)

    def name(self, identity: str) -> None:
        if identity not in (SELF, WE) and identity not in self.named:
            self.named.append(identity)
        self.person(identity)

    # ------------------------------------------------------------ pregnancy

    def say_pregnancy(self, who: str, said: str, at: int, end: int) -> None:
        """A pregnancy phrase (words[at:end]) said of `who`. A plain "no" is the only "no": with any
        hedge near it ("I hope I'm not", "not as far as I know", "she says she's not"), a question
        tagged on ("I'm not, am I?"), or a word the recognizer did not know next to it, it is a maybe. A question ("am I pregnant?") and a
        hedged yes ("I think I'm pregnant") are maybes too."""
        start, stop = self._clause_around(at, end)
        if said in ("no", "yes") and (self._hedged(start, stop, at, end, said) or self._tag_question(end, stop)) or \
                said == "yes" and self._asked(at):
            said = "maybe"
        self.person(who).said.add(said)

    def _clause_around(self, at: int, end: int) -> tuple[int, int]:
        """Where a hedge may stand: near the phrase, not past a "but" ("my sister might be, but
        I'm not" is a plain no for the speaker)."""
        texts = self.texts
        start, stop = max(0, at - _NEAR), min(len(texts), end + _NEAR)
        for position in range(at - 1, start - 1, -1):
            if texts[position] in self.g["contrasts"]:
                start = position + 1
                break
        for position in range(end, stop):
            if texts[position] in self.g["contrasts"]:
                stop = position
                break
        return start, stop

    def _tag_question(self, end: int, stop: int) -> bool:
        """ "I'm not pregnant, AM I?": a question right after it asks rather than says."""
        return self.g["tags"].within(self.texts[end:min(stop, end + 3)])

    def _hedged(self, start: int, stop: int, at: int, end: int, said: str) -> bool:
        """A hedge near the phrase; a yes is not made unsure by what only questions a no ("the
        midwife SAYS it's normal", "IVF worked, I'm pregnant": grammar: hedges_of_a_no)."""
        texts = self.texts
        return UNKNOWN_WORD in texts[max(0, at - 2):end + 2] or any(
            said == "no" or hedge not in self.g["hedges_of_a_no"] for hedge in self.g["hedges"].found(texts, start, stop))

    def _asked(self, at: int) -> bool:
        """ "Am I pregnant", "could she be pregnant": a being word before its subject; not "so am I"."""
        texts, questions = self.texts, self.g["questions"]
        for position in range(max(0, at - 3), at):
            length = questions.at(texts, position)
            if length and position + length <= at and not self.g["likewise"].ends_at(texts, position):
                return True
        return False

    def elided(self, subjects: Sequence[tuple[int, int, str]]) -> None:
        """ "I'm not pregnant but my sister IS", "my partner is pregnant, I'M NOT", "NOT ME": a
        subject and a being word ending a clause say the pregnancy spoken of, of that subject; "SO
        AM I" after a yes says a yes."""
        if all(person.said <= _PAST_ONLY for person in self.people.values()):
            return
        kinds, texts, breaks = self.kinds, self.texts, self.breaks
        for start, end, identity in subjects:
            if start > 1 and texts[start - 1] in self.g["being"] and self.g["likewise"].ends_at(texts, start - 1) and \
                    any("yes" in person.said for person in self.people.values()):
                self.say_pregnancy(identity, "yes", start, end)  # "my sister is pregnant and SO AM I"
                continue
            position = end
            if texts[end - 1] not in self.g["being"]:
                if position >= len(texts) or texts[position] not in self.g["being"]:
                    continue
                position += 1
            negated = position < len(texts) and texts[position] in self.g["denials"]
            position += negated
            while position < len(texts) and texts[position] in self.g["elision_ends"]:
                position += 1
            ends = position == len(texts) or position in breaks or \
                texts[position] in self.g["contrasts"] and texts[position] not in self.g["focus"] or \
                texts[position] in self.g["openers"] or (kinds[position] in (Kind.JOIN, Kind.SELF, Kind.OTHER) and
                                                         texts[position] not in self.g["determiners"])
            if ends:  # "my sister IS", "I'M NOT, and ..."; but "I am HER mum", "she's JUST bloated" go on
                self.say_pregnancy(identity, "no" if negated else "yes", start, position)
        for position in range(len(texts) - 1):
            if texts[position] in ("not",) and kinds[position + 1] in (Kind.SELF, Kind.OTHER) and \
                    (position + 2 == len(texts) or position + 2 in breaks or kinds[position + 2] is not None):
                who = SELF if kinds[position + 1] is Kind.SELF else (self.named[-1] if self.named else None)
                if who is not None and not self.person(who).said:
                    self.person(who).said.add("no")  # "my sister's expecting, not me"

    def described(self, subjects: Sequence[tuple[int, int, str]]) -> None:
        """ "I'm a 45 year old BLOKE", "my partner is a GUY": a male word said of a subject."""
        kinds, texts, breaks = self.kinds, self.texts, self.breaks
        if self.g["male"].isdisjoint(texts):
            return
        looks = [(end, identity, texts[end - 1] in self.g["being"]) for _, end, identity in subjects] + \
            [(at, SELF, True) for at in range(1, len(texts)) if self.g["as_one"].ends_at(texts, at)]  # "AS A bloke ..."
        for end, identity, being in looks:
            for position in range(end, min(len(texts), end + _NEAR)):
                if position in breaks or kinds[position] in (Kind.AREA, Kind.VAGUE, Kind.CUE, Kind.SELF):
                    break
                if texts[position] in self.g["pronouns"]:
                    if position + 1 < len(texts) and texts[position + 1] in self.g["being"]:
                        break  # "set it up for me, HE IS a good lad": a subject of its own
                    continue  # "I'm HIS carer" says nothing of the speaker; "I'm her HUSBAND" does
                if texts[position] in self.g["being"]:
                    being = True
                elif not being and kinds[position] is None:
                    break  # "my TICKER is fine, the heart man says so": said of a thing of theirs
                elif being and texts[position] in self.g["male"]:
                    self.person(identity).male = True
                    break
                elif kinds[position] in (Kind.OTHER, Kind.CARE):
                    break  # "I'm a surrogate for my BROTHER": the first person word is what they are

    def said_of(self, who: str) -> set[str]:
        """What was said of one person's pregnancy, with what was said of "we"."""
        said = self.person(who).said
        we = self.people.get(WE) if who != WE else None
        if we is not None:
            said = said | we.said
        return said - {PAST}

    def pregnancy(self, who: str) -> Pregnancy | None:
        """Yes if any phrase says so; "not sure if I am" is unknown (avoided); a man, or an age at
        which nobody is pregnant, is no unless said otherwise."""
        said = self.said_of(who)
        if "maybe" in said:
            return Pregnancy.UNKNOWN
        if "yes" in said:
            return Pregnancy.YES
        if "no" in said or self.cannot_be_pregnant(who):
            return Pregnancy.NO
        return None

    def cannot_be_pregnant(self, who: str) -> bool:
        person = self.person(who)
        ages = self.knowledge.ages
        return person.male or bool(person.ages) and any(not ages.pregnancy_from <= age < ages.pregnancy_until
                                                         for age in person.ages) or "elderly" in person.care

    def no_question(self, who: str) -> bool:
        """Nobody asks an animal or a small child whether they are pregnant, nor a person said
        to be possibly pregnant (the points are avoided without asking)."""
        person = self.person(who)
        young = "child" in person.care and not any(age >= self.knowledge.ages.pregnancy_from for age in person.ages)
        return "pet" in person.care or young or "maybe" in self.said_of(who)

    # ------------------------------------------------------------ care

    def add_care(self, who: str, care: str) -> None:
        self.person(who).care.append(care)

    def add_age(self, who: str, years: int) -> None:
        ages = self.knowledge.ages
        care = "child" if years < ages.child_under else "elderly" if years >= ages.elderly_from else None
        person = self.person(who)
        person.ages.append(years)
        if care and care in self.knowledge.special_care:
            person.care.append(care)

    def care_of(self, who: str) -> tuple[str, ...]:
        """A child named by a word ("my son") is not one when only older ages were said ("my 16
        year old son")."""
        person = self.person(who)
        if not person.care:
            return ()
        care = list(dict.fromkeys(person.care))
        if person.ages and min(person.ages) >= self.knowledge.ages.child_under and "child" in care:
            care.remove("child")
        return tuple(care)
