"""The Home Assistant front end: a real Wyoming server on 127.0.0.1, spoken to with the wyoming client."""

from __future__ import annotations

import asyncio
import json
import os
import select
import signal
import socket
import resource
import subprocess
import sys
import time
from contextlib import asynccontextmanager, contextmanager
from dataclasses import replace
from importlib.metadata import version
from pathlib import Path
from typing import AsyncIterator, Awaitable, Coroutine, Iterator, TypeVar

import pytest
from wyoming.asr import Transcript
from wyoming.client import AsyncTcpClient
from wyoming.error import Error
from wyoming.event import Event, async_read_event
from wyoming.handle import Handled, NotHandled
from wyoming.info import Describe, Info

from voice import __version__, discovery
from voice.cli import main
from voice.errors import SettingsError
from voice.knowledge import available_languages
from voice.resolver import Context, Resolver
from voice.settings import Settings
from voice.verbosity import Verbosity
from voice.verbosity import speech as speech_at
from voice.guard import Rationed
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
        handler = Handler(handler.resolvers, handler.default, handler.context, limits, handler.verbosity)
    listening = await start(handler, "127.0.0.1", 0)
    try:
        yield listening.addresses[0][1]
    finally:
        await wait(listening.stop())


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
    assert Handled.from_event(toe).text == "Which toe? Or all of them?"


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


@pytest.mark.parametrize("text", ["my left wrist hurts", "I have a headache"])
def test_verbosity_shapes_the_answers_and_never_drops_the_pregnancy_warning(tmp_path: Path, text: str) -> None:
    """--verbosity and the settings file's `verbosity` as `ask` honours them: brief is shorter than
    detailed, and both say which points not to press if you are pregnant, before the instruction."""
    settings = tmp_path / "acupressure" / "config.yaml"
    settings.parent.mkdir()
    settings.write_text("verbosity: detailed\n", encoding="utf-8")
    said = {}
    for verbosity, flags in (("brief", ("--verbosity", "brief")), ("detailed", ())):
        with service_process(tmp_path, *flags) as (_, port, _):
            said[verbosity] = Handled.from_event(run(ask(port, text))).text or ""
    said["normal"] = Handled.from_event(run(_ask_in_process(text))).text or ""
    resolver = Resolver(__import__("voice").load("en"))
    resolution = resolver.resolve(text)
    assert said["normal"] == resolution.speech
    for verbosity in Verbosity:
        assert said[verbosity.value] == speech_at(resolution, verbosity, resolver, 60)
        warning = said[verbosity.value].index("If you are pregnant, do not press")
        assert warning < said[verbosity.value].index("massage"), said[verbosity.value]
    assert len(said["brief"]) < len(said["normal"]) < len(said["detailed"])


async def _ask_in_process(text: str) -> Event:
    async with serving(handler_for(Settings())) as port:
        return await ask(port, text)


def test_two_hundred_clients_at_once_are_all_answered(tmp_path: Path) -> None:
    """Clients that come and go faster than the service sees them leave must not make it close the
    ones it is answering: 200 clients ask five times each, a new connection each time, of the service
    in its own process."""
    async def client(port: int, number: int) -> list[Event]:
        return [await ask(port, ["my left elbow hurts", "my neck is sore"][turn % 2]) for turn in range(5)]

    async def scenario(port: int) -> list[Event]:
        answers = await asyncio.gather(*(client(port, number) for number in range(200)))
        return [event for answered in answers for event in answered]

    with service_process(tmp_path) as (_, port, log):
        answers = run(scenario(port))
    assert len(answers) == 1000 and all(Handled.is_type(event.type) for event in answers)
    assert "asked nothing for longest" not in log.read_text()


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


