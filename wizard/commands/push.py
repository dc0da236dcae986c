"""``convoai-setup push [render] [vercel] [--dry-run] [--yes] [--no-deploy] [--json]
[--timeout S]``."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from wizard.commands import print_json, project_of

if TYPE_CHECKING:
    from wizard.deploys import DeployOutcome
    from wizard.platforms import Platforms
    from wizard.push import Applied, DestPlan

DESCRIPTION = """\
Push the values to the platforms: Render (the backend's variables; the web service is created
from render.yaml's settings when it does not exist) and Vercel (VITE_API_URL for production and
preview; the project is created when missing). No platform named: every one whose token is set.

First a plan, values masked: per variable add / change / same / kept (on the platform only:
never touched) / unset (no value here: not sent). Then a confirmation: a prompt on a terminal,
or --yes; without either the exit code is 2. --dry-run sends no write request at all.
Render gets one upsert per changed variable (never the replace-all call, never a delete);
wizard-only credentials never leave this machine. Everything written is read back and compared.
Then, unless --no-deploy, a deploy is started and followed to the end (Render: live; Vercel:
READY). Exit 1 when a variable did not land, a read-back differs or a deploy failed."""

LABELS = {"render": "Render", "vercel": "Vercel"}


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


def plan_rows(plan: DestPlan) -> list[list[str]]:
    where = LABELS[plan.destination]
    notes = {"kept": f"(on {where} only; never touched)", "unset": "(no value here; not sent)"}
    return [[v.action, v.name, v.shown or notes.get(v.action, "")] for v in plan.variables]


def plan_doc(plan: DestPlan) -> dict[str, Any]:
    return {
        "destination": plan.destination,
        "target": plan.target,
        "create": plan.create,
        "variables": [
            {"name": v.name, "action": v.action, "value": v.shown} for v in plan.variables
        ],
        "notes": plan.notes,
    }


def show_plan(plan: DestPlan) -> None:
    from wizard.console import paint, table

    print(paint(f"{LABELS[plan.destination]}: {plan.target}", "bold"))
    if plan.create:
        settings = ", ".join(f"{k} {v if v is not None else './'}" for k, v in plan.create.items())
        print(f"  create with: {settings}")
    print(table(["ACTION", "VARIABLE", "VALUE"], plan_rows(plan)))
    for note in plan.notes:
        print(f"  {note}")
    print()


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
    return asyncio.run(_push(project, values, destinations, salt, args))


def _confirm(args: argparse.Namespace, plans: list[DestPlan]) -> None:
    import sys

    from wizard.errors import UsageError

    if args.yes:
        return
    where = " and ".join(LABELS[p.destination] for p in plans)
    if not sys.stdin.isatty():
        raise UsageError(
            f"Nothing was pushed: there is no terminal to confirm the changes to {where} on.",
            "Read the plan above, then run again with --yes (or --dry-run to only look).",
        )
    sys.stderr.write(f"Push these changes to {where}? [y/N] ")
    sys.stderr.flush()
    if sys.stdin.readline().strip().lower() not in ("y", "yes"):
        raise UsageError("Nothing was pushed (not confirmed).")


def report_lines(applied: Applied, plan: DestPlan) -> list[str]:
    """What apply did, one line each (kept here for the TUI; the core is ``wizard.push``)."""
    from wizard.push import report_lines as lines

    return lines(applied, plan)


async def _push(
    project: Any, values: Any, destinations: list[str], salt: bytes, args: argparse.Namespace
) -> int:
    import asyncio

    from providers.base import ProviderError
    from wizard.console import error, info
    from wizard.platforms import Platforms, known, record, summary

    async with Platforms(values, args.timeout, known=known(project)) as platforms:
        plans = list(await asyncio.gather(*(platforms.plan(d, salt) for d in destinations)))
        if not args.json:
            for plan in plans:
                show_plan(plan)
        docs = [plan_doc(p) for p in plans]
        pending = [p for p in plans if p.has_changes]
        if args.dry_run or not pending:
            for plan in plans:
                record(
                    project,
                    plan.destination,
                    summary(plan, "push --dry-run" if args.dry_run else "push"),
                )
            if args.json:
                print_json({"ok": True, "dry_run": args.dry_run, "platforms": docs})
            info(
                "--dry-run: nothing was sent."
                if args.dry_run
                else "Nothing to push: every platform already has these values."
            )
            return 0
        _confirm(args, pending)
        ok = True
        for plan, doc in zip(plans, docs, strict=True):
            if not plan.has_changes:
                record(project, plan.destination, summary(plan, "push"))
                continue
            try:
                applied = await platforms.apply(plan, salt)
            except ProviderError as exc:
                error(f"{LABELS[plan.destination]}: {exc.line()}")
                doc["error"], ok = exc.line(), False
                continue
            for line in report_lines(applied, plan):
                info(line)
            if "APP_URL" in applied.landed:
                _webhook_hint(project, values)
            record(project, plan.destination, summary(plan, "push", applied))
            doc["applied"] = {
                "ref": applied.ref,
                "created": applied.created,
                "landed": applied.landed,
                "failed": applied.failed,
                "mismatched": applied.mismatched,
            }
            ok = ok and applied.ok
            if applied.ok and args.deploy:
                outcome = await _deploy(platforms, plan, applied)
                doc["deploy"] = {
                    "ok": outcome.ok,
                    "status": outcome.status,
                    "id": outcome.deploy_id,
                    "link": outcome.link,
                    "message": outcome.message,
                }
                ok = ok and outcome.ok
    if args.json:
        print_json({"ok": ok, "dry_run": False, "platforms": docs})
    return 0 if ok else 1


async def _deploy(platforms: Platforms, plan: DestPlan, applied: Applied) -> DeployOutcome:
    from providers.base import ProviderError
    from wizard.console import error, info
    from wizard.deploys import DeployOutcome

    try:
        outcome = await platforms.deploy(plan, applied, info)
    except ProviderError as exc:
        outcome = DeployOutcome(plan.destination, False, "unknown", "", "", exc.line())
    (info if outcome.ok else error)(outcome.message)
    return outcome


def _webhook_hint(project: Any, values: Any) -> None:
    """APP_URL moved on Render: the Stripe webhook endpoint should follow it (the same one)."""
    from providers.stripe import webhook_url
    from wizard.console import warn
    from wizard.state import StateFile

    remembered = StateFile(project).read().get("stripe_webhook") or {}
    if remembered.get("url") and remembered["url"] != webhook_url(str(values.get("APP_URL") or "")):
        warn(
            f"APP_URL changed: move the Stripe webhook endpoint {remembered.get('id')} to "
            "it (its secret stays): convoai-setup stripe create-webhook"
        )
