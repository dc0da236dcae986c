"""Export the filled checklist from inside the app (the same renderers as ``convoai-setup export``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wizard.values import Answers


def export_checklist(answers: Answers, fmt: str, path: Path) -> Path:
    """Render the checklist as ``fmt`` and write it atomically; returns the path written.

    Markdown and JSON are masked. A dotenv file exists to hold real values, so it is the one
    format written with them, and with mode 0600.
    """
    from checklists.export import render_dotenv, render_json, render_markdown
    from wizard.checklist import build_rows
    from wizard.errors import UsageError
    from wizard.fsutil import atomic_write
    from wizard.state import now_iso

    reveal = fmt == "dotenv"
    rows = build_rows(answers, reveal=reveal)
    state = answers.state_file.read()
    context = {
        "project": answers.project.name,
        "generated_at": now_iso(),
        "migrations": state.get("migrations"),
    }
    if fmt == "markdown":
        text = render_markdown(rows, **context)  # type: ignore[arg-type]
    elif fmt == "json":
        text = render_json(rows, **context)  # type: ignore[arg-type]
    elif fmt == "dotenv":
        try:
            text = render_dotenv(rows)
        except ValueError as exc:  # UnrepresentableValue: the message names the variable only
            raise UsageError(f"{exc}; nothing was exported.") from None
    else:
        raise UsageError(f"{fmt!r} is not an export format.", "Use markdown, json or dotenv.")
    target = path if path.is_absolute() else answers.project.root / path
    atomic_write(target, text.encode("utf-8"), mode=0o600 if reveal else 0o644)
    return target
