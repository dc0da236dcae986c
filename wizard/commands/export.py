"""``convoai-setup export [--format markdown|json|dotenv] [--destination D] [--output FILE]
[--reveal]``."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from wizard.commands import project_of

DESCRIPTION = """\
Export the plan's environment checklist: each phase's status and date, what is still to do,
and per variable: required, status (missing / invalid / failed / set / verified live), its
last live check, source, destination and value. Secret values are masked unless --reveal.
--destination render|vercel|wizard exports exactly that destination's variables.

dotenv holds real values only, for pasting into one platform: it needs --reveal and
--destination (Render's "Add from .env" gets Render's variables, never the wizard's own
credentials). Printed on stdout unless --output FILE (written atomically; mode 0600 when
revealed). A revealed file inside a git work tree is git-ignored first (added to
.git/info/exclude), or refused when that can't be done."""


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "export",
        parents=[common],
        help="the filled environment checklist (markdown, json or dotenv)",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--format", choices=["markdown", "json", "dotenv"], default="markdown")
    p.add_argument(
        "--destination",
        choices=["render", "vercel", "wizard"],
        help="only the variables that go there (required for dotenv)",
    )
    p.add_argument("--output", metavar="FILE", help="write to FILE instead of stdout")
    p.add_argument("--reveal", action="store_true", help="include real secret values")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from wizard.checklist import render_export, write_export
    from wizard.console import info, warn
    from wizard.values import Answers

    answers = Answers(project_of(args))
    result = render_export(answers, args.format, args.reveal, args.destination)
    if args.output is None:
        text = result.text
        if sys.stdout.isatty():
            from wizard.console import shown

            if args.reveal:
                warn("printing real secret values to the terminal (--reveal).")
            text = shown(text)  # no raw escape sequences on a terminal
        sys.stdout.write(text)
        return 0
    path, note = write_export(answers, result, Path(args.output).absolute())
    if note:
        info(note)
    if result.revealed:
        warn(f"{path} holds real secret values (mode 0600): keep it private, never commit it.")
    else:
        info(f"Checklist written to {path} (secret values masked).")
    return 0
