"""GitHub (optional): the token works and can see GITHUB_REPOSITORY."""

from __future__ import annotations

from providers.base import CheckContext, CheckError, CheckResult, Results, Stopwatch
from providers.http import base_url, get_json, send, status_message

VARIABLES = ("GITHUB_TOKEN", "GITHUB_REPOSITORY")
AUTH_HINT = (
    "Create a fine-grained token at GitHub > Settings > Developer settings > Personal access tokens"
)


async def check_github(ctx: CheckContext) -> list[CheckResult]:
    out, watch = Results("github", "github-actions"), Stopwatch()
    if not ctx.value("GITHUB_TOKEN"):
        out.add("repository", "skip", "set GITHUB_TOKEN to check the GitHub repository", VARIABLES)
        return out.items
    repo = ctx.value("GITHUB_REPOSITORY")
    headers = {
        "Authorization": f"Bearer {ctx.value('GITHUB_TOKEN')}",
        "Accept": "application/vnd.github+json",
        "X-GitHub-Api-Version": "2022-11-28",
    }
    try:
        base = base_url(ctx.env, "CONVOAI_SETUP_GITHUB_API", "https://api.github.com")
        if not repo:
            await get_json(ctx, "GitHub", f"{base}/user", AUTH_HINT, headers)
            out.add("repository", "warn", "token works; set GITHUB_REPOSITORY (owner/name) to check the repository too", VARIABLES, watch)  # fmt: skip
            return out.items
        response = await send(ctx, "GitHub", "GET", f"{base}/repos/{repo}", headers=headers)
        if response.status_code == 404:
            # GitHub answers 404, not 403, for private repositories a token cannot see.
            raise CheckError(f"repository {repo} not found, or the token has no access to it; check GITHUB_REPOSITORY and the token's repository access")  # fmt: skip
        if not response.is_success:
            raise CheckError(status_message(response, "GitHub", AUTH_HINT))
    except CheckError as exc:
        out.error("repository", exc, VARIABLES, watch)
        return out.items
    out.add("repository", "ok", f"token works; repository {repo} found", VARIABLES, watch)
    return out.items
