"""Stripe: key mode and balance, the three subscription prices, and the plan's webhook endpoint.

Test and live mode must agree everywhere: a live key with test prices fails at the first
checkout, so it is a failure here. ``StripeClient`` is the one client: the checks use it, and
the Stripe adapter (``wizard.platforms.stripe``) creates and moves the webhook endpoint with it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from checklists.advice import do
from checklists.errors import ProviderError, SetupError
from providers.base import CheckContext, CheckResult, Results, Stopwatch
from providers.client import ApiClient
from providers.http import error_text

if TYPE_CHECKING:
    import httpx

SERVICE = "stripe"
PRICE_VARS = ("STRIPE_STARTER_PRICE_ID", "STRIPE_GROWTH_PRICE_ID", "STRIPE_BUSINESS_PRICE_ID")
EVENTS = (
    "checkout.session.completed",
    "customer.subscription.created",
    "customer.subscription.updated",
    "customer.subscription.deleted",
)
WEBHOOK_PATH = "/api/subscriptions/webhook"
AUTH_HINT = (
    "Copy the secret key from Stripe Dashboard > Developers > API keys (sk_live_… in production)"
)
ROTATE = (
    "To rotate its secret: Dashboard > Developers > Webhooks > the endpoint > Roll secret, then "
    f"{do('vars set', 'STRIPE_WEBHOOK_SECRET')}"
)


def key_mode(key: str) -> str:
    return "live" if key.startswith(("sk_live_", "rk_live_")) else "test"


def webhook_url(app_url: str) -> str:
    return app_url.strip().rstrip("/") + WEBHOOK_PATH


def cross_mode(message: str) -> tuple[str, str] | None:
    """(price's mode, key's mode) from Stripe's cross-mode 404, None for any other message.

    Stripe says "No such price: 'price_…'; a similar object exists in test mode, but a live
    mode key was used to make this request.": the object's mode comes first, the key's second.
    """
    import re

    found = re.search(r"similar object exists in (live|test) mode", message, re.IGNORECASE)
    if found is None:
        return None
    key = re.search(r"\b(live|test) mode key", message, re.IGNORECASE)
    return found.group(1).lower(), key.group(1).lower() if key else ""


class StripeClient(ApiClient):
    """One secret key against ``CONVOAI_SETUP_STRIPE_API`` (default ``https://api.stripe.com``).

    Bodies are form-encoded. Every POST carries an ``Idempotency-Key`` (the same one on each
    attempt), so Stripe replays its first answer instead of acting twice: that makes a POST
    safe to send again after a dropped connection.
    """

    label = "Stripe"
    base_env = "CONVOAI_SETUP_STRIPE_API"
    base_default = "https://api.stripe.com"
    base_path = "/v1"
    auth_hint = AUTH_HINT

    def __init__(self, ctx: CheckContext, key: str) -> None:
        super().__init__(ctx, {"Authorization": f"Bearer {key}"})
        self.mode = key_mode(key)

    async def post(self, path: str, form: Mapping[str, Any], doing: str) -> httpx.Response:
        """A form POST under a fresh idempotency key; the answer as it came."""
        import uuid

        return await self.request(
            "POST",
            path,
            data=dict(form),
            headers={"Idempotency-Key": f"convoai-setup-{uuid.uuid4()}"},
            idempotent=True,
        )

    async def balance(self) -> dict[str, Any]:
        doc = await self.get("/balance", "Reading the Stripe balance failed")
        if not isinstance(doc, dict):
            raise self.unexpected("/v1/balance without a balance")
        return doc

    async def price(self, price_id: str) -> httpx.Response:
        return await self.request("GET", f"/prices/{price_id}")

    async def webhook_endpoints(self) -> list[dict[str, Any]]:
        doc = await self.get(
            "/webhook_endpoints", "Listing Stripe webhook endpoints failed", {"limit": 100}
        )
        data = doc.get("data") if isinstance(doc, dict) else None
        if not isinstance(data, list):
            raise self.unexpected("the webhook endpoint list without data")
        return [e for e in data if isinstance(e, dict)]

    async def webhook_endpoint(self, endpoint_id: str) -> dict[str, Any] | None:
        """One endpoint (no secret: Stripe shows it only at creation); None when it is gone."""
        response = await self.request("GET", f"/webhook_endpoints/{endpoint_id}")
        if response.status_code == 404:
            return None
        if not response.is_success:
            raise self.fail(response, f"Reading the Stripe webhook endpoint {endpoint_id} failed")
        doc = self.json(response)
        return doc if isinstance(doc, dict) else None

    async def create_webhook_endpoint(self, url: str, events: Sequence[str]) -> dict[str, Any]:
        # httpx form-encodes a list as repeated keys: enabled_events[]=a&enabled_events[]=b
        form = {"url": url, "enabled_events[]": list(events)}
        response = await self.post("/webhook_endpoints", form, "Creating the endpoint")
        if not response.is_success:
            raise self.fail(response, "Creating the Stripe webhook endpoint failed")
        doc = self.json(response)
        if not isinstance(doc, dict):
            raise self.unexpected("the endpoint's creation without an endpoint")
        return doc

    async def update_webhook_url(self, endpoint_id: str, url: str) -> dict[str, Any] | None:
        """``POST /v1/webhook_endpoints/{id}`` with a new URL (its secret stays); None: gone."""
        response = await self.post(f"/webhook_endpoints/{endpoint_id}", {"url": url}, "Moving")
        if response.status_code == 404:
            return None
        if not response.is_success:
            raise self.fail(response, f"Moving the Stripe webhook endpoint {endpoint_id} failed")
        doc = self.json(response)
        return doc if isinstance(doc, dict) else {}


async def _balance(api: StripeClient, out: Results) -> None:
    watch, names = Stopwatch(), ("STRIPE_SECRET_KEY",)
    try:
        doc = await api.balance()
    except SetupError as exc:
        out.error("key", exc, names, watch)
        return
    live = doc.get("livemode")
    if live is None:
        out.add(
            "key",
            "fail",
            "Stripe answered /v1/balance without livemode; is CONVOAI_SETUP_STRIPE_API right?",
            names,
            watch,
        )
    elif ("live" if live else "test") != api.mode:
        out.add(
            "key",
            "fail",
            "STRIPE_SECRET_KEY's prefix and the mode Stripe reports differ; copy the key again",
            names,
            watch,
        )
    else:
        out.add("key", "ok", f"key works ({api.mode} mode)", names, watch)


async def _price(api: StripeClient, out: Results, name: str, price_id: str) -> None:
    watch, names = Stopwatch(), (name, "STRIPE_SECRET_KEY")
    mode = api.mode
    try:
        response = await api.price(price_id)
        if response.status_code == 404:
            crossed = cross_mode(error_text(response))
            if crossed is not None:
                price_mode, used = crossed
                raise ProviderError(
                    f"{name} is a {price_mode}-mode price but STRIPE_SECRET_KEY is a "
                    f"{used or mode}-mode key; use a price and key from the same mode"
                )
            raise ProviderError(
                f"{name} was not found in this Stripe account; copy the price id (price_…) "
                "from Product catalog"
            )
        if not response.is_success:
            raise ProviderError(api.status_line(response))
        doc = api.json(response)
        if not isinstance(doc, dict):
            raise ProviderError("Stripe answered a price request with something else than a price")
    except SetupError as exc:
        out.error(f"price {name}", exc, names, watch)
        return
    if doc.get("livemode") is not None and bool(doc.get("livemode")) != (mode == "live"):
        price_mode = "live" if doc.get("livemode") else "test"
        out.add(
            f"price {name}",
            "fail",
            f"{name} is a {price_mode}-mode price but STRIPE_SECRET_KEY is a {mode} key; "
            "use prices and key from the same mode",
            names,
            watch,
        )
    elif not doc.get("active", False):
        out.add(
            f"price {name}",
            "fail",
            f"{name} is archived (inactive); reactivate it or copy an active price id",
            names,
            watch,
        )
    elif doc.get("type") != "recurring":
        out.add(
            f"price {name}",
            "fail",
            f"{name} is a one-time price; subscriptions need a recurring price",
            names,
            watch,
        )
    else:
        out.add(f"price {name}", "ok", f"active recurring {mode}-mode price", names, watch)


async def check_stripe(ctx: CheckContext) -> list[CheckResult]:
    """Key and prices (phase render), all requests at once."""
    out = Results(SERVICE, "render")
    try:
        api = StripeClient(ctx, ctx.value("STRIPE_SECRET_KEY"))
    except SetupError as exc:
        out.error("key", exc, ("STRIPE_SECRET_KEY",), Stopwatch())
        return out.items
    prices = [(n, ctx.value(n)) for n in PRICE_VARS if ctx.value(n)]
    await asyncio.gather(_balance(api, out), *(_price(api, out, n, p) for n, p in prices))
    return out.items


def missing_events(endpoint: Mapping[str, Any]) -> list[str]:
    """The plan's events this endpoint does not receive (``*`` receives all of them)."""
    enabled = endpoint.get("enabled_events") or []
    if "*" in enabled:
        return []
    return [e for e in EVENTS if e not in enabled]


def find_endpoint(endpoints: list[dict[str, Any]], url: str) -> dict[str, Any] | None:
    matches = [e for e in endpoints if str(e.get("url", "")).rstrip("/") == url]
    # Prefer an endpoint that already does the job, if several point at the same URL.
    matches.sort(key=lambda e: (bool(missing_events(e)), e.get("status") != "enabled"))
    return matches[0] if matches else None


async def check_stripe_webhook(ctx: CheckContext) -> list[CheckResult]:
    """The endpoint for APP_URL/api/subscriptions/webhook exists with the plan's events."""
    out, watch = Results(SERVICE, "post-deploy"), Stopwatch()
    names = ("APP_URL", "STRIPE_SECRET_KEY")
    url = webhook_url(ctx.value("APP_URL"))
    try:
        api = StripeClient(ctx, ctx.value("STRIPE_SECRET_KEY"))
        endpoint = find_endpoint(await api.webhook_endpoints(), url)
    except SetupError as exc:
        out.error("webhook endpoint", exc, names, watch)
        return out.items
    if endpoint is None:
        out.add(
            "webhook endpoint",
            "fail",
            f"no webhook endpoint for {url}; create it: {do('stripe create-webhook')}",
            names,
            watch,
        )
    elif missing := missing_events(endpoint):
        out.add(
            "webhook endpoint",
            "fail",
            f"the endpoint for {url} misses {', '.join(missing)}; add them in Dashboard > "
            "Developers > Webhooks",
            names,
            watch,
        )
    elif endpoint.get("status") != "enabled":
        out.add(
            "webhook endpoint",
            "fail",
            f"the endpoint for {url} is disabled; enable it in Dashboard > Developers > Webhooks",
            names,
            watch,
        )
    else:
        out.add(
            "webhook endpoint",
            "ok",
            f"endpoint {endpoint.get('id', '')} receives the plan's 4 events",
            names,
            watch,
        )
    return out.items
