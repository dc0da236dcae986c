"""``convoai-setup up [--dry-run] [--yes] [--json] [--timeout S] [--no-deploy]``: the ``up``
operation (``wizard.up``) on a terminal."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from wizard.commands import answered_yes, project_of

if TYPE_CHECKING:
    from wizard.up import StepEvent, UpOutcome, UpPlan

DESCRIPTION = """\
From the tokens to a verified live site, in the plan's order: provision what is missing
(Supabase, Upstash, Stripe prices, Sentry), generate JWT_SECRET, run the offline rules and the
live checks, apply the migrations and the Data API grants, find or create the Render service
(APP_URL is taken from Render's answer unless you set an API domain of your own), find or create
the Vercel project (FRONTEND_URL from its production domain), write the files, confirm with
GitHub that they are on the default branch (else the git commands to run, and exit 1), create or
move the Stripe webhook, push Render's and Vercel's variables (read back), deploy both and follow
them, then verify the site with a signed Stripe test event.

Each step is skipped when what it makes is already there and still true; a failure stops at its
step with one line saying what to do, and the next `up` goes on from there. A plan first, then a
confirmation (a prompt on a terminal, or --yes; without either the exit code is 2); --dry-run
prints the plan and sends no write anywhere. --json: one JSON event per line on stdout
({"step", "status", "message", "seconds"}), then one summary object. Exit 0 only when verify
passed (with --no-deploy: when everything before the deploy did)."""


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "up",
        parents=[common],
        help="from the tokens to a verified live site, resumable",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--dry-run", action="store_true", help="show the plan; send no write anywhere")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.add_argument("--json", action="store_true", help="JSON events on stdout, then a summary")
    p.add_argument(
        "--timeout", type=float, default=20.0, metavar="S", help="seconds per request (default 20)"
    )
    p.add_argument(
        "--no-deploy", dest="deploy", action="store_false", help="stop before the deploy"
    )
    p.set_defaults(handler=run)


def _show_plan(plan: UpPlan) -> None:
    import sys

    from wizard.console import table
    from wizard.up.text import plan_rows

    rows = [[str(n), step, line] for n, step, line in plan_rows(plan)]
    print(table(["#", "STEP", "WHAT IT WILL DO"], rows), file=sys.stderr)


def _step_line(event: StepEvent, json_out: bool, live: bool) -> None:
    import json
    import sys

    from checklists.advice import as_commands
    from wizard.console import shown
    from wizard.up.text import step_line

    if json_out:
        sys.stdout.write(json.dumps(as_commands(event.doc())) + "\n")
        sys.stdout.flush()
        return
    if event.status == "running":
        if live:  # a spinner-like line, replaced by the step's result
            print(f"… {event.step:<10} running", end="\r", file=sys.stderr, flush=True)
        return
    print(("\033[K" if live else "") + shown(step_line(event)), file=sys.stderr)


def _summary(outcome: UpOutcome) -> dict[str, Any]:
    return {
        "ok": outcome.ok,
        "stopped_at": outcome.stopped_at or None,
        "resumed_from": outcome.resumed_from or None,
        "urls": outcome.urls,
        "created": outcome.created,
        "seconds": outcome.seconds(),
    }


def run(args: argparse.Namespace) -> int:
    import asyncio
    import json
    import sys

    from checklists.errors import UsageError
    from wizard.commands.push import say
    from wizard.console import info
    from wizard.frontend import FrontEnd
    from wizard.up import up
    from wizard.values import Answers

    if not args.timeout > 0:
        raise UsageError("--timeout must be a positive number of seconds.")
    live = sys.stderr.isatty() and not args.json

    def ask(plans: list[UpPlan], extras: list[str]) -> bool:
        return answered_yes("Go ahead?")

    confirm = (lambda p, e: True) if args.yes else (ask if sys.stdin.isatty() else None)
    front = FrontEnd(confirm, _show_plan, say)
    outcome = asyncio.run(
        up(
            Answers(project_of(args)),
            front,
            on_step=lambda event: _step_line(event, args.json, live),
            dry_run=args.dry_run,
            deploy=args.deploy,
            timeout=args.timeout,
        )
    )
    if args.json:
        sys.stdout.write(json.dumps(_summary(outcome)) + "\n")
    elif outcome.events:
        from wizard.up.text import made_lines, total

        for line in made_lines(outcome):
            info(line)
        info(f"{'Verified' if outcome.ok else 'Stopped'} after {total(outcome):.1f}s.")
    return outcome.exit_code
