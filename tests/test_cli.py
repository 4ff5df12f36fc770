"""The command line as a user runs it: one line out per line in, clear errors, no tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import OtherUser, ctrl_c_as_at_a_terminal

CLI = [sys.executable, "-m", "voice"]


def run(*args: str, stdin: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], input=stdin, capture_output=True, text=True, timeout=60, env=env)


def test_ask_prints_the_words_it_would_speak() -> None:
    result = run("ask", "my left elbow hurts")
    assert result.returncode == 0
    assert result.stdout.startswith("Your left elbow.")
    assert "right knee" in result.stdout


def test_ask_json_has_the_contract_fields() -> None:
    result = run("ask", "--json", "I'm pregnant and my right wrist hurts")
    answer = json.loads(result.stdout)
    assert answer["understood"] is True
    assert answer["pain"] == {"area": "wrist", "side": "right", "qualifier": None}
    assert answer["target"] == {"area": "ankle", "side": "left", "qualifier": None}
    assert answer["avoid_points"] == ["UB60", "SP6"] and answer["points"] == []
    assert answer["warnings"][:2] == ["pregnancy", "gentle"]
    assert isinstance(answer["speech"], str)


def test_batch_keeps_one_line_per_input_line_in_order() -> None:
    lines = ["my left elbow hurts", "", "what's the weather", "my knees", "   ", "headache"] * 50
    result = run("ask", "--json", "-", stdin="\n".join(lines) + "\n")
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(answers) == len(lines)
    assert [a["text"] for a in answers] == lines
    assert [a["understood"] for a in answers[:6]] == [True, False, False, True, False, True]


def test_batch_text_mode_keeps_blank_lines_as_lines() -> None:
    result = run("ask", "-", stdin="my knee\n\nmy hip\n")
    out = result.stdout.splitlines()
    assert len(out) == 3 and out[1].startswith("I did not hear anything")


def test_side_rule_and_language_flags() -> None:
    assert "your left knee" in run("ask", "--same-side", "my left elbow").stdout
    assert "오른쪽 무릎" in run("ask", "--lang", "ko", "왼쪽 팔꿈치가 아파요").stdout


@pytest.mark.parametrize("args, words", [
    (["ask", "--lang", "xx", "hello"], "--lang: 'xx' is not one of: en, ko"),
    (["listen", "--once", "--model", "/nonexistent/model"], "/nonexistent/model"),
    (["ask", "--minutes", "many", "knee"], "--minutes"),
])
def test_bad_input_gets_one_clear_line_not_a_traceback(args: list, words: str) -> None:
    result = run(*args)
    assert result.returncode != 0
    assert words in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_model_names_the_places_and_the_download_command(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "VOSK_MODEL_PATH": str(tmp_path / "none")}
    result = run("listen", "--once", "--input", "x.wav", env=env)
    assert result.returncode == 1
    assert "acupressure model download" in result.stderr and "Traceback" not in result.stderr


def test_broken_language_pack_stops_at_start(tmp_path: Path) -> None:
    import shutil

    from voice.knowledge import DATA_DIR

    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    (data / "lang" / "en.yaml").write_text("areas: [", encoding="utf-8")
    code = ("import sys, voice.knowledge as k; from pathlib import Path; "
            f"k.DATA_DIR = Path({str(data)!r}); from voice.cli import main; sys.exit(main(['ask', 'knee']))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "en.yaml" in result.stderr and "not valid YAML" in result.stderr
    assert "Traceback" not in result.stderr


def test_listen_once_with_the_real_engine(korean_model_path: Path, speak_ko) -> None:
    result = run("listen", "--once", "--json", "--lang", "ko", "--model", str(korean_model_path),
                 "--input", str(speak_ko("머리가 아파요")))
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert "머리" in answer["heard"] and answer["pain"]["area"] == "head"


def test_devices_without_a_sound_card_says_so() -> None:
    from voice.devices import list_input_devices

    if list_input_devices():
        pytest.skip("this machine has a microphone")
    result = run("devices")
    assert "Traceback" not in result.stderr
    assert result.returncode == 1
    assert "No microphone found" in result.stderr and "acupressure listen --input question.wav" in result.stderr


def test_listen_without_a_microphone_says_what_works_now(tmp_path: Path, korean_model_path: Path) -> None:
    """A laptop on a train, a server, a container: sound files and typed questions work without one."""
    from voice.devices import list_input_devices

    if list_input_devices():
        pytest.skip("this machine has a microphone")
    result = run("listen", "--lang", "ko", "--model", str(korean_model_path),
                 env={**os.environ, "XDG_CONFIG_HOME": str(tmp_path)})
    assert result.returncode == 1
    assert result.stderr == ("acupressure: No microphone found. Plug in a microphone, then run `acupressure devices`. "
                             "Without one, `acupressure listen --input question.wav` hears a sound file and "
                             '`acupressure ask "my left elbow hurts"` answers typed questions.\n')


def test_doctor_says_what_is_missing_on_a_machine_without_sound(tmp_path: Path, korean_model_path: Path) -> None:
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path)}
    result = run("doctor", "--lang", "ko", "--model", str(korean_model_path), env=env)
    assert result.returncode == 1
    assert "ok   Speech model" in result.stdout and "ok   Speech engine" in result.stdout
    assert "FAIL Microphone: no input device found. Fix: plug in a USB microphone" in result.stdout
    assert "`acupressure listen --input question.wav` hears a sound file" in result.stdout
    assert "FAIL Speaker" in result.stdout and "Traceback" not in result.stderr


@pytest.mark.parametrize("command", [["config"], ["listen", "--once"], ["doctor"]])
def test_a_bad_settings_file_gives_file_key_and_allowed_values(tmp_path: Path, command: list) -> None:
    settings = tmp_path / "acupressure" / "config.yaml"
    settings.parent.mkdir()
    settings.write_text("rate: fast\n", encoding="utf-8")
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path)}
    result = run(*command, env=env)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert str(settings) in output and "rate" in output and "between 80 and 450" in output
    assert "Traceback" not in output
    assert settings.read_text(encoding="utf-8") == "rate: fast\n"  # nothing overwritten


def test_config_shows_where_each_setting_came_from(tmp_path: Path) -> None:
    settings = tmp_path / "acupressure" / "config.yaml"
    settings.parent.mkdir()
    settings.write_text("language: ko\n", encoding="utf-8")
    result = run("config", "--minutes", "2", env={**os.environ, "XDG_CONFIG_HOME": str(tmp_path)})
    assert result.returncode == 0
    assert f"language: ko  (from {settings})" in result.stdout
    assert "massage_minutes: 2.0  (from --minutes)" in result.stdout
    assert "rate: 160  (default)" in result.stdout


def test_no_speech_engine_says_so_at_start_and_offers_text_only(tmp_path: Path, korean_model_path: Path,
                                                                 speak_ko) -> None:
    shim = tmp_path / "shim" / "pyttsx3"
    shim.mkdir(parents=True)
    (shim / "__init__.py").write_text("raise OSError('libespeak-ng.so.1: cannot open shared object file')\n")
    env = {**os.environ, "PYTHONPATH": str(shim.parent), "XDG_CONFIG_HOME": str(tmp_path)}
    args = ["listen", "--lang", "ko", "--model", str(korean_model_path), "--input", str(speak_ko("멈춰"))]
    result = run(*args, env=env)
    assert result.returncode == 1
    assert "No speech engine" in result.stderr and "--text-only" in result.stderr
    assert "Traceback" not in result.stderr
    text_only = run(*args, "--text-only", env=env)
    assert text_only.returncode == 0 and "Assistant: " in text_only.stdout


def test_a_voice_change_is_kept_for_next_time_outside_the_users_file(tmp_path: Path) -> None:
    from voice.cli import _remember_voice
    from voice.settings import load_settings
    from voice.speech import Voice

    path = tmp_path / "config.yaml"
    path.write_text("# mine\nlanguage: ko\n", encoding="utf-8")
    _remember_voice(load_settings(path), Voice(rate=140, volume=0.8))
    again = load_settings(path).settings
    assert (again.rate, again.volume, again.language) == (140, 0.8, "ko")
    assert path.read_text(encoding="utf-8") == "# mine\nlanguage: ko\n"
    shown = run("config", "--config", str(path))
    assert "rate: 140  (said aloud; forget with `acupressure config --reset-voice`)" in shown.stdout
    reset = run("config", "--config", str(path), "--reset-voice")
    assert reset.returncode == 0 and "Forgot the voice changes said aloud" in reset.stdout
    assert "rate: 160  (default)" in reset.stdout


def test_a_config_path_that_does_not_exist_is_an_error(tmp_path: Path) -> None:
    for command in (["ask", "my knee hurts"], ["config"], ["listen", "--once", "--text-only"]):
        result = run(*command, "--config", str(tmp_path / "x.yaml"))
        assert result.returncode == 1
        assert result.stderr.startswith(f"acupressure: {tmp_path / 'x.yaml'}: the settings file given with "
                                        "--config does not exist")


def test_a_wake_phrase_the_model_cannot_hear_is_refused(korean_model_path: Path, speak_ko, tmp_path: Path) -> None:
    result = run("listen", "--lang", "ko", "--model", str(korean_model_path), "--text-only",
                 "--wake-phrase", "hello helper", "--input", str(speak_ko("멈춰")),
                 env={**os.environ, "XDG_CONFIG_HOME": str(tmp_path)})
    assert result.returncode == 1
    assert "wake phrase 'hello helper'" in result.stderr and "hello, helper" in result.stderr
    assert "Traceback" not in result.stderr


def test_without_a_speaker_it_carries_on_in_text_and_says_how_to_pick_one(tmp_path: Path, korean_model_path: Path,
                                                                          speak_ko) -> None:
    from voice.devices import list_output_devices

    if list_output_devices():
        pytest.skip("this machine has a speaker")
    result = run("listen", "--lang", "ko", "--model", str(korean_model_path), "--input", str(speak_ko("멈춰")),
                 env={**os.environ, "XDG_CONFIG_HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    notices = [line for line in result.stdout.splitlines() if line.startswith("! ")]
    assert len(notices) == 1 and "No speaker" in notices[0]
    assert "--output-device" in notices[0] and "--text-only" in notices[0]
    assert result.stdout.rstrip().endswith("안녕히 계세요. 몸조심하세요.")  # it heard "stop" and said goodbye
    assert "Traceback" not in result.stderr and "No speaker" not in result.stderr  # said once, not logged again


def test_sigterm_while_speaking_stops_at_once_and_every_file_is_whole(tmp_path: Path, korean_model_path: Path,
                                                                     speak_ko) -> None:
    """The service manager's stop: SIGTERM arrives while the assistant is rendering its speech;
    it exits cleanly at once, and the numbered files it wrote are all whole."""
    import signal
    import time
    import wave

    out = tmp_path / "out"
    # "my head hurts", again and again: each is asked back ("머리, 맞아요?"), so every one is spoken
    # ("help" was heard as other words, and the session ended before the signal was sent)
    requests = [speak_ko("머리가 아파요")] * 20
    process = subprocess.Popen([*CLI, "listen", "--lang", "ko", "--model", str(korean_model_path), "--no-cues",
                                "--speech-out", str(out), "--input", *map(str, requests)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "XDG_CONFIG_HOME": str(tmp_path)})
    assert process.stdout is not None
    lines = 0
    for line in process.stdout:  # the line is shown, then spoken: signal it while it speaks
        lines += line.startswith("Assistant: ")
        if lines == 3:
            break
    assert lines == 3, "the session ended before it could be signalled"
    sent = time.monotonic()
    process.send_signal(signal.SIGTERM)
    process.wait(10)
    # The session itself goes silent and ends within 0.5 s (test_session.py); the process exits at once after.
    assert time.monotonic() - sent < 2.0  # a loaded machine adds scheduling delays
    assert process.returncode == 128 + signal.SIGTERM and "Traceback" not in process.stderr.read()
    written = sorted(out.iterdir())
    assert 1 <= len(written) <= 3
    for path in written:  # whole files only: every header agrees with the data behind it
        assert path.name.endswith("-say.wav")
        with wave.open(str(path)) as wav:
            assert wav.getnframes() > 0 and len(wav.readframes(wav.getnframes())) == 2 * wav.getnframes()


@pytest.mark.parametrize("name", ["SIGINT", "SIGTERM"])
def test_a_stop_signal_exits_with_128_plus_its_number_in_a_session_as_in_a_batch(
        name: str, tmp_path: Path, korean_model_path: Path, speak_ko: Any) -> None:
    """The one rule (voice/exits.py): Ctrl-C gives 130 and SIGTERM 143, whatever was going on."""
    import signal

    number = signal.Signals[name]
    options: dict[str, Any] = dict(stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   env={**os.environ, "XDG_CONFIG_HOME": str(tmp_path)},
                                   preexec_fn=ctrl_c_as_at_a_terminal)
    batch = subprocess.Popen([*CLI, "ask", "-"], **options)
    session = subprocess.Popen([*CLI, "listen", "--text-only", "--lang", "ko", "--model", str(korean_model_path),
                                "--input", "-"], **{**options, "text": False})
    try:
        batch.stdin.write("my knee hurts\n")
        batch.stdin.flush()
        assert batch.stdout.readline().startswith("Your knee.")  # answered; now it waits for the next line
        header = speak_ko("머리가 아파요").read_bytes()[:44]  # then a sound that never ends, as arecord's
        session.stdin.write(header[:40] + (0x7FFFFFF0).to_bytes(4, "little") + bytes(32000))
        session.stdin.flush()
        assert session.stdout.readline().startswith("Assistant: ".encode())  # the session is under way
        for process in (batch, session):
            process.send_signal(number)
        ended = [process.communicate(timeout=30) for process in (batch, session)]
    finally:
        batch.kill()
        session.kill()
    assert (batch.returncode, session.returncode) == (128 + number, 128 + number)
    assert [ended[0][1], ended[1][1]] == ["", b""]  # no traceback, no line at all: it was asked to stop


def _a_value(option) -> str | None:
    """A valid value for a setting's flag: its default, or one its rule accepts."""
    if option.switch.value != "value":
        return None
    samples = {"model": "/opt/model", "input_device": "1", "voice": "en", "wake_phrase": "hello there",
               "confirm": "always"}
    return samples.get(option.key, str(option.default))


