"""Vercel (optional): the token works and the project VERCEL_PROJECT exists.

Team-owned projects are visible only with the team named on the request: VERCEL_TEAM is sent
as ``teamId`` (``team_…``) or ``slug`` on every call.
"""

from __future__ import annotations

from urllib.parse import quote

from providers.base import CheckContext, CheckError, CheckResult, Results, Stopwatch
from providers.http import base_url, json_body, send, status_message
from providers.vercel_api import forbidden_message, team_params

VARIABLES = ("VERCEL_TOKEN", "VERCEL_PROJECT", "VERCEL_TEAM")
AUTH_HINT = "Create a token at Vercel > Account Settings > Tokens"


async def check_vercel(ctx: CheckContext) -> list[CheckResult]:
    out, watch = Results("vercel", "vercel"), Stopwatch()
    if not ctx.value("VERCEL_TOKEN"):
        out.add("project", "skip", "set VERCEL_TOKEN to check the Vercel project", VARIABLES)
        return out.items
    project = ctx.value("VERCEL_PROJECT")
    headers = {"Authorization": f"Bearer {ctx.value('VERCEL_TOKEN')}"}
    team = team_params(ctx.value("VERCEL_TEAM"))
    try:
        base = base_url(ctx.env, "CONVOAI_SETUP_VERCEL_API", "https://api.vercel.com")
        path = f"/v9/projects/{quote(project, safe='')}" if project else "/v2/user"
        response = await send(ctx, "Vercel", "GET", base + path, headers=headers, params=team)
        if response.status_code == 403:
            raise CheckError(forbidden_message())
        if response.status_code == 404 and project:
            scope = (
                f"team {ctx.value('VERCEL_TEAM')}"
                if team
                else "a personal account (set VERCEL_TEAM if a team owns it)"
            )
            raise CheckError(
                f"token works but no project named {project} is visible to it in {scope}; "
                "check VERCEL_PROJECT and VERCEL_TEAM"
            )
        if not response.is_success:
            raise CheckError(status_message(response, "Vercel", AUTH_HINT))
        json_body(response, "Vercel")
        if not project:
            out.add(
                "project",
                "warn",
                "token works; set VERCEL_PROJECT to check the project too",
                VARIABLES,
                watch,
            )
            return out.items
    except CheckError as exc:
        out.error("project", exc, VARIABLES, watch)
        return out.items
    out.add("project", "ok", f"token works; project {project} found", VARIABLES, watch)
    return out.items
