"""Stripe: key mode and balance, the three subscription prices, and the plan's webhook endpoint.

Test and live mode must agree everywhere: a live key with test prices fails at the first
checkout, so it is a failure here. ``create_webhook`` is the plan's Phase 6.1 done by API.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from providers.base import CheckContext, CheckError, CheckResult, Results, Stopwatch
from providers.http import base_url, get_json, json_body, send, status_message

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
    "convoai-setup vars set STRIPE_WEBHOOK_SECRET"
)


def api(env: Mapping[str, str]) -> str:
    return base_url(env, "CONVOAI_SETUP_STRIPE_API", "https://api.stripe.com")


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


def _auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


async def _balance(ctx: CheckContext, out: Results, key: str) -> None:
    watch, names = Stopwatch(), ("STRIPE_SECRET_KEY",)
    try:
        doc = await get_json(ctx, "Stripe", f"{api(ctx.env)}/v1/balance", AUTH_HINT, _auth(key))
    except CheckError as exc:
        out.error("key", exc, names, watch)
        return
    live = doc.get("livemode") if isinstance(doc, dict) else None
    if live is None:
        out.add(
            "key",
            "fail",
            "Stripe answered /v1/balance without livemode; is CONVOAI_SETUP_STRIPE_API right?",
            names,
            watch,
        )
    elif ("live" if live else "test") != key_mode(key):
        out.add(
            "key",
            "fail",
            "STRIPE_SECRET_KEY's prefix and the mode Stripe reports differ; copy the key again",
            names,
            watch,
        )
    else:
        out.add("key", "ok", f"key works ({key_mode(key)} mode)", names, watch)


async def _price(ctx: CheckContext, out: Results, key: str, name: str) -> None:
    watch, names = Stopwatch(), (name, "STRIPE_SECRET_KEY")
    mode, price_id = key_mode(key), ctx.value(name)
    try:
        response = await send(
            ctx, "Stripe", "GET", f"{api(ctx.env)}/v1/prices/{price_id}", headers=_auth(key)
        )
        if response.status_code == 404:
            from providers.http import error_text

            crossed = cross_mode(error_text(response))
            if crossed is not None:
                price_mode, used = crossed
                raise CheckError(
                    f"{name} is a {price_mode}-mode price but STRIPE_SECRET_KEY is a "
                    f"{used or mode}-mode key; use a price and key from the same mode"
                )
            raise CheckError(
                f"{name} was not found in this Stripe account; copy the price id (price_…) "
                "from Product catalog"
            )
        if not response.is_success:
            raise CheckError(status_message(response, "Stripe", AUTH_HINT))
        doc = json_body(response, "Stripe")
        if not isinstance(doc, dict):
            raise CheckError("Stripe answered a price request with something else than a price")
    except CheckError as exc:
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
    key = ctx.value("STRIPE_SECRET_KEY")
    prices = [n for n in PRICE_VARS if ctx.value(n)]
    await asyncio.gather(_balance(ctx, out, key), *(_price(ctx, out, key, n) for n in prices))
    return out.items


def _covers(endpoint: Mapping[str, Any]) -> list[str]:
    """The plan's events this endpoint does not receive (``*`` receives all of them)."""
    enabled = endpoint.get("enabled_events") or []
    if "*" in enabled:
        return []
    return [e for e in EVENTS if e not in enabled]


async def list_endpoints(ctx: CheckContext, key: str) -> list[dict[str, Any]]:
    doc = await get_json(
        ctx, "Stripe", f"{api(ctx.env)}/v1/webhook_endpoints", AUTH_HINT, _auth(key), {"limit": 100}
    )
    data = doc.get("data") if isinstance(doc, dict) else None
    if not isinstance(data, list):
        raise CheckError("Stripe answered the webhook endpoint list without data")
    return [e for e in data if isinstance(e, dict)]


def find_endpoint(endpoints: list[dict[str, Any]], url: str) -> dict[str, Any] | None:
    matches = [e for e in endpoints if str(e.get("url", "")).rstrip("/") == url]
    # Prefer an endpoint that already does the job, if several point at the same URL.
    matches.sort(key=lambda e: (bool(_covers(e)), e.get("status") != "enabled"))
    return matches[0] if matches else None


