"""Files: written whole through a scratch file nobody can guess or link, and named pipes that make us wait."""

from __future__ import annotations

import contextlib
import logging
import os
import stat
import tempfile
import threading
from pathlib import Path
from typing import BinaryIO, Final, Iterator

log = logging.getLogger(__name__)

MODE: Final = 0o644
"""What a file we write may be: read by everyone, written by its owner (as the usual umask gives)."""
WAIT_NOTICE_SECONDS: Final = 1.0
"""How long opening a named pipe may wait before it is said what it waits for."""


@contextlib.contextmanager
def scratch(folder: Path, prefix: str, suffix: str = "") -> Iterator[tuple[BinaryIO, Path]]:
    """A new file in `folder`, open for writing, removed on every way out unless it was moved.

    tempfile.mkstemp gives it a name nobody can guess and creates it with O_EXCL | O_NOFOLLOW:
    a link planted in the folder is never followed, so no file elsewhere is written through it.
    """
    descriptor, name = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=folder)
    path = Path(name)
    try:
        with os.fdopen(descriptor, "wb") as file:
            os.fchmod(file.fileno(), MODE)
            yield file, path
    finally:
        path.unlink(missing_ok=True)


def replace_whole(path: Path, data: bytes) -> None:
    """Replace the file with `data`, whole or not at all; OSError says why it could not be."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with scratch(path.parent, f".{path.name}.", ".tmp") as (file, written):
        file.write(data)
        file.flush()
        os.fsync(file.fileno())
        os.replace(written, path)


def file_in_the_way(folder: Path) -> Path | None:
    """The first of `folder` and the folders above it that exists but is not a folder: it stops
    the folder from being made or used. None when there is no such file."""
    for path in (folder, *folder.parents):
        if path.exists() and not path.is_dir():
            return path
    return None


def is_pipe(path: Path) -> bool:
    """A named pipe (FIFO): opening it waits until a program opens it for writing."""
    try:
        return stat.S_ISFIFO(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


@contextlib.contextmanager
def said_while_waiting(path: Path) -> Iterator[None]:
    """Around opening `path`: when it is a named pipe nobody writes into yet, say so (once)
    after WAIT_NOTICE_SECONDS. Waiting is fine; waiting in silence looks like a hang."""
    if not is_pipe(path):
        yield
        return
    notice = threading.Timer(WAIT_NOTICE_SECONDS, log.warning,
                             ("Waiting for a program to write into the named pipe %s; nothing goes on until one "
                              "does (Ctrl-C stops it).", path))
    notice.daemon = True
    notice.start()
    try:
        yield
    finally:
        notice.cancel()
