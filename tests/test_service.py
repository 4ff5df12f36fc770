"""The systemd user service: the unit text, and install/uninstall/status with systemctl recorded."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

import pytest

from voice.cli import main
from voice.service import (
    LISTEN_ARGS,
    WRITTEN_BY,
    ServiceError,
    default_command,
    install,
    status,
    uninstall,
    unit_path,
    unit_text,
    wyoming_unit,
)

PROGRAM = Path("/home/pi/.venv/bin/acupressure")
DAEMON_RELOAD = ["systemctl", "--user", "daemon-reload"]
ENABLE = ["systemctl", "--user", "enable", "--now", "acupressure.service"]
LINGER = ["loginctl", "enable-linger", "tester"]
DISABLE = ["systemctl", "--user", "disable", "--now", "acupressure.service"]


@dataclass
class Recorder:
    """Stands in for subprocess.run at the OS edge: records each command and answers it."""

    answer: Callable[[list[str]], subprocess.CompletedProcess[str]] = field(
        default=lambda command: subprocess.CompletedProcess(command, 0, "", ""))
    commands: list[list[str]] = field(default_factory=list)

    def __call__(self, command: list[str], **options: Any) -> subprocess.CompletedProcess[str]:
        assert options.get("timeout"), "every call must have a timeout"
        self.commands.append(list(command))
        return self.answer(list(command))


def failing(command: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.CompletedProcess(command, 1, "", "Failed to connect to bus: No medium found\n")


def missing(command: list[str]) -> subprocess.CompletedProcess[str]:
    raise FileNotFoundError(2, "No such file or directory", command[0])


def answering(replies: Mapping[str, str]) -> Callable[[list[str]], subprocess.CompletedProcess[str]]:
    def answer(command: list[str]) -> subprocess.CompletedProcess[str]:
        reply = replies.get(command[2], "")
        return subprocess.CompletedProcess(command, 0 if reply in ("active", "enabled") else 3, reply + "\n", "")

    return answer


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"XDG_CONFIG_HOME": str(tmp_path / "config"), "HOME": str(tmp_path / "home"), "USER": "tester"}


@pytest.fixture
def unit(env: dict[str, str]) -> Path:
    return Path(env["XDG_CONFIG_HOME"]) / "systemd" / "user" / "acupressure.service"


# ---------------------------------------------------------------- the unit text


def test_the_unit_runs_the_home_session_and_restarts_it() -> None:
    text = unit_text(PROGRAM, LISTEN_ARGS, Path("/home/pi"))
    lines = text.splitlines()
    assert "ExecStart=/home/pi/.venv/bin/acupressure listen --home" in lines
    for line in ("[Service]", "Type=simple", "Restart=always", "RestartSec=5", "TimeoutStopSec=5", "LimitNOFILE=1024",
                 "KillSignal=SIGTERM", "SuccessExitStatus=129 130 143", "Environment=PYTHONUNBUFFERED=1",
                 "StandardOutput=journal",
                 "WorkingDirectory=/home/pi", "After=sound.target", "[Install]", "WantedBy=default.target"):
        assert line in lines
    assert "network" not in text.lower()
    assert text.endswith("\n")


def test_paths_with_spaces_percent_and_dollar_are_quoted_for_systemd() -> None:
    text = unit_text(Path("/opt/my apps/acupressure"), ["listen", "50%", "$HOME", 'say "hi"'],
                     Path("/home/pi/my 100% folder"))
    assert 'ExecStart="/opt/my apps/acupressure" listen 50%% $$HOME "say \\"hi\\""' in text.splitlines()
    assert "WorkingDirectory=/home/pi/my 100%% folder" in text.splitlines()


def test_relative_paths_and_control_characters_are_refused() -> None:
    with pytest.raises(ServiceError, match="absolute"):
        unit_text(Path("bin/acupressure"), LISTEN_ARGS, Path("/home/pi"))
    with pytest.raises(ServiceError, match="control character"):
        unit_text(PROGRAM, ["listen\n--home"], Path("/home/pi"))


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_accepts_the_unit(tmp_path: Path) -> None:
    folder = tmp_path / "my 50% folder"
    folder.mkdir()
    program = folder / "acupressure"
    program.write_text("#!/bin/sh\n", encoding="utf-8")
    program.chmod(0o755)
    unit = tmp_path / "acupressure.service"
    unit.write_text(unit_text(program, [*LISTEN_ARGS, "$x", "a b"], folder), encoding="utf-8")
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    result = subprocess.run(["systemd-analyze", "verify", "--user", str(unit)], capture_output=True, text=True,
                            timeout=60, env={**os.environ, "XDG_RUNTIME_DIR": str(runtime)}, check=False)
    assert result.returncode == 0, result.stderr


def test_the_default_command_is_absolute_and_listens_at_home() -> None:
    program, args, workdir = default_command()
    assert program.is_absolute() and workdir.is_absolute()
    assert tuple(args[-2:]) == LISTEN_ARGS


def test_the_unit_path_follows_xdg_config_home(tmp_path: Path) -> None:
    assert unit_path({"XDG_CONFIG_HOME": "/x/config", "HOME": "/home/pi"}) == Path(
        "/x/config/systemd/user/acupressure.service")
    assert unit_path({"HOME": "/home/pi"}) == Path("/home/pi/.config/systemd/user/acupressure.service")
    assert unit_path({"XDG_CONFIG_HOME": "relative", "HOME": "/home/pi"}) == Path(
        "/home/pi/.config/systemd/user/acupressure.service")


# ---------------------------------------------------------------- install


def test_install_writes_the_unit_and_enables_it_in_order(env: dict[str, str], unit: Path) -> None:
    run = Recorder()
    outcome = install(env, run, PROGRAM)
    assert outcome.status == 0
    assert unit.read_text(encoding="utf-8") == unit_text(PROGRAM, LISTEN_ARGS, Path(env["HOME"]))
    assert run.commands == [DAEMON_RELOAD, ENABLE, LINGER]
    assert outcome.lines[0] == f"Wrote the unit file {unit}."
    assert "Ran: loginctl enable-linger tester" in outcome.lines
    assert outcome.lines[-1] == "Logs: journalctl --user -u acupressure -f"


def test_installing_again_keeps_the_same_unit_and_enables_it_again(env: dict[str, str], unit: Path) -> None:
    install(env, Recorder(), PROGRAM)
    run = Recorder()
    outcome = install(env, run, PROGRAM)
    assert outcome.status == 0
    assert outcome.lines[0] == f"The unit file {unit} is already up to date."
    assert run.commands == [DAEMON_RELOAD, ENABLE, LINGER]


def test_a_different_unit_is_not_overwritten_without_force(env: dict[str, str], unit: Path) -> None:
    unit.parent.mkdir(parents=True)
    unit.write_text("[Service]\nExecStart=/usr/bin/true\n", encoding="utf-8")
    run = Recorder()
    refused = install(env, run, PROGRAM)
    assert refused.status == 1
    assert str(unit) in refused.lines[0] and "left unchanged" in refused.lines[0]
    assert "--force" in refused.lines[1]
    assert unit.read_text(encoding="utf-8") == "[Service]\nExecStart=/usr/bin/true\n"
    assert run.commands == []

    forced = install(env, run, PROGRAM, force=True)
    assert forced.status == 0 and forced.lines[0] == f"Replaced the unit file {unit}."
    assert "listen --home" in unit.read_text(encoding="utf-8")


def test_install_with_systemctl_failing_says_what_to_run_by_hand(env: dict[str, str], unit: Path) -> None:
    run = Recorder(failing)
    outcome = install(env, run, PROGRAM)
    assert outcome.status == 1
    assert unit.exists()
    assert run.commands == [DAEMON_RELOAD]
    assert outcome.lines[1:] == (
        "Could not run `systemctl --user daemon-reload`: Failed to connect to bus: No medium found.",
        "Run these by hand:",
        "  systemctl --user daemon-reload",
        "  systemctl --user enable --now acupressure.service",
        "  sudo loginctl enable-linger tester",
    )


def test_install_with_only_linger_failing_lists_only_linger(env: dict[str, str]) -> None:
    def linger_denied(command: list[str]) -> subprocess.CompletedProcess[str]:
        code = 1 if command[0] == "loginctl" else 0
        return subprocess.CompletedProcess(command, code, "", "Access denied" if code else "")

    outcome = install(env, Recorder(linger_denied), PROGRAM)
    assert outcome.status == 1
    assert outcome.lines[-2:] == ("Run these by hand:", "  sudo loginctl enable-linger tester")


def test_install_with_systemctl_missing_says_what_to_run_by_hand(env: dict[str, str]) -> None:
    outcome = install(env, Recorder(missing), PROGRAM)
    assert outcome.status == 1
    assert "systemctl is not installed" in outcome.lines[1]
    assert "  systemctl --user enable --now acupressure.service" in outcome.lines


def test_install_reports_a_unit_folder_it_cannot_write(tmp_path: Path) -> None:
    blocker = tmp_path / "config"
    blocker.write_text("a file where a folder should be", encoding="utf-8")
    run = Recorder()
    outcome = install({"XDG_CONFIG_HOME": str(blocker), "USER": "tester"}, run, PROGRAM)
    assert outcome.status == 1
    assert outcome.lines[0].startswith("Cannot install the service:") and str(blocker) in outcome.lines[0]
    assert run.commands == []


# ---------------------------------------------------------------- uninstall


def test_uninstall_disables_removes_and_reloads(env: dict[str, str], unit: Path) -> None:
    install(env, Recorder(), PROGRAM)
    run = Recorder()
    outcome = uninstall(env, run)
    assert outcome.status == 0
    assert not unit.exists()
    assert run.commands == [DISABLE, DAEMON_RELOAD]
    assert f"Removed the unit file {unit}." in outcome.lines


def test_uninstall_when_not_installed_says_so(env: dict[str, str], unit: Path) -> None:
    run = Recorder()
    outcome = uninstall(env, run)
    assert outcome.status == 0
    assert outcome.lines == (f"The service is not installed (no unit file at {unit}).",)
    assert run.commands == []


def test_uninstall_with_systemctl_failing_keeps_a_unit_it_did_not_write(env: dict[str, str], unit: Path) -> None:
    install(env, Recorder(), PROGRAM)
    unit.write_text(unit.read_text().split("\n", 1)[1], encoding="utf-8")  # as if written by hand
    outcome = uninstall(env, Recorder(failing))
    assert outcome.status == 1
    assert unit.exists()
    assert outcome.lines[1:] == ("Run these by hand:", "  systemctl --user disable --now acupressure.service",
                                 f"  rm -- {unit}", "  systemctl --user daemon-reload")


def test_uninstall_removes_its_own_unit_even_when_systemd_cannot_be_reached(env: dict[str, str], unit: Path) -> None:
    install(env, Recorder(), PROGRAM)
    outcome = uninstall(env, Recorder(failing))
    assert not unit.exists() and list(unit.parent.iterdir()) == []
    assert outcome.status == 0
    assert outcome.lines[1] == f"Removed the unit file {unit}, so it will not start again."
    assert "  systemctl --user daemon-reload" in outcome.lines


def test_install_on_a_full_disk_names_the_file_and_leaves_nothing(tmp_path: Path) -> None:
    """A real write failure: the process may write no byte (RLIMIT_FSIZE), as on a full disk."""
    limit = "import resource, signal, sys, runpy; signal.signal(signal.SIGXFSZ, signal.SIG_IGN); " \
            "resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0)); sys.argv = ['voice', 'service', 'install']; " \
            "runpy.run_module('voice', run_name='__main__')"
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config"), "HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", limit], capture_output=True, text=True, timeout=60, env=env)
    folder = tmp_path / "config" / "systemd" / "user"
    assert result.returncode == 1
    assert result.stdout == f"Cannot install the service: cannot write {folder / 'acupressure.service'} " \
                            "(File too large)\n", result.stdout + result.stderr
    assert list(folder.iterdir()) == []


def test_a_link_planted_beside_the_unit_is_never_written_through(env: dict[str, str], unit: Path,
                                                                   tmp_path: Path) -> None:
    """The scratch file once had a fixed name (.acupressure.service.tmp) and was opened following links."""
    precious = tmp_path / "precious.txt"
    precious.write_text("the user's own file\n", encoding="utf-8")
    unit.parent.mkdir(parents=True)
    planted = [unit.parent / name for name in (".acupressure.service.tmp", ".acupressure.service.tmp.tmp")]
    for link in planted:
        link.symlink_to(precious)
    for force in (False, True):  # written new, then replaced
        assert install(env, Recorder(), PROGRAM, force=force).status == 0
    assert precious.read_text(encoding="utf-8") == "the user's own file\n"
    assert not unit.is_symlink() and unit.read_text(encoding="utf-8").startswith(WRITTEN_BY)
    assert sorted(unit.parent.iterdir()) == sorted([unit, *planted])  # no scratch file left


def test_uninstall_without_systemctl_just_removes_the_unit(env: dict[str, str], unit: Path) -> None:
    install(env, Recorder(), PROGRAM)
    outcome = uninstall(env, Recorder(missing))
    assert outcome.status == 0
    assert not unit.exists()


# ---------------------------------------------------------------- status


def test_status_of_a_running_service(env: dict[str, str], unit: Path) -> None:
    install(env, Recorder(), PROGRAM)
    run = Recorder(answering({"is-active": "active", "is-enabled": "enabled"}))
    outcome = status(env, run)
    assert outcome.status == 0
    assert outcome.lines == (f"Unit file: {unit}", "Running: active", "Starts at login or boot: enabled",
                             "Logs: journalctl --user -u acupressure -f")
    assert [command[2] for command in run.commands] == ["is-active", "is-enabled"]


def test_status_of_a_stopped_service(env: dict[str, str]) -> None:
    install(env, Recorder(), PROGRAM)
    outcome = status(env, Recorder(answering({"is-active": "inactive", "is-enabled": "disabled"})))
    assert outcome.status == 1
    assert "Running: inactive" in outcome.lines and "Starts at login or boot: disabled" in outcome.lines


def test_status_when_not_installed(env: dict[str, str], unit: Path) -> None:
    outcome = status(env, Recorder())
    assert outcome.status == 1
    assert outcome.lines[0] == f"Unit file: not installed (no {unit})."


def test_status_with_systemctl_failing_says_why(env: dict[str, str]) -> None:
    install(env, Recorder(), PROGRAM)
    outcome = status(env, Recorder(failing))
    assert outcome.status == 1
    assert "Running: unknown (Failed to connect to bus: No medium found)" in outcome.lines


# ---------------------------------------------------------------- this machine, for real


def test_with_no_systemctl_on_the_path_nothing_raises(env: dict[str, str], unit: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    installed = install(env, executable=PROGRAM)
    assert installed.status == 1 and unit.exists()
    assert "Run these by hand:" in installed.lines
    assert "Running: unknown (systemctl is not installed)" in status(env).lines
    removed = uninstall(env)
    assert removed.status == 0 and not unit.exists()


@pytest.mark.skipif(shutil.which("systemctl") is None or Path("/run/systemd/system").exists(),
                    reason="needs a systemctl without a running systemd, as in a container")
def test_the_real_systemctl_without_systemd_gives_lines_not_tracebacks(env: dict[str, str], unit: Path) -> None:
    installed = install(env, executable=PROGRAM)
    assert installed.status == 1 and unit.exists()
    assert installed.lines[1].startswith("Could not run `systemctl --user daemon-reload`")
    assert "  systemctl --user enable --now acupressure.service" in installed.lines
    assert status(env).status == 1
    removed = uninstall(env)  # the unit file it wrote itself goes, even though systemd cannot be reached
    assert removed.status == 0 and not unit.exists()
    assert "  systemctl --user daemon-reload" in removed.lines


# ---------------------------------------------------------------- the second unit: the Wyoming service


WYOMING = wyoming_unit("tcp://0.0.0.0:10750", announce=True)


def test_the_wyoming_unit_serves_home_assistant_and_restarts() -> None:
    lines = unit_text(PROGRAM, WYOMING.args, Path("/home/pi"), WYOMING).splitlines()
    assert "ExecStart=/home/pi/.venv/bin/acupressure wyoming --uri tcp://0.0.0.0:10750 --zeroconf" in lines
    assert "Restart=always" in lines and "SyslogIdentifier=acupressure-wyoming" in lines
    assert "LimitNOFILE=1024" in lines  # the limit the lock-out test in test_wyoming.py holds out against
    assert not any(line.startswith("After=") for line in lines)  # needs no sound device


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_accepts_the_wyoming_unit(tmp_path: Path) -> None:
    program = tmp_path / "acupressure"
    program.write_text("#!/bin/sh\n", encoding="utf-8")
    program.chmod(0o755)
    unit = tmp_path / WYOMING.name
    unit.write_text(unit_text(program, WYOMING.args, tmp_path, WYOMING), encoding="utf-8")
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    result = subprocess.run(["systemd-analyze", "verify", "--user", str(unit)], capture_output=True, text=True,
                            timeout=60, env={**os.environ, "XDG_RUNTIME_DIR": str(runtime)}, check=False)
    assert result.returncode == 0, result.stderr


def test_install_wyoming_adds_a_second_unit_beside_the_assistant(env: dict[str, str], unit: Path) -> None:
    install(env, Recorder(), PROGRAM)
    run = Recorder()
    outcome = install(env, run, PROGRAM, unit=WYOMING)
    second = unit.with_name("acupressure-wyoming.service")
    assert outcome.status == 0
    assert "wyoming --uri tcp://0.0.0.0:10750 --zeroconf" in second.read_text(encoding="utf-8")
    assert "listen --home" in unit.read_text(encoding="utf-8")
    assert run.commands == [DAEMON_RELOAD, ["systemctl", "--user", "enable", "--now", "acupressure-wyoming.service"],
                            LINGER]
    assert outcome.lines[-2:] == ("The Wyoming service for Home Assistant now listens on tcp://0.0.0.0:10750 "
                                  "and starts at boot. Home Assistant will find it by itself (Settings > Devices "
                                  "& services > Discovered).", "Logs: journalctl --user -u acupressure-wyoming -f")


def test_uninstall_and_status_of_the_wyoming_unit_leave_the_assistant_alone(env: dict[str, str],
                                                                            unit: Path) -> None:
    install(env, Recorder(), PROGRAM)
    install(env, Recorder(), PROGRAM, unit=WYOMING)
    run = Recorder(answering({"is-active": "active", "is-enabled": "enabled"}))
    assert status(env, run, unit=WYOMING).status == 0
    assert run.commands == [["systemctl", "--user", "is-active", "acupressure-wyoming.service"],
                            ["systemctl", "--user", "is-enabled", "acupressure-wyoming.service"]]
    run = Recorder()
    assert uninstall(env, run, unit=WYOMING).status == 0
    assert run.commands[0] == ["systemctl", "--user", "disable", "--now", "acupressure-wyoming.service"]
    assert unit.exists() and not unit.with_name("acupressure-wyoming.service").exists()


@pytest.mark.parametrize("uri, announced", [(None, False), ("tcp://localhost:10750", False),
                                             ("tcp://0.0.0.0:10750", True)])
def test_install_wyoming_announces_it_by_zeroconf_when_other_machines_can_reach_it(
        uri: str | None, announced: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))  # no systemctl: the unit is written, the rest is said to run by hand
    main(["service", "install", "--wyoming", *(["--uri", uri] if uri else [])])
    err = capsys.readouterr().err
    unit = Path(os.environ["XDG_CONFIG_HOME"]) / "systemd" / "user" / "acupressure-wyoming.service"
    command = next(line for line in unit.read_text(encoding="utf-8").splitlines() if line.startswith("ExecStart="))
    assert command.endswith(f"wyoming --uri {uri or 'tcp://127.0.0.1:10750'}" + (" --zeroconf" if announced else ""))
    assert ("Warning: listening on every network" in err) is announced


@pytest.mark.parametrize("argv, message", [
    (["service", "install", "--uri", "tcp://0.0.0.0:10700"], "--uri is for the Wyoming service: add --wyoming."),
    (["service", "install", "--wyoming", "--uri", "0.0.0.0"], "'0.0.0.0' is not a Wyoming address."),
    (["service", "install", "--wyoming", "--uri", "tcp://127.0.0.1:10750/x"], "has a path (/x)"),
    (["service", "install", "--wyoming", "--uri", "tcp://198.51.100.77:10750"],
     "Cannot listen on 198.51.100.77: it is not an address of this machine."),
])
def test_service_install_refuses_a_misplaced_or_bad_address_in_one_line(
        argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err
    assert not list(Path(os.environ["XDG_CONFIG_HOME"]).rglob("*.service"))
