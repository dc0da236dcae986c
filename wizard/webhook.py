"""The plan's Stripe webhook: create the endpoint through the API and store its secret at once.

One function for the CLI (``stripe create-webhook``), the TUI and the plain flow, so all three
validate, store and explain the same way. The endpoint's id is remembered in the state
(``stripe_webhook``: id and URL, never the secret): when APP_URL changes, the same endpoint is
pointed at the new URL instead of a second one being created, and its secret stays valid.

Whatever it did, the Stripe webhook check runs again at once and is recorded: what ``status``
says about the endpoint is then about the endpoint as it is now, not as it was before.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from checklists.advice import do
from checklists.catalog import mask, validate_format
from checklists.errors import UsageError, ValidationError
from wizard.values import Answers

NEEDS = ("APP_URL", "STRIPE_SECRET_KEY")
ROTATE = (
    "Stripe shows a signing secret only once. To rotate it: Dashboard > Developers > Webhooks > "
    f"the endpoint > Roll secret, then {do('vars set', 'STRIPE_WEBHOOK_SECRET')}"
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
    """Create ``APP_URL/api/subscriptions/webhook`` with the plan's events; store ``whsec_``.

    A remembered endpoint that Stripe has at another URL is moved instead (read back first).
    """

    values = answers.values(NEEDS)
    for name in NEEDS:
        value = values.get(name)
        if not value:
            raise UsageError(
                f"{name} is not set; nothing was created.",
                f"Set it first: {do('vars set', name)}",
            )
        problems = validate_format(name, value)
        if problems:
            raise ValidationError(problems[0] + "; nothing was created.")
    outcome = await _create_or_move(answers, values, timeout, env)
    await _recheck(answers, timeout, env)
    return outcome


async def _create_or_move(
    answers: Answers, values: Mapping[str, str | None], timeout: float, env: Mapping[str, str]
) -> WebhookOutcome:
    from wizard.platforms.session import Session

    remembered = answers.state_file.read().get("stripe_webhook") or {}
    app_url = str(values["APP_URL"])
    async with Session(values, timeout, env) as session:
        stripe = session.adapter("stripe")
        if remembered.get("id"):
            move, _gone = await stripe.plan_move(app_url, remembered)
            if move is not None:
                line = (await stripe.move(move)).removeprefix("Stripe: m")
                _remember(answers, move.endpoint_id, move.new_url)
                return WebhookOutcome(False, move.endpoint_id, "M" + line)
        created = await stripe.ensure(app_url)
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


async def _recheck(answers: Answers, timeout: float, env: Mapping[str, str]) -> None:
    """Run the Stripe webhook check again and record it: the result it fixed is replaced."""
    import asyncio

    from wizard.checks import record_results, run_checks

    state = await asyncio.to_thread(answers.state_file.read)
    values = await asyncio.to_thread(answers.values)
    services = ["stripe-webhook"]
    results = await run_checks(
        values,
        ["post-deploy"],
        timeout,
        env,
        project_root=answers.project.root,
        services=services,
    )
    await asyncio.to_thread(record_results, answers.project, results, services, state)


def _remember(answers: Answers, endpoint_id: str, url: str) -> None:
    """Keep the endpoint's id and URL (no secret) so a new APP_URL moves this endpoint."""
    with answers.state_file.update() as state:
        state["stripe_webhook"] = {"id": endpoint_id, "url": url}