@pytest.mark.parametrize("raw, reason", [
    (b"[" * 30_000 + b"\n", "An event header is nested too deeply."),
    (b'{"type": "transcript", "data": ' + b'{"a": ' * 10_000 + b"\n", "An event header is nested too deeply."),
    (b'{"type": "transcript", "data_length": 30000}\n' + b"[" * 30_000, "The event data is nested too deeply."),
])
def test_deeply_nested_json_is_an_error_event_not_a_traceback(handler: Handler, raw: bytes, reason: str,
                                                              caplog: pytest.LogCaptureFixture) -> None:
    async def scenario() -> list[Event]:
        async with serving(handler) as port:
            events = await send_raw(port, raw)
            await still_serving(port)
            return events

    assert refusal(run(scenario())) == reason
    assert not any(record.exc_info for record in caplog.records)


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


async def is_closed(reader: asyncio.StreamReader) -> bool:
    """True when the server has closed this connection (it reads the end, or is reset)."""
    try:
        return await asyncio.wait_for(reader.read(), 0.5) == b""
    except ConnectionResetError:
        return True
    except asyncio.TimeoutError:
        return False


async def describe_on(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> Event | None:
    writer.write(json.dumps(Describe().event().to_dict()).encode() + b"\n")
    return await wait(async_read_event(reader))


def test_pings_do_not_keep_a_connection_open_but_requests_do(handler: Handler) -> None:
    """Only a describe or a transcript counts: a client that keeps sending other events is closed
    when it has asked nothing for idle_seconds, one that keeps asking stays."""
    async def scenario() -> tuple[float, bool]:
        async with serving(handler, replace(Limits(), idle_seconds=0.6)) as port:
            loop = asyncio.get_running_loop()
            pinging = await asyncio.open_connection("127.0.0.1", port)
            asking = await asyncio.open_connection("127.0.0.1", port)
            started = loop.time()
            while not pinging[0].at_eof() and loop.time() - started < 5:
                pinging[1].write(b'{"type": "ping"}\n')
                assert Info.is_type((await describe_on(*asking)).type)  # type: ignore[union-attr]
                await asyncio.sleep(0.1)
            closed_after = loop.time() - started
            still_asking = Info.is_type((await describe_on(*asking)).type)  # type: ignore[union-attr]
            for _, writer in (pinging, asking):
                writer.close()
            return closed_after, still_asking

    closed_after, still_asking = run(scenario())
    assert 0.5 < closed_after < 2.0
    assert still_asking


def test_at_the_cap_a_new_client_is_answered_and_the_one_silent_longest_is_closed(
        handler: Handler, caplog: pytest.LogCaptureFixture) -> None:
    async def scenario() -> tuple[Event | None, list[bool], Event | None]:
        async with serving(handler, replace(Limits(), max_connections=4)) as port:
            held = [await asyncio.open_connection("127.0.0.1", port) for _ in range(4)]
            await describe_on(*held[0])  # the first has asked: the second has asked nothing for longest
            newcomer = await asyncio.open_connection("127.0.0.1", port)
            answer = await describe_on(*newcomer)
            closed = [await is_closed(reader) for reader, _ in held[1:]]
            again = await describe_on(*held[0])
            for _, writer in (*held, newcomer):
                writer.close()
            return answer, closed, again

    answer, closed, again = run(scenario())
    assert answer is not None and Info.is_type(answer.type)
    assert closed == [True, False, False]
    assert again is not None and Info.is_type(again.type)
    evicted = [record.getMessage() for record in caplog.records if "asked nothing for longest" in record.getMessage()]
    assert len(evicted) == 1 and "keeps at most 4 connections open" in evicted[0]


def test_warnings_a_client_can_repeat_are_logged_once_a_minute_with_a_count(caplog: pytest.LogCaptureFixture) -> None:
    clock = [0.0]
    warnings = Rationed(60.0, clock=lambda: clock[0])
    for second in range(1000):
        clock[0] = second / 20  # 1,000 refusals in 50 s
        warnings.warning("refused", "closing %s: bad", f"client {second}")
    clock[0] = 61.0
    warnings.warning("refused", "closing %s: bad", "client 1000")
    warnings.warning("evicted", "closed another")
    assert [record.getMessage() for record in caplog.records] == [
        "closing client 0: bad", "closing client 1000: bad (and 999 more like it in the 61 s before)",
        "closed another"]


# ---------------------------------------------------------------- the command


def test_without_uri_it_listens_on_the_loopback_only_on_a_port_no_common_wyoming_service_uses(
        tmp_path: Path) -> None:
    assert parse_uri(DEFAULT_URI) == ("127.0.0.1", 10750)
    taken = (10200, 10300, 10400, 10500, 10600, 10601, 10700, 10800)  # piper, whisper, wake words, ...
    assert parse_uri(DEFAULT_URI)[1] not in taken
    env = {**os.environ, "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)}
    process = subprocess.Popen([sys.executable, "-m", "voice", "wyoming"], stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert process.stderr is not None
        started = select.select([process.stderr], [], [], WAIT)[0]  # never wait for ever
        said = process.stderr.readline() if started else ""
    finally:
        process.terminate()
        process.wait(timeout=WAIT)
    if "another program listens" in said:
        pytest.skip(f"port 10750 is taken on this machine: {said}")
    assert "Wyoming handle service on 127.0.0.1:10750 " in said, said
    assert "Warning" not in said


@pytest.mark.parametrize("uri", ["0.0.0.0:10750", "tcp://:10750", "tcp://host", "tcp://host:port",
                                 "udp://127.0.0.1:10750"])
def test_a_bad_uri_gets_one_line(uri: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["wyoming", "--uri", uri]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "tcp://127.0.0.1:10750" in err


@pytest.mark.parametrize("uri, says", [
    ("tcp://127.0.0.1:10750/wyoming", "has a path (/wyoming), which a Wyoming address cannot have. "
                                      "Give only tcp://HOST:PORT, e.g. tcp://127.0.0.1:10750."),
    ("tcp://127.0.0.1:10750/", "has a path (/)"),
    ("tcp://127.0.0.1:10750?secure=1", "has a query (?secure=1)"),
    ("tcp://127.0.0.1:10750#x", "has a fragment (#x)"),
    ("tcp://ha:s3cret@127.0.0.1:10750", "A Wyoming address has no user name or password: the protocol has no log-in."),
    ("tcp://ha@127.0.0.1:10750", "no user name or password"),
])
def test_an_address_with_more_than_host_and_port_is_refused(uri: str, says: str,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["wyoming", "--uri", uri]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and says in err
    assert "s3cret" not in err


def test_an_address_it_cannot_listen_on_gets_one_line_saying_why(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        said = {}
        for uri in ("tcp://256.1.1.1:10750", "tcp://198.51.100.77:10750", f"tcp://127.0.0.1:{busy}"):
            assert main(["wyoming", "--uri", uri]) == 1
            said[uri] = capsys.readouterr().err
    for err in said.values():
        assert err.count("\n") == 1 and "Error" not in err and "error -" not in err, err
    assert "256.1.1.1: it is neither an address of this machine nor a name it can look up" in \
        said["tcp://256.1.1.1:10750"]
    assert "198.51.100.77: it is not an address of this machine. Give one of its addresses (`ip -brief address`" \
        in said["tcp://198.51.100.77:10750"]
    assert f"127.0.0.1:{busy}: another program listens on that port" in said[f"tcp://127.0.0.1:{busy}"]


def test_listening_on_every_network_says_so_in_one_line(tmp_path: Path) -> None:
    with service_process(tmp_path, host="0.0.0.0") as (process, port, log):
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=WAIT) == 128 + signal.SIGTERM  # the exit status rule (voice/exits.py)
    lines = log.read_text().splitlines()
    warnings = [line for line in lines if "Warning" in line]
    assert warnings == [
        "Warning: listening on every network this machine is on (0.0.0.0), with no password: anyone who can "
        "reach it can ask it. Better: its address on your home network only (--uri tcp://ADDRESS:10750) and a "
        "firewall; see docs/home-assistant.md."], lines


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def service_process(tmp_path: Path, *args: str, files: int | None = None, python: tuple[str, ...] = (),
                    host: str = "127.0.0.1") -> Iterator[tuple[subprocess.Popen[bytes], int, Path]]:
    """`acupressure wyoming` as its own process on a free port of 127.0.0.1, once it answers; yields
    the process, the port and the file its standard error goes to. `files`: its open-file limit."""
    port = _free_port()
    log = tmp_path / "service.log"
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path)}

    def limit_files() -> None:
        if files is not None:
            resource.setrlimit(resource.RLIMIT_NOFILE, (files, files))

    with log.open("w") as stderr:
        process = subprocess.Popen([sys.executable, *python, "-m", "voice", "wyoming",
                                    "--uri", f"tcp://{host}:{port}", *args], cwd=tmp_path, env=env,
                                   stdout=subprocess.DEVNULL, stderr=stderr, preexec_fn=limit_files)
    try:
        _wait_until_it_answers(port, process)
        yield process, port, log
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def _wait_until_it_answers(port: int, process: subprocess.Popen[bytes]) -> None:
    for _ in range(100):
        assert process.poll() is None, "the service stopped at start-up"
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=WAIT):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("the service did not start")


def test_the_command_serves_without_loading_any_speech_engine(tmp_path: Path) -> None:
    """The real process: answers, stops on SIGTERM, and never imported vosk, sounddevice or pyttsx3."""
    with service_process(tmp_path, python=("-X", "importtime")) as (process, port, log):
        assert Handled.is_type(run(ask(port, "my left elbow hurts")).type)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=WAIT) == 128 + signal.SIGTERM  # the exit status rule (voice/exits.py)
    imported = {line.split("|")[-1].strip() for line in log.read_text().splitlines() if "|" in line}
    assert "voice.wyoming" in imported
    assert not imported & {"vosk", "sounddevice", "pyttsx3"}
    assert f"service on 127.0.0.1:{port}" in log.read_text()
    assert "Traceback" not in log.read_text() and "Exception" not in log.read_text()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_sigterm_or_ctrl_c_with_clients_connected_stops_it_within_a_second(tmp_path: Path, signum: int) -> None:
    """Python 3.12 and later wait for every client before the server is closed: the service closes
    them itself (a silent one, one halfway through an event, one that has asked and stays)."""
    with service_process(tmp_path) as (process, port, log):
        silent = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
        halfway = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
        halfway.sendall(b'{"type": "transcr')
        asked = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
        asked.sendall(json.dumps(Describe().event().to_dict()).encode() + b"\n")
        assert asked.recv(1), "the describe was not answered"
        started = time.monotonic()
        process.send_signal(signum)
        status = process.wait(timeout=WAIT)
        took = time.monotonic() - started
        for client in (silent, halfway, asked):
            client.close()
    assert status == 128 + signum and took < 1.0, f"exit status {status} after {took:.2f} s"
    assert "Traceback" not in log.read_text()


def test_1100_idle_connections_against_1024_open_files_do_not_lock_home_assistant_out(tmp_path: Path) -> None:
    """The attack of issue 18 as a systemd user service meets it: Home Assistant's describe (4 tries,
    1 s each) is answered, a transcript too, the service never runs out of files, the log stays small."""
    own, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if own < 1400:
        if hard != resource.RLIM_INFINITY and hard < 1400:
            pytest.skip(f"this test's own open-file limit ({hard}) cannot hold 1,100 connections")
        resource.setrlimit(resource.RLIMIT_NOFILE, (1400, hard))
    held: list[socket.socket] = []
    try:
        with service_process(tmp_path, files=1024) as (process, port, log):
            for number in range(1100):
                client = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
                if number % 11 == 0:
                    client.sendall(b'{"type": "ping"}\n')  # not a request: keeps nothing open
                held.append(client)
            started = time.monotonic()
            info = run(describe_as_home_assistant(port))
            took = time.monotonic() - started
            answer = run(ask(port, "my left elbow hurts"))
            open_files = len(os.listdir(f"/proc/{process.pid}/fd"))
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=WAIT) == 128 + signal.SIGTERM  # the exit status rule (voice/exits.py)
    finally:
        for client in held:
            client.close()
        resource.setrlimit(resource.RLIMIT_NOFILE, (own, hard))
    assert info is not None and took < 4.0, f"describe: {info} after {took:.2f} s"
    assert Handled.is_type(answer.type)
    assert open_files < 1024 - 32
    text = log.read_text()
    assert "Traceback" not in text and len(text.encode()) < 2000, text
    assert "cannot accept" not in text  # never out of files: asyncio would stop accepting for a second


