"""Runs the assistant as a systemd user service: install, uninstall, status."""

from __future__ import annotations

import getpass
import os
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Final, Mapping, Sequence

from voice import files
from voice.errors import VoiceError, first_line
from voice.exits import STOP_SIGNALS, status_of

LISTEN_ARGS: Final = ("listen", "--home")
"""What the service runs: wait for the wake phrase, go back to waiting after each session."""
COMMAND_SECONDS: Final = 30.0
"""Time allowed for one systemctl or loginctl call."""
_UNSAFE_WORD_CHARS: Final = frozenset(" \t\"'\\;")
WRITTEN_BY: Final = "# Written by `acupressure service install`; `acupressure service uninstall` removes it."
"""The first line of every unit file the assistant writes: how uninstall knows the file is its own."""

OPEN_FILES: Final = 1024
"""The units' open-file limit, the same whatever the user manager's default: the Wyoming service
keeps its connections well below it (voice.guard)."""

Run = Callable[..., "subprocess.CompletedProcess[str]"]
"""subprocess.run, or a stand-in with the same call signature."""


class ServiceError(VoiceError):
    """The service unit cannot be written, removed or handed to systemd."""


@dataclass(frozen=True)
class Outcome:
    """What a service command did: lines to show the user, and the exit status."""

    lines: tuple[str, ...]
    status: int
    """0 when everything worked, 1 when the user has something left to do."""


@dataclass(frozen=True)
class Unit:
    """One systemd user unit the assistant can run as."""

    name: str
    args: tuple[str, ...]
    """What it runs: `acupressure ARGS`."""
    description: str
    running: str
    """Said once it is installed and started."""
    after: str | None = None

    @property
    def logs_hint(self) -> str:
        return f"Logs: journalctl --user -u {self.name.removesuffix('.service')} -f"


ASSISTANT: Final = Unit("acupressure.service", LISTEN_ARGS, "Acupressure voice assistant (offline, hands-free)",
                        "The assistant now runs in the background and starts at boot.", after="sound.target")


def wyoming_unit(uri: str, announce: bool = False) -> Unit:
    """The second unit: answers Home Assistant over the Wyoming protocol on `uri`; `announce`: on
    the local network too (zeroconf), for Home Assistant to find it by itself."""
    found = " Home Assistant will find it by itself (Settings > Devices & services > Discovered)." if announce else ""
    return Unit("acupressure-wyoming.service", ("wyoming", "--uri", uri, *(("--zeroconf",) if announce else ())),
                "Acupressure answers for Home Assistant (Wyoming protocol)",
                f"The Wyoming service for Home Assistant now listens on {uri} and starts at boot.{found}")


@dataclass(frozen=True)
class _Failed:
    reason: str
    missing: bool = False
    """True when the program itself is not installed."""


# ---------------------------------------------------------------- the unit


def _exec_word(word: str) -> str:
    """One word of ExecStart, quoted for systemd (systemd.syntax(7), systemd.service(5))."""
    word = word.replace("%", "%%").replace("$", "$$")
    if word and not _UNSAFE_WORD_CHARS.intersection(word):
        return word
    return '"' + word.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _check_line(value: str, what: str) -> str:
    if any(ord(char) < 32 and char != "\t" for char in value):
        raise ServiceError(f"The {what} {value!r} contains a control character; systemd cannot use it.")
    return value


def _absolute(path: Path, what: str) -> str:
    if not path.is_absolute():
        raise ServiceError(f"The {what} {path} must be an absolute path for systemd.")
    return _check_line(str(path), what)


def unit_text(executable: Path, args: Sequence[str], workdir: Path, unit: Unit = ASSISTANT) -> str:
    """A systemd user unit that runs `executable args` in `workdir` and restarts it when it stops."""
    command = [_absolute(executable, "program"), *(_check_line(arg, "argument") for arg in args)]
    return "\n".join([
        WRITTEN_BY,
        "[Unit]",
        f"Description={unit.description}",
        *([f"After={unit.after}"] if unit.after else []),
        "",
        "[Service]",
        "Type=simple",
        "ExecStart=" + " ".join(_exec_word(word) for word in command),
        "WorkingDirectory=" + _absolute(workdir, "working folder").replace("%", "%%"),
        "Environment=PYTHONUNBUFFERED=1",
        "Restart=always",
        "RestartSec=5",
        "TimeoutStopSec=5",
        f"LimitNOFILE={OPEN_FILES}",
        "KillSignal=SIGTERM",
        "SuccessExitStatus=" + " ".join(str(status_of(number)) for number in sorted(STOP_SIGNALS)),
        "StandardOutput=journal",
        "StandardError=journal",
        f"SyslogIdentifier={unit.name.removesuffix('.service')}",
        "",
        "[Install]",
        "WantedBy=default.target",
        "",
    ])


