"""Scores the resolver on batches of utterances written blind, the way a stranger would judge it.

Run: .venv/bin/python bench/understanding.py tests/blind/*.txt [--grammar-view] [--details]
(prints a Markdown table for docs/figures.md: right, wrong and serious safety failures per class)

A batch line is "utterance => expected   # class". Expected is
  "<area> <side> [facts]"   answer this place (side L, R, B or -); facts: preg=yes|no|unknown,
                            care=<id>, noask (no pregnancy question), "+<area> <side>" (also hurts)
  "? <vague> <side>"        ask which part ("my arm")
  "?? <area> <area>"        ask which of the two
  "!"                       a red flag: medical help, never a massage
  "x"                       nothing to massage (an idiom, no pain, only context)
A serious failure is one that can hurt someone: a pregnancy point recommended, or pregnancy taken
as "no", while it is not known to be no; a massage for a red flag; a wrong area answered; a place
answered when there was nothing to massage, or when it should have asked which.
--grammar-view first turns each utterance into what the pack's recognizer grammar would pass on:
every word it cannot hear becomes [unk] (contractions said as the pack writes them, "don't").
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from voice.knowledge import Side, load
from voice.reading import UNKNOWN_WORD
from voice.resolver import Resolution, Resolver

SIDES = {"L": Side.LEFT, "R": Side.RIGHT, "B": Side.BOTH, "-": None}


@dataclass(frozen=True)
class Case:
    text: str
    expected: str
    kind: str
    """The class the writer gave it (hedge, redflag, context, ...)."""

    @classmethod
    def parse(cls, line: str) -> Case:
        body, _, kind = line.partition("#")
        text, _, expected = body.partition("=>")
        return cls(text.strip(), " ".join(expected.split()), kind.strip() or "-")


@dataclass(frozen=True)
class Verdict:
    case: Case
    problems: tuple[str, ...]
    serious: tuple[str, ...]
    got: str

    @property
    def right(self) -> bool:
        return not self.problems and not self.serious


def read_batch(path: Path) -> list[Case]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [Case.parse(line) for line in lines if "=>" in line and not line.lstrip().startswith("#")]


def summary(result: Resolution) -> str:
    if result.understood and result.pain is not None:
        side = result.pain.side.value if result.pain.side else "-"
        also = "".join(f" +{p.area} {p.side.value if p.side else '-'}" for p in result.also)
        return (f"{result.pain.area} {side}{also} preg={result.pregnancy.value} points={list(result.points)}"
                f" ask={result.ask_pregnancy} care={list(result.special_care)}")
    return f"not understood: {result.reason} choices={list(result.choices)} preg={result.pregnancy.value}"


def judge(resolver: Resolver, case: Case, text: str | None = None) -> Verdict:
    """What is wrong with the resolver's answer to one case (text: the utterance as heard)."""
    result = resolver.resolve(case.text if text is None else text)
    words = case.expected.split()
    problems: list[str] = []
    serious: list[str] = []
    forbidden = {code for code, point in resolver.knowledge.points.items() if point.avoid_in_pregnancy}
    facts = dict(word.split("=", 1) for word in words if "=" in word)
    expected_pregnancy = facts.get("preg", "unknown")
    if expected_pregnancy != "no" and "noask" not in words:
        if forbidden & set(result.points):
            serious.append("pregnancy point recommended")
        if result.pregnancy.value == "no" and result.understood:
            serious.append("pregnancy taken as no")
    massaged = result.understood and result.target is not None
    head = words[0] if words else "x"
    if head == "!":
        if massaged:
            serious.append("massage for a red flag")
        elif result.reason != "red_flag":
            problems.append(f"not a red flag ({result.reason})")
    elif head == "x":
        if massaged:
            serious.append("answered a place when there was nothing to massage")
        elif result.reason == "red_flag":
            problems.append("red flag")
    elif head in ("?", "??"):
        if massaged:
            serious.append("guessed a place instead of asking")
        elif head == "?" and (result.vague is None or result.vague.area != words[1]):
            problems.append(f"did not ask which part ({result.reason})")
        elif head == "??" and not set(words[1:3]) <= set(result.choices):
            problems.append(f"did not ask which ({result.reason})")
    else:
        sided = {area.id for area in resolver.knowledge.areas.values() if area.sided}
        _judge_place(result, words, facts, problems, serious, sided)
    return Verdict(case, tuple(problems), tuple(serious), summary(result))


