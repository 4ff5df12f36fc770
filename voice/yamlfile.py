"""Reads the YAML files people edit: size and nesting bounded, duplicate keys refused, one-line errors."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Final, Iterator

import yaml
from yaml.composer import ComposerError
from yaml.constructor import ConstructorError

from voice import files
from voice.errors import VoiceError

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable  # a Path, or a file inside the installed package

MAX_BYTES: Final = 1024 * 1024
"""Settings and language packs are a few kilobytes; anything over a megabyte is a mistake."""
MAX_DEPTH: Final = 40
"""Our files nest a handful of levels; deeper would only exhaust the parser's recursion."""
_MERGE_TAG: Final = "tag:yaml.org,2002:merge"


_BASE: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""The safe loader, written in C when libyaml is there: the language packs load ten times faster."""


class _Loader(_BASE):  # type: ignore[misc]
    """safe_load's loader, with a nesting limit and no duplicate keys."""

    def construct_document(self, node: Any) -> Any:
        _refuse_deep(node)
        return super().construct_document(node)

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        if isinstance(node, yaml.MappingNode):
            _refuse_duplicates(self, node)
        return super().construct_mapping(node, deep=deep)


def _refuse_deep(root: yaml.Node) -> None:
    """Walked without recursion, so that no depth can exhaust the stack here; a node reached
    again by an alias is walked again only when it is reached deeper (so a loop ends too)."""
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    deepest: dict[int, int] = {}
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ComposerError(None, None, f"nested deeper than {MAX_DEPTH} levels", node.start_mark)
        if isinstance(node, yaml.ScalarNode) or deepest.get(id(node), 0) >= depth:
            continue
        deepest[id(node)] = depth
        children = node.value if isinstance(node, yaml.SequenceNode) else \
            [part for pair in node.value for part in pair]
        stack.extend((child, depth + 1) for child in children)


def _refuse_duplicates(loader: _Loader, node: yaml.MappingNode) -> None:
    first_line: dict[Any, int] = {}
    for key_node, _ in node.value:
        if key_node.tag == _MERGE_TAG or not isinstance(key_node, yaml.ScalarNode):
            continue
        key = loader.construct_object(key_node)
        line = key_node.start_mark.line + 1
        if key in first_line:
            raise ConstructorError(None, None, f"the key '{key}' is given twice, on line {first_line[key]} "
                                   f"and line {line}; keep one", key_node.start_mark)
        first_line[key] = line


def yaml_problem(error: yaml.YAMLError, text: str = "") -> str:
    """Where and what the YAML mistake is, in words."""
    if isinstance(error, yaml.reader.ReaderError) and isinstance(error.character, int):  # NUL and the like
        line, column = _line_and_column(text, error.position)
        return (f"not valid YAML at line {line}, column {column}: it holds the control character "
                f"U+{error.character:04X}, which YAML does not allow; remove it (is it a text file?)")
    mark = getattr(error, "problem_mark", None)
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    problem = getattr(error, "problem", None) or "invalid YAML"
    return f"not valid YAML{where}: {problem}"


def _line_and_column(text: str, position: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, position) + 1
    return text.count("\n", 0, position) + 1, position - line_start + 1


def read_text(path: Traversable, error: type[VoiceError]) -> str:
    """The file's text, at most MAX_BYTES of UTF-8; `error` in one line naming the file otherwise.

    FileNotFoundError is left to the caller: a missing file means different things to each.
    """
    try:
        with _opened(path) as file:
            data: bytes = file.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise
    except OSError as problem:
        raise error(f"{path}: cannot read the file ({problem.strerror or problem})") from None
    if len(data) > MAX_BYTES:
        raise error(f"{path}: the file is larger than {MAX_BYTES // 1024} KB, far more than settings or a "
                    "language pack need; is it the right file?") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as problem:
        raise error(f"{path}: not UTF-8 text (byte {problem.start + 1} cannot be read); "
                    "save it as UTF-8") from None


@contextlib.contextmanager
def _opened(path: Traversable) -> Iterator[IO[bytes]]:
    """The file open for reading; a named pipe that keeps it waiting is said (voice.files)."""
    if not isinstance(path, Path):  # a file inside the installed package
        with path.open("rb") as file:
            yield file
        return
    with files.said_while_waiting(path):
        file = path.open("rb")
    with file:
        yield file


def parse(text: str, path: Traversable, error: type[VoiceError]) -> Any:
    """The YAML value of the text; `error` in one line naming the file and line when it is invalid."""
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except yaml.YAMLError as problem:
        raise error(f"{path}: {yaml_problem(problem, text)}") from None
    except RecursionError:
        raise error(f"{path}: not valid YAML: nested too deeply") from None


def read_yaml(path: Traversable, error: type[VoiceError]) -> Any:
    """The file's YAML value; FileNotFoundError when it is missing, else `error` for any problem."""
    return parse(read_text(path, error), path, error)
