"""Loads and validates the acupressure knowledge and the language packs from data/ (voice.data when installed)."""

from __future__ import annotations

import logging
import string
from dataclasses import dataclass, field, replace
from enum import Enum
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Mapping, Sequence

from voice.errors import DataError
from voice.yamlfile import read_yaml

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable  # Python 3.11; annotations only, so 3.9 runs it

log = logging.getLogger(__name__)



def _data_dir() -> Traversable:
    try:
        return files("voice.data")
    except ModuleNotFoundError:  # a clone used without installing it: its own data/ folder
        return Path(__file__).resolve().parent.parent / "data"


DATA_DIR: Traversable = _data_dir()
"""The repository's data/ folder, installed as the package voice.data (see pyproject.toml)."""

# Every sentence template the program fills, with the fields it fills in.
# A language pack must provide each one, must use each of its fields (a warning that
# lost {points} would stop naming the points to avoid) and may use no other field.
# Each warning of the knowledge adds "warning_<id>" (see template_fields).
TEMPLATE_FIELDS: dict[str, frozenset[str]] = {
    name: frozenset(fields)
    for name, fields in {
        "echo": {"pain"},
        "instruction": {"target"},
        "stay": set(),
        "duration": {"duration"},
        "points": {"points"},
        "not_understood": set(),
        "example": set(),
        "can_help": set(),
        "systemic": {"topic"},
        "empty": set(),
        # understanding
        "red_flag": {"what"},
        "no_pain": set(),
        "which_part": {"area", "choices"},
        "which_one": {"area"},
        "which_of": {"places"},
        "also_offer": {"place"},
        "target_hurts": {"place"},
        "target_hurts_other_side": {"place"},
        # the spoken session
        "not_caught": set(),
        "confirm": {"pain"},
        "greeting": set(),
        "ask_where": set(),
        "listening": set(),
        "ask_pregnancy": set(),
        "pregnancy_unclear": set(),
        "pregnancy_noted": set(),
        "offer_timer": {"duration"},
        "remind_start": set(),
        "timer_started": {"duration"},
        "times_up": set(),
        "offer_next": set(),
        "offer_next_sided": set(),
        "corrected": set(),
        "no_other_side": set(),
        "nothing_to_repeat": set(),
        "goodbye": set(),
        "idle": {"wake"},
        "voice_slower": set(),
        "voice_faster": set(),
        "voice_louder": set(),
        "voice_softer": set(),
        # listening instead of looking: answers at another length
        "brief_instruction": {"target", "duration"},
        "detail_why": {"pain", "target"},
        "detail_points": {"points"},
        "verbosity_brief": set(),
        "verbosity_normal": set(),
        "verbosity_detailed": set(),
        "nothing_more": set(),
        "help_where": set(),
        "help_pregnancy": set(),
        "help_instructed": set(),
        "help_timing": set(),
        "help_offer": set(),
        "no_speech_engine": set(),
        "microphone_lost": set(),
        "microphone_back": set(),
        # the Home Assistant front end (Wyoming)
        "too_long": set(),
        "also_ask": {"place"},
    }.items()
}
PLACE_FIELDS: dict[str, frozenset[str]] = {
    "sided": frozenset({"side", "area"}),
    "unsided": frozenset({"area"}),
    "either": frozenset({"area"}),
    "both": frozenset({"areas"}),
    "qualified": frozenset({"qualifier", "place"}),
}
WHOSE = "whose"
"""A field place sentences may use for whose body it is: a pack's `whose: {self: your, other: the}`
("your left knee" for the speaker's, "the left knee" for someone else's they are massaging)."""
WHOSE_KEYS = ("self", "other")
MAY_SAY_WHOSE = frozenset({"which_part"})
"""Sentences that may use {whose} besides the place templates and the areas' own places."""
DURATION_FIELDS: dict[str, frozenset[str]] = {
    "one_minute": frozenset(),
    "minutes": frozenset({"n"}),
    "seconds": frozenset({"n"}),
    "minutes_and_seconds": frozenset({"minutes", "seconds"}),
}
LIST_KEYS = ("separator", "last_and", "last_or")
VAGUE_QUESTIONS = ("which_part", "which_one")
"""The sentences that ask which part of a vague place hurts."""
COMMANDS = ("repeat", "help", "stop", "slower", "faster", "louder", "softer",
            "another", "other_side", "timer", "yes", "no", "wrong", "shorter", "more_detail", "more")
BARGE_IN = ("stop", "wait", "repeat", "go_on")
"""What may be said while the assistant speaks: cut it off, pause it, start it again, resume."""


class Side(str, Enum):
    LEFT = "left"
    RIGHT = "right"
    BOTH = "both"


class WarningWhen(str, Enum):
    ALWAYS = "always"
    PREGNANCY = "pregnancy"
    SPECIAL_CARE = "special_care"
    TARGET_AREA = "target_area"


class Confirm(str, Enum):
    """Which places heard are asked back ("Did you say your left knee?") before they are
    answered: a language pack states it for its model, the `confirm` setting may change it."""

    UNSURE = "unsure"
    """Only a place heard with doubt: for a model whose confidence tells right from wrong."""
    ALWAYS = "always"
    """Every place heard, however sure: for a model whose confidence does not tell."""


class Spoken(str, Enum):
    BEFORE = "before"
    AFTER = "after"


class Kind(str, Enum):
    """What a phrase of a language pack means."""

    AREA = "area"
    SIDE = "side"
    QUALIFIER = "qualifier"
    CARE = "special_care"
    PREGNANCY = "pregnancy"
    SYSTEMIC = "systemic"
    COMMAND = "command"
    OTHER = "other"
    """Someone other than the speaker ("my wife"): what the session knew of the speaker's
    pregnancy does not apply to them."""
    CORRECTION = "correction"
    """Words that take back what came before: "elbow, scratch that, knee"."""
    FILLER = "filler"
    SELF = "self"
    """The speaker as the one the words are about: "I am", "my"."""
    VAGUE = "vague"
    """A place too wide to answer: "my arm" (which part of it?)."""
    RED_FLAG = "red_flag"
    """Something that needs medical help now, not massage."""
    NEGATION = "negation"
    """A place said not to hurt: "not" before it (id "before"), "is fine" after it ("after"), or
    mended by a treatment said after it ("treated": "the injection SORTED IT")."""
    CUE = "cue"
    """Words that show a body word is about the body: pain, injury, a request."""
    JOIN = "join"
    """Words that join two places: "and", "or"."""
    NUMBER = "number"
    IDIOM = "idiom"
    """A saying with a body word in it that is not about the body: "you've got my back"."""
    AGE = "age"
    """What follows a number: "years old" (id "years"), "months old" ("months"), "weeks", bare
    "years" ("counted": an age only after grammar's years_had)."""


@dataclass(frozen=True)
class Area:
    id: str
    corresponds_to: str | None
    """The corresponding area; None for an area that is only ever a target."""
    sided: bool = True
    covers: tuple[str, ...] = ()
    """Other areas this target spans, for finding points in or near it."""
    recommend: tuple[str, ...] = ()
    """Points to press when this area is the target."""
    qualifiers: Mapping[str, str] = field(default_factory=dict)
    """Exceptions to the qualifier table when this area is the pain location."""
    part_of: str | None = None
    """The area this one is a part of: the thumb is part of the hand."""


