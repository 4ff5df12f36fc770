"""Finds and lists the Vosk speech models on this machine (downloading them is voice/download.py)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shlex
import sys
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, BinaryIO, Callable, Final, Iterator, Mapping, Sequence

from voice import files
from voice.errors import ModelError
from voice.exits import uninterrupted

log = logging.getLogger(__name__)

ENV_VAR: Final = "VOSK_MODEL_PATH"
SOURCE_ROOT: Final = Path(__file__).resolve().parent.parent
IN_CHECKOUT: Final = (SOURCE_ROOT / "pyproject.toml").is_file()
"""Running from a clone of the repository (an editable install), not from an installed wheel."""
PROJECT_MODELS_DIR: Final = SOURCE_ROOT / "models"
"""The clone's models/ folder; searched only when running from a clone."""
USER_MODELS_DIR: Final = Path("~/.cache/vosk")
SYSTEM_MODELS_DIR: Final = Path("/usr/share/vosk")
REQUIRED_FILES: Final = ("am/final.mdl", "conf/model.conf")
IVECTOR_FILES: Final = ("ivector/final.ie", "ivector/final.dubm", "ivector/final.mat", "ivector/global_cmvn.stats",
                        "ivector/online_cmvn.conf", "ivector/splice.conf")
"""The speaker-adaptation part every published Vosk model has: without it no recognizer can be made."""
TEST_RATE: Final = 16000
"""Sample rate of the recognizer made to prove a model works."""


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
    fix: str | None = None
    """What to do about the problem; None: download it again."""


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
    """True when the folder has the files of a Vosk model (and this user may look into it)."""
    try:
        return path.is_dir() and not _missing_files(path)
    except OSError:
        return False


def _unreadable_part(path: Path) -> Path | None:
    """The first folder or file of the model this user may not read; None when every one can be."""
    if not os.access(path, os.R_OK | os.X_OK):
        return path
    for root, folders, names in os.walk(path):
        for folder in folders:
            if not os.access(os.path.join(root, folder), os.R_OK | os.X_OK):
                return Path(root, folder)
        for name in names:
            if not os.access(os.path.join(root, name), os.R_OK):
                return Path(root, name)
    return None


def _permission_problem(path: Path, part: Path) -> ModelError:
    what = "the folder" if part == path else str(part.relative_to(path))
    return ModelError(f"Your user may not read {what} of the Vosk model in {path} (permission denied).",
                      fix=f"Let it be read: chmod -R a+rX {shlex.quote(str(path))} (as its owner, or with sudo), "
                          "or run as a user who may read it.")


def _unreadable_folder(folder: Path) -> ModelError:
    return ModelError(f"Your user may not look into {folder} (permission denied).",
                      fix=f"Let it be read: chmod a+rx {shlex.quote(str(folder))} (as its owner, or with sudo).")


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
    try:
        exists, folder = path.exists(), path.is_dir()
    except PermissionError:
        raise _unreadable_folder(path.parent) from None
    if not exists:
        raise ModelError(f"The model folder {path} does not exist.")
    if not folder:
        raise ModelError(f"{path} is a file, not a Vosk model folder.")
    unreadable = _unreadable_part(path)
    if unreadable is not None:  # not "damaged, download it again": a chmod is the fix
        raise _permission_problem(path, unreadable)
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
    vosk = import_vosk()
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
    detail = f": {' '.join(said.split()).rstrip('.')}" if said else ""  # Kaldi pads its lines with spaces
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


def import_vosk() -> Any:
    """The vosk module, its native logging quiet unless debugging; a clear error when it cannot load."""
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
        project = [PROJECT_MODELS_DIR] if IN_CHECKOUT else []
        search_dirs = [*project, USER_MODELS_DIR.expanduser(), SYSTEM_MODELS_DIR]
    return ([env_dir] if env_dir else []) + [Path(d) for d in search_dirs]


def default_search_dirs(env: Mapping[str, str] | None = None) -> list[Path]:
    """The folders searched for models, in order: $VOSK_MODEL_PATH, the clone's models/, ~/.cache/vosk,
    /usr/share/vosk."""
    return _search_plan(env, None)


def default_model_dir() -> Path:
    """Where a downloaded model goes: the clone's models/ folder, else Vosk's cache folder."""
    if IN_CHECKOUT and PROJECT_MODELS_DIR.is_dir():
        return PROJECT_MODELS_DIR
    return USER_MODELS_DIR.expanduser()


def _checked_explicit(path: Path) -> Path:
    path = path.expanduser()
    if not _exists(path):
        raise ModelError(f"The model path {path} (given with --model) does not exist; check the path.")
    check_model_dir(path)
    return path


def _exists(path: Path) -> bool:
    """Whether the path exists; True too when this user may not look (check_model_dir says so)."""
    try:
        return path.exists()
    except PermissionError:
        return True