async def check_stripe_webhook(ctx: CheckContext) -> list[CheckResult]:
    """The endpoint for APP_URL/api/subscriptions/webhook exists with the plan's events."""
    out, watch = Results(SERVICE, "post-deploy"), Stopwatch()
    names = ("APP_URL", "STRIPE_SECRET_KEY")
    url = webhook_url(ctx.value("APP_URL"))
    try:
        endpoint = find_endpoint(await list_endpoints(ctx, ctx.value("STRIPE_SECRET_KEY")), url)
    except CheckError as exc:
        out.error("webhook endpoint", exc, names, watch)
        return out.items
    if endpoint is None:
        out.add(
            "webhook endpoint",
            "fail",
            f"no webhook endpoint for {url}; create it: convoai-setup stripe create-webhook",
            names,
            watch,
        )
    elif missing := _covers(endpoint):
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


@dataclass(frozen=True)
class Created:
    endpoint_id: str
    url: str
    #: the whsec_ signing secret; None when an identical endpoint already existed
    secret: str | None


async def create_webhook(ctx: CheckContext) -> Created:
    """Create the plan's endpoint unless an identical one exists; raises ``ProviderError``."""
    from providers.base import ProviderError

    key, url = ctx.value("STRIPE_SECRET_KEY"), webhook_url(ctx.value("APP_URL"))
    try:
        existing = find_endpoint(await list_endpoints(ctx, key), url)
        if existing is not None and not _covers(existing) and existing.get("status") == "enabled":
            return Created(str(existing.get("id", "")), url, None)
        if existing is not None:
            raise ProviderError(
                f"An endpoint for {url} already exists ({existing.get('id', '')}) but is "
                "disabled or misses events; nothing was created.",
                "Fix or delete it in Dashboard > Developers > Webhooks, then run this again.",
            )
        # httpx form-encodes a list as repeated keys: enabled_events[]=a&enabled_events[]=b
        form = {"url": url, "enabled_events[]": list(EVENTS)}
        response = await send(
            ctx,
            "Stripe",
            "POST",
            f"{api(ctx.env)}/v1/webhook_endpoints",
            headers=_auth(key),
            data=form,
        )
        if not response.is_success:
            raise CheckError(status_message(response, "Stripe", AUTH_HINT))
        doc = json_body(response, "Stripe")
    except CheckError as exc:
        raise ProviderError(exc.message + "; nothing was created.") from None
    secret = doc.get("secret") if isinstance(doc, dict) else None
    if not isinstance(secret, str) or not secret.startswith("whsec_"):
        raise ProviderError(
            "Stripe created the endpoint but returned no whsec_ signing secret.",
            "Reveal it in Dashboard > Developers > Webhooks > the endpoint, then: "
            "convoai-setup vars set STRIPE_WEBHOOK_SECRET",
        )
    return Created(str(doc.get("id", "")), url, secret)


async def move_webhook(ctx: CheckContext, endpoint_id: str) -> str | None:
    """Point the existing endpoint ``endpoint_id`` at ``APP_URL``'s webhook URL
    (``POST /v1/webhook_endpoints/{id}``): its signing secret stays the same, so nothing else
    changes. Returns the id, or None when that endpoint no longer exists (404)."""
    from providers.base import ProviderError

    key, url = ctx.value("STRIPE_SECRET_KEY"), webhook_url(ctx.value("APP_URL"))
    try:
        response = await send(
            ctx,
            "Stripe",
            "POST",
            f"{api(ctx.env)}/v1/webhook_endpoints/{endpoint_id}",
            headers=_auth(key),
            data={"url": url},
        )
        if response.status_code == 404:
            return None
        if not response.is_success:
            raise CheckError(status_message(response, "Stripe", AUTH_HINT))
        doc = json_body(response, "Stripe")
    except CheckError as exc:
        raise ProviderError(f"{exc.message}; the endpoint {endpoint_id} was not changed.") from None
    if not isinstance(doc, dict) or str(doc.get("url", "")).rstrip("/") != url:
        raise ProviderError(
            f"Stripe did not confirm the new URL of {endpoint_id}; check it in Dashboard > "
            "Developers > Webhooks."
        )
    return str(doc.get("id") or endpoint_id)
