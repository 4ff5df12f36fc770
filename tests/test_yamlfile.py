"""The YAML reader shared by settings and language packs: bounded, strict, one line per problem."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from voice.errors import DataError
from voice.knowledge import DATA_DIR, load
from voice.yamlfile import MAX_BYTES, read_yaml


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A copy of data/ whose English pack a test may spoil."""
    shutil.copytree(DATA_DIR, tmp_path / "data")
    return tmp_path / "data"


def spoil_pack(data: Path, text: str) -> str:
    pack = data / "lang" / "en.yaml"
    pack.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load("en", data_dir=data)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{pack}: ")
    return message


def test_a_thousand_nested_brackets_in_a_pack(data: Path) -> None:
    message = spoil_pack(data, (data / "lang" / "en.yaml").read_text() + "deep: " + "[" * 1000 + "\n")
    assert "nested deeper than 40 levels" in message or "exceeded maximum nesting depth" in message


def test_nesting_within_the_parser_limit_is_still_bounded(data: Path) -> None:
    text = (data / "lang" / "en.yaml").read_text() + "deep: " + "[" * 60 + "]" * 60 + "\n"
    assert "nested deeper than 40 levels" in spoil_pack(data, text)


def test_a_duplicate_key_in_a_pack_names_both_lines(data: Path) -> None:
    text = "language: en\nname: English\nlanguage: fr\n"
    assert "the key 'language' is given twice, on line 1 and line 3; keep one" in spoil_pack(data, text)


def test_duplicates_are_found_inside_nested_mappings(data: Path) -> None:
    original = (data / "lang" / "en.yaml").read_text()
    text = original.replace("say:\n", "say:\n  help: one\n  help: two\n", 1)
    assert "the key 'help' is given twice" in spoil_pack(data, text)


def test_an_oversized_pack_is_refused_at_once(data: Path) -> None:
    started = time.perf_counter()
    message = spoil_pack(data, "# " + "x" * (20 * MAX_BYTES))
    assert time.perf_counter() - started < 1.0
    assert "larger than 1024 KB" in message


@pytest.mark.parametrize("raw", [b"\xff\xfe\x00l\x00a", "language: en".encode("utf-16"), b"\x00\x01\x02\xc3"])
def test_odd_encodings_are_one_line(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "odd.yaml"
    path.write_bytes(raw)
    with pytest.raises(DataError, match="not UTF-8 text|not valid YAML"):
        read_yaml(path, DataError)


def test_a_missing_file_is_left_to_the_caller(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_yaml(tmp_path / "none.yaml", DataError)


def test_the_shipped_files_read_as_before() -> None:
    assert load("en").language.code == "en" and load("ko").language.code == "ko"