@dataclass(frozen=True)
class Ages:
    """Who needs special care for their age, and at which ages a person may be pregnant."""

    child_under: int
    elderly_from: int
    pregnancy_from: int = 10
    pregnancy_until: int = 55
    """Below `pregnancy_from` and from `pregnancy_until` years nobody is asked about pregnancy."""


@dataclass(frozen=True)
class Point:
    code: str
    area: str
    near: tuple[str, ...]
    avoid_in_pregnancy: bool


@dataclass(frozen=True)
class WarningRule:
    id: str
    when: WarningWhen
    spoken: Spoken
    areas: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Sign:
    """Something said that a red flag is made of: words of the packs, a body area, or a pregnancy."""

    id: str
    areas: frozenset[str] = frozenset()
    """Naming one of these areas (or vague places) says the sign: "my calf" says a leg."""
    pregnancy: bool = False
    """Saying that anyone is, or may be, pregnant says the sign."""

    @property
    def spoken(self) -> bool:
        """A sign of words, which each pack must give."""
        return not self.areas and not self.pregnancy


@dataclass(frozen=True)
class Combination:
    """One way to have a red flag: every element said; each element is any of its signs."""

    elements: tuple[frozenset[str], ...]
    near: int | None = None
    """All within this many words, when given."""


@dataclass(frozen=True)
class RedFlag:
    """What needs medical help now, not massage: had when one of its combinations is said."""

    id: str
    when: tuple[Combination, ...]


@dataclass(frozen=True)
class Knowledge:
    """The language-neutral knowledge of data/knowledge.yaml."""

    qualifiers: Mapping[str, str]
    areas: Mapping[str, Area]
    points: Mapping[str, Point]
    special_care: tuple[str, ...]
    systemic: tuple[str, ...]
    warnings: tuple[WarningRule, ...]
    vague: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Places too wide to answer, and the areas they may mean."""
    vague_whole: Mapping[str, str] = field(default_factory=dict)
    """The area that all the parts of a vague place make: every finger is the hand."""
    red_flags: Mapping[str, RedFlag] = field(default_factory=dict)
    """The triage table: each red flag and the combinations of signs that make it."""
    signs: Mapping[str, Sign] = field(default_factory=dict)
    ages: Ages = Ages(12, 70)


@dataclass(frozen=True)
class Meaning:
    """What one phrase means: an area, a side, a command, ..."""

    kind: Kind
    id: str
    qualifier: str | None = None
    """A qualifier the phrase carries ("funny bone" is the inner elbow)."""
    plural: bool = False
    """A plural area phrase ("knees") means both sides when none is given."""
    alone: bool = False
    """An area phrase that names a pain by itself ("migraine"), needing no other context."""
    person: bool = False
    """A special-care phrase that names someone else ("my daughter")."""

    @property
    def names_someone(self) -> bool:
        """Names someone other than the speaker: "my wife", or a special-care phrase that is a person."""
        return self.kind is Kind.OTHER or (self.kind is Kind.CARE and self.person)


class WordClass(frozenset[str]):
    """A small word class of a pack's grammar: its words and phrases, looked up in running text
    without joining words at every position (only where a phrase of it can start)."""

    def __init__(self, phrases: Iterable[str] = ()) -> None:
        super().__init__()
        self.starts = frozenset(phrase.split()[0] for phrase in self if phrase)
        lengths: dict[str, set[int]] = {}
        for said in (phrase.split() for phrase in self):
            if said:
                lengths.setdefault(said[0], set()).add(len(said))
        self.lengths_from = {first: tuple(sorted(counts, reverse=True)) for first, counts in lengths.items()}
        """How many words the phrases that start with each word have, longest first."""
        self.ends = frozenset(phrase.split()[-1] for phrase in self if phrase.split())
        """The last words of the phrases: a phrase ends nowhere else."""
        self.longest = max((len(phrase.split()) for phrase in self), default=0)

    def at(self, words: Sequence[str], position: int) -> int:
        """How many words of a phrase of the class start at `position`; 0 for none (longest first)."""
        for length in self.lengths_from.get(words[position], ()):
            if length <= len(words) - position and " ".join(words[position:position + length]) in self:
                return length
        return 0

    def within(self, words: Sequence[str], start: int = 0, stop: int | None = None) -> bool:
        """Does a phrase of the class start between `start` and `stop`?"""
        if self.starts.isdisjoint(words[max(0, start):stop]):
            return False  # no word there starts one: most utterances
        return any(True for _ in self.found(words, start, stop))

    def found(self, words: Sequence[str], start: int = 0, stop: int | None = None) -> Iterator[str]:
        """The phrases of the class that start between `start` and `stop`, in order."""
        stop = len(words) if stop is None else min(stop, len(words))
        starts = self.starts  # looked at first: most words start no phrase, and a call costs more than a lookup
        for position in range(max(0, start), stop):
            length = self.at(words, position) if words[position] in starts else 0
            if length:
                yield " ".join(words[position:position + length])

    def ends_at(self, words: Sequence[str], end: int) -> bool:
        """Does a phrase of the class end right before `end`?"""
        return self.ending_at(words, end) > 0

    def ending_at(self, words: Sequence[str], end: int) -> int:
        """How many words of a phrase of the class end right before `end`; 0 for none (shortest first)."""
        if 0 < end <= len(words) and words[end - 1] not in self.ends:
            return 0  # no phrase ends with that word: most places
        return next((length for length in range(1, min(self.longest, end) + 1)
                     if " ".join(words[end - length:end]) in self), 0)


NO_WORDS = WordClass()


@dataclass(frozen=True)
class PlaceSteps:
    """How to find one area or point by touch, eyes closed: steps from landmarks that can be felt,
    then `spot`, how the spot to work on feels."""

    steps: tuple[str, ...]
    spot: str
    qualifiers: Mapping[str, str] = field(default_factory=dict)
    """An area's own words for one of its sides (the inner knee); else Directions.qualifiers."""
    names: tuple[tuple[str, ...], ...] = ()
    """A point's names to ask for it by ("large intestine four"), besides its code."""


@dataclass(frozen=True)
class Directions:
    """A pack's `directions:`: the steps to every place massaged and every point (voice/finding.py),
    and the words that ask for them (voice/walkthrough.py)."""

    sources: Mapping[str, str]
    """Where the steps come from: "points" (WHO 2008) and "areas" (surface anatomy)."""
    asking: Mapping[tuple[str, ...], str]
    """Each phrase that asks for directions, and what it asks (one of DIRECTION_ASKS)."""
    say: Mapping[str, str]
    qualifiers: Mapping[str, str]
    areas: Mapping[str, PlaceSteps]
    points: Mapping[str, PlaceSteps]

    def words(self) -> frozenset[str]:
        """Every word that asks for directions or names a point."""
        phrases = [*self.asking, *(name for point in self.points.values() for name in point.names)]
        return frozenset(word for phrase in phrases for word in phrase)