async def describe_as_home_assistant(port: int) -> Info | None:
    """As Home Assistant's Wyoming integration loads a service's info: up to 4 tries of 1 s each."""
    for _ in range(4):
        try:
            async with AsyncTcpClient("127.0.0.1", port) as client:
                await asyncio.wait_for(client.write_event(Describe().event()), 1)
                event = await asyncio.wait_for(client.read_event(), 1)
                if event is not None and Info.is_type(event.type):
                    return Info.from_event(event)
        except (OSError, asyncio.TimeoutError):
            pass
    return None


OUT_OF_FILES_SERVICE = """
import asyncio, logging, resource, sys
from voice.settings import Settings
from voice.wyoming import Limits, handler_for, start

async def main():
    limits = Limits(max_connections=10_000, files_reserved=0)  # no cap to speak of: accept() will fail
    listening = await start(handler_for(Settings(), limits), "127.0.0.1", 0)
    print(listening.addresses[0][1], flush=True)
    await asyncio.sleep(60)

logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))
asyncio.run(main())
"""


def test_running_out_of_files_is_one_line_not_a_traceback_per_accept(tmp_path: Path) -> None:
    """Should the files run out all the same (here no cap to speak of, 64 files), a failed accept is
    one rationed line, not a traceback each, and the service answers again once connections close."""
    log = tmp_path / "service.log"
    with log.open("w") as stderr:
        process = subprocess.Popen([sys.executable, "-c", OUT_OF_FILES_SERVICE], stdout=subprocess.PIPE,
                                   stderr=stderr, text=True, cwd=tmp_path)
    held: list[socket.socket] = []
    try:
        assert process.stdout is not None
        assert select.select([process.stdout], [], [], WAIT)[0], "the service did not start"
        port = int(process.stdout.readline())
        for _ in range(120):
            held.append(socket.create_connection(("127.0.0.1", port), timeout=WAIT))
        time.sleep(1.0)
        for client in held:
            client.close()
        info = run(describe_as_home_assistant(port))
    finally:
        process.kill()
        process.wait()
        for client in held:
            client.close()
    text = log.read_text()
    assert info is not None
    assert text.count("cannot accept new connections for a moment: Too many open files") == 1, text
    assert "Traceback" not in text and len(text.encode()) < 1000, text


