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
    """Also why this area (like cures like), what the points are for, and the steps to find each by touch."""

    def shorter(self) -> Verbosity:
        return Verbosity.NORMAL if self is Verbosity.DETAILED else Verbosity.BRIEF

    def longer(self) -> Verbosity:
        return Verbosity.NORMAL if self is Verbosity.BRIEF else Verbosity.DETAILED


def spoken_answer(resolution: Resolution, verbosity: Verbosity, resolver: Resolver, seconds: int,
                  steps: bool = True) -> str:
    """Everything after the echo at this verbosity (`seconds`: how long to massage): cautions,
    instruction, notes, in that order. `steps`: a detailed answer says the steps to find the target
    and each point recommended; the spoken session leaves them out to say them one at a time."""
    if not resolution.understood or resolution.target is None or verbosity is Verbosity.NORMAL:
        return resolution.spoken_answer
    if verbosity is Verbosity.BRIEF:
        middle: tuple[str, ...] = (_brief(resolution, resolver, seconds),)
    else:
        middle = (*resolution.instruction, *_details(resolution, resolver, steps))
    return " ".join(part for part in (*resolution.cautions, *middle, *resolution.notes) if part)


def speech(resolution: Resolution, verbosity: Verbosity, resolver: Resolver, seconds: int,
           steps: bool = True) -> str:
    """The whole answer at this verbosity: the echo, then spoken_answer()."""
    answer = spoken_answer(resolution, verbosity, resolver, seconds, steps)
    return " ".join(part for part in (resolution.echo, answer) if part)


def _brief(resolution: Resolution, resolver: Resolver, seconds: int) -> str:
    assert resolution.target is not None
    target = resolver.place_text(resolution.target, someone_else=resolution.someone_else)
    duration = resolver.duration_text(seconds)
    return resolver.language.say["brief_instruction"].format(target=target, duration=duration)


def _details(resolution: Resolution, resolver: Resolver, steps: bool) -> tuple[str, ...]:
    """Why there, the steps to the target, what the points are for, the steps to each point."""
    assert resolution.target is not None
    language = resolver.language
    target = resolver.place_text(resolution.target, someone_else=resolution.someone_else)
    sentences: list[str] = []
    if resolution.pain is not None:
        pain = resolver.place_text(resolution.pain, is_target=False, someone_else=resolution.someone_else)
        sentences.append(language.say["detail_why"].format(pain=pain, target=target))
    find = resolution.find if steps else None
    if find is not None:
        sentences.extend(find.target.spoken(language))
    if resolution.points:
        points = resolver.join([language.point_names[code] for code in resolution.points])
        sentences.append(language.say["detail_points"].format(points=points))
    if find is not None:
        sentences.extend(sentence for route in find.points for sentence in route.spoken(language))
    return tuple(sentences)
