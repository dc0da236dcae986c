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
