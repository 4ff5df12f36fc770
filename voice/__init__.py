"""acupressure-voice: an offline, hands-free voice assistant for acupressure self-care."""

from voice.errors import AudioError, DataError, ModelError, SettingsError, SpeechError, VoiceError
from voice.knowledge import Library, load
from voice.resolver import Context, Place, Pregnancy, Resolution, Resolver

__version__ = "0.1.0"

__all__ = [
    "AudioError", "Context", "DataError", "Library", "ModelError", "Place", "Pregnancy", "Resolution",
    "Resolver", "SettingsError", "SpeechError", "VoiceError", "load",
]
