"""Tests for finding, listing and downloading Vosk models, against a local HTTP server."""

from __future__ import annotations

import fcntl
import hashlib
import io
import json
import shutil
import socket
import stat
import os
import signal
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import OtherUser, ctrl_c_as_at_a_terminal
from voice.errors import ModelError
from voice.download import download_model, fetch_model_list, progress_bar
from voice.models import (
    ENV_VAR,
    InstalledModel,
    check_model_dir,
    default_search_dirs,
    open_model,
    find_model,
    list_models,
    supports_grammar,
)

NAME = "vosk-model-small-xx-0.1"
TIMEOUT = 5.0
MODEL_FILES = {
    "am/final.mdl": b"acoustic model",
    "conf/model.conf": b"--sample-frequency=16000\n",
    "graph/HCLr.fst": b"hclr",
    "graph/Gr.fst": b"gr",
    **{f"ivector/{part}": b"i" for part in ("final.ie", "final.dubm", "final.mat", "global_cmvn.stats",
                                            "online_cmvn.conf", "splice.conf")},
}


# --- Fixtures: a local model server -----------------------------------------------


@dataclass
class Site:
    """What the test server serves: path -> body, and paths whose body is cut short."""

    files: dict[str, bytes] = field(default_factory=dict)
    truncated: dict[str, tuple[bytes, int]] = field(default_factory=dict)
    slow: set[str] = field(default_factory=set)
    """Paths served in small pieces, slowly: a download that takes a while."""
    base: str = ""

    def url(self, path: str) -> str:
        return f"{self.base}/{path}"

    def publish(self, name: str, archive: bytes, *, size: int | None = None, md5: str | None = None) -> None:
        """Serve the archive and a model list announcing it."""
        self.files[f"{name}.zip"] = archive
        entry = {
            "lang": "xx",
            "lang_text": "Test",
            "md5": md5 or hashlib.md5(archive).hexdigest(),
            "name": name,
            "obsolete": "false",
            "size": len(archive) if size is None else size,
            "size_text": "1KiB",
            "type": "small",
            "url": self.url(f"{name}.zip"),
            "version": "0.1",
        }
        others = [dict(entry, name=n, url=self.url(f"{n}.zip")) for n in ("vosk-model-small-en-us-0.15", "other")]
        self.files["model-list.json"] = json.dumps([entry, *others]).encode()


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server API)
            path = self.path.lstrip("/")
            if path in site.truncated:
                body, announced = site.truncated[path]
                self._send(body, announced)
            elif path in site.files:
                self._send(site.files[path], len(site.files[path]))
            else:
                self.send_error(404)

        def _send(self, body: bytes, length: int) -> None:
            self.send_response(200)
            self.send_header("Content-Length", str(length))
            self.end_headers()
            pieces = [body[i:i + 4096] for i in range(0, len(body), 4096)] if self.path.lstrip("/") in site.slow \
                else [body]
            for piece in pieces:
                self.wfile.write(piece)
                self.wfile.flush()
                if len(pieces) > 1:
                    time.sleep(0.05)
            self.close_connection = True

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def site() -> Iterator[Site]:
    site = Site()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    server.daemon_threads = True
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield site
    server.shutdown()
    server.server_close()
    thread.join(timeout=TIMEOUT)


@pytest.fixture
def dest(tmp_path: Path) -> Path:
    folder = tmp_path / "models"
    folder.mkdir()
    return folder


def make_model(folder: Path, files: dict[str, bytes] = MODEL_FILES) -> Path:
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    return folder


def make_zip(entries: dict[str, bytes], symlinks: tuple[str, ...] = ()) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in entries.items():
            zf.writestr(zipfile.ZipInfo(name), data)
        for name in symlinks:
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, "/etc/passwd")
    return buffer.getvalue()


def model_zip(top: str = NAME) -> bytes:
    return make_zip({f"{top}/{name}": data for name, data in MODEL_FILES.items()})


