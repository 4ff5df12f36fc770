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

RIGHT_AT_LEAST = {"batch-a.txt": 0.98, "batch-b.txt": 0.975, "batch-c.txt": 0.925, "batch-d.txt": 0.96,
                  "batch-e.txt": 0.925, "batch-f.txt": 0.915, "batch-g.txt": 0.905, "batch-h.txt": 0.93,
                  "batch-i.txt": 0.94, "batch-j.txt": 0.93, "batch-k.txt": 0.915, "batch-l.txt": 0.90,
                  "batch-m.txt": 0.945, "batch-n.txt": 0.935, "batch-o.txt": 0.86, "batch-p.txt": 0.89,
                  "batch-q.txt": 0.925, "batch-r.txt": 0.95, "batch-s.txt": 0.94, "batch-t.txt": 0.90,
                  "batch-u.txt": 0.955, "batch-v.txt": 0.94, "batch-w.txt": 0.91,
                  "batch-x.txt": 0.945, "batch-y.txt": 0.945, "batch-z.txt": 0.93,
                  "batch-aa.txt": 0.905, "batch-ab.txt": 0.95, "batch-ac.txt": 0.88,
                  "batch-ad.txt": 0.92}
"""The share each batch gets right now (docs/figures.md has each batch's first run): a floor, so that a
change that helps one class and costs another is seen."""
BATCHES = [Path(__file__).parent / "blind" / name for name in RIGHT_AT_LEAST]

NOT_YET = {
    # Nigerian English "hand" for the arm: the hand is answered (the foot massaged), not the forearm.
    "my hand is paining me from the elbow down to the wrist the left one",
    # a friend's condition of last year, told out of curiosity: answered as if it hurt now.
    "my friend had tennis elbow last year, i was just curious how this works",
    # swollen ankles said as context of aching feet: the ankles are answered first, the feet offered next.
    "ankles a bit puffy by the evening at twenty eight weeks, no headache or anything, my feet ache",
    # "my left wrist no ankle ankle": the correction without a pause is read as a denial of the ankle.
    "my left wrist no ankle ankle i always mix them up left ankle",
    # sciatic pain "going from hip down the leg": the hip is answered, not the lower back.
    "pain is going from hip to down the leg sciatic nerve left side",
    # a friend "with the bad hip" in a long story: her hip is taken for the speaker's.
    "Well love I went down to the co op this morning for my paper and I bumped into maureen you know the one with "
    "the bad hip and we got talking about her grandson in australia and by the time I got home my right shoulder "
    "was giving me gyp",
    # an operation's place ("after the bunion op") stays first.
    "my toes are fine after the bunion op the ankle on that side aches though",
    # "no pain, just a bruise ... fading out": the bruise's place is answered.
    "no pain just a bruise on my thigh from last month fading out",
    # "my lower back and then my shins, both of them ache": the shins are answered first.
    "um my lower back and then my shins both of them ache",
    # "with my first I had ... sore feet": a past pregnancy's feet are answered first.
    "With my first I had terrible heartburn and sore feet, this time round it's been easier, 26 weeks now, but my "
    "left hip aches when I lie on it",
    # "the fleshy pad bit under it", "the fleshy bit at the bottom of it": a place said by pointing back.
    "thumb uh left thumb the fleshy pad bit under it",
    "its my its my thumb the the fleshy bit at the bottom of it the right",
    "my thumb or the fleshy bit below it i dont know",
    # "my knees are nothing compared to this": a place compared before the comparison word is answered.
    "my knees are nothing compared to this my right big toe is throbbing",
    # "my mum had bad knees before she died ... me nothing today": a dead mother's knees are answered.
    "My mum had bad knees before she died and my dad had a bad back but me nothing today just checking this works.",
    # landing on the hands said as one list with the wrists that ache ("landed on my hands, wrists are
    # achy"): the hands are answered first.
    "tripped over the dog and landed on my hands, wrists are a bit achy but they move fine",
    # "the pinky side" of the wrist is read as the little finger (through the grammar).
    "The bony bit on the outside of my right wrist, the pinky side, is sore",
    # "under the front part" of the feet (the balls of the feet) is not read as a part: the feet are answered.
    "my foots are paining too much, under the front part, both",
    # "my hip isn't as bad as my lower back, the back is the one": the back said again is merged into
    # the lower back compared before, and the hip is answered.
    "my hip isnt as bad as my lower back, the back is the one thats really sore",
    # an arm in a sling since a shoulder operation: the arm groups the shoulder with the wrist that is
    # sore, and the shoulder is answered first.
    "my right arms in a sling since the shoulder operation two weeks ago and the left wrist is sore from doing everything",
    # a fall onto the hand said before the wrist that hurts: the hand is answered first (as batch T's
    # "landed on my hands").
    "Fell on my hand at the ice rink my wrist is bruised but I can move it and grip fine.",
    # "the elbow on that arm": the arm said to point back groups the elbow with the wrist broken years
    # ago, and the wrist is answered.
    "i broke my left wrist two years back and now the elbow on that arm is aching",
    # "my whole back, not the lower, the upper part": the denied part is answered.
    "hey so like my whole back not the lower the upper part",
    # "the soprano next to me has a frozen shoulder ... mine's just a sore jaw": a person named by a word
    # the pack does not know owns nothing, so the frozen shoulder is answered as the speaker's.
    "the soprano next to me has a frozen shoulder poor thing mines just a sore jaw from all the vowels",
    # "an ache in my thumb, like right at the base": the pain word said before the thumb, not between
    # it and the part, so the part is not taken as where the pain is.
    "ive got this ache in my thumb like right at the base the fleshy bit",
    # through the grammar, "striker's" is [unk]: the knee after it reads as "the table leg".
    "the striker's left knee and right elbow are sore after the tackle, he's walking fine",
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