@dataclass(frozen=True)
class LanguagePack:
    """The words of one language: phrases understood and sentences spoken."""

    code: str
    name: str
    model: str
    """The Vosk model this language wants by default."""
    voice: str
    """The text-to-speech voice (an espeak-ng language) this language wants."""
    wake_phrase: str
    """What wakes the assistant when it waits at home (a setting may change it)."""
    path: Traversable
    phrases: Mapping[tuple[str, ...], Meaning]
    contractions: Mapping[str, str]
    suffixes: tuple[str, ...]
    area_names: Mapping[str, tuple[str, str]]
    area_places: Mapping[str, str]
    qualifier_names: Mapping[str, str]
    side_names: Mapping[str, str]
    point_names: Mapping[str, str]
    care_names: Mapping[str, str]
    systemic_names: Mapping[str, str]
    place: Mapping[str, str]
    """How places are spoken; they may say {whose} (see WHOSE)."""
    durations: Mapping[str, str]
    lists: Mapping[str, str]
    say: Mapping[str, str]
    vague_names: Mapping[str, str] = field(default_factory=dict)
    vague_questions: Mapping[str, str] = field(default_factory=dict)
    """The sentence that asks which part: "which_part" or "which_one"."""
    red_flag_names: Mapping[str, str] = field(default_factory=dict)
    red_signs: Mapping[tuple[str, ...], frozenset[str]] = field(default_factory=dict)
    """The words of the signs of the red flags (knowledge: signs): phrase -> the signs it says."""
    sign_forms: Mapping[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)
    """Ways of saying a word of the signs, read as that word when signs are found: "could not" -> "cannot"."""
    not_signs: frozenset[tuple[str, ...]] = frozenset()
    """Phrases that hold words of signs but say none of them: "blood test" is no bleeding."""
    numbers: Mapping[str, int] = field(default_factory=dict)
    endings_before_numbers: Mapping[str, str] = field(default_factory=dict)
    """Word endings that are a word of their own before a number: "'s" is "is" ("my dad's 92")."""
    grammar: Mapping[str, WordClass] = field(default_factory=dict)
    """Small word classes the reading of a sentence needs (see GRAMMAR)."""
    not_in_grammar: frozenset[str] = frozenset()
    """Words understood when typed but kept out of the recognizer's grammar (its model mishears with them)."""
    contractions_in_context: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """Contractions that are also words ("its", "were"), by where they are contractions (see
    CONTRACTIONS_IN_CONTEXT)."""
    texts: Mapping[tuple[str, ...], str] = field(default_factory=dict)
    """Each phrase as the pack writes it ("ball of my thumb" for ("ball", "of", DETERMINER, "thumb"))."""

    barge_in: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """For each of BARGE_IN, the phrases heard while the assistant speaks; empty: none."""
    whose: Mapping[str, str] = field(default_factory=lambda: {key: "" for key in WHOSE_KEYS})
    """Whose body a place is on, for {whose}: "self" (the speaker's) and "other" (someone else's)."""
    confirm: Confirm = Confirm.UNSURE
    """Which places heard its model's way are asked back first (the `confirm` setting may change it)."""
    directions: Directions = field(default_factory=lambda: Directions({}, {}, {}, {}, {}, {}))
    """How to find each place and point by touch, and the words that ask for it."""

    def text_of(self, phrase: tuple[str, ...]) -> str:
        return self.texts.get(phrase) or " ".join(phrase)

    def words(self) -> frozenset[str]:
        """Every single word that occurs in a phrase of this pack."""
        return frozenset(word for phrase in self.phrases for word in phrase if word != DETERMINER) | \
            self.directions.words()

    def grammar_words(self) -> frozenset[str]:
        """Every single word of the grammar's word classes ("probably", "hope", "than")."""
        return _words_of(self.grammar)


def capital(text: str) -> str:
    """The text with its first letter a capital, as a sentence or a description begins; the rest as it is."""
    return text[:1].upper() + text[1:]


# ---------------------------------------------------------------- YAML reading


class _Node:
    """A value read from a YAML file, with the key path that leads to it for errors."""

    def __init__(self, path: Traversable, key: str, value: Any) -> None:
        self.path, self.key, self.value = path, key, value

    def fail(self, problem: str) -> DataError:
        where = f"{self.key}: " if self.key else ""
        return DataError(f"{self.path}: {where}{problem}")

    def child(self, key: str | int, value: Any) -> _Node:
        name = f"{self.key}[{key}]" if isinstance(key, int) else (
            f"{self.key}.{key}" if self.key else str(key))
        return _Node(self.path, name, value)

    def mapping(self, allowed: Iterable[str] | None = None,
                required: Iterable[str] = ()) -> dict[str, _Node]:
        if not isinstance(self.value, dict):
            raise self.fail(f"expected a mapping (key: value), found {_kind(self.value)}")
        items = {str(k): self.child(str(k), v) for k, v in self.value.items()}
        if allowed is not None:
            allowed = list(allowed)
            unknown = sorted(set(items) - set(allowed))
            if unknown:
                raise self.fail(f"unknown key '{unknown[0]}'; allowed keys: {', '.join(allowed)}")
        missing = [k for k in required if k not in items]
        if missing:
            raise self.fail(f"missing key '{missing[0]}'")
        return items

    def get(self, key: str, default: Any) -> _Node:
        value = self.value.get(key, default) if isinstance(self.value, dict) else default
        return self.child(key, value)

    def items(self) -> list[_Node]:
        if not isinstance(self.value, list):
            raise self.fail(f"expected a list, found {_kind(self.value)}")
        return [self.child(i, v) for i, v in enumerate(self.value)]

    def text(self) -> str:
        if isinstance(self.value, bool) or not isinstance(self.value, (str, int, float)):
            raise self.fail(f"expected text, found {_kind(self.value)}")
        text = str(self.value).strip()
        if not text:
            raise self.fail("expected text, found an empty string")
        return text

    def texts(self) -> list[str]:
        return [item.text() for item in self.items()]

    def number(self) -> int:
        if isinstance(self.value, bool) or not isinstance(self.value, int) or self.value < 0:
            raise self.fail(f"expected a whole number, found {_kind(self.value)}")
        return self.value

    def flag(self) -> bool:
        if not isinstance(self.value, bool):
            raise self.fail(f"expected true or false, found {_kind(self.value)}")
        return self.value

    def choice(self, enum: type[Enum]) -> Any:
        text = self.text()
        try:
            return enum(text)
        except ValueError:
            allowed = ", ".join(member.value for member in enum)
            raise self.fail(f"'{text}' is not one of: {allowed}") from None

    def ref(self, known: Iterable[str], what: str) -> str:
        text = self.text()
        if text not in known:
            raise self.fail(f"unknown {what} '{text}'")
        return text


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    return {dict: "a mapping", list: "a list", str: f"the text '{value}'",
            bool: f"'{value}'"}.get(type(value), f"'{value}'")


def _read_yaml(path: Traversable) -> _Node:
    try:
        return _Node(path, "", read_yaml(path, DataError))
    except FileNotFoundError:
        raise DataError(f"{path}: file not found") from None


# ---------------------------------------------------------------- knowledge