def download(site: Site, dest: Path, name: str = NAME, **kwargs: object) -> Path:
    return download_model(name, dest, list_url=site.url("model-list.json"), timeout=TIMEOUT, **kwargs)


def leftovers(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*"))


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- Downloading -------------------------------------------------------------------


def test_good_archive_is_installed_and_listed(site: Site, dest: Path) -> None:
    site.publish(NAME, model_zip())
    calls: list[tuple[int, int]] = []
    path = download(site, dest, progress=lambda done, total: calls.append((done, total)))
    assert path == dest / NAME
    check_model_dir(path)
    assert [p.name for p in dest.iterdir()] == [NAME]
    assert calls and calls[-1] == (len(site.files[f"{NAME}.zip"]),) * 2
    size = sum(len(data) for data in MODEL_FILES.values())
    assert list_models(env={}, search_dirs=[dest]) == [InstalledModel(NAME, path, size, True)]


def test_archive_with_files_at_top_level_is_installed(site: Site, dest: Path) -> None:
    site.publish(NAME, make_zip(MODEL_FILES))
    assert supports_grammar(download(site, dest))


def test_fetch_model_list_parses_entries(site: Site) -> None:
    site.publish(NAME, model_zip())
    models = fetch_model_list(site.url("model-list.json"), timeout=TIMEOUT)
    assert [m.name for m in models][0] == NAME
    assert models[0].size == len(site.files[f"{NAME}.zip"]) and not models[0].obsolete


def test_wrong_md5_is_refused_and_nothing_left(site: Site, dest: Path) -> None:
    site.publish(NAME, model_zip(), md5="0" * 32)
    with pytest.raises(ModelError, match="md5"):
        download(site, dest)
    assert leftovers(dest) == []


@pytest.mark.parametrize("delta", [1, -1])
def test_wrong_size_is_refused_and_nothing_left(site: Site, dest: Path, delta: int) -> None:
    archive = model_zip()
    site.publish(NAME, archive, size=len(archive) + delta)
    with pytest.raises(ModelError, match="bytes"):
        download(site, dest)
    assert leftovers(dest) == []


@pytest.mark.parametrize("evil", ["../evil.txt", "{tmp}/abs-evil.txt", f"{NAME}/../../evil.txt"])
def test_path_escaping_entry_is_refused(site: Site, dest: Path, tmp_path: Path, evil: str) -> None:
    evil = evil.format(tmp=tmp_path)
    archive = make_zip({**{f"{NAME}/{n}": d for n, d in MODEL_FILES.items()}, evil: b"owned"})
    assert evil in zipfile.ZipFile(io.BytesIO(archive)).namelist()
    site.publish(NAME, archive)
    with pytest.raises(ModelError, match="unsafe"):
        download(site, dest)
    assert leftovers(dest) == []
    assert not list(tmp_path.rglob("*evil.txt"))


def test_symlink_entry_is_refused(site: Site, dest: Path) -> None:
    archive = make_zip({f"{NAME}/{n}": d for n, d in MODEL_FILES.items()}, symlinks=(f"{NAME}/link",))
    site.publish(NAME, archive)
    with pytest.raises(ModelError, match="symbolic link"):
        download(site, dest)
    assert leftovers(dest) == []


def test_archive_without_a_model_is_refused(site: Site, dest: Path) -> None:
    site.publish(NAME, make_zip({f"{NAME}/README": b"nothing here"}))
    with pytest.raises(ModelError, match="does not hold a Vosk model"):
        download(site, dest)
    assert leftovers(dest) == []


def test_not_a_zip_is_refused(site: Site, dest: Path) -> None:
    site.publish(NAME, b"<html>not a zip</html>")
    with pytest.raises(ModelError, match="not a valid zip"):
        download(site, dest)
    assert leftovers(dest) == []


def test_interrupted_transfer_leaves_nothing(site: Site, dest: Path) -> None:
    archive = model_zip()
    site.publish(NAME, archive)
    site.truncated[f"{NAME}.zip"] = (archive[:100], len(archive))
    with pytest.raises(ModelError, match="closed after 100 of .* internet"):
        download(site, dest)
    assert leftovers(dest) == []


def test_keyboard_interrupt_leaves_nothing(site: Site, dest: Path) -> None:
    site.publish(NAME, model_zip())

    def interrupt(done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        download(site, dest, progress=interrupt)
    assert leftovers(dest) == []


def test_unknown_name_suggests_close_names(site: Site, dest: Path) -> None:
    site.publish(NAME, model_zip())
    with pytest.raises(ModelError, match="no Vosk model named") as err:
        download(site, dest, name="vosk-model-small-en-us-0.16")
    assert "vosk-model-small-en-us-0.15" in str(err.value)
    assert leftovers(dest) == []


def test_existing_destination_is_not_overwritten(site: Site, dest: Path) -> None:
    site.publish(NAME, model_zip())
    mine = dest / NAME
    mine.mkdir()
    (mine / "notes.txt").write_text("mine")
    with pytest.raises(ModelError, match="already exists"):
        download(site, dest)
    assert leftovers(dest) == [mine, mine / "notes.txt"]
    assert (mine / "notes.txt").read_text() == "mine"


def test_server_down_mentions_internet_and_what_works_without_a_model(dest: Path) -> None:
    """A newcomer on a train: the line says what can be done now, as the README does."""
    url = f"http://127.0.0.1:{closed_port()}/model-list.json"
    with pytest.raises(ModelError) as err:
        download_model(NAME, dest, list_url=url, timeout=TIMEOUT)
    assert str(err.value).startswith(f"Could not fetch the model list from {url}: Connection refused. Downloading a "
                                     "model needs internet access once: connect this machine and try again. "
                                     'Meanwhile, `acupressure ask "my left elbow hurts"` answers typed questions')
    assert "a model folder copied from another machine into" in str(err.value)
    assert "`acupressure listen --input question.wav --text-only`" in str(err.value)
    assert leftovers(dest) == []


@pytest.mark.parametrize("missing", ["model-list.json", f"{NAME}.zip"])
def test_a_file_the_server_does_not_have_is_its_answer_not_a_network_problem(site: Site, dest: Path,
                                                                              missing: str) -> None:
    site.publish(NAME, model_zip())
    del site.files[missing]
    with pytest.raises(ModelError) as err:
        download(site, dest)
    assert f"{site.url(missing)}: the server answered 404 Not Found. It may have moved: download the model by " \
           "hand from https://alphacephei.com/vosk/models" in str(err.value)
    assert "connect" not in str(err.value)
    assert leftovers(dest) == []


@pytest.mark.parametrize("where", ["file", "file/models"])
def test_a_dest_that_is_a_file_or_under_one_is_said_before_the_network_is_used(tmp_path: Path, where: str) -> None:
    (tmp_path / "file").write_text("mine")
    with pytest.raises(ModelError) as err:
        download_model(NAME, tmp_path / where, list_url=f"http://127.0.0.1:{closed_port()}/", timeout=TIMEOUT)
    said = "it is a file" if where == "file" else f"{tmp_path / 'file'} is a file"
    assert str(err.value) == (f"Cannot put a model into {tmp_path / where}: {said}, not a folder. Name a folder "
                              "with --dest (it is made when missing).")
    assert (tmp_path / "file").read_text() == "mine"


def test_an_archive_that_unpacks_to_far_more_than_the_list_states_is_not_unpacked(site: Site, dest: Path) -> None:
    """0.5 MB that would unpack to 301 MB: the checksum is right, the list states the archive's size."""
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in MODEL_FILES.items():
            archive.writestr(f"{NAME}/{name}", data)
        archive.writestr(f"{NAME}/graph/padding", bytes(300 * 2**20))
    site.publish(NAME, bomb.getvalue())
    with pytest.raises(ModelError) as err:
        download(site, dest)
    assert str(err.value).startswith(f"The archive of {NAME} would unpack to 300.0 MiB, more than 10 times the ")
    assert str(err.value).endswith("it was not unpacked. Nothing was installed.")
    assert leftovers(dest) == []


def test_invalid_model_list_is_reported(site: Site) -> None:
    site.files["model-list.json"] = b"{not json"
    with pytest.raises(ModelError, match="not valid JSON"):
        fetch_model_list(site.url("model-list.json"), timeout=TIMEOUT)


@pytest.mark.parametrize("name", ["", "..", "a/b", "../x"])
def test_bad_model_name_is_refused(dest: Path, name: str) -> None:
    with pytest.raises(ModelError, match="not a model name"):
        download_model(name, dest, list_url="http://127.0.0.1:1/", timeout=TIMEOUT)


# --- Locating and checking -------------------------------------------------------------


def test_find_model_order(tmp_path: Path) -> None:
    explicit = make_model(tmp_path / "explicit")
    env_parent = tmp_path / "env"
    in_env = make_model(env_parent / NAME)
    in_dir = make_model(tmp_path / "dir" / NAME)
    env = {ENV_VAR: str(env_parent)}
    dirs = [tmp_path / "dir"]
    assert find_model(NAME, explicit=explicit, env=env, search_dirs=dirs) == explicit
    assert find_model(NAME, env=env, search_dirs=dirs) == in_env
    assert find_model(NAME, env={ENV_VAR: str(explicit)}, search_dirs=dirs) == explicit
    assert find_model(NAME, env={}, search_dirs=dirs) == in_dir
    assert find_model(NAME, env={ENV_VAR: str(tmp_path / "nowhere")}, search_dirs=dirs) == in_dir


def test_find_model_searches_dirs_in_order(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    make_model(second / NAME)
    assert find_model(NAME, env={}, search_dirs=[first, second]) == second / NAME
    make_model(first / NAME)
    assert find_model(NAME, env={}, search_dirs=[first, second]) == first / NAME


def test_not_found_lists_every_place_and_the_fix(tmp_path: Path) -> None:
    env = {ENV_VAR: str(tmp_path / "env")}
    dirs = [tmp_path / "a", tmp_path / "b"]
    with pytest.raises(ModelError) as err:
        find_model(NAME, env=env, search_dirs=dirs)
    message = str(err.value)
    for place in [tmp_path / "env", *dirs]:
        assert str(place) in message
    assert f"acupressure model download {NAME}" in message
    assert "--model" in message and ENV_VAR in message
    assert 'Meanwhile, `acupressure ask "my left elbow hurts"` answers typed questions' in message  # what works now
    assert "`acupressure listen --input question.wav --text-only`" in message


def test_default_search_dirs_order(tmp_path: Path) -> None:
    dirs = default_search_dirs({ENV_VAR: str(tmp_path)})
    assert dirs[0] == tmp_path
    assert dirs[1] == Path(__file__).resolve().parent.parent / "models"
    assert dirs[2] == Path("~/.cache/vosk").expanduser() and dirs[3] == Path("/usr/share/vosk")
    assert default_search_dirs({}) == dirs[1:]


def test_explicit_path_must_exist_and_be_a_model(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="does not exist"):
        find_model(NAME, explicit=tmp_path / "missing", env={}, search_dirs=[])
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelError, match="not a Vosk model"):
        find_model(NAME, explicit=tmp_path / "empty", env={}, search_dirs=[])


def test_check_model_dir_on_random_folder(tmp_path: Path) -> None:
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "cat.jpg").write_bytes(b"meow")
    with pytest.raises(ModelError, match="am/final.mdl") as err:
        check_model_dir(tmp_path / "photos")
    assert "conf/model.conf" in str(err.value) and "graph/HCLG.fst" in str(err.value)


def test_check_model_dir_points_into_parent_folder(tmp_path: Path) -> None:
    make_model(tmp_path / NAME)
    with pytest.raises(ModelError, match=f"use {tmp_path / NAME}"):
        check_model_dir(tmp_path)


def test_big_model_is_valid_without_grammar(tmp_path: Path) -> None:
    files = {"am/final.mdl": b"a", "conf/model.conf": b"c", "graph/HCLG.fst": b"g",
             **{name: data for name, data in MODEL_FILES.items() if name.startswith("ivector/")}}
    path = make_model(tmp_path / "big", files)
    check_model_dir(path)
    assert not supports_grammar(path)


def test_list_models_shows_broken_models_with_the_reason(tmp_path: Path) -> None:
    make_model(tmp_path / "a" / "good")
    (tmp_path / "a" / "broken" / "am").mkdir(parents=True)
    no_ivector = make_model(tmp_path / "a" / "vosk-model-no-ivector",
                            {k: v for k, v in MODEL_FILES.items() if not k.startswith("ivector/")})
    (tmp_path / "a" / "holiday-photos").mkdir()
    (tmp_path / "a" / f".{NAME}.x.partial").mkdir()
    (tmp_path / "a" / "file.txt").write_text("x")
    found = {m.name: m for m in list_models(env={}, search_dirs=[tmp_path / "a", tmp_path / "missing"])}
    assert sorted(found) == ["broken", "good", "vosk-model-no-ivector"]
    assert found["good"].problem is None and found["good"].grammar
    assert found["broken"].problem is not None and "am/final.mdl" in found["broken"].problem
    assert found["vosk-model-no-ivector"].problem == "it lacks the ivector/ folder"
    with pytest.raises(ModelError, match="lacks the ivector/ folder"):
        check_model_dir(no_ivector)


# --- The one model check: files, loading, a recognizer ----------------------------------


def copy_of(model: Path, into: Path, without: str = "") -> Path:
    """The model's folder rebuilt from symbolic links, leaving out one part."""
    for source in model.rglob("*"):
        relative = source.relative_to(model)
        if without and (relative.parts[0] == without or str(relative) == without) or source.is_dir():
            continue
        (into / relative).parent.mkdir(parents=True, exist_ok=True)
        (into / relative).symlink_to(source)
    return into


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "voice", *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})})


