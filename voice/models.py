"""Finds and lists the Vosk speech models on this machine (downloading them is voice/download.py)."""

from __future__ import annotations

import contextlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Mapping, Sequence

from voice.errors import ModelError

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


@dataclass(frozen=True)
class InstalledModel:
    """A valid Vosk model folder found on this machine."""

    name: str
    """The folder name, e.g. "vosk-model-small-en-us-0.15"."""
    path: Path
    """The model folder itself (the one holding am/, conf/ and graph/)."""
    size_bytes: int
    """Total size of the files in the folder."""
    grammar: bool
    """True when the model accepts a runtime grammar (small models)."""


# --- Validating a folder -------------------------------------------------------


def _missing_files(path: Path) -> list[str]:
    missing = [name for name in REQUIRED_FILES if not (path / name).is_file()]
    graph = path / "graph"
    if not (graph / "HCLG.fst").is_file() and not supports_grammar(path):
        missing.append("graph/HCLG.fst (or graph/HCLr.fst with graph/Gr.fst)")
    return missing


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
    return InstalledModel(path.name, path, _folder_size(path), supports_grammar(path))


def _candidates(folder: Path) -> list[Path]:
    if is_model_dir(folder):
        return [folder]
    with contextlib.suppress(OSError):
        return sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
    return []


def list_models(
    env: Mapping[str, str] | None = None, search_dirs: Sequence[Path] | None = None
) -> list[InstalledModel]:
    """Every valid model in every search folder, in search order."""
    found: dict[Path, InstalledModel] = {}
    for folder in _search_plan(env, search_dirs):
        for path in _candidates(folder):
            if not is_model_dir(path):
                log.debug("Skipping %s: not a Vosk model folder", path)
            elif path.resolve() not in found:
                found[path.resolve()] = _installed(path)
    return list(found.values())
