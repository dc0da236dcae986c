"""``convoai-setup domain set DOMAIN [--api API_DOMAIN]``: the plan's custom domain (6.2)."""

from __future__ import annotations

import argparse
from typing import Any

from wizard.commands import project_of


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("domain", parents=[common], help="custom domain on Vercel (and Render)")
    actions = p.add_subparsers(dest="domain_command", metavar="ACTION", required=True)
    s = actions.add_parser(
        "set",
        parents=[common],
        help="add DOMAIN to Vercel (API_DOMAIN to Render), show DNS records, wait for verification",
        description="Add DOMAIN to the Vercel project (VERCEL_TOKEN, VERCEL_PROJECT) and, with "
        "--api, API_DOMAIN to the Render service (RENDER_API_KEY); print the DNS records "
        "to create; "
        "poll until both platforms verify them (Ctrl-C stops waiting; re-running is safe). "
        "Then set "
        "CUSTOM_DOMAIN and FRONTEND_URL (and APP_URL, VITE_API_URL with --api) and say "
        "which phases "
        "became stale. With --api, the changed APP_URL / VITE_API_URL are then pushed to "
        "Render and "
        "Vercel as `convoai-setup push` does (masked plan, then a confirmation: a prompt on a "
        "terminal, or --yes; without either nothing is pushed and the command to run is printed), "
        "the platforms redeploy (unless --no-deploy), and the remembered Stripe webhook "
        "endpoint is "
        "moved to the new APP_URL. Exit 0 verified (and every follow-up done), 1 not verified "
        "within --wait, an API refused, or a follow-up failed (the domain and variables stay set).",
    )
    s.add_argument("domain", metavar="DOMAIN", help="the site's domain, e.g. app.example.com")
    s.add_argument("--api", metavar="API_DOMAIN", help="the backend's domain, e.g. api.example.com")
    s.add_argument(
        "--interval",
        type=float,
        default=10.0,
        metavar="S",
        help="seconds between checks (default 10)",
    )
    s.add_argument(
        "--wait",
        type=float,
        default=None,
        metavar="S",
        help="stop waiting after S seconds (default: until verified or Ctrl-C; 0: check once)",
    )
    s.add_argument(
        "--timeout",
        type=float,
        default=20.0,
        metavar="S",
        help="seconds per API request (default 20)",
    )
    s.add_argument(
        "--yes",
        action="store_true",
        help="push the changed variables and move the webhook without asking",
    )
    s.add_argument(
        "--no-deploy",
        dest="deploy",
        action="store_false",
        help="push the variables but do not redeploy",
    )
    s.set_defaults(handler=run_set)


def run_set(args: argparse.Namespace) -> int:
    import asyncio
    import sys
    from collections.abc import Mapping, Sequence

    from checklists.errors import EXIT_FAILED, EXIT_INTERRUPTED, UsageError
    from wizard.commands.push import front_end
    from wizard.console import info, table
    from wizard.domain import set_domain
    from wizard.platforms.base import DnsRecord, DomainStatus
    from wizard.values import Answers

    for flag in ("interval", "timeout"):
        if not getattr(args, flag) > 0:
            raise UsageError(f"--{flag} must be a positive number of seconds.")
    if args.wait is not None and args.wait < 0:
        raise UsageError("--wait must be 0 or more seconds.")
    args.json = False
    answers = Answers(project_of(args))
    live = sys.stderr.isatty()
    last: list[str] = []

    def show_records(records: list[DnsRecord]) -> None:
        info("Create these DNS records at your DNS provider:")
        rows = [[r.platform, r.type, r.name, r.value, r.why] for r in records]
        print(table(["FOR", "TYPE", "NAME", "VALUE", "WHY"], rows), file=sys.stderr)

    def progress(attempt: int, statuses: Sequence[DomainStatus]) -> None:
        line = "; ".join(
            f"{s.domain} on {s.platform}: "
            + ("verified" if s.verified else f"waiting for {s.waiting_for}")
            for s in statuses
        )
        if live:  # one line, rewritten in place, on a terminal
            print(f"\r[check {attempt}] {line}\033[K", end="", file=sys.stderr, flush=True)
        elif line != (last[0] if last else None):  # in a log: only what changed
            info(f"[check {attempt}] {line}")
        last[:] = [line]

    def end_progress_line() -> None:
        if live and last:  # the in-place progress line has no newline yet
            print(file=sys.stderr)
            last.clear()

    set_here: list[str] = []

    def updated(changed: Mapping[str, str], stale: list[str]) -> None:
        end_progress_line()
        set_here[:] = list(changed)
        if not changed:
            info("Verified; the variables already had these values.")
            return
        info("Set " + ", ".join(f"{n}={v}" for n, v in changed.items()) + ".")
        if stale:
            info(f"Now stale: {', '.join(stale)}.")

    front = front_end(args, plan_to_stderr=True)
    try:
        outcome = asyncio.run(
            set_domain(
                answers,
                args.domain,
                args.api,
                front,
                timeout=args.timeout,
                interval=args.interval,
                max_wait=args.wait,
                on_records=show_records,
                on_progress=progress,
                on_updated=updated,
                deploy=args.deploy,
            )
        )
    except KeyboardInterrupt:
        end_progress_line()
        if set_here:  # interrupted during the push: the variables are already set
            info(
                f"Stopped. The domain is verified and {', '.join(set_here)} are set here; "
                "finish with: convoai-setup push (and convoai-setup stripe create-webhook)."
            )
        else:
            info(
                "Stopped waiting. The domains stay added on the platforms; nothing changed "
                "locally. Once the DNS records are in place, run the same command again."
            )
        return EXIT_INTERRUPTED
    end_progress_line()
    if not outcome.verified:
        info(
            "Not verified yet (DNS changes can take minutes to hours); nothing changed locally. "
            "Run the same command again later: adding is idempotent."
        )
        return EXIT_FAILED
    pushed = outcome.pushed
    commands = pushed.commands if pushed else []
    if commands and pushed is not None and pushed.confirmed is False and not front.confirm:
        info(
            "Not pushed: no terminal to confirm on and no --yes (add --yes to do it here next "
            "time)."
        )
    steps = [*commands, *outcome.next_steps]
    info("Next:\n" + "\n".join(f"  {step}" for step in steps))
    return 0 if pushed is None else (pushed.exit_code or (0 if outcome.ok else EXIT_FAILED))
