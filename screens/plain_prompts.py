"""The plain flow's ways of talking: a yes/no question, a line, and a failure said as it happens.

Shared by the flow (``screens.plain``) and its phase steps (``screens.plain_steps``).
"""

from __future__ import annotations

from collections.abc import Callable

import questionary

from checklists.advice import render

#: how a check's outcome is shown at the start of its line
GLYPHS = {"ok": "✓", "warn": "!", "fail": "✗", "skip": "-"}


def confirm(question: str, default: bool = True) -> bool:
    """A yes/no question answered with Enter.

    questionary's ``auto_enter`` submits on the ``y`` key alone, so a habitual ``y`` + Enter
    answered the *next* question too.
    """
    return bool(questionary.confirm(question, default=default, auto_enter=False).unsafe_ask())


async def confirm_async(question: str, default: bool = True) -> bool:
    """``confirm`` from inside a core operation's event loop (its ``FrontEnd.confirm``)."""
    ask = questionary.confirm(question, default=default, auto_enter=False)
    return bool(await ask.unsafe_ask_async())


def say(text: str) -> None:
    """Print a line of the core's (advice in it is written as the command that does it)."""
    print(render(text))


def fail(line: str) -> str:
    """Print a failure as it happens (one line) and return it for the phase's summary."""
    line = render(line)
    print(f"  ✗ {line}")
    return line


def operation_lines(failed: list[str], indent: str = "  ") -> Callable[[str, str], None]:
    """A core operation's ``FrontEnd.say``: errors as failures (kept in ``failed``), warnings
    marked, the rest as they are, each under ``indent``."""

    def line(text: str, level: str) -> None:
        if level == "error":
            failed.append(fail(text))
        else:
            say(f"{indent}{'! ' if level == 'warn' else ''}{text}")

    return line
