"""Directions by touch: every place massaged and every point has steps from landmarks that can be
felt, in every pack; a pack without them is refused; every front end carries them."""

from __future__ import annotations

import itertools
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from voice.errors import DataError
from voice.finding import area_route, point_route
from voice.knowledge import DATA_DIR, STEPS_TO_A_PLACE, Library, available_languages, load
from voice.resolver import Context, Pregnancy, Resolver

LANGUAGES = available_languages()


def targets(library: Library) -> list[str]:
    """Every area that is ever massaged: what an area corresponds to, and the areas only ever a target."""
    areas = library.knowledge.areas.values()
    return sorted({area.corresponds_to or area.id for area in areas if area.corresponds_to or area.covers})


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_place_massaged_and_every_point_has_steps_in_every_pack(code: str) -> None:
    library = load(code)
    language = library.language
    assert len(targets(library)) == 29  # the arm and leg areas, fingers, toes, their parts, the long bones, hands and feet
    for area in targets(library):
        route = area_route(language, area, None, language.area_names[area][0])
        fewest, most = STEPS_TO_A_PLACE
        assert fewest + 1 <= len(route.steps) <= most + 1, area  # the steps, then the one that finds the spot
        for qualifier in library.knowledge.qualifiers:  # a side of it is one more step, and the spot stays there
            sided = area_route(language, area, qualifier, language.area_names[area][0])
            assert sided.steps[-1] == language.directions.say["spot_on_side"]
            assert len(sided.steps) == len(route.steps) + 1
    for code_ in library.knowledge.points:
        route = point_route(language, code_)
        assert len(route.steps) >= 3 and "WHO" in route.source and "2008" in route.source, code_
        assert route.place == language.point_names[code_]


def masked(text: str, names: list[str]) -> str:
    """A step with every area's name taken out: what is left is what tells the place apart."""
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, "_")
    return re.sub(r"\s+", " ", text.lower()).strip()


@pytest.mark.parametrize("code", LANGUAGES)
def test_no_two_places_share_a_step_with_only_the_name_changed(code: str) -> None:
    library = load(code)
    language = library.language
    names = [name for pair in language.area_names.values() for name in pair] + \
        list(language.qualifier_names.values()) + list(language.vague_names.values()) + \
        ["first", "second", "third", "fourth", "fifth", "big", "little", "index", "middle", "ring", "smallest",
         "longest", "둘째", "셋째", "넷째"]
    seen: dict[str, str] = {}
    words: dict[str, set[str]] = {}
    for area in targets(library):
        steps = language.directions.areas[area]
        for step in (*steps.steps, steps.spot):
            key = masked(step, names)
            assert key not in seen, f"{area} and {seen.get(key)} share the step {step!r}"
            seen[key] = area
        words[area] = set(re.findall(r"\w+", masked(" ".join((*steps.steps, steps.spot)), names)))
    for one, other in itertools.combinations(words, 2):  # nor steps reworded a little: most words are their own
        shared = len(words[one] & words[other]) / len(words[one] | words[other])
        assert shared < 0.6, (one, other, shared)


LANDMARKS = {  # what each point's steps must name, from WHO Standard Acupuncture Point Locations (2008)
    "en": {
        "LI4": ["web", "thumb", "index finger", "first metacarpal", "second metacarpal", "halfway"],
        "LV3": ["big toe", "second toe", "first and second metatarsals", "hollow just before that joint"],
        "GB21": ["C7", "seventh neck vertebra", "acromion", "midway"],
        "UB60": ["outer ankle bone", "lateral malleolus", "Achilles tendon", "hollow between"],
        "SP6": ["inner ankle bone", "medial malleolus", "four finger widths", "three cun", "behind the inner edge of "
                "the shin bone", "tibia"],
    },
    "ko": {
        "LI4": ["엄지와 검지 사이", "첫째 손허리뼈", "둘째 손허리뼈", "가운데"],
        "LV3": ["엄지발가락과 둘째 발가락", "첫째와 둘째 발허리뼈", "관절 바로 앞의 오목한 곳"],
        "GB21": ["일곱째 목뼈", "C7", "견봉", "한가운데"],
        "UB60": ["바깥쪽 복사뼈", "아킬레스힘줄", "오목한 곳"],
        "SP6": ["안쪽 복사뼈", "손가락 네 개", "3촌", "정강이뼈", "뒤"],
    },
}


@pytest.mark.parametrize("code", LANGUAGES)
def test_each_point_is_found_from_its_landmarks(code: str) -> None:
    language = load(code).language
    assert set(LANDMARKS[code]) == set(language.directions.points)
    for point, landmarks in LANDMARKS[code].items():
        steps = " ".join(language.directions.points[point].steps)
        for landmark in landmarks:
            assert landmark.lower() in steps.lower(), (code, point, landmark)


# ---------------------------------------------------------------- a pack without them is refused


