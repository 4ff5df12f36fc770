"""acupressure-voice: an offline, hands-free voice assistant for acupressure self-care."""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from voice.errors import AudioError, DataError, ModelError, SettingsError, SpeechError, VoiceError
    from voice.knowledge import Library, load
    from voice.resolver import Context, Place, Pregnancy, Resolution, Resolver

__version__: str
"""From the package metadata, so pyproject.toml is the one place that states it."""

_HOMES = {"errors": ("AudioError", "DataError", "ModelError", "SettingsError", "SpeechError", "VoiceError"),
          "knowledge": ("Library", "load"), "resolver": ("Context", "Place", "Pregnancy", "Resolution", "Resolver")}
"""Where each name of the API lives: imported when first used, so that starting the command line
(`python -m voice`) runs no module of ours before it can answer Ctrl-C."""


def __getattr__(name: str) -> Any:
    for module, names in _HOMES.items():
        if name in names:
            return getattr(import_module(f"voice.{module}"), name)
    # The metadata reader imports the email package and with it socket: only when asked for.
    if name != "__version__":
        raise AttributeError(f"module 'voice' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("acupressure-voice")
    except PackageNotFoundError:  # a clone run without installing it
        return "0+unknown"

__all__ = [
    "AudioError", "Context", "DataError", "Library", "ModelError", "Place", "Pregnancy", "Resolution",
    "Resolver", "SettingsError", "SpeechError", "VoiceError", "load",
]
