"""The shared resolver: words in, corresponding area, points, warnings and speech out."""

from __future__ import annotations

import re

import pytest

from voice.knowledge import Kind, Library, Side, available_languages, load
from voice.resolver import Context, Place, Pregnancy, Resolver
from voice.verbosity import Verbosity, speech

PAIRS = [
    ("shoulder", "hip"), ("upper arm", "thigh"), ("elbow", "knee"), ("forearm", "lower leg"),
    ("wrist", "ankle"), ("hand", "foot"), ("thumb", "big toe"), ("index finger", "second toe"),
    ("middle finger", "third toe"), ("ring finger", "fourth toe"), ("little finger", "little toe"),
    ("ball of the thumb", "ball of the foot"), ("heel of the hand", "heel of the foot"),
]
IDS = {
    "upper arm": "upper_arm", "lower leg": "lower_leg", "big toe": "big_toe",
    "index finger": "index_finger", "second toe": "second_toe", "middle finger": "middle_finger",
    "third toe": "third_toe", "ring finger": "ring_finger", "fourth toe": "fourth_toe",
    "little finger": "little_finger", "little toe": "little_toe", "ball of the thumb": "thumb_ball",
    "ball of the foot": "ball_of_foot", "heel of the hand": "heel_of_hand", "heel of the foot": "heel_of_foot",
}
BOTH_WAYS = PAIRS + [(b, a) for a, b in PAIRS]


def area_id(words: str) -> str:
    return IDS.get(words, words)


@pytest.mark.parametrize("pain, target", BOTH_WAYS)
def test_every_correspondence_holds_both_ways(resolver: Resolver, pain: str, target: str) -> None:
    result = resolver.resolve(f"my {pain} hurts")
    assert result.understood
    assert (result.pain.area, result.target.area) == (area_id(pain), area_id(target))


@pytest.mark.parametrize("pain, target", BOTH_WAYS)
@pytest.mark.parametrize("side, opposite", [("left", Side.RIGHT), ("right", Side.LEFT)])
def test_the_opposite_side_is_massaged_by_default(resolver: Resolver, pain: str, target: str,
                                                  side: str, opposite: Side) -> None:
    result = resolver.resolve(f"my {side} {pain} hurts")
    assert result.pain.side == Side(side)
    assert result.target.side == opposite


@pytest.mark.parametrize("pain, target", PAIRS[:6])
def test_same_side_setting_keeps_the_side(resolver: Resolver, pain: str, target: str) -> None:
    result = resolver.resolve(f"my left {pain} hurts", Context(same_side=True))
    assert result.target == Place(area_id(target), Side.LEFT, None)
    assert f"your left {target}" in result.speech


def test_no_side_given_says_either_side(resolver: Resolver) -> None:
    result = resolver.resolve("my elbow hurts")
    assert result.pain.side is None and result.target.side is None
    assert "either knee" in result.speech


def test_both_sides_and_plurals(resolver: Resolver) -> None:
    assert resolver.resolve("both my wrists hurt").target.side is Side.BOTH
    result = resolver.resolve("my knees are sore")
    assert (result.pain.side, result.target.side) == (Side.BOTH, Side.BOTH)
    assert "both elbows" in result.speech


@pytest.mark.parametrize("text, pain, target", [
    ("the inner side of my left elbow hurts", ("elbow", "inner"), ("knee", "inner")),
    ("inside of my right knee", ("knee", "inner"), ("elbow", "inner")),
    ("my funny bone", ("elbow", "inner"), ("knee", "inner")),
    ("the outside of my ankle", ("ankle", "outer"), ("wrist", "outer")),
    ("my shin hurts", ("lower_leg", "front"), ("forearm", "front")),
    ("my left calf", ("lower_leg", "back"), ("forearm", "back")),
    ("the palm of my hand", ("hand", "palm"), ("foot", "sole")),
    ("the sole of my foot", ("foot", "sole"), ("hand", "palm")),
    ("the back of my hand", ("hand", "back"), ("foot", "top")),
    ("the back of my knee", ("knee", "back"), ("elbow", "back")),
])
def test_qualifiers_carry_over(resolver: Resolver, text: str, pain: tuple, target: tuple) -> None:
    result = resolver.resolve(text)
    assert (result.pain.area, result.pain.qualifier) == pain
    assert (result.target.area, result.target.qualifier) == target


