"""``convoai-setup provision [supabase] [upstash] [stripe] [sentry] [--dry-run] [--yes] [--json]
[--timeout S]``: the provision operation (``wizard.provision``) on a terminal."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from wizard.commands import answered_yes, print_json, project_of

if TYPE_CHECKING:
    from wizard.frontend import FrontEnd
    from wizard.platforms.provisioning import ResourcePlan
    from wizard.provision import ProvisionOutcome

DESCRIPTION = """\
Find or create, from each vendor's token, the resources the app needs, and store their values:
the Supabase project (SUPABASE_URL, SUPABASE_SERVICE_KEY, SUPABASE_DB_URL), the Upstash database
(REDIS_URL), the three Stripe prices (STRIPE_*_PRICE_ID) and the Sentry project (SENTRY_DSN).
No vendor named: every one whose token is set.

First a plan per resource, values masked: found (with its id), create (with its settings) or
blocked (why, and what to set). Then a confirmation when anything would be created: a prompt on
a terminal, or --yes; without either the exit code is 2. --dry-run sends no write and stores
nothing. A second run with nothing changed sends no write. Exit 0 when every resource asked for
is ready and its values stored; 1 when one is not (each named, with what is left); 2 for a
missing token or a choice to make (an organization, a team)."""


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "provision",
        parents=[common],
        help="find or create Supabase, Upstash, Stripe and Sentry resources",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("vendors", nargs="*", metavar="VENDOR", help="supabase, upstash, stripe, sentry")
    p.add_argument("--dry-run", action="store_true", help="show the plan; send no write request")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.add_argument(
        "--replace-prices",
        action="store_true",
        help="a Stripe price that differs from its STRIPE_*_AMOUNT (or is archived) gets a new "
        "price that takes its lookup key (confirmed first; the old price is never edited)",
    )
    p.add_argument("--json", action="store_true", help="one JSON document on stdout")
    p.add_argument(
        "--timeout", type=float, default=20.0, metavar="S", help="seconds per request (default 20)"
    )
    p.add_argument(
        "--reset-db-password",
        action="store_true",
        help="supabase: set a new database password on the project found (asks first: whatever "
        "uses the old one stops working) so SUPABASE_DB_URL can be stored",
    )
    p.set_defaults(handler=run)


def show_plan(plan: ResourcePlan) -> None:
    from wizard.console import shown
    from wizard.platforms import row

    # Ids, endpoints and notes come from the vendor's answers: escaped, advice as commands.
    head = f"{row(plan.vendor).label} {plan.resource}: {plan.action}"
    if plan.ref:
        head += f" ({plan.ref})"
    print(shown(head))
    if plan.settings:
        print(shown("  " + ", ".join(f"{k} {v}" for k, v in plan.settings.items())))
    for note in plan.notes:
        print(shown(f"  {note}"))


def front_end(args: argparse.Namespace) -> FrontEnd[ResourcePlan]:
    import sys

    from checklists.errors import UsageError
    from wizard.commands.push import say
    from wizard.frontend import FrontEnd
    from wizard.platforms import row

    def ask(plans: list[ResourcePlan], extras: list[str]) -> bool:
        what = ", ".join(f"{row(p.vendor).label} {p.resource}" for p in plans)
        if not sys.stdin.isatty():
            raise UsageError(
                f"Nothing was created: there is no terminal to confirm on ({what}).",
                "Read the plan above, then run again with --yes (or --dry-run to only look).",
            )
        from wizard.console import shown

        for change in extras:
            sys.stderr.write(shown(f"  {change}") + "\n")
        return answered_yes(f"Create {what}?")

    confirm = (lambda plans, extras: True) if args.yes else ask
    return FrontEnd(confirm, (lambda plan: None) if args.json else show_plan, say)


def outcome_doc(outcome: ProvisionOutcome) -> dict[str, Any]:
    return {
        "ok": outcome.ok,
        "resources": [
            {
                "vendor": p.vendor,
                "resource": p.resource,
                "action": p.action,
                "ref": p.ref or None,
                "settings": p.settings,
                "why": p.why or None,
                "replaces": p.replaces or None,
                "stores": list(p.stores),
                "notes": p.notes,
            }
            for p in outcome.plans
        ],
        "results": [
            {
                "vendor": r.vendor,
                "resource": r.resource,
                "ok": r.ok,
                "stored": r.stored,
                "left": r.left or None,
            }
            for r in outcome.results
        ],
        "errors": [{"vendor": v, "error": e.line()} for v, e in outcome.errors],
    }


def reset_confirmed(args: argparse.Namespace, vendors: list[str]) -> bool:
    """--reset-db-password, asked about first (--yes, or a TTY prompt; neither: exit 2)."""
    import sys

    from checklists.errors import UsageError

    if not args.reset_db_password:
        return False
    if "supabase" not in vendors:
        raise UsageError("--reset-db-password goes with supabase: convoai-setup provision supabase")
    if args.yes or args.dry_run:
        return True
    if not sys.stdin.isatty():
        raise UsageError(
            "Nothing was reset: there is no terminal to confirm --reset-db-password on.",
            "Run again with --yes if whatever uses the old database password may stop working.",
        )
    if answered_yes(
        "Reset the Supabase project's database password? Whatever uses the old one stops working."
    ):
        return True
    sys.stderr.write("Not confirmed: the database password is not reset.\n")
    return False


def run(args: argparse.Namespace) -> int:
    import asyncio

    from checklists.errors import UsageError
    from wizard.platforms import choose
    from wizard.provision import provision
    from wizard.values import Answers

    if not args.timeout > 0:
        raise UsageError("--timeout must be a positive number of seconds.")
    answers = Answers(project_of(args))
    vendors = choose(answers.values(), args.vendors, capability="provision")
    options = {
        "replace_prices": bool(args.replace_prices),
        "reset_db_password": reset_confirmed(args, vendors),
    }
    outcome = asyncio.run(
        provision(
            answers,
            vendors,
            front_end(args),
            dry_run=args.dry_run,
            timeout=args.timeout,
            options=options,
        )
    )
    if args.json:
        print_json({**outcome_doc(outcome), "dry_run": args.dry_run})
    return outcome.exit_code
