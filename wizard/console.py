"""Plain-terminal output: one-line errors on stderr, simple tables, colour only on a TTY.

Deliberately tiny so commands that don't draw the TUI start fast (no Rich, no Textual).
"""

from __future__ import annotations

import os
import sys

from checklists.advice import render
from checklists.chars import escape

#: ``typing.TYPE_CHECKING`` without importing ``typing`` (mypy treats the name the same way)
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import TextIO

COLOURS = {"red": "31", "green": "32", "yellow": "33", "blue": "34", "dim": "2", "bold": "1"}
STATUS_COLOURS = {
    "done": "green",
    "ok": "green",
    "set": "green",
    "verified": "green",
    "applied": "green",
    "stale": "yellow",
    "warn": "yellow",
    "pending": "dim",
    "skip": "dim",
    "missing": "dim",
    "failed": "red",
    "fail": "red",
    "invalid": "red",
    "edited": "red",
    "in sync": "green",
    "different": "red",
    "extra": "dim",
}


def use_colour(stream: TextIO) -> bool:
    return stream.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def paint(text: str, colour: str, stream: TextIO = sys.stdout) -> str:
    if not colour or not use_colour(stream):
        return text
    return f"\033[{COLOURS[colour]}m{text}\033[0m"


def shown(text: str) -> str:
    """``text`` safe for a terminal: control characters and escapes written as ``\\x1b``.

    Messages can quote what a person or a file supplied (a name, a path); a raw escape
    sequence there could rewrite the screen, so nothing reaches the terminal unescaped. Advice
    (``checklists.advice``) is written as the command that does it.
    """
    return escape(render(text), keep="\n")


def error(message: str) -> None:
    print(paint(f"convoai-setup: {shown(message)}", "red", sys.stderr), file=sys.stderr)


def warn(message: str) -> None:
    print(paint(f"warning: {shown(message)}", "yellow", sys.stderr), file=sys.stderr)


def info(message: str) -> None:
    """Progress and notes go to stderr so stdout stays clean for data (--json, values)."""
    print(shown(message), file=sys.stderr)


def table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], status_col: int | None = None
) -> str:
    """A left-aligned text table; ``status_col`` is coloured by its value."""
    rows = [[escape(render(cell)) for cell in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    # The last column is not padded, so its rule is only as long as its header.
    lines.append("  ".join("-" * w for w in [*widths[:-1], len(headers[-1])]))
    for row in rows:
        cells = []
        for i, (cell, w) in enumerate(zip(row, widths, strict=True)):
            padded = cell.ljust(w)
            if i == status_col:
                padded = paint(padded, STATUS_COLOURS.get(cell, ""))
            cells.append(padded)
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)
