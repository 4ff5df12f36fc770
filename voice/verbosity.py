"""How much of an answer is spoken: brief, normal or detailed; every warning at every length."""

# The resolver decides what is true and safe; this only picks which of its sentences are said,
# and adds the pack's sentences that explain it. A brief answer keeps the target, the side, how
# long and every warning word for word: cautions and notes are never dropped or shortened.

from __future__ import annotations

from enum import Enum

from voice.resolver import Resolution, Resolver


class Verbosity(str, Enum):
    """The setting `verbosity`."""

    BRIEF = "brief"
    """The target and side, how long, and every warning."""
    NORMAL = "normal"
    """What to do and how (the resolver's answer as it is)."""
    DETAILED = "detailed"
    """Also why this area (like cures like), how to find it, and what the points are for."""

    def shorter(self) -> Verbosity:
        return Verbosity.NORMAL if self is Verbosity.DETAILED else Verbosity.BRIEF

    def longer(self) -> Verbosity:
        return Verbosity.NORMAL if self is Verbosity.BRIEF else Verbosity.DETAILED


def spoken_answer(resolution: Resolution, verbosity: Verbosity, resolver: Resolver, seconds: int) -> str:
    """Everything after the echo at this verbosity (`seconds`: how long to massage): cautions,
    instruction, notes, in that order."""
    if not resolution.understood or resolution.target is None or verbosity is Verbosity.NORMAL:
        return resolution.spoken_answer
    if verbosity is Verbosity.BRIEF:
        middle: tuple[str, ...] = (_brief(resolution, resolver, seconds),)
    else:
        middle = (*resolution.instruction, *_details(resolution, resolver))
    return " ".join(part for part in (*resolution.cautions, *middle, *resolution.notes) if part)


def speech(resolution: Resolution, verbosity: Verbosity, resolver: Resolver, seconds: int) -> str:
    """The whole answer at this verbosity: the echo, then spoken_answer()."""
    answer = spoken_answer(resolution, verbosity, resolver, seconds)
    return " ".join(part for part in (resolution.echo, answer) if part)


def _brief(resolution: Resolution, resolver: Resolver, seconds: int) -> str:
    assert resolution.target is not None
    target = resolver.place_text(resolution.target, someone_else=resolution.someone_else)
    duration = resolver.duration_text(seconds)
    return resolver.language.say["brief_instruction"].format(target=target, duration=duration)


def _details(resolution: Resolution, resolver: Resolver) -> tuple[str, ...]:
    assert resolution.target is not None
    say = resolver.language.say
    target = resolver.place_text(resolution.target, someone_else=resolution.someone_else)
    sentences = [say["detail_find"].format(target=target)]
    if resolution.pain is not None:
        pain = resolver.place_text(resolution.pain, is_target=False, someone_else=resolution.someone_else)
        sentences.insert(0, say["detail_why"].format(pain=pain, target=target))
    if resolution.points:
        points = resolver.join([resolver.language.point_names[code] for code in resolution.points])
        sentences.append(say["detail_points"].format(points=points))
    return tuple(sentences)
