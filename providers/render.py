"""Render (optional): the API key works and the web service named RENDER_SERVICE_NAME exists
(in the workspace RENDER_OWNER names, by id or name, when it is set: the one push uses)."""

from __future__ import annotations

import asyncio
from typing import Any

from providers.base import CheckContext, CheckError, CheckResult, Results, Stopwatch
from providers.http import base_url, get_json

VARIABLES = ("RENDER_API_KEY", "RENDER_SERVICE_NAME", "RENDER_OWNER")
#: prefixes of Render owner ids (a team ``tea-``, a user ``usr-``/``own-``); anything else is a name
OWNER_IDS = ("tea-", "usr-", "own-")
AUTH_HINT = "Create an API key at Render Dashboard > Account Settings > API Keys"


async def check_render(ctx: CheckContext) -> list[CheckResult]:
    out, watch = Results("render", "render"), Stopwatch()
    if not ctx.value("RENDER_API_KEY"):
        out.add("service", "skip", "set RENDER_API_KEY to check the Render service", VARIABLES)
        return out.items
    name = ctx.value("RENDER_SERVICE_NAME") or "convoai-backend"
    wanted = (ctx.value("RENDER_OWNER") or "").strip()
    try:
        base = base_url(ctx.env, "CONVOAI_SETUP_RENDER_API", "https://api.render.com")
        headers = {
            "Authorization": f"Bearer {ctx.value('RENDER_API_KEY')}",
            "Accept": "application/json",
        }
        params: dict[str, str | int] = {"name": name, "limit": 100}
        if wanted.startswith(OWNER_IDS):
            params["ownerId"] = wanted
        # A workspace name needs the owner list to become an id: asked alongside the search.
        by_name = wanted and not wanted.startswith(OWNER_IDS)
        doc, owners = await asyncio.gather(
            get_json(ctx, "Render", f"{base}/v1/services", AUTH_HINT, headers, params),
            get_json(ctx, "Render", f"{base}/v1/owners", AUTH_HINT, headers, {"limit": 100})
            if by_name
            else _none(),
        )
        if not isinstance(doc, list):
            raise CheckError(
                "Render answered /v1/services without a list; is CONVOAI_SETUP_RENDER_API right?"
            )
        owner_id = _owner_id(owners, wanted) if by_name else wanted or None
    except CheckError as exc:
        out.error("service", exc, VARIABLES, watch)
        return out.items
    found = [
        item["service"]
        for item in doc
        if isinstance(item, dict)
        and isinstance(item.get("service"), dict)
        and item["service"].get("name") == name
        and (owner_id is None or item["service"].get("ownerId") in (None, owner_id))
    ]
    where = f" in workspace {wanted}" if wanted else ""
    if found:
        out.add(
            "service",
            "ok",
            f"API key works; service {name} found{where} ({found[0].get('id', '')})",
            VARIABLES,
            watch,
        )
    else:
        out.add(
            "service",
            "fail",
            f"API key works but no service named {name}{where}; create it (convoai-setup "
            "push render, or plan Phase 3.1) or set RENDER_SERVICE_NAME / RENDER_OWNER",
            VARIABLES,
            watch,
        )
    return out.items


async def _none() -> None:
    return None


def _owner_id(owners: Any, wanted: str) -> str:
    """The id of the workspace named ``wanted`` (exact name first, then ignoring case)."""
    listed = (
        [i["owner"] for i in owners if isinstance(i, dict) and isinstance(i.get("owner"), dict)]
        if isinstance(owners, list)
        else []
    )
    names = [str(o.get("name", "")) for o in listed]
    for keys, key in ((names, wanted), ([n.lower() for n in names], wanted.lower())):
        hits = [o for o, n in zip(listed, keys, strict=True) if n == key]
        if len(hits) == 1:
            return str(hits[0].get("id", ""))
    seen = ", ".join(f"{o.get('name', '?')} ({o.get('id', '?')})" for o in listed) or "none"
    raise CheckError(
        f"RENDER_OWNER={wanted} is not a workspace this API key can use (it sees: {seen}); "
        "set RENDER_OWNER to one of those ids or names"
    )
