"""Finds, lists and downloads Vosk speech models."""

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

from voice.errors import ModelError
from voice.exits import uninterrupted

log = logging.getLogger(__name__)

MODEL_LIST_URL: Final = "https://alphacephei.com/vosk/models/model-list.json"
ENV_VAR: Final = "VOSK_MODEL_PATH"
PROJECT_MODELS_DIR: Final = Path(__file__).resolve().parent.parent / "models"
USER_MODELS_DIR: Final = Path("~/.cache/vosk")
SYSTEM_MODELS_DIR: Final = Path("/usr/share/vosk")
BLOCK_SIZE: Final = 64 * 1024
MAX_LIST_BYTES: Final = 10 * 1024 * 1024
REQUIRED_FILES: Final = ("am/final.mdl", "conf/model.conf")
IVECTOR_FILES: Final = ("ivector/final.ie", "ivector/final.dubm", "ivector/final.mat", "ivector/global_cmvn.stats",
                        "ivector/online_cmvn.conf", "ivector/splice.conf")
"""The speaker-adaptation part every published Vosk model has: without it no recognizer can be made."""
TEST_RATE: Final = 16000
"""Sample rate of the recognizer made to prove a model works."""
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
class InstalledModel:
    """A Vosk model folder found on this machine, usable or broken."""

    name: str
    """The folder name, e.g. "vosk-model-small-en-us-0.15"."""
    path: Path
    """The model folder itself (the one holding am/, conf/ and graph/)."""
    size_bytes: int
    """Total size of the files in the folder."""
    grammar: bool
    """True when the model accepts a runtime grammar (small models)."""
    problem: str | None = None
    """Why the folder cannot be used; None when it looks complete."""


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


# --- Validating a folder -------------------------------------------------------


def _missing_files(path: Path) -> list[str]:
    missing = [name for name in REQUIRED_FILES if not (path / name).is_file()]
    graph = path / "graph"
    if not (graph / "HCLG.fst").is_file() and not supports_grammar(path):
        missing.append("graph/HCLG.fst (or graph/HCLr.fst with graph/Gr.fst)")
    return missing + _missing_ivector(path)


def _missing_ivector(path: Path) -> list[str]:
    absent = [name for name in IVECTOR_FILES if not (path / name).is_file()]
    if len(absent) == len(IVECTOR_FILES):
        return ["the ivector/ folder"]
    return absent


def is_model_dir(path: Path) -> bool:
    """True when the folder has the files of a Vosk model."""
    return path.is_dir() and not _missing_files(path)


def supports_grammar(path: Path) -> bool:
    """True when the model accepts a runtime grammar (graph/HCLr.fst and graph/Gr.fst)."""
    graph = Path(path) / "graph"
    return (graph / "HCLr.fst").is_file() and (graph / "Gr.fst").is_file()


def _model_subfolders(path: Path) -> list[Path]:
    with contextlib.suppress(OSError):
        return sorted(p for p in path.iterdir() if is_model_dir(p))
    return []


def check_model_dir(path: Path) -> None:
    """Raise ModelError saying what is wrong when the folder is not a Vosk model."""
    path = Path(path)
    if not path.exists():
        raise ModelError(f"The model folder {path} does not exist.")
    if not path.is_dir():
        raise ModelError(f"{path} is a file, not a Vosk model folder.")
    missing = _missing_files(path)
    if not missing:
        return
    inside = _model_subfolders(path)
    hint = (
        f" It contains a model folder: use {inside[0]} instead."
        if inside
        else " Point to the unpacked model folder (the one holding am/, conf/ and graph/)"
        " or download the model again with `acupressure model download NAME`."
    )
    raise ModelError(f"{path} is not a Vosk model folder: it lacks {', '.join(missing)}.{hint}")


def open_model(path: Path) -> Any:
    """The one test that a folder is a usable model, used to load it for real: check its files,
    load it, and make a recognizer from it. ModelError says which part is missing or broken."""
    path = Path(path)
    check_model_dir(path)
    vosk = _vosk()
    # Ctrl-C inside vosk's constructor leaves a model its destructor cannot free; Kaldi writes
    # its own complaints to the terminal, which belong in our one line instead.
    with uninterrupted(), _native_errors() as said:
        try:
            model = vosk.Model(str(path))
        except Exception:  # vosk raises a bare Exception when the model cannot be created
            raise _broken(path, "could not be loaded", said()) from None
        try:
            vosk.KaldiRecognizer(model, TEST_RATE)
        except Exception:  # noqa: BLE001 - the same bare Exception
            raise _broken(path, "loads, but no recognizer can be made from it", said()) from None
    return model


def _broken(path: Path, what: str, said: str) -> ModelError:
    detail = f": {said.rstrip('.')}" if said else ""
    return ModelError(f"The Vosk model in {path} {what}{detail}. A part of it is damaged.",
                      fix=f"Download it again with `acupressure model download {path.name}`.")


@contextlib.contextmanager
def _native_errors() -> Iterator[Callable[[], str]]:
    """Native code's messages on standard error, kept back; said() is the last error among them."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):
        yield lambda: ""
        return
    with tempfile.TemporaryFile() as kept:
        os.dup2(kept.fileno(), 2)
        try:
            yield lambda: _last_error(kept)
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            log.debug("vosk said: %s", _read_back(kept))


def _read_back(kept: BinaryIO) -> str:
    kept.seek(0)
    return kept.read(64 * 1024).decode("utf-8", errors="replace")


def _last_error(kept: BinaryIO) -> str:
    lines = [line for line in _read_back(kept).splitlines() if line.startswith(("ERROR", "WARNING"))]
    return lines[-1].split(") ", 1)[-1].strip() if lines else ""


def _vosk() -> Any:
    try:
        import vosk
    except (ImportError, OSError) as error:
        raise ModelError(f"The Vosk library cannot be loaded ({error}). Install it: pip install vosk") from None
    vosk.SetLogLevel(0 if log.isEnabledFor(logging.DEBUG) else -1)
    return vosk


MISMATCH_FRACTION: Final = 0.5
"""More of the language pack's words unknown than this: the model is for another language."""


