"""Clean exits: signals become exceptions, native calls are not cut in half, no noise at shutdown.

The one rule for the exit status: a command stopped by a signal exits with 128 + its number,
whatever it was doing (130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP), after cleaning up, as the
shell reports a program the signal ended; a script can tell a run that was stopped from one that
finished. The service units count those as a clean stop (SuccessExitStatus, voice/service.py)."""

from __future__ import annotations

import contextlib
import logging
import signal
import sys
import threading
from typing import Any, Final, Iterator

log = logging.getLogger(__name__)

STOP_SIGNALS: Final = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
"""The signals that ask the program to stop."""


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP arrived: unwind like Ctrl-C, so every `finally` and `with` cleans up."""

    def __init__(self, number: int) -> None:
        super().__init__(signal.Signals(number).name)
        self.number = number


def _terminate(number: int, frame: Any) -> None:
    raise Terminated(number)


def status_of(number: int) -> int:
    """The exit status of a command this signal stopped: 128 + its number."""
    return 128 + int(number)


def exit_status(interrupt: KeyboardInterrupt) -> int:
    """The exit status of a command stopped by this signal (Ctrl-C, or SIGTERM or SIGHUP turned into one)."""
    return status_of(interrupt.number if isinstance(interrupt, Terminated) else signal.SIGINT)


def install() -> None:
    """From now on SIGTERM and SIGHUP unwind the program instead of killing it on the spot, and
    errors raised where nobody can catch them (destructors, threads at shutdown) are logged,
    not printed over the user's terminal."""
    if threading.current_thread() is threading.main_thread():
        for number in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(number, _terminate)
    sys.unraisablehook = _log_unraisable
    threading.excepthook = _log_thread_error


def _log_unraisable(unraisable: Any) -> None:
    log.debug("ignored in %r: %r", unraisable.object, unraisable.exc_value)


def _log_thread_error(args: Any) -> None:
    if isinstance(args.exc_value, (KeyboardInterrupt, SystemExit)):
        return
    log.warning("a background task failed: %r", args.exc_value, exc_info=(args.exc_type, args.exc_value,
                                                                          args.exc_traceback))


@contextlib.contextmanager
def uninterrupted() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM until the block is over: a native call (loading a model) cut in
    the middle leaves a half-built object whose destructor fails. A signal that came meanwhile
    is acted on as soon as the block ends, as it would have been."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[signal.Signals] = []
    previous = {number: signal.signal(number, lambda number, frame: held.append(signal.Signals(number)))
                for number in STOP_SIGNALS}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        if held:
            _deliver(held[0], previous[held[0]])


def _deliver(number: int, handler: Any) -> None:
    if callable(handler):
        handler(number, None)
    elif handler == signal.SIG_DFL:
        signal.raise_signal(number)
