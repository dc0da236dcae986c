"""Supabase: the service key opens the Data API, and the schema's tables are exposed.

``GET {SUPABASE_URL}/rest/v1/`` answers PostgREST's OpenAPI document; its ``paths`` list the
tables and ``rpc/<function>`` the key's role may see. A service_role key sees everything, so a
missing table means the migrations have not been applied yet.
"""

from __future__ import annotations

import re
from pathlib import Path

from checklists.advice import do
from checklists.errors import ProviderError
from providers.base import CheckContext, CheckResult, Results, Stopwatch
from providers.http import json_body, require_tls, send, status_message

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
    if missing:
        shown = ", ".join(p.lstrip("/") for p in missing[:4]) + (" …" if len(missing) > 4 else "")
        out.add(
            "schema",
            "warn",
            f"migrations not applied yet: {shown} missing. Run: {do('migrate')}",
            VARIABLES,
        )
    else:
        out.add("schema", "ok", "all tables and functions of the schema are exposed", VARIABLES)
    return out.items
