"""``convoai-setup drift [render] [vercel] [--json]``: does each platform have these values?"""

from __future__ import annotations

import argparse
from typing import Any

from wizard.commands import print_json, project_of
from wizard.commands.push import platform_arguments

DESCRIPTION = """\
Compare the values here with what each platform has (Render's service variables, Vercel's
VITE_API_URL), per variable: in sync / different / missing (not on the platform) / extra (on
the platform only; push never touches it). Values are compared by keyed digest and never
printed. Sends no write request. Exit 1 when a value is different or missing, or the service
or project does not exist; `convoai-setup push` fixes it. Exit 2 when a platform cannot be
asked (a setting is missing)."""


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "drift",
        parents=[common],
        help="compare the values with the platforms (exit 1 if they differ)",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    platform_arguments(p)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import asyncio

    from checklists.errors import EXIT_USAGE, UsageError
    from wizard.console import error, info, paint, shown, table
    from wizard.drift import drift
    from wizard.platforms import choose, row
    from wizard.values import Answers

    if not args.timeout > 0:
        raise UsageError("--timeout must be a positive number of seconds.")
    answers = Answers(project_of(args))
    destinations = choose(answers.values(), args.targets)
    found = asyncio.run(drift(answers, destinations, args.timeout))
    docs = []
    for d in found:
        docs.append(
            {
                "destination": d.destination,
                "target": d.target,
                "exists": d.exists,
                "in_sync": d.in_sync,
                "variables": [{"name": n, "status": s} for n, s in d.rows],
                "notes": d.notes,
                **({"error": d.error.line()} if d.error else {}),
            }
        )
        if args.json:
            continue
        label = row(d.destination).label
        if d.error is not None:
            error(f"{label}: {d.error.line()}")
            continue
        print(paint(f"{label}: {d.target}", "bold"))
        for note in d.notes:
            print(f"  {shown(note)}")  # advice as commands, no raw control characters
        if not d.exists:
            print(f"  does not exist yet: convoai-setup push {d.destination} creates it\n")
            continue
        print(table(["VARIABLE", "STATUS"], [list(r) for r in d.rows], status_col=1) + "\n")
    in_sync = all(d.in_sync for d in found)
    if args.json:
        print_json({"in_sync": in_sync, "platforms": docs})
    elif all(d.error is None for d in found):
        info(
            "Every platform is in sync."
            if in_sync
            else "Platforms differ from the values here: convoai-setup push fixes it."
        )
    if any(d.error is not None and d.error.exit_code == EXIT_USAGE for d in found):
        return EXIT_USAGE
    return 0 if in_sync else 1
