"""Upstash: the Redis check (TLS, AUTH, PING over the ``rediss://`` URL BullMQ will use) and the
one Developer API client (``UpstashClient``: list, read and create databases).

The URL carries the password, so no message here ever includes it (or the host, to be safe
against odd URLs that put credentials elsewhere).

Round trips (Upstash is across the internet): after TCP and TLS, AUTH and PING go out together
in one pipeline and are answered once. redis-py would otherwise send AUTH on connect and wait,
then CLIENT SETINFO (its library name and version), then PING.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from checklists.advice import do
from checklists.errors import ProviderError
from providers.base import CheckContext, CheckResult, Results, Stopwatch
from providers.client import ApiClient

SERVICE = "upstash"
PHASE = "upstash"
VARIABLES = ("REDIS_URL",)
COPY_AGAIN = "Copy the rediss:// URL again from the Upstash console > Connect"
PASTE = (
    "or paste the database's rediss:// URL from the Upstash console instead: "
    f"{do('vars set', 'REDIS_URL')}"
)
API_HINT = (
    "Create a Developer API key in the Upstash console > Account > Management API, set "
    "UPSTASH_EMAIL to the account's email and UPSTASH_API_KEY to the key"
)


def _failure(exc: BaseException, timeout: float) -> str:
    from redis import exceptions as rx

    from providers.http import exception_chain

    # redis-py 8 says only "network:ConnectionError"; the real cause is further down the chain.
    chain = exception_chain(exc)
    text = " ".join(f"{type(e).__name__} {e}" for e in chain).lower()
    if any(isinstance(e, ConnectionRefusedError) for e in chain):
        text += " refused"
    if isinstance(exc, rx.AuthenticationError) or "wrongpass" in text or "invalid password" in text:
        return f"Upstash refused the password (AUTH failed). {COPY_AGAIN}."
    if isinstance(exc, rx.ResponseError) and "noauth" in text:
        return f"Redis asks for a password but REDIS_URL has none. {COPY_AGAIN}."
    if isinstance(exc, TimeoutError | asyncio.TimeoutError | rx.TimeoutError):
        return f"Redis did not answer within {timeout:g}s; check the host and port in REDIS_URL"
    if "certificate" in text or "verify" in text:
        return (
            "Redis TLS verification failed (certificate not trusted or wrong host); check the "
            "host in REDIS_URL. Verification is never switched off"
        )
    if "ssl" in text or "tls" in text or "wrong version" in text or "record layer" in text:
        return (
            "TLS handshake with Redis failed: the server does not speak TLS on that port. "
            "Upstash URLs use rediss:// on the port shown in the console"
        )
    if "refused" in text:
        return "Redis refused the connection; check the host and port in REDIS_URL"
    if "name or service not known" in text or "getaddrinfo" in text or "nodename" in text:
        return "Redis host not found (DNS); check the host in REDIS_URL for typos"
    if isinstance(exc, rx.ConnectionError | OSError):
        return f"could not connect to Redis ({type(exc).__name__}); check REDIS_URL. {COPY_AGAIN}"
    return f"Redis check failed ({type(exc).__name__}); {COPY_AGAIN}"


async def _auth_and_ping(client: Any, username: str, password: str) -> bool:
    """AUTH (when the URL has a password) and PING in one round trip; raises the first error."""
    pipe = client.pipeline(transaction=False)
    if password:
        pipe.execute_command("AUTH", *([username] if username else []), password)
    pipe.ping()
    results = await pipe.execute(raise_on_error=False)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return bool(results[-1])


async def check_upstash(ctx: CheckContext) -> list[CheckResult]:
    import redis.asyncio as aioredis

    out = Results(SERVICE, PHASE)
    watch = Stopwatch()
    options: dict[str, Any] = {
        "socket_connect_timeout": ctx.budget,
        "socket_timeout": ctx.budget,
        "retry_on_timeout": False,
    }
    if ctx.env.get("SSL_CERT_FILE"):
        options["ssl_ca_certs"] = ctx.env["SSL_CERT_FILE"]
    # Nothing on connect (redis-py 8 would send HELLO 3, then CLIENT SETINFO, each answered
    # before the next): RESP2, as BullMQ's ioredis speaks it, and the credentials go in the
    # pipeline below. ``driver_info=None`` is what turns CLIENT SETINFO off since redis-py 8
    # (``lib_name``/``lib_version`` are deprecated there and will go).
    options.update(protocol=2, driver_info=None)
    url = ctx.value("REDIS_URL")
    parts = urlsplit(url)
    try:
        username, password = unquote(parts.username or ""), unquote(parts.password or "")
        bare = parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()
        client = aioredis.from_url(bare, **options)
    except (ValueError, TypeError):
        out.add(
            "ping", "fail", f"REDIS_URL is not a valid Redis URL. {COPY_AGAIN}.", VARIABLES, watch
        )
        return out.items
    try:
        pong = await asyncio.wait_for(_auth_and_ping(client, username, password), ctx.budget)
    except (TimeoutError, Exception, ssl.SSLError) as exc:  # every failure: one line
        out.add("ping", "fail", _failure(exc, ctx.timeout), VARIABLES, watch)
    else:
        if pong:
            out.add("ping", "ok", "TLS, AUTH and PING succeeded", VARIABLES, watch)
        else:
            out.add("ping", "fail", "Redis answered PING unexpectedly", VARIABLES, watch)
    finally:
        # Closing a half-open connection must not mask the result.
        with contextlib.suppress(Exception):
            await client.aclose()
    return out.items


class UpstashClient(ApiClient):
    """The Developer API (PROVISION-CONTRACTS §2) against ``CONVOAI_SETUP_UPSTASH_API`` (default
    ``https://api.upstash.com``), paths under ``/v2``, HTTP Basic with ``email:api-key``.

    Databases carry their credentials (``password``) although the spec's schema omits them, so
    nothing read here is ever put into a message.
    """

    label = "Upstash"
    base_env = "CONVOAI_SETUP_UPSTASH_API"
    base_default = "https://api.upstash.com"
    base_path = "/v2"
    auth_hint = API_HINT

    def __init__(self, ctx: CheckContext, email: str, api_key: str) -> None:
        import base64

        token = base64.b64encode(f"{email}:{api_key}".encode()).decode()
        super().__init__(ctx, {"Authorization": f"Basic {token}", "Accept": "application/json"})

    async def databases(self) -> list[dict[str, Any]]:
        """Every database of the account (the API has neither a name filter nor paging)."""
        response = await self.request("GET", "/redis/databases")
        if response.status_code in (401, 403):
            raise ProviderError(
                f"Upstash refused the Developer API credentials ({response.status_code}). The "
                "Developer API works only for native Upstash accounts: an account created "
                "through Vercel or Fly.io is not supported.",
                f"{API_HINT}; {PASTE}",
            )
        if not response.is_success:
            raise self.fail(response, "Listing the Upstash databases failed")
        doc = self.json(response)
        if doc is None:  # an account without databases may answer null
            return []
        if not isinstance(doc, list):
            raise self.unexpected("the database list with something else than a list")
        return [d for d in doc if isinstance(d, dict)]

    async def database(self, database_id: str) -> dict[str, Any] | None:
        """One database with its credentials; None when it is gone (404)."""
        response = await self.request("GET", f"/redis/database/{quote(database_id, safe='')}")
        if response.status_code == 404:
            return None
        if not response.is_success:
            raise self.fail(response, "Reading the Upstash database failed")
        doc = self.json(response)
        if not isinstance(doc, dict):
            raise self.unexpected("a database request with something else than a database")
        return doc

    async def create_database(self, body: dict[str, Any]) -> dict[str, Any]:
        """``POST /redis/database``: never sent twice (it is not idempotent): after a lost
        answer the caller lists the databases instead."""
        response = await self.request("POST", "/redis/database", json=body)
        if response.status_code in (401, 403):
            raise ProviderError(
                f"Upstash refused to create the database ({response.status_code}): a read-only "
                "API key cannot create one, and accounts created through Vercel or Fly.io "
                "cannot use the Developer API; nothing was created.",
                f"{API_HINT} (full access); {PASTE}",
            )
        if not response.is_success:
            raise self.fail(response, "Creating the Upstash database failed; nothing was created")
        doc = self.json(response)
        if not isinstance(doc, dict):
            raise self.unexpected("the creation with something else than a database")
        return doc