# ---------------------------------------------------------------- found by itself (zeroconf)


OWN_NETWORK = ("ip link set lo up && ip link add v0 type veth peer name v1 && ip link set v0 up && ip link set v1 up"
               " && ip addr add 198.51.100.1/24 dev v0 && ip route add default dev v0")
"""A home network of its own, in a network namespace: this machine is 198.51.100.1 (an address kept
for documentation) at one end of a virtual cable that leads nowhere. Multicast sent on it reaches
the listeners in the namespace and nothing outside it."""


def in_own_network(command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["unshare", "--net", "sh", "-c", f"{OWN_NETWORK} && {command}"], capture_output=True,
                          text=True, timeout=60, cwd=ROOT)


@pytest.fixture(scope="module")
def own_network() -> None:
    """Skips, saying why, where no network namespace can be made (it takes root, or CAP_SYS_ADMIN and
    CAP_NET_ADMIN, and veth in the kernel); zeroconf is not tried on this machine's real network."""
    try:
        made = in_own_network("ip -brief address show v0")
    except FileNotFoundError as error:
        pytest.skip(f"no network namespace for the zeroconf test: {error.filename} is not installed")
    if made.returncode != 0 or "198.51.100.1" not in made.stdout:
        pytest.skip(f"no network namespace for the zeroconf test: {made.stderr.strip() or made.stdout.strip()}")


