"""Vercel (optional): the token works and the project VERCEL_PROJECT exists."""

from __future__ import annotations

from urllib.parse import quote

from providers.base import CheckContext, CheckError, CheckResult, Results, Stopwatch
from providers.http import base_url, get_json, send, status_message

VARIABLES = ("VERCEL_TOKEN", "VERCEL_PROJECT")
AUTH_HINT = "Create a token at Vercel > Account Settings > Tokens"


async def check_vercel(ctx: CheckContext) -> list[CheckResult]:
    out, watch = Results("vercel", "vercel"), Stopwatch()
    if not ctx.value("VERCEL_TOKEN"):
        out.add("project", "skip", "set VERCEL_TOKEN to check the Vercel project", VARIABLES)
        return out.items
    project = ctx.value("VERCEL_PROJECT")
    headers = {"Authorization": f"Bearer {ctx.value('VERCEL_TOKEN')}"}
    try:
        base = base_url(ctx.env, "CONVOAI_SETUP_VERCEL_API", "https://api.vercel.com")
        if not project:
            await get_json(ctx, "Vercel", f"{base}/v2/user", AUTH_HINT, headers)
            out.add("project", "warn", "token works; set VERCEL_PROJECT to check the project too", VARIABLES, watch)  # fmt: skip
            return out.items
        response = await send(ctx, "Vercel", "GET", f"{base}/v9/projects/{quote(project, safe='')}", headers=headers)  # fmt: skip
        if response.status_code == 404:
            raise CheckError(f"token works but no project named {project} is visible to it; check VERCEL_PROJECT (and the token's team scope)")  # fmt: skip
        if not response.is_success:
            raise CheckError(status_message(response, "Vercel", AUTH_HINT))
    except CheckError as exc:
        out.error("project", exc, VARIABLES, watch)
        return out.items
    out.add("project", "ok", f"token works; project {project} found", VARIABLES, watch)
    return out.items
