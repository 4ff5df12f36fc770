"""The Home Assistant front end: a real Wyoming server on 127.0.0.1, spoken to with the wyoming client."""

from __future__ import annotations

import asyncio
import json
import os
import select
import signal
import socket
import subprocess
import sys
from contextlib import asynccontextmanager
from dataclasses import replace
from importlib.metadata import version
from pathlib import Path
from typing import AsyncIterator, Awaitable, Coroutine, TypeVar

import pytest
from wyoming.asr import Transcript
from wyoming.client import AsyncTcpClient
from wyoming.error import Error
from wyoming.event import Event, async_read_event
from wyoming.handle import Handled, NotHandled
from wyoming.info import Describe, Info

from voice import __version__
from voice.cli import main
from voice.knowledge import available_languages
from voice.resolver import Context, Resolver
from voice.settings import Settings
from voice.wyoming import DEFAULT_URI, Handler, Limits, handler_for, parse_uri, start

T = TypeVar("T")
WAIT = 10.0
"""Seconds any one wait may take before the test fails instead of hanging."""
ROOT = Path(__file__).resolve().parent.parent


def run(scenario: Coroutine[None, None, T]) -> T:
    return asyncio.run(asyncio.wait_for(scenario, 60))


async def wait(awaitable: Awaitable[T]) -> T:
    return await asyncio.wait_for(awaitable, WAIT)


@pytest.fixture(scope="module")
def handler() -> Handler:
    return handler_for(Settings())