@pytest.fixture
def data(tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(DATA_DIR, copy)
    return copy


def cut(path: Path, start: str, end: str | None, new: str = "") -> None:
    """Replace the text from `start` up to `end` (or to the end of the file)."""
    text = path.read_text(encoding="utf-8")
    begin = text.index(start)
    stop = text.index(end, begin) if end is not None else len(text)
    path.write_text(text[:begin] + new + text[stop:], encoding="utf-8")


def refused(data: Path, code: str = "en") -> str:
    with pytest.raises(DataError) as caught:
        load(code, data_dir=data)
    return str(caught.value)


@pytest.mark.parametrize("code", LANGUAGES)
def test_a_pack_without_the_steps_to_a_place_is_refused(data: Path, code: str) -> None:
    cut(data / "lang" / f"{code}.yaml", "    knee:\n      steps:", "    forearm:\n      steps:")
    message = refused(data, code)
    assert f"{code}.yaml" in message and "directions.areas" in message and "'knee'" in message, message


@pytest.mark.parametrize("code", LANGUAGES)
def test_a_pack_without_the_steps_to_a_point_is_refused(data: Path, code: str) -> None:
    cut(data / "lang" / f"{code}.yaml", "    SP6:\n", None)
    message = refused(data, code)
    assert f"{code}.yaml" in message and "directions.points" in message and "'SP6'" in message, message


def test_a_pack_without_directions_is_refused(data: Path) -> None:
    cut(data / "lang" / "en.yaml", "\ndirections:\n", None, "\n")
    assert "missing key 'directions'" in refused(data)


def test_too_many_steps_are_refused(data: Path) -> None:
    cut(data / "lang" / "en.yaml", "    knee:\n      steps:\n", None,
        "    knee:\n      steps:\n        - One.\n        - Two.\n        - Three.\n        - Four.\n        - Five.\n"
        + (data / "lang" / "en.yaml").read_text(encoding="utf-8").split("    knee:\n      steps:\n", 1)[1])
    message = refused(data)
    assert "directions.areas.knee.steps" in message and "has 8 steps" in message, message


def test_a_step_fills_in_nothing(data: Path) -> None:
    cut(data / "lang" / "en.yaml", '      spot: "The hollow often feels tender; press',
        '; press gently toward', '      spot: "The {point} often feels tender')
    message = refused(data)
    assert "directions.points.UB60.spot" in message and "{point}" in message, message


def test_a_phrase_asks_for_one_thing_only(data: Path) -> None:
    cut(data / "lang" / "en.yaml", "    back: [back, go back,", " previous,", "    back: [back, next,")
    message = refused(data)
    assert "directions.asking.back" in message and "'next'" in message, message


# ---------------------------------------------------------------- every front end carries them


def test_ask_json_carries_the_steps_to_the_target_and_each_point() -> None:
    done = subprocess.run([sys.executable, "-m", "voice", "ask", "--json", "--pregnant", "no", "-"],
                          input="I have a headache\nmy left knee hurts\n", capture_output=True, text=True, timeout=60,
                          check=True)
    headache, knee = (json.loads(line) for line in done.stdout.splitlines())
    english = load("en").language
    find = headache["find"]
    assert find["target"]["place"] == "your hands and feet"
    assert find["target"]["steps"][0] == english.directions.areas["hands_and_feet"].steps[0]
    assert [point["point"] for point in find["points"]] == headache["points"] == ["LI4", "LV3"]
    assert find["points"][0]["steps"][-1] == english.directions.points["LI4"].spot
    assert "WHO" in find["points"][0]["source"] and find["avoid_points"] == []
    assert knee["find"]["target"]["place"] == "your right elbow" and knee["find"]["points"] == []
    assert json.loads(subprocess.run([sys.executable, "-m", "voice", "ask", "--json", "hello"], capture_output=True,
                                     text=True, timeout=60).stdout)["find"] is None


def test_the_points_to_keep_off_come_with_the_steps_to_keep_off_them(resolver: Resolver) -> None:
    answer = resolver.resolve("I'm pregnant and my right wrist hurts")
    assert answer.find is not None and answer.points == () and answer.avoid_points == ("UB60", "SP6")
    routes = answer.find.avoid_points
    assert [route.point for route in routes] == ["UB60", "SP6"] and all(route.keep_off for route in routes)
    for route in routes:
        assert "do not press" in route.steps[-1] and resolver.language.point_names[route.point] in route.steps[-1]
        assert resolver.language.directions.points[route.point].spot not in route.steps


def test_a_side_of_a_place_is_found_after_the_place(resolver: Resolver) -> None:
    answer = resolver.resolve("my inner wrist hurts", Context(pregnancy=Pregnancy.NO))
    assert answer.find is not None
    steps = answer.find.target.steps
    assert answer.find.target.place == "the inner side of either ankle"
    assert steps[-2] == resolver.language.directions.areas["ankle"].qualifiers["inner"]
    assert "inner ankle bone" in steps[-2]
    assert steps[-1].startswith("Stay on that side")  # not "press around the joint" (the blind trial, block 7)


def test_ask_detailed_says_the_steps_after_the_instruction() -> None:
    done = subprocess.run([sys.executable, "-m", "voice", "ask", "--verbosity", "detailed", "my left knee hurts"],
                          capture_output=True, text=True, timeout=60, check=True)
    said = done.stdout
    assert said.index("Gently massage your right elbow.") < said.index("To find your right elbow: 4 steps.") \
        < said.index("Step 1. Bend the arm to a right angle")
    normal = subprocess.run([sys.executable, "-m", "voice", "ask", "my left knee hurts"],
                            capture_output=True, text=True, timeout=60, check=True).stdout
    assert "Step 1." not in normal


def test_the_wyoming_answer_in_detailed_verbosity_says_the_steps() -> None:
    from wyoming.asr import Transcript
    from wyoming.handle import Handled

    from voice.settings import Settings
    from voice.wyoming import handler_for

    def answer(verbosity: str) -> str:
        event = handler_for(Settings(verbosity=verbosity)).respond(Transcript("my left knee hurts").event()).event
        assert event is not None and Handled.is_type(event.type)
        return str(Handled.from_event(event).text)

    detailed = answer("detailed")
    assert "To find your right elbow: 4 steps. Step 1. Bend the arm" in detailed
    assert detailed.index("Gently massage your right elbow.") < detailed.index("Step 1.")
    assert "Step 1." not in answer("normal")
