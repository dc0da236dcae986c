"""``convoai-setup push [render] [vercel] [--dry-run] [--yes] [--no-deploy] [--json]
[--timeout S]``: the push operation (``wizard.push``) with a terminal for a front end."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from wizard.commands import answered_yes, print_json, project_of

if TYPE_CHECKING:
    from wizard.frontend import Confirm, FrontEnd
    from wizard.platforms.plan import PushPlan
    from wizard.push import PushOutcome

DESCRIPTION = """\
Push the values to the platforms: Render (the backend's variables; the web service is created
from render.yaml's settings when it does not exist) and Vercel (VITE_API_URL for production and
preview; the project is created when missing). No platform named: every one whose token is set.

First a plan, values masked: per variable add / change (with what the platform has now) / same /
kept (on the platform only: never touched) / unset (no value here: not sent). Then a
confirmation: a prompt on a terminal, or --yes; without either the exit code is 2. --dry-run
sends no write request at all. Render gets one upsert per changed variable (never the
replace-all call, never a delete); wizard-only credentials never leave this machine. Everything
written is read back, and what the read-back shows is what is reported. When Render's APP_URL
is pushed, the Stripe webhook endpoint remembered by `stripe create-webhook` follows it. Then,
unless --no-deploy, a deploy is started and followed to the end (Render: live; Vercel: READY).
Exit 1 when a variable did not land or a deploy failed; 2 for a setting that is missing."""


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "push",
        parents=[common],
        help="push the variables to Render and Vercel, then deploy",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--dry-run", action="store_true", help="show the plan; send no write request")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.add_argument(
        "--no-deploy", dest="deploy", action="store_false", help="push the variables only"
    )
    platform_arguments(p)
    p.set_defaults(handler=run)


def platform_arguments(p: argparse.ArgumentParser) -> None:
    """What ``push`` and ``drift`` both take: the platforms, --json and --timeout."""
    p.add_argument(
        "targets",
        nargs="*",
        metavar="PLATFORM",
        help="render, vercel (default: those with a token)",
    )
    p.add_argument("--json", action="store_true", help="one JSON document on stdout")
    p.add_argument(
        "--timeout", type=float, default=20.0, metavar="S", help="seconds per request (default 20)"
    )


def show_plan(plan: PushPlan) -> None:
    """The masked plan on stdout (``domain set`` sends it to stderr)."""
    from wizard.console import paint, shown, table
    from wizard.platforms.plan import plan_rows, plan_text

    head, *rest = plan_text(plan)
    print(paint(head, "bold"))
    for line in rest:
        print(line)
    print(table(["ACTION", "VARIABLE", "VALUE"], plan_rows(plan)))
    for note in plan.notes:
        print(f"  {shown(note)}")  # advice as commands, no raw control characters
    print()


def say(line: str, level: str) -> None:
    from wizard.console import error, info, warn

    {"error": error, "warn": warn}.get(level, info)(line)


def terminal_confirm(yes: bool, refuse: bool) -> Confirm[PushPlan] | None:
    """--yes: always; a terminal: ask; neither: ``refuse`` (exit 2) or None (say what to run)."""
    import sys

    from checklists.errors import UsageError

    if yes:
        return lambda plans, extras: True

    def ask(plans: list[PushPlan], extras: list[str]) -> bool:
        from wizard.platforms import row

        what = [f"push to {', '.join(row(p.destination).label for p in plans)}"] if plans else []
        question = " and ".join([*what, *extras])
        question = f"{question[:1].upper()}{question[1:]}"
        if not sys.stdin.isatty():
            raise UsageError(
                f"Nothing was pushed: there is no terminal to confirm on ({question}).",
                "Read the plan above, then run again with --yes (or --dry-run to only look).",
            )
        return answered_yes(f"{question}?")

    return ask if refuse or sys.stdin.isatty() else None


def front_end(args: argparse.Namespace, plan_to_stderr: bool = False) -> FrontEnd[PushPlan]:
    import contextlib
    import sys

    from wizard.frontend import FrontEnd

    def show(plan: PushPlan) -> None:
        if args.json:
            return
        if plan_to_stderr:
            with contextlib.redirect_stdout(sys.stderr):
                show_plan(plan)
        else:
            show_plan(plan)

    return FrontEnd(terminal_confirm(args.yes, refuse=not plan_to_stderr), show, say)


def outcome_doc(outcome: PushOutcome) -> dict[str, Any]:
    from wizard.platforms.plan import plan_doc

    docs = []
    for x in outcome.landings:
        doc: dict[str, Any] = plan_doc(x.plan) if x.plan else {"destination": x.destination}
        if x.error is not None:
            doc["error"] = x.error.line()
        if x.applied is not None:
            doc["applied"] = {
                "ref": x.applied.ref,
                "created": x.applied.created,
                "landed": x.applied.landed,
                "failed": x.applied.not_landed,
                "answer_lost": x.applied.answer_lost,
            }
        if x.deploy is not None:
            d = x.deploy
            doc["deploy"] = {
                "ok": d.ok,
                "status": d.status,
                "id": d.deploy_id,
                "link": d.link,
                "message": d.message,
            }
        docs.append(doc)
    return {"ok": outcome.ok, "platforms": docs, "webhook": outcome.webhook or None}


def run(args: argparse.Namespace) -> int:
    import asyncio

    from checklists.errors import UsageError
    from wizard.platforms import choose
    from wizard.push import push
    from wizard.values import Answers

    if not args.timeout > 0:
        raise UsageError("--timeout must be a positive number of seconds.")
    answers = Answers(project_of(args))
    destinations = choose(answers.values(), args.targets)
    outcome = asyncio.run(
        push(
            answers,
            destinations,
            front_end(args),
            deploy=args.deploy,
            dry_run=args.dry_run,
            timeout=args.timeout,
        )
    )
    if args.json:
        print_json({**outcome_doc(outcome), "dry_run": args.dry_run})
    return outcome.exit_code