@asynccontextmanager
async def serving(handler: Handler, limits: Limits | None = None) -> AsyncIterator[int]:
    """A real server on a free port of 127.0.0.1; yields the port."""
    if limits is not None:
        handler = Handler(handler.resolvers, handler.default, handler.context, limits)
    server = await start(handler, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()
        await wait(server.wait_closed())


async def ask(port: int, text: str, language: str | None = None) -> Event:
    async with AsyncTcpClient("127.0.0.1", port) as client:
        await client.write_event(Transcript(text, language=language).event())
        event: Event | None = await wait(client.read_event())
    assert event is not None
    return event


async def send_raw(port: int, raw: bytes, end: bool = False) -> list[Event]:
    """Send bytes as they are (then end the sending side, if asked); return every event the server
    sends until it closes the connection."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(raw)
        if end:
            writer.write_eof()
        await writer.drain()
        events = []
        while (event := await wait(async_read_event(reader))) is not None:
            events.append(event)
        return events
    finally:
        writer.close()


def speech(text: str, language: str = "en") -> str:
    return Resolver(__import__("voice").load(language)).resolve(text, Context()).speech


# ---------------------------------------------------------------- answers


def test_describe_lists_one_handle_program_with_the_packs_languages(handler: Handler) -> None:
    async def scenario() -> Event | None:
        async with serving(handler) as port, AsyncTcpClient("127.0.0.1", port) as client:
            await client.write_event(Describe().event())
            return await wait(client.read_event())

    event = run(scenario())
    assert event is not None and Info.is_type(event.type)
    info = Info.from_event(event)
    assert [program.name for program in info.handle] == ["acupressure"]
    program = info.handle[0]
    assert program.installed and program.description
    assert program.version == __version__ == version("acupressure-voice")
    assert program.models[0].languages == available_languages() == ["en", "ko"]
    assert not (info.asr or info.tts or info.wake or info.intent)


def test_a_pain_question_is_handled_with_the_spoken_answer(handler: Handler) -> None:
    async def scenario() -> Event:
        async with serving(handler) as port:
            return await ask(port, "My left elbow hurts", language="en")

    event = run(scenario())
    assert Handled.is_type(event.type)
    text = Handled.from_event(event).text or ""
    assert text == speech("My left elbow hurts")
    assert "Gently massage your right knee." in text


def test_pregnancy_unknown_gets_the_avoidance_warning_with_the_points_before_the_instruction(
        handler: Handler) -> None:
    """HA cannot ask "are you pregnant?": the warning that names the points stands in for the question."""
    resolver = handler.resolvers["en"]
    names = resolver.language.area_names

    async def scenario() -> list[tuple[str, Event]]:
        async with serving(handler) as port, AsyncTcpClient("127.0.0.1", port) as client:
            answers = []
            for area, (singular, _) in names.items():
                text = f"my {singular} hurts"
                await client.write_event(Transcript(text, language="en").event())
                event = await wait(client.read_event())
                assert event is not None
                answers.append((text, event))
            return answers

    risky = 0
    for text, event in run(scenario()):
        resolution = resolver.resolve(text)
        if not resolution.avoid_points:
            continue
        risky += 1
        said = Handled.from_event(event).text or ""
        instruction = said.index(resolution.instruction[0])
        warning = said.index("If you are pregnant, do not press")
        assert warning < instruction, text
        for code in resolution.avoid_points:
            assert said.index(resolver.language.point_names[code]) < instruction, (text, code)
        assert "?" not in said, f"{text}: asks a question Home Assistant cannot let the person answer"
    assert risky >= 3


def test_said_pregnancy_is_heeded(handler: Handler) -> None:
    async def scenario() -> Event:
        async with serving(handler) as port:
            return await ask(port, "I'm pregnant and I have a headache")

    said = Handled.from_event(run(scenario())).text or ""
    assert said.index("Because you are pregnant, do not press the web between thumb and index finger") \
        < said.index("Gently massage")


def test_a_vague_place_gets_the_question_as_its_answer(handler: Handler) -> None:
    """Home Assistant will not come back with the answer: the question is the whole reply, and the
    person asks again with the part."""
    async def scenario() -> list[Event]:
        async with serving(handler) as port:
            return [await ask(port, "my arm hurts"), await ask(port, "I stubbed my toe")]

    arm, toe = run(scenario())
    assert Handled.from_event(arm).text == \
        "Which part of your arm: shoulder, upper arm, elbow, forearm, wrist or hand?"
    assert Handled.from_event(toe).text == "Which toe?"


@pytest.mark.parametrize("text, also", [
    ("my knee and my elbow hurt", "your elbow"),
    ("my son's knee and my elbow hurt", "your elbow"),  # each place is its own person's
    ("my knee and my son's elbow hurt", "the elbow"),
])
def test_a_second_place_is_named_for_next_time_not_asked_about(handler: Handler, text: str, also: str) -> None:
    async def scenario() -> Event:
        async with serving(handler) as port:
            return await ask(port, text)

    said = Handled.from_event(run(scenario())).text or ""
    assert said.startswith(speech(text))
    assert said.endswith(f"You also mentioned {also}: ask me about it next.") and "?" not in said


def test_a_red_flag_gets_medical_help_not_a_massage(handler: Handler) -> None:
    async def scenario() -> Event:
        async with serving(handler) as port:
            return await ask(port, "I have chest pain")

    said = Handled.from_event(run(scenario())).text or ""
    assert "get medical help now" in said and "massage your" not in said


def test_not_understood_is_not_handled_with_the_not_understood_sentence(handler: Handler) -> None:
    async def scenario() -> Event:
        async with serving(handler) as port:
            return await ask(port, "what is the weather tomorrow")

    event = run(scenario())
    assert NotHandled.is_type(event.type)
    text = NotHandled.from_event(event).text or ""
    assert text.startswith("Sorry, I did not understand where it hurts.")


def test_the_transcript_language_picks_the_pack(handler: Handler) -> None:
    async def scenario() -> list[Event]:
        async with serving(handler) as port:
            return [await ask(port, "왼쪽 팔꿈치가 아파요", language="ko-KR"),
                    await ask(port, "my left elbow hurts", language="fr"),
                    await ask(port, "my left elbow hurts", language="en_GB")]

    korean, unknown, british = run(scenario())
    assert Handled.from_event(korean).text == speech("왼쪽 팔꿈치가 아파요", "ko")
    assert Handled.from_event(unknown).text == speech("my left elbow hurts")
    assert Handled.from_event(british).text == speech("my left elbow hurts")


def test_fifty_clients_at_once_each_get_their_own_answer(handler: Handler) -> None:
    questions = ["my left elbow hurts", "my right knee hurts", "my neck is sore", "the weather"] * 13
    questions = questions[:50]

    async def scenario() -> list[Event]:
        async with serving(handler) as port:
            return list(await asyncio.gather(*(ask(port, text) for text in questions)))

    for text, event in zip(questions, run(scenario())):
        assert event.data["text"] == speech(text), text


# ---------------------------------------------------------------- defending itself


async def still_serving(port: int) -> None:
    event = await ask(port, "my left elbow hurts")
    assert Handled.is_type(event.type)


def refusal(events: list[Event]) -> str:
    """The one error event a refused client gets before the connection closes."""
    assert len(events) == 1 and Error.is_type(events[0].type), events
    return Error.from_event(events[0]).text


def test_a_malformed_event_closes_that_connection_and_the_server_keeps_serving(handler: Handler) -> None:
    async def scenario() -> list[list[Event]]:
        async with serving(handler) as port:
            bystander = AsyncTcpClient("127.0.0.1", port)
            await bystander.connect()
            results = [await send_raw(port, b"this is not json\n"),
                       await send_raw(port, b'{"data": {}}\n'),
                       await send_raw(port, b'{"type": "transcript", "data_length": 5}\n[1,2]'),
                       await send_raw(port, b'{"type": "transcript", "payload_length": -1}\n'),
                       await send_raw(port, b'{"type": "transcript", "data": {"text": 7}}\n'),
                       await send_raw(port, b'{"type": "transcript", "data_length": 50}\n{"text":', end=True)]
            await bystander.write_event(Transcript("my knee hurts").event())
            assert Handled.is_type((await wait(bystander.read_event())).type)  # type: ignore[union-attr]
            await bystander.disconnect()
            await still_serving(port)
            return results

    reasons = [refusal(events) for events in run(scenario())]
    assert reasons[0] == "An event header is not valid JSON."
    assert reasons[1] == "An event header has no type."
    assert reasons[2] == "The event data is not a JSON object."
    assert "payload_length" in reasons[3]
    assert "text" in reasons[4]
    assert reasons[5] == "The connection ended in the middle of an event."


def test_an_oversized_header_is_refused_before_it_is_read_whole(handler: Handler) -> None:
    async def scenario() -> tuple[list[Event], list[Event]]:
        async with serving(handler) as port:
            endless = b'{"type": "transcript", "data": {"text": "' + b"a" * 70_000
            huge_data = b'{"type": "transcript", "data_length": 70000}\n'
            results = await send_raw(port, endless), await send_raw(port, huge_data)
            await still_serving(port)
            return results

    endless, huge_data = run(scenario())
    assert refusal(endless) == "An event header is over 65536 bytes."
    assert refusal(huge_data) == "An event is over 65536 bytes."


def test_an_endless_header_is_cut_off_long_before_it_ends(handler: Handler) -> None:
    """32 MB without a line end: the server stops reading and closes the connection while the client
    is still sending, so the header never sits whole in its memory."""
    async def scenario() -> int:
        async with serving(handler) as port:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            sent = 0
            try:
                for _ in range(512):
                    writer.write(b"x" * 65536)
                    await wait(writer.drain())
                    sent += 65536
            except ConnectionError:
                pass
            writer.close()
            await still_serving(port)
            return sent

    sent = run(scenario())
    assert sent < 16 * 2**20


def test_an_oversized_payload_is_refused_without_waiting_for_it(handler: Handler) -> None:
    """The server answers at once: it never tries to read the gigabyte announced."""
    async def scenario() -> list[Event]:
        async with serving(handler) as port:
            events = await send_raw(port, b'{"type": "audio-chunk", "payload_length": 1000000000}\n')
            await still_serving(port)
            return events

    assert refusal(run(scenario())) == "An event is over 65536 bytes."


def test_a_payload_within_the_limit_is_read_and_the_connection_goes_on(handler: Handler) -> None:
    async def scenario() -> list[Event]:
        async with serving(handler) as port:
            chunk = b'{"type": "audio-chunk", "payload_length": 4}\n\x00\x01\x02\x03'
            transcript = json.dumps(Transcript("my knee hurts").event().to_dict()).encode() + b"\n"
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(chunk + transcript)
            event = await wait(async_read_event(reader))
            writer.close()
            return [event] if event else []

    assert Handled.is_type(run(scenario())[0].type)


def test_an_over_long_transcript_gets_one_sentence_and_the_connection_closes(handler: Handler) -> None:
    async def scenario() -> tuple[list[Event], Event]:
        async with serving(handler) as port:
            long = json.dumps(Transcript("my knee " * 126).event().to_dict()).encode() + b"\n"
            refused = await send_raw(port, long)
            at_the_limit = await ask(port, ("my knee hurts " * 72)[:1000])
            return refused, at_the_limit

    refused, at_the_limit = run(scenario())
    assert len(refused) == 1 and NotHandled.is_type(refused[0].type)
    assert NotHandled.from_event(refused[0]).text == \
        "That was too long for me. Please tell me in a few words where it hurts."
    assert Handled.is_type(at_the_limit.type)


def test_an_idle_connection_is_closed(handler: Handler) -> None:
    async def scenario() -> tuple[float, float]:
        async with serving(handler, replace(Limits(), idle_seconds=0.3)) as port:
            loop = asyncio.get_running_loop()
            timings = []
            for opening in (b"", b'{"type": "desc'):  # silent, then stalled halfway through a header
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.write(opening)
                started = loop.time()
                assert await wait(reader.read()) == b""
                timings.append(loop.time() - started)
                writer.close()
            await still_serving(port)
            return timings[0], timings[1]

    silent, stalled = run(scenario())
    assert 0.25 < silent < 3 and 0.25 < stalled < 3


def test_unknown_events_are_ignored(handler: Handler) -> None:
    async def scenario() -> Event | None:
        async with serving(handler) as port, AsyncTcpClient("127.0.0.1", port) as client:
            await client.write_event(Event("ping", {}))
            await client.write_event(Transcript("my knee hurts").event())
            return await wait(client.read_event())

    event = run(scenario())
    assert event is not None and Handled.is_type(event.type)


# ---------------------------------------------------------------- the command


def test_without_uri_it_listens_on_the_loopback_only(tmp_path: Path) -> None:
    assert parse_uri(DEFAULT_URI) == ("127.0.0.1", 10700)
    env = {**os.environ, "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)}
    process = subprocess.Popen([sys.executable, "-m", "voice", "wyoming"], stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert process.stderr is not None
        started = select.select([process.stderr], [], [], WAIT)[0]  # never wait for ever
        said = process.stderr.readline() if started else ""
    finally:
        process.terminate()
        process.wait(timeout=WAIT)
    if "in use" in said:
        pytest.skip(f"port 10700 is taken on this machine: {said}")
    assert "Wyoming handle service on 127.0.0.1:10700 " in said, said


@pytest.mark.parametrize("uri", ["0.0.0.0:10700", "tcp://:10700", "tcp://host", "tcp://host:port",
                                 "udp://127.0.0.1:10700"])
def test_a_bad_uri_gets_one_line(uri: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["wyoming", "--uri", uri]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "tcp://127.0.0.1:10700" in err


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_the_command_serves_without_loading_any_speech_engine(tmp_path: Path) -> None:
    """The real process: answers, stops on SIGTERM, and never imported vosk, sounddevice or pyttsx3."""
    port = _free_port()
    log = tmp_path / "imports.log"
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path)}
    with log.open("w") as stderr:
        process = subprocess.Popen([sys.executable, "-X", "importtime", "-m", "voice", "wyoming",
                                    "--uri", f"tcp://127.0.0.1:{port}"], cwd=tmp_path, env=env,
                                   stdout=subprocess.DEVNULL, stderr=stderr)
    try:
        async def scenario() -> Event:
            for _ in range(100):
                try:
                    return await ask(port, "my left elbow hurts")
                except OSError:
                    await asyncio.sleep(0.1)
            raise AssertionError("the service did not start")

        assert Handled.is_type(run(scenario()).type)
        with socket.create_connection(("127.0.0.1", port), timeout=WAIT):  # a client still connected
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=5) == 128 + signal.SIGTERM  # as every command (voice/exits.py)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    imported = {line.split("|")[-1].strip() for line in log.read_text().splitlines() if "|" in line}
    assert "voice.wyoming" in imported
    assert not imported & {"vosk", "sounddevice", "pyttsx3"}
    assert f"service on 127.0.0.1:{port}" in log.read_text()
    assert "Traceback" not in log.read_text() and "Exception" not in log.read_text()


def test_a_transcript_of_random_characters_is_answered(handler: Handler) -> None:
    """ "❼" is a digit to str.isdigit() but no number: it once closed the connection with a traceback."""
    async def scenario() -> list[Event]:
        async with serving(handler) as port:
            return [await ask(port, text) for text in ("my ❼ knee", "❼", "my left elbow hurts ²")]

    odd, alone, after = run(scenario())
    assert NotHandled.is_type(odd.type) and NotHandled.is_type(alone.type)
    assert Handled.from_event(after).text == speech("my left elbow hurts")


class _Failing:
    """A resolver with a fault of ours in it: what a bug would do."""

    def __init__(self, resolver: Resolver) -> None:
        self.language = resolver.language

    def resolve(self, text: str, context: Context) -> None:
        raise ValueError("a bug")


def test_a_fault_of_ours_gets_an_error_event_one_log_line_and_the_server_goes_on(
        handler: Handler, caplog: pytest.LogCaptureFixture) -> None:
    resolvers = {"en": _Failing(handler.resolvers["en"]), "ko": handler.resolvers["ko"]}
    faulty = Handler(resolvers, "en", handler.context)  # type: ignore[arg-type]

    async def scenario() -> tuple[list[Event], Event]:
        async with serving(faulty) as port:
            failed = await send_raw(port, json.dumps(Transcript("my knee").event().to_dict()).encode() + b"\n")
            return failed, await ask(port, "왼쪽 팔꿈치가 아파요", language="ko")

    failed, korean = run(scenario())
    assert refusal(failed) == "The assistant failed to answer; its log says why."
    assert Handled.is_type(korean.type)
    errors = [record for record in caplog.records if record.levelname == "ERROR"]
    assert len(errors) == 1 and "internal error: ValueError('a bug')" in errors[0].getMessage()
    assert not errors[0].exc_info  # no traceback in the service's log
