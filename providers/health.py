"""The backend's health check, judged as Render judges it (``convoai-setup verify``).

Render counts a health check as passed only when the path answers 2xx or 3xx, and fails a
deploy whose new instance does not pass within 15 minutes (the old one keeps serving). An
Express API under /api answers 404 at /, so "the backend answered" is not "the backend is
healthy": only Render's own rule passes here. When HEALTHCHECK_PATH does not answer, or is not
set, the usual health routes are tried and the first answering 2xx/3xx is named; ``detail``
tells ``wizard.verify`` what was seen, to remember it for render.yaml and service creation.
"""

from __future__ import annotations

import asyncio

from checklists.advice import do
from checklists.errors import ProviderError
from providers.base import CheckContext, CheckResult, Results, Stopwatch
from providers.http import require_tls, send
from providers.smoke import PHASE, SERVICE, Site

#: the usual health routes, in the order they are tried when HEALTHCHECK_PATH does not answer
HEALTH_PATHS = ("/api/health", "/health", "/healthz", "/api", "/")
#: ``CheckResult.detail`` of the backend check: ``seen PATH STATUS`` (a path answered 2xx/3xx
#: while HEALTHCHECK_PATH was not set) or ``unseen`` (none did: forget any seen before)
SEEN, UNSEEN = "seen", "unseen"
RENDER_RULE = (
    "Render counts a health check as passed only on 2xx/3xx, and fails a deploy whose new "
    "instance does not pass within 15 minutes (the old one keeps serving)"
)
EXPRESS_ROUTE = (
    "add a health route to the Express app, e.g. app.get('/api/health', (req, res) => "
    f"res.json({{ ok: true }})), deploy, then {do('vars set', 'HEALTHCHECK_PATH', '/api/health')}"
)


def passes(status: int) -> bool:
    """Render's rule for a health check: 2xx or 3xx."""
    return 200 <= status < 400


async def _answers(ctx: CheckContext, site: Site, paths: list[str]) -> dict[str, int | None]:
    """Each path's status on APP_URL (None: no answer), asked all at once."""

    async def one(path: str) -> int | None:
        try:
            return (await send(ctx, "APP_URL", "GET", site.app_url + path)).status_code
        except ProviderError:
            return None

    found = await asyncio.gather(*(one(p) for p in paths))
    return dict(zip(paths, found, strict=True))


def _first_passing(answers: dict[str, int | None]) -> tuple[str, int] | None:
    return next(((p, s) for p, s in answers.items() if s is not None and passes(s)), None)


async def check_backend(ctx: CheckContext, site: Site) -> list[CheckResult]:
    """APP_URL + HEALTHCHECK_PATH answers 2xx/3xx over https: Render's own rule.

    When it does not (or HEALTHCHECK_PATH is not set), the usual health paths are tried and the
    first answering 2xx/3xx is named; ``detail`` tells ``verify`` what to remember.
    """
    out, watch = Results(SERVICE, PHASE), Stopwatch()
    names = ("APP_URL", "HEALTHCHECK_PATH")
    try:
        require_tls(site.app_url, "APP_URL")
        if site.health_path and site.health_pinned:
            response = await send(ctx, "APP_URL", "GET", site.app_url + site.health_path)
            code = response.status_code
            if passes(code):
                message = f"APP_URL{site.health_path} answered {code}: Render's health check passes"
                out.add("backend", "ok", message, names, watch)
                return out.items
            others = [p for p in HEALTH_PATHS if p != site.health_path]
            found = _first_passing(await _answers(ctx, site, others))
            failing = " (the backend is up but failing; read its logs in the Render dashboard)"
            head = (
                f"APP_URL{site.health_path} (HEALTHCHECK_PATH) answered {code}"
                f"{failing if code >= 500 else ''}: {RENDER_RULE}"
            )
            fix = (
                f"{found[0]} answers {found[1]}: {do('vars set', 'HEALTHCHECK_PATH', found[0])}"
                if found
                else f"none of {', '.join(others)} answers 2xx/3xx either: {EXPRESS_ROUTE}"
            )
            raise ProviderError(f"{head}; {fix}")
        tried = list(
            dict.fromkeys([*([site.health_path] if site.health_path else []), *HEALTH_PATHS])
        )
        answers = await _answers(ctx, site, tried)
        found = _first_passing(answers)
        if found is None:
            if all(s is None for s in answers.values()):
                raise ProviderError(f"APP_URL did not answer on any of {', '.join(tried)}")
            got = ", ".join(
                f"{p} {s if s is not None else 'no answer'}" for p, s in answers.items()
            )
            out.add(
                "backend",
                "fail",
                f"HEALTHCHECK_PATH is not set and no usual health path answers 2xx/3xx on "
                f"APP_URL ({got}), so nothing proves the backend healthy and Render can only "
                f"wait for the port; {EXPRESS_ROUTE}",
                names,
                watch,
                UNSEEN,
            )
            return out.items
    except ProviderError as exc:
        out.error("backend", exc, names, watch)
        return out.items
    path, code = found
    out.add(
        "backend",
        "ok",
        f"APP_URL{path} answered {code} (HEALTHCHECK_PATH is not set: render.yaml and a new "
        f"Render service use {path}; pin it with {do('vars set', 'HEALTHCHECK_PATH', path)})",
        names,
        watch,
        f"{SEEN} {path} {code}",
    )
    return out.items