def default_command(env: Mapping[str, str] | None = None,
                    args: tuple[str, ...] = LISTEN_ARGS) -> tuple[Path, tuple[str, ...], Path]:
    """Program, arguments and working folder: the `acupressure` script beside this Python, or
    `python -m voice` run from the folder that holds the voice package."""
    python = Path(sys.executable).absolute()  # not resolved: a venv's python is a symlink
    script = python.parent / "acupressure"
    if script.is_file() and os.access(script, os.X_OK):
        return script, args, _home(env)
    return python, ("-m", "voice", *args), Path(__file__).resolve().parent.parent


def _home(env: Mapping[str, str] | None) -> Path:
    env = os.environ if env is None else env
    return Path(env["HOME"]) if env.get("HOME") else Path.home()


def unit_path(env: Mapping[str, str] | None = None, unit: Unit = ASSISTANT) -> Path:
    """$XDG_CONFIG_HOME/systemd/user/acupressure.service, else ~/.config/systemd/user/acupressure.service."""
    base = (os.environ if env is None else env).get("XDG_CONFIG_HOME", "")
    config = Path(base) if base and Path(base).is_absolute() else _home(env) / ".config"
    return config / "systemd" / "user" / unit.name


# ---------------------------------------------------------------- running systemctl


def _systemctl(*args: str) -> list[str]:
    return ["systemctl", "--user", *args]


def _call(run: Run, command: Sequence[str]) -> _Failed | None:
    """Run one command; None when it worked, else why it did not."""
    try:
        result = run(list(command), capture_output=True, text=True, timeout=COMMAND_SECONDS, check=False)
    except FileNotFoundError:
        return _Failed(f"{command[0]} is not installed (is this a systemd system?)", missing=True)
    except subprocess.TimeoutExpired:
        return _Failed(f"it did not finish within {COMMAND_SECONDS:.0f} s")
    except OSError as error:
        return _Failed(error.strerror or str(error))
    if result.returncode != 0:
        return _Failed(first_line(result.stderr) or first_line(result.stdout)
                       or f"exit status {result.returncode}")
    return None


def _by_hand(command: Sequence[str]) -> str:
    shown = ["sudo", *command] if command[0] == "loginctl" else list(command)
    return "  " + shlex.join(shown)


def _run_all(run: Run, commands: Sequence[Sequence[str]]) -> tuple[list[str], int]:
    """Run the commands in order; at the first failure, say which ones to run by hand."""
    lines = []
    for position, command in enumerate(commands):
        failed = _call(run, command)
        if failed is None:
            lines.append(f"Ran: {shlex.join(command)}")
            continue
        lines.append(f"Could not run `{shlex.join(command)}`: {failed.reason}.")
        lines.append("Run these by hand:")
        return lines + [_by_hand(rest) for rest in commands[position:]], 1
    return lines, 0


# ---------------------------------------------------------------- install, uninstall, status


def install(env: Mapping[str, str] | None = None, run: Run = subprocess.run,
            executable: Path | None = None, *, force: bool = False, unit: Unit = ASSISTANT) -> Outcome:
    """Write the unit, enable and start it, and let it start at boot without a login."""
    path = unit_path(env, unit)
    try:
        program, args, workdir = (default_command(env, unit.args) if executable is None
                                  else (Path(executable).absolute(), unit.args, _home(env)))
        written = _write_unit(path, unit_text(program, args, workdir, unit), force)
    except (ServiceError, OSError) as error:
        return Outcome((f"Cannot install the service: {_reason(error)}",), 1)
    if written is None:
        return Outcome((f"A different unit file already exists at {path}; it was left unchanged.",
                        "To replace it, install again with --force."), 1)
    user = (os.environ if env is None else env).get("USER") or getpass.getuser()
    commands = [_systemctl("daemon-reload"), _systemctl("enable", "--now", unit.name),
                ["loginctl", "enable-linger", user]]
    lines, status = _run_all(run, commands)
    done = [unit.running, unit.logs_hint] if status == 0 else []
    return Outcome((written, *lines, *done), status)


def _reason(error: Exception) -> str:
    if isinstance(error, OSError) and error.filename:
        return f"{error.filename}: {error.strerror or error}"
    return str(error)


