"""Smoke checks of the deployed site (``convoai-setup verify``): each one a request a visitor,
an embedding site or Stripe would make, judged the way they would judge it.

Every check is ``async (ctx, site) -> list[CheckResult]`` and never raises for an expected
failure. Messages name the URL's role (APP_URL, FRONTEND_URL), never a secret.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import secrets
import ssl
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from checklists.advice import do
from checklists.catalog import split_url, url_port
from checklists.errors import ProviderError
from providers.base import CheckContext, CheckResult, Results, Stopwatch
from providers.http import require_tls, send, ssl_context

SERVICE, PHASE = "verify", "post-deploy"
#: a path no app defines: only the SPA fallback (vercel.json's last rewrite) answers it with 200
DEEP_LINK = "/convoai-setup/verify/deep/link"
WEBHOOK_PATH = "/api/subscriptions/webhook"
#: a real Stripe event type outside the plan's subscribed set, so the app does nothing with it
TEST_EVENT_TYPE = "balance.available"
WIDGET_CACHE_CONTROL = "public, max-age=3600"
CERT_MIN_DAYS = 14
REDEPLOY = f"regenerate it ({do('write', 'vercel')}), commit and redeploy the frontend"


@dataclass(frozen=True)
class Site:
    """What the checks need to know about the deployment."""

    app_url: str
    frontend_url: str
    #: HEALTHCHECK_PATH (set, or seen answering before); None: not known
    health_path: str | None = None
    #: where FRONTEND_URL came from (FRONTEND_URL, CUSTOM_DOMAIN, Vercel API, asked)
    frontend_source: str = "FRONTEND_URL"
    #: HEALTHCHECK_PATH was set by the user (not merely seen by an earlier verify)
    health_pinned: bool = False

    @property
    def proxy_path(self) -> str:
        """An /api path both hosts must answer alike: the health path when it is under /api."""
        path = self.health_path or ""
        return path if path.startswith("/api/") else "/api/health"


def _media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


async def check_spa_fallback(ctx: CheckContext, site: Site) -> list[CheckResult]:
    """A deep link answers 200 text/html: vercel.json's SPA fallback is in effect."""
    out, watch = Results(SERVICE, PHASE), Stopwatch()
    names = ("FRONTEND_URL",)
    try:
        require_tls(site.frontend_url, "FRONTEND_URL")
        response = await send(ctx, "FRONTEND_URL", "GET", site.frontend_url + DEEP_LINK)
        kind = _media_type(response.headers.get("content-type", ""))
        if response.status_code != 200:
            raise ProviderError(
                "SPA fallback missing: a deep link on FRONTEND_URL answered "
                f"{response.status_code}, "
                f"so reloading any page but / breaks; vercel.json must end with the rewrite "
                f"/(.*) -> /index.html: {REDEPLOY}"
            )
        if kind != "text/html":
            raise ProviderError(
                f"SPA fallback: a deep link on FRONTEND_URL answered {kind or 'no content type'}, "
                f"not the app's text/html page; check vercel.json's last rewrite: {REDEPLOY}"
            )
    except ProviderError as exc:
        out.error("spa fallback", exc, names, watch)
        return out.items
    out.add("spa fallback", "ok", "a deep link on FRONTEND_URL answers 200 text/html", names, watch)
    return out.items


