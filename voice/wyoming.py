"""The Home Assistant front end: a Wyoming handle service that answers transcripts with the resolver."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import functools
import json
import logging
import signal
import socket
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
from voice.guard import (Acceptor, Client, Connections, Rationed, connection_cap, everywhere, listening_sockets,
                         open_file_limit)
from voice.knowledge import available_languages
from voice.reading import SELF
from voice.resolver import Context, Pregnancy, Resolution, Resolver
from voice.settings import Settings
from voice.verbosity import Verbosity
from voice.verbosity import speech as speech_at

log = logging.getLogger(__name__)

DEFAULT_PORT: Final = 10750
"""Used by no common Wyoming service (piper 10200, whisper 10300, wake words 10400, satellites 10700, ...)."""
CLOSE_SECONDS: Final = 1.0
"""Time a closing connection is given to take its last words, and the service to close them all."""
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
    """A connection that asks nothing (no describe, no transcript) for this long is closed, whatever
    else it sends: events that are not requests do not keep it open."""
    max_connections: int = 512
    """Connections open at once, lowered to fit the open-file limit; at the cap a new connection
    closes the one that has asked nothing for longest (voice.guard)."""
    files_reserved: int = 64
    """Open files kept free of connections for everything else."""
    warning_interval: float = 60.0
    """Warnings a client can cause again and again (refused events, connections closed at the cap)
    are logged at most once per interval of each kind, with a count."""
    backlog: int = 1024
    """Connections the system queues before the service takes them (asyncio's default is 100)."""


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

    @property
    def asked(self) -> bool:
        """The event was a request (describe, transcript) and was answered: the connection has been of
        use. Only a request is answered; a refused one ("too long") closes the connection instead."""
        return self.event is not None and not self.close


# ---------------------------------------------------------------- answering


class Handler:
    """Answers Wyoming events with one resolver per language pack; holds no state between events."""

    def __init__(self, resolvers: Mapping[str, Resolver], default: str, context: Context,
                 limits: Limits = Limits(), verbosity: Verbosity = Verbosity.NORMAL) -> None:
        if default not in resolvers:
            raise SettingsError(f"No language pack '{default}' is loaded for the Wyoming service.")
        self.resolvers = dict(resolvers)
        self.default = default
        self.context = replace(context, pregnancy=Pregnancy.UNKNOWN)  # every request may be someone new
        self.limits = limits
        self.verbosity = verbosity
        self.info = info_event(sorted(self.resolvers))
        self.warnings = Rationed(limits.warning_interval, log)
        """Every warning a client can cause again and again goes through here."""

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
            self.warnings.warning("too-long", "refused a transcript of %d characters", len(text))
            return Response(NotHandled(resolver.language.say["too_long"]).event(), close=True)
        resolution = resolver.resolve(text, self.context)
        return Response(answer_event(resolution, resolver, self.verbosity, self.context.duration_seconds))

    def resolver_for(self, language: str | None) -> Resolver:
        """The pack of the transcript's language ("en", "en-US", "en_GB"), else the default one."""
        if language:
            code = language.replace("_", "-").lower()
            for candidate in (code, code.split("-")[0]):
                if candidate in self.resolvers:
                    return self.resolvers[candidate]
        return self.resolvers[self.default]


def answer_event(resolution: Resolution, resolver: Resolver, verbosity: Verbosity = Verbosity.NORMAL,
                 seconds: int = Context().duration_seconds) -> Event:
    """One answer that stands alone (Home Assistant cannot ask a follow-up question), as long as
    `verbosity` says and with every warning (`seconds`: how long to massage)."""
    said = speech_at(resolution, verbosity, resolver, seconds)
    if not resolution.understood and resolution.reason in NOT_UNDERSTOOD:
        return NotHandled(said).event()
    if not resolution.also:
        return Handled(said).event()
    # Not the session's "shall we do that next?": the person asks again instead.
    place = resolver.place_text(resolution.also[0], is_target=False, someone_else=resolution.also[0].whose != SELF)
    return Handled(f"{said} {resolver.language.say['also_ask'].format(place=place)}").event()


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
    except RecursionError:  # "[[[[..." thousands deep: the parser gives up before the line ends
        raise Refused(f"{what} is nested too deeply.", "malformed") from None
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


async def serve_accepted(handler: Handler, connections: Connections, client: Client) -> None:
    """Make streams of a connection the service has accepted (and counted), then answer it."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=handler.limits.max_event_bytes)
    protocol = asyncio.StreamReaderProtocol(reader)
    try:
        transport, _ = await loop.connect_accepted_socket(lambda: protocol, client.sock)
    except (OSError, ValueError):  # closed at the cap, or by the service stopping, before it was ready
        connections.leave(client)
        client.sock.close()
        return
    client.transport = transport
    with contextlib.suppress(asyncio.CancelledError):  # the service is stopping: not an error to log
        await serve_connection(handler, connections, client, reader, asyncio.StreamWriter(transport, protocol,
                                                                                           reader, loop))


async def serve_connection(handler: Handler, connections: Connections, client: Client,
                           reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Answer one client until it leaves, asks nothing for too long, or breaks the protocol."""
    peer = client.peer
    limits = handler.limits
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limits.idle_seconds
    try:
        while True:
            event = await asyncio.wait_for(read_event(reader, limits), deadline - loop.time())
            if event is None:
                break
            response = handler.respond(event)
            if response.asked:  # only a request keeps a connection open: pings and the like do not
                deadline = loop.time() + limits.idle_seconds
                connections.asked(client)  # before the answer is written: not closed at the cap meanwhile
            if response.event is not None:
                await asyncio.wait_for(async_write_event(response.event, writer), limits.idle_seconds)
            if response.close:
                break
    except asyncio.TimeoutError:
        log.info("closing %s: it asked nothing for %s s", peer, limits.idle_seconds)
    except Refused as refused:
        if not writer.is_closing():  # else the service closed it (stopping, or at the cap): no fault of the client's
            connections.warnings.warning("refused", "closing %s: %s", peer, refused.reason)
            await _try_send(writer, Error(refused.reason, refused.code).event())
    except ConnectionError as error:
        log.info("lost %s: %s", peer, error)
    except Exception:  # a fault of ours ends this connection only; the server goes on
        connections.warnings.warning("internal", "closing %s after an internal error", peer, exc_info=True)
        await _try_send(writer, Error("The assistant failed to answer; its log says why.", "internal").event())
    finally:
        await _close(writer)
        connections.leave(client)


async def _try_send(writer: asyncio.StreamWriter, event: Event) -> None:
    with contextlib.suppress(ConnectionError, asyncio.TimeoutError):
        await asyncio.wait_for(async_write_event(event, writer), CLOSE_SECONDS)


async def _close(writer: asyncio.StreamWriter) -> None:
    """Close the connection; one whose client reads nothing (so its answers never leave) is cut off."""
    writer.close()
    try:
        await asyncio.wait_for(writer.wait_closed(), CLOSE_SECONDS)
    except (ConnectionError, asyncio.TimeoutError):
        writer.transport.abort()


def parse_uri(uri: str) -> tuple[str, int]:
    """(host, port) of a tcp://HOST:PORT address; nothing else may be in it."""
    try:
        parts = urlsplit(uri)
        scheme, host, port = parts.scheme, parts.hostname, parts.port
    except ValueError:  # a port that is not a number, or out of range
        scheme, host, port = "", None, None
    if scheme != "tcp" or not host or port is None:
        raise SettingsError(f"'{uri}' is not a Wyoming address. Give one like tcp://127.0.0.1:{DEFAULT_PORT} "
                            f"(or tcp://0.0.0.0:{DEFAULT_PORT} to be reachable from other machines).")
    if parts.username is not None or parts.password is not None:  # the address itself is not repeated: a password
        raise SettingsError("A Wyoming address has no user name or password: the protocol has no log-in.",
                            f"Give only tcp://HOST:PORT, e.g. tcp://127.0.0.1:{DEFAULT_PORT}.")
    extra = [what for what, present in ((f"a path ({parts.path})", parts.path),
                                        (f"a query (?{parts.query})", parts.query),
                                        (f"a fragment (#{parts.fragment})", parts.fragment)) if present]
    if extra:
        raise SettingsError(f"'{uri}' has {' and '.join(extra)}, which a Wyoming address cannot have.",
                            f"Give only tcp://HOST:PORT, e.g. tcp://{parts.netloc}.")
    return host, port


def exposure_warning(host: str) -> str | None:
    """The line to show when anyone on every network the machine is on can ask it."""
    if not everywhere(host):
        return None
    return (f"Warning: listening on every network this machine is on ({host}), with no password: anyone "
            "who can reach it can ask it. Better: its address on your home network only "
            f"(--uri tcp://ADDRESS:{DEFAULT_PORT}) and a firewall; see docs/home-assistant.md.")


def check_host(host: str) -> None:
    """SettingsError when the service could never listen on host (not an address of this machine,
    "198.51.100.77"): it opens the service's sockets on free ports, then closes them."""
    try:
        probes = listening_sockets(host, 0, backlog=1)
    except OSError as error:
        raise cannot_listen(host, 0, error) from None
    for probe in probes:
        probe.close()


_ADDRESS_FIX: Final = ("Give one of its addresses (`ip -brief address` lists them), 127.0.0.1 for this "
                       "machine only, or 0.0.0.0 for every network it is on.")


def cannot_listen(host: str, port: int, error: OSError) -> SettingsError:
    """One line for an address the service cannot listen on, and how to fix it."""
    if isinstance(error, socket.gaierror):
        return SettingsError(f"Cannot listen on {host}: it is neither an address of this machine nor a name "
                             f"it can look up ({error.strerror}).", _ADDRESS_FIX)
    if error.errno == errno.EADDRNOTAVAIL:
        return SettingsError(f"Cannot listen on {host}: it is not an address of this machine.", _ADDRESS_FIX)
    if error.errno == errno.EADDRINUSE:
        return SettingsError(f"Cannot listen on {host}:{port}: another program listens on that port (a second "
                             "`acupressure wyoming`, or another Wyoming service?).",
                             f"`ss -ltnp 'sport = :{port}'` shows which; or choose another port with "
                             f"--uri tcp://{host}:PORT.")
    if error.errno == errno.EACCES and 0 < port < 1024:
        return SettingsError(f"Cannot listen on port {port}: the ports below 1024 are the system's.",
                             f"Choose one from 1024 up, e.g. {DEFAULT_PORT}.")
    reason = error.strerror or str(error)
    return SettingsError(f"Cannot listen on {host}:{port}: {reason}.", "Choose another address or port with --uri.")


@dataclass(frozen=True)
class Listening:
    """A started service: its listening sockets, its open connections and the tasks that serve them."""

    addresses: list[tuple[str, int]]
    """(host, port) of every socket it listens on."""
    acceptors: list[Acceptor]
    connections: Connections
    serving: set[asyncio.Task[None]]

    async def stop(self) -> None:
        """Stop listening and close every client connection, without waiting for the clients."""
        for acceptor in self.acceptors:
            acceptor.stop()
        self.connections.close_all()
        if self.serving:
            await asyncio.wait(set(self.serving), timeout=CLOSE_SECONDS)
        self.connections.warnings.flush()


async def start(handler: Handler, host: str, port: int) -> Listening:
    """Listen on host:port (port 0 picks a free one) and answer every client that connects."""
    limits = handler.limits
    cap = connection_cap(limits.max_connections, limits.files_reserved, open_file_limit())
    connections = Connections(cap, handler.warnings)
    try:
        sockets = await asyncio.get_running_loop().run_in_executor(
            None, listening_sockets, host, port, limits.backlog)  # a host name may be looked up
    except OSError as error:
        raise cannot_listen(host, port, error) from None

    serve = functools.partial(serve_accepted, handler, connections)
    serving: set[asyncio.Task[None]] = set()
    addresses = [(name[0], name[1]) for name in (sock.getsockname() for sock in sockets)]
    return Listening(addresses, [Acceptor(sock, connections, serve, serving) for sock in sockets], connections,
                     serving)


async def serve(handler: Handler, uri: str, show: Callable[[str], None] = lambda line: None,
                zeroconf: str | None = None) -> int:
    """Run the service until SIGTERM or SIGINT, and return that signal's number (the exit status
    rule); `show` gets the lines for the person who started it. `zeroconf`: the name to announce it
    by on the local network (voice.discovery); None: not announced."""
    host, port = parse_uri(uri)
    if zeroconf is not None:
        from voice import discovery  # the zeroconf library, only when it is asked for

        discovery.check_announceable(host)
    warning = exposure_warning(host)
    if warning:
        show(warning)  # before the first connection can come, and before a stop signal can cut it off
    listening = await start(handler, host, port)
    stopped: asyncio.Queue[int] = asyncio.Queue()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stopped.put_nowait, signum)
    where = ", ".join(f"{host}:{port}" for host, port in listening.addresses)
    show(f"Wyoming handle service on {where} (languages: {', '.join(sorted(handler.resolvers))}); "
         "Ctrl-C stops it.")
    announcer = None
    if zeroconf is not None:
        announcer = discovery.Announcer(zeroconf, host, listening.addresses[0][1], show)
        announcer.start()
    try:
        return await stopped.get()
    finally:
        await asyncio.gather(listening.stop(), *([announcer.stop()] if announcer else []))


def handler_for(settings: Settings, limits: Limits = Limits()) -> Handler:
    """A handler with every language pack, answering in the settings' language by default."""
    codes = {*available_languages(), settings.language}
    answering = {code: assistant.answering(replace(settings, language=code)) for code in codes}
    resolvers = {code: text.resolver for code, text in answering.items()}
    chosen = answering[settings.language]
    return Handler(resolvers, settings.language, chosen.context, limits, chosen.verbosity)
