"""The one place where HTTP failures become sentences.

Every provider calls ``send``/``get_json`` and gets back a response or a ``ProviderError`` whose
message is one line a person can act on: connection refused, DNS failure, TLS verification
failure, a silent server, 401/403/404/429/5xx, a body that is not JSON. Messages name the service
and never quote a request (URLs and headers may carry secrets).
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import httpx

from checklists.errors import ProviderError
from providers.base import CURRENT_DEADLINE, CheckContext

LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def ssl_context(env: Mapping[str, str]) -> ssl.SSLContext:
    """The verifying context httpx would build, but from ``env`` instead of ``os.environ``.

    httpx only reads ``SSL_CERT_FILE`` from the process environment; the runner is also called
    in-process (TUI, tests) with an explicit env, so the CA must come from that mapping.
    Verification is never turned off.
    """
    if env.get("SSL_CERT_FILE"):
        return ssl.create_default_context(cafile=env["SSL_CERT_FILE"])
    if env.get("SSL_CERT_DIR"):
        return ssl.create_default_context(capath=env["SSL_CERT_DIR"])
    import certifi

    return ssl.create_default_context(cafile=certifi.where())


def make_client(env: Mapping[str, str], timeout: float) -> httpx.AsyncClient:
    """The one client a check run shares: verifying TLS, explicit timeouts, pooled connections.

    ``timeout`` is per network operation: pass ``CheckContext.budget`` (below the check's limit).
    """
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=20)
    return httpx.AsyncClient(
        verify=ssl_context(env),
        timeout=httpx.Timeout(timeout),
        limits=limits,
        follow_redirects=False,
        # Honour HTTPS_PROXY / NO_PROXY: behind a corporate proxy the checks must still work.
        trust_env=True,
        headers={"User-Agent": "convoai-setup"},
    )


def base_url(env: Mapping[str, str], override: str, default: str) -> str:
    """A vendor base URL, replaced by ``env[override]`` when set (DESIGN: provider base URLs)."""
    url = (env.get(override) or default).rstrip("/")
    require_tls(url, override if env.get(override) else "the base URL")
    return url


def require_tls(url: str, name: str) -> None:
    """Plain http:// is allowed only to loopback hosts; anything else must be https://."""
    try:
        parts = urlsplit(url)
    except ValueError:
        raise ProviderError(f"{name} is not a valid URL (urllib refuses its host part)") from None
    if parts.scheme == "https" or (
        parts.scheme == "http" and (parts.hostname or "") in LOOPBACK_HOSTS
    ):
        return
    raise ProviderError(f"{name} must be an https:// URL (plain http:// only for localhost)")


def exception_chain(exc: BaseException) -> list[BaseException]:
    """The exception and its causes: anyio hides "connection refused" two levels down."""
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen and len(seen) < 10:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _transport_message(label: str, exc: httpx.HTTPError, timeout: float, entered: str) -> str:
    """``entered``: the variable the URL came from (a typo is likely); "" for a vendor's own
    host, which the person never typed: then the machine's network is what to look at."""
    chain = exception_chain(exc)
    text = " ".join(str(e) for e in chain).lower()
    if any(isinstance(e, ConnectionRefusedError) for e in chain):
        text += " refused"
    host = urlsplit(str(exc.request.url)).hostname if _has_request(exc) else None
    check = f"check {entered}" if entered else "check this machine's network (or proxy)"
    if isinstance(exc, httpx.TimeoutException):
        stage = "connection" if isinstance(exc, httpx.ConnectTimeout) else "request"
        return (
            f"{label} did not answer within {timeout:g}s ({stage} timed out); {check} and "
            "retry, or raise --timeout"
        )
    if "certificate" in text or "ssl" in text or "tls" in text:
        return (
            f"{label}: TLS verification failed (certificate not trusted or wrong host); "
            f"{check}. Verification is never switched off"
        )
    if isinstance(exc, httpx.ConnectError):
        if "name or service not known" in text or "nodename" in text or "getaddrinfo" in text:
            if entered:
                return f"{label}: host not found (DNS); check {entered} for typos"
            where = host or "the vendor's API"
            return (
                f"{label}: this machine cannot reach {where}: host not found (DNS). "
                "There is no network, DNS is not working, or a proxy is needed (HTTPS_PROXY); "
                "fix the connection and retry"
            )
        if "refused" in text:
            return f"{label}: connection refused; is the URL right and the service running?"
        return f"{label}: could not connect; {check}"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"{label} closed the connection without a valid HTTP answer; retry, and {check}"
    return f"{label}: request failed ({type(exc).__name__}); {check}"


def _has_request(exc: httpx.HTTPError) -> bool:
    try:
        exc.request  # noqa: B018 - raises RuntimeError when the error carries no request
    except RuntimeError:
        return False
    return True


#: answers of a gateway in trouble: the request most likely never reached the service
TRANSIENT_STATUSES = frozenset({502, 503, 504})
#: attempts of one idempotent request when the connection drops or a gateway fails
ATTEMPTS = 4


class _Transient(Exception):
    """A gateway answer worth another attempt; carries it for when attempts run out."""

    def __init__(self, response: httpx.Response) -> None:
        super().__init__(response.status_code)
        self.response = response


def transient(exc: BaseException) -> bool:
    """A fault after which an idempotent request may simply be sent again: the connection was
    reset or dropped mid-answer, or a gateway answered 502/503/504. A refused connection, a
    DNS failure, a TLS failure or a timeout is not: sending again would only repeat it."""
    if isinstance(exc, _Transient):
        return True
    if isinstance(exc, httpx.ReadError | httpx.WriteError | httpx.RemoteProtocolError):
        return True
    return isinstance(exc, httpx.ConnectError) and any(
        isinstance(e, ConnectionResetError | ConnectionAbortedError) for e in exception_chain(exc)
    )


def _stamina() -> Any:
    """stamina, with its retry logging off: a retried request that then succeeds is no news,
    and its default hook would print to stderr through the logging module's last resort."""
    import stamina
    from stamina.instrumentation import set_on_retry_hooks

    set_on_retry_hooks([])
    return stamina


async def _with_retries(ctx: CheckContext, method: str, url: str, **kwargs: Any) -> httpx.Response:
    """``method url``, sent again with jittered backoff after a ``transient`` fault, within the
    request's own time budget (``ctx.timeout``); the last gateway answer is returned as is."""
    try:
        async for attempt in _stamina().retry_context(
            on=transient,
            attempts=ATTEMPTS,
            timeout=ctx.timeout,
            wait_initial=0.05,
            wait_max=1.0,
            wait_jitter=0.1,
        ):
            with attempt:
                response = await ctx.client.request(method, url, **kwargs)
                if response.status_code in TRANSIENT_STATUSES:
                    raise _Transient(response)
                return response
    except _Transient as exc:
        return exc.response
    raise AssertionError("unreachable")  # the loop returns or raises


async def send(
    ctx: CheckContext,
    label: str,
    method: str,
    url: str,
    *,
    entered: str = "",
    retry: bool = False,
    **kwargs: Any,
) -> httpx.Response:
    """One request on the shared client; transport failures become a ``ProviderError``.

    ``entered`` names the variable a person typed the URL into (``APP_URL``); leave it empty
    for a vendor's API host, so a DNS failure blames the network rather than a typo.
    ``retry``: the request is idempotent, so a ``transient`` fault sends it again.
    """
    deadline = CURRENT_DEADLINE.get()
    late = f"{label} did not answer within {ctx.timeout:g}s; retry, or raise --timeout"
    if deadline is not None and deadline.expired:
        raise ProviderError(late)
    task = asyncio.current_task()
    if deadline is not None and task is not None:
        deadline.inflight.add(task)
    try:
        if retry:
            return await _with_retries(ctx, method, url, **kwargs)
        return await ctx.client.request(method, url, **kwargs)
    except asyncio.CancelledError:
        # The runner's deadline interrupted this request: it is this request's timeout.
        if deadline is not None and deadline.expired and task is not None and task.uncancel() == 0:
            raise ProviderError(late) from None
        raise
    except httpx.HTTPError as exc:
        raise ProviderError(_transport_message(label, exc, ctx.timeout, entered)) from None
    except ssl.SSLError:
        raise ProviderError(f"{label}: TLS handshake failed; check the URL") from None
    finally:
        if deadline is not None and task is not None:
            deadline.inflight.discard(task)


def error_text(response: httpx.Response) -> str:
    """The vendor's own error message, if the body carries one (Stripe, OpenAI, Vercel …)."""
    try:
        body = response.json()
    except ValueError:
        return ""
    if not isinstance(body, dict):
        return ""
    err = body.get("error")
    if isinstance(err, dict) and isinstance(err.get("message"), str):
        return str(err["message"])
    for key in ("message", "error"):
        if isinstance(body.get(key), str):
            return str(body[key])
    return ""


def status_message(response: httpx.Response, label: str, auth_hint: str) -> str:
    """A non-2xx answer as one line: what happened and what to do next."""
    code = response.status_code
    if code == 401:
        return f"{label} rejected the credentials (401). {auth_hint}"
    if code == 403:
        return (
            f"{label} refused access (403): the credential works but lacks permission. {auth_hint}"
        )
    if code == 404:
        return f"{label}: not found (404); check the URL or id"
    if code == 429:
        after = response.headers.get("Retry-After", "").strip()
        when = f"retry in {after}s" if after.isdigit() else "wait a minute and retry"
        return f"{label} is rate limiting requests (429); {when}"
    if code >= 500:
        return f"{label} had a server error ({code}); it is on their side: retry in a few minutes"
    return f"{label} answered {code} unexpectedly; check the URL"


def json_body(response: httpx.Response, label: str) -> Any:
    try:
        return response.json()
    except ValueError:
        raise ProviderError(
            f"{label} answered {response.status_code} but not with JSON; is the URL the "
            "right service?"
        ) from None


async def get_json(
    ctx: CheckContext,
    label: str,
    url: str,
    auth_hint: str,
    headers: Mapping[str, str] | None = None,
    params: Mapping[str, str | int] | None = None,
) -> Any:
    """GET that must answer 2xx with JSON; anything else is a ``ProviderError``."""
    response = await send(ctx, label, "GET", url, headers=headers, params=params)
    if not response.is_success:
        raise ProviderError(status_message(response, label, auth_hint))
    return json_body(response, label)
