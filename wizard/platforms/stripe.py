"""Stripe's adapter: the plan's webhook endpoint (``APP_URL/api/subscriptions/webhook``).

The endpoint's id is remembered in the state (``stripe_webhook``: id and URL, never the secret).
When APP_URL changes, that same endpoint is pointed at the new URL (its signing secret stays
valid) instead of a second one being created. Whether it needs moving is decided by what Stripe
has, read from Stripe, not by the URL remembered here; a move is read back before it is said.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from checklists.advice import do
from checklists.errors import ProviderError
from providers.base import CheckContext
from providers.stripe import EVENTS, StripeClient, find_endpoint, missing_events, webhook_url
from wizard.platforms.base import Values


@dataclass(frozen=True)
class Created:
    endpoint_id: str
    url: str
    #: the whsec_ signing secret; None when an identical endpoint already existed
    secret: str | None


@dataclass(frozen=True)
class WebhookMove:
    """The remembered endpoint points elsewhere than APP_URL's webhook URL on Stripe."""

    endpoint_id: str
    #: where it points on Stripe now
    old_url: str
    new_url: str

    def describe(self) -> str:
        return f"move Stripe webhook endpoint {self.endpoint_id} to {self.new_url}"


class StripeAdapter:
    """The webhook endpoint, on the one Stripe client."""

    def __init__(self, ctx: CheckContext, values: Values) -> None:
        self.api = StripeClient(ctx, str(values.get("STRIPE_SECRET_KEY") or ""))

    @property
    def writes(self) -> list[tuple[str, str]]:
        return self.api.writes

    async def plan_move(
        self, app_url: str, remembered: Mapping[str, Any]
    ) -> tuple[WebhookMove | None, str]:
        """For the ``remembered`` endpoint (its id): (the move to make, or None; a line saying
        why there is none, or "")."""
        url = webhook_url(app_url)
        endpoint_id = str(remembered["id"])
        endpoint = await self.api.webhook_endpoint(endpoint_id)
        if endpoint is None:
            return None, (
                f"Stripe: the remembered webhook endpoint {endpoint_id} no longer exists on Stripe "
                "(404), so it cannot follow APP_URL; create one for the new URL (it brings a new "
                f"STRIPE_WEBHOOK_SECRET; push render after): {do('stripe create-webhook')}"
            )
        now = str(endpoint.get("url", "")).rstrip("/")
        return (None, "") if now == url else (WebhookMove(endpoint_id, now, url), "")

    async def move(self, move: WebhookMove) -> str:
        """Point the endpoint at ``move.new_url``, read it back, and say what landed."""
        lost: ProviderError | None = None
        try:
            answered = await self.api.update_webhook_url(move.endpoint_id, move.new_url)
        except ProviderError as exc:
            lost = exc  # the answer may be lost while the change landed: the read-back decides
        else:
            if answered is None:
                raise ProviderError(
                    f"The webhook endpoint {move.endpoint_id} no longer exists on Stripe (404), "
                    "so it was not moved.",
                    "Create one for the new URL (it brings a new STRIPE_WEBHOOK_SECRET; push "
                    f"render after): {do('stripe create-webhook')}",
                )
        now = await self.api.webhook_endpoint(move.endpoint_id)
        if now is None or str(now.get("url", "")).rstrip("/") != move.new_url:
            if lost is not None:
                raise ProviderError(
                    f"{lost.message}; the endpoint {move.endpoint_id} was not moved."
                )
            raise ProviderError(
                f"Stripe did not keep the new URL of {move.endpoint_id}; check it in Dashboard > "
                "Developers > Webhooks."
            )
        return (
            f"Stripe: moved webhook endpoint {move.endpoint_id} from {move.old_url} to "
            f"{move.new_url}; its signing secret is unchanged."
        )

    async def ensure(self, app_url: str) -> Created:
        """The plan's endpoint: an identical one is reused, else one is created (once)."""
        url = webhook_url(app_url)
        try:
            existing = find_endpoint(await self.api.webhook_endpoints(), url)
            doc = await self.api.create_webhook_endpoint(url, EVENTS) if existing is None else {}
        except ProviderError as exc:
            raise ProviderError(f"{exc.message}; nothing was created.", exc.hint) from None
        if existing is not None:
            if not missing_events(existing) and existing.get("status") == "enabled":
                return Created(str(existing.get("id", "")), url, None)
            raise ProviderError(
                f"An endpoint for {url} already exists ({existing.get('id', '')}) but is "
                "disabled or misses events; nothing was created.",
                "Fix or delete it in Dashboard > Developers > Webhooks, then run this again.",
            )
        secret = doc.get("secret")
        if not isinstance(secret, str) or not secret.startswith("whsec_"):
            raise ProviderError(
                "Stripe created the endpoint but returned no whsec_ signing secret.",
                "Reveal it in Dashboard > Developers > Webhooks > the endpoint, then: "
                f"{do('vars set', 'STRIPE_WEBHOOK_SECRET')}",
            )
        return Created(str(doc.get("id", "")), url, secret)
