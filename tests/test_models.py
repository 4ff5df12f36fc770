"""Tests for finding, listing and downloading Vosk models, against a local HTTP server."""

from __future__ import annotations

import hashlib
import io
import json
import socket
import stat
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from voice.errors import ModelError
from voice.download import download_model, fetch_model_list, progress_bar
from voice.models import (
    ENV_VAR,
    InstalledModel,
    check_model_dir,
    default_search_dirs,
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
}


# --- Fixtures: a local model server -----------------------------------------------


@dataclass
class Site:
    """What the test server serves: path -> body, and paths whose body is cut short."""

    files: dict[str, bytes] = field(default_factory=dict)
    truncated: dict[str, tuple[bytes, int]] = field(default_factory=dict)
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
            self.wfile.write(body)
            self.wfile.flush()
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


def test_server_down_mentions_internet(dest: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}/model-list.json"
    with pytest.raises(ModelError, match="internet"):
        download_model(NAME, dest, list_url=url, timeout=TIMEOUT)
    assert leftovers(dest) == []


def test_http_error_is_reported(site: Site, dest: Path) -> None:
    site.publish(NAME, model_zip())
    del site.files[f"{NAME}.zip"]
    with pytest.raises(ModelError, match="internet") as err:
        download(site, dest)
    assert "Not Found" in str(err.value) and NAME in str(err.value)
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
    files = {"am/final.mdl": b"a", "conf/model.conf": b"c", "graph/HCLG.fst": b"g"}
    path = make_model(tmp_path / "big", files)
    check_model_dir(path)
    assert not supports_grammar(path)


def test_list_models_skips_invalid_folders(tmp_path: Path) -> None:
    make_model(tmp_path / "a" / "good")
    (tmp_path / "a" / "broken" / "am").mkdir(parents=True)
    (tmp_path / "a" / "file.txt").write_text("x")
    found = list_models(env={}, search_dirs=[tmp_path / "a", tmp_path / "missing"])
    assert [(m.name, m.grammar) for m in found] == [("good", True)]


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
