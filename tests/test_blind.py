"""Batches of utterances written blind by people who never saw the code or the tables (issue 17),
kept as they were scored: each must stay as right as it is now, with no serious safety failure but
the few named below, typed and as a recognizer's grammar would pass them on."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from voice.resolver import Resolver

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from understanding import Case, grammar_view, judge, read_batch, score  # noqa: E402

RIGHT_AT_LEAST = {"batch-a.txt": 0.96, "batch-b.txt": 0.965, "batch-c.txt": 0.88, "batch-d.txt": 0.95,
                  "batch-e.txt": 0.895, "batch-f.txt": 0.89, "batch-g.txt": 0.84}
"""The share each batch gets right now (docs/figures.md has each batch's first run): a floor, so that a
change that helps one class and costs another is seen."""
BATCHES = [Path(__file__).parent / "blind" / name for name in RIGHT_AT_LEAST]

NOT_YET = {
    # Nigerian English "hand" for the arm: the hand is answered (the foot massaged), not the forearm.
    "my hand is paining me from the elbow down to the wrist the left one",
    # a friend's condition of last year, told out of curiosity: answered as if it hurt now.
    "my friend had tennis elbow last year, i was just curious how this works",
    # the hand (of "my fingers") is answered, not the middle finger said after it.
    "we had the family round for sunday lunch i did the whole roast peeling potatoes for twelve and my fingers "
    "ache well mostly the middle one on my right hand",
    # "the middle one", "the small one" after a plural or a pronoun is no place yet: the first is answered.
    "its either my ring finger or my middle one, hard to pin down",
    "my toes on left foot the small one is hurt i hit on the bed",
    "i cant work out if its my thumb or the fleshy pad under it",
    # swollen ankles said as context of aching feet: the ankles are answered first, the feet offered next.
    "ankles a bit puffy by the evening at twenty eight weeks, no headache or anything, my feet ache",
    # through the grammar, "hips fine" (said "hip's fine") loses its "is": the hips are answered.
    "my hips fine, my knees are fine, its my big toe",
    # "everyone assumes it's my knee": the knee said again is taken, not the thigh.
    "its not my knee everyone assumes its my knee its the thigh above it the left",
    # "my left wrist no ankle ankle": the correction without a pause is read as a denial of the ankle.
    "my left wrist no ankle ankle i always mix them up left ankle",
    # sciatic pain "going from hip down the leg": the hip is answered, not the lower back.
    "pain is going from hip to down the leg sciatic nerve left side",
}
"""Serious failures by the scorer's strict reading (a wrong area, a place answered when it should ask)
that are not yet fixed; none of them recommends a pregnancy point, takes a pregnancy for a no or
massages a red flag (asserted below, for every batch)."""

NEVER = ("pregnancy point recommended", "pregnancy taken as no", "massage for a red flag")


def test_there_are_batches_of_at_least_200_utterances() -> None:
    assert len(BATCHES) >= 3
    assert all(len(read_batch(path)) >= 200 for path in BATCHES)


@pytest.mark.parametrize("path", BATCHES, ids=lambda path: path.name)
def test_each_batch_stays_as_right_as_it_is(resolver: Resolver, path: Path) -> None:
    verdicts = score(resolver, read_batch(path))
    right = sum(verdict.right for verdict in verdicts) / len(verdicts)
    assert right >= RIGHT_AT_LEAST[path.name], [(v.case.text, v.problems, v.got) for v in verdicts if not v.right]


@pytest.mark.parametrize("heard", [False, True], ids=["typed", "through the grammar"])
@pytest.mark.parametrize("path", BATCHES, ids=lambda path: path.name)
def test_no_serious_safety_failure(resolver: Resolver, path: Path, heard: bool) -> None:
    """Typed, and as the English grammar would pass it on (every word it cannot hear is [unk])."""
    serious = [(verdict.case.text, verdict.serious) for verdict in score(resolver, read_batch(path), heard)
               if verdict.serious]
    assert [case for case in serious if case[0] not in NOT_YET] == []
    assert [case for case in serious if set(case[1]) & set(NEVER)] == []


def test_a_transcript_with_unknown_words_is_read_as_the_session_reads_it(resolver: Resolver) -> None:
    """What the grammar passes on for "I hope I'm not pregnant, I have a headache": no plain no."""
    case = Case.parse("i hope im not pregnant i have a headache => head - preg=unknown # hedge")
    heard = grammar_view(resolver, case.text)
    assert "not pregnant" in heard
    assert judge(resolver, case, heard).serious == ()
