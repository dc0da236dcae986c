"""``.convoai-setup/state.json``: non-secret answers, phase status, fingerprints, timestamps.

Versioned, written atomically, and changed only under an exclusive lock so two wizards on the
same project can't interleave writes. It never holds a secret value: secrets are represented
only by a keyed digest (see ``wizard.fingerprint``).
"""

from __future__ import annotations

import json
import os
import time

from wizard.project import STATE_DIR as STATE_DIR_NAME

#: ``typing.TYPE_CHECKING`` without importing ``typing`` (mypy treats the name the same way):
#: ``status`` reads the state on every run and needs none of it
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator
    from contextlib import AbstractContextManager
    from pathlib import Path
    from typing import Any, NoReturn

    from wizard.project import Project

SCHEMA_VERSION = 1
LOCK_WAIT_SECONDS = 10.0

StateData = dict[str, "Any"]


def now_iso() -> str:
    """UTC timestamp used everywhere in the state (second precision, ``Z`` suffix)."""
    from datetime import UTC, datetime  # not on the start-up path of the read-only commands

    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def empty_state() -> StateData:
    return {
        "version": SCHEMA_VERSION,
        "values": {},
        "phases": {},
        "checks": {},
        "files": {},
        "store": {},
    }


class StateFile:
    """Reads and updates one project's state file.

    Reading needs ``os.path`` only (``status`` reads the state on every run); ``path`` is a
    ``Path`` for everything else.
    """

    def __init__(self, project: Project) -> None:
        self.project = project
        self._file = project.file(STATE_DIR_NAME, "state.json")

    @property
    def path(self) -> Path:
        return self.project.state_file

    def refuse_symlinks(self) -> None:
        """Refuse a state directory linked out of the project, and linked state/lock files.

        State written through such a link lands wherever the link points (another project,
        a shared directory); ``wizard.outputs.writer`` refuses symlinked targets the same way.
        """
        state_dir = self.project.file(STATE_DIR_NAME)
        if os.path.islink(state_dir):
            target = os.path.realpath(state_dir)
            root = os.path.realpath(self.project.root_dir)
            if os.path.commonpath((target, root)) != root or not os.path.isdir(target):
                raise _error(
                    f"{STATE_DIR_NAME} is a symlink to {target}, outside the project; "
                    "convoai-setup keeps its state only inside the project, so nothing was "
                    "read or written.",
                    f"Replace {state_dir} with a regular directory (move the files back, or "
                    "remove the link), then run again.",
                )
        if os.path.exists(state_dir) and not os.path.isdir(state_dir):
            raise _error(
                f"{state_dir} is a file, not convoai-setup's state directory; nothing was changed.",
                "Move that file aside (the next run creates the directory), then run again.",
            )
        for name in ("state.json", "state.lock"):
            if os.path.islink(os.path.join(state_dir, name)):
                raise _error(
                    f"{STATE_DIR_NAME}/{name} is a symlink; convoai-setup doesn't read or write "
                    "its state through symlinks, so nothing was changed.",
                    f"Remove the link {os.path.join(state_dir, name)} (the next run recreates "
                    "the file), then run again.",
                )

    def read(self) -> StateData:
        """The current state; an empty one if the file doesn't exist yet."""
        self.refuse_symlinks()
        try:
            with open(self._file, "rb") as fh:
                raw = fh.read()
        except FileNotFoundError:
            return empty_state()
        except IsADirectoryError:
            raise _error(
                f"{self._file} is a directory, not the state file.",
                "Move it aside (the next run creates a fresh state file), then run again.",
            ) from None
        except OSError as exc:
            raise _error(
                f"Cannot read {self._file} ({exc.strerror}).",
                "Check that your user can read it (ls -l; chown or chmod u+rw), then run again.",
            ) from None
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError) as exc:  # RecursionError: nesting beyond any use
            self._unreadable(_short(exc) if isinstance(exc, ValueError) else "nested too deeply")
        version = data.get("version") if isinstance(data, dict) else None
        if isinstance(version, int) and not isinstance(version, bool) and version > SCHEMA_VERSION:
            raise _error(
                f"{self._file} was written by a newer convoai-setup (state version {version}).",
                "Upgrade convoai-setup (pip install -U convoai-setup) and try again.",
            )
        from wizard.state_schema import problem

        wrong = problem(data)
        if wrong:
            self._unreadable(wrong)
        base = empty_state()
        base.update(data)
        return base

    def _unreadable(self, why: str) -> NoReturn:
        """Move the file aside and say so: the next run starts fresh, the old file is kept."""
        aside = self._move_aside()
        raise _error(
            f"The state file {self._file} was unreadable ({why}); it was moved to {aside}.",
            "Run the command again to start from a fresh state: your secrets in the store are "
            "untouched, and the old file is kept for you to inspect.",
        )

    def _move_aside(self) -> str:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"state.json.corrupt-{stamp}")
        n = 1
        while aside.exists():
            n += 1
            aside = self.path.with_name(f"state.json.corrupt-{stamp}-{n}")
        os.replace(self.path, aside)
        return str(aside)

    def lock(self) -> AbstractContextManager[None]:
        """Exclusive lock on the project's state; waits up to ``LOCK_WAIT_SECONDS``."""
        from contextlib import contextmanager  # only when writing: not on status's path

        return contextmanager(self._locked)()

    def _locked(self) -> Iterator[None]:
        import fcntl

        self.refuse_symlinks()
        self.project.ensure_state_dir()
        lock_path = self.project.state_dir / "state.lock"
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            deadline = time.monotonic() + LOCK_WAIT_SECONDS
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise _error(
                            "Another convoai-setup is changing this project's state right now.",
                            "Wait for it to finish (or close the other wizard), then retry.",
                        ) from None
                    time.sleep(0.05)
            yield
        finally:
            os.close(fd)  # closing releases the flock

    def update(self) -> AbstractContextManager[StateData]:
        """Lock, read, let the caller change the state, then write it back atomically.

        If the block raises, nothing is written: the file stays as it was.
        """
        from contextlib import contextmanager

        return contextmanager(self._updating)()

    def _updating(self) -> Iterator[StateData]:
        from wizard.fsutil import atomic_write  # tempfile, shutil: only when writing

        with self.lock():
            data = self.read()
            before = json.dumps(data, sort_keys=True)
            yield data
            if json.dumps(data, sort_keys=True) != before:
                data["version"] = SCHEMA_VERSION
                data["updated_at"] = now_iso()
                data.setdefault("created_at", data["updated_at"])
                payload = json.dumps(data, indent=2, sort_keys=True) + "\n"
                atomic_write(self.path, payload.encode("utf-8"), mode=0o600)


def _error(message: str, hint: str) -> Exception:
    """A ``StateError`` (``checklists.errors`` is imported only when one is raised)."""
    from checklists.errors import StateError

    return StateError(message, hint)


def _short(exc: Exception) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return f"not UTF-8 text: byte {exc.start + 1} can't be decoded"
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:120]
