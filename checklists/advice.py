"""Advice that names an action, rendered by each front end in its own words.

The core never writes "run convoai-setup push render" into a message: it writes
``do("push", "render")``, a marked action id with its arguments. The CLI (and anything that
reaches a terminal, a file or ``--json``) renders it as the command; the TUI renders it as the
button or key that does the same on its screens (``screens/advice.py``); an action a front end
has no words for falls back to the command. Markers survive being stored (check results in the
state), so advice is rendered where it is shown, never rewritten from prose.
"""

from __future__ import annotations

import re
from collections.abc import Callable

#: marks the start and end of an action in a message (Unicode private-use characters: never
#: typed, never in a value, and refused in values by ``checklists.chars``)
OPEN, CLOSE = "\ue000", "\ue001"
_MARKED = re.compile(f"{OPEN}([^{CLOSE}]*){CLOSE}")

#: every action the core may advise, as the words after ``convoai-setup`` that start it
ACTIONS = (
    "check",
    "domain set",
    "drift",
    "export",
    "generate jwt-secret",
    "migrate",
    "migrate status",
    "provision",
    "push",
    "status",
    "stripe create-webhook",
    "up",
    "vars get",
    "vars import",
    "vars list",
    "vars set",
    "vars unset",
    "verify",
    "write",
)
#: (action id, its arguments) -> the front end's words for it, or None to show the command
Words = Callable[[str, list[str]], "str | None"]


def do(action: str, *args: str) -> str:
    """``action`` (one of ``ACTIONS``) with ``args``, marked for each front end to render."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    return OPEN + " ".join([action, *args]) + CLOSE


def parse(inner: str) -> tuple[str, list[str]]:
    """The marked text back as (action id, arguments): the longest id that starts it."""
    words = inner.split()
    for size in (3, 2, 1):
        head = " ".join(words[:size])
        if head in ACTIONS:
            return head, words[size:]
    return inner, []


_WRITTEN = re.compile(r"`convoai-setup ([^`]+)`")


def from_text(text: str) -> str:
    """Data files (the catalog) write an action as `` `convoai-setup push render` ``: marked
    here like ``do`` marks it, so it is rendered where it is shown."""

    def marked(match: re.Match[str]) -> str:
        action, args = parse(match.group(1))
        return do(action, *args)  # an unknown action is an error: the data has a typo

    return _WRITTEN.sub(marked, text)


def command(inner: str) -> str:
    return f"convoai-setup {inner}"


def render(text: str, words: Words | None = None) -> str:
    """``text`` with each marked action in ``words``' wording, else as the CLI command."""
    if OPEN not in text:
        return text

    def one(match: re.Match[str]) -> str:
        inner = match.group(1)
        said = words(*parse(inner)) if words is not None else None
        return said if said is not None else command(inner)

    return _MARKED.sub(one, text)


def as_commands(value: object) -> object:
    """``value`` (a JSON-able document) with every marked action written as its command."""
    if isinstance(value, str):
        return render(value)
    if isinstance(value, dict):
        return {k: as_commands(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [as_commands(v) for v in value]
    return value
