"""Vercel's REST API as ``push`` uses it (PUSH-CONTRACTS, Vercel): projects, env, deployments.

Every call carries the team (``teamId=team_…`` or ``slug=``) when VERCEL_TEAM is set: without
it, team-owned projects are invisible. ``POST …/env`` answers 201 even when some variables
failed, so ``failed`` is always read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import httpx

from providers.api_call import GONE, Gone, call, json_of
from providers.base import CheckContext, CheckError, ProviderError
from providers.http import base_url, error_text, status_message

LABEL = "Vercel"
AUTH_HINT = (
    "Create a token at Vercel > Account Settings > Tokens (scoped to the team that owns the "
    "project), then: convoai-setup vars set VERCEL_TOKEN"
)
TARGETS = ("production", "preview")


def team_params(team: str | None) -> dict[str, str]:
    """``teamId`` for a ``team_…`` id, ``slug`` for anything else; {} for a personal account."""
    team = (team or "").strip()
    if not team:
        return {}
    return {"teamId": team} if team.startswith("team_") else {"slug": team}


def forbidden_message(label: str = LABEL) -> str:
    """Vercel's 403 on a token check: the token may be invalid, expired or lack the scope."""
    return (
        f"{label} refused the token (403): it is invalid, expired, or lacks access to this "
        f"team or project. {AUTH_HINT}; set VERCEL_TEAM if the project belongs to a team"
    )


