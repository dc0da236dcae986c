"""Supabase: the Data API live check, and the one Management API client.

The check: ``GET {SUPABASE_URL}/rest/v1/`` answers PostgREST's OpenAPI document; its ``paths``
list the tables and ``rpc/<function>`` the key's role may use. A table missing there was either
never created (the migrations have not run) or exists without privileges for ``service_role``
(projects created since 30 May 2026 no longer grant new ``public`` tables to the Data API
roles): one table is then read through ``/rest/v1/<table>``, and PostgreSQL's answer tells them
apart (``42501 permission denied`` versus a table PostgREST cannot find).

``SupabaseClient`` talks to the Management API (PROVISION-CONTRACTS §1) with a personal access
token: organizations, projects, API keys, the pooler's connection strings, the database
password. The provision adapter (``wizard.platforms.supabase``) uses it.
"""

from __future__ import annotations

import asyncio
import re
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from checklists.advice import do
from checklists.errors import Gone, ProviderError
from providers.base import CheckContext, CheckResult, Results, Stopwatch
from providers.client import MAX_WAIT, ApiClient, Sleep, retry_delay
from providers.http import error_text, json_body, require_tls, send, status_message
from providers.supabase_answers import TOKEN_HINT, missing_permissions, valid_ref

SERVICE = "supabase"
PHASE = "supabase"
VARIABLES = ("SUPABASE_URL", "SUPABASE_SERVICE_KEY")
AUTH_HINT = "Copy the service_role secret (or sb_secret_… key) from Project Settings > API"
#: what schema.sql defines, used when the project's SQL files are not at hand
DEFAULT_PATHS = (
    "/organizations",
    "/chatbots",
    "/documents",
    "/conversations",
    "/messages",
    "/subscriptions",
    "/rpc/match_documents",
)
_TABLE = re.compile(r"create\s+table\s+(?:if\s+not\s+exists\s+)?(?:public\.)?\"?(\w+)", re.I)
_FUNCTION = re.compile(r"create\s+(?:or\s+replace\s+)?function\s+(?:public\.)?\"?(\w+)", re.I)


def expected_paths(project_root: Path | None) -> tuple[str, ...]:
    """``/table`` and ``/rpc/function`` paths the project's SQL files create (or the defaults)."""
    if project_root is None:
        return DEFAULT_PATHS
    files = [project_root / "supabase" / "schema.sql"]
    files += sorted((project_root / "supabase" / "migrations").glob("*.sql"))
    found: list[str] = []
    for path in files:
        try:
            sql = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        found += [f"/{name}" for name in _TABLE.findall(sql)]
        found += [f"/rpc/{name}" for name in _FUNCTION.findall(sql)]
    return tuple(dict.fromkeys(found)) or DEFAULT_PATHS


def _headers(key: str) -> dict[str, str]:
    # New-style sb_secret_ keys are not JWTs: they go in apikey only (API-CONTRACTS §1).
    headers = {"apikey": key, "Accept": "application/openapi+json, application/json"}
    if key.startswith("eyJ"):
        headers["Authorization"] = f"Bearer {key}"
    return headers


async def check_supabase(ctx: CheckContext) -> list[CheckResult]:
    out = Results(SERVICE, PHASE)
    url, key = ctx.value("SUPABASE_URL").rstrip("/"), ctx.value("SUPABASE_SERVICE_KEY")
    watch = Stopwatch()
    try:
        require_tls(url, "SUPABASE_URL")
        response = await send(
            ctx, "Supabase", "GET", f"{url}/rest/v1/", entered="SUPABASE_URL", headers=_headers(key)
        )
        if response.status_code == 403:
            raise ProviderError(
                "Supabase refused SUPABASE_SERVICE_KEY on /rest/v1/ (403): that is the anon or "
                "publishable key. Use the service_role secret from Project Settings > API"
            )
        if not response.is_success:
            raise ProviderError(status_message(response, "Supabase", AUTH_HINT))
        doc = json_body(response, "Supabase")
    except ProviderError as exc:
        out.error("data api", exc, VARIABLES, watch)
        return out.items
    out.add("data api", "ok", "Data API accepts the service key", VARIABLES, watch)
    paths = doc.get("paths") if isinstance(doc, dict) else None
    if not isinstance(paths, dict):
        out.add(
            "schema",
            "warn",
            "Supabase answered without an OpenAPI path list; cannot tell if migrations ran",
            VARIABLES,
        )
        return out.items
    missing = [p for p in expected_paths(ctx.project_root) if p not in paths]
    if not missing:
        out.add("schema", "ok", "all tables and functions of the schema are exposed", VARIABLES)
        return out.items
    shown = ", ".join(p.lstrip("/") for p in missing[:4]) + (" …" if len(missing) > 4 else "")
    tables = [p for p in missing if not p.startswith("/rpc/")]
    denied = await _denied(ctx, url, key, tables[0]) if tables else None
    if denied is not None:
        message = (
            f"the tables exist but service_role may not use them ({denied}): nothing grants "
            "the Data API access (new Supabase projects no longer do it by default). "
            f"Run: {do('migrate', '--grants')}"
        )
    elif tables:
        message = f"migrations not applied yet: {shown} missing. Run: {do('migrate')}"
    else:
        message = (
            f"functions not exposed: {shown}; the migrations have not run, or service_role "
            f"may not execute them. Run: {do('migrate')} (then {do('migrate', '--grants')} if "
            "asked)"
        )
    out.add("schema", "warn", message, VARIABLES)
    return out.items


