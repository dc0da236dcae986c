"""The one error base every layer shares, and how any exception reads to a person.

It lives at the bottom of the import graph (no imports from ``wizard/``, ``screens/`` or a
third-party library) so ``providers/`` can raise it and ``wizard/`` and both front ends can
catch and show it the same way.
"""

from __future__ import annotations

EXIT_FAILED = 1  # a check, a validation or a vendor action failed
EXIT_USAGE = 2  # usage or configuration error


class SetupError(Exception):
    """What failed and why (``message``) plus what to do next (``hint``), and its exit code."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def line(self) -> str:
        """The single line shown to a person."""
        return f"{self.message} {self.hint}".strip() if self.hint else self.message


def describe(exc: BaseException) -> str:
    """One line for any exception: the ``line()`` of a ``SetupError``; only the type otherwise.

    An unexpected exception's text might quote a value (a URL with a password, a key), so it is
    never shown; its type is enough to report it.
    """
    if isinstance(exc, SetupError):
        return exc.line()
    return f"Unexpected {type(exc).__name__}; nothing further was changed."
