"""Render's REST API as ``push`` uses it (PUSH-CONTRACTS, Render): owners, services, env vars,
deploys. Only the per-key env-var upsert is ever used to write: never the replace-all PUT
(it deletes every key not sent) and never a DELETE.

Lists are ``[{"<obj>": {…}, "cursor": "…"}]``; the next page is asked with the last cursor.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

from providers.api_call import GONE, Gone, call, json_of
from providers.base import CheckContext, CheckError, ProviderError
from providers.http import base_url, error_text, status_message

LABEL = "Render"
AUTH_HINT = (
    "Create an API key at Render Dashboard > Account Settings > API Keys, then: convoai-setup "
    "vars set RENDER_API_KEY"
)
PAGE = 100  # the documented maximum
DASHBOARD = "https://dashboard.render.com"


def dashboard_link(service_id: str, deploy_id: str | None = None) -> str:
    """Where a person sees the service (or one deploy's logs) in Render's dashboard."""
    link = f"{DASHBOARD}/web/{service_id}"
    return f"{link}/deploys/{deploy_id}" if deploy_id else link


class RenderApi:
    """One API key against ``CONVOAI_SETUP_RENDER_API`` (default ``https://api.render.com``)."""

    def __init__(self, ctx: CheckContext, key: str) -> None:
        try:
            self.base = (
                base_url(ctx.env, "CONVOAI_SETUP_RENDER_API", "https://api.render.com") + "/v1"
            )
        except CheckError as exc:
            raise ProviderError(exc.message) from None
        self.ctx = ctx
        self.headers = {"Authorization": f"Bearer {key}", "Accept": "application/json"}
        #: (method, path) of every write sent, for the partial-push report and the tests
        self.writes: list[tuple[str, str]] = []

    async def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        if method != "GET":
            self.writes.append((method, path))
        return await call(self.ctx, LABEL, method, self.base + path, headers=self.headers, **kwargs)

    def _fail(self, response: httpx.Response, doing: str) -> ProviderError:
        text = error_text(response)
        line = status_message(response, LABEL, AUTH_HINT)
        message = f"{doing}: {line}" + (f" (Render says: {text})" if text else "")
        if response.status_code in GONE:
            return Gone(message, response.status_code)
        return ProviderError(message)

    async def _list(
        self, path: str, field: str, params: dict[str, str | int]
    ) -> list[dict[str, Any]]:
        """Every ``field`` object of a paged list."""
        out: list[dict[str, Any]] = []
        cursor: str | None = None
        while True:
            query: dict[str, str | int] = {**params, "limit": PAGE}
            if cursor:
                query["cursor"] = cursor
            response = await self._request("GET", path, params=query)
            if not response.is_success:
                raise self._fail(response, f"Listing {path.rsplit('/', 1)[-1]} failed")
            page = json_of(response, LABEL)
            if not isinstance(page, list):
                raise ProviderError(
                    f"Render answered {path} without a list; is CONVOAI_SETUP_RENDER_API right?"
                )
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
        """Web services named exactly ``name`` (the filter's exactness is unconfirmed: re-checked)."""
        params: dict[str, str | int] = {"name": name, "type": "web_service"}
        if owner_id:
            params["ownerId"] = owner_id
        found = await self._list("/services", "service", params)
        return [s for s in found if s.get("name") == name]

    async def create_service(self, payload: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
        """``POST /services``; returns the service and the first deploy's id (if given)."""
        response = await self._request("POST", "/services", json=payload)
        if response.status_code == 400:
            text = error_text(response)
            if any(w in text.lower() for w in ("repo", "github", "git ")):
                raise ProviderError(
                    f"Render could not use the repository {payload.get('repo')} (Render "
                    f"says: {text}); nothing was created.",
                    "Install Render's GitHub app for that repository (Render Dashboard > "
                    "Account Settings > Git, or github.com/apps/render), or apply the "
                    "Blueprint: convoai-setup write render, then Render Dashboard > New > "
                    "Blueprint.",
                )
        if response.status_code not in (200, 201):
            raise self._fail(response, "Creating the Render service failed; nothing was created")
        doc = json_of(response, LABEL)
        service = doc.get("service") if isinstance(doc, dict) else None
        if not isinstance(service, dict) or not isinstance(service.get("id"), str):
            raise ProviderError(
                "Render created the service but did not answer with its id; look for it in "
                "the dashboard and re-run push."
            )
        deploy = doc.get("deployId") if isinstance(doc, dict) else None
        return service, deploy if isinstance(deploy, str) else None

    async def env_vars(self, service_id: str) -> dict[str, str]:
        """Every service-level variable, in Render's order (plaintext)."""
        items = await self._list(f"/services/{service_id}/env-vars", "envVar", {})
        return {
            str(i["key"]): str(i.get("value", "")) for i in items if isinstance(i.get("key"), str)
        }

    async def put_env_var(self, service_id: str, key: str, value: str) -> str | None:
        """Upsert ONE variable; returns the value Render says it stored (None: not echoed)."""
        path = f"/services/{service_id}/env-vars/{quote(key, safe='')}"
        response = await self._request("PUT", path, json={"value": value})
        if not response.is_success:
            raise self._fail(response, f"Setting {key} on Render failed")
        doc = json_of(response, LABEL)
        stored = doc.get("value") if isinstance(doc, dict) else None
        return stored if isinstance(stored, str) else None

    async def latest_deploy(self, service_id: str) -> dict[str, Any] | None:
        """The newest deploy (lists are newest first), or None."""
        response = await self._request(
            "GET", f"/services/{service_id}/deploys", params={"limit": 1}
        )
        if not response.is_success:
            raise self._fail(response, "Listing Render deploys failed")
        page = json_of(response, LABEL)
        items = (
            [i["deploy"] for i in page if isinstance(i, dict) and isinstance(i.get("deploy"), dict)]
            if isinstance(page, list)
            else []
        )
        return items[0] if items else None

    async def trigger_deploy(self, service_id: str) -> dict[str, Any] | None:
        """Start a deploy: 201 carries it; 202 ("Queued") may carry no body (None)."""
        response = await self._request(
            "POST", f"/services/{service_id}/deploys", json={"clearCache": "do_not_clear"}
        )
        if response.status_code not in (200, 201, 202):
            raise self._fail(response, "Starting a Render deploy failed")
        if not response.content.strip():
            return None
        try:
            doc = response.json()
        except ValueError:
            return None
        return doc if isinstance(doc, dict) and isinstance(doc.get("id"), str) else None

    async def deploy(self, service_id: str, deploy_id: str) -> dict[str, Any]:
        response = await self._request("GET", f"/services/{service_id}/deploys/{deploy_id}")
        if not response.is_success:
            raise self._fail(response, f"Reading Render deploy {deploy_id} failed")
        doc = json_of(response, LABEL)
        if not isinstance(doc, dict):
            raise ProviderError("Render answered a deploy request without a deploy object")
        return doc
