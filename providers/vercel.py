"""Vercel: its one API client (PUSH-CONTRACTS, Vercel) and the live check of the project.

Every call carries the team when VERCEL_TEAM is set (``teamId=team_…`` for an id, ``slug=`` for
anything else): without it, team-owned projects are invisible. ``POST …/env`` answers 201 even
when some variables failed, so ``failed`` is always read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import httpx

from checklists.advice import do
from checklists.errors import ProviderError, SetupError
from providers.base import CheckContext, CheckResult, Results, Stopwatch
from providers.client import ApiClient

VARIABLES = ("VERCEL_TOKEN", "VERCEL_PROJECT", "VERCEL_TEAM")
TARGETS = ("production", "preview")
#: documented fallbacks when Vercel's config endpoint gives no recommendation
DEFAULT_A, DEFAULT_CNAME = "76.76.21.21", "cname.vercel-dns.com"


def team_params(team: str | None) -> dict[str, str]:
    """``teamId`` for a ``team_…`` id, ``slug`` for anything else; {} for a personal account."""
    team = (team or "").strip()
    if not team:
        return {}
    return {"teamId": team} if team.startswith("team_") else {"slug": team}


def _quoted(part: str) -> str:
    return quote(part, safe="")


class VercelClient(ApiClient):
    """One token (and optional team) against ``CONVOAI_SETUP_VERCEL_API``."""

    label = "Vercel"
    base_env = "CONVOAI_SETUP_VERCEL_API"
    base_default = "https://api.vercel.com"
    auth_hint = (
        "Create a token at Vercel > Account Settings > Tokens (scoped to the team that owns the "
        f"project), then: {do('vars set', 'VERCEL_TOKEN')}"
    )

    def __init__(self, ctx: CheckContext, token: str, team: str | None = None) -> None:
        super().__init__(ctx, {"Authorization": f"Bearer {token}"}, team_params(team))
        self.team = (team or "").strip()

    def status_line(self, response: httpx.Response) -> str:
        if response.status_code == 403:
            # Vercel's 403 on a token: invalid, expired, or without access to this team.
            return (
                "Vercel refused the token (403): it is invalid, expired, or lacks access to this "
                f"team or project. {self.auth_hint}; set VERCEL_TEAM if the project belongs to "
                "a team"
            )
        return super().status_line(response)

    @property
    def scope(self) -> str:
        return f"team {self.team}" if self.team else "a personal account"

    async def project(self, name: str) -> dict[str, Any] | None:
        """The project by name or id; None when it does not exist (404)."""
        response = await self.request("GET", f"/v9/projects/{_quoted(name)}")
        if response.status_code == 404:
            return None
        if not response.is_success:
            raise self.fail(response, f"Reading the Vercel project {name} failed")
        doc = self.json(response)
        if not isinstance(doc, dict) or not isinstance(doc.get("id"), str):
            raise self.unexpected("a project request without a project id")
        return doc

    async def create_project(self, payload: dict[str, Any]) -> dict[str, Any]:
        """``POST /v11/projects`` (never sent twice; a 409 means the name is taken)."""
        from providers.http import error_text

        response = await self.request("POST", "/v11/projects", json=payload)
        text = error_text(response)
        if response.status_code == 400 and "github" in text.lower():
            raise ProviderError(
                f"Vercel could not link the repository (Vercel says: {text}); nothing was created.",
                "Install the Vercel GitHub app for the repository (github.com/apps/vercel), then "
                "run push again.",
            )
        if response.status_code == 409:
            raise ProviderError(
                f"The Vercel project name {payload.get('name')} is taken (409); nothing was "
                "created.",
                "Set VERCEL_TEAM to the team that owns it, or choose another VERCEL_PROJECT.",
            )
        if not response.is_success:
            raise self.fail(response, "Creating the Vercel project failed; nothing was created")
        doc = self.json(response)
        if not isinstance(doc, dict) or not isinstance(doc.get("id"), str):
            raise ProviderError(
                "Vercel created the project but did not answer with its id; re-run push."
            )
        return doc

    async def envs(self, project_id: str) -> list[dict[str, Any]]:
        doc = await self.get(
            f"/v10/projects/{project_id}/env", "Listing the Vercel project's variables failed"
        )
        envs = doc.get("envs") if isinstance(doc, dict) else None
        return [e for e in envs if isinstance(e, dict)] if isinstance(envs, list) else []

    async def env_value(self, project_id: str, env: Mapping[str, Any]) -> str | None:
        """A variable's plaintext: ``plain`` ones are in the list; others need their own GET
        (which may still have no value: ``sensitive`` ones are never readable)."""
        if env.get("type") == "plain" and isinstance(env.get("value"), str):
            return str(env["value"])
        if env.get("type") == "sensitive" or not env.get("id"):
            return None
        doc = await self.get(
            f"/v1/projects/{project_id}/env/{env['id']}",
            f"Reading {env.get('key')} from Vercel failed",
        )
        value = doc.get("value") if isinstance(doc, dict) else None
        return value if isinstance(value, str) else None

    async def upsert(self, project_id: str, items: list[dict[str, Any]]) -> None:
        """``POST …/env?upsert=true`` (an upsert: sent again after a dropped connection);
        raises when any variable is in ``failed``, even on 201."""
        response = await self.request(
            "POST",
            f"/v10/projects/{project_id}/env",
            {"upsert": "true"},
            json=items,
            idempotent=True,
        )
        if not response.is_success:
            raise self.fail(response, "Setting variables on Vercel failed")
        doc = self.json(response)
        failed = doc.get("failed") if isinstance(doc, dict) else None
        if failed:
            why = []
            for f in failed if isinstance(failed, list) else []:
                err = f.get("error", {}) if isinstance(f, dict) else {}
                key = err.get("key") or err.get("envVarKey") or "?"
                why.append(f"{key}: {err.get('message') or err.get('code') or 'failed'}")
            raise ProviderError(
                f"Vercel accepted the request but did not set {'; '.join(why) or 'some variables'}.",
                "Fix that and run push again.",
            )

    async def latest_production(self, project_id: str) -> dict[str, Any] | None:
        """The newest READY production deployment, or None."""
        params = {"projectId": project_id, "target": "production", "state": "READY", "limit": 1}
        doc = await self.get("/v6/deployments", "Listing Vercel deployments failed", params)
        items = doc.get("deployments") if isinstance(doc, dict) else None
        ready = [d for d in items if isinstance(d, dict)] if isinstance(items, list) else []
        return max(ready, key=lambda d: d.get("created") or 0) if ready else None

    async def redeploy(self, project: str, deployment: Mapping[str, Any]) -> dict[str, Any]:
        """Rebuild ``deployment`` of ``project`` (its name) for production, as
        ``vercel redeploy`` does (never sent twice: a second one would be a second build)."""
        body = {
            "name": project,
            "deploymentId": deployment.get("uid") or deployment.get("id"),
            "target": "production",
            "meta": {"action": "redeploy"},
        }
        response = await self.request("POST", "/v13/deployments", {"forceNew": 1}, json=body)
        if not response.is_success:
            raise self.fail(response, "Starting a Vercel redeploy failed")
        doc = self.json(response)
        if not isinstance(doc, dict) or not doc.get("id"):
            raise ProviderError(
                "Vercel started a deployment but did not answer with its id; see the project's "
                "Deployments tab."
            )
        return doc

    async def deployment(self, deployment_id: str) -> dict[str, Any]:
        doc = await self.get(
            f"/v13/deployments/{deployment_id}", f"Reading Vercel deployment {deployment_id} failed"
        )
        if not isinstance(doc, dict):
            raise self.unexpected("a deployment request without a deployment")
        return doc

    async def production_domains(self, project: str) -> list[dict[str, Any]]:
        """The project's production domains (``GET /v9/projects/{p}/domains?production=true``,
        Vercel's REST reference: its ``.vercel.app`` domain and any custom one)."""
        doc = await self.get(
            f"/v9/projects/{_quoted(project)}/domains",
            "Listing the Vercel project's domains failed",
            {"production": "true"},
        )
        domains = doc.get("domains") if isinstance(doc, dict) else None
        return [d for d in domains if isinstance(d, dict)] if isinstance(domains, list) else []

    # -- custom domains -----------------------------------------------------------------------
    async def add_domain(self, project: str, domain: str) -> dict[str, Any]:
        """Add ``domain`` to the project; one it already has is fine (idempotent)."""
        path = f"/v10/projects/{_quoted(project)}/domains"
        response = await self.request("POST", path, json={"name": domain})
        if response.is_success:
            return self._object(response)
        if response.status_code in (400, 409):
            existing = await self.request(
                "GET", f"/v9/projects/{_quoted(project)}/domains/{_quoted(domain)}"
            )
            if existing.is_success:
                return self._object(existing)
        raise self.fail(response, f"Adding {domain} to the Vercel project failed")

    async def domain_config(self, project: str, domain: str) -> dict[str, Any]:
        doc = await self.get(
            f"/v6/domains/{_quoted(domain)}/config",
            f"Reading the DNS configuration of {domain} failed",
            {"projectIdOrName": project},
        )
        if not isinstance(doc, dict):
            raise self.unexpected("a domain configuration request without an object")
        return doc

    async def domain_waiting_for(self, project: str, domain: str) -> str:
        """What the domain still lacks ("" once verified and configured): ownership is
        re-checked (POST …/verify) until the TXT record is seen, then the A/CNAME record."""
        path = f"/v9/projects/{_quoted(project)}/domains/{_quoted(domain)}"
        verified = bool(
            (await self.get(path, f"Reading {domain} on Vercel failed")).get("verified")
        )
        if not verified:
            attempt = await self.request("POST", f"{path}/verify", idempotent=True)
            if attempt.status_code not in (200, 400):
                raise self.fail(attempt, f"Verifying {domain} on Vercel failed")
            verified = attempt.status_code == 200 and bool(
                self._object(attempt).get("verified", True)
            )
        if not verified:
            return "the TXT verification record"
        if (await self.domain_config(project, domain)).get("misconfigured", True):
            return "the A/CNAME record"
        return ""

    def _object(self, response: httpx.Response) -> dict[str, Any]:
        body = self.json(response)
        if not isinstance(body, dict):
            raise self.unexpected(f"{response.status_code} with an unexpected body")
        return body


