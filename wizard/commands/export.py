"""``convoai-setup export [--format markdown|json|dotenv] [--output FILE] [--reveal]``."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from wizard.commands import project_of

DESCRIPTION = """\
Export the plan's environment checklist, filled in per variable: required, status (missing /
set / invalid / verified live, with time), source, destination and value. Secret values are
masked unless --reveal. Printed on stdout unless --output FILE (written atomically; mode 0600
when it holds revealed values). dotenv holds real values only, so it requires --reveal."""


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "export",
        parents=[common],
        help="the filled environment checklist (markdown, json or dotenv)",
        description=DESCRIPTION,
    )
    p.add_argument("--format", choices=["markdown", "json", "dotenv"], default="markdown")
    p.add_argument("--output", metavar="FILE", help="write to FILE instead of stdout")
    p.add_argument("--reveal", action="store_true", help="include real secret values")
    p.set_defaults(handler=run)


def _render(args: argparse.Namespace, project: Any) -> str:
    from checklists import export
    from wizard.checklist import build_rows
    from wizard.errors import UsageError
    from wizard.state import now_iso
    from wizard.values import Answers

    answers = Answers(project)
    rows = build_rows(answers, reveal=args.reveal)
    if args.format == "dotenv":
        try:
            return export.render_dotenv(rows)
        except export.UnrepresentableValue as exc:
            raise UsageError(f"{exc}; nothing was exported.", "Use --format json.") from None
    context: dict[str, Any] = {
        "project": project.name,
        "generated_at": now_iso(),
        "migrations": answers.state_file.read().get("migrations"),
    }
    if args.format == "json":
        return export.render_json(rows, **context)
    return export.render_markdown(rows, **context)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from wizard.console import info, warn
    from wizard.errors import UsageError
    from wizard.fsutil import atomic_write

    if args.format == "dotenv" and not args.reveal:
        raise UsageError(
            "--format dotenv needs --reveal: it is a file of real values, and masked ones "
            "would look like configuration; nothing was exported.",
            "Add --reveal (and --output FILE), or use --format markdown or json.",
        )
    project = project_of(args)
    text = _render(args, project)
    if args.output is None:
        if sys.stdout.isatty():
            from wizard.console import shown

            if args.reveal:
                warn("printing real secret values to the terminal (--reveal).")
            text = shown(text)  # no raw escape sequences on a terminal
        sys.stdout.write(text)
        return 0
    path = Path(args.output)
    if path.is_symlink() or path.is_dir():
        raise UsageError(f"{path} is a {'symlink' if path.is_symlink() else 'directory'}; "
                         "nothing was exported.", "Choose another --output path.")  # fmt: skip
    try:
        atomic_write(path, text.encode("utf-8"), mode=0o600 if args.reveal else 0o644)
    except OSError as exc:
        raise UsageError(f"Cannot write {path} ({exc.strerror}); nothing was exported.") from None
    if args.reveal:
        warn(f"{path} holds real secret values (mode 0600): keep it private, never commit it.")
    else:
        info(f"Checklist written to {path} (secret values masked).")
    return 0
