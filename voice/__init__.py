"""acupressure-voice: an offline, hands-free voice assistant for acupressure self-care."""

__version__ = "0.1.0"