async def check_api_proxy(ctx: CheckContext, site: Site) -> list[CheckResult]:
    """FRONTEND_URL/api/… gives the same answer as APP_URL/api/…: the /api rewrite works."""
    out, watch = Results(SERVICE, PHASE), Stopwatch()
    names = ("FRONTEND_URL", "APP_URL")
    path = site.proxy_path
    try:
        require_tls(site.frontend_url, "FRONTEND_URL")
        require_tls(site.app_url, "APP_URL")
        direct, proxied = await asyncio.gather(
            send(ctx, "APP_URL", "GET", site.app_url + path),
            send(ctx, "FRONTEND_URL", "GET", site.frontend_url + path),
        )
        want = (direct.status_code, _media_type(direct.headers.get("content-type", "")))
        got = (proxied.status_code, _media_type(proxied.headers.get("content-type", "")))
        if got != want:
            spa = got == (200, "text/html") and want[1] != "text/html"
            why = (
                "the SPA page answered instead: the /api rewrite is missing or after the fallback"
                if spa
                else "the /api rewrite does not reach APP_URL"
            )
            raise ProviderError(
                f"API proxy: FRONTEND_URL{path} answered {got[0]} {got[1] or '-'} but "
                f"APP_URL{path} "
                f"answered {want[0]} {want[1] or '-'}: {why}; {REDEPLOY}"
            )
    except ProviderError as exc:
        out.error("api proxy", exc, names, watch)
        return out.items
    same = "the same answer" if proxied.content == direct.content else "the same status and type"
    out.add(
        "api proxy",
        "ok",
        f"FRONTEND_URL{path} gives {same} as APP_URL{path} ({direct.status_code})",
        names,
        watch,
    )
    return out.items


async def check_widget(ctx: CheckContext, site: Site) -> list[CheckResult]:
    """/widget.js is JavaScript with the CORS and cache headers embedding sites need."""
    out, watch = Results(SERVICE, PHASE), Stopwatch()
    names = ("FRONTEND_URL",)
    try:
        require_tls(site.frontend_url, "FRONTEND_URL")
        response = await send(ctx, "FRONTEND_URL", "GET", site.frontend_url + "/widget.js")
        if response.status_code != 200:
            raise ProviderError(
                f"widget: FRONTEND_URL/widget.js answered {response.status_code}; the "
                f"/widget.js rewrite must reach APP_URL/api/widget.js: {REDEPLOY}"
            )
        kind = _media_type(response.headers.get("content-type", ""))
        problems = []
        if "javascript" not in kind:
            problems.append(
                f"it is {kind or 'untyped'}, not JavaScript (the /widget.js rewrite is "
                "missing or after the SPA fallback)"
            )
        cors = response.headers.get("access-control-allow-origin")
        if cors != "*":
            problems.append(
                "missing CORS header Access-Control-Allow-Origin: * (other sites cannot "
                "load the widget)"
                if cors is None
                else f"Access-Control-Allow-Origin is {cors!r}, not * (other sites cannot load "
                "the widget)"
            )
        cache = " ".join(response.headers.get("cache-control", "").split()).lower()
        if cache != WIDGET_CACHE_CONTROL:
            problems.append(
                f"Cache-Control is {cache!r}, not {WIDGET_CACHE_CONTROL!r}"
                if cache
                else f"missing Cache-Control: {WIDGET_CACHE_CONTROL}"
            )
        if problems:
            raise ProviderError(
                f"widget: FRONTEND_URL/widget.js: {'; '.join(problems)}; vercel.json's "
                f"headers for /widget.js set them: {REDEPLOY}"
            )
    except ProviderError as exc:
        out.error("widget", exc, names, watch)
        return out.items
    out.add(
        "widget",
        "ok",
        "FRONTEND_URL/widget.js is JavaScript with Access-Control-Allow-Origin: * and the "
        "cache header",
        names,
        watch,
    )
    return out.items


def tls_targets(site: Site) -> list[tuple[str, str, int]]:
    """(role, host, port) of each distinct https host; plain-http loopback has no certificate."""
    out: list[tuple[str, str, int]] = []
    for role, url in (("APP_URL", site.app_url), ("FRONTEND_URL", site.frontend_url)):
        parts = split_url(url)
        if parts is None:
            continue  # an unparseable URL fails its own check; it has no certificate to read
        target = (role, parts.hostname or "", url_port(parts) or 443)
        if parts.scheme == "https" and not any(t[1:] == target[1:] for t in out):
            out.append(target)
    return out


