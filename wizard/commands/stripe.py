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


async def _create(values: dict[str, str | None], timeout: float) -> Any:
    import os

    from providers.base import CheckContext
    from providers.http import make_client
    from providers.stripe import create_webhook

    async with make_client(os.environ, timeout) as client:
        ctx = CheckContext(values, client, timeout, os.environ)
        return await create_webhook(ctx)


def run_create_webhook(args: argparse.Namespace) -> int:
    import asyncio

    from checklists.catalog import mask, validate_format
    from wizard.console import info
    from wizard.errors import UsageError, ValidationError
    from wizard.values import Answers

    answers = Answers(project_of(args))
    values = answers.values(["APP_URL", "STRIPE_SECRET_KEY"])
    for name in ("APP_URL", "STRIPE_SECRET_KEY"):
        if not values.get(name):
            raise UsageError(f"{name} is not set; nothing was created.", f"Set it first: convoai-setup vars set {name}")  # fmt: skip
        problems = validate_format(name, values[name] or "")
        if problems:
            raise ValidationError(problems[0] + "; nothing was created.")
    created = asyncio.run(_create(values, args.timeout))
    if created.secret is None:
        info(
            f"An identical endpoint already exists for {created.url} ({created.endpoint_id}); nothing was changed. "
            "Stripe shows a signing secret only once. To rotate it: Dashboard > Developers > Webhooks > "
            "the endpoint > Roll secret, then convoai-setup vars set STRIPE_WEBHOOK_SECRET"
        )
        return 0
    # Stored before anything else can fail: Stripe will never show this secret again.
    try:
        answers.set("STRIPE_WEBHOOK_SECRET", created.secret, source="created by API")
    except Exception as exc:
        # The secret cannot be printed (secrets never reach the terminal): say how to recover.
        raise ValidationError(
            f"Created webhook endpoint {created.endpoint_id}, but storing its secret failed ({type(exc).__name__}).",
            "Roll the secret in Dashboard > Developers > Webhooks > the endpoint, then: convoai-setup vars set STRIPE_WEBHOOK_SECRET",
        ) from None
    info(
        f"Created webhook endpoint {created.endpoint_id} for {created.url}; STRIPE_WEBHOOK_SECRET "
        f"stored in the {answers.store.description}: {mask('STRIPE_WEBHOOK_SECRET', created.secret)}"
    )
    return 0