def load_knowledge(path: Traversable | None = None) -> Knowledge:
    """Read data/knowledge.yaml and check that every id it references exists."""
    root = _read_yaml(path or DATA_DIR / "knowledge.yaml")
    top = root.mapping(("qualifiers", "areas", "points", "special_care", "systemic", "warnings",
                        "vague", "vague_whole", "red_flags", "signs", "ages"),
                       required=("qualifiers", "areas", "points", "warnings", "ages"))
    qualifiers = {key: node.text() for key, node in top["qualifiers"].mapping().items()}
    for node in top["qualifiers"].mapping().values():
        node.ref(qualifiers, "qualifier")
    area_nodes = top["areas"].mapping()
    points = _read_points(top["points"], area_nodes)
    areas = {key: _read_area(key, node, area_nodes, points, qualifiers)
             for key, node in area_nodes.items()}
    _check_pairs(top["areas"], areas)
    warnings = _read_warnings(top["warnings"], areas)
    vague = {key: tuple(item.ref(areas, "area") for item in node.items())
             for key, node in root.get("vague", {}).mapping().items()}
    signs = _read_signs(root.get("signs", {}), areas, vague)
    vague_whole = {key: node.ref(areas, "area")
                   for key, node in root.get("vague_whole", {}).mapping(allowed=vague).items()}
    return Knowledge(
        qualifiers=qualifiers,
        areas=areas,
        points=points,
        special_care=tuple(root.get("special_care", []).texts()),
        systemic=tuple(root.get("systemic", []).texts()),
        warnings=warnings,
        vague=vague,
        vague_whole=vague_whole,
        red_flags=_read_red_flags(root.get("red_flags", {}), signs),
        signs=signs,
        ages=_read_ages(top["ages"]),
    )


_AGES = ("child_under", "elderly_from", "pregnancy_from", "pregnancy_until")


def _read_signs(node: _Node, areas: Mapping[str, Area], vague: Mapping[str, tuple[str, ...]]) -> dict[str, Sign]:
    signs = {}
    for key, entry in node.mapping().items():
        fields = entry.mapping(("areas", "vague", "pregnancy"))
        named = {item.ref(areas, "area") for item in entry.get("areas", []).items()}
        named |= {item.ref(vague, "vague place") for item in entry.get("vague", []).items()}
        signs[key] = Sign(key, frozenset(named), fields["pregnancy"].flag() if "pregnancy" in fields else False)
    return signs


def _read_red_flags(node: _Node, signs: Mapping[str, Sign]) -> dict[str, RedFlag]:
    flags = {}
    for key, entry in node.mapping().items():
        fields = entry.mapping(("when",), required=("when",))
        flags[key] = RedFlag(key, tuple(_read_combination(item, signs) for item in fields["when"].items()))
        if not flags[key].when:
            raise fields["when"].fail("a red flag needs at least one combination of signs")
    return flags


def _read_combination(node: _Node, signs: Mapping[str, Sign]) -> Combination:
    """[sign, [sign, sign]] or {all: [...], near: N}."""
    near = None
    if isinstance(node.value, dict):
        fields = node.mapping(("all", "near"), required=("all",))
        near = fields["near"].number() if "near" in fields else None
        node = fields["all"]
    elements = []
    for element in node.items():
        choices = element.items() if isinstance(element.value, list) else [element]
        elements.append(frozenset(choice.ref(signs, "sign") for choice in choices))
    if not elements:
        raise node.fail("a combination needs at least one sign")
    return Combination(tuple(elements), near)


def _read_ages(node: _Node) -> Ages:
    fields = node.mapping(_AGES, required=_AGES)
    return Ages(*(fields[key].number() for key in _AGES))


def _read_area(key: str, node: _Node, areas: Mapping[str, _Node],
               points: Mapping[str, Point], qualifiers: Mapping[str, str]) -> Area:
    fields = node.mapping(("corresponds_to", "sided", "target_only", "covers", "recommend", "qualifiers",
                           "part_of"))
    target_only = fields["target_only"].flag() if "target_only" in fields else False
    if "corresponds_to" in fields:
        corresponds_to = fields["corresponds_to"].ref(areas, "area")
    elif target_only:
        corresponds_to = None
    else:
        raise node.fail("has no corresponds_to (every area needs a corresponding area, "
                        "unless it is marked target_only: true)")
    overrides = fields["qualifiers"].mapping() if "qualifiers" in fields else {}
    for name, override in overrides.items():
        override.ref(qualifiers, "qualifier")
        _Node(override.path, override.key, name).ref(qualifiers, "qualifier")
    return Area(
        id=key,
        corresponds_to=corresponds_to,
        sided=fields["sided"].flag() if "sided" in fields else True,
        covers=tuple(item.ref(areas, "area") for item in node.get("covers", []).items()),
        recommend=tuple(item.ref(points, "point") for item in node.get("recommend", []).items()),
        qualifiers={name: value.text() for name, value in overrides.items()},
        part_of=fields["part_of"].ref(areas, "area") if "part_of" in fields else None,
    )


def _check_pairs(node: _Node, areas: Mapping[str, Area]) -> None:
    """Arm <-> leg style pairs must hold both ways: if A -> B and B has a partner, it is A."""
    for area in areas.values():
        target = areas[area.corresponds_to] if area.corresponds_to else None
        if target and target.corresponds_to and target.corresponds_to != area.id:
            raise node.child(area.id, None).fail(
                f"corresponds to '{target.id}', but '{target.id}' corresponds to "
                f"'{target.corresponds_to}'; a pair must hold both ways")


def _read_points(node: _Node, areas: Mapping[str, _Node]) -> dict[str, Point]:
    points = {}
    for code, point in node.mapping().items():
        fields = point.mapping(("area", "near", "avoid_in_pregnancy"), required=("area", "avoid_in_pregnancy"))
        points[code] = Point(
            code=code,
            area=fields["area"].ref(areas, "area"),
            near=tuple(item.ref(areas, "area") for item in point.get("near", []).items()),
            avoid_in_pregnancy=fields["avoid_in_pregnancy"].flag(),
        )
    return points


def _with_parts(named: set[str], areas: Mapping[str, Area]) -> frozenset[str]:
    """The named areas and every area that is part of one of them."""
    return frozenset(named | {area.id for area in areas.values() if area.part_of in named})


def _read_warnings(node: _Node, areas: Mapping[str, Area]) -> tuple[WarningRule, ...]:
    rules = []
    for key, warning in node.mapping().items():
        fields = warning.mapping(("when", "spoken", "areas"), required=("when", "spoken"))
        rules.append(WarningRule(
            id=key,
            when=fields["when"].choice(WarningWhen),
            spoken=fields["spoken"].choice(Spoken),
            areas=_with_parts({item.ref(areas, "area") for item in warning.get("areas", []).items()}, areas),
        ))
    return tuple(rules)


# ---------------------------------------------------------------- language packs


def available_languages(data_dir: Traversable | None = None) -> list[str]:
    """The codes of the language packs in data/lang/."""
    packs = (data_dir or DATA_DIR) / "lang"
    return sorted(path.name.removesuffix(".yaml") for path in packs.iterdir() if path.name.endswith(".yaml"))