def _write_unit(path: Path, text: str, force: bool) -> str | None:
    """Write the unit file; the line saying so, or None when a different one is in the way."""
    try:
        existing: str | None = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        existing = None
    if existing == text:
        return f"The unit file {path} is already up to date."
    if existing is not None and not force:
        return None
    _write_atomically(path, text)
    return f"{'Replaced' if existing is not None else 'Wrote'} the unit file {path}."


def _write_atomically(path: Path, text: str) -> None:
    """Replace the unit file whole or not at all."""
    try:
        files.replace_whole(path, text.encode("utf-8"))
    except OSError as error:
        raise ServiceError(f"cannot write {path} ({error.strerror or error})") from None


def uninstall(env: Mapping[str, str] | None = None, run: Run = subprocess.run,
              unit: Unit = ASSISTANT) -> Outcome:
    """Stop and disable the service and remove its unit file; fine when it is not installed."""
    path = unit_path(env, unit)
    if not path.exists():
        return Outcome((f"The service is not installed (no unit file at {path}).",), 0)
    disable = _systemctl("disable", "--now", unit.name)
    failed = _call(run, disable)
    if failed is not None and not failed.missing and _is_ours(path):
        return _remove_without_systemd(path, disable, failed)
    if failed is not None and not failed.missing:
        return Outcome((f"Could not run `{shlex.join(disable)}`: {failed.reason}.", "Run these by hand:",
                        _by_hand(disable), _by_hand(["rm", "--", str(path)]),
                        _by_hand(_systemctl("daemon-reload"))), 1)
    lines = [f"Ran: {shlex.join(disable)}" if failed is None else f"{failed.reason}: nothing to stop."]
    try:
        path.unlink()
    except OSError as error:
        return Outcome((*lines, f"Cannot remove {path}: {error.strerror or error}.",
                        "Run these by hand:", _by_hand(["rm", "--", str(path)])), 1)
    lines.append(f"Removed the unit file {path}.")
    if failed is not None:
        return Outcome(tuple(lines), 0)
    reloaded, status = _run_all(run, [_systemctl("daemon-reload")])
    return Outcome((*lines, *reloaded), status)


def _is_ours(path: Path) -> bool:
    try:
        with path.open(encoding="utf-8", errors="replace") as file:
            return file.readline().rstrip("\n") == WRITTEN_BY
    except OSError:
        return False


def _remove_without_systemd(path: Path, disable: Sequence[str], failed: _Failed) -> Outcome:
    """systemd cannot be reached: the unit file is still ours to remove, so it will not start again."""
    lines = [f"Could not run `{shlex.join(disable)}`: {failed.reason}."]
    try:
        path.unlink()
    except OSError as error:
        return Outcome((*lines, f"Cannot remove {path}: {error.strerror or error}.", "Run these by hand:",
                        _by_hand(["rm", "--", str(path)]), _by_hand(_systemctl("daemon-reload"))), 1)
    return Outcome((*lines, f"Removed the unit file {path}, so it will not start again.",
                    "If it is still running, stop it once systemd answers:", _by_hand(disable),
                    _by_hand(_systemctl("daemon-reload"))), 0)


def status(env: Mapping[str, str] | None = None, run: Run = subprocess.run, unit: Unit = ASSISTANT) -> Outcome:
    """Whether the unit is installed, running and enabled; 0 only when it is running."""
    path = unit_path(env, unit)
    if not path.exists():
        return Outcome((f"Unit file: not installed (no {path}).", unit.logs_hint), 1)
    active = _query(run, "is-active", unit)
    enabled = _query(run, "is-enabled", unit)
    lines = (f"Unit file: {path}", f"Running: {active}", f"Starts at login or boot: {enabled}", unit.logs_hint)
    return Outcome(lines, 0 if active == "active" else 1)


def _query(run: Run, question: str, unit: Unit) -> str:
    """systemctl's one-word answer ("active", "enabled", ...), or "unknown (why)"."""
    command = _systemctl(question, unit.name)
    try:
        result = run(command, capture_output=True, text=True, timeout=COMMAND_SECONDS, check=False)
    except FileNotFoundError:
        return "unknown (systemctl is not installed)"
    except (subprocess.TimeoutExpired, OSError) as error:
        return f"unknown ({error})"
    answer = first_line(result.stdout)
    return answer or f"unknown ({first_line(result.stderr) or f'exit status {result.returncode}'})"
