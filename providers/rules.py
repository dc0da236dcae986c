"""Cross-variable rules: offline, instant, and run before any network check.

Each rule takes the values (name -> value or None) and returns results; none ever raises, whatever
the strings are (property-tested). Messages name variables, never quote a value.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

from checklists.advice import do
from checklists.errors import Outcome
from providers.base import CheckResult

Values = Mapping[str, str | None]
Rule = Callable[[Values], list[CheckResult]]

#: what a server secret looks like; a VITE_* value matching one ships to every browser
SECRET_SHAPES: tuple[tuple[str, str], ...] = (
    (r"^(sk|rk)_(live|test)_", "a Stripe secret key"),
    (r"^whsec_", "a Stripe webhook secret"),
    (r"^sk-ant-", "an Anthropic key"),
    (r"^sk-", "an OpenAI key"),
    (r"^sb_secret_", "a Supabase secret key"),
    (r"^rediss?://[^/@]*:[^/@]+@", "a Redis URL with its password"),
    (r"^postgres(ql)?://[^/@]*:[^/@]+@", "a Postgres URL with its password"),
)


#: server secrets recognisable inside a longer value (``https://x?key=sk_live_…``): the prefix at
#: the start of a token and enough key characters after it that a word is not taken for a key
EMBEDDED_SHAPES: tuple[tuple[str, str], ...] = (
    (r"(?<![A-Za-z0-9])(sk|rk)_(live|test)_[A-Za-z0-9]{8,}", "a Stripe secret key"),
    (r"(?<![A-Za-z0-9])whsec_[A-Za-z0-9+/=]{8,}", "a Stripe webhook secret"),
    (r"(?<![A-Za-z0-9_-])sk-ant-[A-Za-z0-9_-]{16,}", "an Anthropic key"),
    (r"(?<![A-Za-z0-9_-])sk-[A-Za-z0-9_-]{20,}", "an OpenAI key"),
    (r"(?<![A-Za-z0-9])sb_secret_[A-Za-z0-9_-]{8,}", "a Supabase secret key"),
)


def _get(values: Values, name: str) -> str:
    value = values.get(name)
    return value.strip() if isinstance(value, str) else ""


def _result(service: str, check: str, outcome: Outcome, message: str, *names: str) -> CheckResult:
    from checklists.catalog import catalog

    phase = catalog()[names[0]].phase if names and names[0] in catalog() else ""
    return CheckResult(service, check, outcome, message, tuple(names), phase)


def jwt_claims(token: str) -> dict[str, Any] | None:
    """The payload of a JWT, decoded without verification (we only read ``role`` and ``ref``)."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        raw = base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4))
        claims = json.loads(raw)
    except (binascii.Error, ValueError, RecursionError):
        return None
    return claims if isinstance(claims, dict) else None


def stripe_mode(values: Values) -> list[CheckResult]:
    """A test key in production works but takes no real money: warn."""
    key, env = _get(values, "STRIPE_SECRET_KEY"), _get(values, "NODE_ENV")
    if key.startswith(("sk_test_", "rk_test_")) and env == "production":
        return [
            _result(
                "stripe",
                "key mode",
                "warn",
                "STRIPE_SECRET_KEY is a test key (sk_test_) but NODE_ENV is production: no real "
                "payments will be taken. Use the live key from Dashboard > Developers > API keys",
                "STRIPE_SECRET_KEY",
                "NODE_ENV",
            )
        ]
    return []


def redis_url(values: Values) -> list[CheckResult]:
    """Upstash speaks TLS only, and BullMQ needs the TCP URL, not the REST one."""
    url = _get(values, "REDIS_URL")
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return []
    if parts.scheme == "redis" and host.endswith("upstash.io"):
        msg = (
            "REDIS_URL uses redis:// but Upstash accepts TLS only: change it to rediss:// "
            "(double s), same host, port and password"
        )
    elif parts.scheme in ("https", "http") and host.endswith("upstash.io"):
        msg = (
            "REDIS_URL is the Upstash REST URL; BullMQ needs the TCP URL "
            "rediss://default:PASSWORD@ENDPOINT.upstash.io:6379 (Upstash console > Connect)"
        )
    else:
        return []
    return [_result("upstash", "url scheme", "fail", msg, "REDIS_URL")]


def supabase_key(values: Values) -> list[CheckResult]:
    """The server needs the service_role key; the anon key silently hits row level security."""
    key, url = _get(values, "SUPABASE_SERVICE_KEY"), _get(values, "SUPABASE_URL")
    name = "SUPABASE_SERVICE_KEY"
    if key.startswith("sb_publishable_"):
        return [
            _result(
                "supabase",
                "key role",
                "fail",
                f"{name} is the publishable key; use the secret key (sb_secret_…) from "
                "Project Settings > API",
                name,
            )
        ]
    if not key.startswith("eyJ"):
        return []
    claims = jwt_claims(key)
    if claims is None:
        return [
            _result(
                "supabase",
                "key role",
                "fail",
                f"{name} starts like a JWT but does not decode; copy the service_role key "
                "again from Project Settings > API",
                name,
            )
        ]
    role = claims.get("role")
    if role != "service_role":
        shown = role if role in ("anon", "authenticated") else "not service_role"
        return [
            _result(
                "supabase",
                "key role",
                "fail",
                f"{name} is the {shown} key; the backend needs the service_role secret "
                "(Project Settings > API)",
                name,
            )
        ]
    try:
        host = (urlsplit(url).hostname or "") if url else ""
    except ValueError:
        host = ""
    ref = claims.get("ref")
    if isinstance(ref, str) and host.endswith(".supabase.co") and host.split(".")[0] != ref:
        return [
            _result(
                "supabase",
                "project ref",
                "fail",
                f"{name} belongs to another project than SUPABASE_URL (the key's project "
                "ref differs); copy both from the same project",
                name,
                "SUPABASE_URL",
            )
        ]
    return []


