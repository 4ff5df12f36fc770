"""Safety: nothing contraindicated is ever recommended to a pregnant person, and warnings come first."""

from __future__ import annotations

import pytest

from voice.knowledge import Kind, Library, available_languages, load
from voice.resolver import Context, Pregnancy, Resolver

PREGNANT = [
    "I'm pregnant and my {area} hurts",
    "my {area} hurts, I am expecting",
    "I'm 20 weeks pregnant. My left {area} is sore!",
    "EXPECTING a baby; right {area} aches",
    "my {area} hurts and i am pregnant",
]
NOT_PREGNANT = ["I'm not pregnant and my {area} hurts", "my {area} hurts, i am not expecting"]


def pain_areas(library: Library) -> list[str]:
    return [area.id for area in library.knowledge.areas.values() if area.corresponds_to]


def spoken_name(library: Library, area: str) -> str:
    return library.language.area_names[area][0]


def contraindicated(library: Library) -> set[str]:
    return {code for code, point in library.knowledge.points.items() if point.avoid_in_pregnancy}


def test_the_five_points_are_contraindicated(english: Library) -> None:
    assert contraindicated(english) == {"LI4", "LV3", "GB21", "UB60", "SP6"}


@pytest.mark.parametrize("phrasing", PREGNANT)
def test_no_contraindicated_point_is_recommended_in_pregnancy(english: Library, resolver: Resolver,
                                                              phrasing: str) -> None:
    forbidden = contraindicated(english)
    for area in pain_areas(english):
        result = resolver.resolve(phrasing.format(area=spoken_name(english, area)))
        assert result.understood and result.pain.area == area, (phrasing, area)
        assert result.pregnancy is Pregnancy.YES
        assert not forbidden & set(result.points), (area, result.points)
        near = {p.code for p in resolver.points_near(result.target.area) if p.avoid_in_pregnancy}
        assert set(result.avoid_points) == near, area
        assert not result.ask_pregnancy
        for code in result.avoid_points:
            name = english.language.point_names[code]
            assert name in result.speech
            assert "pregnancy" in result.warnings
            warning_at = result.speech.index("Because you are pregnant")
            assert warning_at < result.speech.index("Gently massage"), area


def test_pregnancy_known_from_earlier_in_the_session(english: Library, resolver: Resolver) -> None:
    forbidden = contraindicated(english)
    for area in pain_areas(english):
        result = resolver.resolve(f"my {spoken_name(english, area)} hurts", Context(pregnancy=Pregnancy.YES))
        assert not forbidden & set(result.points), area
        assert not result.ask_pregnancy


def test_headache_in_pregnancy_avoids_both_command_points(resolver: Resolver) -> None:
    result = resolver.resolve("I'm pregnant and have a headache")
    assert result.points == ()
    assert {"LI4", "LV3"} <= set(result.avoid_points)
    assert result.speech.index("do not press") < result.speech.index("Gently massage your hands and feet")


@pytest.mark.parametrize("text, points", [
    ("my left hip hurts", {"GB21"}), ("my right wrist", {"UB60", "SP6"}), ("my forearm", {"SP6"}),
    ("my left foot", {"LI4"}), ("my big toe", {"LI4"}), ("my thumb", {"LV3"}), ("my hand", {"LV3", "UB60"}),
    ("my neck", {"LI4", "UB60", "SP6"}), ("headache", {"LI4", "LV3", "UB60"}),
])
def test_unknown_status_asks_and_warns_first(resolver: Resolver, text: str, points: set) -> None:
    result = resolver.resolve(text)
    assert result.ask_pregnancy and result.pregnancy is Pregnancy.UNKNOWN
    assert "pregnancy" in result.warnings
    assert result.speech.index("If you are pregnant") < result.speech.index("Gently massage")
    pregnant = resolver.resolve(text, Context(pregnancy=Pregnancy.YES))
    assert set(pregnant.avoid_points) == points


@pytest.mark.parametrize("text", ["my left elbow", "my knee", "my upper arm", "my thigh"])
def test_no_question_where_no_point_is_near(resolver: Resolver, text: str) -> None:
    result = resolver.resolve(text)
    assert not result.ask_pregnancy and "pregnancy" not in result.warnings


@pytest.mark.parametrize("phrasing", NOT_PREGNANT)
def test_not_pregnant_is_not_mistaken_for_pregnant(english: Library, resolver: Resolver, phrasing: str) -> None:
    for area in pain_areas(english):
        result = resolver.resolve(phrasing.format(area=spoken_name(english, area)))
        assert result.pregnancy is Pregnancy.NO, area
        assert "pregnancy" not in result.warnings and not result.ask_pregnancy


def test_every_caution_comes_before_the_instruction(english: Library, resolver: Resolver) -> None:
    for area in pain_areas(english):
        for context in (Context(), Context(pregnancy=Pregnancy.YES)):
            result = resolver.resolve(f"my daughter's {spoken_name(english, area)}", context)
            first_instruction = result.speech.index(result.instruction[0])
            for caution in result.cautions:
                assert result.speech.index(caution) < first_instruction


@pytest.mark.parametrize("code", available_languages())
def test_every_language_every_area_every_pregnancy_phrase(code: str) -> None:
    """Data-driven over each pack: its own pregnancy phrases with each area's own words."""
    library = load(code)
    resolver = Resolver(library)
    forbidden = contraindicated(library)
    yes_phrases = [" ".join(p) for p, m in library.language.phrases.items()
                   if m.kind is Kind.PREGNANCY and m.id == "yes"]
    area_phrases = {m.id: " ".join(p) for p, m in library.language.phrases.items() if m.kind is Kind.AREA}
    assert yes_phrases and set(area_phrases) == set(pain_areas(library))
    for pregnant in yes_phrases:
        for area, words in area_phrases.items():
            for text in (f"{pregnant} {words}", f"{words} {pregnant}"):
                result = resolver.resolve(text)
                assert result.pregnancy is Pregnancy.YES and result.pain.area == area, text
                assert not forbidden & set(result.points), text
                if result.avoid_points:
                    assert result.speech.index(result.cautions[0]) < result.speech.index(result.instruction[0])