@pytest.mark.parametrize("host", ["198.51.100.1", "0.0.0.0"])
def test_a_zeroconf_browser_finds_it_and_its_describe_answers(own_network: None, host: str) -> None:
    """As Home Assistant discovers it: `_wyoming._tcp` on the address and port it serves, then a
    describe to that address; at SIGTERM a goodbye, so it is not offered once it is gone."""
    probe = in_own_network(f"exec {sys.executable} tests/discovery_probe.py {host} 10750 'acupressure test'")
    assert probe.returncode == 0, probe.stderr
    seen = json.loads(probe.stdout)
    assert seen["found"], seen["log"]
    assert seen["names"] == ["acupressure test._wyoming._tcp.local."]
    assert seen["addresses"] == ["198.51.100.1"] and seen["port"] == 10750
    assert seen["programs"] == ["acupressure"]
    assert seen["exit_status"] == 128 + signal.SIGTERM and seen["exit_seconds"] < 1.0
    assert seen["goodbye_seen"]
    assert "Announced on the local network as 'acupressure test' (198.51.100.1:10750, zeroconf _wyoming._tcp)" \
        in seen["log"]
    assert "Traceback" not in seen["log"]


def test_without_a_network_yet_it_serves_and_says_it_will_announce_later(own_network: None) -> None:
    """At boot the network may come after the service: it answers meanwhile and tries again."""
    started = in_own_network(f"ip route del default && {{ {sys.executable} -m voice wyoming --uri tcp://0.0.0.0:10750 "
                             "--zeroconf 2>&1 & sleep 3; kill -TERM $!; wait $!; }")
    assert started.returncode == 128 + signal.SIGTERM, started.stdout + started.stderr  # what `wait` passes on
    assert "Wyoming handle service on 0.0.0.0:10750" in started.stdout
    assert "not announced on the local network yet: this machine has no network yet; trying again every 30 s" \
        in started.stdout
    assert "Traceback" not in started.stdout