async def _peer_cert(ctx: CheckContext, host: str, port: int) -> dict[str, object]:
    context = ssl_context(ctx.env)  # verifying, hostname checked: never switched off
    try:
        _reader, writer = await asyncio.wait_for(
            asyncio.open_connection(host, port, ssl=context, server_hostname=host), ctx.budget
        )
    except ssl.SSLCertVerificationError as exc:
        raise ProviderError(
            f"the certificate of {host} is not valid ({exc.verify_message}); the platform "
            "issues it once the domain's DNS points at it: check the records "
            f"({do('domain set')})"
        ) from None
    except (TimeoutError, ssl.SSLError, OSError) as exc:
        raise ProviderError(
            f"TLS handshake with {host}:{port} failed ({type(exc).__name__}); check the "
            "URL and that the site is deployed"
        ) from None
    try:
        cert = writer.get_extra_info("peercert") or {}
    finally:
        writer.close()
        # The certificate is already in hand; a rude close changes nothing.
        with contextlib.suppress(ssl.SSLError, OSError):
            await writer.wait_closed()
    return dict(cert)


async def check_tls(ctx: CheckContext, site: Site) -> list[CheckResult]:
    """Each host's certificate is valid for its name and lasts at least ``CERT_MIN_DAYS`` more."""
    out = Results(SERVICE, PHASE)

    async def one(role: str, host: str, port: int) -> None:
        # The port is part of the name only when it is not 443: two names, two recorded results.
        watch, check = Stopwatch(), f"tls {host}" + (f":{port}" if port != 443 else "")
        try:
            cert = await _peer_cert(ctx, host, port)
            not_after = str(cert.get("notAfter", ""))
            if not not_after:
                raise ProviderError(f"{host} sent no certificate expiry date; check the URL")
            expires = ssl.cert_time_to_seconds(not_after)
            days = (expires - time.time()) / 86400
            day = datetime.fromtimestamp(expires, UTC).date().isoformat()
            if days < CERT_MIN_DAYS:
                raise ProviderError(
                    f"the certificate of {host} expires in {max(days, 0):.0f} days "
                    f"({day}), under {CERT_MIN_DAYS}: renewal is failing; check that the "
                    f"domain's DNS still points at the platform ({role})"
                )
        except ProviderError as exc:
            out.error(check, exc, (role,), watch)
            return
        out.add(
            check,
            "ok",
            f"certificate valid for {host} until {day} ({days:.0f} days)",
            (role,),
            watch,
        )

    await asyncio.gather(*(one(*t) for t in tls_targets(site)))
    return out.items