@pytest.mark.parametrize("text, area", [
    ("my shin", "lower_leg"), ("my calf muscle is tight", "lower_leg"), ("funny bone", "elbow"),
    ("my pinky", "little_finger"), ("my pointer finger", "index_finger"), ("lumbar pain", "lower_back"),
    ("I have a migraine", "head"), ("a headache", "head"), ("my lower back hurts", "lower_back"),
    ("my upper back", "mid_back"), ("stiff neck", "neck"), ("my big toe", "big_toe"),
    ("pinky toe", "little_toe"), ("my heel", "heel_of_foot"), ("tennis elbow", "elbow"),
])
def test_synonyms(resolver: Resolver, text: str, area: str) -> None:
    assert resolver.resolve(text).pain.area == area


@pytest.mark.parametrize("text", [
    "my left elbow hurts", "My LEFT elbow hurts!", "  my left elbow   hurts.  ",
    "Ouch, my left elbow's hurting...", "my left elbow \u2019s sore", "LEFT ELBOW",
])
def test_typed_and_recognizer_style_text_agree(resolver: Resolver, text: str) -> None:
    result = resolver.resolve(text)
    assert (result.pain.area, result.pain.side, result.target.area, result.target.side) == \
        ("elbow", Side.LEFT, "knee", Side.RIGHT)


@pytest.mark.parametrize("pain, target, words", [
    ("my neck", "long_bone_end", "end of a long bone"),
    ("my lower back", "long_bone_end", "end of a long bone"),
    ("the middle of my back", "long_bone_middle", "middle of a long bone"),
    ("my head hurts", "hands_and_feet", "hands and feet"),
])
def test_spine_and_head(resolver: Resolver, pain: str, target: str, words: str) -> None:
    result = resolver.resolve(pain, Context(pregnancy=Pregnancy.NO))
    assert result.target.area == target and result.target.side is None
    assert words in result.speech


def test_headache_recommends_the_command_point_and_liver_3(resolver: Resolver) -> None:
    result = resolver.resolve("I have a headache", Context(pregnancy=Pregnancy.NO))
    assert result.points == ("LI4", "LV3")
    assert "thumb and index finger" in result.speech
    assert result.avoid_points == ()


def test_every_understood_answer_is_gentle_and_says_how_long(resolver: Resolver) -> None:
    for area in resolver.knowledge.areas:
        if resolver.knowledge.areas[area].corresponds_to is None:
            continue
        result = resolver.resolve(f"my {resolver.language.area_names[area][0]} hurts")
        assert result.understood, area
        assert "gentle" in result.warnings
        assert "about one minute" in result.speech


def test_duration_setting_is_spoken(resolver: Resolver) -> None:
    assert "about 2 minutes" in resolver.resolve("my knee", Context(duration_seconds=120)).speech
    assert "about 30 seconds" in resolver.resolve("my knee", Context(duration_seconds=30)).speech
    assert "about one minute and 30 seconds" in resolver.resolve("my knee", Context(duration_seconds=90)).speech
    assert "about 2 minutes and 30 seconds" in resolver.resolve("my knee", Context(duration_seconds=150)).speech


def test_a_duration_over_a_minute_is_said_in_minutes_and_seconds_in_every_pack() -> None:
    """ "2분 30초", not "150초": a listener counts in minutes."""
    korean = Resolver(load("ko"))
    assert korean.duration_text(150) == "2분 30초" and korean.duration_text(90) == "1분 30초"


@pytest.mark.parametrize("text, care", [
    ("my daughter's knee hurts", "child"), ("my son hurt his elbow", "child"),
    ("my grandmother's hip", "elderly"), ("my dog's left elbow", "pet"),
    ("I am recovering from surgery on my knee", "trauma"), ("I bruise easily, my wrist hurts", "fragile"),
])
def test_special_care_is_spoken_before_the_instruction(resolver: Resolver, text: str, care: str) -> None:
    result = resolver.resolve(text)
    assert care in result.special_care and "special_care" in result.warnings
    speech = result.speech
    assert speech.index("special care") < speech.index("Gently massage")


def test_other_causes_when_the_target_is_in_the_hands_or_feet(resolver: Resolver) -> None:
    assert "other_causes" in resolver.resolve("my left hand").warnings
    assert "other_causes" in resolver.resolve("my thumb").warnings
    assert "other_causes" not in resolver.resolve("my left elbow").warnings


