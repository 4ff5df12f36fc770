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
    yes_phrases = [library.language.text_of(p) for p, m in library.language.phrases.items()
                   if m.kind is Kind.PREGNANCY and m.id == "yes"]
    area_phrases = {m.id: library.language.text_of(p) for p, m in library.language.phrases.items()
                    if m.kind is Kind.AREA}
    assert yes_phrases and set(area_phrases) == set(pain_areas(library))
    for pregnant in yes_phrases:
        for area, words in area_phrases.items():
            for text in (f"{pregnant} {words}", f"{words} {pregnant}"):
                result = resolver.resolve(text)
                assert result.pregnancy is Pregnancy.YES and result.pain.area == area, text
                assert not forbidden & set(result.points), text
                if result.avoid_points:
                    assert result.speech.index(result.cautions[0]) < result.speech.index(result.instruction[0])


# ---------------------------------------------------------------- the way people really talk, over every area

def phrases_of(library: Library, kind: Kind, id_: str | None = None) -> list[str]:
    return [library.language.text_of(p) for p, m in library.language.phrases.items()
            if m.kind is kind and (id_ is None or m.id == id_)]


def one_phrase_per_area(library: Library) -> dict[str, str]:
    """Each pain area's first phrase (its plainest word) in this pack."""
    phrases: dict[str, str] = {}
    for words, meaning in library.language.phrases.items():
        if meaning.kind is Kind.AREA:
            phrases.setdefault(meaning.id, library.language.text_of(words))
    return phrases


@pytest.mark.parametrize("code", available_languages())
def test_someone_else_is_never_taken_for_not_pregnant(code: str) -> None:
    """A "no" about the speaker, or known before, never cancels an unknown about someone else."""
    library = load(code)
    resolver = Resolver(library)
    forbidden = contraindicated(library)
    grammar = library.language.grammar
    male, things = grammar.get("male", frozenset()), grammar.get("anaphors", frozenset())
    # a man is not pregnant (test_people); "they" with nobody named is a thing ("my hips ... they're grand")
    others = [other for other in phrases_of(library, Kind.OTHER) if not male & set(other.split()) and other not in things]
    not_pregnant = phrases_of(library, Kind.PREGNANCY, "no")[0]
    assert others
    for area, words in one_phrase_per_area(library).items():
        for other in others:
            for text in (f"{other} {words}", f"{not_pregnant} {other} {words}"):
                result = resolver.resolve(text, Context(pregnancy=Pregnancy.NO))
                assert result.pregnancy is not Pregnancy.NO, text
                assert not forbidden & set(result.points), text


def test_english_pregnancy_of_someone_else_in_many_forms(english: Library, resolver: Resolver) -> None:
    forbidden = contraindicated(english)
    forms = ["I'm not pregnant but my wife is and her {area} hurts", "I'm not pregnant, my sister's {area} hurts",
             "I am not pregnant. She has a sore {area}", "my girlfriend's {area} is sore, I'm not pregnant",
             "my friend is 20 weeks along and her {area} hurts", "my partner might be pregnant, her {area} aches",
             "I'm not sure if I'm pregnant, my {area} hurts", "we're trying for a baby and my {area} hurts",
             "I'm in my second trimester and my {area} is sore", "I'm due in May, my {area} hurts"]
    for area in pain_areas(english):
        for form in forms:
            text = form.format(area=spoken_name(english, area))
            result = resolver.resolve(text)
            assert result.understood and result.pain.area == area, text
            assert result.pregnancy is not Pregnancy.NO and not forbidden & set(result.points), text
            risky = {p.code for p in resolver.points_near(result.target.area) if p.avoid_in_pregnancy}
            assert set(result.avoid_points) == risky, text
            for code in result.avoid_points:
                assert english.language.point_names[code] in result.speech, text


NOT_THE_PAIN = ["my {no} is fine, it's my {yes} that hurts", "no pain in my {no}, just my {yes}",
                "sorry, {yes} not {no}", "{no}... scratch that, {yes}", "my {no} is all right but my {yes} hurts",
                "not my {no}, my {yes}", "my {no} doesn't hurt, my {yes} does", "my {no}, I mean my {yes}",
                "it's not my {no}, it's my {yes}", "my {yes} hurts, my {no} is fine"]


def test_a_place_said_not_to_hurt_is_never_the_pain(english: Library, resolver: Resolver) -> None:
    """Every pair of areas in every form: the answer is the place that hurts, never the other."""
    names = {area: spoken_name(english, area) for area in pain_areas(english)}
    for no, no_name in names.items():
        for yes, yes_name in names.items():
            if no == yes or no_name in yes_name or yes_name in no_name:
                continue
            for form in NOT_THE_PAIN:
                text = form.format(no=no_name, yes=yes_name)
                result = resolver.resolve(text)
                assert result.understood and result.pain.area == yes, text
                assert result.target.area != yes and not result.also, text


