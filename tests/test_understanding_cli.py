"""`acupressure ask` on the way people really talk: the `also`, `vague`/`choices` and red-flag
fields of the JSON, and any bytes on standard input giving valid UTF-8 JSON lines."""

from __future__ import annotations

import json
import subprocess
import sys

CLI = [sys.executable, "-m", "voice", "ask", "--json"]


def ask_lines(data: bytes) -> list[dict]:
    result = subprocess.run([*CLI, "-"], input=data, capture_output=True, timeout=60, env={"LC_ALL": "C"})
    assert result.returncode == 0, result.stderr
    return [json.loads(line.decode("utf-8")) for line in result.stdout.splitlines()]


def test_two_places_vague_places_and_red_flags_in_the_json() -> None:
    two, vague, flag, people = ask_lines(b"my left shoulder and my right hip\nmy left arm hurts\nI have chest pain\n"
                                         b"my knee and my wife's knee\n")
    assert two["understood"] and two["pain"]["area"] == "shoulder" and not two["someone_else"]
    assert two["also"] == [{"area": "hip", "side": "right", "qualifier": None, "someone_else": False}]
    assert people["pain"]["area"] == "knee" and not people["someone_else"]  # each person's knee is their own
    assert people["also"] == [{"area": "knee", "side": None, "qualifier": None, "someone_else": True}]
    assert not vague["understood"] and vague["reason"] == "vague"
    assert vague["choices"] == ["shoulder", "upper_arm", "elbow", "forearm", "wrist", "hand"]
    assert vague["vague"] == {"area": "arm", "side": "left", "qualifier": None}
    assert vague["speech"] == "Which part of your arm: shoulder, upper arm, elbow, forearm, wrist or hand?"
    assert not flag["understood"] and flag["reason"] == "red_flag" and flag["points"] == []
    assert "medical help now" in flag["speech"] and "massage your" not in flag["speech"]


def test_invalid_utf8_and_full_width_letters_give_valid_json_lines() -> None:
    lines = ask_lines(b"my left \xff\xfe elbow hurts\n\xef\xbd\x8d\xef\xbd\x99 \xef\xbd\x8b\xef\xbd\x8e\xef\xbd\x85\xef\xbd\x85\n"
                      b"\xc3\x28\n")
    assert len(lines) == 3
    assert "\ufffd" in lines[0]["text"] and lines[0]["pain"]["area"] == "elbow"
    assert lines[1]["pain"]["area"] == "knee"  # "ｍｙ ｋｎｅｅ" in full-width letters
    assert not lines[2]["understood"]


def test_a_long_line_takes_time_in_proportion_to_its_length() -> None:
    line = ("my left elbow hurts and " * 40_000).encode()  # about 1 MB
    result = subprocess.run([*CLI, "-"], input=line + b"\nmy knee\n", capture_output=True, timeout=60)
    assert result.returncode == 0
    assert len(result.stdout.splitlines()) == 2


def test_ask_reads_a_recognizers_transcript_with_its_unknown_words_as_the_session_does() -> None:
    """What the grammar passes on for "I hope I'm not pregnant, I have a headache": no plain no, so
    LI4 and LV3 are named to avoid, never recommended; "or" asks which."""
    hedged, which = ask_lines(b"i [unk] not pregnant and i have a headache\nmy knee or my shin i [unk] tell\n")
    assert hedged["pregnancy"] == "unknown" and hedged["points"] == []
    assert {"LI4", "LV3"} <= set(hedged["avoid_points"])
    assert hedged["speech"].index("do not press") < hedged["speech"].index("Gently massage")
    assert not which["understood"] and which["reason"] == "which"
    assert which["choices"] == ["knee", "lower_leg"] and len(which["either"]) == 2