async def _denied(ctx: CheckContext, url: str, key: str, table: str) -> str | None:
    """Read one row of ``table`` with the key: PostgreSQL's "permission denied" (42501) when
    ``service_role`` lacks the privilege, else None (the table is missing, or readable)."""
    try:
        response = await send(
            ctx,
            "Supabase",
            "GET",
            f"{url}/rest/v1{table}",
            entered="SUPABASE_URL",
            headers=_headers(key),
            params={"select": "*", "limit": "1"},
        )
    except ProviderError:
        return None  # the root answered a moment ago: say what is known, without the probe
    try:
        body = response.json()
    except ValueError:
        return None
    if isinstance(body, dict) and body.get("code") == "42501":
        text = body.get("message")
        return f"42501 {text}" if isinstance(text, str) else "42501 permission denied"
    return None


# -- the Management API ------------------------------------------------------------------------
PAGE = 100  # the documented maximum of an organization's project list
#: pages of one list read at most: a server that ignores ``offset`` must not loop forever
MAX_PAGES = 50


class SupabaseClient(ApiClient):
    """One personal access token against ``CONVOAI_SETUP_SUPABASE_API`` (default
    ``https://api.supabase.com``).

    The limit is 120 requests a minute per endpoint and scope, shared by every token of the
    user; each answer says how many are left (``X-RateLimit-Remaining``) and when the window
    resets (``X-RateLimit-Reset``, seconds). When none is left, the next request waits for the
    reset instead of being refused; a 429 is waited out by ``ApiClient.request``.
    """

    label = "Supabase"
    base_env = "CONVOAI_SETUP_SUPABASE_API"
    base_default = "https://api.supabase.com"
    base_path = "/v1"
    auth_hint = (
        "Create a personal access token at Supabase Dashboard > Account > Access Tokens, then: "
        f"{do('vars set', 'SUPABASE_ACCESS_TOKEN')}"
    )

    def __init__(self, ctx: CheckContext, token: str, sleep: Sleep = asyncio.sleep) -> None:
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        super().__init__(ctx, headers, sleep=sleep)
        #: monotonic time before which the next request waits (the window is used up)
        self.hold_until = 0.0

    async def request(
        self, method: str, path: str, params: Any = None, **kwargs: Any
    ) -> httpx.Response:
        wait = self.hold_until - time.monotonic()
        if wait > 0:
            await self.sleep(min(wait, MAX_WAIT))
        response = await super().request(method, path, params, **kwargs)
        left = response.headers.get("X-RateLimit-Remaining", "").strip()
        if response.status_code == 429 or left == "0":
            self.hold_until = time.monotonic() + retry_delay(response.headers)
        return response

    def fail(self, response: httpx.Response, doing: str) -> ProviderError:
        lacking = missing_permissions(response)
        if response.status_code == 403 and lacking:
            return Gone(
                f"{doing}: the access token lacks the permission {', '.join(lacking)} "
                "(Supabase answered 403).",
                403,
                TOKEN_HINT,
            )
        return super().fail(response, doing)

    def _dicts(self, doc: Any, what: str) -> list[dict[str, Any]]:
        if not isinstance(doc, list):
            raise self.unexpected(f"{what} without a list")
        return [d for d in doc if isinstance(d, dict)]

    async def organizations(self) -> list[dict[str, Any]]:
        """``[{"slug", "name"}]``: the organizations the token sees."""
        doc = await self.get("/organizations", "Listing Supabase organizations failed")
        return [o for o in self._dicts(doc, "/organizations") if isinstance(o.get("slug"), str)]

    async def projects_named(self, org: str, name: str) -> list[dict[str, Any]]:
        """The projects of organization ``org`` named exactly ``name``, every page read
        (``search`` matches names loosely, so each is checked again here)."""
        path = f"/organizations/{quote(org, safe='')}/projects"
        out: list[dict[str, Any]] = []
        seen: set[str] = set()
        for page in range(MAX_PAGES):
            params = {"search": name, "limit": PAGE, "offset": page * PAGE, "sort": "created_asc"}
            doc = await self.get(path, f"Listing the projects of organization {org} failed", params)
            items = doc.get("projects") if isinstance(doc, dict) else None
            projects = self._dicts(items, f"{path} without projects")
            refs = {str(p.get("ref")) for p in projects}
            if refs and refs <= seen:  # the same page again: the server ignores offset
                break
            seen |= refs
            out += [p for p in projects if p.get("name") == name and valid_ref(p.get("ref"))]
            if len(items or ()) < PAGE:
                break
        return out

    async def create_project(self, body: dict[str, Any]) -> dict[str, Any]:
        """``POST /projects``: sent once (it is not idempotent; after a lost answer the caller
        looks the project up by name instead)."""
        response = await self.request("POST", "/projects", json=body)
        if response.status_code not in (200, 201):
            raise self.fail(response, "Creating the Supabase project failed")
        doc = self.json(response)
        if not isinstance(doc, dict) or not valid_ref(doc.get("ref")):
            raise ProviderError(
                "Supabase answered the creation without a project ref.",
                "Run provision again: it finds the project by its name.",
            )
        return doc

    async def project(self, ref: str) -> dict[str, Any] | None:
        """The project (its ``status``), or None while the API cannot say yet (a 404 just after
        creation, or a 429 whose wait is longer than a request may take)."""
        response = await self.request("GET", f"/projects/{ref}")
        if response.status_code in (404, 429):
            return None
        if not response.is_success:
            raise self.fail(response, f"Reading Supabase project {ref} failed")
        doc = self.json(response)
        if not isinstance(doc, dict):
            raise self.unexpected(f"/projects/{ref} without a project")
        return doc

    async def api_keys(self, ref: str) -> list[dict[str, Any]]:
        """Every API key of the project, secrets revealed (``reveal=true``)."""
        doing = f"Reading the API keys of Supabase project {ref} failed"
        response = await self.request("GET", f"/projects/{ref}/api-keys", {"reveal": "true"})
        if response.status_code == 403 and not missing_permissions(response):
            said = error_text(response)
            raise Gone(
                f"{doing}: Supabase refused to reveal them (403); revealing secret keys needs "
                "the token permission API Key Secrets (Read)"
                + (f" (Supabase says: {said})." if said else "."),
                403,
                TOKEN_HINT,
            )
        if not response.is_success:
            raise self.fail(response, doing)
        return self._dicts(self.json(response), "/api-keys")

    async def legacy_keys_enabled(self, ref: str) -> bool:
        """Whether the legacy JWT keys are enabled; the endpoint "will be removed in the
        future, check for HTTP 404": a 404 means they are not."""
        response = await self.request("GET", f"/projects/{ref}/api-keys/legacy")
        if response.status_code == 404:
            return False
        if not response.is_success:
            raise self.fail(response, f"Reading the legacy API keys of project {ref} failed")
        doc = self.json(response)
        enabled = doc.get("enabled") if isinstance(doc, dict) else None
        if not isinstance(enabled, bool):
            raise self.unexpected("/api-keys/legacy without enabled")
        return enabled

    async def pooler(self, ref: str) -> list[dict[str, Any]]:
        """The pooler's entries (connection strings with a ``[YOUR-PASSWORD]`` placeholder)."""
        doc = await self.get(
            f"/projects/{ref}/config/database/pooler",
            f"Reading the pooler configuration of Supabase project {ref} failed",
        )
        return self._dicts(doc, "/config/database/pooler")

    async def reset_db_password(self, ref: str, password: str) -> None:
        """``PATCH …/database/password`` (sending the same password again changes nothing, so
        it may be retried)."""
        response = await self.request(
            "PATCH",
            f"/projects/{ref}/database/password",
            json={"password": password},
            idempotent=True,
        )
        if not response.is_success:
            raise self.fail(response, f"Resetting the database password of project {ref} failed")
