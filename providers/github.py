"""GitHub (optional): the token can see GITHUB_REPOSITORY, the CI workflow on its default branch
is the one convoai-setup wrote, and the latest CI run on main passed. Read only: nothing is written.

A renamed or transferred repository answers 301 with the new location: it is followed (on the
same API host only, the token goes nowhere else) and the new name reported. A 403/429 with
``x-ratelimit-remaining: 0`` or "secondary rate limit" is a rate limit, not a permission problem.
"""

from __future__ import annotations

import asyncio
import base64
import time
from typing import Any

import httpx

from checklists.advice import do
from checklists.errors import ProviderError, SetupError
from providers.base import CheckContext, CheckResult, Results, Stopwatch
from providers.client import ApiClient
from providers.http import error_text

VARIABLES = ("GITHUB_TOKEN", "GITHUB_REPOSITORY")
AUTH_HINT = (
    "Create a fine-grained token at GitHub > Settings > Developer settings > Personal access tokens"
)
WORKFLOW = ".github/workflows/ci.yml"


def rate_limit_message(response: httpx.Response) -> str | None:
    """The one line for a rate-limited answer, or None when it is not one."""
    if response.status_code not in (403, 429):
        return None
    remaining = response.headers.get("x-ratelimit-remaining")
    secondary = "secondary rate limit" in error_text(response).lower()
    if remaining != "0" and not secondary:
        return None
    after = response.headers.get("retry-after", "").strip()
    reset = response.headers.get("x-ratelimit-reset", "").strip()
    if after.isdigit():
        when = f"retry in {after}s"
    elif reset.isdigit():
        when = f"it resets at {time.strftime('%H:%M', time.gmtime(int(reset)))} UTC: retry then"
    else:
        when = "wait a minute and retry"
    kind = "secondary rate limit" if secondary else "rate limit"
    return f"GitHub's {kind} was reached ({response.status_code}), not a permission problem; {when}"


class GitHubClient(ApiClient):
    """One token against ``CONVOAI_SETUP_GITHUB_API`` (default ``https://api.github.com``).

    A 403/429 that is a rate limit is said as one (``rate_limit_message``), not as a permission
    problem; a renamed repository (301) is followed on the same API host only.
    """

    label = "GitHub"
    base_env = "CONVOAI_SETUP_GITHUB_API"
    base_default = "https://api.github.com"
    auth_hint = AUTH_HINT

    def __init__(self, ctx: CheckContext, token: str) -> None:
        headers = {
            "Authorization": f"Bearer {token}",
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
        }
        super().__init__(ctx, headers)

    def status_line(self, response: httpx.Response) -> str:
        return rate_limit_message(response) or super().status_line(response)

    async def repository(self, repo: str) -> dict[str, Any]:
        """The repository document, following GitHub's 301 for a renamed or moved repository."""
        response = await self.request("GET", f"/repos/{repo}")
        if response.status_code in (301, 302, 307):
            location = response.headers.get("Location", "")
            if not location.startswith(self.base + "/"):
                raise ProviderError(
                    f"GitHub moved {repo} to a location outside its API; open it on github.com "
                    "and set GITHUB_REPOSITORY to its new owner/name"
                )
            response = await self.request("GET", location)
        if response.status_code == 404:
            # GitHub answers 404, not 403, for private repositories a token cannot see.
            raise ProviderError(
                f"repository {repo} not found, or the token has no access to it; check "
                "GITHUB_REPOSITORY and the token's repository access"
            )
        if not response.is_success:
            raise ProviderError(self.status_line(response))
        doc = self.json(response)
        if not isinstance(doc, dict):
            raise self.unexpected("a repository request without a repository")
        return doc

    async def file(self, repo: str, path: str, ref: str | None = None) -> str | None:
        """A file's text on the default branch (or ``ref``); None when it is not there."""
        params = {"ref": ref} if ref else None
        response = await self.request("GET", f"/repos/{repo}/contents/{path}", params)
        if response.status_code == 404:
            return None
        if not response.is_success:
            raise ProviderError(self.status_line(response))
        doc = self.json(response)
        content = doc.get("content") if isinstance(doc, dict) else None
        if not isinstance(content, str):
            raise ProviderError(f"GitHub answered {path} without its content")
        return base64.b64decode("".join(content.split())).decode("utf-8", "replace")

    async def latest_run(self, repo: str, workflow: str, branch: str) -> dict[str, Any] | None:
        """The newest run of ``workflow`` on ``branch``; None when it never ran (or is absent)."""
        response = await self.request(
            "GET",
            f"/repos/{repo}/actions/workflows/{workflow}/runs",
            {"branch": branch, "per_page": 1},
        )
        if response.status_code == 404:
            return None
        if not response.is_success:
            raise ProviderError(self.status_line(response))
        doc = self.json(response)
        runs = doc.get("workflow_runs") if isinstance(doc, dict) else None
        first = runs[0] if isinstance(runs, list) and runs else None
        return first if isinstance(first, dict) else {}