def check_language(model: Any, words: Sequence[str], path: Path, language: str, wanted: str) -> None:
    """ModelError, said once, when the model cannot hear most words of the language pack."""
    unique = sorted({word for phrase in words for word in phrase.split()})
    unknown = [word for word in unique if model.vosk_model_find_word(word) < 0]
    if unique and len(unknown) > MISMATCH_FRACTION * len(unique):
        raise ModelError(f"The speech model {path} does not match the language ({language}): {len(unknown)} of "
                         f"{len(unique)} words unknown; the pack wants model {wanted}.",
                         fix=f"Run `acupressure model download {wanted}` and leave out --model, "
                             "or give --model the folder of that model.")


# --- Locating and listing -------------------------------------------------------


def _env_dir(env: Mapping[str, str] | None) -> Path | None:
    value = (os.environ if env is None else env).get(ENV_VAR, "").strip()
    return Path(value).expanduser() if value else None


def _search_plan(env: Mapping[str, str] | None, search_dirs: Sequence[Path] | None) -> list[Path]:
    env_dir = _env_dir(env)
    if search_dirs is None:
        search_dirs = [PROJECT_MODELS_DIR, USER_MODELS_DIR.expanduser(), SYSTEM_MODELS_DIR]
    return ([env_dir] if env_dir else []) + [Path(d) for d in search_dirs]


def default_search_dirs(env: Mapping[str, str] | None = None) -> list[Path]:
    """The folders searched for models, in order: $VOSK_MODEL_PATH, models/, ~/.cache/vosk, /usr/share/vosk."""
    return _search_plan(env, None)


def _checked_explicit(path: Path) -> Path:
    path = path.expanduser()
    if not path.exists():
        raise ModelError(f"The model path {path} (given with --model) does not exist; check the path.")
    check_model_dir(path)
    return path


def _not_found(name: str, places: Sequence[Path]) -> ModelError:
    return ModelError(
        f'Speech model "{name}" was not found. Looked for a folder named {name} in: '
        f"{', '.join(str(p) for p in places)}.",
        fix=f"To fix, run `acupressure model download {name}` (needs internet once), "
            f"or point --model PATH or {ENV_VAR} at an unpacked model folder.",
    )


def find_model(
    name: str,
    explicit: str | Path | None = None,
    env: Mapping[str, str] | None = None,
    search_dirs: Sequence[Path] | None = None,
) -> Path:
    """Return the model folder to use: --model PATH, then $VOSK_MODEL_PATH, then the search folders."""
    if explicit is not None:
        return _checked_explicit(Path(explicit))
    env_dir = _env_dir(env)
    if env_dir is not None and is_model_dir(env_dir):
        log.debug("Using the model in %s=%s", ENV_VAR, env_dir)
        return env_dir
    places = _search_plan(env, search_dirs)
    for folder in places:
        candidate = folder / name
        if candidate.is_dir():
            check_model_dir(candidate)
            log.debug("Found model %s in %s", name, folder)
            return candidate
    raise _not_found(name, places)


def _folder_size(path: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(path):
        for file in files:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(root, file)).st_size
    return total


def _installed(path: Path) -> InstalledModel:
    missing = _missing_files(path)
    problem = f"it lacks {', '.join(missing)}" if missing else None
    return InstalledModel(path.name, path, _folder_size(path), supports_grammar(path), problem)


def _candidates(folder: Path) -> list[Path]:
    if is_model_dir(folder):
        return [folder]
    with contextlib.suppress(OSError):
        return sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
    return []


def list_models(
    env: Mapping[str, str] | None = None, search_dirs: Sequence[Path] | None = None
) -> list[InstalledModel]:
    """Every model folder in every search folder, in search order; broken ones say why.

    A folder counts as a model (perhaps broken) when it has any part of one; download leftovers
    and unrelated folders are skipped."""
    found: dict[Path, InstalledModel] = {}
    for folder in _search_plan(env, search_dirs):
        for path in _candidates(folder):
            if not _looks_like_model(path):
                log.debug("Skipping %s: not a Vosk model folder", path)
            elif path.resolve() not in found:
                found[path.resolve()] = _installed(path)
    return list(found.values())


def _looks_like_model(path: Path) -> bool:
    return any((path / part).exists() for part in ("am", "conf", "graph", "ivector")) or \
        path.name.startswith("vosk-model")


# --- Downloading -----------------------------------------------------------------


@contextlib.contextmanager
def _network(what: str) -> Iterator[None]:
    try:
        yield
    except NETWORK_ERRORS as exc:
        reason = getattr(exc, "reason", None) or exc
        raise ModelError(
            f"Could not {what}: {reason}. Downloading a model is the one command that needs "
            "internet access: connect this machine and try again, or copy an unpacked model "
            f"folder into {PROJECT_MODELS_DIR} (or point --model / {ENV_VAR} at it)."
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
        "All models are listed at https://alphacephei.com/vosk/models."
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


def _extract(archive: Path, into: Path, model_name: str) -> None:
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
            zf.extractall(into, members)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as exc:
        raise ModelError(f"The archive of {model_name} is not a valid zip file ({exc}). Nothing was installed.") from exc


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
    _extract(archive, extracted, model.name)
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
