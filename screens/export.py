"""Export the filled checklist from inside the app (the core's ``render_export`` and
``write_export``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wizard.values import Answers


def export_checklist(answers: Answers, fmt: str, path: Path) -> tuple[Path, str]:
    """Render the checklist as ``fmt`` and write it; returns the path and a git note.

    Markdown and JSON are masked. A dotenv file exists to hold real values for one platform:
    from the app it holds Render's variables (the "Add from .env" paste), git-ignored.
    """
    from wizard.checklist import render_export, write_export

    destination = "render" if fmt == "dotenv" else None
    result = render_export(answers, fmt, reveal=fmt == "dotenv", destination=destination)
    return write_export(answers, result, path)