def webhook_secret(values: Values) -> list[CheckResult]:
    """People paste the endpoint id (we_…) where its signing secret (whsec_…) belongs."""
    if _get(values, "STRIPE_WEBHOOK_SECRET").startswith("we_"):
        return [
            _result(
                "stripe",
                "webhook secret",
                "fail",
                "STRIPE_WEBHOOK_SECRET is the endpoint id (we_…), not its signing secret "
                f"(whsec_…); run {do('stripe create-webhook')} or reveal the secret "
                "in Dashboard > Developers > Webhooks",
                "STRIPE_WEBHOOK_SECRET",
            )
        ]
    return []


def jwt_secret(values: Values) -> list[CheckResult]:
    secret = _get(values, "JWT_SECRET")
    if secret and len(secret) < 32:
        return [
            _result(
                "render",
                "jwt secret",
                "fail",
                f"JWT_SECRET is {len(secret)} characters; it needs 32 or more. Generate "
                f"one: {do('generate jwt-secret', '--store')}",
                "JWT_SECRET",
            )
        ]
    return []


def openai_key(values: Values) -> list[CheckResult]:
    # validate_format lets sk-ant- through: it also starts with OpenAI's sk- prefix.
    if _get(values, "OPENAI_API_KEY").startswith("sk-ant-"):
        return [
            _result(
                "openai",
                "key kind",
                "fail",
                "OPENAI_API_KEY is an Anthropic key (sk-ant-); it belongs in "
                "ANTHROPIC_API_KEY. Create an OpenAI key at platform.openai.com > API keys",
                "OPENAI_API_KEY",
            )
        ]
    return []


def secret_shape(value: str) -> str | None:
    """What server secret ``value`` looks like, or None."""
    value = value.strip()
    for pattern, what in SECRET_SHAPES:
        if re.search(pattern, value):
            return what
    claims = jwt_claims(value) if value.startswith("eyJ") else None
    if claims is not None and claims.get("role") == "service_role":
        return "a Supabase service_role key"
    return None


def embedded_secret(value: str) -> str | None:
    """What server secret ``value`` holds inside it (a URL's query, a path), or None."""
    for pattern, what in EMBEDDED_SHAPES:
        if re.search(pattern, value):
            return what
    return None


def vite_leaks(values: Values) -> list[CheckResult]:
    """Every VITE_* value is compiled into the browser bundle: a secret there is public, whole
    or inside a longer value (``VITE_API_URL=https://x?key=sk_live_…``)."""
    out = []
    for name in sorted(n for n in values if isinstance(n, str) and n.startswith("VITE_")):
        value = _get(values, name)
        what, inside = secret_shape(value), None
        if what is None:
            inside = embedded_secret(value)
        if what or inside:
            found = f"looks like {what}" if what else f"holds {inside} inside it"
            out.append(
                CheckResult(
                    "app",
                    f"leak guard {name}",
                    "fail",
                    f"{name} {found}: VITE_* values are public in the browser bundle. Remove "
                    "it and rotate that secret",
                    (name,),
                    "vercel",
                )
            )
    return out


def _origin(url: str) -> str:
    return url.strip().rstrip("/").lower()


def vite_api_url(values: Values) -> list[CheckResult]:
    """The SPA must call the backend: VITE_API_URL is APP_URL or the API's custom domain."""
    vite, app, domain = (
        _get(values, "VITE_API_URL"),
        _get(values, "APP_URL"),
        _get(values, "CUSTOM_DOMAIN"),
    )
    if not vite or not app:
        return []
    allowed = {_origin(app)} | ({_origin(f"https://{domain}")} if domain else set())
    if _origin(vite) in allowed:
        return []
    also = " or https://CUSTOM_DOMAIN" if domain else ""
    return [
        _result(
            "app",
            "api url",
            "fail",
            f"VITE_API_URL differs from APP_URL{also}: the frontend would call another "
            "backend. Set it to the same URL",
            "VITE_API_URL",
            "APP_URL",
        )
    ]


RULES: tuple[Rule, ...] = (
    stripe_mode,
    redis_url,
    supabase_key,
    webhook_secret,
    jwt_secret,
    openai_key,
    vite_leaks,
    vite_api_url,
)


def apply_rules(values: Values) -> list[CheckResult]:
    """All rules over ``values``, in a stable order."""
    return [result for rule in RULES for result in rule(values)]