async def check_vercel(ctx: CheckContext) -> list[CheckResult]:
    """The token works and the project VERCEL_PROJECT exists (in VERCEL_TEAM when set)."""
    out, watch = Results("vercel", "vercel"), Stopwatch()
    if not ctx.value("VERCEL_TOKEN"):
        out.add("project", "skip", "set VERCEL_TOKEN to check the Vercel project", VARIABLES)
        return out.items
    name = ctx.value("VERCEL_PROJECT")
    try:
        api = VercelClient(ctx, ctx.value("VERCEL_TOKEN"), ctx.value("VERCEL_TEAM"))
        if not name:
            await api.get("/v2/user", "Reading the Vercel user failed")
            out.add(
                "project",
                "warn",
                "token works; set VERCEL_PROJECT to check the project too",
                VARIABLES,
                watch,
            )
            return out.items
        project = await api.project(name)
    except SetupError as exc:
        out.error("project", exc, VARIABLES, watch)
        return out.items
    if project is None:
        scope = api.scope if api.team else "a personal account (set VERCEL_TEAM if a team owns it)"
        out.add(
            "project",
            "fail",
            f"token works but no project named {name} is visible to it in {scope}; check "
            "VERCEL_PROJECT and VERCEL_TEAM",
            VARIABLES,
            watch,
        )
    else:
        out.add("project", "ok", f"token works; project {name} found", VARIABLES, watch)
    return out.items
