"""Exclusive file locks for read-modify-write of shared files: bounded waits, one-line errors.

``flock`` on a ``*.lock`` file beside what it guards: the kernel releases it when the process
exits, so a crash never leaves a stale lock behind. Within one process the lock is re-entrant
(a thread that holds it may take it again), because flock on a second descriptor of the same
file would wait for ourselves.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from checklists.errors import LockTimeout

#: how long to wait for another process to finish with a lock before giving up
LOCK_WAIT_SECONDS = 10.0


class _Held:
    """This process's hold on one lock file."""

    def __init__(self) -> None:
        self.mutex = threading.RLock()
        self.depth = 0
        self.fd = -1


_registry = threading.Lock()
_held: dict[str, _Held] = {}


@contextlib.contextmanager
def file_lock(path: Path, guards: str, wait: float = LOCK_WAIT_SECONDS) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (created 0600); ``guards`` names what it protects.

    Waits at most ``wait`` seconds, then raises ``LockTimeout`` naming the lock file.
    """
    key = os.path.abspath(path)
    with _registry:
        held = _held.setdefault(key, _Held())
    deadline = time.monotonic() + wait
    if not held.mutex.acquire(timeout=wait):
        raise _timeout(path, guards, wait)
    try:
        if held.depth == 0:
            held.fd = _acquire(Path(path), guards, wait, deadline)
        held.depth += 1
        try:
            yield
        finally:
            held.depth -= 1
            if held.depth == 0:
                os.close(held.fd)  # closing the descriptor releases the flock
                held.fd = -1
    finally:
        held.mutex.release()


def _acquire(path: Path, guards: str, wait: float, deadline: float) -> int:
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    except OSError as exc:
        raise LockTimeout(
            f"Cannot open the lock file {path} ({exc.strerror}), so {guards} was not changed.",
            "Check that its directory exists and is writable by you, then retry.",
        ) from None
    pause = 0.005
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return fd
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise _timeout(path, guards, wait) from None
                time.sleep(pause)
                pause = min(pause * 2, 0.05)
    except BaseException:
        os.close(fd)
        raise


def _timeout(path: Path, guards: str, wait: float) -> LockTimeout:
    return LockTimeout(
        f"Waited {wait:g} s for the lock {path} ({guards}); nothing was changed.",
        "Another convoai-setup is using it: let it finish, then retry.",
    )
