"""The one place that builds an assistant: from the settings to an answer or a running session."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from voice import assistant
from voice.conversation import Conversation, Options
from voice.resolver import Pregnancy
from voice.settings import Settings

NETWORK_MODULES = ("socket", "ssl", "http.client", "urllib.request", "requests", "urllib3")

# Records, for each network module imported for the first time, the modules whose code was running
# (the import chain, lazy imports inside functions included); then builds a session from the settings the way every front end does, runs it
# on files, and reports the chains, what was said and whether our download code was ever loaded.
BUILD_AND_RUN = """
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
from pathlib import Path
from voice import assistant
from voice.settings import Settings

shown = []
settings = Settings(language="ko", model=sys.argv[2], audio_cues=False)
request = assistant.Audio(inputs=tuple(Path(p) for p in sys.argv[3:]), text_only=True)
assistant.session(settings, request, assistant.Hooks(show=shown.append)).run()
print(json.dumps({"chains": chains, "shown": shown, "download": "voice.download" in sys.modules,
                  "loaded": sorted(m for m in NETWORK if m in sys.modules)}))
"""


def test_a_session_built_from_the_settings_answers_and_never_loads_network_code(
        korean_model_path: Path, speak_ko) -> None:
    wavs = [str(speak_ko("머리가 아파요")), str(speak_ko("멈춰"))]  # "my head hurts", "stop"
    result = subprocess.run([sys.executable, "-c", BUILD_AND_RUN, ",".join(NETWORK_MODULES),
                             str(korean_model_path), *wavs], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.splitlines()[-1])

    assert any(line.startswith("You: ") and "머리" in line for line in report["shown"])
    assert report["shown"][-1].startswith("Assistant: ")
    assert not report["download"], "the model download code was imported by a session"
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
