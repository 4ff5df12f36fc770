"""Verbosity: brief, normal and detailed answers, and "shorter", "more detail", "more" in a session.
A brief answer keeps every warning word for word, in its place, over every area of every pack."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from voice.conversation import Conversation, Options, Say
from voice.knowledge import available_languages, load
from voice.resolver import Context, Pregnancy, Resolver
from voice.verbosity import Verbosity, speech

SECONDS = 60


def answers(code: str) -> list:
    resolver = Resolver(load(code))
    library = resolver.library
    found = []
    for area in library.knowledge.areas.values():
        if not area.corresponds_to:
            continue
        name = library.language.area_names[area.id][0]
        for pregnancy in Pregnancy:
            resolution = resolver.resolve(name, Context(pregnancy=pregnancy))
            if resolution.understood and resolution.target is not None:
                found.append((resolver, resolution))
    return found


@pytest.mark.parametrize("code", available_languages())
def test_every_warning_is_said_whole_and_first_at_every_length(code: str) -> None:
    checked = 0
    for resolver, resolution in answers(code):
        normal = speech(resolution, Verbosity.NORMAL, resolver, SECONDS)
        assert normal == resolution.speech
        for level in (Verbosity.BRIEF, Verbosity.DETAILED):
            said = speech(resolution, level, resolver, SECONDS)
            for caution in resolution.cautions:  # before anything about massaging
                assert caution in said and said.index(caution) < said.index(resolver.place_text(resolution.target))
            for note in resolution.notes:
                assert note in said
            checked += 1
        brief = speech(resolution, Verbosity.BRIEF, resolver, SECONDS)
        detailed = speech(resolution, Verbosity.DETAILED, resolver, SECONDS)
        assert len(brief) < len(normal) < len(detailed)
        assert resolver.place_text(resolution.target) in brief and resolver.duration_text(SECONDS) in brief
    assert checked > 50


def test_detailed_says_why_the_steps_to_find_it_and_what_the_points_are_for(resolver: Resolver) -> None:
    resolution = resolver.resolve("I'm not pregnant and I have a headache")
    said = speech(resolution, Verbosity.DETAILED, resolver, SECONDS)
    assert "like cures like" in said and "Why there" in said
    assert "The points" in said and resolver.language.point_names[resolution.points[0]] in said
    assert resolution.find is not None
    target, first_point = resolution.find.target, resolution.find.points[0]
    # the steps follow the instruction: the target's, then each point's after what the points are for
    order = [said.index(text) for text in (resolution.instruction[0], "To find your hands and feet:",
                                           f"Step 1. {target.steps[0]}", "The points",
                                           f"To find {first_point.place}:", f"Step 1. {first_point.steps[0]}")]
    assert order == sorted(order)
    assert "Step 1." not in speech(resolution, Verbosity.NORMAL, resolver, SECONDS)


def test_every_sentence_of_a_detailed_answer_starts_with_a_capital_letter(resolver: Resolver) -> None:
    """Printed for screen readers and logs: "Why there: like cures like: your left wrist mirrors
    ...", never a sentence that starts "your left wrist" after a full stop."""
    for text in ("my left wrist hurts", "my son's right knee hurts", "my thumb hurts", "I have a headache"):
        said = speech(resolver.resolve(text, Context(pregnancy=Pregnancy.NO)), Verbosity.DETAILED, resolver, SECONDS)
        for sentence in re.split(r"(?<=[.?!])\s+", said):
            assert sentence[:1].isupper(), (text, sentence)


def test_brief_is_where_which_side_how_long_and_the_warnings(resolver: Resolver) -> None:
    resolution = resolver.resolve("my left elbow hurts")
    brief = speech(resolution, Verbosity.BRIEF, resolver, SECONDS)
    assert brief.startswith("Your left elbow.")
    assert "Gently massage your right knee, about one minute." in brief
    assert all(warning in brief for warning in (*resolution.cautions, *resolution.notes))


def test_shorter_more_detail_and_more_in_a_session(resolver: Resolver) -> None:
    talk = Conversation(resolver, Context(pregnancy=Pregnancy.NO), Options("hello helper"))
    talk.start()
    normal = " ".join(talk.hear("my left elbow hurts").spoken)
    assert " ".join(talk.hear("shorter").spoken) == resolver.language.say["verbosity_brief"]
    brief = " ".join(talk.hear("my left elbow hurts").spoken)
    assert len(brief) < len(normal) and "Gently massage your right knee, about one minute." in brief
    more = " ".join(talk.hear("tell me more").spoken)
    assert "like cures like" in more  # the same answer, once in detail
    again = " ".join(talk.hear("my left elbow hurts").spoken)
    assert again == brief  # and then brief again
    talk.hear("more detail")
    talk.hear("more detail")
    assert talk.verbosity is Verbosity.DETAILED
    assert "like cures like" in " ".join(talk.hear("my right knee hurts").spoken)


@pytest.mark.parametrize("said", ["more", "tell me more"])
def test_plain_more_gives_the_detailed_answer_once(resolver: Resolver, said: str) -> None:
    talk = Conversation(resolver, Context(pregnancy=Pregnancy.NO), Options("hello helper"))
    talk.start()
    normal = " ".join(talk.hear("my left elbow hurts").spoken)
    assert "like cures like" not in normal
    assert "like cures like" in " ".join(talk.hear(said).spoken)


def test_a_pain_that_got_worse_is_a_pain_not_a_request_for_more(resolver: Resolver) -> None:
    talk = Conversation(resolver, Context(pregnancy=Pregnancy.NO), Options("hello helper"))
    talk.start()
    talk.hear("my left elbow hurts")
    assert "Gently massage your left elbow" in " ".join(talk.hear("my right knee hurts more").spoken)


def test_more_before_any_answer_says_there_is_nothing_more(resolver: Resolver) -> None:
    talk = Conversation(resolver, Context(), Options("hello helper"))
    talk.start()
    assert talk.hear("tell me more").actions == (Say(resolver.language.say["nothing_more"]),)


def test_the_setting_and_flag_reach_ask() -> None:
    run = [sys.executable, "-m", "voice", "ask", "--json", "--pregnant", "no"]
    brief = json.loads(subprocess.run([*run, "--verbosity", "brief", "my left elbow hurts"], capture_output=True,
                                      text=True, timeout=60).stdout)
    normal = json.loads(subprocess.run([*run, "my left elbow hurts"], capture_output=True, text=True,
                                       timeout=60).stdout)
    assert len(brief["speech"]) < len(normal["speech"]) and brief["warnings"] == normal["warnings"]
    bad = subprocess.run([*run, "--verbosity", "chatty", "my knee"], capture_output=True, text=True, timeout=60)
    assert bad.returncode != 0 and "brief, normal, detailed" in bad.stderr