def load_language(code: str, knowledge: Knowledge, data_dir: Traversable | None = None) -> LanguagePack:
    """Read data/lang/<code>.yaml and check it against the knowledge."""
    path = (data_dir or DATA_DIR) / "lang" / f"{code}.yaml"
    if not path.is_file():
        known = ", ".join(available_languages(data_dir)) or "none"
        raise DataError(f"No language pack '{code}' ({path} does not exist). Available: {known}.")
    return read_language(path, knowledge)


_PACK_KEYS = ("language", "name", "model", "voice", "wake_phrase", "contractions", "contractions_in_context",
              "suffixes",
              "endings_before_numbers", "sides",
              "qualifiers", "areas", "points", "directions", "special_care", "pregnancy", "systemic",
              "commands", "others", "corrections", "filler", "place", "side_names", "durations", "lists", "say",
              "self", "vague", "conditions", "red_flags", "red_signs", "negations", "cues", "joins", "numbers", "ages",
              "grammar", "barge_in", "whose", "confirm", "idioms", "alternatives", "not_in_grammar", "sign_forms",
              "not_signs")
GRAMMAR = ("articles", "prepositions", "places", "objects", "being", "spans", "pronouns", "contrasts",
           "determiners", "denials", "openers", "we", "male", "hedges", "questions", "elision_ends", "clauses",
           "anaphors", "comparisons", "context", "compounds", "ones", "also", "together", "focus", "unsure_which",
           "requests", "unborn", "refiners", "aged_at", "softeners", "tags", "long_ago", "hedges_of_a_no", "fine",
           "guesses", "hesitations", "as_one", "approximations", "likewise", "exceptions", "companions", "years_had", "ageing", "relatives", "neighbours", "parts", "reporting", "owned", "chosen", "time_units")
"""Word classes of a pack's `grammar:`: articles ("a pain in THE neck" is not a body),
prepositions (IN the neck), places (prepositions of place: "ON my feet all day" is not a pain
unless a pain is said), objects (words after a verb: "hand ME"), being ("I AM 85"),
spans ("FOR 3 weeks" is a length of time, not weeks of pregnancy), pronouns (SHE: the
person named before), contrasts (BUT: a new clause), determiners (left out inside phrases) and
denials (words right before a red flag that say it is not had: "NO chest pain", "I DO NOT HAVE A fever")
openers (words after which a clause starts: "AND were trying", for contractions_in_context),
we (the speaker with others: "WE are expecting" is said of everyone), male (a man is not asked about
pregnancy), hedges ("I HOPE I'm not pregnant" is no plain no), questions ("AM I pregnant"),
elision_ends (words that may end an elided clause: "my sister is TOO"), clauses (words that start a
clause: "WHEN", "ANYWAY"), anaphors ("IT is still aching" points back to the place said before),
comparisons ("worse THAN my knee": not the complaint) and context (a clause of the past or of
treatment: "hip SURGERY five weeks AGO"; a place named there is background), compounds (after a
body word they make it part of a thing: "back TEETH", "elbow ROOM"; any other word the pack does
not know may stand around a place said to hurt: "my forearm halfway down"), ones ("the right ONE":
the place said before, on that side), also (a place said with these hurts as the one before:
"my wrist aches and SO DOES my ankle", "and my hip TOO") and together (right before a pain word,
it is said of the two places before: "my hip and my left shoulder BOTH ache"), focus (right before
a place they single it out as the complaint: "ONLY the little finger", "WORST in the heel") and
unsure_which (two places said with these are asked about: "between my ankle and my heel, I DON'T
KNOW WHICH") and requests (pain words that ask for help rather than say a pain: after "nothing
hurts", "the MASSAGE for my knee helped" is no pain) and unborn (never the person a pronoun points
back to: "a BABY in her belly, and her neck hurts") and refiners (after a place said after a
preposition, they make it where another place hurts: "my hand hurts at the wrist SIDE") and aged_at
(right before a number past any clock's, it is an age: "AT ninety two I don't expect much") and
softeners (passed over inside the words of a red flag's sign: "my wrist looks A BIT bent") and
tags (right after a pregnancy, they ask rather than say: "I'm not pregnant, AM I?") and long_ago
(a red flag's sign said in their clause is not had now: "dislocated my shoulder YEARS AGO") and
hedges_of_a_no (hedges that make only a "no" unsure: "she SAYS she's not", but "the midwife SAYS it's
normal, I'm 30 weeks" is a yes) and fine (right after a place's word with the ending of "is", as a
transcript writes it, they say the place is fine: "my shoulders FINE" is "my shoulder's fine") and
guesses (two places said each after one are alternatives, asked about: "COULD BE my hip, COULD BE my
lower back") and hesitations (between two places of one limb, the second is said instead of the
first: "back of my heel UM the achilles bit") and as_one (a man's word right after them says the
speaker is a man: "AS A bloke of fifty two") and approximations (before a number, they make it
rough, and weeks said so of someone are still weeks of pregnancy: "I'm ABOUT 8 weeks") and
likewise (before a being word and a subject, they say of the subject the pregnancy just said: "my
sister is pregnant and SO am I") and exceptions (after "nothing hurts", a place said right after
one of them hurts: "I'm fine APART FROM my right thumb") and companions (a person right after one
of them is company, not the owner of a place said later: "a raid WITH my mates ... the pinky") and
years_had (right before a number of `ages: counted`, it is an age: "my mother HAVE 78 years", "a
lady OF 80 years"; "for 3 years" is none) and ageing (between a person and a number, with being
words, they make it an age: "my mother she is OLD 78") and relatives (right after a place they start a
clause said of it: "the hip THAT was operated on is fine" says the hip is fine) and neighbours (before
"it" or a place, they name the place next to it: "my big toe or THE ONE NEXT TO it" is the second toe) and
parts (words for a part of a place, inside its noun phrase: "not the BONY BIT on the outside of my ankle")
and reporting (what follows them is reported, in their clause: "my husband THINKS it's my hip") and
owned (as "it" does, they say where the pain is: "MINE's in my left heel") and chosen (right after a
place they single it out: "the back IS THE ONE that's really sore") and time_units (after a number they
make it a length of time, not an age, before a preposition or a span word: "I'm three MONTHS INTO the physio").
A pack without `grammar:` reads every body word as a body (no idiom check)."""
CONTRACTIONS_IN_CONTEXT = ("at_clause_start", "not_before_a_place", "not_after_a_determiner")
"""Where a contraction that is also a word is the contraction: at the start of a clause ("were due in
june", not "my knees were sore"), unless a body word follows ("its my wrist", not "its paw"), unless a
determiner comes before it ("it wont stop")."""
PREGNANCY_SAID = ("yes", "no", "maybe", "past")
"""What can be said of pregnancy: "maybe" ("not sure if I am") counts as possibly pregnant; "past"
("I was pregnant last year") says nothing of now."""