def stripe_signature(secret: str, payload: bytes, timestamp: int) -> str:
    """Stripe's ``Stripe-Signature`` header: HMAC-SHA256 keyed with the whole ``whsec_`` string
    over ``"{t}.{body}"``, hex (stripe-python ``_webhook.py``)."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def unsubscribed_event(livemode: bool) -> bytes:
    """A Stripe-shaped event of a type the endpoint is not subscribed to."""
    now = int(time.time())
    event = {
        "id": f"evt_convoai_setup_{secrets.token_hex(8)}",
        "object": "event",
        "api_version": "2023-08-16",
        "created": now,
        "livemode": livemode,
        "type": TEST_EVENT_TYPE,
        "pending_webhooks": 0,
        "request": {"id": None, "idempotency_key": None},
        "data": {
            "object": {"object": "balance", "livemode": livemode, "available": [], "pending": []}
        },
    }
    return json.dumps(event, separators=(",", ":")).encode()


async def _post_event(ctx: CheckContext, url: str, body: bytes, signature: str) -> int:
    headers = {"Content-Type": "application/json", "Stripe-Signature": signature}
    response = await send(ctx, "the webhook endpoint", "POST", url, content=body, headers=headers)
    return response.status_code


async def check_webhook(ctx: CheckContext, site: Site) -> list[CheckResult]:
    """A correctly signed test event is accepted; a wrongly signed one is rejected."""
    out, watch = Results(SERVICE, PHASE), Stopwatch()
    names = ("STRIPE_WEBHOOK_SECRET", "APP_URL")
    secret = ctx.value("STRIPE_WEBHOOK_SECRET")
    if not secret:
        out.add(
            "webhook secret",
            "fail",
            "STRIPE_WEBHOOK_SECRET is not set, so no test event can be signed: "
            f"{do('stripe create-webhook')}",
            names,
        )
        return out.items
    url = site.app_url + WEBHOOK_PATH
    body = unsubscribed_event(ctx.value("STRIPE_SECRET_KEY").startswith(("sk_live_", "rk_live_")))
    try:
        require_tls(site.app_url, "APP_URL")
        code = await _post_event(ctx, url, body, stripe_signature(secret, body, int(time.time())))
        if code == 400:
            raise ProviderError(
                f"webhook secret mismatch: APP_URL{WEBHOOK_PATH} rejected an event signed "
                "with the stored STRIPE_WEBHOOK_SECRET (400), so it rejects Stripe's real "
                f"events too; re-run {do('stripe create-webhook')}, or {do('push', 'render')} "
                "to send the stored secret to Render"
            )
        if code == 404:
            raise ProviderError(
                f"APP_URL{WEBHOOK_PATH} does not exist (404); is APP_URL the backend, and "
                "is it deployed?"
            )
        if code >= 500:
            raise ProviderError(
                f"the app failed on the test event ({code}) at APP_URL{WEBHOOK_PATH}: the "
                "signature may be fine, but the handler crashed; read the service's logs "
                "in the Render dashboard"
            )
        if not 200 <= code < 300:
            raise ProviderError(
                f"APP_URL{WEBHOOK_PATH} answered {code} to a correctly signed test event; "
                "Stripe expects 2xx"
            )
    except ProviderError as exc:
        out.error("webhook secret", exc, names, watch)
        return out.items
    accepted, first_ms = code, watch.ms
    watch = Stopwatch()
    forged = stripe_signature("whsec_" + secrets.token_hex(24), body, int(time.time()))
    unchecked = False
    try:
        code = await _post_event(ctx, url, body, forged)
        if 200 <= code < 300:
            unchecked = True
            raise ProviderError(
                f"DANGER: APP_URL{WEBHOOK_PATH} ACCEPTED A WRONGLY SIGNED EVENT ({code}): "
                "the endpoint does not check Stripe signatures, so anyone can forge "
                "subscription events; verify them with "
                "stripe.webhooks.constructEvent(rawBody, signature, STRIPE_WEBHOOK_SECRET)"
            )
        if code >= 500:
            raise ProviderError(
                f"APP_URL{WEBHOOK_PATH} crashed ({code}) on a wrongly signed event instead "
                "of rejecting it with 400; make signature failures a 400"
            )
    except ProviderError as exc:
        failure: ProviderError | None = exc
    else:
        failure = None
    # An endpoint that accepts anything proves nothing about the secret by accepting ours.
    if unchecked:
        out.items.append(
            CheckResult(
                SERVICE,
                "webhook secret",
                "warn",
                f"APP_URL{WEBHOOK_PATH} accepted the correctly signed test event "
                f"({accepted}), but it accepts wrongly signed ones too, so this proves "
                "nothing about the secret",
                names,
                PHASE,
                ms=first_ms,
            )
        )
    else:
        out.items.append(
            CheckResult(
                SERVICE,
                "webhook secret",
                "ok",
                f"APP_URL{WEBHOOK_PATH} accepted a test event signed with "
                f"STRIPE_WEBHOOK_SECRET ({accepted}): the secret on Render matches",
                names,
                PHASE,
                ms=first_ms,
            )
        )
    if failure is not None:
        out.error("webhook signature", failure, names, watch)
    else:
        out.add(
            "webhook signature", "ok", f"a wrongly signed event is rejected ({code})", names, watch
        )
    return out.items
