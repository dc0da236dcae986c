"""The stand-ins of the world that extend the suite's own: Stripe (prices and webhook endpoints in
one account), Render (what each deploy runs with), and GitHub (a repository whose default branch
holds what was pushed, and the CI runs a push starts).
"""

from __future__ import annotations

import base64
import re
import secrets
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from werkzeug import Request, Response

from tests.providers.fakes import bearer, json_response
from tests.provision.openapi_check import Recorded, decode, record
from tests.provision.stripe_standin import StripeStandIn, error
from tests.push.fake_render import FakeRender
from tests.push.fake_vercel import FakeVercel

ENDPOINT = re.compile(r"/v1/webhook_endpoints/(we_\w+)")


@dataclass
class StripeWorld(StripeStandIn):
    """Prices (the provision stand-in) and, in the same account, webhook endpoints as Stripe
    keeps them: the signing secret is in the creation answer only; ``POST …/{id}`` changes the
    URL and keeps the secret; every POST honours its ``Idempotency-Key``."""

    endpoints: dict[str, dict[str, Any]] = field(default_factory=dict)

    def handle(self, request: Request) -> Response:
        path = request.path
        if path != "/v1/webhook_endpoints" and not ENDPOINT.fullmatch(path):
            return super().handle(request)
        rec = record(request)
        with self.lock:
            self.log.append(rec)
            if rec.headers.get("Authorization", "") != f"Bearer {self.key}":
                return error("Invalid API Key provided: sk_test_****1234", 401)
            found = ENDPOINT.fullmatch(path)
            if found is None and rec.method == "GET":
                listed = [self.public(e) for e in reversed(self.endpoints.values())]
                body = {"object": "list", "data": listed, "has_more": False, "url": path}
                return json_response(body)
            if found is None and rec.method == "POST":
                return self.idempotent(rec, self.create_endpoint)
            if found is None:
                return error(f"Unrecognized request URL ({rec.method}: {path}).", 404)
            endpoint = self.endpoints.get(found.group(1))
            if endpoint is None:
                message = f"No such webhook endpoint: '{found.group(1)}'"
                return error(message, 404, code="resource_missing")
            if rec.method == "GET":
                return json_response(self.public(endpoint))
            if rec.method == "POST":
                return self.idempotent(rec, lambda r: self.update_endpoint(endpoint, r))
            return error(f"Unrecognized request URL ({rec.method}: {path}).", 404)

    @staticmethod
    def public(endpoint: Mapping[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in endpoint.items() if k != "secret"}

    def create_endpoint(self, rec: Recorded) -> Response:
        form = decode(rec.form)
        url, events = form.get("url"), form.get("enabled_events")
        if not isinstance(url, str) or not url.startswith("https://"):
            return error("Invalid URL: must be https", param="url")
        if not isinstance(events, list) or not events:
            return error("Missing required param: enabled_events.", param="enabled_events")
        endpoint = {
            "id": f"we_{secrets.token_hex(12)}",
            "object": "webhook_endpoint",
            "url": url,
            "enabled_events": events,
            "livemode": self.live,
            "status": "enabled",
            "secret": f"whsec_{secrets.token_hex(16)}",
        }
        self.endpoints[endpoint["id"]] = endpoint
        return json_response(endpoint)

    def update_endpoint(self, endpoint: dict[str, Any], rec: Recorded) -> Response:
        form = decode(rec.form)
        if "url" in form:
            endpoint["url"] = form["url"]
        return json_response(self.public(endpoint))


@dataclass
class RenderWorld(FakeRender):
    """Render, remembering the variables each deploy was started with: a running service sees
    its variables as of its live deploy, not as of the last write."""

    #: deploy id -> the service's variables when it started
    deployed_env: dict[str, dict[str, str]] = field(default_factory=dict)

    def _new_deploy(self, sid: str) -> dict[str, Any]:
        deploy = super()._new_deploy(sid)
        self.deployed_env[deploy["id"]] = dict(self.env[sid])
        return deploy

    def live_env(self, sid: str) -> dict[str, str]:
        """The variables of the service's newest live deploy ({} before one is live)."""
        for deploy in self.deploys.get(sid, []):  # newest first
            if deploy["status"] == "live":
                return self.deployed_env.get(deploy["id"], {})
        return {}

    def git_push(self, repo: str, branch: str) -> None:
        """Render's auto-deploy: a push to the branch a service builds starts a deploy."""
        with self.lock:
            for sid, service in self.services.items():
                if service.get("repo") == f"https://github.com/{repo}":
                    self._new_deploy(sid)


@dataclass
class VercelWorld(FakeVercel):
    """Vercel with its Git integration: a project created from a repository gets a production
    deployment when its production branch is pushed (the API creates none by itself)."""

    def git_push(self, repo: str, branch: str) -> None:
        with self.lock:
            linked = {
                str(body["name"])
                for body in self.created
                if (body.get("gitRepository") or {}).get("repo") == repo
            }
            for pid, project in self.projects.items():
                if project["name"] in linked:
                    self.deployments.append(
                        {
                            "uid": self._id("dpl_"),
                            "name": project["name"],
                            "projectId": pid,
                            "target": "production",
                            "readyState": "READY",
                            "url": f"{project['name']}-git-{branch}.vercel.app",
                            "created": self._n,
                            "step": 9,
                        }
                    )


@dataclass
class GitHubWorld:
    """One repository: its default branch's files (what a ``git push`` put there), and the CI
    runs pushes start. Read only for the wizard, as GitHub is to it."""

    token: str
    repo: str = "acme/convoai"
    branch: str = "main"
    #: path -> text on the default branch
    tree: dict[str, str] = field(default_factory=dict)
    runs: list[dict[str, Any]] = field(default_factory=list)
    log: list[tuple[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def push(self, files: Mapping[str, str]) -> None:
        """What ``git push origin main`` does to the branch (the CI run it starts passes)."""
        with self.lock:
            self.tree.update(files)
            n = len(self.runs) + 1
            self.runs.insert(
                0,
                {
                    "id": n,
                    "status": "completed",
                    "conclusion": "success",
                    "head_branch": self.branch,
                    "html_url": f"https://github.com/{self.repo}/actions/runs/{n}",
                },
            )

    def handle(self, request: Request) -> Response:
        with self.lock:
            self.log.append((request.method, request.path))
            if bearer(request) != self.token:
                return json_response({"message": "Bad credentials"}, 401)
            base = f"/repos/{self.repo}"
            path = request.path
            if path == base and request.method == "GET":
                return json_response(
                    {
                        "id": 1,
                        "full_name": self.repo,
                        "private": True,
                        "default_branch": self.branch,
                    }
                )
            if path.startswith(base + "/contents/") and request.method == "GET":
                wanted = path.removeprefix(base + "/contents/")
                ref = request.args.get("ref", self.branch)
                text = self.tree.get(wanted) if ref == self.branch else None
                if text is None:
                    return json_response({"message": "Not Found", "status": "404"}, 404)
                encoded = base64.encodebytes(text.encode()).decode()  # wrapped, as GitHub does
                return json_response(
                    {"type": "file", "path": wanted, "encoding": "base64", "content": encoded}
                )
            if path == base + "/actions/workflows/ci.yml/runs" and request.method == "GET":
                if ".github/workflows/ci.yml" not in self.tree:
                    return json_response({"message": "Not Found", "status": "404"}, 404)
                branch = request.args.get("branch")
                runs = [r for r in self.runs if branch in (None, r["head_branch"])]
                limit = int(request.args.get("per_page", 30))
                return json_response({"total_count": len(runs), "workflow_runs": runs[:limit]})
            return json_response({"message": "Not Found", "status": "404"}, 404)