class VercelApi:
    """One token (and optional team) against ``CONVOAI_SETUP_VERCEL_API``."""

    def __init__(self, ctx: CheckContext, token: str, team: str | None = None) -> None:
        try:
            self.base = base_url(ctx.env, "CONVOAI_SETUP_VERCEL_API", "https://api.vercel.com")
        except CheckError as exc:
            raise ProviderError(exc.message) from None
        self.ctx = ctx
        self.headers = {"Authorization": f"Bearer {token}"}
        self.team = team_params(team)
        self.writes: list[tuple[str, str]] = []

    async def _request(
        self, method: str, path: str, params: Mapping[str, str | int] | None = None, **kwargs: Any
    ) -> httpx.Response:
        if method != "GET":
            self.writes.append((method, path))
        query = {**self.team, **(params or {})}
        return await call(
            self.ctx, LABEL, method, self.base + path, headers=self.headers, params=query, **kwargs
        )

    def _fail(self, response: httpx.Response, doing: str) -> ProviderError:
        line = (
            forbidden_message()
            if response.status_code == 403
            else status_message(response, LABEL, AUTH_HINT)
        )
        text = error_text(response)
        message = f"{doing}: {line}" + (f" (Vercel says: {text})" if text else "")
        if response.status_code in GONE:
            return Gone(message, response.status_code)
        return ProviderError(message)

    async def project(self, name: str) -> dict[str, Any] | None:
        """The project by name or id; None when it does not exist (404)."""
        response = await self._request("GET", f"/v9/projects/{quote(name, safe='')}")
        if response.status_code == 404:
            return None
        if not response.is_success:
            raise self._fail(response, f"Reading the Vercel project {name} failed")
        doc = json_of(response, LABEL)
        if not isinstance(doc, dict) or not isinstance(doc.get("id"), str):
            raise ProviderError(
                "Vercel answered a project request without a project id; is "
                "CONVOAI_SETUP_VERCEL_API right?"
            )
        return doc

    async def create_project(self, payload: dict[str, Any]) -> dict[str, Any]:
        response = await self._request("POST", "/v11/projects", json=payload)
        text = error_text(response)
        if response.status_code == 400 and "github" in text.lower():
            raise ProviderError(
                f"Vercel could not link the repository (Vercel says: {text}); nothing was created.",
                "Install the Vercel GitHub app for the repository "
                "(github.com/apps/vercel), then run push again.",
            )
        if response.status_code == 409:
            raise ProviderError(
                f"The Vercel project name {payload.get('name')} is taken (409); nothing "
                "was created.",
                "Set VERCEL_TEAM to the team that owns it, or choose another VERCEL_PROJECT.",
            )
        if not response.is_success:
            raise self._fail(response, "Creating the Vercel project failed; nothing was created")
        doc = json_of(response, LABEL)
        if not isinstance(doc, dict) or not isinstance(doc.get("id"), str):
            raise ProviderError(
                "Vercel created the project but did not answer with its id; re-run push."
            )
        return doc

    async def envs(self, project_id: str) -> list[dict[str, Any]]:
        response = await self._request("GET", f"/v10/projects/{project_id}/env")
        if not response.is_success:
            raise self._fail(response, "Listing the Vercel project's variables failed")
        doc = json_of(response, LABEL)
        envs = doc.get("envs") if isinstance(doc, dict) else None
        return [e for e in envs if isinstance(e, dict)] if isinstance(envs, list) else []

    async def env_value(self, project_id: str, env: Mapping[str, Any]) -> str | None:
        """A variable's plaintext: ``plain`` ones are in the list; others need their own GET
        (which may still have no value: ``sensitive`` ones are never readable)."""
        if env.get("type") == "plain" and isinstance(env.get("value"), str):
            return str(env["value"])
        if env.get("type") == "sensitive" or not env.get("id"):
            return None
        response = await self._request("GET", f"/v1/projects/{project_id}/env/{env['id']}")
        if not response.is_success:
            raise self._fail(response, f"Reading {env.get('key')} from Vercel failed")
        doc = json_of(response, LABEL)
        value = doc.get("value") if isinstance(doc, dict) else None
        return value if isinstance(value, str) else None

    async def upsert(self, project_id: str, items: list[dict[str, Any]]) -> list[str]:
        """``POST …/env?upsert=true``; raises when any variable is in ``failed`` (even on 201)."""
        response = await self._request(
            "POST", f"/v10/projects/{project_id}/env", {"upsert": "true"}, json=items
        )
        if not response.is_success:
            raise self._fail(response, "Setting variables on Vercel failed")
        doc = json_of(response, LABEL)
        failed = doc.get("failed") if isinstance(doc, dict) else None
        if failed:
            why = []
            for f in failed if isinstance(failed, list) else []:
                err = f.get("error", {}) if isinstance(f, dict) else {}
                why.append(
                    f"{err.get('key') or err.get('envVarKey') or '?'}: "
                    f"{err.get('message') or err.get('code') or 'failed'}"
                )
            raise ProviderError(
                "Vercel accepted the request but did not set "
                f"{'; '.join(why) or 'some variables'}.",
                "Fix that and run push again.",
            )
        return [str(i["key"]) for i in items]

    async def latest_production(self, project_id: str) -> dict[str, Any] | None:
        params: dict[str, str | int] = {
            "projectId": project_id,
            "target": "production",
            "state": "READY",
            "limit": 1,
        }
        response = await self._request("GET", "/v6/deployments", params)
        if not response.is_success:
            raise self._fail(response, "Listing Vercel deployments failed")
        doc = json_of(response, LABEL)
        items = doc.get("deployments") if isinstance(doc, dict) else None
        return (
            items[0] if isinstance(items, list) and items and isinstance(items[0], dict) else None
        )

    async def redeploy(self, project: str, deployment: Mapping[str, Any]) -> dict[str, Any]:
        """Rebuild ``deployment`` of ``project`` (its name) for production, as ``vercel redeploy`` does."""
        body = {
            "name": project,
            "deploymentId": deployment.get("uid") or deployment.get("id"),
            "target": "production",
            "meta": {"action": "redeploy"},
        }
        response = await self._request("POST", "/v13/deployments", {"forceNew": 1}, json=body)
        if not response.is_success:
            raise self._fail(response, "Starting a Vercel redeploy failed")
        doc = json_of(response, LABEL)
        if not isinstance(doc, dict) or not doc.get("id"):
            raise ProviderError(
                "Vercel started a deployment but did not answer with its id; see the "
                "project's Deployments tab."
            )
        return doc

    async def deployment(self, deployment_id: str) -> dict[str, Any]:
        response = await self._request("GET", f"/v13/deployments/{deployment_id}")
        if not response.is_success:
            raise self._fail(response, f"Reading Vercel deployment {deployment_id} failed")
        doc = json_of(response, LABEL)
        if not isinstance(doc, dict):
            raise ProviderError("Vercel answered a deployment request without a deployment")
        return doc
