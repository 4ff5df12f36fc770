"""Keeps a network service answering under attack: open connections capped below the file limit, warnings rationed."""

# Anyone on the network can open connections to the Wyoming port. Without a cap they use up the
# process's open files (a systemd user service has 1,024), accept() fails, Home Assistant's
# describe times out, and asyncio logs a traceback for every failed accept. So connections are
# counted, the cap stays well below the file limit, and at the cap a new client is let in by
# closing the connection that has asked nothing for longest: Home Assistant opens a fresh
# connection for every request, so it is never that one for long.

from __future__ import annotations

import asyncio
import errno
import logging
import resource
import time
from collections import OrderedDict
from typing import Any, Callable, Final

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


class Connections:
    """The open connections, the one that has asked nothing for longest first; at most `cap`."""

    def __init__(self, cap: int, warnings: Rationed) -> None:
        self.cap = cap
        self.warnings = warnings
        self._open: OrderedDict[asyncio.WriteTransport, None] = OrderedDict()
        self.closed = False
        """True once the service is stopping: no connection is let in any more."""

    def __len__(self) -> int:
        return len(self._open)

    def admit(self, transport: asyncio.WriteTransport) -> bool:
        """Count a new connection in (False when the service is stopping and it was closed instead);
        at the cap, first close the one that has asked nothing for longest."""
        if self.closed:
            transport.abort()
            return False
        while len(self._open) >= self.cap:
            oldest, _ = self._open.popitem(last=False)
            self.warnings.warning("evicted", "closed the connection from %s, which had asked nothing for longest: "
                                  "%d connections were open, the most this service keeps",
                                  _peer(oldest), self.cap)
            oldest.abort()  # at once, its file freed, whatever it has not read
        self._open[transport] = None
        return True

    def asked(self, transport: asyncio.WriteTransport) -> None:
        """The connection has just been answered a request: it is the last to be closed at the cap."""
        if transport in self._open:
            self._open.move_to_end(transport)

    def leave(self, transport: asyncio.WriteTransport) -> None:
        self._open.pop(transport, None)

    def close_all(self) -> None:
        """The service is stopping: end every connection now rather than wait for its clients."""
        self.closed = True
        while self._open:
            transport, _ = self._open.popitem()
            transport.abort()

    def loop_problem(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        """asyncio's exception handler: a failed accept() is one rationed line, not a traceback each time."""
        error = context.get("exception")
        if isinstance(error, OSError) and error.errno in OUT_OF_FILES:
            self.warnings.warning("accept", "cannot accept new connections for a moment: %s (%d open here, "
                                  "open-file limit %s)", error.strerror, len(self._open), open_file_limit())
            return
        loop.default_exception_handler(context)


def _peer(transport: asyncio.BaseTransport) -> str:
    peer = transport.get_extra_info("peername")
    return f"{peer[0]}:{peer[1]}" if isinstance(peer, tuple) and len(peer) >= 2 else str(peer)