def _local_workflow(ctx: CheckContext) -> str | None:
    path = ctx.project_root / WORKFLOW if ctx.project_root else None
    try:
        return path.read_text(encoding="utf-8") if path else None
    except OSError:
        return None


async def _workflow(
    ctx: CheckContext, out: Results, api: GitHubClient, repo: str, branch: str
) -> None:
    watch, push = Stopwatch(), f"git push origin {branch}"
    add = f"git add {WORKFLOW} && git commit -m 'CI workflow from convoai-setup' && {push}"
    local = _local_workflow(ctx)
    try:
        remote = await api.file(repo, WORKFLOW)
    except ProviderError as exc:
        out.error("workflow", exc, VARIABLES, watch)
        return
    if remote is None:
        first = "" if local is not None else f"{do('write', 'ci')}, then "
        out.add(
            "workflow",
            "warn",
            f"{WORKFLOW} is not on {branch}; run: {first}{add}",
            VARIABLES,
            watch,
        )
    elif local is None:
        out.add(
            "workflow",
            "warn",
            f"{WORKFLOW} is on {branch} but not in this checkout; run {do('write', 'ci')} to "
            "compare",
            VARIABLES,
            watch,
        )
    elif remote == local:
        out.add(
            "workflow",
            "ok",
            f"{WORKFLOW} on {branch} is the one convoai-setup wrote",
            VARIABLES,
            watch,
        )
    else:
        out.add(
            "workflow",
            "warn",
            f"{WORKFLOW} on {branch} differs from this checkout's; run: {add}",
            VARIABLES,
            watch,
        )


async def _latest_run(ctx: CheckContext, out: Results, api: GitHubClient, repo: str) -> None:
    watch = Stopwatch()
    try:
        run = await api.latest_run(repo, "ci.yml", "main")
    except ProviderError as exc:
        out.error("latest run", exc, VARIABLES, watch)
        return
    if run is None:
        out.add(
            "latest run",
            "warn",
            "no CI workflow has run on main yet (push the workflow first)",
            VARIABLES,
            watch,
        )
        return
    if not run:
        out.add(
            "latest run",
            "warn",
            "no CI run on main yet; push to main to start one",
            VARIABLES,
            watch,
        )
        return
    link, status, conclusion = run.get("html_url") or "", run.get("status"), run.get("conclusion")
    if status != "completed":
        out.add(
            "latest run", "warn", f"the latest CI run on main is {status}: {link}", VARIABLES, watch
        )
    elif conclusion in ("success", "skipped", "neutral"):
        out.add(
            "latest run", "ok", f"the latest CI run on main succeeded: {link}", VARIABLES, watch
        )
    else:
        out.add(
            "latest run",
            "fail",
            f"the latest CI run on main ended {conclusion}; read it at {link}",
            VARIABLES,
            watch,
        )


async def check_github(ctx: CheckContext) -> list[CheckResult]:
    out, watch = Results("github", "github-actions"), Stopwatch()
    if not ctx.value("GITHUB_TOKEN"):
        out.add("repository", "skip", "set GITHUB_TOKEN to check the GitHub repository", VARIABLES)
        return out.items
    repo = ctx.value("GITHUB_REPOSITORY")
    try:
        api = GitHubClient(ctx, ctx.value("GITHUB_TOKEN"))
        if not repo:
            await api.get("/user", "Reading the GitHub user failed")
            out.add(
                "repository",
                "warn",
                "token works; set GITHUB_REPOSITORY (owner/name) to check the repository too",
                VARIABLES,
                watch,
            )
            return out.items
        doc = await api.repository(repo)
    except SetupError as exc:
        out.error("repository", exc, VARIABLES, watch)
        return out.items
    current = str(doc.get("full_name") or repo)
    if current.lower() != repo.lower():
        out.add(
            "repository",
            "warn",
            f"repository {repo} was renamed or moved to {current}; set GITHUB_REPOSITORY={current}",
            VARIABLES,
            watch,
        )
    else:
        out.add("repository", "ok", f"token works; repository {repo} found", VARIABLES, watch)
    branch = str(doc.get("default_branch") or "main")
    # The two read-backs are independent: one round trip for both, results in a fixed order.
    workflow, run = Results(out.service, out.phase), Results(out.service, out.phase)
    await asyncio.gather(
        _workflow(ctx, workflow, api, current, branch),
        _latest_run(ctx, run, api, current),
    )
    return [*out.items, *workflow.items, *run.items]