def test_a_model_without_ivector_is_refused_by_the_loader_the_doctor_and_the_list(
        tmp_path: Path, korean_model_path: Path) -> None:
    from voice.doctor import check_model
    from voice.knowledge import load
    from voice.settings import Settings

    broken = copy_of(korean_model_path, tmp_path / "models" / "vosk-model-small-ko-0.22", without="ivector")
    with pytest.raises(ModelError, match="lacks the ivector/ folder"):
        open_model(broken)
    check = check_model(Settings(language="ko"), load("ko"), broken)
    assert not check.ok and "lacks the ivector/ folder" in check.detail
    listed = cli("model", "list", env={"VOSK_MODEL_PATH": str(tmp_path / "models"), "HOME": str(tmp_path)})
    assert f"vosk-model-small-ko-0.22  BROKEN: it lacks the ivector/ folder  {broken}" in listed.stdout
    assert listed.returncode == 1 and "No usable Vosk model installed" in listed.stdout
    heard = cli("listen", "--once", "--lang", "ko", "--model", str(broken), "--input", "x.wav")
    assert heard.returncode == 1 and heard.stderr.count("\n") == 1 and "ivector/" in heard.stderr


def test_a_damaged_part_is_one_line_with_the_engines_reason(tmp_path: Path, korean_model_path: Path) -> None:
    damaged = copy_of(korean_model_path, tmp_path / "damaged", without="ivector/final.ie")
    (damaged / "ivector" / "final.ie").write_bytes(b"junk")
    result = cli("listen", "--once", "--lang", "ko", "--model", str(damaged), "--input", "x.wav")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1, result.stderr
    assert "could not be loaded: " in result.stderr and "IvectorExtractor" in result.stderr
    assert "Download it again" in result.stderr


