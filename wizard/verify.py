"""``verify``: the post-deploy smoke test of the live site, shared by the CLI and the TUI.

Finds FRONTEND_URL (stored, else ``https://CUSTOM_DOMAIN``, else the Vercel production URL),
then runs every smoke check concurrently on one client, each bounded by the timeout.
Nothing here changes a value; results are recorded like ``check``'s.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from checklists.advice import do
from checklists.errors import ProviderError, UsageError
from providers.base import CheckContext, CheckResult, Stopwatch
from providers.health import SEEN, UNSEEN, check_backend
from providers.smoke import (
    PHASE,
    SERVICE,
    Site,
    check_api_proxy,
    check_spa_fallback,
    check_tls,
    check_webhook,
    check_widget,
)

if TYPE_CHECKING:
    from wizard.values import Answers

Values = Mapping[str, str | None]
SmokeCheck = Callable[[CheckContext, Site], Awaitable[list[CheckResult]]]
CHECKS: tuple[tuple[str, SmokeCheck], ...] = (
    ("backend", check_backend),
    ("spa fallback", check_spa_fallback),
    ("api proxy", check_api_proxy),
    ("widget", check_widget),
    ("tls", check_tls),
)
NO_FRONTEND = (
    "FRONTEND_URL is not known: it is not set, CUSTOM_DOMAIN is not set, and there is no "
    "VERCEL_TOKEN + VERCEL_PROJECT to ask Vercel for the production URL."
)
NO_FRONTEND_HINT = f"Set it: {do('vars set', 'FRONTEND_URL', 'https://your-site.vercel.app')}"


@dataclass(frozen=True)
class Report:
    site: Site
    results: list[CheckResult]

    @property
    def ok(self) -> bool:
        return not any(r.outcome == "fail" for r in self.results)

    def summary(self) -> str:
        """One line for a front end, then each failure on its own line."""
        failed = [r for r in self.results if r.outcome == "fail"]
        head = (
            f"{len(failed)} of {len(self.results)} checks failed on {self.site.frontend_url}"
            if failed
            else f"all {len(self.results)} checks passed on {self.site.frontend_url} "
            f"(FRONTEND_URL from {self.site.frontend_source})"
        )
        return "\n".join([head, *(f"  {r.check}: {r.message}" for r in failed)])


def _clean(value: str | None) -> str:
    return (value or "").strip().rstrip("/")


async def frontend_url(ctx: CheckContext, values: Values) -> tuple[str, str]:
    """(FRONTEND_URL, where it came from); ``UsageError`` with the fix when none is known."""
    if _clean(values.get("FRONTEND_URL")):
        return _clean(values.get("FRONTEND_URL")), "FRONTEND_URL"
    domain = _clean(values.get("CUSTOM_DOMAIN")).removeprefix("https://")
    if domain:
        return f"https://{domain}", "CUSTOM_DOMAIN"
    if values.get("VERCEL_TOKEN") and values.get("VERCEL_PROJECT"):
        from wizard.platforms.vercel import VercelAdapter

        try:
            return await VercelAdapter(ctx, values).production_url(), "Vercel API"
        except ProviderError as exc:
            raise UsageError(
                f"FRONTEND_URL is not set and Vercel could not tell it: {exc.message}",
                NO_FRONTEND_HINT,
            ) from None
    raise UsageError(NO_FRONTEND, NO_FRONTEND_HINT)


def site_of(values: Values, frontend: str, source: str, pinned: bool = True) -> Site:
    """``pinned``: HEALTHCHECK_PATH was set by the user (False: seen by an earlier verify)."""
    app_url = _clean(values.get("APP_URL"))
    if not app_url:
        raise UsageError(
            "APP_URL is not set, so there is no backend to verify.",
            f"Set it: {do('vars set', 'APP_URL', 'https://convoai-backend.onrender.com')}",
        )
    health = (values.get("HEALTHCHECK_PATH") or "").strip() or None
    return Site(app_url, frontend, health, source, pinned and health is not None)


async def _bounded(
    check: SmokeCheck, name: str, ctx: CheckContext, site: Site
) -> list[CheckResult]:
    watch = Stopwatch()
    try:
        return await asyncio.wait_for(check(ctx, site), ctx.timeout)
    except TimeoutError:
        message = f"{name}: no answer within {ctx.timeout:g}s; retry, or raise --timeout"
    except Exception as exc:  # a bug in one check must not sink the run or print a traceback
        message = f"the {name} check stopped unexpectedly ({type(exc).__name__}); report it"
    return [CheckResult(SERVICE, name, "fail", message, (), PHASE, ms=watch.ms)]


async def run_verify(
    values: Values,
    timeout: float = 10.0,
    env: Mapping[str, str] = os.environ,
    send_test_webhook: bool = False,
    on_result: Callable[[CheckResult], None] | None = None,
    frontend: str | None = None,
    health_pinned: bool = True,
) -> Report:
    """Every smoke check at once; ``frontend`` overrides the FRONTEND_URL lookup (asked);
    ``health_pinned`` False: HEALTHCHECK_PATH is only what an earlier verify saw."""
    from providers.http import make_client

    async with make_client(env, timeout * 0.9) as client:
        ctx = CheckContext(values, client, timeout, env, send_test_webhook)
        if frontend:
            url, source = _clean(frontend), "asked"
        else:
            url, source = await frontend_url(ctx, values)
        site = site_of(values, url, source, health_pinned)
        chosen = [*CHECKS, ("webhook", check_webhook)] if send_test_webhook else list(CHECKS)
        results: list[CheckResult] = []
        pending = [asyncio.ensure_future(_bounded(fn, name, ctx, site)) for name, fn in chosen]
        for finished in asyncio.as_completed(pending):
            for result in await finished:
                results.append(result)
                if on_result is not None:
                    on_result(result)
    names = [name for name, _ in chosen]
    # Stable, readable order (the checks' order), whatever order they finished in.
    results.sort(key=lambda r: next((i for i, n in enumerate(names) if r.check.startswith(n)), 99))
    return Report(site, results)


async def verify_site(
    answers: Answers,
    timeout: float = 10.0,
    env: Mapping[str, str] = os.environ,
    send_test_webhook: bool = False,
    on_result: Callable[[CheckResult], None] | None = None,
    frontend: str | None = None,
) -> Report:
    """``verify`` for every front end: run it, record the results, and remember the health
    path seen answering 2xx/3xx while HEALTHCHECK_PATH is not set (render.yaml and a created
    Render service then use it), or forget it when none answers any more."""
    from wizard.checks import record_results
    from wizard.seen import remember_health

    resolved = await asyncio.to_thread(answers.resolve_all)
    values = {n: r.value for n, r in resolved.items()}
    source = resolved["HEALTHCHECK_PATH"].source or ""
    pinned = bool(source) and not source.startswith("seen")
    report = await run_verify(
        values, timeout, env, send_test_webhook, on_result, frontend, health_pinned=pinned
    )
    backend = next((r for r in report.results if r.check == "backend"), None)
    if backend is not None and not pinned:
        seen = backend.detail.split() if backend.detail.startswith(SEEN + " ") else []
        if seen or backend.detail == UNSEEN:
            path, status = (seen[1], int(seen[2])) if seen else (None, 0)
            app_url = report.site.app_url
            await asyncio.to_thread(remember_health, answers.state_file, app_url, path, status)
    # Recorded after: the results checked the path now remembered, so they are current on it.
    await asyncio.to_thread(record_results, answers.project, report.results)
    return report
