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
        "--api, API_DOMAIN to the Render service (RENDER_API_KEY); print the DNS records to create; "
        "poll until both platforms verify them (Ctrl-C stops waiting; re-running is safe). Then set "
        "CUSTOM_DOMAIN and FRONTEND_URL (and APP_URL, VITE_API_URL with --api) and say which phases "
        "became stale. Exit 0 verified, 1 not verified within --wait or an API refused.",
    )
    s.add_argument("domain", metavar="DOMAIN", help="the site's domain, e.g. app.example.com")
    s.add_argument("--api", metavar="API_DOMAIN", help="the backend's domain, e.g. api.example.com")
    s.add_argument("--interval", type=float, default=10.0, metavar="S", help="seconds between checks (default 10)")  # fmt: skip
    s.add_argument("--wait", type=float, default=None, metavar="S", help="stop waiting after S seconds (default: until verified or Ctrl-C; 0: check once)")  # fmt: skip
    s.add_argument("--timeout", type=float, default=20.0, metavar="S", help="seconds per API request (default 20)")  # fmt: skip
    s.set_defaults(handler=run_set)


def run_set(args: argparse.Namespace) -> int:
    import asyncio
    import sys
    from collections.abc import Sequence

    from providers.domains import DnsRecord, DomainStatus
    from wizard.console import info, table
    from wizard.domain import set_domain
    from wizard.errors import EXIT_FAILED, EXIT_INTERRUPTED, UsageError
    from wizard.values import Answers

    for flag in ("interval", "timeout"):
        if not getattr(args, flag) > 0:
            raise UsageError(f"--{flag} must be a positive number of seconds.")
    if args.wait is not None and args.wait < 0:
        raise UsageError("--wait must be 0 or more seconds.")
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

    try:
        outcome = asyncio.run(
            set_domain(answers, args.domain, args.api, timeout=args.timeout, interval=args.interval,
                       max_wait=args.wait, on_records=show_records, on_progress=progress)
        )  # fmt: skip
    except KeyboardInterrupt:
        info("\nStopped waiting. The domains stay added on the platforms; nothing changed locally. "
             "Once the DNS records are in place, run the same command again.")  # fmt: skip
        return EXIT_INTERRUPTED
    if live:
        print(file=sys.stderr)
    if not outcome.verified:
        info("Not verified yet (DNS changes can take minutes to hours); nothing changed locally. "
             "Run the same command again later: adding is idempotent.")  # fmt: skip
        return EXIT_FAILED
    if outcome.changed:
        info("Set " + ", ".join(f"{n}={v}" for n, v in outcome.changed.items()) + ".")
    else:
        info("Verified; the variables already had these values.")
    if outcome.stale:
        info(f"Now stale: {', '.join(outcome.stale)}.")
    if outcome.next_steps:
        info("Next:\n" + "\n".join(f"  {step}" for step in outcome.next_steps))
    return 0
