"""SIGINT and SIGTERM: stop promptly, cancel work on servers, leave nothing half-done.

Python turns SIGINT into ``KeyboardInterrupt``; SIGTERM would kill the process on the spot (exit
143, no message, and a migration's server session left running with its advisory lock until the
server notices). ``install()`` routes both to ``Interrupted``, a ``KeyboardInterrupt``: psycopg
already answers a ``KeyboardInterrupt`` during a query by cancelling it on the server and waiting
for the cancellation (``Connection.wait``), then ``with`` blocks roll the file's transaction back
and close the session, which releases the lock. The CLI prints one line and exits 130 or 143.

Work running in other threads (the Postgres check runs in a worker thread) does not see the
exception: ``install(on_signal=…)`` also calls a function that cancels it.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable
from types import FrameType


class Interrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM arrived; ``exit_code`` is 128 + the signal number (130, 143)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum

    @property
    def verb(self) -> str:
        return "terminated" if self.signum == signal.SIGTERM else "interrupted"


def install(on_signal: Callable[[], None] | None = None) -> None:
    """Raise ``Interrupted`` in the main thread on SIGINT and SIGTERM (no-op elsewhere)."""
    if threading.current_thread() is not threading.main_thread():
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        if on_signal is not None:
            with contextlib.suppress(Exception):  # cancelling is best effort; stopping is not
                on_signal()
        raise Interrupted(signum)

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)


def exit_code(exc: KeyboardInterrupt) -> int:
    """130 for a plain Ctrl-C, else the code of the signal that raised ``exc``."""
    return exc.exit_code if isinstance(exc, Interrupted) else 128 + signal.SIGINT


def message(exc: KeyboardInterrupt) -> str:
    """The one line printed when a command stops on a signal."""
    if not isinstance(exc, Interrupted):  # a command that did not install(): Ctrl-C as ever
        return "convoai-setup: interrupted; what was already saved is kept."
    return (
        f"convoai-setup: {exc.verb} ({signal.Signals(exc.signum).name}); the running work was "
        "cancelled on the server and rolled back, what was already saved is kept."
    )
