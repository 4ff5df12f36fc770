"""Turns what a person says into the corresponding area, points, warnings and words to speak."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any

from voice.knowledge import Kind, Library, Meaning, Point, Side, WarningRule, WarningWhen, Spoken


class Pregnancy(str, Enum):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Place:
    area: str
    side: Side | None = None
    qualifier: str | None = None

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
class Parse:
    """The phrases found in one utterance, in order."""

    words: tuple[str, ...]
    found: tuple[tuple[int, Meaning], ...]
    """(position of the first word, meaning) for every phrase found."""
    unknown: tuple[str, ...]

    def of(self, kind: Kind) -> list[Meaning]:
        return [meaning for _, meaning in self.found if meaning.kind is kind]

    @property
    def commands(self) -> list[str]:
        return [meaning.id for meaning in self.of(Kind.COMMAND)]

    @property
    def pregnancy(self) -> Pregnancy | None:
        """Yes if any phrase says so ("I'm pregnant, no complications"): safety first."""
        said = {meaning.id for meaning in self.of(Kind.PREGNANCY)}
        if not said:
            return None
        return Pregnancy.YES if Pregnancy.YES.value in said else Pregnancy.NO

    @property
    def has_area(self) -> bool:
        return bool(self.of(Kind.AREA))


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
    """Why it was not understood: "empty", "systemic" or "unknown"."""

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
            "warnings": list(self.warnings),
            "speech": self.speech,
            "pregnancy": self.pregnancy.value,
            "ask_pregnancy": self.ask_pregnancy,
            "special_care": list(self.special_care),
            "reason": self.reason,
        }


_NOT_WORD = re.compile(r"[^\w']+")


class Resolver:
    """The shared resolver: the voice loop, the command line and the tests all use it."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self.knowledge = library.knowledge
        self.language = library.language
        self._phrases = self.language.phrases
        self._longest = max((len(phrase) for phrase in self._phrases), default=1)
        self._words = self.language.words()
        self._side_words = {phrase[0] for phrase, meaning in self._phrases.items()
                            if meaning.kind is Kind.SIDE and len(phrase) == 1}

    # ------------------------------------------------------------ understanding

    def words(self, text: str) -> tuple[str, ...]:
        """Lowercase words with punctuation removed and contractions expanded."""
        text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
        words: list[str] = []
        for word in _NOT_WORD.sub(" ", text).split():
            expanded = self.language.contractions.get(word)
            if expanded:
                words.extend(expanded.split())
                continue
            word = self._known_form(word.strip("'"))
            if word:
                words.append(word)
        return tuple(words)

    def _known_form(self, word: str) -> str:
        if word in self._words:
            return word
        for suffix in self.language.suffixes:
            stem = word[: -len(suffix)]
            if word.endswith(suffix) and stem in self._words:
                return stem
        return word

    def parse(self, text: str) -> Parse:
        """The phrases in the text, longest first; a side may stand inside a phrase
        ("the heel of my left hand", "my lower right leg")."""
        words = self.words(text)
        found: list[tuple[int, Meaning]] = []
        unknown: list[str] = []
        position = 0
        while position < len(words):
            match = self._match(words, position)
            if match is None:
                unknown.append(words[position])
                position += 1
                continue
            meaning, end, sides = match
            found.extend((at, self._phrases[(words[at],)]) for at in sides)
            found.append((position, meaning))
            position = end
        found.sort(key=lambda item: item[0])
        return Parse(words, tuple(found), tuple(unknown))

    def _match(self, words: tuple[str, ...], start: int) -> tuple[Meaning, int, list[int]] | None:
        """The longest phrase at `start`: (meaning, where it ends, positions of side words in it)."""
        content: list[int] = [start]
        for at in range(start + 1, min(len(words), start + self._longest + 2)):
            if words[at] not in self._side_words:
                content.append(at)
        for length in range(min(self._longest, len(content)), 0, -1):
            exact = self._phrases.get(words[start:start + length])
            if exact is not None:
                return exact, start + length, []
            spread = content[:length]
            meaning = self._phrases.get(tuple(words[at] for at in spread))
            if meaning is not None and meaning.kind is not Kind.SIDE:
                end = spread[-1] + 1
                return meaning, end, [at for at in range(start, end) if at not in spread]
        return None

    def vocabulary(self) -> list[str]:
        """Every phrase and every word the language pack understands, for the recognizer."""
        phrases = {" ".join(phrase) for phrase in self._phrases}
        return sorted(phrases | set(self._words))

    # ------------------------------------------------------------ answering

    def resolve(self, text: str, context: Context = Context()) -> Resolution:
        parse = self.parse(text)
        known = Pregnancy.UNKNOWN if parse.of(Kind.OTHER) else context.pregnancy  # "my wife's knee"
        pregnancy = parse.pregnancy or known
        pain = self._pain_place(parse)
        if pain is None:
            return self._not_understood(text, parse, pregnancy)
        care = tuple(dict.fromkeys(meaning.id for meaning in parse.of(Kind.CARE)))
        return self.answer(pain, replace(context, pregnancy=pregnancy), care, text=text)

    def _pain_place(self, parse: Parse) -> Place | None:
        areas = [(position, meaning) for position, meaning in parse.found if meaning.kind is Kind.AREA]
        if not areas:
            return None
        corrected = any(m.kind is Kind.CORRECTION and p < areas[-1][0] for p, m in parse.found)
        index = len(areas) - 1 if corrected else 0  # "not my elbow, my knee": the knee
        position, area = areas[index]
        if index + 1 < len(areas) and self.knowledge.areas[areas[index + 1][1].id].part_of == area.id:
            index += 1  # "my right hand's thumb": the thumb, with the hand's side
            area = areas[index][1]
        next_area = areas[index + 1][0] if index + 1 < len(areas) else len(parse.words)
        side = self._nearest(parse, Kind.SIDE, position, next_area)
        qualifier = area.qualifier or self._nearest(parse, Kind.QUALIFIER, position, position)
        if side is None and area.plural:
            side = Side.BOTH.value
        if not self.knowledge.areas[area.id].sided:
            side = None
        return Place(area.id, Side(side) if side else None, qualifier)

    @staticmethod
    def _nearest(parse: Parse, kind: Kind, area_at: int, search_until: int) -> str | None:
        """The phrase of this kind closest before the area, else the first after it."""
        before = [m.id for p, m in parse.found if m.kind is kind and p < area_at
                  and not any(o.kind is Kind.AREA and p < q < area_at for q, o in parse.found)]
        if before:
            return before[-1]
        after = [m.id for p, m in parse.found if m.kind is kind and area_at < p < search_until]
        return after[0] if after else None

    def _target_place(self, pain: Place, context: Context) -> Place:
        area = self.knowledge.areas[pain.area]
        target = self.knowledge.areas[area.corresponds_to or area.id]
        side = pain.side if target.sided else None
        if side in (Side.LEFT, Side.RIGHT) and not context.same_side:
            side = Side.RIGHT if side is Side.LEFT else Side.LEFT
        qualifier = None
        if pain.qualifier and target.corresponds_to is not None:  # not "the top of your hands and feet"
            qualifier = area.qualifiers.get(pain.qualifier, self.knowledge.qualifiers[pain.qualifier])
        return Place(target.id, side, qualifier)

    def points_near(self, area_id: str) -> list[Point]:
        """The points that lie in or near an area (or anything the area covers)."""
        area = self.knowledge.areas[area_id]
        places = {area.id, *area.covers}
        return [point for point in self.knowledge.points.values()
                if places & {point.area, *point.near}]

    def answer(self, pain: Place, context: Context = Context(), care: tuple[str, ...] = (),
               text: str = "") -> Resolution:
        """The answer for a pain place already known (the voice loop's "other side")."""
        target = self._target_place(pain, context)
        pregnancy = context.pregnancy
        risky = tuple(p.code for p in self.points_near(target.area) if p.avoid_in_pregnancy)
        avoid = risky if pregnancy is not Pregnancy.NO else ()  # unknown: avoided until answered
        points = tuple(code for code in self.knowledge.areas[target.area].recommend if code not in avoid)
        facts = _Facts(target.area, pregnancy, risky, care)
        rules = [rule for rule in self.knowledge.warnings if facts.applies(rule)]
        return Resolution(
            text=text,
            understood=True,
            pain=pain,
            target=target,
            points=points,
            avoid_points=avoid,
            warnings=tuple(rule.id for rule in rules),
            echo=self._sentence("echo", pain=self.place_text(pain, is_target=False)),
            cautions=tuple(self._warning(rule, facts) for rule in rules if rule.spoken is Spoken.BEFORE),
            instruction=self._instruction(target, points, context),
            notes=tuple(self._warning(rule, facts) for rule in rules if rule.spoken is Spoken.AFTER),
            pregnancy=pregnancy,
            ask_pregnancy=bool(risky) and pregnancy is Pregnancy.UNKNOWN,
            special_care=care,
        )

    def _not_understood(self, text: str, parse: Parse, pregnancy: Pregnancy) -> Resolution:
        say = self.language.say
        systemic = parse.of(Kind.SYSTEMIC)
        speech: tuple[str, ...]
        if systemic:
            topic = self.language.systemic_names[systemic[0].id]
            speech, reason = (self._sentence("systemic", topic=topic),), "systemic"
        elif not parse.words:
            speech, reason = (say["empty"], say["example"]), "empty"
        else:
            speech, reason = (say["not_understood"], say["example"], say["can_help"]), "unknown"
        return Resolution(text=text, understood=False, instruction=speech, pregnancy=pregnancy, reason=reason)

    # ------------------------------------------------------------ words to speak

    def place_text(self, place: Place, is_target: bool = True) -> str:
        language = self.language
        singular, plural = language.area_names[place.area]
        templates = language.place
        if place.area in language.area_places:
            text = language.area_places[place.area]
        elif place.side in (Side.LEFT, Side.RIGHT):
            text = templates["sided"].format(side=language.side_names[place.side.value], area=singular)
        elif place.side is Side.BOTH:
            text = templates["both"].format(areas=plural)
        elif is_target and self.knowledge.areas[place.area].sided:
            text = templates["either"].format(area=singular)
        else:
            text = templates["unsided"].format(area=singular)
        if place.qualifier:
            text = templates["qualified"].format(qualifier=language.qualifier_names[place.qualifier], place=text)
        return text

    def duration_text(self, seconds: int) -> str:
        durations = self.language.durations
        if seconds == 60:
            return durations["one_minute"]
        if seconds % 60 == 0:
            return durations["minutes"].format(n=seconds // 60)
        return durations["seconds"].format(n=seconds)

    def join(self, items: list[str], last: str = "last_and") -> str:
        lists = self.language.lists
        if len(items) <= 1:
            return "".join(items)
        return lists["separator"].join(items[:-1]) + lists[last] + items[-1]

    def _instruction(self, target: Place, points: tuple[str, ...], context: Context) -> tuple[str, ...]:
        sentences = [
            self._sentence("instruction", target=self.place_text(target)),
            self.language.say["stay"],
            self._sentence("duration", duration=self.duration_text(context.duration_seconds)),
        ]
        if points:
            sentences.append(self._sentence("points", points=self.join(self._point_names(points))))
        return tuple(sentences)

    def _warning(self, rule: WarningRule, facts: _Facts) -> str:
        if rule.when is WarningWhen.PREGNANCY:
            key = f"warning_{rule.id}" if facts.pregnancy is Pregnancy.YES else f"warning_{rule.id}_unknown"
            return self._sentence(key, points=self.join(self._point_names(facts.risky), "last_or"))
        if rule.when is WarningWhen.SPECIAL_CARE:
            names = [self.language.care_names[care] for care in facts.care]
            return self._sentence(f"warning_{rule.id}", who=self.join(names))
        return self._sentence(f"warning_{rule.id}")

    def _point_names(self, codes: tuple[str, ...]) -> list[str]:
        return [self.language.point_names[code] for code in codes]

    def _sentence(self, key: str, **fields: str) -> str:
        text = self.language.say[key].format(**fields)
        return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class _Facts:
    """What decides which warnings apply to one answer."""

    target: str
    pregnancy: Pregnancy
    risky: tuple[str, ...]
    care: tuple[str, ...]

    def applies(self, rule: WarningRule) -> bool:
        if rule.when is WarningWhen.ALWAYS:
            return True
        if rule.when is WarningWhen.PREGNANCY:
            return bool(self.risky) and self.pregnancy is not Pregnancy.NO
        if rule.when is WarningWhen.SPECIAL_CARE:
            return bool(self.care)
        return self.target in rule.areas
