"""The core's errors: ``WizardError`` and its subclasses, all derived from ``SetupError``.

The CLI prints any ``SetupError`` (core or provider) as a single line on stderr and exits with
its ``exit_code``; both front ends show ``describe(exc)``. Never put a secret value in one.
"""

from __future__ import annotations

from providers.errors import EXIT_FAILED, EXIT_USAGE, SetupError, describe

__all__ = [
    "EXIT_FAILED",
    "EXIT_INTERRUPTED",
    "EXIT_USAGE",
    "ProjectError",
    "SetupError",
    "StateError",
    "StoreError",
    "UsageError",
    "ValidationError",
    "WizardError",
    "describe",
]

EXIT_INTERRUPTED = 130


class WizardError(SetupError):
    """An error of the core (exit 2 unless a subclass says otherwise)."""


class UsageError(WizardError):
    """The command line or input was wrong (exit 2)."""


class ProjectError(WizardError):
    """The directory is not a ConvoAI checkout (exit 2)."""


class StateError(WizardError):
    """The state file could not be read, written or locked (exit 2)."""


class StoreError(WizardError):
    """The secret store could not be opened, unlocked or written (exit 2)."""


class ValidationError(WizardError):
    """A value was refused (exit 1)."""

    exit_code = EXIT_FAILED


def _target(filename: object) -> str:
    """The path a person knows: ``.state.json.x1y2.tmp`` (an atomic write's temp) ->
    ``state.json``."""
    import os

    path = os.fsdecode(filename) if isinstance(filename, str | bytes) else str(filename)
    head, name = os.path.split(path)
    if name.startswith(".") and name.endswith(".tmp") and name.count(".") >= 3:
        return os.path.join(head, name[1:].rsplit(".", 2)[0])
    return path


def from_os_error(exc: OSError) -> WizardError:
    """One line for a failure of the operating system: what, which path, and the fix (exit 2)."""
    import errno
    import os

    path = _target(exc.filename) if exc.filename is not None else "a file"
    where = os.path.dirname(path) or "."
    reason = exc.strerror or os.strerror(exc.errno or 0)
    code = exc.errno
    if code in (errno.EACCES, errno.EPERM):
        return WizardError(
            f"Permission denied on {path}; what was already saved is kept.",
            f"Give your user write access to {where} (chown it, or chmod u+rw), or work on a copy "
            "you own; then run again.",
        )
    if code == errno.EROFS:
        return WizardError(
            f"{path} is on a read-only file system; what was already saved is kept.",
            "Run from a writable copy of the project (or remount it read-write), then run again.",
        )
    if code in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        why = {
            errno.EDQUOT: "your disk quota is used up",
            errno.EFBIG: "no space left for it (the file size limit was reached)",
        }.get(code, "No space left on the device")
        return WizardError(
            f"Cannot write {path}: {why}; the file is unchanged.",
            f"Free some space on the disk holding {where} (or raise the limit), then run again.",
        )
    return WizardError(
        f"Cannot use {path} ({reason}); what was already saved is kept.",
        "Check that the path exists and is the right kind (file or directory), then run again.",
    )