def read_language(path: Traversable, knowledge: Knowledge) -> LanguagePack:
    root = _read_yaml(path)
    top = root.mapping(_PACK_KEYS, required=_PACK_KEYS[:5] + ("sides", "qualifiers", "areas", "points",
                                                               "place", "side_names", "durations", "lists", "say",
                                                               "directions"))
    grammar = _read_grammar(root.get("grammar", {}))
    phrases = _PhraseTable(path, grammar["determiners"])
    area_names, area_places = _read_pack_areas(top["areas"], knowledge, phrases)
    qualifier_names = _read_named(top["qualifiers"], knowledge.qualifiers, Kind.QUALIFIER, phrases)
    care_names = _read_named(root.get("special_care", {}), knowledge.special_care, Kind.CARE, phrases)
    systemic_names = _read_named(root.get("systemic", {}), knowledge.systemic, Kind.SYSTEMIC, phrases)
    _read_lists(top["sides"], [side.value for side in Side], Kind.SIDE, phrases)
    _read_lists(root.get("pregnancy", {}), PREGNANCY_SAID, Kind.PREGNANCY, phrases, required=("yes", "no"))
    _read_lists(root.get("commands", {}), COMMANDS, Kind.COMMAND, phrases)
    _read_lists(root.get("negations", {}), ("before", "after", "all", "treated"), Kind.NEGATION, phrases, required=())
    _read_lists(root.get("ages", {}), ("years", "months", "weeks", "counted"), Kind.AGE, phrases, required=())
    red_flag_names = _read_red_flag_names(root.get("red_flags", {}), knowledge)
    red_signs = _read_red_signs(root.get("red_signs", {}), knowledge, grammar["determiners"])
    vague_names, vague_questions = _read_vague(root.get("vague", {}), knowledge, phrases)
    for item in root.get("alternatives", []).items():  # "my knee OR my shin": which one?
        phrases.add(item, Meaning(Kind.JOIN, ALTERNATIVE))
    for kind, key in ((Kind.OTHER, "others"), (Kind.CORRECTION, "corrections"), (Kind.FILLER, "filler"),
                      (Kind.SELF, "self"), (Kind.CUE, "cues"), (Kind.JOIN, "joins")):
        for item in root.get(key, []).items():
            phrases.add(item, Meaning(kind, item.text()))
    for item in root.get("idioms", []).items():
        phrases.add(item, Meaning(Kind.IDIOM, Kind.IDIOM.value), literal=True)
    numbers = {key: node.number() for key, node in root.get("numbers", {}).mapping().items()}
    for key, value in numbers.items():
        phrases.add(root.get("numbers", {}).child(key, key), Meaning(Kind.NUMBER, str(value)))
    _mark_conditions(root.get("conditions", []), phrases)
    place = _read_templates(top["place"], PLACE_FIELDS, {key: frozenset({WHOSE}) for key in PLACE_FIELDS})
    say_fields = template_fields(knowledge)
    say = _read_templates(top["say"], say_fields, {key: frozenset({WHOSE}) for key in MAY_SAY_WHOSE})
    saying_whose = {**{f"place.{key}": (top["place"].child(key, text), text) for key, text in place.items()},
                    **{f"say.{key}": (top["say"].child(key, say[key]), say[key]) for key in MAY_SAY_WHOSE},
                    **{f"areas.{key}": (top["areas"].child(key, text), text) for key, text in area_places.items()}}
    for key, text in area_places.items():
        _check_template(top["areas"].child(key, text), text, frozenset(), frozenset({WHOSE}))
    return LanguagePack(
        code=top["language"].text(),
        name=top["name"].text(),
        model=top["model"].text(),
        voice=top["voice"].text(),
        wake_phrase=top["wake_phrase"].text().lower(),
        path=path,
        phrases=phrases.table,
        contractions={k: v.text().lower() for k, v in root.get("contractions", {}).mapping().items()},
        not_in_grammar=_read_not_in_grammar(root.get("not_in_grammar", []), phrases, red_signs, grammar),
        contractions_in_context={where: {k: v.text().lower() for k, v in entries.mapping().items()}
                                 for where, entries in root.get("contractions_in_context", {})
                                 .mapping(allowed=CONTRACTIONS_IN_CONTEXT).items()},
        suffixes=tuple(root.get("suffixes", []).texts()),
        area_names=area_names,
        area_places=area_places,
        qualifier_names=qualifier_names,
        side_names=_read_exact(top["side_names"], ("left", "right")),
        point_names=_read_exact(top["points"], tuple(knowledge.points)),
        care_names=care_names,
        systemic_names=systemic_names,
        place=place,
        durations=_read_templates(top["durations"], DURATION_FIELDS),
        lists=_read_exact(top["lists"], LIST_KEYS, strip=False),
        say=say,
        vague_names=vague_names,
        vague_questions=vague_questions,
        red_flag_names=red_flag_names,
        red_signs=red_signs,
        sign_forms=_read_sign_forms(root.get("sign_forms", {})),
        not_signs=frozenset(_phrase_key(item.text(), grammar["determiners"]) for item in root.get("not_signs", []).items()),
        numbers=numbers,
        endings_before_numbers={key: value.text().lower()
                                for key, value in root.get("endings_before_numbers", {}).mapping().items()},
        grammar=grammar,
        texts=phrases.texts,
        barge_in=_read_barge_in(root.get("barge_in", {})),
        whose=_read_whose(top.get("whose"), saying_whose),
        confirm=root.get("confirm", Confirm.UNSURE.value).choice(Confirm),
        directions=_read_directions(top["directions"], knowledge),
    )


def _read_vague(node: _Node, knowledge: Knowledge,
                phrases: _PhraseTable) -> tuple[dict[str, str], dict[str, str]]:
    ids = list(knowledge.vague)
    names, questions = {}, {}
    for key, entry in node.mapping(allowed=ids, required=ids).items():
        fields = entry.mapping(("name", "ask", "phrases", "plurals"), required=("name", "ask", "phrases"))
        names[key] = fields["name"].text()
        questions[key] = fields["ask"].ref(VAGUE_QUESTIONS, "question")
        for plural, list_key in ((False, "phrases"), (True, "plurals")):
            for item in entry.get(list_key, []).items():
                phrases.add(item, Meaning(Kind.VAGUE, key, None, plural))
    return names, questions


def _read_not_in_grammar(node: _Node, phrases: _PhraseTable, red_signs: Mapping[tuple[str, ...], frozenset[str]],
                         grammar: Mapping[str, WordClass]) -> frozenset[str]:
    words = {word for phrase in [*phrases.table, *red_signs] for word in phrase} | _words_of(grammar)
    for item in node.items():
        if item.text() not in words:
            raise item.fail(f"'{item.text()}' is not a word of this pack; list only words it uses")
    return frozenset(item.text() for item in node.items())


def _read_red_flag_names(node: _Node, knowledge: Knowledge) -> dict[str, str]:
    ids = list(knowledge.red_flags)
    names = {}
    for key, entry in node.mapping(allowed=ids, required=ids).items():
        names[key] = entry.mapping(("name",), required=("name",))["name"].text()
    return names


def _read_red_signs(node: _Node, knowledge: Knowledge,
                    determiners: frozenset[str]) -> dict[tuple[str, ...], frozenset[str]]:
    """Each sign of words, its phrases; a phrase may say several signs ("purple": a dark leg, a
    diabetic toe gone bad). Another table than the phrases of the reading: "swollen" is a pain
    word there and a sign of a clot here."""
    spoken = [sign.id for sign in knowledge.signs.values() if sign.spoken]
    table: dict[tuple[str, ...], frozenset[str]] = {}
    for key, entry in node.mapping(allowed=spoken, required=spoken).items():
        for item in entry.items():
            words = _phrase_key(item.text(), determiners)
            table[words] = table.get(words, frozenset()) | {key}
    return table


