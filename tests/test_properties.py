"""Safety properties over utterances generated from each language pack's own words (Hypothesis):
not one case per bug, but what must hold for any sentence of a kind (issue 17)."""

from __future__ import annotations

import os
from functools import lru_cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voice.knowledge import ALTERNATIVE, Kind, Library, available_languages, load
from voice.resolver import Pregnancy, Resolver

PACKS = available_languages()
SETTINGS = settings(max_examples=int(os.environ.get("PROPERTY_EXAMPLES", "200")), deadline=None, suppress_health_check=[HealthCheck.too_slow])


@lru_cache(maxsize=None)
def pack(code: str) -> tuple[Library, Resolver]:
    library = load(code)
    return library, Resolver(library)


def phrases(library: Library, *kinds: Kind, ids: tuple[str, ...] = ()) -> list[str]:
    return sorted(library.language.text_of(words) for words, meaning in library.language.phrases.items()
                  if meaning.kind in kinds and (not ids or meaning.id in ids))


def pain_word(library: Library) -> str:
    """The pack's first pain word; a pack without any (Korean: a place alone is a report) says none."""
    cues = phrases(library, Kind.CUE)
    return cues[0] if cues else ""


def forbidden(library: Library) -> set[str]:
    return {code for code, point in library.knowledge.points.items() if point.avoid_in_pregnancy}


def denies(library: Library, text: str) -> bool:
    """Words that could make a plain denial of pregnancy, or say that someone is a man or an age
    at which nobody is pregnant: the one way a "no" may come."""
    grammar = library.language.grammar
    words = set(text.split())
    said = {meaning.kind for words_, meaning in library.language.phrases.items()
            if library.language.text_of(words_) == text}
    return bool(words & (grammar.get("denials", frozenset()) | grammar.get("male", frozenset()) |
                         {"not", "no", "never"})) or bool(said & {Kind.NUMBER, Kind.AGE, Kind.NEGATION}) or \
        text in phrases(library, Kind.PREGNANCY, ids=("no",)) or text in phrases(library, Kind.CARE)


@lru_cache(maxsize=None)
def everyday(code: str) -> list[str]:
    """The pack's words that cannot make a plain denial: places, sides, pain words, people,
    pregnancy said or hedged, corrections, fillers, red-flag-free words."""
    library, _ = pack(code)
    kinds = (Kind.AREA, Kind.VAGUE, Kind.SIDE, Kind.QUALIFIER, Kind.CUE, Kind.OTHER, Kind.SELF, Kind.FILLER,
             Kind.CORRECTION, Kind.JOIN, Kind.PREGNANCY)
    hedges = sorted(library.language.grammar.get("hedges", frozenset()))
    return [text for text in phrases(library, *kinds) + hedges if not denies(library, text)]


def utterance(code: str) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(everyday(code)), min_size=1, max_size=8).map(" ".join)


# ---------------------------------------------------------------- pregnancy


def never_a_no(library: Library, resolver: Resolver, text: str) -> None:
    result = resolver.resolve(text)
    assert result.pregnancy is not Pregnancy.NO, text
    assert not forbidden(library) & set(result.points), text


@pytest.mark.parametrize("code", PACKS)
@SETTINGS
@given(data=st.data())
def test_no_pregnancy_point_without_a_plain_denial(code: str, data: st.DataObject) -> None:
    """Whatever is said, a pregnancy point is recommended only after a plain "no"."""
    library, resolver = pack(code)
    never_a_no(library, resolver, data.draw(utterance(code)))


@pytest.mark.parametrize("code", PACKS)
@SETTINGS
@given(data=st.data())
def test_a_hedge_near_a_denial_is_never_a_no(code: str, data: st.DataObject) -> None:
    """ "I hope I'm not pregnant", "not pregnant I think": a hedge on either side of the denial."""
    library, resolver = pack(code)
    hedges = sorted(library.language.grammar.get("hedges", frozenset()))
    assert hedges, f"the {code} pack names no hedges"
    denial = data.draw(st.sampled_from(phrases(library, Kind.PREGNANCY, ids=("no",))))
    hedge = data.draw(st.sampled_from(hedges))
    place = data.draw(st.sampled_from(phrases(library, Kind.AREA)))
    cue = pain_word(library)
    before = data.draw(st.booleans())
    text = f"{hedge} {denial} {place} {cue}" if before else f"{denial} {hedge} {place} {cue}"
    never_a_no(library, resolver, text)


