"""The Home Assistant front end: a Wyoming handle service that answers transcripts with the resolver."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal
from dataclasses import dataclass, replace
from typing import Any, Callable, Final, Mapping
from urllib.parse import urlsplit

from wyoming.asr import Transcript
from wyoming.error import Error
from wyoming.event import Event, async_write_event
from wyoming.handle import Handled, NotHandled
from wyoming.info import Attribution, Describe, HandleModel, HandleProgram, Info

from voice import __version__, assistant
from voice.errors import SettingsError
from voice.knowledge import available_languages
from voice.reading import SELF
from voice.resolver import Context, Pregnancy, Resolution, Resolver
from voice.settings import Settings

log = logging.getLogger(__name__)

DEFAULT_PORT: Final = 10700
DEFAULT_URI: Final = f"tcp://127.0.0.1:{DEFAULT_PORT}"
"""The loopback only: reaching it from another machine has to be asked for with --uri."""
PROGRAM: Final = "acupressure"
DESCRIPTION: Final = "Acupressure self-care: say where it hurts, hear which area to massage gently"
NOT_UNDERSTOOD: Final = frozenset({"empty", "unknown"})
"""Resolution reasons that mean nothing was understood: every other answer stands as handled."""


@dataclass(frozen=True)
class Limits:
    """What one connection may send and how long it may stay silent."""

    max_event_bytes: int = 64 * 1024
    """Largest header line plus data, and largest payload, of one event."""
    max_transcript_chars: int = 1000
    idle_seconds: float = 60.0
    """A connection that sends no whole event for this long is closed."""


class Refused(Exception):
    """The client broke the protocol or a limit: tell it why, then close the connection."""

    def __init__(self, reason: str, code: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


@dataclass(frozen=True)
class Response:
    """What to send back for one event, and whether the connection ends after it."""

    event: Event | None
    close: bool = False


# ---------------------------------------------------------------- answering


class Handler:
    """Answers Wyoming events with one resolver per language pack; holds no state between events."""

    def __init__(self, resolvers: Mapping[str, Resolver], default: str, context: Context,
                 limits: Limits = Limits()) -> None:
        if default not in resolvers:
            raise SettingsError(f"No language pack '{default}' is loaded for the Wyoming service.")
        self.resolvers = dict(resolvers)
        self.default = default
        self.context = replace(context, pregnancy=Pregnancy.UNKNOWN)  # every request may be someone new
        self.limits = limits
        self.info = info_event(sorted(self.resolvers))

    def respond(self, event: Event) -> Response:
        if Describe.is_type(event.type):
            return Response(self.info)
        if Transcript.is_type(event.type):
            return self._transcript(event.data)
        log.debug("ignoring a %s event", event.type)
        return Response(None)

    def _transcript(self, data: Mapping[str, Any]) -> Response:
        text, language = data.get("text"), data.get("language")
        if not isinstance(text, str) or not isinstance(language, (str, type(None))):
            raise Refused("A transcript needs its text, and any language, as strings.", "bad-transcript")
        resolver = self.resolver_for(language)
        if len(text) > self.limits.max_transcript_chars:
            log.warning("refused a transcript of %d characters", len(text))
            return Response(NotHandled(resolver.language.say["too_long"]).event(), close=True)
        return Response(answer_event(resolver.resolve(text, self.context), resolver))

    def resolver_for(self, language: str | None) -> Resolver:
        """The pack of the transcript's language ("en", "en-US", "en_GB"), else the default one."""
        if language:
            code = language.replace("_", "-").lower()
            for candidate in (code, code.split("-")[0]):
                if candidate in self.resolvers:
                    return self.resolvers[candidate]
        return self.resolvers[self.default]


def answer_event(resolution: Resolution, resolver: Resolver) -> Event:
    """One answer that stands alone: Home Assistant cannot ask a follow-up question."""
    if not resolution.understood and resolution.reason in NOT_UNDERSTOOD:
        return NotHandled(resolution.speech).event()
    if not resolution.also:
        return Handled(resolution.speech).event()
    # Not the session's "shall we do that next?": the person asks again instead.
    place = resolver.place_text(resolution.also[0], is_target=False, someone_else=resolution.also[0].whose != SELF)
    return Handled(f"{resolution.speech} {resolver.language.say['also_ask'].format(place=place)}").event()


def info_event(languages: list[str]) -> Event:
    attribution = Attribution(name="acupressure-voice", url="")  # no public home page to name
    model = HandleModel(name=PROGRAM, attribution=attribution, installed=True, description=DESCRIPTION,
                        version=__version__, languages=languages)
    program = HandleProgram(name=PROGRAM, attribution=attribution, installed=True, description=DESCRIPTION,
                            version=__version__, models=[model])
    return Info(handle=[program]).event()


# ---------------------------------------------------------------- reading events within limits


async def read_event(reader: asyncio.StreamReader, limits: Limits) -> Event | None:
    """The next event, or None at a clean end of the connection.

    The reader's own limit (set when the server starts) stops a header line without an end from
    filling memory; the data and payload lengths are checked before a byte of either is read.
    """
    try:
        line = await reader.readuntil(b"\n")
    except asyncio.IncompleteReadError as error:
        if error.partial.strip():
            raise Refused("The connection ended in the middle of an event.", "incomplete") from None
        return None
    except asyncio.LimitOverrunError:
        raise Refused(f"An event header is over {limits.max_event_bytes} bytes.", "too-large") from None
    header = _header(line)
    data_length = _length(header, "data_length")
    payload_length = _length(header, "payload_length")
    if len(line) + data_length > limits.max_event_bytes or payload_length > limits.max_event_bytes:
        raise Refused(f"An event is over {limits.max_event_bytes} bytes.", "too-large")
    data = _data(header)
    if data_length:
        data.update(_object(await _read_exactly(reader, data_length), "The event data"))
    payload = await _read_exactly(reader, payload_length) if payload_length else None
    return Event(type=header["type"], data=data, payload=payload)


