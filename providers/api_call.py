"""Requests to the platforms ``push`` writes to: backoff on 429, transport failures as one line.

Render and Vercel both answer 429 past their rate limits; a push of sixteen variables must wait
and carry on rather than stop half way. The wait comes from ``Retry-After`` (seconds), else
``Ratelimit-Reset`` / ``X-RateLimit-Reset`` (seconds left, or an epoch time when it is large:
Render's doc is ambiguous, PUSH-CONTRACTS [unconfirmed]), else a short default.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import httpx

from providers.base import CheckContext, CheckError, ProviderError
from providers.http import send


class Gone(ProviderError):
    """The platform answered 403, 404 or 410 for a service/project: it is gone, or this
    credential cannot see it (a remembered id is then looked up by name again)."""

    def __init__(self, message: str, status: int, hint: str = "") -> None:
        super().__init__(message, hint)
        self.status = status


#: answers that mean "not there for this credential"
GONE = (403, 404, 410)
#: attempts per request when the platform keeps answering 429
TRIES = 4
#: never wait longer than this for one 429 (a longer reset is reported instead)
MAX_WAIT = 60.0
DEFAULT_WAIT = 2.0
Sleep = Callable[[float], Awaitable[None]]


def retry_delay(headers: Mapping[str, str], now: float | None = None) -> float:
    """Seconds to wait before retrying a 429, from the answer's headers."""
    after = (headers.get("Retry-After") or "").strip()
    if after.replace(".", "", 1).isdigit():
        return min(float(after), MAX_WAIT)
    for name in ("Ratelimit-Reset", "X-RateLimit-Reset"):
        raw = (headers.get(name) or "").strip()
        if raw.replace(".", "", 1).isdigit():
            value = float(raw)
            # An epoch timestamp (seconds or ms) versus "seconds left": epochs are huge.
            if value > 1e12:
                value = value / 1000 - (now or time.time())
            elif value > 1e9:
                value = value - (now or time.time())
            return max(0.0, min(value, MAX_WAIT))
    return DEFAULT_WAIT


async def call(
    ctx: CheckContext,
    label: str,
    method: str,
    url: str,
    *,
    sleep: Sleep = asyncio.sleep,
    **kwargs: Any,
) -> httpx.Response:
    """One request, retried after the platform's 429 wait; a transport failure raises."""
    for attempt in range(TRIES):
        try:
            response = await send(ctx, label, method, url, **kwargs)
        except CheckError as exc:
            raise ProviderError(exc.message) from None
        if response.status_code != 429 or attempt == TRIES - 1:
            return response
        await sleep(retry_delay(response.headers))
    raise AssertionError("unreachable")  # the loop always returns


def json_of(response: httpx.Response, label: str) -> Any:
    """The body as JSON; a body that is not JSON is a one-line ``ProviderError``."""
    try:
        return response.json()
    except ValueError:
        raise ProviderError(
            f"{label} answered {response.status_code} but not with JSON; is its API base URL right?"
        ) from None
