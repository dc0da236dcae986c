"""One error type for everything a person has to act on.

The CLI prints ``WizardError`` as a single line on stderr and exits with ``exit_code``;
the TUI shows the same message and hint in a notification. Never put a secret value in one.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILED = 1  # a check or validation failed
EXIT_USAGE = 2  # usage or configuration error
EXIT_INTERRUPTED = 130


class WizardError(Exception):
    """What failed and why (``message``) plus what to do next (``hint``)."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def line(self) -> str:
        """The single line shown to a person."""
        return f"{self.message} {self.hint}".strip() if self.hint else self.message


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


class CheckFailed(WizardError):
    """A live check or an operation against a service failed (exit 1)."""

    exit_code = EXIT_FAILED
