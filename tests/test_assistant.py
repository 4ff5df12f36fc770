"""The one place that builds an assistant: from the settings to an answer or a running session."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from voice import assistant
from voice.conversation import Conversation, Options
from voice.resolver import Pregnancy
from voice.settings import Settings

NETWORK_MODULES = ("socket", "ssl", "http.client", "urllib.request", "requests", "urllib3")

# Records, for each network module imported for the first time, the modules whose code was running
# (the import chain, lazy imports inside functions included); then runs a spoken session from the
# command line on files, and reports the chains and whether our download code was ever loaded.
RECORDED_SESSION = """
import importlib.abc, json, sys
NETWORK = set(sys.argv[1].split(","))
chains = {}

class Recorder(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name in NETWORK and name not in chains:
            frame, chain = sys._getframe(1), []
            while frame is not None:
                module = frame.f_globals.get("__name__", "?")
                if not module.startswith("importlib") and chain[-1:] != [module]:
                    chain.append(module)
                frame = frame.f_back
            chains[name] = chain
        return None

sys.meta_path.insert(0, Recorder())
from voice.cli import main
code = main(sys.argv[3:])
with open(sys.argv[2], "w") as out:
    json.dump({"chains": chains, "download": "voice.download" in sys.modules}, out)
sys.exit(code)
"""


def test_a_spoken_session_answers_and_loads_no_network_code_of_its_own(
        korean_model_path: Path, speak_ko, tmp_path: Path) -> None:
    wavs = [str(speak_ko("머리가 아파요")), str(speak_ko("멈춰"))]  # "my head hurts", "stop"
    record = tmp_path / "imports.json"
    result = subprocess.run([sys.executable, "-c", RECORDED_SESSION, ",".join(NETWORK_MODULES), str(record),
                             "listen", "--text-only", "--no-cues", "--lang", "ko", "--model", str(korean_model_path),
                             "--input", *wavs], capture_output=True, text=True, timeout=120,
                            env={**os.environ, "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    shown = result.stdout.splitlines()
    assert any(line.startswith("You: ") and "머리" in line for line in shown), shown
    assert shown[-1].startswith("Assistant: ")

    report = json.loads(record.read_text(encoding="utf-8"))
    assert not report["download"], "the model download code was imported by a session"
    assert report["chains"], "the recorder saw nothing: Vosk's own package should have shown up"
    # Vosk's own package imports `requests` for its model downloader; nothing of ours does.
    for module, chain in report["chains"].items():
        ours = [name for name in chain if name.startswith("voice")]
        assert "vosk" in chain or not ours, f"{module} was imported through {chain}"


def test_answering_text_loads_no_audio_code() -> None:
    code = ("import sys; from voice import assistant; from voice.settings import Settings; "
            "print(assistant.answering(Settings()).answer('my knee hurts').understood); "
            "print(sorted(m for m in ('numpy', 'sounddevice', 'pyttsx3', 'vosk', 'voice.audio') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.split("\n")[:2] == ["True", "[]"], result.stderr


def test_answering_follows_the_settings_and_the_pregnancy_given() -> None:
    text = assistant.answering(Settings(same_side=True, massage_minutes=2), Pregnancy.NO)
    answer = text.answer("my left elbow hurts")
    assert answer.target is not None and answer.target.area == "knee" and answer.target.side is not None
    assert answer.target.side.value == "left"
    assert "2 minutes" in answer.speech
    assert text.answer("my hand hurts").avoid_points == ()


def test_the_wake_phrase_is_the_settings_or_the_packs() -> None:
    resolver = assistant.answering(Settings()).resolver
    assert assistant.wake_phrase(Settings(), resolver) == resolver.language.wake_phrase
    assert assistant.wake_phrase(Settings(wake_phrase="wake up"), resolver) == "wake up"


def test_a_reply_as_json_says_what_is_said_and_done() -> None:
    text = assistant.answering(Settings())
    talk = Conversation(text.resolver, text.context, Options("hello helper"))
    talk.start()
    reply = talk.hear("slower")
    shown = json.loads(json.dumps(reply.to_json()))
    assert shown["actions"][0] == {"adjust_voice": "slower"}
    assert shown["speech"] == " ".join(reply.spoken) and shown["speech"]
    assert {"say": reply.spoken[0]} in shown["actions"]
