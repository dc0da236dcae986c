"""``convoai-setup drift [render] [vercel] [--json]``: does each platform have these values?"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from wizard.commands import print_json, project_of
from wizard.commands.push import platform_arguments

if TYPE_CHECKING:
    from wizard.push import DestPlan

DESCRIPTION = """\
Compare the values here with what each platform has (Render's service variables, Vercel's
VITE_API_URL), per variable: in sync / different / missing (not on the platform) / extra (on
the platform only; push never touches it). Values are compared by keyed digest and never
printed. Sends no write request. Exit 1 when a value is different or missing, or the service
or project does not exist; `convoai-setup push` fixes it."""

#: plan action -> drift status
STATUS = {"same": "in sync", "change": "different", "add": "missing", "kept": "extra"}


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


def rows(plan: DestPlan) -> list[tuple[str, str]]:
    """(variable, status); a catalog variable unset here but present there is ``extra``."""
    out = []
    for v in plan.variables:
        if v.action == "unset":
            if v.name in plan.remote:
                out.append((v.name, "extra"))
            continue
        out.append((v.name, STATUS[v.action]))
    return out


def run(args: argparse.Namespace) -> int:
    import asyncio

    from wizard.errors import UsageError
    from wizard.platforms import choose
    from wizard.values import Answers

    if not args.timeout > 0:
        raise UsageError("--timeout must be a positive number of seconds.")
    project = project_of(args)
    answers = Answers(project)
    values = answers.values()
    destinations = choose(values, args.targets)
    salt = answers.store.salt()
    return asyncio.run(_drift(project, values, destinations, salt, args))


async def _drift(
    project: Any, values: Any, destinations: list[str], salt: bytes, args: argparse.Namespace
) -> int:
    import asyncio

    from wizard.commands.push import LABELS
    from wizard.console import info, paint, table
    from wizard.platforms import Platforms, known, record, summary

    async with Platforms(values, args.timeout, known=known(project)) as platforms:
        plans = await asyncio.gather(*(platforms.plan(d, salt) for d in destinations))
    docs, drifted = [], False
    for plan in plans:
        found = rows(plan)
        exists = plan.create is None
        differs = not exists or any(s in ("different", "missing") for _, s in found)
        drifted = drifted or differs
        record(project, plan.destination, summary(plan, "drift"))
        docs.append(
            {
                "destination": plan.destination,
                "target": plan.target,
                "exists": exists,
                "in_sync": not differs,
                "variables": [{"name": n, "status": s} for n, s in found],
                "notes": plan.notes,
            }
        )
        if args.json:
            continue
        print(paint(f"{LABELS[plan.destination]}: {plan.target}", "bold"))
        for note in plan.notes:
            print(f"  {note}")
        if not exists:
            print(f"  does not exist yet: convoai-setup push {plan.destination} creates it\n")
            continue
        print(table(["VARIABLE", "STATUS"], [list(r) for r in found], status_col=1) + "\n")
    if args.json:
        print_json({"in_sync": not drifted, "platforms": docs})
    else:
        info(
            "Platforms differ from the values here: convoai-setup push fixes it."
            if drifted
            else "Every platform is in sync."
        )
    return 1 if drifted else 0