@pytest.mark.parametrize("text, reason", [
    ("my stomach hurts", "unknown"), ("what's the weather", "unknown"), ("", "empty"),
    ("   ", "empty"), ("uh hmm", "unknown"), ("[unk]", "unknown"), ("my cheek hurts", "unknown"),
    ("I can't sleep", "systemic"), ("I have indigestion", "systemic"),
])
def test_out_of_domain_is_not_guessed(resolver: Resolver, text: str, reason: str) -> None:
    result = resolver.resolve(text)
    assert not result.understood and result.reason == reason
    assert result.target is None and result.points == ()
    assert result.speech
    if reason == "systemic":
        assert "practitioner" in result.speech
    else:
        assert "for example" in result.speech


def test_echo_comes_first(resolver: Resolver) -> None:
    assert resolver.resolve("my left elbow hurts").speech.startswith("Your left elbow.")


def test_commands_are_recognised(resolver: Resolver) -> None:
    assert resolver.parse("could you repeat that").commands == ["repeat"]
    assert resolver.parse("no that's wrong").commands == ["no", "wrong"]
    assert resolver.parse("slower please").commands == ["slower", "yes"]


def test_vocabulary_lists_every_phrase_and_word(resolver: Resolver) -> None:
    vocabulary = set(resolver.vocabulary())
    assert {"elbow", "funny bone", "funny", "bone", "left", "pregnant", "repeat", "hurts"} <= vocabulary
    assert all(word == word.lower() for word in vocabulary)


def test_every_phrase_of_the_pack_resolves_to_its_own_area(resolver: Resolver) -> None:
    for phrase, meaning in resolver.language.phrases.items():
        if meaning.kind is not Kind.AREA:
            continue
        result = resolver.resolve(f"my {resolver.language.text_of(phrase)} hurts")
        assert result.pain is not None and result.pain.area == meaning.id, phrase


@pytest.mark.parametrize("code", available_languages())
def test_every_area_phrase_of_every_pack_resolves_to_its_own_area(code: str) -> None:
    resolver = Resolver(load(code))
    for phrase, meaning in resolver.language.phrases.items():
        if meaning.kind is Kind.AREA:
            result = resolver.resolve(resolver.language.text_of(phrase))
            assert result.pain is not None and result.pain.area == meaning.id, (code, phrase)


@pytest.mark.parametrize("text, area, side", [
    ("my right hand's thumb", "thumb", Side.RIGHT), ("the big toe of my left foot", "big_toe", Side.LEFT),
])
def test_a_part_named_with_its_whole_is_the_part(resolver: Resolver, text: str, area: str, side: Side) -> None:
    result = resolver.resolve(text)
    assert (result.pain.area, result.pain.side) == (area, side)


def test_other_causes_covers_every_part_of_the_hands_and_feet(resolver: Resolver) -> None:
    for area in resolver.knowledge.areas.values():
        target = resolver.knowledge.areas[area.corresponds_to] if area.corresponds_to else None
        if target and (target.part_of in ("hand", "foot") or target.id in ("hand", "foot")):
            name = resolver.language.area_names[area.id][0]
            assert "other_causes" in resolver.resolve(f"my {name}").warnings, area.id


# ---------------------------------------------------------------- the way people really talk

from understanding_cases import CASES  # noqa: E402

SIDES = {"L": Side.LEFT, "R": Side.RIGHT, "B": Side.BOTH, "-": None}


def problems(resolver: Resolver, case: str) -> list[str]:
    """What the resolver got wrong about one "utterance => expected" line of the table."""
    text, expected = (part.strip() for part in case.split("=>"))
    result = resolver.resolve(text)
    got = (f"understood={result.understood} reason={result.reason} pain={result.pain} "
           f"vague={result.vague} also={result.also} pregnancy={result.pregnancy.value}")
    words = expected.split()
    if words[0] == "??":  # it cannot tell which of two hurts: asks, never guesses
        return [] if not result.understood and set(words[1:3]) <= set(result.choices) else [f"did not ask which: {got}"]
    if words[0] in ("x", "!", "?"):
        wrong = []
        if result.understood or result.points or result.target:
            wrong.append("understood")
        if words[0] == "!" and result.reason != "red_flag":
            wrong.append("not a red flag")
        if words[0] == "?" and (result.reason != "vague" or result.vague is None or
                                (result.vague.area, result.vague.side) != (words[1], SIDES[words[2]])):
            wrong.append("not vague")
        if words[0] == "x" and result.reason in ("red_flag", "vague"):
            wrong.append(result.reason)
        return [f"{problem}: {got}" for problem in wrong]
    wrong = []
    if not result.understood or result.pain is None:
        return [f"not understood: {got}"]
    if (result.pain.area, result.pain.side) != (words[0], SIDES[words[1]]):
        wrong.append("place")
    facts = words[2:]
    also = [(facts[i][1:], SIDES[facts[i + 1]]) for i in range(len(facts)) if facts[i].startswith("+")]
    if [(place.area, place.side) for place in result.also] != also:
        wrong.append("also")
    for fact in facts:
        name, _, value = fact.partition("=")
        if name == "q" and result.pain.qualifier != value:
            wrong.append("qualifier")
        if name == "preg" and result.pregnancy.value != value:
            wrong.append("pregnancy")
        if name == "care" and (result.special_care if value == "none" else value not in result.special_care):
            wrong.append("special care")
    if "ask" in facts and not result.ask_pregnancy:
        wrong.append("does not ask about pregnancy")
    if "noask" in facts and result.ask_pregnancy:
        wrong.append("asks about pregnancy")
    return [f"{problem}: {got}" for problem in wrong]