def _read_sign_forms(node: _Node) -> dict[tuple[str, ...], tuple[str, ...]]:
    forms: dict[tuple[str, ...], tuple[str, ...]] = {}
    for key, entry in node.mapping().items():
        for item in entry.items():
            said = tuple(item.text().lower().split())
            if said in forms:
                raise item.fail(f"'{item.text()}' is already a way of saying '{' '.join(forms[said])}'")
            forms[said] = tuple(key.lower().split())
    return forms


def _mark_conditions(node: _Node, phrases: _PhraseTable) -> None:
    """Area phrases that name a pain by themselves ("migraine")."""
    for item in node.items():
        words = phrases.key(item.text())
        meaning = phrases.table.get(words)
        if meaning is None or meaning.kind is not Kind.AREA:
            raise item.fail(f"'{item.text()}' is not an area phrase of this pack")
        phrases.table[words] = replace(meaning, alone=True)


def _words_of(grammar: Mapping[str, WordClass]) -> frozenset[str]:
    return frozenset(word for word_class in grammar.values() for phrase in word_class for word in phrase.split())


def _read_grammar(node: _Node) -> dict[str, WordClass]:
    fields = node.mapping(allowed=GRAMMAR)
    return {key: WordClass(" ".join(word.lower().split()) for word in fields[key].texts()) if key in fields
            else NO_WORDS for key in GRAMMAR}


def _read_barge_in(node: _Node) -> dict[str, tuple[str, ...]]:
    if not node.value:
        return {}
    entries = node.mapping(allowed=BARGE_IN, required=BARGE_IN)
    return {key: tuple(phrase.lower() for phrase in entry.texts()) for key, entry in entries.items()}


def template_fields(knowledge: Knowledge) -> dict[str, frozenset[str]]:
    """The sentence templates a language pack must have for this knowledge."""
    fields = dict(TEMPLATE_FIELDS)
    for rule in knowledge.warnings:
        if rule.when is WarningWhen.PREGNANCY:
            fields[f"warning_{rule.id}"] = frozenset({"points"})
            fields[f"warning_{rule.id}_unknown"] = frozenset({"points"})
            fields[f"warning_{rule.id}_other"] = frozenset({"points"})  # of someone else being massaged
            fields[f"warning_{rule.id}_unknown_other"] = frozenset({"points"})
        elif rule.when is WarningWhen.SPECIAL_CARE:
            fields[f"warning_{rule.id}"] = frozenset({"who"})
        else:
            fields[f"warning_{rule.id}"] = frozenset()
    return fields


ALTERNATIVE = "alternative"
"""The meaning of a join that offers alternatives: "my knee OR my shin" (which one?)."""

DETERMINER = "*"
"""Stands for any determiner inside a phrase: "ball of my thumb" also matches "ball of the thumb"."""


def _phrase_key(text: str, determiners: frozenset[str]) -> tuple[str, ...]:
    """A phrase as the tables hold it: any determiner after the first word stands for any."""
    words = tuple(text.lower().split())
    return words[:1] + tuple(DETERMINER if word in determiners else word for word in words[1:])


class _PhraseTable:
    """Collects phrases and refuses one phrase with two meanings. A determiner inside a
    phrase stands for any determiner (DETERMINER)."""

    def __init__(self, path: Traversable, determiners: frozenset[str] = frozenset()) -> None:
        self.path = path
        self.determiners = determiners
        self.table: dict[tuple[str, ...], Meaning] = {}
        self.origin: dict[tuple[str, ...], str] = {}
        self.texts: dict[tuple[str, ...], str] = {}

    def key(self, text: str) -> tuple[str, ...]:
        return _phrase_key(text, self.determiners)

    def add(self, node: _Node, meaning: Meaning, literal: bool = False) -> None:
        """`literal`: the words as written ("pain in THE neck" is a saying, "pain in HIS neck" is not)."""
        words = tuple(node.text().lower().split()) if literal else self.key(node.text())
        earlier = self.table.get(words)
        if earlier is not None and earlier != meaning:
            raise node.fail(f"the phrase '{' '.join(words)}' is already used at "
                            f"{self.origin[words]} ({earlier.kind.value} '{earlier.id}'); "
                            "a phrase may mean only one thing")
        self.table[words] = meaning
        self.origin.setdefault(words, node.key)
        self.texts.setdefault(words, " ".join(node.text().lower().split()))


def _read_pack_areas(node: _Node, knowledge: Knowledge,
                     phrases: _PhraseTable) -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    entries = node.mapping(required=tuple(knowledge.areas))
    names, places = {}, {}
    for area_id, entry in entries.items():
        _Node(entry.path, entry.key, area_id).ref(knowledge.areas, "area")
        fields = entry.mapping(("name", "phrases", "plurals", "place"), required=("name",))
        name = fields["name"].texts()
        if len(name) != 2:
            raise fields["name"].fail("expected [singular, plural]")
        names[area_id] = (name[0], name[1])
        if "place" in fields:
            places[area_id] = fields["place"].text()
        is_target_only = knowledge.areas[area_id].corresponds_to is None
        if not is_target_only and "phrases" not in fields:
            raise entry.fail("has no phrases: people need words to name this area")
        for plural, key in ((False, "phrases"), (True, "plurals")):
            for item in entry.get(key, []).items():
                _add_area_phrase(item, area_id, plural, knowledge, phrases)
    return names, places


def _add_area_phrase(item: _Node, area_id: str, plural: bool, knowledge: Knowledge,
                     phrases: _PhraseTable) -> None:
    if not isinstance(item.value, dict):
        phrases.add(item, Meaning(Kind.AREA, area_id, None, plural))
        return
    if len(item.value) != 1:
        raise item.fail("expected a phrase, or 'phrase: qualifier'")
    (phrase, qualifier), = item.mapping().items()
    qualifier.ref(knowledge.qualifiers, "qualifier")
    phrases.add(item.child(phrase, phrase), Meaning(Kind.AREA, area_id, qualifier.text(), plural))


def _read_named(node: _Node, ids: Iterable[str], kind: Kind, phrases: _PhraseTable) -> dict[str, str]:
    ids = list(ids)
    names = {}
    allowed = ("name", "phrases", "people") if kind is Kind.CARE else ("name", "phrases")
    for key, entry in node.mapping(allowed=ids, required=ids).items():
        fields = entry.mapping(allowed, required=("name", "phrases"))
        names[key] = fields["name"].text()
        for item in fields["phrases"].items():
            phrases.add(item, Meaning(kind, key))
        for item in entry.get("people", []).items():  # "my daughter": someone else, a child
            phrases.add(item, Meaning(kind, key, person=True))
    return names


def _read_lists(node: _Node, ids: Iterable[str], kind: Kind, phrases: _PhraseTable,
                required: Iterable[str] | None = None) -> None:
    ids = list(ids)
    for key, entry in node.mapping(allowed=ids, required=ids if required is None else required).items():
        for item in entry.items():
            phrases.add(item, Meaning(kind, key))


