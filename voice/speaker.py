"""Where speech goes: played (stoppable at any moment), written to numbered WAV files, or nowhere."""

from __future__ import annotations

import logging
import math
import os
import re
import shlex
import tempfile
import threading
import time
from pathlib import Path
from typing import Callable, Final, Protocol

from voice import audio, devices, files
from voice.audio import AudioChunk
from voice.errors import AudioError, OutputError, SpeechError
from voice.speech import Pyttsx3Renderer, Runner, Voice

log = logging.getLogger(__name__)

PLAY_MARGIN_SECONDS: Final = 5.0
"""Time allowed beyond a sound's own length to play it."""

_NUMBERED = re.compile(r"^(\d+)-")

Started = Callable[[AudioChunk | None], None]
"""Called as the first sound of speech goes out, with the whole sound when this program plays it
(barge-in compares it with what the microphone hears), None when another program does."""


def nothing(sound: AudioChunk | None) -> None:
    """The default Started: nobody is told."""


class Speaker(Protocol):
    """Where the assistant's words and sounds go."""

    def say(self, sentences: tuple[str, ...], started: Started = nothing) -> int:
        """Speak the sentences as one utterance; return when the words are out or stop() cut
        them off, with how many of the sentences were said to their end. `started` is called
        as the first sound goes out (not at all when there is none)."""

    def play(self, chunk: AudioChunk) -> None:
        """Play a short sound such as a tone cue."""

    def stop(self) -> None:
        """Cut off the current speech or sound at once; safe at any time, from any thread."""

    def set_voice(self, voice: Voice) -> None:
        """Use this voice from the next words on."""

    def close(self) -> None:
        """Release the engine."""


class Renderer(Protocol):
    """A speech engine that turns text into audio (voice.speech)."""

    def render(self, text: str) -> AudioChunk | None:
        """The text as speech; None for blank text or when stop() cut it off."""

    def stop(self) -> None:
        """Give up the rendering under way."""

    def set_voice(self, voice: Voice) -> None:
        """Use this voice from the next render() on."""

    def close(self) -> None:
        """Release the engine."""


class _Rendering:
    """What every speaker that renders speech shares: the renderer's voice and its lifetime."""

    def __init__(self, renderer: Renderer) -> None:
        self._renderer = renderer
        self._closed = False

    def stop(self) -> None:
        """Give up the rendering under way."""
        self._renderer.stop()

    def set_voice(self, voice: Voice) -> None:
        """Use this voice from the next say() on."""
        self._check_open()
        self._renderer.set_voice(voice)

    def close(self) -> None:
        """Stop, and let the engine go; the speaker cannot be used afterwards."""
        if self._closed:
            return
        self.stop()
        self._closed = True
        self._renderer.close()

    def _check_open(self) -> None:
        if self._closed:
            raise SpeechError("The speaker is closed; create a new one.")


