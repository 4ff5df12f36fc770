"""Keeps a network service answering under attack: open connections capped below the file limit, warnings rationed."""

# Anyone on the network can open connections to the Wyoming port. Without a cap they use up the
# process's open files (a systemd user service has 1,024), accept() fails, Home Assistant's
# describe times out, and asyncio logs a traceback for every failed accept. So connections are
# counted, the cap stays well below the file limit, and at the cap a new client is let in by
# closing the connection that has asked nothing for longest: Home Assistant opens a fresh
# connection for every request, so it is never that one for long. The service accepts its
# connections itself and counts each (making room for it) as it is accepted: asyncio's own server
# accepts a whole queue at once and counts none until a later turn of the loop, so a burst runs it
# out of files however low the cap.

from __future__ import annotations

import asyncio
import errno
import logging
import resource
import socket
import time
from collections import OrderedDict
from typing import Any, Callable, Coroutine, Final

log = logging.getLogger(__name__)

OUT_OF_FILES: Final = frozenset({errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM})
"""What accept() fails with when the process or the system has no file or memory left for a connection."""


def open_file_limit() -> int | None:
    """The process's open-file limit (the soft one, which is in force); None when there is none."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    return None if soft == resource.RLIM_INFINITY else int(soft)


def connection_cap(wanted: int, files_reserved: int, file_limit: int | None) -> int:
    """How many connections may be open at once: `wanted`, lowered to leave `files_reserved` of the
    open-file limit for everything else (the listening sockets, logs, zeroconf), and at least one."""
    if file_limit is None:
        return wanted
    return max(1, min(wanted, file_limit - files_reserved))


class Rationed:
    """Warnings an attacker could cause thousands of times a second: per kind, the first is logged,
    the others within `interval` seconds are only counted, and the count joins the next one logged."""

    def __init__(self, interval: float, logger: logging.Logger = log,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = interval
        self.logger = logger
        self.clock = clock
        self._logged: dict[str, float] = {}
        self._held: dict[str, int] = {}

    def warning(self, kind: str, message: str, *args: Any, exc_info: bool = False) -> None:
        now = self.clock()
        last = self._logged.get(kind)
        if last is not None and now - last < self.interval:
            self._held[kind] = self._held.get(kind, 0) + 1
            return
        held = self._held.pop(kind, 0)
        if held and last is not None:
            message += f" (and {held} more like it in the {now - last:.0f} s before)"
        self._logged[kind] = now
        self.logger.warning(message, *args, exc_info=exc_info)

    def flush(self) -> None:
        """Log the counts still held (when the service stops)."""
        for kind, held in self._held.items():
            self.logger.warning("%d more warnings like the last '%s' one were not logged", held, kind)
        self._held.clear()


class Client:
    """One accepted connection as it is counted: its socket, until asyncio has made a transport of it."""

    def __init__(self, sock: socket.socket, peer: str) -> None:
        self.sock = sock
        self.peer = peer
        self.transport: asyncio.Transport | None = None

    def abort(self) -> None:
        """Close it at once, whatever it has not read or been sent."""
        if self.transport is not None:
            self.transport.abort()
        else:
            self.sock.close()


class Connections:
    """The open connections, the one that has asked nothing for longest first; at most `cap`."""

    def __init__(self, cap: int, warnings: Rationed) -> None:
        self.cap = cap
        self.warnings = warnings
        self._open: OrderedDict[Client, None] = OrderedDict()

    def __len__(self) -> int:
        return len(self._open)

    def admit(self, client: Client) -> None:
        """Count a new connection in; at the cap, first close the one that has asked nothing for longest."""
        while len(self._open) >= self.cap:
            oldest, _ = self._open.popitem(last=False)
            self.warnings.warning("evicted", "closed the connection from %s, which had asked nothing for longest, "
                                  "to make room: this service keeps at most %d connections open", oldest.peer,
                                  self.cap)
            oldest.abort()
        self._open[client] = None

    def asked(self, client: Client) -> None:
        """The connection has just asked something: it is the last to be closed at the cap."""
        if client in self._open:
            self._open.move_to_end(client)

    def leave(self, client: Client) -> None:
        self._open.pop(client, None)

    def close_all(self) -> None:
        """The service is stopping: end every connection now rather than wait for its clients. Called
        once every acceptor has stopped, so none is let in afterwards."""
        while self._open:
            client, _ = self._open.popitem()
            client.abort()


def everywhere(host: str) -> bool:
    """True for an address that listens on every network the machine is on: "0.0.0.0" or "::"."""
    return host in ("0.0.0.0", "::")


def listening_sockets(host: str, port: int, backlog: int) -> list[socket.socket]:
    """Sockets listening on every address of host (port 0: a free one); OSError when one cannot."""
    sockets: list[socket.socket] = []
    try:
        for family, kind, protocol, _, address in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                                     flags=socket.AI_PASSIVE):
            sock = socket.socket(family, kind, protocol)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            sock.bind(address)
            sock.listen(backlog)
            sock.setblocking(False)
    except OSError:
        for sock in sockets:
            sock.close()
        raise
    return sockets


RETRY_ACCEPT_SECONDS: Final = 0.1
ACCEPT_AT_ONCE: Final = 32
"""Connections accepted before the others get a turn; the ones closed meanwhile to make room give
their files back only then, so this many more may be open for a moment (files_reserved covers it)."""


class Acceptor:
    """Accepts the connections on one listening socket, each counted in (room made for it) as it is
    accepted, and serves each in a task kept in `serving` while it runs."""

    def __init__(self, sock: socket.socket, connections: Connections,
                 serve: Callable[[Client], Coroutine[Any, Any, None]], serving: set[asyncio.Task[None]]) -> None:
        self.sock = sock
        self.connections = connections
        self.serve = serve
        self.serving = serving
        self.loop = asyncio.get_running_loop()
        self._retry: asyncio.TimerHandle | None = None
        self.loop.add_reader(sock, self._accept)

    def _accept(self) -> None:
        for _ in range(ACCEPT_AT_ONCE):
            try:
                connection, address = self.sock.accept()
            except (BlockingIOError, InterruptedError, ConnectionAbortedError):
                return
            except OSError as error:
                if error.errno in OUT_OF_FILES:
                    self._out_of_files(error)
                else:  # the client gave up halfway (a reset), and the like: it is the next one's turn
                    self.connections.warnings.warning("accept-failed", "could not accept a connection: %s",
                                                      error.strerror or error)
                return
            connection.setblocking(False)
            client = Client(connection, _peer(address))
            self.connections.admit(client)
            task = self.loop.create_task(self.serve(client))
            self.serving.add(task)
            task.add_done_callback(self.serving.discard)

    def _out_of_files(self, error: OSError) -> None:
        self.connections.warnings.warning("accept", "cannot accept new connections for a moment: %s (%d open "
                                          "here, open-file limit %s)", error.strerror, len(self.connections),
                                          open_file_limit())
        self.loop.remove_reader(self.sock)
        self._retry = self.loop.call_later(RETRY_ACCEPT_SECONDS, self.loop.add_reader, self.sock, self._accept)

    def stop(self) -> None:
        """Accept nothing more, not even a connection the loop has already found waiting: taking the
        reader off the loop cancels that call too."""
        if self._retry is not None:
            self._retry.cancel()
        self.loop.remove_reader(self.sock)
        self.sock.close()


def _peer(address: Any) -> str:
    return f"{address[0]}:{address[1]}" if isinstance(address, tuple) and len(address) >= 2 else str(address)
