"""``convoai-setup verify [--json] [--timeout S] [--send-test-webhook]``: smoke test the live
site."""

from __future__ import annotations

import argparse
from typing import Any

from wizard.commands import print_json, project_of


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "verify",
        parents=[common],
        help="smoke test the live site: API, SPA, proxy, widget, TLS",
        description="Check the live deployment as visitors, embedding sites and Stripe see it: "
        "APP_URL + HEALTHCHECK_PATH answers, a deep link on FRONTEND_URL gets the SPA, "
        "FRONTEND_URL/api reaches the backend, /widget.js has its CORS and cache headers, and "
        "every certificate lasts 14 more days. FRONTEND_URL defaults to https://CUSTOM_DOMAIN, "
        "else the Vercel production URL. Exit 0 when everything passed, 1 otherwise.",
    )
    p.add_argument("--json", action="store_true", help="one JSON document on stdout")
    p.add_argument(
        "--timeout", type=float, default=10.0, metavar="S", help="seconds per check (default 10)"
    )
    p.add_argument(
        "--send-test-webhook",
        action="store_true",
        help="POST a signed test event (a type the app ignores) to APP_URL/api/subscriptions/"
        "webhook, then a wrongly signed one that must be rejected",
    )
    p.set_defaults(handler=run)


def _ask_frontend() -> str | None:
    """Ask on a terminal (the issue's "else asked"); None without one."""
    import sys

    if not sys.stdin.isatty():
        return None
    answer = input("FRONTEND_URL (the site's https:// address): ").strip()
    return answer or None


def run(args: argparse.Namespace) -> int:
    import asyncio
    import os

    from checklists.catalog import validate_format
    from checklists.errors import EXIT_FAILED, UsageError
    from wizard.values import Answers
    from wizard.verify import verify_site

    if not args.timeout > 0:
        raise UsageError("--timeout must be a positive number of seconds.")
    answers = Answers(project_of(args))
    try:
        report = asyncio.run(verify_site(answers, args.timeout, os.environ, args.send_test_webhook))
    except UsageError as exc:
        if "FRONTEND_URL" not in exc.message or (frontend := _ask_frontend()) is None:
            raise
        problems = validate_format("FRONTEND_URL", frontend)
        if problems:
            raise UsageError(problems[0] + "; nothing was checked.") from None
        report = asyncio.run(
            verify_site(
                answers, args.timeout, os.environ, args.send_test_webhook, frontend=frontend
            )
        )
    counts = {
        o: sum(r.outcome == o for r in report.results) for o in ("ok", "warn", "fail", "skip")
    }
    site = report.site
    if args.json:
        print_json(
            {
                "ok": report.ok,
                "app_url": site.app_url,
                "frontend_url": site.frontend_url,
                "frontend_url_source": site.frontend_source,
                "health_path": site.health_path,
                "test_webhook": args.send_test_webhook,
                "timeout": args.timeout,
                "summary": counts,
                "results": [
                    {
                        "check": r.check,
                        "outcome": r.outcome,
                        "message": r.message,
                        "variables": list(r.variables),
                        "ms": r.ms,
                    }
                    for r in report.results
                ],
            }
        )
    else:
        from wizard.console import info, table

        info(
            f"APP_URL {site.app_url}, FRONTEND_URL {site.frontend_url} (from "
            f"{site.frontend_source})"
        )
        rows = [[r.check, r.outcome, f"{r.ms:.0f}", r.message] for r in report.results]
        print(table(["CHECK", "RESULT", "MS", "MESSAGE"], rows, status_col=1))
        info(", ".join(f"{n} {o}" for o, n in counts.items()))
        if not args.send_test_webhook:
            info("The Stripe webhook was not tested; add --send-test-webhook to test it.")
    return EXIT_FAILED if counts["fail"] else 0
