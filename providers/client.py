"""What every vendor's API client shares: base URL, auth, waiting out 429, retrying what is
safe to retry, and one wording for a failed answer.

Each vendor has exactly one client, a subclass in its own ``providers/<vendor>.py`` module,
used by that vendor's live checks and by its platform adapter alike (DESIGN: platforms). A
subclass names its label, base-URL override and auth hint, builds its headers, and adds the
vendor's own calls and paging.

Retries: a request the vendor treats as idempotent (GET, PUT, DELETE; a POST the vendor
documents as an upsert, or one that carries an ``Idempotency-Key``) is sent again after a
dropped connection or a 502/503/504 (``providers.http.send``). Any request answered 429 was not
processed, so it is sent again after the wait the answer asks for (``Retry-After``, else
``Ratelimit-Reset`` / ``X-RateLimit-Reset``, seconds or an epoch time) when that wait fits in
the request's time budget (``--timeout``); a longer one is reported as it is. Other POSTs are
never sent blindly twice: the caller looks the resource up instead.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, ClassVar

import httpx

from checklists.errors import Gone, ProviderError
from providers.base import CheckContext
from providers.http import base_url, error_text, send, status_message

#: methods that mean the same thing however often they are sent
IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
#: answers that mean "not there for this credential"
GONE = (403, 404, 410)
#: attempts per request when the vendor keeps answering 429
TRIES = 4
#: never wait longer than this for one 429 (a longer reset is reported instead)
MAX_WAIT = 60.0
DEFAULT_WAIT = 2.0
RESET_HEADERS = ("Ratelimit-Reset", "X-RateLimit-Reset", "X-Sentry-Rate-Limit-Reset")
Sleep = Callable[[float], Awaitable[None]]
Params = Mapping[str, Any]


def retry_delay(headers: Mapping[str, str], now: float | None = None) -> float:
    """Seconds to wait before retrying a 429, from the answer's headers."""
    after = (headers.get("Retry-After") or "").strip()
    if after.replace(".", "", 1).isdigit():
        return min(float(after), MAX_WAIT)
    for name in RESET_HEADERS:
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


class ApiClient:
    """One credential against one vendor's API, on the run's shared ``httpx`` client."""

    #: the vendor's name in every message ("Render")
    label: ClassVar[str]
    #: the environment variable that replaces the base URL (self-hosting, tests)
    base_env: ClassVar[str]
    #: scheme and host of the vendor's API
    base_default: ClassVar[str]
    #: path prefix of every call ("/v1")
    base_path: ClassVar[str] = ""
    #: where a person gets a working credential
    auth_hint: ClassVar[str]

    def __init__(
        self,
        ctx: CheckContext,
        headers: Mapping[str, str],
        params: Mapping[str, str] | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.ctx = ctx
        self.base = base_url(ctx.env, self.base_env, self.base_default) + self.base_path
        self.headers = dict(headers)
        #: query parameters every call carries (Vercel's team)
        self.params = dict(params or {})
        self.sleep = sleep
        #: (method, path) of every write sent, for reports and the tests
        self.writes: list[tuple[str, str]] = []

    async def request(
        self,
        method: str,
        path: str,
        params: Params | None = None,
        *,
        idempotent: bool | None = None,
        headers: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """One call, 429s waited out; ``idempotent`` (default: by method) allows retries."""
        if method not in ("GET", "HEAD"):
            self.writes.append((method, path))
        retry = method in IDEMPOTENT if idempotent is None else idempotent
        query = {**self.params, **(params or {})}
        url = path if path.startswith(("https://", "http://")) else self.base + path
        for attempt in range(TRIES):
            response = await send(
                self.ctx,
                self.label,
                method,
                url,
                retry=retry,
                params=query,
                headers={**self.headers, **(headers or {})},
                **kwargs,
            )
            if response.status_code != 429 or attempt == TRIES - 1:
                return response
            wait = retry_delay(response.headers)
            if wait > self.ctx.timeout:  # longer than a request may take: say it instead
                return response
            await self.sleep(wait)
        raise AssertionError("unreachable")  # the loop always returns

    def status_line(self, response: httpx.Response) -> str:
        """A non-2xx answer as one line (a vendor may word its own codes)."""
        return status_message(response, self.label, self.auth_hint)

    def fail(self, response: httpx.Response, doing: str) -> ProviderError:
        """``doing`` failed: the status as a sentence, plus the vendor's own words if any."""
        text = error_text(response)
        message = f"{doing}: {self.status_line(response)}"
        if text:
            message += f" ({self.label} says: {text})"
        if response.status_code in GONE:
            return Gone(message, response.status_code)
        return ProviderError(message)

    def json(self, response: httpx.Response) -> Any:
        """The body as JSON; a body that is not JSON is a one-line ``ProviderError``."""
        try:
            return response.json()
        except ValueError:
            raise ProviderError(
                f"{self.label} answered {response.status_code} but not with JSON; "
                f"is {self.base_env} right?"
            ) from None

    async def get(self, path: str, doing: str, params: Params | None = None) -> Any:
        """GET that must answer 2xx with JSON."""
        response = await self.request("GET", path, params)
        if not response.is_success:
            raise self.fail(response, doing)
        return self.json(response)

    def unexpected(self, what: str) -> ProviderError:
        """An answer of the wrong shape: the base URL is probably not this vendor's API."""
        return ProviderError(f"{self.label} answered {what}; is {self.base_env} right?")
