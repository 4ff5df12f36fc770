"""acupressure-voice: an offline, hands-free voice assistant for acupressure self-care."""

from voice.errors import AudioError, DataError, ModelError, SettingsError, SpeechError, VoiceError
from voice.knowledge import Library, load
from voice.resolver import Context, Place, Pregnancy, Resolution, Resolver

__version__: str
"""From the package metadata, so pyproject.toml is the one place that states it."""


def __getattr__(name: str) -> str:
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
