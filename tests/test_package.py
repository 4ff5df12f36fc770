"""Installed like any Python tool: a wheel, or `pip install .`, works from any folder."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SOURCES = ("pyproject.toml", "README.md", "voice", "data")
"""What a build needs; copied, so the build leaves nothing in the clone and sees nothing else of it."""


def _pip(*args: str, cwd: Path | None = None) -> None:
    subprocess.run([sys.executable, "-m", "pip", "--disable-pip-version-check", "-q", *args],
                   check=True, capture_output=True, text=True, timeout=300, cwd=cwd)


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("source")
    for name in SOURCES:
        copy = shutil.copytree if (REPO / name).is_dir() else shutil.copy
        copy(REPO / name, folder / name)
    for cache in folder.rglob("__pycache__"):
        shutil.rmtree(cache)
    return folder


@pytest.fixture(scope="module")
def wheel(source: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    _pip("wheel", "--no-deps", "--no-build-isolation", "--wheel-dir", str(out), str(source))
    [built] = out.glob("acupressure_voice-*.whl")
    return built


def fresh_venv(folder: Path) -> Path:
    """A new virtual environment in which the dependencies (not this project) are those of the test
    environment: its site-packages is appended to the path, after the new one, without running its
    .pth files, so the editable install of this clone is not visible there."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True, timeout=120)
    python = folder / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    Path(site, "test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    return python


def run(program: Path, *args: str, cwd: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": f"{program.parent}:/usr/bin:/bin", "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"),
           "LANG": "C.UTF-8"}
    return subprocess.run([str(program), *args], capture_output=True, text=True, timeout=120, cwd=cwd, env=env)


def test_the_wheel_holds_the_data_and_the_type_marker(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"voice/data/knowledge.yaml", "voice/data/lang/en.yaml", "voice/data/lang/ko.yaml",
            "voice/py.typed", "voice/cli.py"} <= names
    assert not any(name.startswith(("data/", "tests/", "models/")) for name in names)


@pytest.mark.parametrize("how", ["wheel", "pip install ."])
def test_installed_it_answers_and_checks_itself_from_any_folder(how: str, wheel: Path, source: Path,
                                                               tmp_path: Path) -> None:
    python = fresh_venv(tmp_path / "venv")
    _pip("--python", str(python), "install", "--no-deps", "--no-build-isolation",
         str(wheel) if how == "wheel" else str(source))
    program, elsewhere, home = tmp_path / "venv" / "bin" / "acupressure", tmp_path / "elsewhere", tmp_path / "home"
    elsewhere.mkdir()
    home.mkdir()

    where = subprocess.run([str(python), "-c", "import voice; print(voice.__file__)"], cwd=elsewhere,
                           capture_output=True, text=True, check=True).stdout.strip()
    assert Path(where).is_relative_to(tmp_path / "venv"), where  # the installed copy, not this clone

    answer = run(program, "ask", "--json", "my left elbow hurts", cwd=elsewhere, home=home)
    assert answer.returncode == 0, answer.stderr
    assert json.loads(answer.stdout)["target"] == {"area": "knee", "side": "right", "qualifier": None}
    korean = run(program, "ask", "--lang", "ko", "무릎이 아파요", cwd=elsewhere, home=home)
    assert korean.returncode == 0 and korean.stdout.strip(), korean.stderr

    version = run(program, "--version", cwd=elsewhere, home=home)
    assert version.stdout.strip() == f"acupressure {_project_version()}"

    # No speech model and no sound devices here: doctor says so, one line per check, and fails.
    doctor = run(program, "doctor", cwd=elsewhere, home=home)
    lines = doctor.stdout.splitlines()
    assert doctor.returncode == 1 and "Traceback" not in doctor.stderr, doctor.stderr
    assert any(line.startswith("ok   Language pack: en") and "site-packages" in line for line in lines), lines
    assert any(line.startswith("FAIL Speech model") and "acupressure model download" in line for line in lines)
    assert lines[-1].endswith("then run `acupressure doctor` again."), lines
    assert str(REPO) not in doctor.stdout  # nothing is looked for in the clone it was built from
    assert not list(elsewhere.iterdir())  # and nothing was written where it ran


def _project_version() -> str:
    for line in (REPO / "pyproject.toml").read_text(encoding="utf-8").splitlines():
        if line.startswith("version = "):
            return line.split('"')[1]
    raise AssertionError("pyproject.toml has no version")


def test_the_version_has_one_source() -> None:
    import voice

    assert voice.__version__ == _project_version()
    stated = [path for path in (REPO / "voice").rglob("*.py") if _project_version() in path.read_text("utf-8")]
    assert stated == []