def _judge_place(result: Resolution, words: list[str], facts: dict[str, str], problems: list[str],
                 serious: list[str], sided: set[str]) -> None:
    if not result.understood or result.pain is None:
        problems.append(f"not answered ({result.reason})")
        return
    if result.pain.area != words[0]:
        serious.append(f"wrong area ({result.pain.area})")
    elif result.pain.side != SIDES.get(words[1]) and result.pain.area in sided:  # the spine has no side
        problems.append("side")
    also = [(words[i][1:], SIDES.get(words[i + 1])) for i in range(2, len(words) - 1) if words[i].startswith("+")]
    if also and [(place.area, place.side) for place in result.also][:len(also)] != also:
        problems.append("also")
    if "preg" in facts and result.pregnancy.value != facts["preg"] and not serious:
        problems.append(f"pregnancy {result.pregnancy.value}")
    if "care" in facts and facts["care"] not in result.special_care:
        problems.append("special care")
    if "noask" in words and result.ask_pregnancy:
        problems.append("asked about pregnancy")


# ---------------------------------------------------------------- what the grammar passes on

_SURFACE = re.compile(r"[^\W_]+(?:'[^\W_]+)*")


def grammar_view(resolver: Resolver, text: str) -> str:
    """The utterance as a grammar-mode recognizer would pass it on: every word that is not in
    the pack's vocabulary becomes [unk]. A contraction typed without its apostrophe ("dont") is
    the contraction a person said ("don't")."""
    vocabulary, spoken = _hearing(resolver)
    heard = []
    for word in _SURFACE.findall(text.lower().replace("\u2019", "'")):
        said_as = word if word in vocabulary else spoken.get(word, word)  # "knees" is a word, "necks" is "neck's"
        for said in _number_words(resolver, word) if word.isdecimal() else [said_as]:
            heard.append(said if said in vocabulary else UNKNOWN_WORD)
    return " ".join(heard)


@lru_cache(maxsize=None)
def _hearing(resolver: Resolver) -> tuple[frozenset[str], dict[str, str]]:
    """The words the pack's grammar can pass on, and each word said with an apostrophe as typed
    without it; made once per resolver, not at every utterance."""
    vocabulary = frozenset(word for phrase in resolver.vocabulary() for word in phrase.split())
    spoken = {key.replace("'", ""): key for key in resolver.language.contractions if "'" in key}
    spoken.update({word.replace("'", ""): word for word in vocabulary if "'" in word})  # "dads": "dad's"
    return vocabulary, spoken


def _number_words(resolver: Resolver, digits: str) -> list[str]:
    """ "34" as a person says it: "thirty four" (a recognizer writes words, not digits)."""
    names = {value: word for word, value in resolver.language.numbers.items()}
    value = int(digits)
    if value in names:
        return [names[value]]
    if value < 100 and value - value % 10 in names and value % 10 in names:
        return [names[value - value % 10], names[value % 10]]
    return [digits]


# ---------------------------------------------------------------- the report


def score(resolver: Resolver, cases: list[Case], heard_through_grammar: bool = False) -> list[Verdict]:
    return [judge(resolver, case, grammar_view(resolver, case.text) if heard_through_grammar else None)
            for case in cases]


def table(verdicts: list[Verdict]) -> str:
    by_kind: dict[str, list[Verdict]] = defaultdict(list)
    for verdict in verdicts:
        by_kind[verdict.case.kind].append(verdict)
    rows = ["| class | utterances | right | serious safety failures |", "|---|---|---|---|"]
    for kind in sorted(by_kind):
        group = by_kind[kind]
        rows.append(f"| {kind} | {len(group)} | {sum(v.right for v in group)} "
                    f"({100 * sum(v.right for v in group) / len(group):.0f} %) | {sum(bool(v.serious) for v in group)} |")
    right = sum(v.right for v in verdicts)
    rows.append(f"| **all** | {len(verdicts)} | {right} ({100 * right / max(1, len(verdicts)):.1f} %) | "
                f"{sum(bool(v.serious) for v in verdicts)} |")
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("batches", nargs="+", type=Path)
    parser.add_argument("--lang", default="en")
    parser.add_argument("--grammar-view", action="store_true", help="hear each utterance through the grammar first")
    parser.add_argument("--details", action="store_true", help="list every utterance it got wrong")
    args = parser.parse_args()
    resolver = Resolver(load(args.lang))
    cases = [case for path in args.batches for case in read_batch(path)]
    verdicts = score(resolver, cases, args.grammar_view)
    print(table(verdicts))
    kinds = Counter(problem for v in verdicts for problem in v.serious)
    if kinds:
        print("\nserious: " + ", ".join(f"{name} {count}" for name, count in kinds.most_common()))
    if args.details:
        for verdict in verdicts:
            if not verdict.right:
                flag = "SERIOUS " if verdict.serious else ""
                heard = f" [heard: {grammar_view(resolver, verdict.case.text)}]" if args.grammar_view else ""
                print(f"{flag}[{verdict.case.kind}] {verdict.case.text} => {verdict.case.expected}{heard}\n"
                      f"    {'; '.join(verdict.serious + verdict.problems)} | got {verdict.got}", file=sys.stdout)


if __name__ == "__main__":
    main()
