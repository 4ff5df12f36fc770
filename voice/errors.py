"""The project's errors: each carries a message a user can act on."""

from __future__ import annotations

from typing import Any


class VoiceError(Exception):
    """Base of every error the assistant reports to the user in one line."""

    def __init__(self, problem: str, fix: str | None = None) -> None:
        super().__init__(f"{problem} {fix}" if fix else problem)
        self.problem = problem
        """What is wrong."""
        self.fix = fix
        """How to fix it, when that is said apart from the problem."""


class DataError(VoiceError):
    """A knowledge file or language pack is missing, unreadable or invalid."""


class ModelError(VoiceError):
    """A speech model is missing, broken, or could not be downloaded."""


class AudioError(VoiceError):
    """An audio device or audio file cannot be used."""


class OutputError(VoiceError):
    """What the user asked to have written cannot be written (a full disk, a folder gone): the run stops."""


class SpeechError(VoiceError):
    """The text-to-speech engine is missing or failed."""


class SettingsError(VoiceError):
    """The settings file or a command-line setting is invalid."""


def first_line(text: Any) -> str:
    """The first line of what a program or a library said, stripped; "" when it said nothing."""
    lines = str(text or "").strip().splitlines()
    return lines[0].strip() if lines else ""