@pytest.mark.parametrize("case", CASES)
def test_fresh_utterances(resolver: Resolver, case: str) -> None:
    assert problems(resolver, case) == []


def test_the_table_is_large(resolver: Resolver) -> None:
    assert len(CASES) >= 250


OTHERS = ["my son's {area} hurts", "my wife says her {area} is sore", "my dad has a sore {area}"]


@pytest.mark.parametrize("phrasing", OTHERS)
def test_a_place_on_someone_else_is_never_called_yours_over_every_area(english: Library, resolver: Resolver,
                                                                       phrasing: str) -> None:
    """The person massaging is told where to massage the other person, not themselves."""
    for area in (area.id for area in english.knowledge.areas.values() if area.corresponds_to):
        result = resolver.resolve(phrasing.format(area=english.language.area_names[area][0]))
        assert result.understood and result.pain is not None and result.pain.area == area, (phrasing, area)
        assert result.someone_else
        for verbosity in Verbosity:
            said = speech(result, verbosity, resolver, 60)
            yours = set(re.findall(r"\byour (\w+)", said.lower()))
            assert yours <= {"fingertips"}, (area, verbosity, said)  # the massaging hand is the listener's
            assert "if you are pregnant" not in said.lower(), area


def test_the_speakers_own_place_is_theirs(resolver: Resolver) -> None:
    result = resolver.resolve("my left elbow hurts")
    assert result.speech.startswith("Your left elbow.")
    assert "Gently massage your right knee." in result.speech


def test_someone_elses_place_and_pregnancy_are_spoken_as_theirs(resolver: Resolver) -> None:
    result = resolver.resolve("my wife is pregnant and her left wrist hurts")
    assert result.speech.startswith("The left wrist. Because the person you are massaging is pregnant, do not press")
    assert "Gently massage the right ankle." in result.speech
    unknown = resolver.resolve("my sister's right wrist hurts")
    assert "If the person you are massaging is pregnant, do not press" in unknown.speech
    assert resolver.resolve("my mum's arm hurts").speech.startswith("Which part of the arm:")


def test_a_red_flag_names_only_the_signs_not_denied(resolver: Resolver) -> None:
    """ "chest pain, no fever": a doctor for the chest pain, and the fever said not to be had is not named."""
    result = resolver.resolve("chest pain, no fever")
    assert result.reason == "red_flag" and result.red_flags == ("chest_pain",)
    said = " ".join(result.cautions)
    assert said.startswith("Chest pain needs a doctor") and "fever" not in said


@pytest.mark.parametrize("text", ["my left elbow hurts ❼", "my dad's ❼", "my ² knee", "❼❼❼", "my 5❼ year old's knee"])
def test_a_digit_that_is_no_decimal_number_is_a_word_not_a_crash(resolver: Resolver, text: str) -> None:
    """ "❼" and "²" are digits to str.isdigit() but no number to int(): found by random bytes into `ask -`.
    ("²" is read as "2", as Unicode's compatibility form says: "my 2 knee" is a knee, as "my two feet" are feet.)"""
    result = resolver.resolve(text)
    assert result.speech
    assert result.understood is (text.startswith("my left elbow") or text == "my ² knee")


def test_a_number_in_another_script_is_a_number(resolver: Resolver) -> None:
    assert resolver.resolve("my dad is ٩٢ and his left elbow hurts").special_care == ("elderly",)