@pytest.mark.parametrize("code", PACKS)
@SETTINGS
@given(data=st.data())
def test_more_words_never_remove_a_pregnancy_warning(code: str, data: st.DataObject) -> None:
    """A pregnancy said (or hedged) stays: words added around it never let a point through."""
    library, resolver = pack(code)
    said = data.draw(st.sampled_from(phrases(library, Kind.PREGNANCY, ids=("yes", "maybe"))))
    around = data.draw(st.lists(st.sampled_from(everyday(code)), max_size=6))
    cut = data.draw(st.integers(0, len(around)))
    never_a_no(library, resolver, text=" ".join([*around[:cut], said, *around[cut:]]))


# ---------------------------------------------------------------- red flags


@lru_cache(maxsize=None)
def combinations(code: str) -> list[str]:
    """Every combination of the triage table in the pack's own words."""
    from test_safety import combinations_said

    return [said for _, said in combinations_said(pack(code)[0])]


@pytest.mark.parametrize("code", PACKS)
@SETTINGS
@given(data=st.data())
def test_a_red_flag_anywhere_wins(code: str, data: st.DataObject) -> None:
    """A red flag said anywhere, before or after anything else (a place, a correction, another
    place, a pregnancy), is medical help and never a massage."""
    _, resolver = pack(code)
    flag = data.draw(st.sampled_from(combinations(code)))
    before, after = data.draw(utterance(code)), data.draw(utterance(code))
    text = f"{before}, {flag}, {after}"
    result = resolver.resolve(text)
    assert result.reason == "red_flag" and result.target is None and not result.instruction, text


# ---------------------------------------------------------------- places


def alternatives_of(library: Library) -> list[str]:
    return sorted(library.language.text_of(words) for words, meaning in library.language.phrases.items()
                  if meaning.kind is Kind.JOIN and meaning.id == ALTERNATIVE)


def pain_areas(library: Library) -> list[str]:
    return sorted(area.id for area in library.knowledge.areas.values() if area.corresponds_to)


@lru_cache(maxsize=None)
def nameable(code: str) -> list[str]:
    """The areas whose spoken name, said alone, is that area (Korean 등 is the whole back)."""
    library, resolver = pack(code)
    return [area for area in pain_areas(library)
            if (result := resolver.resolve(area_words(library, area))).pain is not None and result.pain.area == area]


def area_words(library: Library, area: str) -> str:
    """How a person says their own place in the pack: "my knee"; a pack without determiners: "무릎"."""
    determiners = sorted(library.language.grammar.get("determiners", frozenset()))
    owner = "my " if "my" in determiners else ""
    return owner + library.language.area_names[area][0]


@pytest.mark.parametrize("code", PACKS)
@SETTINGS
@given(data=st.data())
def test_a_place_to_massage_that_hurts_is_never_sent_to_unsaid(code: str, data: st.DataObject) -> None:
    """Two places said to hurt, the second the first's target: it is said, and the free side is used."""
    library, resolver = pack(code)
    sided = [area for area in pain_areas(library) if library.knowledge.areas[area].sided and
             library.knowledge.areas[library.knowledge.areas[area].corresponds_to].sided]
    pain = data.draw(st.sampled_from(sided))
    target = library.knowledge.areas[pain].corresponds_to
    left, right = library.language.side_names["left"], library.language.side_names["right"]
    joins = [text for text in phrases(library, Kind.JOIN) if text not in alternatives_of(library)]
    join, cue = (joins[0] if joins else ""), pain_word(library)
    text = f"{left} {area_words(library, pain)} {join} {right} {area_words(library, target)} {cue}"
    result = resolver.resolve(text)
    assert result.understood and result.target is not None and result.pain is not None, text
    said = {(result.pain.area, result.pain.side), *((place.area, place.side) for place in result.also)}
    assert result.target_hurts and len(result.cautions) > 1, text
    assert (result.target.area, result.target.side) not in said, text


@pytest.mark.parametrize("code", PACKS)
@SETTINGS
@given(data=st.data())
def test_two_places_said_as_alternatives_are_asked_about(code: str, data: st.DataObject) -> None:
    """ "My knee or my shin": which one? never a guess."""
    library, resolver = pack(code)
    alternatives = alternatives_of(library)
    assert alternatives, f"the {code} pack has no word for 'or'"
    one, two = data.draw(st.lists(st.sampled_from(nameable(code)), min_size=2, max_size=2, unique=True))
    parts = {area.id: area.part_of for area in library.knowledge.areas.values()}
    if parts.get(one) == two or parts.get(two) == one:
        return  # "my thumb or my hand" is one place, the thumb
    word = data.draw(st.sampled_from(alternatives))
    cue = pain_word(library)
    text = f"{area_words(library, one)} {word} {area_words(library, two)} {cue}"
    result = resolver.resolve(text)
    assert not result.understood and result.reason == "which", text
    assert set(result.choices) == {one, two}, text
