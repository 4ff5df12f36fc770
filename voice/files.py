"""Files written whole: a scratch file nobody can guess or plant a link for, then moved into place."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import BinaryIO, Final, Iterator

MODE: Final = 0o644
"""What a file we write may be: read by everyone, written by its owner (as the usual umask gives)."""


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
