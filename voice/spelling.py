"""Reads a typed word one slip away from a body or side word as that word ("my left wirst")."""

from __future__ import annotations

from typing import Iterable, Iterator, Mapping

SWAP_FROM = 4
"""Two letters swapped ("wirst", "rigth") are read from 4-letter words on."""
DROP_OR_ADD_FROM = 7
"""A letter left out or added ("sholder", "forearmm") only in long words: shorter ones make other
words ("spin" is not "spine", "bright" not "right", "union" not "bunion")."""
CHANGE_FROM = 8
"""A letter changed ("shoulfer") only in the longest words: "finder" is not "finger", "halves" not "calves"."""


def corrections(targets: Iterable[str], known: frozenset[str]) -> Mapping[str, str]:
    """Each slip of a target word that is not itself a known word, and is a slip of one target only."""
    found: dict[str, str] = {}
    ambiguous: set[str] = set()
    targets = sorted(word for word in set(targets) if word.isalpha())
    letters = sorted({letter for word in targets for letter in word})
    for target in targets:
        for slip in set(_slips(target, letters)) - known - {target}:
            if found.setdefault(slip, target) != target:
                ambiguous.add(slip)
    return {slip: target for slip, target in found.items() if slip not in ambiguous}


def _slips(word: str, letters: list[str]) -> Iterator[str]:
    size = len(word)
    if size >= SWAP_FROM:
        yield from (word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(size - 1))
    if size >= DROP_OR_ADD_FROM:
        yield from (word[:i] + word[i + 1:] for i in range(size))
        yield from (word[:i] + letter + word[i:] for i in range(size + 1) for letter in letters)
    if size >= CHANGE_FROM:
        yield from (word[:i] + letter + word[i + 1:] for i in range(size) for letter in letters)
