"""The plan's Stripe webhook: create the endpoint through the API and store its secret at once.

One function for the CLI (``stripe create-webhook``), the TUI and the plain flow, so all three
validate, store and explain the same way. The endpoint's id is remembered in the state
(``stripe_webhook``: id and URL, never the secret): when APP_URL changes, the same endpoint is
pointed at the new URL instead of a second one being created, and its secret stays valid.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from checklists.catalog import mask, validate_format
from wizard.errors import UsageError, ValidationError
from wizard.values import Answers

NEEDS = ("APP_URL", "STRIPE_SECRET_KEY")
ROTATE = (
    "Stripe shows a signing secret only once. To rotate it: Dashboard > Developers > Webhooks > "
    "the endpoint > Roll secret, then convoai-setup vars set STRIPE_WEBHOOK_SECRET"
)


@dataclass(frozen=True)
class WebhookOutcome:
    #: False when an identical endpoint already existed (nothing changed)
    created: bool
    endpoint_id: str
    #: one line for people; never contains the secret
    message: str


async def create_and_store(
    answers: Answers, timeout: float = 20.0, env: Mapping[str, str] = os.environ
) -> WebhookOutcome:
    """Create ``APP_URL/api/subscriptions/webhook`` with the plan's events; store ``whsec_``."""
    from providers.base import CheckContext
    from providers.http import make_client
    from providers.stripe import create_webhook

    values = answers.values(NEEDS)
    for name in NEEDS:
        value = values.get(name)
        if not value:
            raise UsageError(
                f"{name} is not set; nothing was created.",
                f"Set it first: convoai-setup vars set {name}",
            )
        problems = validate_format(name, value)
        if problems:
            raise ValidationError(problems[0] + "; nothing was created.")
    from providers.stripe import move_webhook, webhook_url

    remembered = answers.state_file.read().get("stripe_webhook") or {}
    url = webhook_url(str(values["APP_URL"]))
    async with make_client(env, timeout) as client:
        ctx = CheckContext(values, client, timeout, env)
        if remembered.get("id") and remembered.get("url") != url:
            moved = await move_webhook(ctx, str(remembered["id"]))
            if moved is not None:
                _remember(answers, moved, url)
                return WebhookOutcome(
                    False,
                    moved,
                    f"Moved webhook endpoint {moved} from {remembered.get('url')} to {url}; "
                    "its signing secret (STRIPE_WEBHOOK_SECRET) is unchanged.",
                )
        created = await create_webhook(ctx)
    _remember(answers, created.endpoint_id, created.url)
    if created.secret is None:
        return WebhookOutcome(
            False,
            created.endpoint_id,
            f"An identical endpoint already exists for {created.url} ({created.endpoint_id}); "
            f"nothing was changed. {ROTATE}",
        )
    # Stored before anything else can fail: Stripe will never show this secret again.
    try:
        answers.set("STRIPE_WEBHOOK_SECRET", created.secret, source="created by API")
    except Exception as exc:
        # The secret cannot be printed (secrets never reach the terminal): say how to recover.
        raise ValidationError(
            f"Created webhook endpoint {created.endpoint_id}, but storing its secret failed "
            f"({type(exc).__name__}).",
            ROTATE.split(". ", 1)[1],
        ) from None
    return WebhookOutcome(
        True,
        created.endpoint_id,
        f"Created webhook endpoint {created.endpoint_id} for {created.url}; STRIPE_WEBHOOK_SECRET "
        f"stored in the {answers.store.description}: "
        f"{mask('STRIPE_WEBHOOK_SECRET', created.secret)}",
    )


def _remember(answers: Answers, endpoint_id: str, url: str) -> None:
    """Keep the endpoint's id and URL (no secret) so a new APP_URL moves this endpoint."""
    with answers.state_file.update() as state:
        state["stripe_webhook"] = {"id": endpoint_id, "url": url}


async def move_remembered(
    answers: Answers, timeout: float = 20.0, env: Mapping[str, str] = os.environ
) -> str:
    """Point the remembered endpoint at APP_URL's webhook URL (``POST /v1/webhook_endpoints/{id}``)
    and remember the new URL; never creates one (a new endpoint would need a new secret on
    Render). One line for people; ``ProviderError`` / ``UsageError`` when it cannot be done."""
    from providers.base import CheckContext
    from providers.http import make_client
    from providers.stripe import move_webhook, webhook_url

    values = answers.values(NEEDS)
    missing = [n for n in NEEDS if not values.get(n)]
    if missing:
        raise UsageError(
            f"{missing[0]} is not set, so the webhook endpoint was not moved.",
            "Set it, then: convoai-setup stripe create-webhook",
        )
    remembered = answers.state_file.read().get("stripe_webhook") or {}
    if not remembered.get("id"):
        raise UsageError(
            "No Stripe webhook endpoint is remembered here, so none was moved.",
            "Create one: convoai-setup stripe create-webhook",
        )
    url, old = webhook_url(str(values["APP_URL"])), str(remembered["id"])
    if remembered.get("url") == url:
        return f"Stripe: webhook endpoint {old} already points at {url}."
    async with make_client(env, timeout) as client:
        moved = await move_webhook(CheckContext(values, client, timeout, env), old)
    if moved is None:
        raise UsageError(
            f"The remembered webhook endpoint {old} no longer exists on Stripe (404), so "
            "it was not moved.",
            "Create one for the new URL (it brings a new STRIPE_WEBHOOK_SECRET; push "
            "render after): convoai-setup stripe create-webhook",
        )
    _remember(answers, moved, url)
    return (
        f"Stripe: moved webhook endpoint {moved} from {remembered.get('url')} to {url}; its "
        "signing secret is unchanged."
    )