def without_a_model() -> str:
    """What works while there is no model, said wherever one is missing (as the README says)."""
    return ('Meanwhile, `acupressure ask "my left elbow hurts"` answers typed questions without a model, and a '
            f"model folder copied from another machine into {default_model_dir()} gives spoken sessions from sound "
            "files (`acupressure listen --input question.wav --text-only`).")


def _not_found(name: str, places: Sequence[Path]) -> ModelError:
    closed = _closed(places)
    unread = f" Could not look into {', '.join(map(str, closed))} (permission denied)." if closed else ""
    return ModelError(
        f'Speech model "{name}" was not found. Looked for a folder named {name} in: '
        f"{', '.join(str(p) for p in places)}.{unread}",
        fix=f"To fix, run `acupressure model download {name}` (needs internet once), "
            f"or point --model PATH or {ENV_VAR} at an unpacked model folder. {without_a_model()}",
    )


def _may_look_into(folder: Path) -> bool:
    """False for a folder that exists but that this user may not list or enter."""
    return not os.path.isdir(folder) or os.access(folder, os.R_OK | os.X_OK)


def _closed(places: Sequence[Path]) -> list[Path]:
    """The places that exist but that this user may not look into, in their order."""
    return [place for place in places if not _may_look_into(place)]


def unreadable_places(env: Mapping[str, str] | None = None,
                      search_dirs: Sequence[Path] | None = None) -> list[ModelError]:
    """The search folders this user may not look into (skipped by the search), each with its fix."""
    return [_unreadable_folder(folder) for folder in _closed(_search_plan(env, search_dirs))]


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
        if _may_look_into(folder) and candidate.is_dir():
            check_model_dir(candidate)
            log.debug("Found model %s in %s", name, folder)
            return candidate
    raise _not_found(name, places)


def _folder_size(path: Path) -> int:
    total = 0
    for root, _dirs, names in os.walk(path):
        for name in names:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(root, name)).st_size
    return total


def _installed(path: Path) -> InstalledModel:
    size = _folder_size(path)
    unreadable = _unreadable_part(path)
    if unreadable is not None:
        error = _permission_problem(path, unreadable)
        return InstalledModel(path.name, path, size, False, error.problem, error.fix)
    missing = _missing_files(path)
    problem = f"it lacks {', '.join(missing)}" if missing else None
    return InstalledModel(path.name, path, size, supports_grammar(path), problem)


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
    if not _may_look_into(path):
        return True  # cannot tell: listed, with why it cannot be used
    return any((path / part).exists() for part in ("am", "conf", "graph", "ivector")) or \
        path.name.startswith("vosk-model")


# --- The loading check, for the list ----------------------------------------------------

CHECKS_FILE: Final = "model-checks.json"
"""The verdicts of the loading check, kept in the cache folder (voice.settings.cache_path)."""


def loading_checked(installed: Sequence[InstalledModel], cache: Path) -> list[InstalledModel]:
    """The models, each that looks complete put through the one check (open_model: loading it
    and making a recognizer, as a session does). A verdict is kept in `cache` for as long as no
    file of the model changes size or time, so each model is loaded once, not at every list."""
    verdicts = _read_verdicts(cache)
    checked = []
    new = False
    for model in installed:
        if model.problem is not None:
            checked.append(model)
            continue
        key, stamp = str(model.path.resolve()), _stamp(model.path)
        if verdicts.get(key, {}).get("stamp") != stamp:
            log.debug("checking the model %s by loading it", model.path)
            verdicts[key], new = {"stamp": stamp, **_load_verdict(model.path)}, True
        checked.append(replace(model, problem=verdicts[key].get("problem"), fix=verdicts[key].get("fix")))
    if new:
        _write_verdicts(cache, verdicts)
    return checked


def _load_verdict(path: Path) -> dict[str, str | None]:
    try:
        open_model(path)  # loaded only to see that it loads; let go at once
    except ModelError as error:
        return {"problem": error.problem, "fix": error.fix}
    return {"problem": None, "fix": None}


def _stamp(path: Path) -> str:
    """Changes when any file of the model is added, removed, resized or written."""
    digest = hashlib.sha256()
    for root, _folders, names in sorted(os.walk(path)):
        for name in sorted(names):
            with contextlib.suppress(OSError):
                found = os.stat(os.path.join(root, name))
                digest.update(f"{os.path.join(root, name)}\0{found.st_size}\0{found.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _read_verdicts(cache: Path) -> dict[str, dict[str, Any]]:
    try:
        verdicts = json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {key: value for key, value in verdicts.items() if isinstance(value, dict)} \
        if isinstance(verdicts, dict) else {}


def _write_verdicts(cache: Path, verdicts: Mapping[str, Any]) -> None:
    """Kept when it can be: a cache that cannot be written only costs the time of the check."""
    try:
        files.replace_whole(cache, json.dumps(verdicts, indent=1, sort_keys=True).encode("utf-8"))
    except OSError as error:
        log.debug("cannot keep the model checks in %s: %s", cache, error)
