"""Directions by touch: the steps to a place or a point, in the words of the language pack."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from voice.knowledge import LanguagePack, PlaceSteps, capital


@dataclass(frozen=True)
class Route:
    """The way to one place or point by touch, as it is said."""

    place: str
    """The place as spoken ("your right knee"), or the point's name."""
    steps: tuple[str, ...]
    """From landmarks that can be felt; the last one finds the spot, or says to keep off a point."""
    source: str
    """Where the steps come from (a point's: WHO Standard Acupuncture Point Locations, 2008)."""
    point: str | None = None
    keep_off: bool = False
    """A point named to keep off in pregnancy: found so that it is not pressed."""

    def title(self, language: LanguagePack) -> str:
        """ "To find your right knee: 4 steps." """
        key = "start_keep_off" if self.keep_off else "start"
        return capital(language.directions.say[key].format(place=self.place, count=len(self.steps)))

    def step(self, index: int, language: LanguagePack) -> str:
        """ "Step 2. Just below it, ..." """
        return language.directions.say["step"].format(n=index + 1, step=self.steps[index])

    def spoken(self, language: LanguagePack) -> tuple[str, ...]:
        """Every step at once: for an answer that is read, not followed by hand."""
        return (self.title(language), *(self.step(index, language) for index in range(len(self.steps))))

    def to_json(self) -> dict[str, Any]:
        return {"place": self.place, "point": self.point, "steps": list(self.steps), "keep_off": self.keep_off,
                "source": self.source}


@dataclass(frozen=True)
class Find:
    """How to find what an answer names: its target, the points it recommends, the points to keep off."""

    target: Route
    points: tuple[Route, ...] = ()
    avoid_points: tuple[Route, ...] = ()

    def recommended(self) -> tuple[Route, ...]:
        """What "how do I find it?" leads to: the target, then each point recommended."""
        return (self.target, *self.points)

    def named_points(self) -> tuple[Route, ...]:
        """What "where is that point?" leads to: every point the answer named."""
        return (*self.points, *self.avoid_points)

    def to_json(self) -> dict[str, Any]:
        return {"target": self.target.to_json(), "points": [route.to_json() for route in self.points],
                "avoid_points": [route.to_json() for route in self.avoid_points]}


def area_route(language: LanguagePack, area: str, qualifier: str | None, place: str) -> Route:
    """The way to an area (`place`: how it is spoken), and to its side when a qualifier names one,
    where the last step stays (a blind trial of "the inner ankle" ended on the whole ankle)."""
    directions = language.directions
    steps = directions.areas[area]
    if not qualifier:
        return Route(place, (*steps.steps, steps.spot), directions.sources["areas"])
    side = steps.qualifiers.get(qualifier) or directions.qualifiers[qualifier]
    return Route(place, (*steps.steps, side, directions.say["spot_on_side"]), directions.sources["areas"])


def point_route(language: LanguagePack, code: str, keep_off: bool = False) -> Route:
    """The way to a point; `keep_off`: its last step says not to press it (pregnancy)."""
    steps: PlaceSteps = language.directions.points[code]
    name = language.point_names[code]
    last = language.directions.say["keep_off"].format(point=name) if keep_off else steps.spot
    return Route(name, (*steps.steps, capital(last)), language.directions.sources["points"], code, keep_off)


class Finder:
    """The directions of one language pack, each route made once (it depends on nothing else)."""

    def __init__(self, language: LanguagePack) -> None:
        self.language = language
        self._points: dict[tuple[str, bool], Route] = {}
        self._areas: dict[tuple[str, str | None, str], Route] = {}
        """The routes to the areas, by area, qualifier and the place as spoken: a table of the pack's, filled as asked."""
        self._finds: dict[tuple[str, str | None, str, tuple[str, ...], tuple[str, ...]], Find] = {}
        """The directions of each answer, by what they are made of: a table of the pack's, filled as asked."""

    def find(self, area: str, qualifier: str | None, place: str, points: tuple[str, ...],
             avoid_points: tuple[str, ...]) -> Find:
        """The directions for one answer: to its target, each point recommended and each point to keep off."""
        key = (area, qualifier, place, points, avoid_points)
        found = self._finds.get(key)
        if found is None:
            found = self._finds[key] = Find(self._area(area, qualifier, place),
                                            tuple(self._point(code, keep_off=False) for code in points),
                                            tuple(self._point(code, keep_off=True) for code in avoid_points))
        return found

    def _area(self, area: str, qualifier: str | None, place: str) -> Route:
        route = self._areas.get((area, qualifier, place))
        if route is None:
            route = self._areas[area, qualifier, place] = area_route(self.language, area, qualifier, place)
        return route

    def _point(self, code: str, keep_off: bool) -> Route:
        route = self._points.get((code, keep_off))
        if route is None:
            route = self._points[code, keep_off] = point_route(self.language, code, keep_off)
        return route
