"""Render (optional): the API key works and the web service named RENDER_SERVICE_NAME exists."""

from __future__ import annotations

from providers.base import CheckContext, CheckError, CheckResult, Results, Stopwatch
from providers.http import base_url, get_json

VARIABLES = ("RENDER_API_KEY", "RENDER_SERVICE_NAME")
AUTH_HINT = "Create an API key at Render Dashboard > Account Settings > API Keys"


async def check_render(ctx: CheckContext) -> list[CheckResult]:
    out, watch = Results("render", "render"), Stopwatch()
    if not ctx.value("RENDER_API_KEY"):
        out.add("service", "skip", "set RENDER_API_KEY to check the Render service", VARIABLES)
        return out.items
    name = ctx.value("RENDER_SERVICE_NAME") or "convoai-backend"
    try:
        base = base_url(ctx.env, "CONVOAI_SETUP_RENDER_API", "https://api.render.com")
        headers = {"Authorization": f"Bearer {ctx.value('RENDER_API_KEY')}", "Accept": "application/json"}  # fmt: skip
        doc = await get_json(ctx, "Render", f"{base}/v1/services", AUTH_HINT, headers, {"name": name, "limit": 20})  # fmt: skip
        if not isinstance(doc, list):
            raise CheckError("Render answered /v1/services without a list; is CONVOAI_SETUP_RENDER_API right?")  # fmt: skip
    except CheckError as exc:
        out.error("service", exc, VARIABLES, watch)
        return out.items
    found = [
        item["service"] for item in doc
        if isinstance(item, dict) and isinstance(item.get("service"), dict) and item["service"].get("name") == name
    ]  # fmt: skip
    if found:
        out.add("service", "ok", f"API key works; service {name} found ({found[0].get('id', '')})", VARIABLES, watch)  # fmt: skip
    else:
        out.add("service", "fail", f"API key works but no service named {name}; create it (plan Phase 3.1) or set RENDER_SERVICE_NAME", VARIABLES, watch)  # fmt: skip
    return out.items
