"""The deployed app: APP_URL answers over https, and vercel.json proxies to it.

``check_app`` is live (``/api/health``, falling back to ``/`` when the app has no health route);
``check_vercel_json`` is offline: it reads the project's ``vercel.json``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from checklists.advice import do
from checklists.errors import ProviderError
from providers.base import CheckContext, CheckResult, Results, Stopwatch
from providers.http import require_tls, send, status_message

VARIABLES = ("APP_URL",)
#: rewrites of the plan's vercel.json that must reach the backend
PROXIED_SOURCES = ("/api/:path*", "/widget.js")


async def check_app(ctx: CheckContext) -> list[CheckResult]:
    out, watch = Results("app", "post-deploy"), Stopwatch()
    app_url = ctx.value("APP_URL").rstrip("/")
    try:
        require_tls(app_url, "APP_URL")
        response = await send(ctx, "APP_URL", "GET", f"{app_url}/api/health", entered="APP_URL")
        path = "/api/health"
        if response.status_code == 404:
            response = await send(ctx, "APP_URL", "GET", f"{app_url}/", entered="APP_URL")
            path = "/"
        if not response.is_success:
            hint = "Is the Render service deployed and live? Check its logs in the Render dashboard"
            raise ProviderError(status_message(response, "APP_URL", hint))
    except ProviderError as exc:
        out.error("reachable", exc, VARIABLES, watch)
        return out.items
    out.add(
        "reachable", "ok", f"{path} answered {response.status_code} over https", VARIABLES, watch
    )
    return out.items


def _origins(values: Mapping[str, str | None]) -> list[str]:
    # Only APP_URL: CUSTOM_DOMAIN is the site's own domain, and a rewrite to it would loop.
    found = [(values.get("APP_URL") or "").strip().rstrip("/")]
    return [o.lower() for o in found if o]


def check_vercel_json(
    values: Mapping[str, str | None], project_root: Path | None
) -> list[CheckResult]:
    """vercel.json's /api and /widget.js rewrites point at APP_URL (or the custom domain)."""
    out = Results("app", "vercel")
    names = ("APP_URL",)
    path = project_root / "vercel.json" if project_root else None
    origins = _origins(values)
    if path is None or not path.is_file() or not origins:
        return out.items
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        rewrites = doc.get("rewrites", []) if isinstance(doc, dict) else None
        if not isinstance(rewrites, list):
            raise ValueError("rewrites is not a list")
    except (OSError, ValueError, RecursionError):
        out.add(
            "vercel.json",
            "fail",
            "vercel.json is not valid JSON with a rewrites list; regenerate it: "
            f"{do('write', 'vercel')}",
            names,
        )
        return out.items
    by_source = {
        r.get("source"): str(r.get("destination", "")) for r in rewrites if isinstance(r, dict)
    }
    wrong = [
        s
        for s in PROXIED_SOURCES
        if not any(by_source.get(s, "").lower().startswith(o + "/") for o in origins)
    ]
    if wrong:
        out.add(
            "vercel.json",
            "fail",
            f"vercel.json's rewrites for {', '.join(wrong)} do not point at APP_URL; "
            f"update them: {do('write', 'vercel')}",
            names,
        )
    else:
        out.add("vercel.json", "ok", "rewrites for /api and /widget.js point at APP_URL", names)
    return out.items
