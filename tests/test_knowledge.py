"""Loading data/: every file loads, and each kind of mistake gives a clear error naming file and key."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from voice.errors import DataError
from voice.knowledge import DATA_DIR, Confirm, available_languages, load


@pytest.fixture
def data(tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(DATA_DIR, copy)
    return copy


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("code", available_languages())
def test_every_language_pack_loads(code: str) -> None:
    library = load(code)
    assert library.language.code == code
    assert set(library.language.area_names) == set(library.knowledge.areas)


def test_english_is_complete() -> None:
    assert "en" in available_languages()
    language = load("en").language
    assert language.model == "vosk-model-small-en-us-0.15"


def test_every_area_has_a_correspondence() -> None:
    knowledge = load("en").knowledge
    targets = {area.corresponds_to for area in knowledge.areas.values()}
    for area in knowledge.areas.values():
        assert area.corresponds_to in knowledge.areas or area.id in targets, area.id


def check_error(data: Path, file: str, *words: str) -> str:
    with pytest.raises(DataError) as caught:
        load("en", data_dir=data)
    message = str(caught.value)
    assert file in message
    for word in words:
        assert word in message, message
    return message


def test_missing_id(data: Path) -> None:
    edit(data / "knowledge.yaml", "elbow: {corresponds_to: knee}", "elbow: {corresponds_to: kneee}")
    check_error(data, "knowledge.yaml", "areas.elbow.corresponds_to", "unknown area 'kneee'")


def test_unknown_point_in_recommend(data: Path) -> None:
    edit(data / "knowledge.yaml", "recommend: [LI4, LV3]", "recommend: [LI4, XX9]")
    check_error(data, "knowledge.yaml", "recommend", "unknown point 'XX9'")


def test_pair_must_hold_both_ways(data: Path) -> None:
    edit(data / "knowledge.yaml", "knee: {corresponds_to: elbow}", "knee: {corresponds_to: wrist}")
    check_error(data, "knowledge.yaml", "both ways")


def test_area_without_correspondence(data: Path) -> None:
    edit(data / "knowledge.yaml", "elbow: {corresponds_to: knee}", "elbow: {sided: true}")
    check_error(data, "knowledge.yaml", "areas.elbow", "corresponds_to")


def test_duplicate_phrase(data: Path) -> None:
    edit(data / "lang" / "en.yaml", "phrases: [knee,", "phrases: [elbow, knee,")
    check_error(data, "en.yaml", "areas.knee.phrases[0]", "'elbow'", "only one thing")


def test_bad_template_field(data: Path) -> None:
    edit(data / "lang" / "en.yaml", 'instruction: "Gently massage {target}."', 'instruction: "Massage {place}."')
    check_error(data, "en.yaml", "say.instruction", "{place}", "{target}")


def test_broken_template_braces(data: Path) -> None:
    edit(data / "lang" / "en.yaml", 'instruction: "Gently massage {target}."', 'instruction: "Massage {target."')
    check_error(data, "en.yaml", "say.instruction", "broken template")


def test_missing_sentence(data: Path) -> None:
    edit(data / "lang" / "en.yaml", '  stay: "Use small circles, and stay gently on any sore spot."\n', "")
    check_error(data, "en.yaml", "say", "missing key 'stay'")


def test_unknown_key_is_not_ignored(data: Path) -> None:
    edit(data / "knowledge.yaml", "  LI4:\n    area: hand", "  LI4:\n    area: hand\n    colour: red")
    check_error(data, "knowledge.yaml", "points.LI4", "unknown key 'colour'")


def test_bad_enum_value(data: Path) -> None:
    edit(data / "knowledge.yaml", "gentle: {when: always, spoken: before}", "gentle: {when: sometimes, spoken: before}")
    check_error(data, "knowledge.yaml", "warnings.gentle.when", "'sometimes'", "always")


def test_a_pack_states_which_places_are_asked_back_for_its_model(data: Path) -> None:
    assert load("en").language.confirm is Confirm.UNSURE  # the English model's confidence is meant to tell
    assert load("ko").language.confirm is Confirm.ALWAYS  # the Korean test model's does not
    edit(data / "lang" / "en.yaml", "confirm: unsure", "confirm: sometimes")
    check_error(data, "en.yaml", "confirm", "'sometimes' is not one of: unsure, always")


def test_area_missing_from_language_pack(data: Path) -> None:
    path = data / "lang" / "en.yaml"
    text = path.read_text(encoding="utf-8")
    entry = text[text.index("  thumb: {name:"):text.index("plurals: [thumbs]}\n") + len("plurals: [thumbs]}\n")]
    edit(path, entry, "")
    check_error(data, "en.yaml", "areas", "missing key 'thumb'")


def test_invalid_yaml_says_where(data: Path) -> None:
    edit(data / "lang" / "en.yaml", "sides:\n", "sides: [\n")
    check_error(data, "en.yaml", "not valid YAML", "line")


def test_yaml_boolean_trap_is_caught(data: Path) -> None:
    edit(data / "lang" / "en.yaml", 'get, gets, getting, of, "on",', "get, gets, getting, of, on,")
    check_error(data, "en.yaml", "filler[", "expected text")


def test_missing_file(data: Path) -> None:
    (data / "knowledge.yaml").unlink()
    check_error(data, "knowledge.yaml", "file not found")


def test_unknown_language() -> None:
    with pytest.raises(DataError, match="No language pack 'xx'.*Available: .*en"):
        load("xx")


def test_a_new_language_is_just_a_file(data: Path) -> None:
    shutil.copy(data / "lang" / "en.yaml", data / "lang" / "en2.yaml")
    edit(data / "lang" / "en2.yaml", "language: en\n", "language: en2\n")
    assert "en2" in available_languages(data)
    assert load("en2", data_dir=data).language.code == "en2"


@pytest.mark.parametrize("key, sentence, field", [
    ("warning_pregnancy", "Because you are pregnant, do not press {points}.", "{points}"),
    ("warning_pregnancy_unknown", "If you are pregnant, do not press {points}.", "{points}"),
    ("warning_pregnancy_other", "Because the person you are massaging is pregnant, do not press {points}.",
     "{points}"),
    ("warning_pregnancy_unknown_other", "If the person you are massaging is pregnant, do not press {points}.",
     "{points}"),
    ("warning_special_care", "Take special care with {who}: use the lightest touch, and stop at any sign of discomfort.",
     "{who}"),
    ("red_flag", "{what} needs a doctor, not a massage.", "{what}"),
])
def test_a_safety_sentence_that_loses_its_field_is_refused(data: Path, key: str, sentence: str, field: str) -> None:
    text = (data / "lang" / "en.yaml").read_text(encoding="utf-8")
    start = text.index(f"  {key}: ")
    end = text.index("\n", start)
    (data / "lang" / "en.yaml").write_text(text[:start] + f'  {key}: "Relax."' + text[end:], encoding="utf-8")
    check_error(data, "en.yaml", f"say.{key}", field)


def test_a_condition_must_be_an_area_phrase(data: Path) -> None:
    edit(data / "lang" / "en.yaml", "conditions: [headache,", "conditions: [heartache,")
    check_error(data, "en.yaml", "conditions[0]", "'heartache' is not an area phrase")


def test_a_vague_place_asks_a_known_question(data: Path) -> None:
    edit(data / "lang" / "en.yaml", "arm: {name: arm, ask: which_part,", "arm: {name: arm, ask: which_bit,")
    check_error(data, "en.yaml", "vague.arm.ask", "which_bit")


def test_every_red_flag_needs_a_name_in_every_pack(data: Path) -> None:
    edit(data / "knowledge.yaml", "red_flags:\n", "red_flags:\n  sepsis: {when: [[fever, confused]]}\n")
    check_error(data, "en.yaml", "red_flags", "missing key 'sepsis'")


def test_every_sign_of_words_needs_words_in_every_pack(data: Path) -> None:
    edit(data / "knowledge.yaml", "  chest: {}\n", "  chest: {}\n  mottled: {}\n")
    check_error(data, "en.yaml", "red_signs", "missing key 'mottled'")


def test_a_way_of_saying_a_sign_word_says_only_one(data: Path) -> None:
    edit(data / "lang" / "en.yaml", "  cannot: [can not,", "  will not: [could not]\n  cannot: [can not,")
    check_error(data, "en.yaml", "sign_forms", "'could not' is already a way of saying")


def test_the_whole_of_a_vague_place_is_a_known_area(data: Path) -> None:
    edit(data / "knowledge.yaml", "vague_whole: {finger: hand", "vague_whole: {finger: hnd")
    check_error(data, "knowledge.yaml", "vague_whole.finger", "unknown area 'hnd'")


def test_a_red_flag_is_made_of_known_signs(data: Path) -> None:
    edit(data / "knowledge.yaml", "      - [face_droop]", "      - [face_drop]")
    check_error(data, "knowledge.yaml", "red_flags.stroke.when", "unknown sign 'face_drop'")


def test_the_age_rule_is_data(data: Path) -> None:
    edit(data / "knowledge.yaml", "ages: {child_under: 12, elderly_from: 70,", "ages: {child_under: 12, elderly_from: old,")
    check_error(data, "knowledge.yaml", "ages.elderly_from", "whole number")


def test_a_place_that_says_whose_needs_the_packs_words_for_it(data: Path) -> None:
    edit(data / "lang" / "en.yaml", "whose: {self: your, other: the}\n", "")
    check_error(data, "en.yaml", "place.sided", "{whose}", "whose: {self: ..., other: ...}")


def test_whose_is_a_field_only_where_a_place_is_said(data: Path) -> None:
    edit(data / "lang" / "en.yaml", 'instruction: "Gently massage {target}."', 'instruction: "Massage {whose} {target}."')
    check_error(data, "en.yaml", "say.instruction", "{whose}")


def test_an_areas_own_place_may_say_only_whose(data: Path) -> None:
    edit(data / "lang" / "en.yaml", 'place: "{whose} hands and feet"', 'place: "{owner} hands and feet"')
    check_error(data, "en.yaml", "areas.hands_and_feet", "{owner}")