def _read_exact(node: _Node, keys: Iterable[str], strip: bool = True) -> dict[str, str]:
    keys = tuple(keys)
    entries = node.mapping(allowed=keys, required=keys)
    if strip:
        return {key: entry.text() for key, entry in entries.items()}
    for entry in entries.values():
        if not isinstance(entry.value, str):
            raise entry.fail(f"expected text, found {_kind(entry.value)}")
    return {key: entry.value for key, entry in entries.items()}


def _read_templates(node: _Node, fields: Mapping[str, frozenset[str]],
                    may_use: Mapping[str, frozenset[str]] | None = None) -> dict[str, str]:
    """Sentences with exactly their fields, plus the fields `may_use` allows them."""
    templates = _read_exact(node, fields)
    for key, template in templates.items():
        _check_template(node.child(key, template), template, fields[key], (may_use or {}).get(key, frozenset()))
    return templates


def _check_template(node: _Node, template: str, allowed: frozenset[str],
                    optional: frozenset[str] = frozenset()) -> None:
    used = _fields(node, template)
    unknown = sorted(used - allowed - optional)
    if unknown:
        fields = ", ".join("{" + name + "}" for name in sorted(allowed)) or "none"
        raise node.fail(f"unknown field {{{unknown[0]}}} in the template; fields it may use: {fields}")
    missing = sorted(allowed - used)
    if missing:
        raise node.fail(f"the sentence lost its field {{{missing[0]}}}; write {{{missing[0]}}} where it "
                        "is to be said (the sentence must say it)")


def _fields(node: _Node, template: str) -> set[str]:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    except ValueError as error:
        raise node.fail(f"broken template ({error}); write {{field}} for a field and "
                        "{{ }} for a literal brace") from None


def _read_whose(node: _Node | None, place_nodes: Mapping[str, tuple[_Node, str]]) -> dict[str, str]:
    """The pack's words for whose body a place is on; required once a sentence says {whose}."""
    if node is not None:
        return _read_exact(node, WHOSE_KEYS)
    for at, text in place_nodes.values():
        if WHOSE in _fields(at, text):
            raise at.fail("says {whose} but the pack has no `whose: {self: ..., other: ...}` "
                          "(the words for the speaker's body and for someone else's)")
    return {key: "" for key in WHOSE_KEYS}


# ---------------------------------------------------------------- directions by touch


DIRECTION_ASKS = ("find", "point", "next", "back", "wait")
"""What a pack's `directions.asking` phrases ask: the steps to what was just recommended (find), to
the points just named (point); while they are said, the next step, the one before, or to wait."""
DIRECTION_SAY_FIELDS: dict[str, frozenset[str]] = {
    name: frozenset(fields)
    for name, fields in {
        "start": {"place", "count"},
        "start_keep_off": {"place", "count"},
        "step": {"n", "step"},
        "keep_off": {"point"},
        "spot_on_side": set(),
        "finished": set(),
        "first_step": set(),
        "waiting": set(),
        "nothing_to_find": set(),
        "no_points": set(),
        "help": set(),
    }.items()
}
STEPS_TO_A_PLACE = (2, 4)
"""The fewest and most steps to a place or point before the one that finds the spot: few enough to
keep in mind with the eyes closed."""


def _read_directions(node: _Node, knowledge: Knowledge) -> Directions:
    """A pack's `directions:`; every place that is ever massaged and every point must have steps."""
    fields = node.mapping(("source", "asking", "say", "qualifiers", "areas", "points"),
                          required=("source", "asking", "say", "qualifiers", "areas", "points"))
    targets = [area.id for area in knowledge.areas.values() if area.corresponds_to is None] + \
        sorted({area.corresponds_to for area in knowledge.areas.values() if area.corresponds_to})
    areas = _read_place_steps(fields["areas"], knowledge.areas, targets, "area", knowledge.qualifiers)
    return Directions(
        sources=_read_exact(fields["source"], ("points", "areas")),
        asking=_read_asking(fields["asking"]),
        say=_read_templates(fields["say"], DIRECTION_SAY_FIELDS),
        qualifiers=_read_steps_of(fields["qualifiers"], knowledge.qualifiers, "qualifier"),
        areas=areas,
        points=_read_place_steps(fields["points"], knowledge.points, list(knowledge.points), "point"),
    )


def _read_place_steps(node: _Node, known: Iterable[str], required: list[str], what: str,
                      qualifiers: Mapping[str, str] | None = None) -> dict[str, PlaceSteps]:
    entries = node.mapping(allowed=list(known))
    missing = [key for key in required if key not in entries]
    if missing:
        raise node.fail(f"no directions for the {what} '{missing[0]}': every {what} the assistant names needs "
                        f"{STEPS_TO_A_PLACE[0]} to {STEPS_TO_A_PLACE[1]} steps to find it by touch, and its spot")
    allowed = ("steps", "spot", "qualifiers") if qualifiers is not None else ("steps", "spot", "names")
    places = {}
    for key, entry in entries.items():
        fields = entry.mapping(allowed, required=("steps", "spot"))
        steps = [_plain_sentence(item) for item in fields["steps"].items()]
        fewest, most = STEPS_TO_A_PLACE
        if not fewest <= len(steps) <= most:
            raise fields["steps"].fail(f"has {len(steps)} steps; give {fewest} to {most}, then the spot")
        places[key] = PlaceSteps(
            steps=tuple(steps),
            spot=_plain_sentence(fields["spot"]),
            qualifiers=_read_steps_of(fields["qualifiers"], qualifiers or {}, "qualifier", required=False)
            if "qualifiers" in fields else {},
            names=tuple(tuple(name.lower().split()) for name in entry.get("names", []).texts()),
        )
    return places


def _read_steps_of(node: _Node, known: Iterable[str], what: str, required: bool = True) -> dict[str, str]:
    known = list(known)
    entries = node.mapping(allowed=known, required=known if required else ())
    return {key: _plain_sentence(entry) for key, entry in entries.items()}


def _plain_sentence(node: _Node) -> str:
    """A sentence said as it is: it fills in no field."""
    text = node.text()
    _check_template(node, text, frozenset())
    return text


def _read_asking(node: _Node) -> dict[tuple[str, ...], str]:
    phrases: dict[tuple[str, ...], str] = {}
    for ask, entry in node.mapping(allowed=DIRECTION_ASKS, required=DIRECTION_ASKS).items():
        for item in entry.items():
            words = tuple(item.text().lower().split())
            if phrases.get(words, ask) != ask:
                raise item.fail(f"the phrase '{' '.join(words)}' already asks for '{phrases[words]}'; "
                                "a phrase may mean only one thing")
            phrases[words] = ask
    return phrases


# ---------------------------------------------------------------- both together


@dataclass(frozen=True)
class Library:
    """The knowledge and one language pack, validated together."""

    knowledge: Knowledge
    language: LanguagePack


def load(code: str = "en", data_dir: Traversable | None = None) -> Library:
    knowledge = load_knowledge((data_dir or DATA_DIR) / "knowledge.yaml")
    return Library(knowledge, load_language(code, knowledge, data_dir))
