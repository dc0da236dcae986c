"""``convoai-setup stripe create-webhook``: the plan's webhook endpoint, and its secret stored."""

from __future__ import annotations

import argparse
from typing import Any

from wizard.commands import project_of


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("stripe", parents=[common], help="Stripe API actions (create-webhook)")
    actions = p.add_subparsers(dest="stripe_command", metavar="ACTION", required=True)
    c = actions.add_parser(
        "create-webhook",
        parents=[common],
        help="create APP_URL/api/subscriptions/webhook and store its whsec_ secret",
        description="Create the webhook endpoint APP_URL/api/subscriptions/webhook for "
        "checkout.session.completed and customer.subscription.created/updated/deleted, and "
        "store the signing secret Stripe returns (shown only once) in the secret store. "
        "Does nothing when an identical endpoint exists.",
    )
    c.add_argument("--timeout", type=float, default=20.0, metavar="S", help="seconds (default 20)")
    c.set_defaults(handler=run_create_webhook)


def run_create_webhook(args: argparse.Namespace) -> int:
    import asyncio

    from wizard.console import info
    from wizard.values import Answers
    from wizard.webhook import create_and_store

    outcome = asyncio.run(create_and_store(Answers(project_of(args)), args.timeout))
    info(outcome.message)
    return 0