def _header(line: bytes) -> dict[str, Any]:
    header = _object(line, "An event header")
    if not isinstance(header.get("type"), str):
        raise Refused("An event header has no type.", "malformed")
    return header


def _object(raw: bytes, what: str) -> dict[str, Any]:
    try:
        value = json.loads(raw)
    except ValueError:  # also bad UTF-8
        raise Refused(f"{what} is not valid JSON.", "malformed") from None
    if not isinstance(value, dict):
        raise Refused(f"{what} is not a JSON object.", "malformed")
    return value


def _length(header: Mapping[str, Any], key: str) -> int:
    value = header.get(key)
    if value is None:
        return 0
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise Refused(f"The event's {key} is not a whole number of bytes.", "malformed")
    return value


def _data(header: Mapping[str, Any]) -> dict[str, Any]:
    data = header.get("data")
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise Refused("The event's data is not a JSON object.", "malformed")
    return data


async def _read_exactly(reader: asyncio.StreamReader, length: int) -> bytes:
    try:
        return await reader.readexactly(length)
    except asyncio.IncompleteReadError:
        raise Refused("The connection ended in the middle of an event.", "incomplete") from None


# ---------------------------------------------------------------- the server


async def serve_connection(handler: Handler, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Answer one client until it leaves, stays idle too long, or breaks the protocol."""
    peer = writer.get_extra_info("peername")
    limits = handler.limits
    try:
        while True:
            event = await asyncio.wait_for(read_event(reader, limits), limits.idle_seconds)
            if event is None:
                break
            response = handler.respond(event)
            if response.event is not None:
                await asyncio.wait_for(async_write_event(response.event, writer), limits.idle_seconds)
            if response.close:
                break
    except asyncio.TimeoutError:
        log.info("closing %s: idle for %s s", peer, limits.idle_seconds)
    except Refused as refused:
        log.warning("closing %s: %s", peer, refused.reason)
        await _try_send(writer, Error(refused.reason, refused.code).event(), limits)
    except ConnectionError as error:
        log.info("lost %s: %s", peer, error)
    except Exception as error:  # a fault of ours ends this connection only; the server goes on
        log.error("closing %s after an internal error: %r", peer, error, exc_info=log.isEnabledFor(logging.DEBUG))
        await _try_send(writer, Error("The assistant failed to answer; its log says why.", "internal").event(),
                        limits)
    finally:
        await _close(writer)


async def _try_send(writer: asyncio.StreamWriter, event: Event, limits: Limits) -> None:
    with contextlib.suppress(ConnectionError, asyncio.TimeoutError):
        await asyncio.wait_for(async_write_event(event, writer), limits.idle_seconds)


async def _close(writer: asyncio.StreamWriter) -> None:
    writer.close()
    with contextlib.suppress(ConnectionError):
        await writer.wait_closed()


def parse_uri(uri: str) -> tuple[str, int]:
    """(host, port) of a tcp://HOST:PORT address."""
    try:
        parts = urlsplit(uri)
        scheme, host, port = parts.scheme, parts.hostname, parts.port
    except ValueError:  # a port that is not a number, or out of range
        scheme, host, port = "", None, None
    if scheme != "tcp" or not host or port is None:
        raise SettingsError(f"'{uri}' is not a Wyoming address. Give one like tcp://127.0.0.1:{DEFAULT_PORT} "
                            f"(or tcp://0.0.0.0:{DEFAULT_PORT} to be reachable from other machines).")
    return host, port


async def start(handler: Handler, host: str, port: int) -> asyncio.Server:
    """Listen on host:port (port 0 picks a free one) and answer every client that connects."""

    async def connected(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(asyncio.CancelledError):  # the service is stopping: not an error to log
            await serve_connection(handler, reader, writer)

    try:
        return await asyncio.start_server(connected, host, port, limit=handler.limits.max_event_bytes)
    except OSError as error:
        reason = os.strerror(error.errno) if error.errno else str(error)
        raise SettingsError(f"Cannot listen on {host}:{port}: {reason}.",
                            "Choose another address or port with --uri, or stop what is using it.") from None


async def serve(handler: Handler, uri: str,
                on_ready: Callable[[asyncio.Server], None] | None = None) -> int:
    """Run the service until SIGTERM or SIGINT; the number of the signal that stopped it."""
    host, port = parse_uri(uri)
    server = await start(handler, host, port)
    stopped: asyncio.Queue[int] = asyncio.Queue()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stopped.put_nowait, signum)
    if on_ready is not None:
        on_ready(server)
    async with server:
        return await stopped.get()


def handler_for(settings: Settings, limits: Limits = Limits()) -> Handler:
    """A handler with every language pack, answering in the settings' language by default."""
    codes = {*available_languages(), settings.language}
    answering = {code: assistant.answering(replace(settings, language=code)) for code in codes}
    resolvers = {code: text.resolver for code, text in answering.items()}
    return Handler(resolvers, settings.language, answering[settings.language].context, limits)
