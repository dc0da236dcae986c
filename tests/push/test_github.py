"""GitHub read-back: the workflow on the default branch, the latest run, renames and rate limits."""

from __future__ import annotations

import base64
import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from providers.github import check_github
from tests.conftest import EXAMPLE, FAKE_SECRETS
from tests.providers.conftest import run_provider
from tests.providers.fakes import bearer, json_response
from wizard.outputs.workflow import read_package_json, render_ci_workflow

TOKEN = FAKE_SECRETS["GITHUB_TOKEN"]


@dataclass
class FakeGitHub:
    """Repositories (with renames), file contents on the default branch, workflow runs."""

    base: str
    repos: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: old full name -> repository id it now answers to (a 301, as GitHub documents)
    renamed: dict[str, int] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    runs: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    #: "primary" | "secondary" | "forbidden" | None
    limit: str | None = None

    def handle(self, request: Request) -> Response:
        if bearer(request) != TOKEN:
            return json_response({"message": "Bad credentials"}, 401)
        if self.limit == "primary":
            return json_response(
                {"message": "API rate limit exceeded for user ID 1."},
                403,
                {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1893456000"},
            )
        if self.limit == "secondary":
            return json_response(
                {
                    "message": "You have exceeded a secondary rate limit. Please wait a few minutes "
                    "before you try again."
                },
                429,
                {"retry-after": "60"},
            )
        if self.limit == "forbidden":
            return json_response(
                {"message": "Resource not accessible by personal access token"},
                403,
                {"x-ratelimit-remaining": "4999"},
            )
        path = request.path
        if m := re.fullmatch(r"/repositories/(\d+)", path):
            repo = next((r for r in self.repos.values() if r["id"] == int(m[1])), None)
            return json_response(repo) if repo else json_response({"message": "Not Found"}, 404)
        m = re.fullmatch(r"/repos/([^/]+/[^/]+)(/.*)?", path)
        if not m:
            return json_response({"message": "Not Found"}, 404)
        full, rest = m[1], m[2] or ""
        if full in self.renamed and not rest:
            return Response(
                status=301, headers={"Location": f"{self.base}/repositories/{self.renamed[full]}"}
            )
        if full not in self.repos:
            return json_response({"message": "Not Found"}, 404)
        if not rest:
            return json_response(self.repos[full])
        if rest == "/contents/.github/workflows/ci.yml":
            text = self.files.get(full)
            if text is None:
                return json_response({"message": "Not Found"}, 404)
            encoded = base64.encodebytes(text.encode()).decode()  # with newlines, as GitHub sends
            return json_response(
                {"type": "file", "encoding": "base64", "content": encoded, "sha": "abc"}
            )
        if rest == "/actions/workflows/ci.yml/runs" and request.args.get("branch") == "main":
            runs = self.runs.get(full, [])
            return json_response({"total_count": len(runs), "workflow_runs": runs[:1]})
        return json_response({"message": "Not Found"}, 404)


def setup(server: HTTPServer, tmp_path: Path) -> tuple[FakeGitHub, Path, dict[str, str]]:
    base = server.url_for("").rstrip("/")
    fake = FakeGitHub(base)
    server.expect_request(re.compile(r"^/.*")).respond_with_handler(fake.handle)
    project = tmp_path / "convoai"
    shutil.copytree(EXAMPLE, project)
    ci = project / ".github" / "workflows" / "ci.yml"
    ci.parent.mkdir(parents=True)
    ci.write_text(render_ci_workflow(read_package_json(project / "package.json")))
    fake.repos["acme/convoai"] = {"id": 7, "full_name": "acme/convoai", "default_branch": "main"}
    return fake, project, {"CONVOAI_SETUP_GITHUB_API": base}


def by_check(results: list[Any]) -> dict[str, tuple[str, str]]:
    return {r.check: (r.outcome, r.message) for r in results}


VALUES = {"GITHUB_TOKEN": TOKEN, "GITHUB_REPOSITORY": "acme/convoai"}


async def test_workflow_on_main_and_latest_run(
    https_server: HTTPServer, tls_env: dict[str, str], tmp_path: Path
) -> None:
    fake, project, env = setup(https_server, tmp_path)
    env = {**tls_env, **env}
    got = by_check(await run_provider(check_github, VALUES, env, project_root=project))
    assert got["workflow"][0] == "warn" and "is not on main" in got["workflow"][1]
    assert (
        "git add .github/workflows/ci.yml && git commit -m 'CI workflow from "
        "convoai-setup' && git push origin main" in got["workflow"][1]
    )
    assert got["latest run"][0] == "warn"

    fake.files["acme/convoai"] = (project / ".github/workflows/ci.yml").read_text()
    link = "https://github.com/acme/convoai/actions/runs/99"
    fake.runs["acme/convoai"] = [
        {
            "id": 99,
            "head_sha": "abc",
            "status": "completed",
            "conclusion": "success",
            "html_url": link,
        }
    ]
    got = by_check(await run_provider(check_github, VALUES, env, project_root=project))
    assert got["workflow"] == (
        "ok",
        ".github/workflows/ci.yml on main is the one convoai-setup wrote",
    )
    assert got["latest run"] == ("ok", f"the latest CI run on main succeeded: {link}")

    fake.files["acme/convoai"] += "# edited on GitHub\n"
    fake.runs["acme/convoai"][0]["conclusion"] = "failure"
    got = by_check(await run_provider(check_github, VALUES, env, project_root=project))
    assert (
        got["workflow"][0] == "warn"
        and "differs" in got["workflow"][1]
        and "git push origin main" in got["workflow"][1]
    )
    assert got["latest run"] == (
        "fail",
        f"the latest CI run on main ended failure; read it at {link}",
    )


async def test_renamed_repository_is_followed_and_named(
    https_server: HTTPServer, tls_env: dict[str, str], tmp_path: Path
) -> None:
    fake, project, env = setup(https_server, tmp_path)
    fake.repos["acme/convoai-app"] = fake.repos.pop("acme/convoai") | {
        "full_name": "acme/convoai-app"
    }
    fake.renamed["acme/convoai"] = 7
    fake.files["acme/convoai-app"] = (project / ".github/workflows/ci.yml").read_text()
    results = by_check(
        await run_provider(check_github, VALUES, {**tls_env, **env}, project_root=project)
    )
    assert results["repository"] == (
        "warn",
        "repository acme/convoai was renamed or moved to acme/convoai-app; set "
        "GITHUB_REPOSITORY=acme/convoai-app",
    )
    assert results["workflow"][0] == "ok"  # read under the new name


async def test_rate_limits_are_not_permission_problems(
    https_server: HTTPServer, tls_env: dict[str, str], tmp_path: Path
) -> None:
    fake, project, env = setup(https_server, tmp_path)
    env = {**tls_env, **env}
    messages = {}
    for mode in ("primary", "secondary", "forbidden"):
        fake.limit = mode
        [result] = await run_provider(check_github, VALUES, env, project_root=project)
        assert result.outcome == "fail"
        messages[mode] = result.message
    assert (
        "GitHub's rate limit was reached (403), not a permission problem; it resets at 00:00 UTC"
        in messages["primary"]
    )
    assert (
        "secondary rate limit was reached (429)" in messages["secondary"]
        and "retry in 60s" in messages["secondary"]
    )
    assert "lacks permission" in messages["forbidden"] and "rate limit" not in messages["forbidden"]
    assert TOKEN not in json.dumps(messages)
