"""Downloads Vosk speech models: the one part of the assistant that uses the network."""

from __future__ import annotations

import contextlib
import difflib
import fcntl
import hashlib
import http.client
import json
import logging
import os
import shutil
import socket
import ssl
import stat
import sys
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any, BinaryIO, Callable, Final, Iterator, Mapping, Sequence, TextIO

from voice import files
from voice.errors import ModelError
from voice.models import ENV_VAR, check_model_dir, default_model_dir, without_a_model

log = logging.getLogger(__name__)

MODEL_LIST_URL: Final = "https://alphacephei.com/vosk/models/model-list.json"
BLOCK_SIZE: Final = 64 * 1024
MAX_LIST_BYTES: Final = 10 * 1024 * 1024
NETWORK_ERRORS: Final = (
    urllib.error.URLError,
    http.client.HTTPException,
    ConnectionError,
    socket.timeout,
    TimeoutError,
    ssl.SSLError,
)

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class RemoteModel:
    """One entry of the published Vosk model list."""

    name: str
    """The model name, also the folder name inside its zip."""
    url: str
    """Where the zip archive is downloaded from."""
    size: int
    """Size of the zip archive in bytes."""
    md5: str
    """MD5 checksum of the zip archive, lowercase hex."""
    lang: str = ""
    """Language code, e.g. "en-us"."""
    lang_text: str = ""
    """Language name, e.g. "US English"."""
    version: str = ""
    """Model version, e.g. "0.15"."""
    type: str = ""
    """"small", "big", "big-lgraph", ..."""
    obsolete: bool = False
    """True when a newer model replaces this one."""

    @classmethod
    def from_dict(cls, item: Mapping[str, Any]) -> RemoteModel:
        """Build an entry from the list's JSON object; ModelError when it is malformed."""
        try:
            return cls(
                name=str(item["name"]),
                url=str(item["url"]),
                size=int(item["size"]),
                md5=str(item["md5"]).strip().lower(),
                lang=str(item.get("lang", "")),
                lang_text=str(item.get("lang_text", "")),
                version=str(item.get("version", "")),
                type=str(item.get("type", "")),
                obsolete=str(item.get("obsolete", "false")).lower() == "true",
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ModelError(f"A model list entry is malformed ({exc!r}): {item!r}") from exc


# --- Downloading -----------------------------------------------------------------


MODELS_PAGE: Final = "https://alphacephei.com/vosk/models"
UNPACKED_FACTOR: Final = 10
"""An archive may unpack to at most this many times the size the model list states for it (Vosk's
models unpack to two or three times it): more is a zip bomb, refused before a byte is unpacked."""


@contextlib.contextmanager
def _network(what: str) -> Iterator[None]:
    try:
        yield
    except urllib.error.HTTPError as exc:  # the server answered: the network is there, the file is not
        raise ModelError(
            f"Could not {what}: the server answered {exc.code} {exc.reason}.",
            f"It may have moved: download the model by hand from {MODELS_PAGE} and unpack it into "
            f"{default_model_dir()} (or point --model / {ENV_VAR} at it).",
        ) from exc
    except NETWORK_ERRORS as exc:
        reason = getattr(exc, "reason", None) or exc
        raise ModelError(
            f"Could not {what}: {getattr(reason, 'strerror', None) or reason}. Downloading a model needs internet "
            "access once: connect this machine and try again.", without_a_model(),
        ) from exc


def _open(url: str, timeout: float) -> http.client.HTTPResponse:
    request = urllib.request.Request(url, headers={"User-Agent": "acupressure-voice"})
    response: http.client.HTTPResponse = urllib.request.urlopen(request, timeout=timeout)  # noqa: S310
    return response


def _parse_list(data: bytes, url: str) -> list[RemoteModel]:
    try:
        items = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelError(f"The model list at {url} is not valid JSON ({exc}).") from exc
    except RecursionError:
        raise ModelError(f"The model list at {url} is not a list of models: it is nested too deeply.") from None
    if not isinstance(items, list):
        raise ModelError(f"The model list at {url} is not a JSON list.")
    models = []
    for item in items:
        try:
            models.append(RemoteModel.from_dict(item))
        except ModelError as exc:
            log.debug("Skipping entry: %s", exc)
    return models


def fetch_model_list(url: str = MODEL_LIST_URL, timeout: float = 30) -> list[RemoteModel]:
    """Download and parse the published list of Vosk models."""
    with _network(f"fetch the model list from {url}"):
        with _open(url, timeout) as response:
            data = response.read(MAX_LIST_BYTES + 1)
    if len(data) > MAX_LIST_BYTES:
        raise ModelError(f"The model list at {url} is larger than {MAX_LIST_BYTES} bytes; refusing it.")
    return _parse_list(data, url)


def _find_remote(name: str, models: Sequence[RemoteModel]) -> RemoteModel:
    for model in models:
        if model.name == name:
            return model
    close = difflib.get_close_matches(name, [m.name for m in models], n=5, cutoff=0.5)
    hint = f" Did you mean: {', '.join(close)}?" if close else ""
    raise ModelError(
        f'There is no Vosk model named "{name}" in the model list.{hint} '
        f"All models are listed at {MODELS_PAGE}."
    )


def _check_name(name: str) -> None:
    if not name or name in (".", "..") or PurePosixPath(name).name != name or "\\" in name:
        raise ModelError(f'"{name}" is not a model name (expected e.g. vosk-model-small-en-us-0.15).')


def _refuse_existing(target: Path) -> None:
    if target.exists() or target.is_symlink():
        raise ModelError(
            f"{target} already exists; it was left untouched. "
            "Delete or rename it first if you want to download the model again."
        )


def _check_folder(dest_dir: Path) -> None:
    """Before the network is used: a models folder that is a file (or under one) cannot be one."""
    path = files.file_in_the_way(dest_dir)
    if path is not None:
        where = "it is a file" if path == dest_dir else f"{path} is a file"
        raise ModelError(f"Cannot put a model into {dest_dir}: {where}, not a folder. Name a folder with "
                         "--dest (it is made when missing).")


def _copy_body(
    response: BinaryIO, out: BinaryIO, model: RemoteModel, progress: Progress | None
) -> tuple[int, str]:
    digest = hashlib.md5(usedforsecurity=False)
    done = 0
    while block := response.read(BLOCK_SIZE):
        out.write(block)
        digest.update(block)
        done += len(block)
        if progress is not None:
            progress(done, model.size)
        if done > model.size:
            raise ModelError(
                f"The download of {model.name} is larger than the {model.size} bytes the list announces; stopped."
            )
    return done, digest.hexdigest()


def _download_archive(model: RemoteModel, archive: Path, progress: Progress | None, timeout: float) -> None:
    with _network(f"download {model.url}"):
        with _open(model.url, timeout) as response, archive.open("wb") as out:
            done, md5 = _copy_body(response, out, model, progress)
            missing = response.length  # bytes announced by Content-Length but never received
            if missing:
                raise ConnectionError(f"the connection closed after {done} of {done + missing} bytes")
    if done != model.size:
        raise ModelError(
            f"The download of {model.name} is incomplete or wrong: received {done} bytes, "
            f"the model list says {model.size}. Nothing was installed; try again."
        )
    if md5 != model.md5:
        raise ModelError(
            f"The download of {model.name} is corrupt: its md5 is {md5}, the model list says "
            f"{model.md5}. Nothing was installed; try again."
        )


def _unsafe_reason(info: zipfile.ZipInfo, into: Path) -> str | None:
    name = info.filename
    if stat.S_ISLNK(info.external_attr >> 16):
        return "is a symbolic link"
    if name.startswith(("/", "\\")) or PureWindowsPath(name).drive:
        return "has an absolute path"
    if ".." in PurePosixPath(name.replace("\\", "/")).parts:
        return "contains '..'"
    if not (into / name).resolve().is_relative_to(into.resolve()):
        return "would be written outside the target folder"
    return None


def _extract(archive: Path, into: Path, model: RemoteModel) -> None:
    model_name = model.name
    try:
        with zipfile.ZipFile(archive) as zf:
            members = zf.infolist()
            for info in members:
                reason = _unsafe_reason(info, into)
                if reason:
                    raise ModelError(
                        f"The archive of {model_name} is unsafe: entry {info.filename!r} {reason}. "
                        "Nothing was installed."
                    )
            _refuse_a_bomb(members, model)
            zf.extractall(into, members)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as exc:
        raise ModelError(f"The archive of {model_name} is not a valid zip file ({exc}). Nothing was installed.") from exc


def _refuse_a_bomb(members: Sequence[zipfile.ZipInfo], model: RemoteModel) -> None:
    """The sizes the archive states bound what unpacking writes (zipfile stops at them)."""
    unpacked = sum(info.file_size for info in members)
    if unpacked > UNPACKED_FACTOR * model.size:
        raise ModelError(f"The archive of {model.name} would unpack to {_mib(unpacked)} MiB, more than "
                         f"{UNPACKED_FACTOR} times the {_mib(model.size)} MiB the model list states for it; "
                         "it was not unpacked. Nothing was installed.")


def _model_root(extracted: Path, model_name: str) -> Path:
    entries = [p for p in extracted.iterdir() if not p.name.startswith("__MACOSX")]
    root = entries[0] if len(entries) == 1 and entries[0].is_dir() else extracted
    try:
        check_model_dir(root)
    except ModelError as exc:
        raise ModelError(f"The archive of {model_name} does not hold a Vosk model: {exc}") from exc
    return root


def _install(model: RemoteModel, work: Path, target: Path, progress: Progress | None, timeout: float) -> None:
    archive = work / "download.zip"
    extracted = work / "extracted"
    _download_archive(model, archive, progress, timeout)
    extracted.mkdir()
    _extract(archive, extracted, model)
    root = _model_root(extracted, model.name)
    _refuse_existing(target)
    os.replace(root, target)


STALE_SECONDS: Final = 600.0
"""A download folder without a lock that nothing has been written to for this long is a leftover."""
LOCK_NAME: Final = ".lock"
"""Held (flock) by the download writing into a .partial folder for as long as it runs."""


def _clean_stale(dest_dir: Path, name: str) -> None:
    """Remove what a download killed without warning (power cut, SIGKILL) left behind: a
    .partial folder whose lock nobody holds."""
    for leftover in dest_dir.glob(f".{name}.*.partial"):
        if _abandoned(leftover):
            log.info("Removing %s, left by an interrupted download", leftover)
            shutil.rmtree(leftover, ignore_errors=True)


def _abandoned(folder: Path) -> bool:
    try:
        handle = os.open(folder / LOCK_NAME, os.O_RDONLY)
    except OSError:
        return time.time() - _last_written(folder) > STALE_SECONDS
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False  # another download is writing into it right now
    finally:
        os.close(handle)


def _last_written(folder: Path) -> float:
    times = [folder.lstat().st_mtime]
    for path in folder.rglob("*"):
        with contextlib.suppress(OSError):
            times.append(path.lstat().st_mtime)
    return max(times)


@contextlib.contextmanager
def _work_dir(dest_dir: Path, name: str) -> Iterator[Path]:
    """A locked .partial folder beside the target, removed on every way out."""
    try:
        dest_dir.mkdir(parents=True, exist_ok=True)
        _clean_stale(dest_dir, name)
        work = Path(tempfile.mkdtemp(prefix=f".{name}.", suffix=".partial", dir=dest_dir))
    except OSError as exc:
        raise ModelError(f"Cannot write to the models folder {dest_dir}: {exc.strerror or exc}.") from exc
    try:
        lock = os.open(work / LOCK_NAME, os.O_CREAT | os.O_WRONLY, 0o644)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield work
        finally:
            os.close(lock)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def download_model(
    name: str,
    dest_dir: Path,
    list_url: str = MODEL_LIST_URL,
    progress: Progress | None = None,
    timeout: float = 30,
) -> Path:
    """Download, verify and unpack model NAME into dest_dir/NAME; leave nothing behind on failure."""
    dest_dir = Path(dest_dir).expanduser()
    _check_name(name)
    _check_folder(dest_dir)
    target = dest_dir / name
    _refuse_existing(target)
    model = _find_remote(name, fetch_model_list(list_url, timeout))
    if model.obsolete:
        log.warning("Model %s is marked obsolete in the model list", name)
    with _work_dir(dest_dir, name) as work:
        try:
            _install(model, work, target, progress, timeout)
        except OSError as exc:
            raise ModelError(f"Could not install {name} into {dest_dir}: {exc}. Nothing was installed.") from exc
    log.info("Installed model %s in %s", name, target)
    return target


# --- Progress display --------------------------------------------------------------


def _mib(n: int) -> str:
    return f"{n / (1024 * 1024):.1f}"


def progress_bar(stream: TextIO | None = None, width: int = 30) -> Progress:
    """A progress(done, total) callable drawing a text bar on a TTY (sys.stderr by default), else one final line."""
    out = sys.stderr if stream is None else stream
    tty = out.isatty()
    last = -1

    def draw(done: int, total: int) -> None:
        nonlocal last
        percent = min(100, done * 100 // total) if total > 0 else 0
        finished = total > 0 and done >= total
        if tty and percent != last:
            filled = width * percent // 100
            out.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {percent:3d}% {_mib(done)}/{_mib(total)} MiB")
            out.write("\n" if finished else "")
            out.flush()
        elif not tty and finished and last != 100:
            out.write(f"Downloaded {_mib(done)} MiB\n")
        last = percent

    return draw
