"""Render: its one API client (PUSH-CONTRACTS, Render) and the live check of the web service.

Lists are ``[{"<obj>": {…}, "cursor": "…"}]``; the next page is asked with the last cursor.
Variables are only ever written one key at a time (``PUT …/env-vars/{key}``, an upsert): never
the replace-all PUT (it deletes every key not sent) and never a DELETE.

The service named RENDER_SERVICE_NAME is looked for in the workspace RENDER_OWNER names (an id,
or a workspace name looked up in ``/owners``); two services of that name that RENDER_OWNER does
not tell apart are refused, never guessed between, by the check and every action alike.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from checklists.advice import do
from checklists.errors import ProviderError, SetupError, UsageError
from providers.base import CheckContext, CheckResult, Results, Stopwatch
from providers.client import ApiClient
from providers.http import error_text

VARIABLES = ("RENDER_API_KEY", "RENDER_SERVICE_NAME", "RENDER_OWNER")
#: prefixes of Render owner ids (a team ``tea-``, a user ``usr-``/``own-``); anything else is a name
OWNER_IDS = ("tea-", "usr-", "own-")
PAGE = 100  # the documented maximum
DASHBOARD = "https://dashboard.render.com"
#: Render's documented A record for apex domains (its API returns no DNS target)
APEX_A = "216.24.57.1"


def dashboard_link(service_id: str, deploy_id: str | None = None) -> str:
    """Where a person sees the service (or one deploy's logs) in Render's dashboard."""
    link = f"{DASHBOARD}/web/{service_id}"
    return f"{link}/deploys/{deploy_id}" if deploy_id else link


def owners_text(owners: list[dict[str, Any]]) -> str:
    return ", ".join(f"{o.get('name', '?')} ({o.get('id', '?')})" for o in owners) or "none"


def pick_owner(owners: list[dict[str, Any]], wanted: str) -> dict[str, Any] | None:
    """RENDER_OWNER by id or name (exact, then ignoring case); without it, the only workspace
    (None: several, so it is ambiguous)."""
    if not wanted:
        return owners[0] if len(owners) == 1 else None
    for test in (
        lambda o: o.get("id") == wanted,
        lambda o: o.get("name") == wanted,
        lambda o: str(o.get("name", "")).lower() == wanted.lower(),
    ):
        hits = [o for o in owners if test(o)]
        if len(hits) == 1:
            return hits[0]
    raise UsageError(
        f"RENDER_OWNER={wanted} is not a workspace this API key can use "
        f"(it sees: {owners_text(owners)}).",
        f"Set RENDER_OWNER to one of those ids or names: {do('vars set', 'RENDER_OWNER')}",
    )


@dataclass
class Found:
    """The web service RENDER_SERVICE_NAME names, where it was looked for."""

    name: str
    #: RENDER_OWNER as set ("" for any workspace)
    wanted: str
    service: dict[str, Any] | None
    #: the workspace to create it in (None when RENDER_OWNER is unset and the key sees several)
    owner: dict[str, Any] | None
    owners: list[dict[str, Any]]

    @property
    def where(self) -> str:
        return f" in workspace {self.wanted}" if self.wanted else ""


class RenderClient(ApiClient):
    """One API key against ``CONVOAI_SETUP_RENDER_API`` (default ``https://api.render.com``)."""

    label = "Render"
    base_env = "CONVOAI_SETUP_RENDER_API"
    base_default = "https://api.render.com"
    base_path = "/v1"
    auth_hint = (
        "Create an API key at Render Dashboard > Account Settings > API Keys, then: "
        f"{do('vars set', 'RENDER_API_KEY')}"
    )

    def __init__(self, ctx: CheckContext, key: str) -> None:
        super().__init__(ctx, {"Authorization": f"Bearer {key}", "Accept": "application/json"})

    async def _list(self, path: str, field: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        """Every ``field`` object of a paged list."""
        out: list[dict[str, Any]] = []
        cursor: str | None = None
        while True:
            query: dict[str, Any] = {**params, "limit": PAGE}
            if cursor:
                query["cursor"] = cursor
            page = await self.get(path, f"Listing {path.rsplit('/', 1)[-1]} failed", query)
            if not isinstance(page, list):
                raise self.unexpected(f"{path} without a list")
            items = [i for i in page if isinstance(i, dict) and isinstance(i.get(field), dict)]
            out += [i[field] for i in items]
            # [] ends the list; so does a page shorter than the (documented maximum) limit asked.
            next_cursor = items[-1].get("cursor") if items else None
            if len(page) < PAGE or not isinstance(next_cursor, str) or next_cursor == cursor:
                return out
            cursor = next_cursor

    async def owners(self) -> list[dict[str, Any]]:
        """Workspaces the key can use: ``[{"id": "tea-…", "name", "type"}]``."""
        return await self._list("/owners", "owner", {})

    async def services(self, name: str, owner_id: str | None = None) -> list[dict[str, Any]]:
        """Web services named exactly ``name`` (the filter's exactness is unconfirmed, so the
        name is checked again here)."""
        params: dict[str, Any] = {"name": name, "type": "web_service"}
        if owner_id:
            params["ownerId"] = owner_id
        found = await self._list("/services", "service", params)
        return [s for s in found if s.get("name") == name]

    async def find_service(self, name: str, wanted: str, need_owner: bool = False) -> Found:
        """The service ``name`` in the workspace ``wanted`` names (see the module docstring).

        The owner list is read when ``wanted`` is a workspace name, when ``need_owner`` (the
        service may have to be created), or to name the workspaces of an ambiguous name.
        """
        by_id = wanted if wanted.startswith(OWNER_IDS) else None
        if (wanted and not by_id) or need_owner:
            owners, services = await asyncio.gather(self.owners(), self.services(name, by_id))
        else:
            owners, services = [], await self.services(name, by_id)
        owner = pick_owner(owners, wanted) if owners else None
        if owner is not None:
            services = [s for s in services if s.get("ownerId") in (None, owner.get("id"))]
        if len(services) > 1:
            owners = owners or await self.owners()
            ids = ", ".join(str(s.get("id")) for s in services)
            raise UsageError(
                f"Several Render services are named {name} ({ids}) in the workspaces this key "
                f"sees: {owners_text(owners)}.",
                "Set RENDER_OWNER to the workspace id or name to use: "
                f"{do('vars set', 'RENDER_OWNER')}",
            )
        return Found(name, wanted, services[0] if services else None, owner, owners)

    async def service(self, service_id: str) -> dict[str, Any]:
        doc = await self.get(f"/services/{service_id}", "Reading the Render service failed")
        if not isinstance(doc, dict) or not isinstance(doc.get("id"), str):
            raise self.unexpected("a service request without a service")
        return doc

    async def create_service(self, payload: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
        """``POST /services`` (never sent twice); the service as Render answered it, and the
        first deploy's id if given."""
        response = await self.request("POST", "/services", json=payload)
        if response.status_code == 400:
            text = error_text(response)
            if any(w in text.lower() for w in ("repo", "github", "git ")):
                raise ProviderError(
                    f"Render could not use the repository {payload.get('repo')} "
                    f"(Render says: {text}); nothing was created.",
                    "Install Render's GitHub app for that repository (Render Dashboard > Account "
                    "Settings > Git, or github.com/apps/render), or apply the Blueprint: "
                    f"{do('write', 'render')}, then Render Dashboard > New > Blueprint.",
                )
        if response.status_code not in (200, 201):
            raise self.fail(response, "Creating the Render service failed; nothing was created")
        doc = self.json(response)
        service = doc.get("service") if isinstance(doc, dict) else None
        if not isinstance(service, dict) or not isinstance(service.get("id"), str):
            raise ProviderError(
                "Render created the service but did not answer with its id; look for it in the "
                "dashboard and re-run push."
            )
        deploy = doc.get("deployId") if isinstance(doc, dict) else None
        return service, deploy if isinstance(deploy, str) else None

    async def env_vars(self, service_id: str) -> dict[str, str]:
        """Every service-level variable, in Render's order (plaintext)."""
        items = await self._list(f"/services/{service_id}/env-vars", "envVar", {})
        return {
            str(i["key"]): str(i.get("value", "")) for i in items if isinstance(i.get("key"), str)
        }

    async def put_env_var(self, service_id: str, key: str, value: str) -> None:
        """Upsert ONE variable (idempotent: sent again after a dropped connection)."""
        path = f"/services/{service_id}/env-vars/{quote(key, safe='')}"
        response = await self.request("PUT", path, json={"value": value})
        if not response.is_success:
            raise self.fail(response, f"Setting {key} on Render failed")

    async def latest_deploy(self, service_id: str) -> dict[str, Any] | None:
        """The newest deploy (lists are newest first), or None."""
        page = await self.get(
            f"/services/{service_id}/deploys", "Listing Render deploys failed", {"limit": 1}
        )
        items = (
            [i["deploy"] for i in page if isinstance(i, dict) and isinstance(i.get("deploy"), dict)]
            if isinstance(page, list)
            else []
        )
        return items[0] if items else None

    async def trigger_deploy(self, service_id: str) -> dict[str, Any] | None:
        """Start a deploy: 201 carries it; 202 ("Queued") may carry no body (None)."""
        response = await self.request(
            "POST", f"/services/{service_id}/deploys", json={"clearCache": "do_not_clear"}
        )
        if response.status_code not in (200, 201, 202):
            raise self.fail(response, "Starting a Render deploy failed")
        if not response.content.strip():
            return None
        try:
            doc = response.json()
        except ValueError:
            return None
        return doc if isinstance(doc, dict) and isinstance(doc.get("id"), str) else None

    async def deploy(self, service_id: str, deploy_id: str) -> dict[str, Any]:
        doc = await self.get(
            f"/services/{service_id}/deploys/{deploy_id}",
            f"Reading Render deploy {deploy_id} failed",
        )
        if not isinstance(doc, dict):
            raise self.unexpected("a deploy request without a deploy object")
        return doc

    # -- custom domains -----------------------------------------------------------------------
    def _domain_path(self, service_id: str, domain: str = "") -> str:
        tail = f"/{quote(domain, safe='')}" if domain else ""
        return f"/services/{quote(service_id, safe='')}/custom-domains{tail}"

    async def add_domain(self, service_id: str, domain: str) -> dict[str, Any]:
        """Add ``domain`` to the service; one it already has is fine (idempotent)."""
        response = await self.request("POST", self._domain_path(service_id), json={"name": domain})
        if response.is_success:
            body = self.json(response)  # 201 with an array of the added domains
            first = body[0] if isinstance(body, list) and body else body
            return dict(first) if isinstance(first, dict) else {}
        if response.status_code in (400, 409):
            existing = await self.request("GET", self._domain_path(service_id, domain))
            if existing.is_success:
                return self._object(existing)
        raise self.fail(response, f"Adding {domain} to the Render service failed")

    async def domain_verified(self, service_id: str, domain: str) -> bool:
        """Ask Render to verify (202, no body), then read the domain back."""
        path = self._domain_path(service_id, domain)
        attempt = await self.request("POST", path + "/verify", idempotent=True)
        if not attempt.is_success and attempt.status_code != 400:
            raise self.fail(attempt, f"Verifying {domain} on Render failed")
        response = await self.request("GET", path)
        if not response.is_success:
            raise self.fail(response, f"Reading {domain} on Render failed")
        return self._object(response).get("verificationStatus") == "verified"

    def _object(self, response: Any) -> dict[str, Any]:
        body = self.json(response)
        if not isinstance(body, dict):
            raise self.unexpected(f"{response.status_code} with an unexpected body")
        return body


async def check_render(ctx: CheckContext) -> list[CheckResult]:
    """The API key works and the web service RENDER_SERVICE_NAME exists (in RENDER_OWNER's
    workspace when it is set: the one push uses)."""
    out, watch = Results("render", "render"), Stopwatch()
    if not ctx.value("RENDER_API_KEY"):
        out.add("service", "skip", "set RENDER_API_KEY to check the Render service", VARIABLES)
        return out.items
    name = ctx.value("RENDER_SERVICE_NAME") or "convoai-backend"
    try:
        api = RenderClient(ctx, ctx.value("RENDER_API_KEY"))
        found = await api.find_service(name, ctx.value("RENDER_OWNER"))
    except SetupError as exc:
        out.error("service", exc, VARIABLES, watch)
        return out.items
    if found.service is not None:
        sid = found.service.get("id", "")
        out.add(
            "service",
            "ok",
            f"API key works; service {name} found{found.where} ({sid})",
            VARIABLES,
            watch,
        )
    else:
        out.add(
            "service",
            "fail",
            f"API key works but no service named {name}{found.where}; create it "
            f"({do('push', 'render')}, or plan Phase 3.1) or set RENDER_SERVICE_NAME / "
            "RENDER_OWNER",
            VARIABLES,
            watch,
        )
    return out.items