class SoundSpeaker(_Rendering):
    """Renders each utterance, then plays it on an output device; stop() silences it at once."""

    def __init__(self, renderer: Renderer, player: devices.Player,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(renderer)
        self._player = player
        self._clock = clock
        self._runner = Runner()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._started = self._stopped = 0.0

    def say(self, sentences: tuple[str, ...], started: Started = nothing) -> int:
        """Speak the sentences aloud as one sound; blank ones are skipped. Each is rendered on
        its own, so that where the sound was cut off tells which sentence was playing."""
        self._check_open()
        self._stopping.clear()
        chunks: list[AudioChunk] = []
        ends: list[float] = []
        for sentence in sentences:
            chunk = self._renderer.render(sentence)
            if self._stopping.is_set():
                return 0
            chunks += [chunk] if chunk is not None else []
            ends.append(sum(piece.seconds for piece in chunks))
        if not chunks:
            return len(sentences)
        cut_at = self._play(audio.join(chunks, chunks[0].rate), started)
        return sum(end <= cut_at for end in ends)

    def play(self, chunk: AudioChunk) -> None:
        """Play a sound."""
        self._check_open()
        self._stopping.clear()
        self._play(chunk)

    def stop(self) -> None:
        """Stop rendering and silence the device now."""
        with self._lock:
            if not self._stopping.is_set():
                self._stopping.set()
                self._stopped = self._clock()
        self._renderer.stop()
        self._player.stop()

    def _play(self, chunk: AudioChunk, started: Started = nothing) -> float:
        """How many seconds of the chunk had played when stop() cut it off; infinity when it
        played to its end."""
        with self._lock:  # a stop() from now on reaches a sound that has started
            if self._stopping.is_set():
                return 0.0
            self._player.start(chunk)
            self._started = self._clock()
        started(chunk)
        seconds = chunk.seconds + PLAY_MARGIN_SECONDS
        self._runner.run(self._player.wait, seconds, "playing sound")
        with self._lock:
            return self._stopped - self._started if self._stopping.is_set() else math.inf


class WavSpeaker(_Rendering):
    """Renders each utterance into the next numbered WAV file in a folder (headless runs)."""

    def __init__(self, renderer: Renderer, folder: Path) -> None:
        super().__init__(renderer)
        self._folder = _prepare_folder(Path(folder))
        self._files: list[Path] = []

    @property
    def files(self) -> list[Path]:
        """The WAV files this speaker wrote, oldest first."""
        return list(self._files)

    @property
    def last_file(self) -> Path | None:
        """The WAV file written last, if any."""
        return self._files[-1] if self._files else None

    def say(self, sentences: tuple[str, ...], started: Started = nothing) -> int:
        """Write the sentences' speech to the next file, all of it (a file is not cut off);
        blank or stopped text writes nothing. Nothing is heard: `started` is not called."""
        self._check_open()
        chunk = self._renderer.render(" ".join(sentences))
        if chunk is not None:
            self._record(chunk, "say")
        return len(sentences)

    def play(self, chunk: AudioChunk) -> None:
        """Write the sound to the next file."""
        self._check_open()
        self._record(chunk, "cue")

    def _record(self, chunk: AudioChunk, kind: str) -> None:
        path = _write_next(self._folder, kind, chunk)
        self._files.append(path)
        log.debug("Wrote %s (%.1f s)", path, chunk.seconds)


class TextSpeaker:
    """The --text-only speaker: no sound at all; the session prints what is said."""

    def say(self, sentences: tuple[str, ...], started: Started = nothing) -> int:
        """Nothing to cut off: every sentence is said (in text, by the session); no sound."""
        return len(sentences)

    def play(self, chunk: AudioChunk) -> None:
        """Do nothing."""

    def stop(self) -> None:
        """Do nothing."""

    def set_voice(self, voice: Voice) -> None:
        """Do nothing."""

    def close(self) -> None:
        """Do nothing."""


def pyttsx3_speaker(
    voice: Voice, out_dir: Path | None = None, device: str | int | None = None
) -> SoundSpeaker | WavSpeaker:
    """pyttsx3 speech on the output device, or into numbered WAV files in `out_dir`."""
    if out_dir is not None:  # the folder is tried first, so that no engine is left open when it fails
        return WavSpeaker(Pyttsx3Renderer(voice), _prepare_folder(Path(out_dir)))
    return SoundSpeaker(Pyttsx3Renderer(voice), devices.Player(device))


# --- numbered files ------------------------------------------------------------


FOLDER_FIX: Final = "Name another folder with --speech-out: one you may write to (it is made when missing)."
"""How to fix a --speech-out folder that cannot be used."""


def _prepare_folder(folder: Path) -> Path:
    """The folder, made when missing and tried with a file of our own: a folder that cannot take
    the speech is said before the session starts, not after its first sentence."""
    if folder.exists() and not folder.is_dir():
        raise AudioError(f"Cannot write speech into '{folder}': it is a file, not a folder.", FOLDER_FIX)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        problem = _reason(error, folder)
        raise AudioError(f"Cannot make the speech folder '{folder}': {problem}.", FOLDER_FIX) from error
    try:
        descriptor, probe = tempfile.mkstemp(prefix=".writable-", dir=folder)  # a new name: overwrites nothing
    except OSError as error:
        raise AudioError(f"Cannot write speech into the folder '{folder}': {_reason(error)}.",
                         f"Let your user write to it (chmod u+w {shlex.quote(str(folder))}), "
                         "or name another folder with --speech-out.") from error
    os.close(descriptor)
    os.unlink(probe)
    return folder


def _reason(error: OSError, folder: Path | None = None) -> str:
    if isinstance(error, NotADirectoryError) and folder is not None:
        path = files.file_in_the_way(folder.parent)
        if path is not None:
            return f"'{path}' is a file, not a folder"
    return str(error.strerror or error).lower()


def _highest_number(folder: Path) -> int:
    matches = (_NUMBERED.match(entry.name) for entry in folder.iterdir())
    return max((int(match.group(1)) for match in matches if match), default=0)


def _write_next(folder: Path, kind: str, chunk: AudioChunk) -> Path:
    """Write the chunk as the next numbered file; an existing file is never touched, and a
    numbered file only ever appears complete (it is linked into place once written). Nothing is
    left behind when it cannot be written: the run stops with one line saying why."""
    try:
        with files.scratch(folder, f".writing-{kind}-", ".wav") as (file, scratch):
            audio.write_wav_into(file, chunk)
            file.flush()
            return _link_numbered(folder, kind, scratch)
    except OSError as error:
        raise OutputError(f"Cannot write speech into the folder '{folder}': {_reason(error)}.",
                          "Free some space there, or name another folder with --speech-out.") from error


def _link_numbered(folder: Path, kind: str, scratch: Path) -> Path:
    number = _highest_number(folder) + 1
    while True:
        path = folder / f"{number:03d}-{kind}.wav"
        try:
            os.link(scratch, path)
            return path
        except FileExistsError:
            number += 1