def test_a_place_that_no_longer_hurts_is_not_a_request(english: Library, resolver: Resolver) -> None:
    for area in pain_areas(english):
        for form in ("my {area} doesn't hurt anymore", "my {area} is fine now", "my {area} feels better"):
            result = resolver.resolve(form.format(area=spoken_name(english, area)))
            assert not result.understood and result.target is None and result.reason == "no_pain"


@pytest.mark.parametrize("code", available_languages())
def test_a_place_said_fine_is_never_the_pain_in_every_pack(code: str) -> None:
    library = load(code)
    resolver = Resolver(library)
    fine = phrases_of(library, Kind.NEGATION, "after")
    areas = one_phrase_per_area(library)
    assert fine
    for no, no_words in areas.items():
        for yes, yes_words in list(areas.items())[:8]:
            if no != yes and no_words not in yes_words and yes_words not in no_words:
                result = resolver.resolve(f"{no_words} {fine[0]} {yes_words}")
                assert result.pain is not None and result.pain.area == yes, (no_words, yes_words)


def sign_words(library: Library, sign: str) -> str:
    """One way to say a sign in the pack's words: its first phrase, an area that says it, or a pregnancy."""
    language, found = library.language, library.knowledge.signs[sign]
    if found.pregnancy:
        return phrases_of(library, Kind.PREGNANCY, "yes")[0]
    if found.areas:
        area = sorted(found.areas)[0]
        return language.area_names[area][0] if area in language.area_names else \
            next(language.text_of(p) for p, m in language.phrases.items() if m.kind is Kind.VAGUE and m.id == area)
    return " ".join(next(phrase for phrase, signs in language.red_signs.items() if sign in signs)).replace("*", "my")


def combinations_said(library: Library) -> list[tuple[str, str]]:
    """Every combination of the triage table, said with the pack's own words: (red flag, utterance)."""
    return [(flag.id, " ".join(sign_words(library, sorted(element)[0]) for element in combination.elements))
            for flag in library.knowledge.red_flags.values() for combination in flag.when]


@pytest.mark.parametrize("code", available_languages())
def test_a_red_flag_is_never_massaged(code: str) -> None:
    """Each combination of each red flag, said in each pack's words with each area before or
    after it, with a correction or a second place: get medical help, never a massage."""
    library = load(code)
    resolver = Resolver(library)
    assert set(library.language.red_flag_names) == set(library.knowledge.red_flags)
    correction = phrases_of(library, Kind.CORRECTION)[0]
    for flag, said in combinations_said(library):
        for area, words in one_phrase_per_area(library).items():
            for text in (f"{said} {words}", f"{words} {said}", f"{said} {correction} {words}"):
                result = resolver.resolve(text)
                assert not result.understood and result.reason == "red_flag", (flag, text)
                assert flag in result.red_flags or result.red_flags, (flag, text)
                assert result.points == () and result.target is None and result.instruction == (), text
                assert result.speech and result.speech == result.cautions[0], text


IDIOM_FORMS = ["{area} the alarm", "hand me the {area} remote", "the table {area} is wobbly", "no {area} room",
               "my right {area} man", "my {area} teeth hurt",
               "can you give me a {area}", "I'll {area} the bill", "{area} high socks", "it costs a {area}",
               "two left {area}", "it was {area} and {area}", "you're pulling my {area}"]


def test_a_body_word_without_a_body_is_never_massaged(english: Library, resolver: Resolver) -> None:
    """The idiom rule over every single body word, not a list of sentences."""
    words = sorted({english.language.text_of(p) for p, m in english.language.phrases.items()
                    if m.kind in (Kind.AREA, Kind.VAGUE) and len(p) == 1 and not m.alone})
    assert len(words) > 40
    for word in words:
        for form in IDIOM_FORMS:
            text = form.format(area=word)
            result = resolver.resolve(text)
            assert not result.understood and result.points == () and result.reason != "vague", text


@pytest.mark.parametrize("code", available_languages())
def test_every_word_a_safety_rule_rests_on_can_be_heard(code: str) -> None:
    """The recognizer's grammar holds every word of the pregnancy phrases, the negations, the hedges
    and denials, the signs of the red flags and the contractions as people say them ("don't"): said
    aloud, none comes back as [unk]. Only a pack's own `not_in_grammar` (its test model's) is kept out."""
    library = load(code)
    language = library.language
    heard = {word for phrase in Resolver(library).vocabulary() for word in phrase.split()}
    safety = {word for phrase, meaning in language.phrases.items() if meaning.kind in (Kind.PREGNANCY, Kind.NEGATION)
              for word in phrase if word != "*"}
    safety |= {word for key in ("hedges", "denials", "questions") for phrase in language.grammar.get(key, ())
               for word in phrase.split()}
    safety |= {word for phrase in language.red_signs for word in phrase if word != "*"}
    safety |= {contraction for contraction in language.contractions if "'" in contraction}
    assert safety - language.not_in_grammar <= heard
    if code == "en":
        assert {"don't", "doesn't", "isn't", "can't", "won't", "i'm", "it's", "she's", "hope", "hopefully",
                "doubt", "wish", "bleeding", "sweating", "jaw", "breath", "crash"} <= heard