def test_every_setting_has_its_flag_generated_from_its_declaration(tmp_path: Path) -> None:
    """config takes every setting's flag, and says each came from that flag: one declaration is enough."""
    from voice.settings import OPTIONS

    (tmp_path / "empty.yaml").write_text("")
    args = ["config", "--config", str(tmp_path / "empty.yaml")]
    for option in OPTIONS:
        value = _a_value(option)
        args += [option.flag] if value is None else [option.flag, value]
    result = run(*args)
    assert result.returncode == 0, result.stderr
    for option in OPTIONS:
        assert f"(from {option.flag})" in result.stdout, option.key


# ---------------------------------------------------------------- output that cannot be written


def test_a_full_disk_on_standard_output_is_one_line_and_a_failure() -> None:
    with open("/dev/full", "w") as full:
        result = subprocess.run([*CLI, "ask", "my left elbow hurts"], stdout=full, stderr=subprocess.PIPE,
                                text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr == ("acupressure: cannot write the answer to the output (No space left on device); "
                             "free some space or write elsewhere\n")


def test_a_closed_standard_output_is_one_line_and_a_failure() -> None:
    result = subprocess.run([*CLI, "ask", "my knee hurts"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True, timeout=60, preexec_fn=lambda: os.close(1))
    assert result.returncode == 1
    assert result.stderr.startswith("acupressure: standard output is closed") and result.stderr.count("\n") == 1


def test_the_version_to_an_output_that_cannot_take_it_is_one_line_and_a_failure() -> None:
    """As for the answers (above): a full disk, a reader gone, a closed standard output."""
    args = ["--version"]
    with open("/dev/full", "w") as full:
        disk = subprocess.run([*CLI, *args], stdout=full, stderr=subprocess.PIPE, text=True, timeout=60)
    reader, writer = os.pipe()
    os.close(reader)  # the reading program is gone before a byte is written
    try:
        pipe = subprocess.run([*CLI, *args], stdout=writer, stderr=subprocess.PIPE, text=True, timeout=60)
    finally:
        os.close(writer)
    closed = subprocess.run([*CLI, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            timeout=60, preexec_fn=lambda: os.close(1))
    assert (disk.returncode, pipe.returncode, closed.returncode) == (1, 1, 1)
    assert disk.stderr == ("acupressure: cannot write the answer to the output (No space left on device); "
                           "free some space or write elsewhere\n")
    assert pipe.stderr == "acupressure: the output was closed before the answer was written (is the reading " \
                          "program gone?)\n"
    assert closed.stderr.startswith("acupressure: standard output is closed") and closed.stderr.count("\n") == 1


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_an_output_that_cannot_show_the_characters_shows_question_marks_and_says_how_to_see_them(
        encoding: str) -> None:
    env = {**os.environ, "PYTHONIOENCODING": encoding}
    korean = subprocess.run([*CLI, "ask", "--lang", "ko", "-"], input="무릎\n머리\n".encode(), capture_output=True,
                            timeout=60, env=env)
    assert korean.returncode == 0
    lines = korean.stdout.decode(encoding).splitlines()
    assert len(lines) == 2 and lines[0].startswith("??.")
    assert korean.stderr.decode() == (f"acupressure: the output's character set ({encoding}) cannot show some "
                                      "characters, shown as '?'; use a UTF-8 locale to see them (e.g. export "
                                      "LANG=C.UTF-8)\n")  # once, however many lines
    english = subprocess.run([*CLI, "ask", "my left elbow hurts"], capture_output=True, timeout=60, env=env)
    assert english.returncode == 0 and english.stderr == b"" and english.stdout.startswith(b"Your left elbow.")


def test_a_reader_that_goes_away_is_one_line_and_a_failure() -> None:
    process = subprocess.Popen([*CLI, "ask", "-"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    process.stdout.close()  # the reader is gone before the answers come
    _, err = process.communicate("my knee hurts\n" * 2000, timeout=60)
    assert process.returncode == 1
    assert err == "acupressure: the output was closed before the answer was written (is the reading program gone?)\n"


def test_a_line_of_exactly_the_longest_length_is_answered_and_one_more_character_is_refused() -> None:
    from voice.cli import MAX_LINE

    for ending in ("\n", "\r\n", ""):
        longest = subprocess.run([*CLI, "ask", "--json", "-"], input=b"k" * MAX_LINE + ending.encode(),
                                 capture_output=True, timeout=60)
        assert longest.returncode == 0 and longest.stderr == b"", longest.stderr[-300:]
        assert len(json.loads(longest.stdout)["text"]) == MAX_LINE
    over = subprocess.run([*CLI, "ask", "-"], input=b"k" * (MAX_LINE + 1) + b"\n", capture_output=True, timeout=60)
    assert over.returncode == 1 and b"line 1 of the input is longer than 1048576 characters" in over.stderr


def test_an_overlong_input_line_is_one_line_and_odd_bytes_are_no_error(tmp_path: Path) -> None:
    endless = subprocess.run([*CLI, "ask", "-"], stdin=open("/dev/zero", "rb"), capture_output=True, text=True,
                             timeout=60)
    assert endless.returncode == 1 and endless.stderr == (
        "acupressure: line 1 of the input is longer than 1048576 characters; give one utterance per line\n")
    odd = subprocess.run([*CLI, "ask", "-"], input=b"my knee\n\xff\xfe hurts\n", capture_output=True, timeout=60,
                         env={**os.environ, "PYTHONIOENCODING": "utf-8:strict"})
    assert odd.returncode == 0 and odd.stdout.decode("utf-8").count("\n") == 2  # bytes that are not UTF-8: \ufffd


def test_digits_that_are_no_numbers_are_answered_line_by_line() -> None:
    """Found by random bytes into `ask -`: "❼" is a digit to str.isdigit(), but int() refuses it."""
    result = run("ask", "-", stdin="my ❼ knee\n❼\nmy left elbow hurts ²\n")
    assert result.returncode == 0 and result.stderr == ""
    lines = result.stdout.splitlines()
    assert len(lines) == 3 and lines[2].startswith("Your left elbow.")


@pytest.mark.parametrize("args, command, wrong", [
    (["ask", "--bogus", "my knee"], "acupressure ask", "unrecognized arguments: --bogus"),
    (["ask", "--pregnant", "maybe", "my knee"], "acupressure ask", "invalid choice: 'maybe'"),
    (["ask"], "acupressure ask", "required: text"),
    (["bogus"], "acupressure", "invalid choice: 'bogus'"),
    (["--nope"], "acupressure", "unrecognized arguments: --nope"),
    (["service", "install", "--bogus"], "acupressure service install", "unrecognized arguments: --bogus"),
    (["model", "download", "--nope"], "acupressure model download", "unrecognized arguments: --nope"),
    (["listen", "--rate"], "acupressure listen", "--rate: expected one argument"),
])
def test_bad_arguments_are_one_line_naming_what_is_wrong_and_where_the_right_ones_are(
        capsys: pytest.CaptureFixture[str], args: list[str], command: str, wrong: str) -> None:
    """Not argparse's usage block: one line, and the help of the command that was given."""
    from voice.cli import main

    with pytest.raises(SystemExit) as exit:
        main(args)
    err = capsys.readouterr().err
    assert exit.value.code == 2
    assert err.count("\n") == 1 and err.startswith(f"{command}: error: ") and wrong in err, err
    assert err.rstrip().endswith(f"see `{command} --help`"), err


def _speech_out_run(runner: Any, korean_model_path: Path, out: Path, speak_ko: Any) -> subprocess.CompletedProcess:
    return runner("listen", "--lang", "ko", "--model", str(korean_model_path), "--input", str(speak_ko("멈춰")),
                  "--speech-out", str(out))


def _nothing_spoken_and_one_line_about_the_folder(result: subprocess.CompletedProcess, problem: str) -> None:
    assert result.returncode == 1
    assert problem in result.stderr and "--speech-out" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert "--output-device" not in result.stderr + result.stdout  # not a speaker's problem
    assert "Assistant:" not in result.stdout and "You:" not in result.stdout  # said and heard nothing


@pytest.mark.parametrize(
    ("where", "problem"),
    [("notes.txt", "'{tmp}/notes.txt': it is a file, not a folder."),
     ("notes.txt/speech", "'{tmp}/notes.txt' is a file, not a folder.")],
    ids=["a-file", "under-a-file"],
)
def test_a_speech_folder_that_cannot_be_a_folder_is_refused_before_the_session(
    tmp_path: Path, korean_model_path: Path, speak_ko: Any, where: str, problem: str
) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    notes = mine / "notes.txt"
    notes.write_text("my own notes\n")
    result = _speech_out_run(lambda *args: run(*args, env={**os.environ, "XDG_CONFIG_HOME": str(tmp_path)}),
                             korean_model_path, mine / where, speak_ko)
    _nothing_spoken_and_one_line_about_the_folder(result, problem.format(tmp=mine))
    assert notes.read_text() == "my own notes\n" and sorted(mine.iterdir()) == [notes]


def test_a_read_only_speech_folder_is_refused_before_the_session(
    other_user: OtherUser, korean_model_path: Path, speak_ko: Any
) -> None:
    out = other_user.folder / "speech"
    out.mkdir()
    kept = out / "001-say.wav"
    kept.write_bytes(b"an earlier session's speech")
    out.chmod(0o555)
    result = _speech_out_run(other_user.run, korean_model_path, out, speak_ko)
    out.chmod(0o755)
    _nothing_spoken_and_one_line_about_the_folder(
        result, f"Cannot write speech into the folder '{out}': permission denied. Let your user write to it "
                f"(chmod u+w {out})")
    assert sorted(out.iterdir()) == [kept] and kept.read_bytes() == b"an earlier session's speech"


def test_a_full_disk_under_the_speech_folder_stops_the_session_in_one_line_and_leaves_nothing(
        tmp_path: Path, korean_model_path: Path, speak_ko: Any) -> None:
    """A small disk of its own (tmpfs, in a private mount namespace): the first spoken turn fills it."""
    import shutil

    disk = tmp_path / "disk"
    disk.mkdir()
    script = f"mount -t tmpfs -o size=16k none {disk} || exit 99; \"$@\"; echo \"status $?\"; ls -A {disk}/out"
    args = ["listen", "--lang", "ko", "--model", str(korean_model_path), "--input", str(speak_ko("멈춰")),
            "--speech-out", str(disk / "out")]
    if shutil.which("unshare") is None:
        pytest.skip("unshare (util-linux) is not installed")
    result = subprocess.run(["unshare", "-rm", "sh", "-c", script, "sh", *CLI, *args], capture_output=True,
                            text=True, timeout=120)
    if result.returncode == 99:
        pytest.skip(f"this machine allows no private mount: {result.stderr.strip()}")
    assert result.stdout.endswith("status 1\n"), result.stdout  # and nothing listed in the folder after it
    assert result.stderr == (f"acupressure: Cannot write speech into the folder '{disk / 'out'}': no space left "
                             "on device. Free some space there, or name another folder with --speech-out.\n")