@pytest.mark.parametrize("args, says", [
    (["--uri", "tcp://127.0.0.1:10750", "--zeroconf"],
     "--zeroconf tells other machines where the service is, but on 127.0.0.1 only this machine can reach it."),
    (["--uri", "tcp://localhost:10750", "--zeroconf"], "on localhost only this machine can reach it"),
    (["--zeroconf"], "on 127.0.0.1 only this machine can reach it"),
    (["--uri", "tcp://[::]:10750", "--zeroconf"], "--zeroconf announces IPv4 addresses, and :: has none."),
    (["--uri", "tcp://0.0.0.0:10750", "--zeroconf", "kitchen.pi"], "'kitchen.pi' cannot be a zeroconf name"),
    (["--uri", "tcp://0.0.0.0:10750", "--zeroconf", "x" * 64], "cannot be a zeroconf name: it needs 1 to 63 bytes"),
])
def test_an_announcement_that_would_lead_nowhere_is_refused_in_one_line(
        args: list[str], says: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["wyoming", *args]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and says in err, err


@pytest.mark.parametrize("host, announced", [("0.0.0.0", True), ("::", False), ("2001:db8::5", False),
                                             ("127.0.0.1", False), ("localhost", False)])
def test_one_rule_says_which_address_is_announced_for_the_service_and_its_unit(host: str, announced: bool) -> None:
    """`service install --wyoming` adds --zeroconf to the unit exactly where the service accepts it:
    an IPv6 address alone has no IPv4 address to announce, and "::" listens on IPv6 only, so the IPv4
    address announced for it would be refused (literals: no network is asked)."""
    assert discovery.announceable(host) is announced
    if announced:
        discovery.check_announceable(host)
    else:
        with pytest.raises(SettingsError):
            discovery.check_announceable(host)
