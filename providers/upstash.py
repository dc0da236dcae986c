"""Upstash Redis: TLS handshake, AUTH and PING over the ``rediss://`` URL BullMQ will use.

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
from urllib.parse import unquote, urlsplit

from providers.base import CheckContext, CheckResult, Results, Stopwatch

SERVICE = "upstash"
PHASE = "upstash"
VARIABLES = ("REDIS_URL",)
COPY_AGAIN = "Copy the rediss:// URL again from the Upstash console > Connect"


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
    # pipeline below.
    options.update(protocol=2, lib_name=None, lib_version=None)
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
