"""Shared fixtures: the real knowledge and language packs from data/."""

from __future__ import annotations

import pytest

from voice.knowledge import Library, load
from voice.resolver import Resolver


@pytest.fixture(scope="session")
def english() -> Library:
    return load("en")


@pytest.fixture(scope="session")
def resolver(english: Library) -> Resolver:
    return Resolver(english)
