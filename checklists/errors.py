"""Every error a person can see, in one hierarchy under ``SetupError``, and how any exception reads.

It sits at the bottom of the import graph (it imports nothing of the product and no
third-party library) so the catalog, the providers, the core and both front ends raise and
catch the same classes: nothing is ever translated from one error type into another.

Each error carries ``message`` (what failed and why), ``hint`` (what to do next) and its exit
code: 1 when something was checked or attempted and failed, 2 for usage or configuration.
Never put a secret value in one.
"""

from __future__ import annotations

from typing import Literal

EXIT_FAILED = 1  # a check, a validation or a vendor action failed
EXIT_USAGE = 2  # usage or configuration error
EXIT_INTERRUPTED = 130  # SIGINT (143 for SIGTERM: see wizard.signals)

Outcome = Literal["ok", "warn", "fail", "skip"]


class SetupError(Exception):
    """What failed and why (``message``) plus what to do next (``hint``), and its exit code."""

    exit_code = EXIT_USAGE
    #: what a live check reports it as when it ends a check
    outcome: Outcome = "fail"

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def line(self) -> str:
        """The single line shown to a person."""
        return f"{self.message} {self.hint}".strip() if self.hint else self.message


# -- usage and configuration (exit 2) ----------------------------------------------------------
class WizardError(SetupError):
    """A failure of the core that is not about input: a file system or a store problem."""


class UsageError(SetupError):
    """The command line, a setting or an input was wrong or missing."""


class ProjectError(SetupError):
    """The directory is not a ConvoAI checkout."""


class CatalogError(SetupError):
    """The variable catalog itself is malformed (an entry names what is wrong)."""


class StateError(SetupError):
    """The state file could not be read, written or locked."""


class LockTimeout(StateError):
    """Another process held a lock for longer than we wait; nothing was changed."""


class StoreError(SetupError):
    """The secret store could not be opened, unlocked or written."""


class OutputError(SetupError):
    """A generated file can't be read or written where it should be; nothing was written."""


class VercelConfigError(UsageError):
    """The backend URL or the existing vercel.json can't be used; nothing was written."""


# -- something was checked or attempted and failed (exit 1) -----------------------------------
class ValidationError(SetupError):
    """A value was refused."""

    exit_code = EXIT_FAILED


class OutputConflict(SetupError):
    """Files were edited by hand since the wizard wrote them; nothing was written."""

    exit_code = EXIT_FAILED


class PlanOutdated(SetupError):
    """A file or an input changed between planning and writing; nothing was written."""

    exit_code = EXIT_FAILED


class ProviderError(SetupError):
    """A service answered wrongly or not at all: a live check's failure or a vendor action's.

    ``outcome`` is what a check reports it as (a check may turn an expected answer into a
    ``warn``); a command exits 1.
    """

    exit_code = EXIT_FAILED

    def __init__(self, message: str, hint: str = "", outcome: Outcome = "fail") -> None:
        super().__init__(message, hint)
        self.outcome: Outcome = outcome


class Gone(ProviderError):
    """A platform answered 403, 404 or 410 for a resource: it is gone, or this credential
    cannot see it (a remembered id is then looked up by name again)."""

    def __init__(self, message: str, status: int, hint: str = "") -> None:
        super().__init__(message, hint)
        self.status = status


class PostgresError(ProviderError):
    """A database connection or configuration failure; exit 2 when the URL itself is wrong."""

    def __init__(self, message: str, hint: str = "", exit_code: int = EXIT_FAILED) -> None:
        super().__init__(message, hint)
        self.exit_code = exit_code


def describe(exc: BaseException) -> str:
    """One line for any exception: the ``line()`` of a ``SetupError``; only the type otherwise.

    An unexpected exception's text might quote a value (a URL with a password, a key), so it is
    never shown; its type is enough to report it.
    """
    if isinstance(exc, SetupError):
        return exc.line()
    return f"Unexpected {type(exc).__name__}; nothing further was changed."


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