def test_the_list_loads_each_model_once_and_marks_a_truncated_one_broken(tmp_path: Path,
                                                                          korean_model_path: Path) -> None:
    """The check a session makes, not only the files: a truncated am/final.mdl was listed as a working model.
    The verdict is kept until a file of the model changes."""
    cut = copy_of(korean_model_path, tmp_path / "models" / "vosk-model-cut", without="am")
    (cut / "am").mkdir()
    (cut / "am" / "final.mdl").write_bytes((korean_model_path / "am" / "final.mdl").read_bytes()[:7_000_000])
    env = {"VOSK_MODEL_PATH": str(tmp_path / "models"), "HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "c")}
    first = cli("--debug", "model", "list", env=env)
    assert first.returncode == 1
    assert f"vosk-model-cut  BROKEN: The Vosk model in {cut} could not be loaded: Failed to read matrix from " \
           "stream. File position at start is" in first.stdout
    assert "vosk-model-cut: Download it again with `acupressure model download vosk-model-cut`." in first.stdout
    assert "checking the model" in first.stderr and "Traceback" not in first.stderr
    again = cli("--debug", "model", "list", env=env)
    assert again.stdout == first.stdout and "checking the model" not in again.stderr  # kept, not loaded again
    (cut / "am" / "final.mdl").unlink()
    (cut / "am" / "final.mdl").symlink_to(korean_model_path / "am" / "final.mdl")  # mended: checked again
    mended = cli("--debug", "model", "list", env=env)
    assert mended.returncode == 0 and "checking the model" in mended.stderr
    assert mended.stdout.startswith("vosk-model-cut  ") and "BROKEN" not in mended.stdout


def test_a_model_the_user_may_not_read_says_so_with_the_chmod_and_a_closed_folder_is_skipped(
        other_user: OtherUser, korean_model_path: Path) -> None:
    """Not "damaged, download it again": the fix is a chmod. One folder it may not look into does
    not stop the list; the models elsewhere are listed."""
    closed = copy_of(korean_model_path, other_user.folder / "models" / "vosk-model-closed", without="am")
    (closed / "am").mkdir()
    shutil.copy(korean_model_path / "am" / "final.mdl", closed / "am" / "final.mdl")
    (closed / "am" / "final.mdl").chmod(0)
    listed = other_user.run("model", "list")
    model = other_user.run("listen", "--once", "--lang", "ko", "--model", str(closed), "--input", "x.wav")
    locked = other_user.folder / "locked"
    locked.mkdir(mode=0)
    copy_of(korean_model_path, other_user.folder / ".cache" / "vosk" / "vosk-model-small-ko-0.22")
    skipped = other_user.run("model", "list", env={"VOSK_MODEL_PATH": str(locked)})
    locked.chmod(0o700)
    problem = f"Your user may not read am/final.mdl of the Vosk model in {closed} (permission denied)."
    fix = f"Let it be read: chmod -R a+rX {closed} (as its owner, or with sudo), or run as a user who may read it."
    assert listed.returncode == 1 and f"vosk-model-closed  BROKEN: {problem}  {closed}" in listed.stdout
    assert f"vosk-model-closed: {fix}" in listed.stdout and "damaged" not in listed.stdout
    assert model.returncode == 1 and model.stderr == f"acupressure: {problem} {fix}\n"
    assert skipped.returncode == 0, skipped.stdout + skipped.stderr
    assert skipped.stdout.startswith("vosk-model-small-ko-0.22  ")
    assert f"Skipped: Your user may not look into {locked} (permission denied). Let it be read: chmod a+rx {locked}" \
        in skipped.stdout and "Traceback" not in skipped.stderr


def _interrupted_while_loading(model: Path, wav: Path) -> tuple[int, str]:
    process = subprocess.Popen([sys.executable, "-m", "voice", "--debug", "listen", "--once", "--text-only",
                                "--lang", "ko", "--model", str(model), "--input", str(wav)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               preexec_fn=ctrl_c_as_at_a_terminal)
    try:
        said = ""
        while "using model" not in said:
            said += process.stderr.readline()
        time.sleep(0.3)
        process.send_signal(signal.SIGINT)  # the model is loading now (it takes a second or more)
        _, rest = process.communicate(timeout=60)
    finally:
        process.kill()
    return process.returncode, rest


def test_ctrl_c_while_the_model_loads_is_quiet(korean_model_path: Path, speak_ko) -> None:
    codes = []
    for _ in range(3):  # on a busy machine the run may end before the signal lands: try again
        code, said = _interrupted_while_loading(korean_model_path, speak_ko("멈춰"))
        assert "Traceback" not in said and "Exception ignored" not in said and "__del__" not in said
        codes.append(code)
        if code == 130:
            break
    assert codes[-1] == 130, codes


def test_if_missing_with_dest_holding_the_model_is_success(tmp_path: Path) -> None:
    make_model(tmp_path / "mine" / NAME)
    nowhere = f"http://127.0.0.1:{closed_port()}/model-list.json"
    result = cli("model", "download", NAME, "--if-missing", "--dest", str(tmp_path / "mine"), "--list-url", nowhere)
    assert result.returncode == 0, result.stderr
    assert f"Model {NAME} is already installed: {tmp_path / 'mine' / NAME}" in result.stdout


def test_sigterm_during_a_download_leaves_no_partial_folder(site: Site, dest: Path) -> None:
    archive = model_zip() + b""  # padded below so the download takes seconds
    big = make_zip({**{f"{NAME}/{k}": v for k, v in MODEL_FILES.items()}, f"{NAME}/pad": os.urandom(400_000)})
    site.publish(NAME, big)
    site.slow.add(f"{NAME}.zip")
    process = subprocess.Popen([sys.executable, "-m", "voice", "model", "download", NAME, "--dest", str(dest),
                                "--list-url", site.url("model-list.json")],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not list(dest.glob(f".{NAME}.*.partial/download.zip")) and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.2)
        process.send_signal(signal.SIGTERM)
        _, said = process.communicate(timeout=30)
    finally:
        process.kill()
    assert archive and process.returncode == 128 + signal.SIGTERM
    assert "Traceback" not in said
    assert leftovers(dest) == []


def test_a_stale_partial_folder_is_cleaned_by_the_next_download(site: Site, dest: Path) -> None:
    site.publish(NAME, model_zip())
    stale = dest / f".{NAME}.old.partial"
    (stale / "extracted").mkdir(parents=True)
    (stale / "download.zip").write_bytes(b"half")
    hour_ago = time.time() - 3600
    for path in (stale / "download.zip", stale / "extracted", stale):
        os.utime(path, (hour_ago, hour_ago))
    killed = dest / f".{NAME}.killed.partial"  # its download died a minute ago: its lock is free
    killed.mkdir()
    (killed / ".lock").touch()
    busy = dest / f".{NAME}.busy.partial"  # another download, still writing: it holds the lock
    busy.mkdir()
    with (busy / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        download(site, dest)
    assert not stale.exists() and not killed.exists() and busy.exists()


# --- Progress bar --------------------------------------------------------------------------


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_on_tty_draws_bar() -> None:
    stream = FakeTTY()
    draw = progress_bar(stream)
    draw(512, 1024)
    draw(1024, 1024)
    assert "50%" in stream.getvalue() and "100%" in stream.getvalue()
    assert stream.getvalue().endswith("\n")


def test_progress_bar_off_tty_prints_one_final_line() -> None:
    stream = io.StringIO()
    draw = progress_bar(stream)
    draw(512, 1024)
    assert stream.getvalue() == ""
    draw(1024, 1024)
    assert stream.getvalue().count("\n") == 1


def test_a_model_for_another_language_is_said_once(korean_model_path: Path, speak_ko) -> None:
    result = cli("listen", "--once", "--lang", "en", "--model", str(korean_model_path),
                 "--input", str(speak_ko("멈춰")))
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1, result.stderr
    assert "does not match the language (English)" in result.stderr
    assert "words unknown; the pack wants model vosk-model-small-en-us-0.15" in result.stderr
    assert "wake phrase" not in result.stderr and len(result.stderr) < 400
